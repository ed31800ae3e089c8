"""Parties of a document: the issuing company and the customer."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Address:
    direccion: str | None = None
    ubigeo: str | None = None
    departamento: str | None = None
    provincia: str | None = None
    distrito: str | None = None
    urbanizacion: str | None = None
    codigo_pais: str = "PE"
    # SUNAT "código de establecimiento anexo" (cbc:AddressTypeCode), "0000" = domicilio fiscal.
    codigo_establecimiento: str | None = None


@dataclass(slots=True)
class Company:
    """The issuer (emisor). Always identified by RUC."""

    ruc: str
    razon_social: str
    nombre_comercial: str | None = None
    address: Address = field(default_factory=Address)
    email: str | None = None
    telefono: str | None = None


@dataclass(slots=True)
class Customer:
    """The customer (adquirente / receptor).

    ``tipo_documento`` is SUNAT catalog 06: 0 no domiciliado sin RUC, 1 DNI, 4 carnet de extranjería,
    6 RUC, 7 pasaporte, A cédula diplomática, B doc. país de residencia, C TIN, D IN, E TAM, "-" varios
    (boleta without identified customer).
    """

    tipo_documento: str
    numero_documento: str
    razon_social: str
    address: Address | None = None
    email: str | None = None
    telefono: str | None = None
