"""What a received XML says about itself, and whether that matches the name it came under.

The name-against-content comparisons are those SUNAT's stylesheets make (they get the file name
as ``nombreArchivoEnviado``): strings are compared as XPath compares them, untrimmed, and a
comparison with a missing node is false (``$numeroRuc != path`` holds only when a node at
``path`` differs). So a RUC written with a line break inside its element is 1034 here as it is
at SUNAT. The codes are those of the stylesheets: 1034/1035/1036 and 1003/1004 for documents,
1034 (RC), 2221 (RA) and 2220 (RC, RA, RR) for summaries. When SUNAT's stylesheets are run they
make these comparisons themselves, each family its own way and in its own order (the boleta's
drops 1034), so the reception then checks only that the document is of the type its name says
(``type_mismatch``): SUNAT picks the stylesheet by the file name, Yupana's validator by the
content, and a factura sent under a boleta's name must not pass as a boleta.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from yupana.simulator.filenames import SunatName

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
SAC = "urn:sunat:names:specification:ubl:peru:schema:xsd:SunatAggregateComponents-1"
NS = {"cbc": CBC, "cac": CAC, "sac": SAC}

ROOTS = {
    "01": "Invoice",
    "03": "Invoice",
    "07": "CreditNote",
    "08": "DebitNote",
    "09": "DespatchAdvice",
    "31": "DespatchAdvice",
    "20": "Retention",
    "40": "Perception",
    "RC": "SummaryDocuments",
    "RA": "VoidedDocuments",
    "RR": "VoidedDocuments",
}
_ISSUER_PATHS = {
    "Invoice": "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "CreditNote": "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "DebitNote": "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "DespatchAdvice": "cac:DespatchSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "Retention": "cac:AgentParty/cac:PartyIdentification/cbc:ID",
    "Perception": "cac:AgentParty/cac:PartyIdentification/cbc:ID",
    "SummaryDocuments": "cac:AccountingSupplierParty/cbc:CustomerAssignedAccountID",
    "VoidedDocuments": "cac:AccountingSupplierParty/cbc:CustomerAssignedAccountID",
}
_RECIPIENT_PATHS = {
    "Invoice": "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "CreditNote": "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "DebitNote": "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "DespatchAdvice": "cac:DeliveryCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
    "Retention": "cac:ReceiverParty/cac:PartyIdentification/cbc:ID",
    "Perception": "cac:ReceiverParty/cac:PartyIdentification/cbc:ID",
}


def _string(node: etree._Element) -> str:
    """XPath string value of an element: all its text, untrimmed."""
    return "".join(node.itertext())


def _first_text(root: etree._Element, path: str) -> str:
    found = root.find(path, NS)
    return _string(found) if found is not None else ""


def _any_differs(root: etree._Element, path: str, expected: str) -> bool:
    return any(_string(node) != expected for node in root.findall(path, NS))


@dataclass(frozen=True, slots=True)
class Mismatch:
    code: str
    detail: str


def type_mismatch(root: etree._Element, name: SunatName, *, exact: bool = True) -> Mismatch | None:
    """1003 when the document is not of the type its file name announces (root element, and the
    type code of facturas, boletas and guías; 1004 when that code is missing). ``exact=False``
    ignores whitespace around the code (left to the stylesheet, which reports it in its order)."""
    local = etree.QName(root).localname
    expected_root = ROOTS.get(name.tipo)
    if expected_root is None or local != expected_root:
        return Mismatch("1003", f"el elemento raíz {local} no corresponde al tipo {name.tipo} del nombre")
    type_path = {"Invoice": "cbc:InvoiceTypeCode", "DespatchAdvice": "cbc:DespatchAdviceTypeCode"}.get(local)
    if type_path is not None:
        type_node = root.find(type_path, NS)
        if type_node is None:
            return Mismatch("1004", f"falta {type_path}")
        code = _string(type_node)
        if (code if exact else code.strip()) != name.tipo:
            return Mismatch("1003", f"{type_path}: {code!r}; tipo del nombre: {name.tipo}")
    return None


def name_mismatch(root: etree._Element, name: SunatName) -> Mismatch | None:
    """The first way the document contradicts its file name, as SUNAT's stylesheets compare them."""
    wrong_type = type_mismatch(root, name)
    if wrong_type is not None:
        return wrong_type
    local = etree.QName(root).localname
    issuer_path = _issuer_path(local)
    identifier = _first_text(root, "cbc:ID")
    if name.is_summary:
        if name.tipo == "RR":
            if f"{name.ruc}-{identifier}" != name.stem:
                return Mismatch("2220", f"nombre: {name.stem}.xml; cbc:ID: {identifier}")
            return None
        if name.stem[12:] != identifier:
            return Mismatch("2220", f"nombre: {name.stem}.xml; cbc:ID: {identifier}")
        if _any_differs(root, issuer_path, name.ruc):
            return Mismatch("1034" if name.tipo == "RC" else "2221", f"RUC del nombre: {name.ruc}")
        return None
    if _any_differs(root, issuer_path, name.ruc):
        return Mismatch("1034", f"RUC del nombre: {name.ruc}")
    if name.serie != identifier[:4]:
        return Mismatch("1035", f"serie del nombre: {name.serie}; cbc:ID: {identifier}")
    if name.correlativo != identifier[5:]:
        return Mismatch("1036", f"número del nombre: {name.correlativo}; cbc:ID: {identifier}")
    return None


