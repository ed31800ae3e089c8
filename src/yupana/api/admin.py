"""The admin API (``/admin/...``): companies, their credentials and their API tokens.

Every request carries ``Authorization: Bearer <YUPANA_ADMIN_TOKEN>``; the token is compared in
constant time. Without an admin token in the settings the admin API is off and every ``/admin``
path answers 404, as if it did not exist. A missing or wrong token answers 401.

Secrets go one way: certificates, passwords and SOL logins are accepted and stored encrypted, and
no answer or log line ever contains them. An API token is shown once, in the answer that creates it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from yupana.api.bodies import read_json
from yupana.api.errors import ApiError
from yupana.domain.problems import InvalidDocument, Problem
from yupana.service import companies as service
from yupana.signing.certificate import CertificateError
from yupana.store.database import session_scope
from yupana.store.models import Company
from yupana.store.repositories import CompanyRepository, SolLogin
from yupana.store.secrets import Secret

_CHALLENGE = {"WWW-Authenticate": "Bearer"}
_Model = TypeVar("_Model", bound=BaseModel)
_T = TypeVar("_T")


class CertificateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pfx: str = Field(description="the PFX/P12 file, base64")
    password: SecretStr | None = None


class CompanyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ruc: str
    razon_social: str
    nombre_comercial: str | None = None
    address: dict[str, Any] | None = Field(
        default=None, description='fiscal address: {"direccion", "ubigeo", "departamento", ...}'
    )
    environment: Literal["simulator", "beta", "production"] = "simulator"
    sol_user: str | None = None
    sol_password: SecretStr | None = None
    certificate: CertificateBody
    token_name: str | None = None


class SolBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = Field(min_length=1)
    password: SecretStr


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    establishment: str | None = Field(default=None, description="bind the token to this establishment")


class GreBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str = Field(min_length=1)
    client_secret: SecretStr


class EnvironmentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    environment: Literal["simulator", "beta", "production", "custom"]
    endpoints: dict[str, Any] | None = Field(
        default=None, description="custom only: bill_service (required), bill_service_otros, ..."
    )


class EstablishmentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codigo: str
    nombre: str | None = None
    address: dict[str, Any] | None = None


class BrandingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pdf_color: str | None = Field(default=None, description="#RRGGBB")
    logo: str | None = Field(default=None, description="PNG or JPEG, base64")


class SendingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    boletas_individually: bool | None = Field(
        default=None, description="send boletas one by one (sendBill) instead of in the resumen diario"
    )
    sunat_max_per_second: int | None = Field(
        default=None, ge=0, le=1000, description="most documents per second to SUNAT per worker (0: no limit)"
    )


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8")).digest()


async def require_admin(request: Request) -> None:
    """Let the request through only with the admin token (404 when the admin API is off)."""
    configured = request.app.state.settings.admin_token
    expected = configured.get_secret_value() if configured is not None else ""
    if not expected:
        raise ApiError.single(404, "Not Found")
    header = request.headers.get("authorization")
    if not header:
        raise ApiError.single(
            401, "missing Authorization: Bearer <admin token> header", "Authorization", headers=_CHALLENGE
        )
    scheme, _, token = header.partition(" ")
    # Digests of equal length, compared in constant time: neither content nor length leaks.
    if scheme.lower() != "bearer" or not hmac.compare_digest(_digest(token.strip()), _digest(expected)):
        raise ApiError.single(401, "invalid admin token", "Authorization", headers=_CHALLENGE)


async def _body(request: Request, model: type[_Model], *, optional: bool = False) -> _Model:
    if optional and not await request.body():
        return model()
    raw = await read_json(request, request.app.state.settings.max_body_bytes)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(str(error.get("msg", "invalid value")), ".".join(str(p) for p in error.get("loc", ())))
            for error in exc.errors()
        ]
        raise ApiError(422, problems) from None


def _pfx(body: CertificateBody, path: str) -> service.CertificateUpload:
    try:
        data = base64.b64decode(body.pfx, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError.single(422, "the certificate is not valid base64", f"{path}.pfx") from None
    if not data:
        raise ApiError.single(422, "the certificate file is empty", f"{path}.pfx")
    password = body.password.get_secret_value() if body.password is not None else None
    return service.CertificateUpload(data, password)


def _certificate_problem(exc: CertificateError, path: str) -> ApiError:
    return ApiError.single(422, f"the certificate cannot be used: {exc}", path)


def _address_paths(exc: InvalidDocument) -> ApiError:
    problems = [
        Problem(p.message, "address" + p.path[len("direccion") :], p.code, p.severity)
        if p.path == "direccion" or p.path.startswith("direccion.")
        else p
        for p in exc.errors
    ]
    return ApiError(422, problems)


def _no_company(ruc: str) -> ApiError:
    return ApiError.single(404, f"no company with RUC {ruc}", "ruc")


async def _in_session(request: Request, work: Callable[..., _T], *, write: bool = True) -> _T:
    stores = request.app.state.stores

    def run() -> _T:
        with session_scope(stores.sessions, write=write) as session:
            return work(session, stores.secrets)

    result = await run_in_threadpool(run)
    if write:
        # A company's endpoints or credentials may have changed: this process reads them again
        # (workers within their cache time, see service.company_sunat).
        request.app.state.services.issuing.access.forget()
    return result


def router() -> APIRouter:
    api = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])

    @api.post("/companies", status_code=201, summary="Register a company (answers its first API token)")
    async def create_company(request: Request) -> JSONResponse:
        body = await _body(request, CompanyBody)
        try:
            issuer = service.company_issuer(body.ruc, body.razon_social, body.nombre_comercial, body.address)
        except InvalidDocument as exc:
            raise _address_paths(exc) from None
        if bool(body.sol_user) != bool(body.sol_password and body.sol_password.get_secret_value()):
            raise ApiError.single(422, "sol_user and sol_password go together", "sol_user")
        upload = _pfx(body.certificate, "certificate")
        try:
            key = await run_in_threadpool(service.load_certificate, upload)
        except CertificateError as exc:
            raise _certificate_problem(exc, "certificate") from None
        sol = (
            SolLogin(body.sol_user, Secret(body.sol_password.get_secret_value()))
            if body.sol_user and body.sol_password
            else None
        )

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            if service.find_company(session, secrets, issuer.ruc) is not None:
                raise ApiError.single(409, f"a company with RUC {issuer.ruc} already exists", "ruc")
            registered = service.register_company(
                session,
                secrets,
                issuer,
                upload,
                key,
                environment=body.environment,
                sol=sol,
                token_name=body.token_name or "admin",
            )
            return {
                "company": service.company_view(registered.company),
                "token": registered.token.token,
                "prefix": registered.token.record.prefix,
            }

        return JSONResponse(await _in_session(request, work), status_code=201)

    @api.get("/companies", summary="All companies (no secrets)")
    async def list_companies(request: Request) -> dict[str, Any]:
        def work(session: Any, secrets: Any) -> dict[str, Any]:
            return {"data": [service.company_view(c) for c in service.list_companies(session, secrets)]}

        return await _in_session(request, work, write=False)

    def _company(session: Any, secrets: Any, ruc: str) -> Company:
        company = service.find_company(session, secrets, ruc)
        if company is None:
            raise _no_company(ruc)
        return company

    @api.get("/companies/{ruc}", summary="One company and its active tokens (no secrets)")
    async def get_company(request: Request, ruc: str) -> dict[str, Any]:
        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            view = service.company_view(company)
            establishments = service.list_establishments(session, secrets, company)
            codes = {e.id: e.codigo for e in establishments}
            view["establishments"] = [service.establishment_view(e) for e in establishments]
            view["tokens"] = [
                service.token_view(t, codes.get(t.establishment_id) if t.establishment_id else None)
                for t in service.active_tokens(session, company)
            ]
            return view

        return await _in_session(request, work, write=False)

    @api.put("/companies/{ruc}/certificate", summary="Replace the signing certificate")
    async def put_certificate(request: Request, ruc: str) -> dict[str, Any]:
        upload = _pfx(await _body(request, CertificateBody), "")

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            try:
                key = service.replace_certificate(session, secrets, company, upload)
            except CertificateError as exc:
                raise _certificate_problem(exc, "pfx") from None
            return {"ruc": company.ruc, "certificate": service.certificate_view(key.subject, key.not_after)}

        return await _in_session(request, work)

    @api.put("/companies/{ruc}/sol", summary="Replace the SOL secondary user and password")
    async def put_sol(request: Request, ruc: str) -> dict[str, Any]:
        body = await _body(request, SolBody)

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            service.replace_sol_login(session, secrets, company, body.user, body.password.get_secret_value())
            return {"ruc": company.ruc, "sol": {"configured": True}}

        return await _in_session(request, work)

    @api.put("/companies/{ruc}/gre", summary="Replace the GRE API client id and secret")
    async def put_gre(request: Request, ruc: str) -> dict[str, Any]:
        body = await _body(request, GreBody)

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            try:
                service.replace_gre_client(
                    session, secrets, company, body.client_id, body.client_secret.get_secret_value()
                )
            except InvalidDocument as exc:
                raise ApiError(422, exc.errors) from None
            return {"ruc": company.ruc, "gre": {"configured": True}}

        return await _in_session(request, work)

    @api.put("/companies/{ruc}/environment", summary="Where documents are sent (custom: an OSE's URLs)")
    async def put_environment(request: Request, ruc: str) -> dict[str, Any]:
        body = await _body(request, EnvironmentBody)

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            try:
                service.change_environment(session, secrets, company, body.environment, body.endpoints)
            except InvalidDocument as exc:
                raise ApiError(422, exc.errors) from None
            return service.company_view(company)

        return await _in_session(request, work)

    @api.post("/companies/{ruc}/establishments", status_code=201, summary="Add an establishment (anexo)")
    async def create_establishment(request: Request, ruc: str) -> JSONResponse:
        body = await _body(request, EstablishmentBody)

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            try:
                added = service.add_establishment(
                    session, secrets, company, body.codigo, body.address, body.nombre
                )
            except InvalidDocument as exc:
                if any(p.path.startswith("codigo") for p in exc.errors):
                    status = 409 if "already" in exc.errors[0].message else 422
                    raise ApiError(status, exc.errors) from None
                raise _address_paths(exc) from None
            return {"ruc": company.ruc, **service.establishment_view(added)}

        return JSONResponse(await _in_session(request, work), status_code=201)

    @api.put("/companies/{ruc}/branding", summary="The PDF colour and the logo")
    async def put_branding(request: Request, ruc: str) -> dict[str, Any]:
        body = await _body(request, BrandingBody)
        logo = None
        if body.logo is not None:
            try:
                logo = base64.b64decode(body.logo, validate=True)
            except (binascii.Error, ValueError):
                raise ApiError.single(422, "the logo is not valid base64", "logo") from None
        blobs = request.app.state.stores.blobs

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            try:
                service.change_branding(session, secrets, blobs, company, pdf_color=body.pdf_color, logo=logo)
            except InvalidDocument as exc:
                raise ApiError(422, exc.errors) from None
            return service.company_view(company)

        return await _in_session(request, work)

    @api.put("/companies/{ruc}/sending", summary="How the company's documents go to SUNAT")
    async def put_sending(request: Request, ruc: str) -> dict[str, Any]:
        body = await _body(request, SendingBody)

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            values: dict[str, Any] = {}
            if body.boletas_individually is not None:
                values["boletas_individually"] = body.boletas_individually
            if body.sunat_max_per_second is not None:
                values["sunat_max_per_second"] = body.sunat_max_per_second or None
            if values:
                CompanyRepository(session, secrets).update_profile(company, **values)
            return service.company_view(company)

        return await _in_session(request, work)

    @api.post("/companies/{ruc}/tokens", status_code=201, summary="A new API token (shown once)")
    async def create_token(request: Request, ruc: str) -> JSONResponse:
        body = await _body(request, TokenBody, optional=True)

        def work(session: Any, secrets: Any) -> dict[str, Any]:
            company = _company(session, secrets, ruc)
            try:
                issued = service.issue_token(session, company, body.name, body.establishment)
            except InvalidDocument as exc:
                raise ApiError(422, exc.errors) from None
            view = service.token_view(issued.record, body.establishment)
            return {"ruc": company.ruc, "token": issued.token, **view}

        return JSONResponse(await _in_session(request, work), status_code=201)

    @api.delete("/tokens/{prefix}", summary="Revoke an API token by its prefix")
    async def revoke_token(request: Request, prefix: str) -> dict[str, Any]:
        def work(session: Any, secrets: Any) -> dict[str, Any]:
            try:
                token = service.revoke_token(session, prefix)
            except InvalidDocument as exc:
                raise ApiError(409, exc.errors) from None
            if token is None:
                raise ApiError.single(404, f"no active token with prefix {prefix}", "prefix")
            return {"prefix": token.prefix, "revoked": True}

        return await _in_session(request, work)

    return api
