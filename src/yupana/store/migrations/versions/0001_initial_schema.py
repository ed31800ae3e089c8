"""companies, tokens, series, documents, events, idempotency keys

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ruc", sa.String(length=11), nullable=False),
        sa.Column("razon_social", sa.String(length=500), nullable=False),
        sa.Column("nombre_comercial", sa.String(length=500), nullable=True),
        sa.Column("direccion", sa.String(length=500), nullable=True),
        sa.Column("ubigeo", sa.String(length=6), nullable=True),
        sa.Column("departamento", sa.String(length=100), nullable=True),
        sa.Column("provincia", sa.String(length=100), nullable=True),
        sa.Column("distrito", sa.String(length=100), nullable=True),
        sa.Column("urbanizacion", sa.String(length=100), nullable=True),
        sa.Column("codigo_pais", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("telefono", sa.String(length=50), nullable=True),
        sa.Column("logo_blob_key", sa.String(length=500), nullable=True),
        sa.Column("pdf_color", sa.String(length=7), nullable=True),
        sa.Column("sunat_environment", sa.String(length=16), nullable=False),
        sa.Column("endpoint_bill_service", sa.String(length=500), nullable=True),
        sa.Column("endpoint_bill_service_otros", sa.String(length=500), nullable=True),
        sa.Column("endpoint_consult_service", sa.String(length=500), nullable=True),
        sa.Column("endpoint_gre_auth", sa.String(length=500), nullable=True),
        sa.Column("endpoint_gre_cpe", sa.String(length=500), nullable=True),
        sa.Column("sol_user_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("sol_password_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("gre_client_id_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("gre_client_secret_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("certificate_pfx_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("certificate_password_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("certificate_subject", sa.String(length=1000), nullable=True),
        sa.Column("certificate_not_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "sunat_environment IN ('simulator', 'beta', 'production', 'custom')",
            name=op.f("ck_companies_sunat_environment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
        sa.UniqueConstraint("ruc", name=op.f("uq_companies_ruc")),
    )
    op.create_table(
        "api_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_api_users_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_users")),
        sa.UniqueConstraint("company_id", "name", name=op.f("uq_api_users_company_id_name")),
    )
    op.create_table(
        "establishments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("codigo", sa.String(length=4), nullable=False),
        sa.Column("nombre", sa.String(length=200), nullable=True),
        sa.Column("direccion", sa.String(length=500), nullable=True),
        sa.Column("ubigeo", sa.String(length=6), nullable=True),
        sa.Column("departamento", sa.String(length=100), nullable=True),
        sa.Column("provincia", sa.String(length=100), nullable=True),
        sa.Column("distrito", sa.String(length=100), nullable=True),
        sa.Column("urbanizacion", sa.String(length=100), nullable=True),
        sa.Column("codigo_pais", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_establishments_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_establishments")),
        sa.UniqueConstraint("company_id", "codigo", name=op.f("uq_establishments_company_id_codigo")),
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_content_type", sa.String(length=100), nullable=True),
        sa.Column("response_body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_idempotency_keys_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("company_id", "key", name=op.f("uq_idempotency_keys_company_id_key")),
    )
    op.create_index(op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_api_tokens_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_api_tokens_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["api_users.id"], name=op.f("fk_api_tokens_user_id_api_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_company_id"), "api_tokens", ["company_id"], unique=False)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.Uuid(), nullable=False),
        sa.Column("tipo_documento", sa.String(length=2), nullable=False),
        sa.Column("serie", sa.String(length=20), nullable=False),
        sa.Column("correlativo", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_gravadas", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_exoneradas", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_inafectas", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_exportacion", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_gratuitas", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_igv", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_isc", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("total_icbper", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("importe_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("customer_tipo_documento", sa.String(length=1), nullable=True),
        sa.Column("customer_numero_documento", sa.String(length=20), nullable=True),
        sa.Column("customer_nombre", sa.String(length=500), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("hash", sa.String(length=100), nullable=True),
        sa.Column("content_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("xml_blob_key", sa.String(length=500), nullable=True),
        sa.Column("cdr_blob_key", sa.String(length=500), nullable=True),
        sa.Column("pdf_blob_key", sa.String(length=500), nullable=True),
        sa.Column("sunat_code", sa.String(length=10), nullable=True),
        sa.Column("sunat_description", sa.Text(), nullable=True),
        sa.Column("sunat_notes", sa.JSON(), nullable=True),
        sa.Column("ticket", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('01', '03', '05', '07', '09', '11', '13')", name=op.f("ck_documents_state")
        ),
        sa.CheckConstraint("correlativo > 0", name=op.f("ck_documents_correlativo_positive")),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_documents_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_documents_establishment_id_establishments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "company_id",
            "tipo_documento",
            "serie",
            "correlativo",
            name=op.f("uq_documents_company_id_tipo_documento_serie_correlativo"),
        ),
        sa.UniqueConstraint("external_id", name=op.f("uq_documents_external_id")),
    )
    op.create_index(
        "ix_documents_company_issue_date", "documents", ["company_id", "issue_date"], unique=False
    )
    op.create_index("ix_documents_company_state", "documents", ["company_id", "state"], unique=False)
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("establishment_id", sa.Integer(), nullable=False),
        sa.Column("tipo_documento", sa.String(length=2), nullable=False),
        sa.Column("serie", sa.String(length=20), nullable=False),
        sa.Column("last_correlativo", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("last_correlativo >= 0", name=op.f("ck_series_last_correlativo_not_negative")),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_series_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["establishment_id"],
            ["establishments.id"],
            name=op.f("fk_series_establishment_id_establishments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint(
            "company_id", "tipo_documento", "serie", name=op.f("uq_series_company_id_tipo_documento_serie")
        ),
    )
    op.create_table(
        "document_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(length=2), nullable=True),
        sa.Column("to_state", sa.String(length=2), nullable=False),
        sa.Column("sunat_code", sa.String(length=10), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_document_events_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_events")),
    )
    op.create_index(op.f("ix_document_events_document_id"), "document_events", ["document_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_document_events_document_id"), table_name="document_events")
    op.drop_table("document_events")
    op.drop_table("series")
    op.drop_index("ix_documents_company_state", table_name="documents")
    op.drop_index("ix_documents_company_issue_date", table_name="documents")
    op.drop_table("documents")
    op.drop_index(op.f("ix_api_tokens_company_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_table("establishments")
    op.drop_table("api_users")
    op.drop_table("companies")
