"""The WSDLs of the simulated services, generated for the address they are served at.

SUNAT serves each service's description in three parts, and so does the simulator:
``<service>?wsdl`` (binding and service, importing) ``<service>?ns1.wsdl`` (messages and port
type, importing) the schema of the operations (``?xsd2.xsd`` for billService, ``?ns1.xsd`` for
billConsultService). The operations, their element names, the SOAPAction ``urn:<operation>``,
the target namespaces and the types are those of SUNAT's published descriptions; the
``soap:address`` is the simulator's own URL, so a WSDL-driven client talks to the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
XMLMIME = "http://www.w3.org/2005/05/xmlmime"
SERVICE_NS = "http://service.sunat.gob.pe"


@dataclass(frozen=True, slots=True)
class ServiceDescription:
    name: str  # wsdl:service name
    binding: str
    port: str
    target_namespace: str
    schema_part: str  # query of the schema part
    operations: tuple[str, ...]
    # element name -> [(child, type, extra attributes)]
    types: dict[str, list[tuple[str, str, dict[str, str]]]]


_FILE = {"expectedContentTypes": "application/octet-stream"}
_SEND = [
    ("fileName", "xs:string", {}),
    ("contentFile", "xs:base64Binary", _FILE),
    ("partyType", "xs:string", {}),
]
_STATUS = [("content", "xs:base64Binary", {}), ("statusCode", "xs:string", {})]
_CONSULT_STATUS = [*_STATUS, ("statusMessage", "xs:string", {})]
_KEY = [
    ("rucComprobante", "xs:string", {}),
    ("tipoComprobante", "xs:string", {}),
    ("serieComprobante", "xs:string", {}),
    ("numeroComprobante", "xs:int", {}),
]

BILL_SERVICE = ServiceDescription(
    name="billService",
    binding="BillServicePortBinding",
    port="BillServicePort",
    target_namespace="http://service.gem.factura.comppago.registro.servicio.sunat.gob.pe/",
    schema_part="xsd2.xsd",
    operations=("getStatus", "sendBill", "sendPack", "sendSummary"),
    types={
        "getStatus": [("ticket", "xs:string", {})],
        "getStatusResponse": [("status", "tns:statusResponse", {})],
        "sendBill": _SEND,
        "sendBillResponse": [("applicationResponse", "xs:base64Binary", {})],
        "sendPack": _SEND,
        "sendPackResponse": [("ticket", "xs:string", {})],
        "sendSummary": _SEND,
        "sendSummaryResponse": [("ticket", "xs:string", {})],
        "statusResponse": _STATUS,
    },
)
CONSULT_SERVICE = ServiceDescription(
    name="billConsultService",
    binding="BillConsultServicePortBinding",
    port="BillConsultServicePort",
    target_namespace="http://service.ws.consulta.comppago.electronico.registro.servicio2.sunat.gob.pe/",
    schema_part="ns1.xsd",
    operations=("getStatus", "getStatusCdr"),
    types={
        "getStatus": _KEY,
        "getStatusResponse": [("status", "tns:statusResponse", {})],
        "getStatusCdr": _KEY,
        "getStatusCdrResponse": [("statusCdr", "tns:statusResponse", {})],
        "statusResponse": _CONSULT_STATUS,
    },
)


def _serialize(root: etree._Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
        root, encoding="UTF-8", pretty_print=True
    )


def service_wsdl(description: ServiceDescription, location: str) -> bytes:
    """``?wsdl``: binding and service, importing ``?ns1.wsdl``."""
    root = etree.Element(
        f"{{{WSDL}}}definitions",
        nsmap={"wsdl": WSDL, "soap11": WSDL_SOAP, "ns0": description.target_namespace, "ns1": SERVICE_NS},
        targetNamespace=description.target_namespace,
    )
    etree.SubElement(root, f"{{{WSDL}}}import", location=f"{location}?ns1.wsdl", namespace=SERVICE_NS)
    binding = etree.SubElement(
        root, f"{{{WSDL}}}binding", name=description.binding, type=f"ns1:{description.name}"
    )
    etree.SubElement(
        binding, f"{{{WSDL_SOAP}}}binding", transport="http://schemas.xmlsoap.org/soap/http", style="document"
    )
    for operation in description.operations:
        element = etree.SubElement(binding, f"{{{WSDL}}}operation", name=operation)
        etree.SubElement(
            element, f"{{{WSDL_SOAP}}}operation", soapAction=f"urn:{operation}", style="document"
        )
        for direction, suffix in (("input", "Request"), ("output", "Response")):
            message = etree.SubElement(element, f"{{{WSDL}}}{direction}", name=f"{operation}{suffix}")
            etree.SubElement(message, f"{{{WSDL_SOAP}}}body", use="literal")
    service = etree.SubElement(root, f"{{{WSDL}}}service", name=description.name)
    port = etree.SubElement(
        service, f"{{{WSDL}}}port", name=description.port, binding=f"ns0:{description.binding}"
    )
    etree.SubElement(port, f"{{{WSDL_SOAP}}}address", location=location)
    return _serialize(root)


def messages_wsdl(description: ServiceDescription, location: str) -> bytes:
    """``?ns1.wsdl``: messages and port type, importing the schema."""
    root = etree.Element(
        f"{{{WSDL}}}definitions",
        nsmap={"wsdl": WSDL, "ns1": SERVICE_NS, "xsd": XSD},
        targetNamespace=SERVICE_NS,
    )
    types = etree.SubElement(root, f"{{{WSDL}}}types")
    schema = etree.SubElement(types, f"{{{XSD}}}schema")
    etree.SubElement(
        schema,
        f"{{{XSD}}}import",
        schemaLocation=f"{location}?{description.schema_part}",
        namespace=SERVICE_NS,
    )
    for operation in description.operations:
        for name in (operation, f"{operation}Response"):
            message = etree.SubElement(root, f"{{{WSDL}}}message", name=name)
            etree.SubElement(message, f"{{{WSDL}}}part", name="parameters", element=f"ns1:{name}")
    port_type = etree.SubElement(root, f"{{{WSDL}}}portType", name=description.name)
    for operation in description.operations:
        element = etree.SubElement(port_type, f"{{{WSDL}}}operation", name=operation)
        etree.SubElement(element, f"{{{WSDL}}}input", name=f"{operation}Request", message=f"ns1:{operation}")
        etree.SubElement(
            element, f"{{{WSDL}}}output", name=f"{operation}Response", message=f"ns1:{operation}Response"
        )
    return _serialize(root)


def schema(description: ServiceDescription) -> bytes:
    """The operations' elements and types (``?xsd2.xsd`` / ``?ns1.xsd``)."""
    root = etree.Element(
        f"{{{XSD}}}schema",
        nsmap={"xs": XSD, "tns": SERVICE_NS, "xmime": XMLMIME},
        targetNamespace=SERVICE_NS,
        version="1.0",
    )
    for name in description.types:
        if name != "statusResponse":
            etree.SubElement(root, f"{{{XSD}}}element", name=name, type=f"tns:{name}")
    for name, children in description.types.items():
        sequence = etree.SubElement(
            etree.SubElement(root, f"{{{XSD}}}complexType", name=name), f"{{{XSD}}}sequence"
        )
        for child, child_type, extra in children:
            element = etree.SubElement(
                sequence, f"{{{XSD}}}element", name=child, type=child_type, minOccurs="0"
            )
            for attribute, value in extra.items():
                element.set(f"{{{XMLMIME}}}{attribute}", value)
    return _serialize(root)


def document(description: ServiceDescription, location: str, query: str) -> bytes | None:
    """The part of the description a ``GET <service>?<query>`` asks for, or ``None``."""
    part = query.strip().lower()
    if part == "wsdl":
        return service_wsdl(description, location)
    if part == "ns1.wsdl":
        return messages_wsdl(description, location)
    if part == description.schema_part:
        return schema(description)
    return None
