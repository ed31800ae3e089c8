"""Build + sign throughput of a 200-line guía de remisión (09, private transport), against the
floor measured in the same run.

Floor: what signing alone cannot avoid for the same document — one inclusive C14N of the
document, its digest, and a bare RSA-2048 signature (PKCS#1 v1.5) — with no UBL building and
no validation.

Prints, each with the floor and the ratio:
1. native rules + UBL + signature (what the server does before the XSD and SUNAT's stylesheet);
2. UBL + signature alone;
3. the same as 1 with SUNAT's XSD check of every signed document.

Usage: python bench/despatch.py [--lines N] [--seconds S] [--algorithm rsa-sha256|rsa-sha1]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable
from datetime import date
from datetime import time as clock
from decimal import Decimal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from yupana.domain.despatch import (
    DespatchDocument,
    DespatchLine,
    Driver,
    RelatedDocument,
    TransferPoint,
    Vehicle,
)
from yupana.domain.party import Company, Customer
from yupana.signing.certificate import signing_key_from_bytes
from yupana.signing.selfsigned import make_self_signed_pfx
from yupana.signing.xmldsig import Signer
from yupana.ubl.despatch import build_despatch
from yupana.ubl.namespaces import SIGNATURE_ID
from yupana.validation.despatch import validate_despatch
from yupana.validation.xsd import validate_xsd

RUC = "20123456786"
ISSUER = Company(RUC, "EMPRESA DE PRUEBAS S.A.C.", "PRUEBAS")
UNITS = ("NIU", "KGM", "BX", "ZZ", "BG")


def guia(number: int, lines: int) -> DespatchDocument:
    today = date.today()
    return DespatchDocument(
        tipo_documento="09",
        serie="T001",
        correlativo=number,
        fecha_emision=today,
        hora_emision=clock(9, 30),
        issuer=ISSUER,
        destinatario=Customer("6", "20601234565", "CLIENTE EJEMPLO S.A.C."),
        lines=[
            DespatchLine(
                f"PRODUCTO DE PRUEBA NUMERO {i} EN CAJAS",
                Decimal(i % 17 + 1) + Decimal("0.5"),
                UNITS[i % len(UNITS)],
                codigo=f"P{i:05d}",
                codigo_sunat="50161509" if i % 3 == 0 else None,
            )
            for i in range(1, lines + 1)
        ],
        related=[RelatedDocument("01", f"F001-{number}", RUC)],
        motivo_traslado="01",
        modalidad="02",
        peso_bruto=Decimal("1725.5"),
        numero_bultos=lines,
        fecha_inicio_traslado=today,
        vehiculo=Vehicle("ABC123"),
        vehiculos_secundarios=[Vehicle("XYZ987")],
        conductor=Driver("1", "44004400", "ROBERTO", "RODRIGUEZ VALENCIA", "Q44004400"),
        partida=TransferPoint("150101", "AV. LOS OLIVOS 123, LIMA"),
        llegada=TransferPoint("040101", "CALLE MERCADERES 456, AREQUIPA"),
    )


def floor_rate(signer: Signer, root: etree._Element, seconds: float) -> float:
    """C14N + digest + bare RSA signature of the same document, per second."""
    key = signer.key.private_key
    digest_algo = hashlib.sha256 if "256" in signer.algorithm else hashlib.sha1
    sign_hash = hashes.SHA256() if "256" in signer.algorithm else hashes.SHA1()
    pad = padding.PKCS1v15()
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(10):
            c14n = etree.tostring(root, method="c14n")
            key.sign(digest_algo(c14n).digest(), pad, sign_hash)
        count += 10
    return count / (time.perf_counter() - start)


def rate(work: Callable[[DespatchDocument], object], docs: list[DespatchDocument], seconds: float) -> float:
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for doc in docs:
            work(doc)
        count += len(docs)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--algorithm", default="rsa-sha256", choices=("rsa-sha1", "rsa-sha256"))
    args = parser.parse_args()

    pfx = make_self_signed_pfx(RUC, "bench", razon_social=ISSUER.razon_social, key_size=2048)
    signer = Signer(signing_key_from_bytes(pfx, "bench"), args.algorithm)
    docs = [guia(n, args.lines) for n in range(1, 21)]
    problems = validate_despatch(docs[0])
    if problems.errors:
        raise SystemExit(f"the bench guía is not valid: {[p.as_dict() for p in problems.errors]}")

    def checked(doc: DespatchDocument) -> None:
        validate_despatch(doc).raise_if_errors()
        signer.sign(build_despatch(doc), SIGNATURE_ID)

    def bare(doc: DespatchDocument) -> None:
        signer.sign(build_despatch(doc), SIGNATURE_ID)

    def with_xsd(doc: DespatchDocument) -> None:
        validate_despatch(doc).raise_if_errors()
        root = build_despatch(doc)
        signer.sign(root, SIGNATURE_ID)
        validate_xsd(root).raise_if_errors()

    with_xsd(docs[0])  # warm caches (schema, key, templates)
    root = build_despatch(docs[0])
    floor = floor_rate(signer, root, args.seconds)
    full = rate(checked, docs, args.seconds)
    only = rate(bare, docs, args.seconds)
    schema = rate(with_xsd, docs, args.seconds)
    floor = (floor + floor_rate(signer, root, args.seconds)) / 2
    size = len(etree.tostring(root))
    print(f"guía remitente 09, {args.lines} lines ({size // 1024} KiB), {args.algorithm}, RSA-2048, one core")
    print(f"floor (C14N + digest + RSA sign):    {floor:8.0f} docs/s")
    print(f"rules + UBL + sign:                  {full:8.0f} docs/s   ratio {full / floor:.2f}")
    print(f"UBL + sign:                          {only:8.0f} docs/s   ratio {only / floor:.2f}")
    print(f"rules + UBL + sign + XSD:            {schema:8.0f} docs/s   ratio {schema / floor:.2f}")


if __name__ == "__main__":
    main()
