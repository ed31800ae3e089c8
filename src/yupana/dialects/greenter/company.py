"""Greenter's ``Company`` (the issuer) and ``Address`` as Lycet's JSON carries them."""

from __future__ import annotations

from yupana.dialects.json_fields import Fields
from yupana.domain.party import Address, Company


def read_address(fields: Fields, *, upper_country: bool = True, with_local: bool = True) -> Address:
    """A Greenter ``Address``: ``ubigueo`` → ``ubigeo``, ``codigoPais`` (``PE`` when absent,
    upper-cased when ``upper_country``), ``codLocal`` → ``codigo_establecimiento`` when
    ``with_local`` (a customer's address has no establishment code)."""
    return Address(
        direccion=fields.text("direccion"),
        ubigeo=fields.text("ubigueo"),
        departamento=fields.text("departamento"),
        provincia=fields.text("provincia"),
        distrito=fields.text("distrito"),
        urbanizacion=fields.text("urbanizacion"),
        codigo_pais=fields.text("codigoPais", upper=upper_country) or "PE",
        codigo_establecimiento=fields.text("codLocal") if with_local else None,
    )


def read_issuer(
    doc: Fields, configured: Company | None, *, ruc_code: str, name_code: str, strip_ruc: bool
) -> Company | None:
    """The ``company`` of a Greenter document, or ``configured`` when the request has none.

    When the RUC is the configured issuer's, the configured data fills what the request leaves
    out. ``ruc_code``: SUNAT's code of an absent issuer or RUC; ``name_code``: of an absent
    ``razonSocial``; ``strip_ruc``: the RUC is compared and kept without surrounding spaces.
    """
    if not doc.has("company"):
        doc.raw("company")
        if configured is None:
            doc.error(
                "company is required: the request names no issuer and none is configured", "company", ruc_code
            )
        return configured
    fields = doc.object("company")
    if fields is None:
        return None
    ruc = fields.text("ruc", required=True, code=ruc_code)
    if ruc is not None and strip_ruc:
        ruc = ruc.strip()
    same = configured if configured is not None and ruc == configured.ruc else None
    razon_social = fields.text("razonSocial", required=same is None, code=name_code)
    where = fields.object("address")
    if ruc is None or (razon_social is None and same is None):
        return None
    return Company(
        ruc=ruc,
        razon_social=razon_social or (same.razon_social if same else ""),
        nombre_comercial=fields.text("nombreComercial") or (same.nombre_comercial if same else None),
        address=read_address(where) if where is not None else (same.address if same else Address()),
        email=fields.text("email") or (same.email if same else None),
        telefono=fields.text("telephone") or (same.telefono if same else None),
    )
