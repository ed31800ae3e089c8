"""The models on their own: states, time handling, named constraints."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from yupana.store.models import Base, DocumentState, SunatEnvironment, UtcDateTime


def test_states_are_facturador_pro_codes():
    assert {state.value: state.description for state in DocumentState} == {
        "01": "Registrado",
        "03": "Enviado",
        "05": "Aceptado",
        "07": "Observado",
        "09": "Rechazado",
        "11": "Anulado",
        "13": "Por anular",
    }
    assert [e.value for e in SunatEnvironment] == ["simulator", "beta", "production", "custom"]


def test_times_are_utc_on_both_databases():
    column = UtcDateTime()
    lima = datetime(2026, 11, 2, 21, 30, tzinfo=timezone(timedelta(hours=-5)))
    on_sqlite = column.process_bind_param(lima, sqlite.dialect())
    assert on_sqlite == datetime(2026, 11, 3, 2, 30) and on_sqlite.tzinfo is None
    assert column.process_result_value(on_sqlite, sqlite.dialect()) == lima
    assert column.process_result_value(on_sqlite, sqlite.dialect()).tzinfo is UTC
    on_postgres = column.process_bind_param(lima, postgresql.dialect())
    assert on_postgres == lima and on_postgres.tzinfo is UTC
    assert column.process_result_value(lima, postgresql.dialect()).tzinfo is UTC
    assert column.process_bind_param(None, sqlite.dialect()) is None
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 11, 2, 12, 0), postgresql.dialect())


def test_every_constraint_and_index_has_a_stable_name():
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"
        for index in table.indexes:
            assert index.name, f"unnamed index on {table.name}"


def test_every_company_table_points_to_its_company():
    owned = {"establishments", "series", "api_users", "api_tokens", "documents", "idempotency_keys"}
    for name in owned:
        table = Base.metadata.tables[name]
        assert not table.c.company_id.nullable
        assert {fk.column.table.name for fk in table.c.company_id.foreign_keys} == {"companies"}
