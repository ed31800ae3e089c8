"""The series of one company (the counters that ``store.numbering`` moves)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yupana.domain.problems import InvalidDocument
from yupana.store.database import insert_ignoring_duplicates
from yupana.store.models import Establishment, Series, utc_now
from yupana.store.repositories.companies import FISCAL_ESTABLISHMENT


class SeriesRepository:
    """The series of one company."""

    def __init__(self, session: Session, company_id: int) -> None:
        self.session = session
        self.company_id = company_id

    def _establishment_id(self, establishment_id: int | None) -> int:
        query = select(Establishment.id).where(Establishment.company_id == self.company_id)
        if establishment_id is None:
            query = query.where(Establishment.codigo == FISCAL_ESTABLISHMENT)
        else:
            query = query.where(Establishment.id == establishment_id)
        found = self.session.execute(query).scalar_one_or_none()
        if found is None:
            raise InvalidDocument.single("no such establishment for this company", "establishment")
        return found

    def add(
        self,
        tipo_documento: str,
        serie: str,
        *,
        establishment_id: int | None = None,
        last_correlativo: int = 0,
    ) -> Series:
        """A new series (of the fiscal establishment unless another is given)."""
        if not serie or len(serie) > 20:
            raise InvalidDocument.single("the serie must have 1 to 20 characters", "serie")
        if last_correlativo < 0:
            raise InvalidDocument.single("the last correlativo cannot be negative", "last_correlativo")
        series = Series(
            company_id=self.company_id,
            establishment_id=self._establishment_id(establishment_id),
            tipo_documento=tipo_documento,
            serie=serie,
            last_correlativo=last_correlativo,
        )
        try:
            with self.session.begin_nested():
                self.session.add(series)
                self.session.flush()
        except IntegrityError:
            raise InvalidDocument.single(
                f"series {serie} of document type {tipo_documento} already exists", "serie"
            ) from None
        return series

    def ensure(self, tipo_documento: str, serie: str, *, establishment_id: int | None = None) -> Series:
        """The series, created when missing (safe when several transactions try at once)."""
        existing = self.get(tipo_documento, serie)
        if existing is not None:
            return existing
        values = {
            "company_id": self.company_id,
            "establishment_id": self._establishment_id(establishment_id),
            "tipo_documento": tipo_documento,
            "serie": serie,
            "last_correlativo": 0,
            "created_at": utc_now(),
        }
        self.session.execute(insert_ignoring_duplicates(self.session, Series, values))
        found = self.get(tipo_documento, serie)
        assert found is not None
        return found

    def get(self, tipo_documento: str, serie: str) -> Series | None:
        return self.session.execute(
            select(Series).where(
                Series.company_id == self.company_id,
                Series.tipo_documento == tipo_documento,
                Series.serie == serie,
            )
        ).scalar_one_or_none()

    def list(self, tipo_documento: str | None = None) -> list[Series]:
        query = select(Series).where(Series.company_id == self.company_id)
        if tipo_documento is not None:
            query = query.where(Series.tipo_documento == tipo_documento)
        return list(self.session.execute(query.order_by(Series.tipo_documento, Series.serie)).scalars())
