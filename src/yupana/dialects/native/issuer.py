"""The issuer (emisor) in Yupana's native JSON: the ``--issuer`` file of the CLI and the
``emisor`` object of a native document body share this format::

    {
      "ruc": "20123456786",
      "razon_social": "EMPRESA DEMO S.A.C.",
      "nombre_comercial": "DEMO",
      "codigo_establecimiento": "0000",
      "direccion": {"ubigeo": "150101", "departamento": "LIMA", "provincia": "LIMA",
                    "distrito": "LIMA", "urbanizacion": "CERCADO", "direccion": "AV. EJEMPLO 123"},
      "email": "facturas@demo.pe",
      "telefono": "01-1234567"
    }

Only ``ruc`` and ``razon_social`` are required. ``codigo_establecimiento`` is SUNAT's
"código de establecimiento anexo" (``0000`` = domicilio fiscal).
"""

from __future__ import annotations

import re

from yupana.dialects.json_fields import Fields
from yupana.domain.party import Address, Company
from yupana.domain.problems import InvalidDocument, Problems

_RUC = re.compile(r"\d{11}")


def parse_issuer(body: object) -> Company:
    """The issuing company described by ``body``; ``InvalidDocument`` lists every problem."""
    problems = Problems()
    company = read_company(body, "", problems)
    problems.raise_if_errors()
    if company is None:  # pragma: no cover - a None company always comes with a problem
        raise InvalidDocument.single("the issuer must be an object")
    return company


def read_company(value: object, path: str, problems: Problems) -> Company | None:
    fields = Fields.open(value, path, problems)
    if fields is None:
        return None
    ruc = fields.required_text("ruc")
    if ruc and not _RUC.fullmatch(ruc):
        problems.error("the RUC must be 11 digits", fields.at("ruc"), "0002")
    razon_social = fields.required_text("razon_social")
    nombre_comercial = fields.text("nombre_comercial")
    establecimiento = fields.text("codigo_establecimiento")
    address = read_address(fields.object("direccion")) or Address()
    address.codigo_establecimiento = establecimiento
    email = fields.text("email")
    telefono = fields.text("telefono")
    fields.close()
    return Company(ruc, razon_social, nombre_comercial, address, email, telefono)


def read_address(fields: Fields | None) -> Address | None:
    """An address object (the issuer's ``codigo_establecimiento`` sits beside its ``ruc``)."""
    if fields is None:
        return None
    address = Address(
        direccion=fields.text("direccion"),
        ubigeo=fields.text("ubigeo"),
        departamento=fields.text("departamento"),
        provincia=fields.text("provincia"),
        distrito=fields.text("distrito"),
        urbanizacion=fields.text("urbanizacion"),
        codigo_pais=fields.text("codigo_pais", upper=True) or "PE",
    )
    fields.close()
    return address
