"""What a Greenter-style request carries for the printed representation only.

nexus-doc sends Lycet's JSON plus blocks that SUNAT never sees: ``seller`` (a name or a
Greenter ``Client`` object), ``cashier``, ``finalMessage`` (a line or a list of lines),
``formato`` (print format: ``a4``, ``ticket``...) and ``formaPago`` as a list of the payments
received. Lycet's own envelope (``{"document": ..., "parameters": {"user": {"extras":
[{"name", "value"}]}}}``) carries name/value pairs for its PDF. They all end up in
``SaleDocument.extras`` as strings, Lycet's pairs under their ``name`` and nexus-doc's blocks
under their JSON path inside the document:

- a scalar block ``"cashier": "ANA"`` → ``extras["cashier"] = "ANA"``;
- an object block is flattened, ``"seller": {"numDoc": "4567", "rznSocial": "JUAN"}`` →
  ``extras["seller.numDoc"] = "4567"``, ``extras["seller.rznSocial"] = "JUAN"``, and the
  block's display name (``rznSocial``, ``razonSocial``, ``nombre`` or ``name``) also goes
  under the block's own key, ``extras["seller"] = "JUAN"``;
- a list of scalars becomes one string, lines joined with ``"\\n"``;
- a list of objects is flattened with indexes, ``extras["formaPago[0].tipo"]``.

The parser adds, the same way, what Greenter declares but UBL 2.1 has no place for:
``mtoDescuentos``, ``sumDsctoGlobal``, ``mtoCargos`` and ``detraccion.valueRef``.

Nothing here can make a request invalid: anything unreadable is simply left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from yupana.dialects.greenter import LENIENCY
from yupana.dialects.json_fields import JsonObject, child, item, to_decimal

PRINT_BLOCKS = ("seller", "cashier", "finalMessage", "formato")
_DISPLAY_NAME_KEYS = ("rznSocial", "razonSocial", "nombre", "name")


def scalar_text(value: object) -> str | None:
    """A JSON scalar as printable text; ``None`` for objects, lists and null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        number = to_decimal(value, exponents=LENIENCY.exponents)
        return format(number, "f") if number is not None else None
    return None


def flatten(value: object, key: str, out: dict[str, str]) -> None:
    """Write ``value`` into ``out`` under ``key`` (see the module docstring)."""
    text = scalar_text(value)
    if text is not None:
        out[key] = text
    elif isinstance(value, Mapping):
        for sub_key, sub_value in value.items():
            if isinstance(sub_key, str):
                flatten(sub_value, child(key, sub_key), out)
        for name_key in _DISPLAY_NAME_KEYS:
            name = scalar_text(value.get(name_key))
            if name:
                out[key] = name
                break
    elif isinstance(value, list):
        texts = [scalar_text(entry) for entry in value]
        if all(t is not None for t in texts):
            if texts:
                out[key] = "\n".join(t for t in texts if t is not None)
            return
        for index, entry in enumerate(value):
            flatten(entry, item(key, index), out)


def print_extras(document: JsonObject, parameters: object) -> dict[str, str]:
    """The printing extras of a request: nexus-doc blocks and Lycet's ``parameters.user.extras``."""
    out: dict[str, str] = {}
    if isinstance(parameters, Mapping):
        user = parameters.get("user")
        pairs = user.get("extras") if isinstance(user, Mapping) else None
        if isinstance(pairs, list):
            for pair in pairs:
                if isinstance(pair, Mapping):
                    name, text = scalar_text(pair.get("name")), scalar_text(pair.get("value"))
                    if name and text is not None:
                        out[name] = text
    for key in PRINT_BLOCKS:
        if document.get(key) is not None:
            flatten(document[key], key, out)
    return out


def payments_text(payments: list[object]) -> str:
    """nexus-doc's list of payments received, as one printable line per payment.

    ``[{"tipo": "Efectivo", "monto": 50}, {"tipo": "Yape", "monto": 20.5}]`` →
    ``"Efectivo 50\\nYape 20.5"``: the scalar values of each entry, in the caller's order.
    """
    lines: list[str] = []
    for entry in payments:
        if isinstance(entry, Mapping):
            parts = [scalar_text(v) for v in entry.values()]
            line = " ".join(p for p in parts if p)
        else:
            line = scalar_text(entry) or ""
        if line:
            lines.append(line)
    return "\n".join(lines)
