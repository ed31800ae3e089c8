"""The issuer as SUNAT's UBL 2.0 summary documents carry it (resumen diario RC, comunicación de
baja RA, resumen de reversiones RR): ``cac:AccountingSupplierParty`` with the RUC in
``cbc:CustomerAssignedAccountID``, its catalog 06 type ("6") in ``cbc:AdditionalAccountID``
and the razón social in ``cac:Party/cac:PartyLegalEntity/cbc:RegistrationName``.
"""

from __future__ import annotations

from typing import Final

from yupana.domain.party import Company
from yupana.ubl.namespaces import CAC, CBC
from yupana.ubl.nodes import Element, code, sub, text

RUC_TYPE: Final = "6"  # catalog 06


def account_supplier(parent: Element, issuer: Company) -> Element:
    """Append the issuer's UBL 2.0 ``cac:AccountingSupplierParty`` to ``parent``."""
    block = sub(parent, CAC.AccountingSupplierParty)
    code(block, CBC.CustomerAssignedAccountID, issuer.ruc)
    code(block, CBC.AdditionalAccountID, RUC_TYPE)
    legal = sub(sub(block, CAC.Party), CAC.PartyLegalEntity)
    text(legal, CBC.RegistrationName, issuer.razon_social)
    return block
