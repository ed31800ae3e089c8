"""Build + sign throughput of a 2-line factura, against the floor measured in the same run.

Floor: what signing alone cannot avoid for the same document — one inclusive C14N of the
document, its digest, and a bare RSA-2048 signature (PKCS#1 v1.5) — with no UBL building,
no arithmetic, no validation.

Prints three figures, each with the floor and the ratio:
1. in-process: ``DocumentBuilder.build`` (calc + native rules + UBL + sign) on one core,
   and the same with the XSD check of every signed document;
2. whole process: ``yupana xml build`` on a folder of N native JSON files (start-up, JSON parsing,
   checks and file writing included).

Usage: python bench/build_sign.py [--docs N] [--cli-docs N] [--algorithm rsa-sha256|rsa-sha1]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from yupana.domain.party import Address, Company, Customer
from yupana.domain.sale import SaleDocument, SaleLine
from yupana.service.build import DocumentBuilder
from yupana.signing.certificate import signing_key_from_bytes
from yupana.signing.selfsigned import make_self_signed_pfx
from yupana.signing.xmldsig import Signer
from yupana.ubl.sale import build_sale

RUC = "20123456786"
# Scratch files live beside the project (the machine's /tmp may sit on a slower file system).
WORK = Path(__file__).resolve().parent.parent / "out" / "bench"


def factura(n: int) -> SaleDocument:
    issuer = Company(
        RUC,
        "EMPRESA DE PRUEBAS S.A.C.",
        "PRUEBAS",
        Address("AV. LOS OLIVOS 123", "150101", "LIMA", "LIMA", "LIMA", codigo_establecimiento="0000"),
    )
    customer = Customer("6", "20100070970", "CLIENTE DE PRUEBA S.A.")
    lines = [
        SaleLine("PRODUCTO UNO", Decimal("2"), "NIU", "10", codigo="P001", valor_unitario=Decimal("100")),
        SaleLine("PRODUCTO DOS", Decimal("3"), "KGM", "10", codigo="P002", valor_unitario=Decimal("12.50")),
    ]
    return SaleDocument("01", "F001", n, date.today(), issuer, customer, lines)


def native_body(n: int) -> dict[str, object]:
    return {
        "tipo_documento": "01",
        "serie": "F001",
        "correlativo": n,
        "fecha_emision": date.today().isoformat(),
        "moneda": "PEN",
        "customer": {
            "tipo_documento": "6",
            "numero_documento": "20100070970",
            "razon_social": "CLIENTE S.A.",
        },
        "lines": [
            {"descripcion": "PRODUCTO UNO", "cantidad": 2, "unidad": "NIU", "valor_unitario": "100"},
            {"descripcion": "PRODUCTO DOS", "cantidad": 3, "unidad": "KGM", "valor_unitario": "12.50"},
        ],
    }


def floor_rate(signer: Signer, root: etree._Element, seconds: float) -> float:
    """C14N + digest + bare RSA signature of the same document, per second."""
    key = signer.key.private_key
    digest_algo = hashlib.sha256 if "256" in signer.algorithm else hashlib.sha1
    sign_hash = hashes.SHA256() if "256" in signer.algorithm else hashes.SHA1()
    pad = padding.PKCS1v15()
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            c14n = etree.tostring(root, method="c14n")
            value = digest_algo(c14n).digest()
            key.sign(value, pad, sign_hash)
        count += 50
    return count / (time.perf_counter() - start)


def build_rate(builder: DocumentBuilder, seconds: float) -> float:
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            count += 1
            builder.build(factura(count))
    return count / (time.perf_counter() - start)


def cli_rate(n: int, pfx: Path, algorithm: str, issuer: Path, jobs: int) -> float:
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for i in range(1, n + 1):
            (src / f"{i:06d}.json").write_text(json.dumps(native_body(i)))
        out = Path(tmp) / "out"
        cmd = [
            sys.executable,
            "-m",
            "yupana.cli",
            "xml",
            "build",
            "--issuer",
            str(issuer),
            "--cert",
            str(pfx),
        ]
        cmd += [
            "--cert-password",
            "bench",
            "--algorithm",
            algorithm,
            "--jobs",
            str(jobs),
            "--out",
            str(out),
            str(src),
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        built = sum(1 for line in proc.stdout.splitlines() if '"errors": []' in line)
        if built != n:
            sys.exit(f"yupana xml build built {built} of {n}: {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
        return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--cli-docs", type=int, default=5000)
    parser.add_argument("--algorithm", default="rsa-sha1", choices=("rsa-sha1", "rsa-sha256"))
    args = parser.parse_args()

    pfx_bytes = make_self_signed_pfx(RUC, "bench", razon_social="EMPRESA DE PRUEBAS S.A.C.", key_size=2048)
    signer = Signer(signing_key_from_bytes(pfx_bytes, "bench"), args.algorithm)
    builder = DocumentBuilder(signer, xsd=False)
    checked = DocumentBuilder(signer)
    sample = factura(1)
    builder.build(copy.deepcopy(sample))  # warm caches (schemas, key)
    completed = copy.deepcopy(sample)
    from yupana.calc import process

    process(completed)
    root = build_sale(completed)

    floor = floor_rate(signer, root, args.seconds)
    built = build_rate(builder, args.seconds)
    built_xsd = build_rate(checked, args.seconds)
    floor_after = floor_rate(signer, root, args.seconds)
    floor = (floor + floor_after) / 2
    print(f"algorithm {args.algorithm}, RSA-2048, one core")
    print(f"floor (C14N + digest + RSA sign):      {floor:8.0f} docs/s")
    print(
        f"build + sign (calc, rules, UBL, sign): {built:8.0f} docs/s   ratio {built / floor:.2f}  (target >= 0.80)"
    )
    print(f"  the same + XSD of every document:    {built_xsd:8.0f} docs/s   ratio {built_xsd / floor:.2f}")

    if args.cli_docs:
        WORK.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=WORK) as tmp:
            pfx = Path(tmp) / "bench.pfx"
            pfx.write_bytes(pfx_bytes)
            issuer = Path(tmp) / "issuer.json"
            issuer.write_text(
                json.dumps(
                    {
                        "ruc": RUC,
                        "razon_social": "EMPRESA DE PRUEBAS S.A.C.",
                        "codigo_establecimiento": "0000",
                        "direccion": {"ubigeo": "150101", "direccion": "AV. LOS OLIVOS 123"},
                    }
                )
            )
            for jobs in (1, os.cpu_count() or 1):
                cli = cli_rate(args.cli_docs, pfx, args.algorithm, issuer, jobs)
                floor_cli = floor_rate(signer, root, args.seconds)
                print(
                    f"yupana xml build --jobs {jobs}, {args.cli_docs} files: {cli:8.0f} docs/s"
                    f"   ratio {cli / floor_cli:.2f}  (floor {floor_cli:.0f}; target >= 0.50)"
                )


if __name__ == "__main__":
    main()
