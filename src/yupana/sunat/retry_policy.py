"""Which failures a later retry of the same request may cure.

Only *exceptions* are ever retryable: an accepted, observed or rejected document has its final
answer, and a pending ticket is polled, not re-sent.

Retryable:

* transport trouble: timeouts (connect, read, write, pool), refused or dropped connections,
  HTTP 408, 425, 429 and every 5xx answer that carries no SOAP fault with a code;
* SUNAT codes that SUNAT's own list (``codigos-retorno.csv``) describes as its service being
  unable to answer ("El sistema no puede responder su solicitud…", "No se pudo procesar su
  solicitud…" about its batch, storage, queue or database, "No se pudo obtener la constancia"):
  ``RETRYABLE_CODES`` below, each with SUNAT's reason;
* a SOAP fault whose faultcode is ``Server`` with no number.

Not retryable (a retry gets the same answer until someone changes something): authentication and
profile errors (0101–0106, 0110–0113), ticket errors (0126, 0127), file name and ZIP content
errors (0151–0161, 0202–0204, 0252, 0300–0302, 0305, 0306), duplicates (0402, 1032, 1033),
every 1000–1999 content exception, TLS failures (a certificate or CA problem is configuration)
and malformed answers received with a 2xx status.

Read timeouts are retryable, but the request may have reached SUNAT: before re-sending a
document, ask billConsultService (``getStatusCdr``) or be ready for 1033 "registrado previamente",
which means the first attempt got through.
"""

from __future__ import annotations

from types import MappingProxyType

from yupana.domain.return_codes import normalize

# SUNAT codes whose message says that SUNAT (not the document) failed. Messages from SUNAT's list.
RETRYABLE_CODES = MappingProxyType(
    {
        "0014": "No se pudo obtener la constancia",
        "0100": "El sistema no puede responder su solicitud. Intente nuevamente",
        "0109": "El servicio de autenticación no está disponible",
        "0125": "No se pudo obtener la constancia",
        "0130": "No se pudo obtener el ticket de proceso",
        "0131": "No se pudo grabar el archivo en el directorio",
        "0132": "No se pudo grabar escribir en el archivo zip",
        "0133": "No se pudo grabar la entrada del log",
        "0134": "No se pudo grabar en el storage",
        "0135": "No se pudo encolar el pedido",
        "0136": "No se pudo recibir una respuesta del batch",
        "0137": "Se obtuvo una respuesta nula",
        "0138": "Error en Base de Datos",
        "0140": "Existe un Documento igual en Proceso",  # ask again once it is processed
        "0200": "Ocurrió un error en el batch",
        "0201": "Llegó un requerimiento nulo al batch",
        "0250": "Ocurrió un error desconocido al hacer unzip",
        "0251": "No se pudo crear un directorio para el unzip",
        "0253": "No se pudo comprimir la constancia",
        "0254": "No se pudo enviar el mensaje",
        "0303": "No existe el directorio de schemas",
        "0304": "No existe el archivo de schema",
        "0307": "No se pudo recuperar la constancia",
    }
)

RETRYABLE_HTTP_STATUS = frozenset({408, 425, 429})


def is_retryable_code(code: str | int) -> bool:
    """True for the SUNAT return codes that mean SUNAT's service failed, not the document."""
    return normalize(code) in RETRYABLE_CODES


def is_retryable_http_status(status: int) -> bool:
    """True for HTTP statuses that say "later" (timeouts, throttling, server errors)."""
    return status in RETRYABLE_HTTP_STATUS or 500 <= status <= 599
