"""Repositories on SQLite and PostgreSQL: companies and their secrets, tokens, documents, idempotency keys."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from yupana.domain.party import Address, Company, Customer
from yupana.domain.problems import InvalidDocument
from yupana.domain.sale import SaleDocument, SaleTotals
from yupana.store.database import session_scope
from yupana.store.models import (
    ApiToken,
    ApiUser,
    DocumentEvent,
    DocumentState,
    SunatEnvironment,
)
from yupana.store.models import Company as CompanyRow
from yupana.store.models import Document as DocumentRow
from yupana.store.repositories import (
    CompanyRepository,
    CustomEndpoints,
    DocumentFilter,
    DocumentRepository,
    GreClient,
    IdempotencyOutcome,
    IdempotencyRepository,
    NewDocument,
    SeriesRepository,
    SolLogin,
    StateConflict,
    StoredCertificate,
    TokenRepository,
)
from yupana.store.secrets import Secret, SecretBox, SecretKeyError, generate_key

pytest_plugins = ["store_databases"]

RUC = "20123456786"
ADDRESS = Address("AV. LOS OLIVOS 123", "150101", "LIMA", "LIMA", "LIMA", "URB. CENTRAL")
ISSUER = Company(RUC, "EMPRESA DE PRUEBAS S.A.C.", "PRUEBAS", ADDRESS, "ventas@example.pe", "01-5555555")


@pytest.fixture
def key() -> bytes:
    return generate_key()


@pytest.fixture
def box(key) -> SecretBox:
    return SecretBox(key)


@pytest.fixture
def company_id(factory, box) -> int:
    with session_scope(factory) as session:
        company = CompanyRepository(session, box).create(ISSUER)
        series = SeriesRepository(session, company.id)
        series.add("01", "F001")
        series.add("03", "B001")
        return company.id


def _new(tipo: str = "01", serie: str = "F001", **values) -> NewDocument:
    values.setdefault("issue_date", date(2026, 11, 2))
    return NewDocument(tipo_documento=tipo, serie=serie, **values)


# --- companies --------------------------------------------------------------------------------


def test_a_company_is_created_with_its_fiscal_establishment(factory, box):
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        company = companies.create(ISSUER, pdf_color="#1F4E79")
    with session_scope(factory, write=False) as session:
        companies = CompanyRepository(session, box)
        stored = companies.get_by_ruc(RUC)
        assert stored is not None and stored.id == company.id
        assert stored.sunat_environment == "simulator"
        assert stored.pdf_color == "#1F4E79"
        assert stored.created_at.tzinfo is UTC
        [fiscal] = companies.establishments(stored)
        assert (fiscal.codigo, fiscal.direccion, fiscal.ubigeo) == ("0000", ADDRESS.direccion, "150101")
        issuer = companies.issuer(stored)
        assert issuer.ruc == RUC and issuer.razon_social == ISSUER.razon_social
        assert issuer.nombre_comercial == "PRUEBAS" and issuer.email == ISSUER.email
        assert issuer.address.direccion == ADDRESS.direccion
        assert issuer.address.codigo_establecimiento == "0000"
        assert companies.get_by_ruc("20000000001") is None
        assert "ventas" not in repr(stored) and RUC in repr(stored)


def test_a_ruc_is_registered_once_and_must_be_well_formed(factory, box):
    with session_scope(factory) as session:
        CompanyRepository(session, box).create(ISSUER)
    with pytest.raises(InvalidDocument) as duplicate, session_scope(factory) as session:
        CompanyRepository(session, box).create(ISSUER)
    assert duplicate.value.errors[0].path == "ruc"
    with pytest.raises(InvalidDocument) as malformed, session_scope(factory) as session:
        CompanyRepository(session, box).create(Company("2012345678X", "X"))
    assert malformed.value.errors[0].code == "0002"


def test_establishments_of_a_company(factory, box, company_id):
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        company = companies.get(company_id)
        annex = companies.add_establishment(
            company, "0001", Address("JR. UNIÓN 456", "150101"), nombre="Tienda"
        )
        with pytest.raises(InvalidDocument):
            companies.add_establishment(company, "0001")
        with pytest.raises(InvalidDocument):
            companies.add_establishment(company, "1")
        assert [e.codigo for e in companies.establishments(company)] == ["0000", "0001"]
        issuer = companies.issuer(company, annex)
        assert (issuer.address.direccion, issuer.address.codigo_establecimiento) == ("JR. UNIÓN 456", "0001")


def test_credentials_are_encrypted_at_rest(factory, box, company_id):
    pfx = b"\x30\x82PFX-BYTES-OF-THE-CERTIFICATE"
    not_after = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        companies.update_credentials(
            companies.get(company_id),
            sol=SolLogin("MODDATOS", Secret("clave-sol-secreta")),
            gre=GreClient("client-id-123", Secret("client-secret-456")),
            certificate=StoredCertificate(pfx, Secret("pfx-password"), "CN=PRUEBAS", not_after),
        )

    with session_scope(factory, write=False) as session:
        raw = session.execute(
            text(
                "SELECT sol_user_encrypted, sol_password_encrypted, gre_client_id_encrypted, "
                "gre_client_secret_encrypted, certificate_pfx_encrypted, certificate_password_encrypted "
                "FROM companies WHERE id = :id"
            ),
            {"id": company_id},
        ).one()
    stored = b"".join(bytes(column) for column in raw)
    for plain in (
        b"MODDATOS",
        b"clave-sol-secreta",
        b"client-id-123",
        b"client-secret-456",
        b"PFX-BYTES",
        b"pfx-password",
    ):
        assert plain not in stored

    with session_scope(factory, write=False) as session:
        companies = CompanyRepository(session, box)
        company = companies.get(company_id)
        sol = companies.sol_login(company)
        gre = companies.gre_client(company)
        certificate = companies.certificate(company)
        assert (sol.user, sol.password.reveal()) == ("MODDATOS", "clave-sol-secreta")
        assert (gre.client_id, gre.client_secret.reveal()) == ("client-id-123", "client-secret-456")
        assert certificate.pfx == pfx and certificate.password.reveal() == "pfx-password"
        assert (certificate.subject, certificate.not_after) == ("CN=PRUEBAS", not_after)
        shown = repr(sol) + str(sol) + repr(gre) + repr(certificate)
        for secret in ("clave-sol-secreta", "client-secret-456", "pfx-password", "PFX-BYTES"):
            assert secret not in shown

        with pytest.raises(SecretKeyError):
            CompanyRepository(session, SecretBox(generate_key())).sol_login(company)


def test_credentials_survive_a_key_rotation(factory, key, company_id):
    with session_scope(factory) as session:
        companies = CompanyRepository(session, SecretBox(key))
        companies.update_credentials(companies.get(company_id), sol=SolLogin("USER1", Secret("pw1")))
    new_key = generate_key()
    with session_scope(factory) as session:
        # New key first, old key still listed: old values read, and are re-encrypted with the new key.
        both = SecretBox([new_key, key])
        company = session.get(CompanyRow, company_id)
        assert CompanyRepository(session, both).sol_login(company).password.reveal() == "pw1"
        company.sol_user_encrypted = both.rotate(company.sol_user_encrypted)
        company.sol_password_encrypted = both.rotate(company.sol_password_encrypted)
    with session_scope(factory, write=False) as session:
        company = session.get(CompanyRow, company_id)
        assert CompanyRepository(session, SecretBox(new_key)).sol_login(company).password.reveal() == "pw1"


def test_only_the_given_credentials_change(factory, box, company_id):
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        company = companies.get(company_id)
        assert companies.sol_login(company) is None and companies.certificate(company) is None
        companies.update_credentials(company, sol=SolLogin("USER1", Secret("pw1")))
        companies.update_credentials(company, gre=GreClient("id", Secret("secret")))
        assert companies.sol_login(company).user == "USER1"
        with pytest.raises(InvalidDocument):
            companies.update_credentials(company, sol=SolLogin("", Secret("pw")))


def test_environment_and_custom_endpoints(factory, box, company_id):
    ose = CustomEndpoints(
        "https://ose.example.pe/ol-ti-itcpfegem/billService", gre_auth="https://ose.example.pe/v1"
    )
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        company = companies.get(company_id)
        with pytest.raises(InvalidDocument):
            companies.set_environment(company, SunatEnvironment.CUSTOM)
        with pytest.raises(InvalidDocument):
            companies.set_environment(company, SunatEnvironment.BETA, ose)
        companies.set_environment(company, SunatEnvironment.CUSTOM, ose)
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        company = companies.get(company_id)
        assert company.sunat_environment == "custom"
        assert companies.custom_endpoints(company) == ose
        companies.set_environment(company, SunatEnvironment.PRODUCTION)
        assert companies.custom_endpoints(company) is None
        assert company.endpoint_bill_service is None


def test_the_database_refuses_an_unknown_environment(factory, company_id):
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        session.execute(
            text("UPDATE companies SET sunat_environment = 'staging' WHERE id = :id"), {"id": company_id}
        )


def test_profile_updates(factory, box, company_id):
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        company = companies.get(company_id)
        companies.update_profile(company, nombre_comercial="NUEVO", logo_blob_key="20123456786/logo.png")
        companies.update_address(company, Address("CALLE NUEVA 1", "150102"))
        with pytest.raises(TypeError):
            companies.update_profile(company, ruc="20000000001")
    with session_scope(factory, write=False) as session:
        company = CompanyRepository(session, box).get(company_id)
        assert (company.nombre_comercial, company.logo_blob_key, company.ubigeo) == (
            "NUEVO",
            "20123456786/logo.png",
            "150102",
        )


def test_series_are_registered_once(factory, box, company_id):
    with session_scope(factory) as session:
        series = SeriesRepository(session, company_id)
        with pytest.raises(InvalidDocument):
            series.add("01", "F001")
        with pytest.raises(InvalidDocument):
            series.add("01", "")
        created = series.ensure("07", "FC01")
        assert series.ensure("07", "FC01").id == created.id
        assert (created.last_correlativo, created.tipo_documento) == (0, "07")
        assert [(s.tipo_documento, s.serie) for s in series.list()] == [
            ("01", "F001"),
            ("03", "B001"),
            ("07", "FC01"),
        ]
        assert [s.serie for s in series.list("03")] == ["B001"]


def test_concurrent_ensures_create_one_series(factory, company_id):
    start = threading.Barrier(6)
    ids: list[int] = []
    lock = threading.Lock()

    def ensure() -> None:
        start.wait()
        with session_scope(factory) as session:
            series_id = SeriesRepository(session, company_id).ensure("08", "FD01").id
        with lock:
            ids.append(series_id)

    threads = [threading.Thread(target=ensure) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(ids) == 6 and len(set(ids)) == 1


# --- tokens -----------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_as_a_digest(factory, company_id):
    with session_scope(factory) as session:
        issued = TokenRepository(session).create(company_id, name="ERP")
    plain = issued.token
    assert plain.startswith("yup_") and len(plain) >= 4 + 43
    assert plain not in repr(issued)
    with session_scope(factory, write=False) as session:
        row = session.execute(select(ApiToken)).scalar_one()
        stored = " ".join(str(getattr(row, column.key)) for column in ApiToken.__table__.columns)
        assert plain not in stored and plain[4:] not in stored
        assert row.prefix == plain[:12]
        identity = TokenRepository(session).resolve(plain)
    assert identity is not None
    assert (identity.company_id, identity.ruc, identity.establishment_id) == (company_id, RUC, None)


def test_unknown_revoked_and_disabled_tokens_resolve_to_nobody(factory, box, company_id):
    with session_scope(factory) as session:
        tokens = TokenRepository(session)
        user = tokens.create_user(company_id, "cajero", email="caja@example.pe")
        by_user = tokens.create(company_id, user_id=user.id)
        revoked = tokens.create(company_id)
        assert tokens.revoke(company_id, revoked.record.id)
        assert not tokens.revoke(company_id, revoked.record.id)
    with session_scope(factory, write=False) as session:
        tokens = TokenRepository(session)
        assert tokens.resolve(by_user.token).user_id == user.id
        assert tokens.resolve(revoked.token) is None
        assert tokens.resolve("") is None
        assert tokens.resolve(by_user.token + "x") is None
        assert tokens.resolve("yup_" + "A" * 43) is None
        assert [t.id for t in tokens.list(company_id)] == [by_user.record.id]
        assert len(tokens.list(company_id, include_revoked=True)) == 2
    with session_scope(factory) as session:
        session.get(ApiUser, user.id).disabled_at = datetime(2026, 11, 1, tzinfo=UTC)
    with session_scope(factory, write=False) as session:
        assert TokenRepository(session).resolve(by_user.token) is None


def test_a_token_bound_to_an_establishment(factory, box, company_id):
    with session_scope(factory) as session:
        companies = CompanyRepository(session, box)
        annex = companies.add_establishment(companies.get(company_id), "0002")
        issued = TokenRepository(session).create(company_id, establishment_id=annex.id)
        annex_id = annex.id
    with session_scope(factory, write=False) as session:
        identity = TokenRepository(session).resolve(issued.token)
    assert (identity.establishment_id, identity.establishment_codigo) == (annex_id, "0002")


def test_last_use_is_recorded_at_most_once_a_minute(factory, company_id):
    with session_scope(factory) as session:
        issued = TokenRepository(session).create(company_id)
    first = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    for at in (first, first + timedelta(seconds=30)):
        with session_scope(factory) as session:
            TokenRepository(session).mark_used(issued.record.id, at)
    with session_scope(factory, write=False) as session:
        assert session.get(ApiToken, issued.record.id).last_used_at == first
    with session_scope(factory) as session:
        TokenRepository(session).mark_used(issued.record.id, first + timedelta(minutes=2))
    with session_scope(factory, write=False) as session:
        assert session.get(ApiToken, issued.record.id).last_used_at == first + timedelta(minutes=2)


# --- documents --------------------------------------------------------------------------------


def _sale(correlativo: int = 0) -> SaleDocument:
    return SaleDocument(
        tipo_documento="01",
        serie="F001",
        correlativo=correlativo,
        fecha_emision=date(2026, 11, 2),
        issuer=ISSUER,
        customer=Customer("6", "20000000001", "CLIENTE S.A."),
        lines=[],
        moneda="USD",
        totals=SaleTotals(
            gravadas=Decimal("123456789012.34"),
            igv=Decimal("0.10"),
            icbper=Decimal("0.50"),
            importe_total=Decimal("99999999999.99"),
        ),
    )


def test_a_sale_is_stored_with_exact_amounts(factory, company_id):
    with session_scope(factory) as session:
        stored = DocumentRepository(session, company_id).insert(
            NewDocument.from_sale(_sale(), hash="qZ1fY2x...=", content_fingerprint="f" * 64)
        )
        assert stored.created
        external_id = stored.document.external_id
    with session_scope(factory, write=False) as session:
        document = DocumentRepository(session, company_id).get_by_external_id(str(external_id))
        assert (document.tipo_documento, document.serie, document.correlativo, document.number) == (
            "01",
            "F001",
            1,
            "F001-1",
        )
        assert document.currency == "USD"
        assert document.total_gravadas == Decimal("123456789012.34")
        assert document.total_igv == Decimal("0.10") and isinstance(document.total_igv, Decimal)
        assert document.total_icbper == Decimal("0.50")
        assert document.importe_total == Decimal("99999999999.99")
        assert document.total_exoneradas == Decimal("0.00")
        assert (
            document.customer_tipo_documento,
            document.customer_numero_documento,
            document.customer_nombre,
        ) == (
            "6",
            "20000000001",
            "CLIENTE S.A.",
        )
        assert document.state == DocumentState.REGISTRADO
        assert document.created_at.tzinfo is UTC
        assert isinstance(document.external_id, uuid.UUID)
        [event] = DocumentRepository(session, company_id).events(document)
        assert (event.from_state, event.to_state) == (None, "01")


def test_the_same_explicit_number_with_the_same_content_is_the_same_document(factory, company_id):
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        first = documents.insert(_new(correlativo=7, content_fingerprint="a" * 64))
        again = documents.insert(_new(correlativo=7, content_fingerprint="a" * 64))
        assert first.created and not again.created
        assert again.document.id == first.document.id
        with pytest.raises(InvalidDocument) as other:
            documents.insert(_new(correlativo=7, content_fingerprint="b" * 64))
        assert other.value.errors[0].code == "1033"
        assert "registrado previamente con otros datos" in other.value.errors[0].message
        with pytest.raises(InvalidDocument):
            documents.insert(_new(correlativo=7))  # no fingerprint: never assumed to be the same
        assert documents.count() == 1


def test_documents_are_listed_with_filters(factory, company_id):
    plan = [
        ("01", "F001", date(2026, 11, 1)),
        ("01", "F001", date(2026, 11, 2)),
        ("03", "B001", date(2026, 11, 2)),
        ("03", "B001", date(2026, 11, 3)),
        ("01", "F001", date(2026, 11, 4)),
    ]
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        rows = [documents.insert(_new(tipo, serie, issue_date=day)).document for tipo, serie, day in plan]
        documents.change_state(rows[1], DocumentState.ENVIADO)
        documents.change_state(rows[1], DocumentState.ACEPTADO, sunat_code="0")
        documents.change_state(rows[3], DocumentState.RECHAZADO, sunat_code="2800")
    with session_scope(factory, write=False) as session:
        documents = DocumentRepository(session, company_id)

        def numbers(where=None, **page):
            return [(d.tipo_documento, d.correlativo) for d in documents.list(where, **page)]

        assert numbers() == [("01", 3), ("03", 2), ("03", 1), ("01", 2), ("01", 1)]
        assert numbers(DocumentFilter(date_from=date(2026, 11, 2), date_to=date(2026, 11, 3))) == [
            ("03", 2),
            ("03", 1),
            ("01", 2),
        ]
        assert numbers(DocumentFilter(tipo_documento="03")) == [("03", 2), ("03", 1)]
        assert numbers(DocumentFilter(serie="F001", date_to=date(2026, 11, 2))) == [("01", 2), ("01", 1)]
        assert numbers(DocumentFilter(states=[DocumentState.ACEPTADO, "09"])) == [("03", 2), ("01", 2)]
        assert numbers(DocumentFilter(correlativo=1)) == [("03", 1), ("01", 1)]
        assert numbers(DocumentFilter(customer_numero_documento="x")) == []
        assert numbers(limit=2, offset=1) == [("03", 2), ("03", 1)]
        assert documents.count() == 5
        assert documents.count(DocumentFilter(states=["01"])) == 3
        with pytest.raises(InvalidDocument):
            documents.list(limit=0)
        with pytest.raises(InvalidDocument):
            documents.list(offset=-1)
        with pytest.raises(ValueError):
            documents.list(DocumentFilter(states=["99"]))


def test_state_changes_are_recorded_and_never_lost(factory, company_id):
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        document = documents.insert(_new()).document
        documents.change_state(document, DocumentState.ENVIADO, message="sent", detail={"attempt": 1})
        assert document.state == "03" and document.sent_at is not None
        documents.change_state(
            document,
            DocumentState.OBSERVADO,
            sunat_code="4252",
            sunat_description="La factura numero F001-1, ha sido aceptada",
            sunat_notes=["4252 - El dato ingresado como atributo @listName es incorrecto."],
            detail={"amount": Decimal("10.50"), "at": date(2026, 11, 2)},
        )
        document_id = document.id
    with session_scope(factory, write=False) as session:
        documents = DocumentRepository(session, company_id)
        document = documents.get(document_id)
        assert (document.state, document.sunat_code) == ("07", "4252")
        assert document.sunat_notes == ["4252 - El dato ingresado como atributo @listName es incorrecto."]
        assert document.answered_at is not None and document.answered_at.tzinfo is UTC
        events = documents.events(document)
        assert [(e.from_state, e.to_state, e.sunat_code) for e in events] == [
            (None, "01", None),
            ("01", "03", None),
            ("03", "07", "4252"),
        ]
        assert events[1].message == "sent" and events[1].detail == {"attempt": 1}
        assert events[2].detail == {"amount": "10.50", "at": "2026-11-02"}
        assert events[0].at <= events[1].at <= events[2].at

    # Two workers read the document in state 07; the first one to move it wins.
    with session_scope(factory) as first, session_scope(factory, write=False) as reader:
        stale = DocumentRepository(reader, company_id).get(document_id)
        DocumentRepository(first, company_id).change_state(
            DocumentRepository(first, company_id).get(document_id), DocumentState.POR_ANULAR
        )
    with pytest.raises(StateConflict) as conflict, session_scope(factory) as second:
        DocumentRepository(second, company_id).change_state(stale, DocumentState.ANULADO)
    assert (conflict.value.expected, conflict.value.actual) == ("07", "13")
    with session_scope(factory, write=False) as session:
        assert session.execute(select(DocumentEvent).where(DocumentEvent.to_state == "11")).first() is None


def test_a_document_read_in_another_session_can_change_state(factory, company_id):
    with session_scope(factory) as session:
        document = DocumentRepository(session, company_id).insert(_new()).document
    with session_scope(factory) as session:
        DocumentRepository(session, company_id).change_state(document, DocumentState.ENVIADO, ticket="123")
    assert (document.state, document.ticket) == ("03", "123")
    with session_scope(factory, write=False) as session:
        stored = DocumentRepository(session, company_id).get(document.id)
        assert (stored.state, stored.ticket) == ("03", "123")
        assert stored.sent_at == document.sent_at


def test_explicit_expected_state(factory, company_id):
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        document = documents.insert(_new()).document
        with pytest.raises(StateConflict):
            documents.change_state(document, DocumentState.ACEPTADO, expected_state=DocumentState.ENVIADO)
        documents.change_state(document, DocumentState.ACEPTADO, expected_state=DocumentState.REGISTRADO)
        assert document.state == "05"


def test_files_of_a_document(factory, company_id):
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        document = documents.insert(_new(xml_blob_key="20123456786/01/F001-1.xml")).document
        documents.set_files(document, cdr_blob_key="20123456786/01/R-F001-1.zip")
    with session_scope(factory, write=False) as session:
        document = DocumentRepository(session, company_id).get_by_number("01", "F001", 1)
        assert (document.xml_blob_key, document.cdr_blob_key, document.pdf_blob_key) == (
            "20123456786/01/F001-1.xml",
            "20123456786/01/R-F001-1.zip",
            None,
        )


def test_times_are_stored_in_utc(factory, company_id):
    lima = timezone(timedelta(hours=-5))
    at_lima = datetime(2026, 11, 2, 21, 30, tzinfo=lima)
    with session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        document = documents.insert(_new()).document
        event = documents.change_state(document, DocumentState.ENVIADO, at=at_lima)
        event_id = event.id
    with session_scope(factory, write=False) as session:
        stored = session.get(DocumentEvent, event_id)
        assert stored.at == at_lima
        assert stored.at.tzinfo is UTC and stored.at.hour == 2 and stored.at.day == 3
    with pytest.raises(StatementError), session_scope(factory) as session:
        documents = DocumentRepository(session, company_id)
        documents.change_state(
            documents.get_by_number("01", "F001", 1), "05", at=datetime(2026, 11, 2, 12, 0)
        )


def test_the_database_guards_states_and_companies(factory, company_id):
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        document = DocumentRepository(session, company_id).insert(_new()).document
        session.execute(text("UPDATE documents SET state = '99' WHERE id = :id"), {"id": document.id})
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        session.add(
            DocumentRow(
                company_id=company_id + 1000,
                tipo_documento="01",
                serie="F001",
                correlativo=1,
                issue_date=date(2026, 11, 2),
            )
        )
        session.flush()


# --- idempotency keys -------------------------------------------------------------------------


def test_an_idempotency_key_replays_the_first_answer(factory, company_id):
    with session_scope(factory) as session:
        keys = IdempotencyRepository(session, company_id)
        assert keys.claim("key-1", "fp-1").outcome is IdempotencyOutcome.NEW
        assert keys.claim("key-1", "fp-1").outcome is IdempotencyOutcome.IN_PROGRESS
        keys.complete("key-1", 201, '{"success": true}')
    with session_scope(factory) as session:
        keys = IdempotencyRepository(session, company_id)
        replay = keys.claim("key-1", "fp-1")
        assert replay.outcome is IdempotencyOutcome.REPLAY
        assert (replay.record.response_status, replay.record.response_body) == (201, '{"success": true}')
        assert replay.record.response_content_type == "application/json"
        assert keys.claim("key-1", "fp-2").outcome is IdempotencyOutcome.MISMATCH
        with pytest.raises(LookupError):
            keys.complete("never-claimed", 200, "{}")
        with pytest.raises(InvalidDocument):
            keys.claim("", "fp")
        with pytest.raises(InvalidDocument):
            keys.claim("k" * 256, "fp")


def test_a_failed_request_releases_its_key(factory, company_id):
    with session_scope(factory) as session:
        keys = IdempotencyRepository(session, company_id)
        keys.claim("key-2", "fp")
        keys.release("key-2")
        assert keys.claim("key-2", "fp").outcome is IdempotencyOutcome.NEW
        keys.complete("key-2", 200, "{}")
        keys.release("key-2")  # a finished key stays
        assert keys.claim("key-2", "fp").outcome is IdempotencyOutcome.REPLAY


def test_old_idempotency_keys_are_purged(factory, company_id):
    with session_scope(factory) as session:
        keys = IdempotencyRepository(session, company_id)
        keys.claim("old", "fp")
        keys.claim("new", "fp")
        old = keys.claim("old", "fp").record
        old.created_at = old.created_at - timedelta(days=2)
        session.flush()
        assert keys.purge(datetime.now(UTC) - timedelta(days=1)) == 1
        assert keys.claim("new", "fp").outcome is IdempotencyOutcome.IN_PROGRESS
        assert keys.claim("old", "fp").outcome is IdempotencyOutcome.NEW


def test_concurrent_claims_of_one_key_have_one_winner(factory, company_id):
    start = threading.Barrier(6)
    outcomes: list[IdempotencyOutcome] = []
    lock = threading.Lock()

    def claim() -> None:
        start.wait()
        with session_scope(factory) as session:
            outcome = IdempotencyRepository(session, company_id).claim("same-key", "fp").outcome
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted([IdempotencyOutcome.NEW] + [IdempotencyOutcome.IN_PROGRESS] * 5)
