"""Regenerate the SUNAT data files of this directory from SUNAT's own published artefacts.

usage: python src/yupana/data/generate.py SUNAT_DIR

``SUNAT_DIR`` is a copy of SUNAT's artefacts laid out as described in ``README.md`` here
(``codes/codigos-retorno.json``, ``catalogs/sfs-catalogos.json``,
``catalogs/anexo8-catalogos-excel-20260212.json``, ``xsd/2.0`` and ``xsd/2.1``). The script
writes ``codigos-retorno.json``, ``catalogs.json`` and copies the XSD trees under ``xsd/``.
It is not part of the runtime package.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Catalogs carried, with the SFS catalog file they come from (the SFS copy is what SUNAT's
# own stylesheets validate against); the Excel workbook (Anexo 8, 2026-02-12) adds the codes
# published after that SFS release and the nicer descriptions.
CATALOGS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "16"]
CATALOGS += ["22", "23", "51", "52", "53", "54", "55", "59"]
# Resumen diario (RC): 11 tipo de valor de venta (sac:BillingPayment), 19 estado del ítem.
CATALOGS += ["11", "19"]
# Guías de remisión (09/31): 18 modalidad de traslado, 20 motivo de traslado, 61 documentos
# relacionados al transporte, 62 bienes normalizados (partida arancelaria), 62A códigos de
# producto SUNAT de bienes normalizados, 63 puertos, 64 aeropuertos, 65 unidades de medida en
# DAM/DS, D37 entidades que emiten autorizaciones especiales.
CATALOGS += ["18", "20", "61", "62", "62A", "63", "64", "65", "D37"]
# Titles of the catalogs the Excel workbook does not carry.
NAMES = {
    "62A": "Códigos de producto SUNAT de bienes normalizados",
    "D37": "Entidades emisoras de autorizaciones especiales",
}

# Catalog 07: the tributo (catalog 05) a line of each afectación falls under when the
# operation is onerous, whether IGV/IVAP is computed on its base, and whether the line is
# always a free transfer (no charge). 17 (IVAP) and 40 (exportación) may also be free (9996).
AFECTACION = {
    "10": ("1000", True, False),
    "11": ("9996", True, True),
    "12": ("9996", True, True),
    "13": ("9996", True, True),
    "14": ("9996", True, True),
    "15": ("9996", True, True),
    "16": ("9996", True, True),
    "17": ("1016", True, False),
    "20": ("9997", False, False),
    "21": ("9996", False, True),
    "30": ("9998", False, False),
    "31": ("9996", False, True),
    "32": ("9996", False, True),
    "33": ("9996", False, True),
    "34": ("9996", False, True),
    "35": ("9996", False, True),
    "36": ("9996", False, True),
    "37": ("9996", False, True),
    "40": ("9995", False, False),
}

# Catalog 53: cbc:ChargeIndicator each code must carry (SUNAT rule 3114: true for charges
# 45-54, false for discounts and deductions).
CHARGES_53 = {"45", "46", "47", "48", "49", "50", "51", "52", "53", "54"}

DOC_TYPES_51 = {"factura": "01", "boleta": "03", "liquidación de compra": "04", "liquidacion": "04"}


def _excel_code(item: dict[str, str]) -> str | None:
    code = item.get("Código")
    if code is None or not item.get("Descripción"):
        return None
    return code.strip()


def _doc_types_51(text: str) -> list[str]:
    found = []
    for part in text.lower().replace("boletas", "boleta").split(","):
        code = DOC_TYPES_51.get(part.strip())
        if code and code not in found:
            found.append(code)
    return sorted(found)


def build_catalogs(sunat: Path) -> dict[str, Any]:
    sfs = json.loads((sunat / "catalogs" / "sfs-catalogos.json").read_text(encoding="utf-8"))["catalogs"]
    excel_all = json.loads((sunat / "catalogs" / "anexo8-catalogos-excel-20260212.json").read_text("utf-8"))
    excel = {c["catalog"]: c for c in excel_all["catalogs"]}
    out: dict[str, Any] = {}
    for cat in CATALOGS:
        items: dict[str, list[Any]] = {}
        for item in sfs[f"cat_{cat}"]["items"]:
            code = item["id"].strip()
            if code in items:  # cat 02 repeats currencies once per country
                continue
            attrs: dict[str, Any] = {}
            if cat == "05":
                attrs = {
                    "un_ece": item["UN_ECE_5153"],
                    "nombre": item["name"],
                    "categoria": item["categoria"],
                }
            elif cat in ("22", "23", "54") and "tasa" in item:
                attrs = {"tasa": item["tasa"]}
            elif cat == "51":
                flags = (("factura", "01"), ("boleta", "03"), ("liquidacion", "04"))
                attrs = {"documentos": [t for flag, t in flags if item.get(flag) == "1"]}
            elif cat == "53":
                attrs = {"nivel": "item" if item.get("item") == "si" else "global"}
            elif cat == "61":
                # whether a guía remitente (gre-r) / transportista (gre-t) may cite the document
                attrs = {"remitente": item.get("gre-r") == "1", "transportista": item.get("gre-t") == "1"}
            elif cat == "62" and item.get("codSunat"):
                attrs = {"codigo_sunat": item["codSunat"]}
            elif cat in ("63", "64") and item.get("ubigeo"):
                attrs = {"ubigeo": item["ubigeo"]}
            items[code] = [item.get("text", "").strip(), attrs]
        excel_cat = excel.get(cat)
        if excel_cat is not None:
            for item in excel_cat["items"]:
                code = _excel_code(item)
                if code is None:
                    continue
                description = item["Descripción"].replace("\xa0", " ").strip()
                description = " ".join(description.split())
                entry = items.setdefault(code, [description, {}])
                entry[0] = description
                if cat == "51":
                    entry[1]["documentos"] = _doc_types_51(item.get("Tipo de Comprobante asociado", ""))
                elif cat == "53":
                    entry[1]["nivel"] = "item" if item.get("Nível", "").lower() == "item" else "global"
                elif cat == "22" and item.get("Porcentaje %"):
                    entry[1]["tasa"] = item["Porcentaje %"]
        if cat == "07":
            for code, (tributo, gravado, gratuito) in AFECTACION.items():
                items[code][1] = {"tributo": tributo, "gravado": gravado, "gratuito": gratuito}
        if cat == "53":
            for code, entry in items.items():
                entry[1]["cargo"] = code in CHARGES_53
        name = (excel_cat or {}).get("name") or NAMES.get(cat) or cat
        compact = {code: (entry if entry[1] else entry[0]) for code, entry in sorted(items.items())}
        out[cat] = {"name": name, "items": compact}
    return out


def build_return_codes(sunat: Path) -> dict[str, list[str]]:
    data = json.loads((sunat / "codes" / "codigos-retorno.json").read_text(encoding="utf-8"))
    return {c["code"]: [c["message"].strip(), c["severity"]] for c in data["codes"]}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    sunat = Path(argv[1]).resolve()
    catalogs = build_catalogs(sunat)
    (HERE / "catalogs.json").write_text(
        json.dumps(catalogs, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n",
        encoding="utf-8",
    )
    codes = build_return_codes(sunat)
    (HERE / "codigos-retorno.json").write_text(
        json.dumps(codes, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    for version in ("2.0", "2.1"):
        target = HERE / "xsd" / version
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(sunat / "xsd" / version, target)
    print(f"{len(catalogs)} catalogs, {len(codes)} return codes, XSD 2.0 and 2.1 copied")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
