"""Where a company's documents go: SUNAT beta, SUNAT production, an OSE, or the local simulator.

One ``Endpoints`` value per company holds five URLs:

* ``bill_service`` — billService for facturas, boletas, notas, resúmenes diarios (RC) and
  comunicaciones de baja (RA) (SUNAT's "CPE" service);
* ``bill_service_otros`` — billService for retenciones (20), percepciones (40) and resúmenes de
  reversiones (RR) (SUNAT's "otros CPE" service);
* ``consult_service`` — billConsultService (``getStatus``/``getStatusCdr`` by RUC, type, serie,
  número); SUNAT publishes it only for production, so beta has none;
* ``gre_auth`` and ``gre_cpe`` — base URLs (ending in ``/v1``) of the GRE REST platform: the
  OAuth2 token service and the reception service for guías 09/31.

SUNAT's URLs are those of ``PROTOCOL-NOTES.md`` §4 (SUNAT's WSDLs and SunatEndpoints of the
community clients). SUNAT has no public beta of the GRE REST platform; ``beta()`` points to the
homologation platform the community uses with the same paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

BETA_HOST = "https://e-beta.sunat.gob.pe"
PRODUCTION_HOST = "https://e-factura.sunat.gob.pe"

# Paths of SUNAT's SOAP services (the simulator serves the same paths under its own base URL).
BETA_CPE_PATH = "/ol-ti-itcpfegem-beta/billService"
BETA_OTROS_PATH = "/ol-ti-itemision-otroscpe-gem-beta/billService"
PRODUCTION_CPE_PATH = "/ol-ti-itcpfegem/billService"
PRODUCTION_OTROS_PATH = "/ol-ti-itemision-otroscpe-gem/billService"
CONSULT_PATH = "/ol-it-wsconscpegem/billConsultService"

# GRE REST platform (base URLs; the services append /clientessol/... and /contribuyente/gem/...).
GRE_PRODUCTION_AUTH = "https://api-seguridad.sunat.gob.pe/v1"
GRE_PRODUCTION_CPE = "https://api-cpe.sunat.gob.pe/v1"
GRE_BETA = "https://gre-test.nubefact.com/v1"
GRE_PATH = "/v1"

# Document types by billService: catálogo 01 codes and the summary prefixes.
CPE_TYPES = frozenset({"01", "03", "04", "07", "08", "RC", "RA"})
OTROS_CPE_TYPES = frozenset({"20", "40", "RR"})
GRE_TYPES = frozenset({"09", "31"})
SUMMARY_TYPES = frozenset({"RC", "RA", "RR"})


def _checked_url(value: str, name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"Endpoints.{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def document_type_of(file_name: str) -> str:
    """The document type in a SUNAT file name (``20123456786-01-F001-1.zip`` → ``"01"``)."""
    parts = file_name.split("-")
    if len(parts) < 3 or not (len(parts[0]) == 11 and parts[0].isdigit()):
        raise ValueError(f"{file_name!r} is not a SUNAT file name (RUC-TT-...)")
    return parts[1].upper()


@dataclass(frozen=True, slots=True)
class Endpoints:
    bill_service: str
    bill_service_otros: str
    consult_service: str | None = None
    gre_auth: str | None = None
    gre_cpe: str | None = None

    def __post_init__(self) -> None:
        for name in ("bill_service", "bill_service_otros", "consult_service", "gre_auth", "gre_cpe"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _checked_url(value, name))

    @classmethod
    def beta(cls) -> Endpoints:
        """SUNAT's beta (test) services; any certificate, user ``<RUC>MODDATOS`` / ``moddatos``."""
        return cls(
            bill_service=BETA_HOST + BETA_CPE_PATH,
            bill_service_otros=BETA_HOST + BETA_OTROS_PATH,
            consult_service=None,
            gre_auth=GRE_BETA,
            gre_cpe=GRE_BETA,
        )

    @classmethod
    def production(cls) -> Endpoints:
        return cls(
            bill_service=PRODUCTION_HOST + PRODUCTION_CPE_PATH,
            bill_service_otros=PRODUCTION_HOST + PRODUCTION_OTROS_PATH,
            consult_service=PRODUCTION_HOST + CONSULT_PATH,
            gre_auth=GRE_PRODUCTION_AUTH,
            gre_cpe=GRE_PRODUCTION_CPE,
        )

    @classmethod
    def simulator(cls, base_url: str, *, production_paths: bool = False) -> Endpoints:
        """The local simulator at ``base_url`` (e.g. ``http://127.0.0.1:8900``).

        It serves SUNAT's own paths under its base URL: the beta billService paths (or the
        production ones with ``production_paths``), the consult service at SUNAT's production
        path, and the GRE platform at ``/v1`` for both token and reception.
        """
        base = _checked_url(base_url, "base_url")
        cpe, otros = (
            (PRODUCTION_CPE_PATH, PRODUCTION_OTROS_PATH)
            if production_paths
            else (BETA_CPE_PATH, BETA_OTROS_PATH)
        )
        return cls(
            bill_service=base + cpe,
            bill_service_otros=base + otros,
            consult_service=base + CONSULT_PATH,
            gre_auth=base + GRE_PATH,
            gre_cpe=base + GRE_PATH,
        )

    @classmethod
    def custom(
        cls,
        bill_service: str,
        *,
        bill_service_otros: str | None = None,
        consult_service: str | None = None,
        gre_auth: str | None = None,
        gre_cpe: str | None = None,
    ) -> Endpoints:
        """An OSE or any other provider; most OSEs receive every type at one URL, so
        ``bill_service_otros`` defaults to ``bill_service``."""
        return cls(
            bill_service=bill_service,
            bill_service_otros=bill_service_otros or bill_service,
            consult_service=consult_service,
            gre_auth=gre_auth,
            gre_cpe=gre_cpe or gre_auth,
        )

    def bill_service_for(self, document_type: str) -> str:
        """The billService URL that receives ``document_type`` (``"01"``, ``"RC"``, ``"20"``...)."""
        kind = document_type.upper()
        if kind in CPE_TYPES:
            return self.bill_service
        if kind in OTROS_CPE_TYPES:
            return self.bill_service_otros
        if kind in GRE_TYPES:
            raise ValueError(f"type {kind} is sent through the GRE REST platform, not billService")
        raise ValueError(f"no billService receives document type {document_type!r}")
