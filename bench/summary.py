"""Build + sign throughput of a resumen diario (RC) of 500 boletas, against the floor measured
in the same run.

Floor: what signing alone cannot avoid for the same document — one inclusive C14N of the
summary, its digest, and a bare RSA-2048 signature (PKCS#1 v1.5) — with no UBL building, no
arithmetic, no validation.

Prints, each with the floor and the ratio:
1. build + sign: ``process_summary`` (each line's IGV and total from its gravada value),
   ``validate_summary``, ``build_summary`` and the signature, per RC and per boleta reported;
2. the same with the XSD check of every signed summary.

Usage: python bench/summary.py [--lines 500] [--seconds 3] [--algorithm rsa-sha1|rsa-sha256]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from datetime import date, timedelta
from decimal import Decimal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from yupana.calc.summary import process_summary
from yupana.domain.party import Company, Customer
from yupana.domain.summary import DailySummary, SummaryLine
from yupana.signing.certificate import signing_key_from_bytes
from yupana.signing.selfsigned import make_self_signed_pfx
from yupana.signing.xmldsig import Signer
from yupana.ubl.summary import build_summary
from yupana.validation.summary import validate_summary
from yupana.validation.xsd import validate_xsd

RUC = "20123456786"
ISSUER = Company(RUC, "EMPRESA DE PRUEBAS S.A.C.")
CUSTOMER = Customer("1", "45678912", "")
TODAY = date.today()


def summary(correlativo: int, lines: int) -> DailySummary:
    """An RC of ``lines`` boletas of yesterday: gravada values only, every fifth above S/ 700
    with its customer, every tenth voided."""
    rows = []
    for n in range(1, lines + 1):
        big = n % 5 == 0
        rows.append(
            SummaryLine(
                "03",
                "B001",
                n,
                estado="3" if n % 10 == 0 else "1",
                customer=CUSTOMER if big else None,
                gravadas=Decimal(800 + n) if big else Decimal(n) + Decimal("0.25"),
            )
        )
    return DailySummary(correlativo, TODAY, TODAY - timedelta(days=1), ISSUER, rows)


def build_and_sign(signer: Signer, doc: DailySummary, xsd: bool) -> etree._Element:
    problems = process_summary(doc)
    problems.extend(validate_summary(doc, today=TODAY))
    problems.raise_if_errors()
    root = build_summary(doc)
    signer.sign(root)
    if xsd and validate_xsd(root).errors:
        raise SystemExit("a summary failed SUNAT's XSD")
    return root


def floor_rate(signer: Signer, root: etree._Element, seconds: float) -> float:
    """C14N + digest + bare RSA signature of the same document, per second."""
    key = signer.key.private_key
    digest_algo = hashlib.sha256 if "256" in signer.algorithm else hashlib.sha1
    sign_hash = hashes.SHA256() if "256" in signer.algorithm else hashes.SHA1()
    pad = padding.PKCS1v15()
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(5):
            c14n = etree.tostring(root, method="c14n")
            value = digest_algo(c14n).digest()
            key.sign(value, pad, sign_hash)
        count += 5
    return count / (time.perf_counter() - start)


def build_rate(signer: Signer, lines: int, seconds: float, xsd: bool) -> float:
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        count += 1
        build_and_sign(signer, summary(count % 99_999 + 1, lines), xsd)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--algorithm", default="rsa-sha1", choices=("rsa-sha1", "rsa-sha256"))
    args = parser.parse_args()

    pfx = make_self_signed_pfx(RUC, "bench", razon_social="EMPRESA DE PRUEBAS S.A.C.", key_size=2048)
    signer = Signer(signing_key_from_bytes(pfx, "bench"), args.algorithm)
    unsigned = summary(1, args.lines)
    process_summary(unsigned)
    reference = build_summary(unsigned)  # the floor signs the same document, unsigned
    build_and_sign(signer, summary(1, args.lines), True)  # warm caches (schema, key, templates)

    floor = floor_rate(signer, reference, args.seconds)
    built = build_rate(signer, args.lines, args.seconds, xsd=False)
    built_xsd = build_rate(signer, args.lines, args.seconds, xsd=True)
    floor = (floor + floor_rate(signer, reference, args.seconds)) / 2
    size = len(etree.tostring(reference))
    print(
        f"algorithm {args.algorithm}, RSA-2048, one core; RC of {args.lines} boletas ({size // 1024} KiB unsigned)"
    )
    print(f"floor (C14N + digest + RSA sign):          {1000 / floor:7.2f} ms per RC")
    print(
        f"build + sign (calc, rules, UBL, sign):     {1000 / built:7.2f} ms per RC"
        f"   {built * args.lines:8.0f} boletas/s   ratio {built / floor:.2f}"
    )
    print(
        f"  the same + XSD of every summary:         {1000 / built_xsd:7.2f} ms per RC"
        f"   {built_xsd * args.lines:8.0f} boletas/s   ratio {built_xsd / floor:.2f}"
    )


if __name__ == "__main__":
    main()
