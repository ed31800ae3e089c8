"""API users and bearer tokens, kept as SHA-256 digests; a plain token exists only when created."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yupana.domain.problems import InvalidDocument
from yupana.store.models import ApiToken, ApiUser, Company, Establishment, utc_now
from yupana.store.secrets import new_api_token, token_digest, token_matches, token_prefix

# A token's last use is written at most this often, so that reading does not turn into writing.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True, repr=False)
class IssuedToken:
    """A token just created: ``token`` is the only time the plain value exists."""

    token: str
    record: ApiToken

    def __repr__(self) -> str:
        return f"IssuedToken(prefix={self.record.prefix!r}, id={self.record.id!r})"


@dataclass(frozen=True, slots=True)
class TokenIdentity:
    """Who a valid token speaks for."""

    token_id: int
    company_id: int
    ruc: str
    establishment_id: int | None
    establishment_codigo: str | None
    user_id: int | None


class TokenRepository:
    """API users and bearer tokens (stored as SHA-256 digests)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def create_user(self, company_id: int, name: str, *, email: str | None = None) -> ApiUser:
        user = ApiUser(company_id=company_id, name=name, email=email)
        try:
            with self.session.begin_nested():
                self.session.add(user)
                self.session.flush()
        except IntegrityError:
            raise InvalidDocument.single(f"the company already has a user named {name!r}", "name") from None
        return user

    def create(
        self,
        company_id: int,
        *,
        establishment_id: int | None = None,
        user_id: int | None = None,
        name: str | None = None,
    ) -> IssuedToken:
        """A new token for the company (optionally bound to one of its establishments and users)."""
        if establishment_id is not None:
            owner = self.session.get(Establishment, establishment_id)
            if owner is None or owner.company_id != company_id:
                raise InvalidDocument.single("no such establishment for this company", "establishment")
        if user_id is not None:
            user = self.session.get(ApiUser, user_id)
            if user is None or user.company_id != company_id:
                raise InvalidDocument.single("no such user for this company", "user")
        plain = new_api_token()
        record = ApiToken(
            company_id=company_id,
            establishment_id=establishment_id,
            user_id=user_id,
            name=name,
            token_hash=token_digest(plain),
            prefix=token_prefix(plain),
        )
        self.session.add(record)
        self.session.flush()
        return IssuedToken(plain, record)

    def resolve(self, token: str) -> TokenIdentity | None:
        """The identity of a valid token; ``None`` when unknown, revoked or its user disabled."""
        if not token:
            return None
        row = self.session.execute(
            select(ApiToken, Company.ruc, Establishment.codigo)
            .join(Company, Company.id == ApiToken.company_id)
            .outerjoin(Establishment, Establishment.id == ApiToken.establishment_id)
            .where(ApiToken.token_hash == token_digest(token))
        ).first()
        if row is None:
            return None
        record, ruc, codigo = row
        if not token_matches(token, record.token_hash) or record.revoked_at is not None:
            return None
        if record.user_id is not None:
            disabled = self.session.execute(
                select(ApiUser.disabled_at).where(ApiUser.id == record.user_id)
            ).scalar_one_or_none()
            if disabled is not None:
                return None
        return TokenIdentity(
            record.id, record.company_id, ruc, record.establishment_id, codigo, record.user_id
        )

    def mark_used(self, token_id: int, at: datetime | None = None) -> None:
        """Record the token's last use (written at most once a minute per token)."""
        now = at or utc_now()
        self.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token_id,
                (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < now - TOKEN_USE_RESOLUTION),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )

    def revoke(self, company_id: int, token_id: int) -> bool:
        """Revoke one of the company's tokens; ``False`` if it has no such active token."""
        result = self.session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.company_id == company_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utc_now())
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def list(self, company_id: int, *, include_revoked: bool = False) -> list[ApiToken]:
        query = select(ApiToken).where(ApiToken.company_id == company_id)
        if not include_revoked:
            query = query.where(ApiToken.revoked_at.is_(None))
        return list(self.session.execute(query.order_by(ApiToken.id)).scalars())