def _issuer_path(local: str) -> str:
    return _ISSUER_PATHS.get(local, "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID")


@dataclass(frozen=True, slots=True)
class Reference:
    """A document a summary line speaks of, and what it does to it."""

    tipo: str
    serie: str
    numero: int
    condition: str = ""  # RC: 1 add, 2 modify, 3 void


@dataclass(frozen=True, slots=True)
class Facts:
    """What the CDR needs to say about a document, and what a summary refers to."""

    identifier: str  # cbc:ID as written (trimmed): "F001-1", "RA-20261122-1"
    issue_date: str
    recipient: str  # "<tipo doc>-<número>" of the customer, as SUNAT's CDR writes it
    references: list[Reference] = field(default_factory=list)


def read_facts(root: etree._Element) -> Facts:
    local = etree.QName(root).localname
    identifier = _first_text(root, "cbc:ID").strip()
    issue_date = _first_text(root, "cbc:IssueDate").strip()
    recipient = "6-"
    path = _RECIPIENT_PATHS.get(local)
    if path is not None:
        node = root.find(path, NS)
        if node is not None:
            recipient = f"{(node.get('schemeID') or '').strip()}-{_string(node).strip()}"
    references: list[Reference] = []
    if local == "VoidedDocuments":
        for line in root.findall("sac:VoidedDocumentsLine", NS):
            reference = _reference(
                _first_text(line, "cbc:DocumentTypeCode"),
                _first_text(line, "sac:DocumentSerialID"),
                _first_text(line, "sac:DocumentNumberID"),
            )
            if reference is not None:
                references.append(reference)
    elif local == "SummaryDocuments":
        for line in root.findall("sac:SummaryDocumentsLine", NS):
            tipo = _first_text(line, "cbc:DocumentTypeCode")
            condition = _first_text(line, "cac:Status/cbc:ConditionCode").strip() or "1"
            line_id = _first_text(line, "cbc:ID").strip()
            if "-" in line_id:
                serie, _, numero = line_id.partition("-")
                reference = _reference(tipo, serie, numero, condition)
                if reference is not None:
                    references.append(reference)
                continue
            # Summary 1.0: a range of boletas of one series.
            serie = _first_text(line, "sac:DocumentSerialID")
            start = _first_text(line, "sac:StartDocumentNumberID").strip()
            end = _first_text(line, "sac:EndDocumentNumberID").strip()
            if start.isdigit() and end.isdigit() and 0 < int(start) <= int(end) <= int(start) + 10_000:
                for numero in range(int(start), int(end) + 1):
                    reference = _reference(tipo, serie, str(numero), condition)
                    if reference is not None:
                        references.append(reference)
    return Facts(identifier, issue_date, recipient, references)


def _reference(tipo: str, serie: str, numero: str, condition: str = "") -> Reference | None:
    tipo, serie, numero = tipo.strip(), serie.strip(), numero.strip()
    if not (tipo and serie and numero.isdigit()):
        return None
    return Reference(tipo, serie, int(numero), condition)
