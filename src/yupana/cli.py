"""The ``yupana`` command.

Exit codes: 0 everything done, 1 some input was rejected or failed a check, 2 bad usage.
Each per-file command prints one JSON line per file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from yupana import __version__

if TYPE_CHECKING:
    from yupana.service.stores import Stores

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)  # json.dumps would make one per line


def _emit(record: dict[str, object]) -> None:
    sys.stdout.write(_ENCODER.encode(record) + "\n")


class _Lines:
    """Output lines of a long run, written in groups: when ``interval`` seconds have passed since
    the last group, and at the end. One write per line would cost the command, and whatever reads
    its output, a call (and a wake-up) per file."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.pending: list[str] = []
        self.due = time.monotonic() + interval

    def emit(self, record: dict[str, object]) -> None:
        self.pending.append(_ENCODER.encode(record))
        if time.monotonic() >= self.due:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            sys.stdout.write("\n".join(self.pending) + "\n")
            sys.stdout.flush()
            self.pending.clear()
        self.due = time.monotonic() + self.interval


def _rules_dir(value: str | None) -> Path | None:
    from yupana.command_settings import command_settings

    rules = Path(value) if value else command_settings().sunat_rules
    if rules is not None and not (rules / "sunat_archivos").is_dir():
        raise UsageError(f"SUNAT rules folder {rules} has no sunat_archivos/ inside")
    return rules


def cmd_xml_build(args: argparse.Namespace) -> int:
    from yupana.dialects.native.issuer import parse_issuer
    from yupana.dialects.registry import dialect
    from yupana.domain.problems import InvalidDocument
    from yupana.service.batch import build_files, expand_inputs, load_json
    from yupana.service.build import DocumentBuilder
    from yupana.signing.certificate import CertificateError, load_signing_key
    from yupana.signing.xmldsig import Signer

    reader = dialect(args.dialect)
    issuer = None
    if args.issuer:
        try:
            issuer = parse_issuer(load_json(Path(args.issuer).read_bytes()))
        except OSError as exc:
            raise UsageError(f"cannot read --issuer {args.issuer}: {exc.strerror or exc}") from exc
        except ValueError as exc:
            raise UsageError(f"--issuer {args.issuer} is not valid JSON: {exc}") from exc
        except InvalidDocument as exc:
            raise UsageError(f"--issuer {args.issuer}: {exc}") from exc
    try:
        key = load_signing_key(args.cert, args.cert_password)
    except OSError as exc:
        raise UsageError(f"cannot read --cert {args.cert}: {exc.strerror or exc}") from exc
    except CertificateError as exc:
        raise UsageError(f"--cert {args.cert}: {exc}") from exc
    given = [Path(p) for p in args.inputs]
    missing = [str(p) for p in given if not p.exists()]
    if missing:
        raise UsageError(f"input not found: {', '.join(missing)}")
    inputs = list(expand_inputs(given))
    out_dir = Path(args.out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create --out {out_dir}: {exc.strerror or exc}") from exc
    from yupana.command_settings import command_settings

    algorithm = args.algorithm or command_settings().signature_algorithm
    from yupana.service.families import RuleSettings

    # Offline, SUNAT's send windows (2108, 1079, 2957...) are reported as warnings: the XML is
    # valid and may still be sent in time, or through a daily summary.
    settings = RuleSettings(check_ruc_digit=not args.no_ruc_check_digit)
    rules_dir = _rules_dir(args.rules)
    try:
        signer = Signer(key, algorithm)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc

    def make_builder() -> DocumentBuilder:
        return DocumentBuilder(signer, rules_dir, settings, offline=True)

    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    status = EXIT_OK
    lines = _Lines()
    try:
        for result in build_files(inputs, reader, make_builder, issuer, out_dir, jobs):
            lines.emit(result.as_dict())
            if not result.ok:
                status = EXIT_REJECTED
    finally:
        lines.flush()
    return status


def cmd_xml_verify(args: argparse.Namespace) -> int:
    from yupana.signing.verify import verify

    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            result = verify(path.read_bytes())
        except OSError as exc:
            _emit({"file": name, "valid": False, "message": f"cannot read: {exc.strerror or exc}"})
            status = EXIT_REJECTED
            continue
        _emit(
            {
                "file": name,
                "valid": result.valid,
                "digest_ok": result.digest_ok,
                "signature_ok": result.signature_ok,
                "hash": result.digest_value,
                "algorithm": result.algorithm,
                "message": result.message,
            }
        )
        if not result.valid:
            status = EXIT_REJECTED
    return status


def cmd_xml_validate(args: argparse.Namespace) -> int:
    from yupana.domain.problems import Problems
    from yupana.validation.sfs import SfsValidator
    from yupana.validation.xsd import validate_xsd

    rules = _rules_dir(args.rules)
    sfs = SfsValidator(rules) if rules else None
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            xml = path.read_bytes()
        except OSError as exc:
            _emit({"file": name, "verdict": "error", "errors": [{"code": None, "message": str(exc)}]})
            status = EXIT_REJECTED
            continue
        problems = Problems()
        problems.extend(validate_xsd(xml))
        if sfs is not None and not problems.errors:
            problems.extend(sfs.validate(xml, path.name))
        verdict = "rejected" if problems.errors else "observed" if problems.warnings else "accepted"
        _emit(
            {
                "file": name,
                "verdict": verdict,
                "sunat_rules": sfs is not None,
                "errors": [p.as_dict() for p in problems.errors],
                "warnings": [p.as_dict() for p in problems.warnings],
            }
        )
        if problems.errors:
            status = EXIT_REJECTED
    return status


def cmd_cert_selfsigned(args: argparse.Namespace) -> int:
    from yupana.signing.selfsigned import make_self_signed_pfx

    try:
        pfx = make_self_signed_pfx(args.ruc, args.password, razon_social=args.razon_social, days=args.days)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pfx)
    _emit({"file": str(out), "ruc": args.ruc})
    return EXIT_OK


def cmd_simulator(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from yupana.simulator.config import CHECKS, SettingsError, SimulatorSettings, parse_list
    from yupana.simulator.server import run

    try:
        settings = SimulatorSettings.from_env()
        changes: dict[str, object] = {}
        if args.data:
            changes["data_dir"] = Path(args.data)
        if args.rules:
            changes["rules_dir"] = _rules_dir(args.rules)
        if args.ticket_delay is not None:
            changes["ticket_delay"] = args.ticket_delay
        skipped = set(settings.skip_checks) | set(parse_list(",".join(args.skip_check), CHECKS, "checks"))
        if args.no_signature_check:
            skipped.add("signature")
        changes["skip_checks"] = frozenset(skipped)
        settings = replace(settings, **changes)
        if settings.rules_dir is not None:
            _rules_dir(str(settings.rules_dir))
    except SettingsError as exc:
        raise UsageError(str(exc)) from exc
    sys.stderr.write(
        f"yupana: SUNAT simulator on http://{args.host}:{args.port} (data in {settings.data_dir})\n"
    )
    from yupana.validation.sfs import SfsUnavailable

    try:
        run(settings, args.host, args.port, log_level=args.log_level)
    except (SfsUnavailable, SettingsError) as exc:
        raise UsageError(str(exc)) from exc
    return EXIT_OK


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from yupana.api.serve import serve
    from yupana.settings import get_settings

    logging.basicConfig(level=logging.WARNING, format="yupana: %(message)s")
    settings = get_settings()
    if args.data:
        settings = settings.model_copy(update={"data_dir": Path(args.data)})
    workers = f", {args.workers} workers" if args.workers > 1 else ""
    sys.stderr.write(
        f"yupana: server on http://{args.host}:{args.port} (data in {settings.data_dir}{workers})\n"
    )
    serve(settings, args.host, args.port, log_level=args.log_level, workers=args.workers)
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    import logging

    from yupana.jobs.worker import run_worker
    from yupana.settings import get_settings

    logging.basicConfig(
        level=args.log_level.upper(), format="yupana worker: %(levelname)s %(name)s: %(message)s"
    )
    settings = get_settings()
    if args.data:
        settings = settings.model_copy(update={"data_dir": Path(args.data)})
    run_worker(settings, args.threads)
    return EXIT_OK


def cmd_deadlines(args: argparse.Namespace) -> int:
    from yupana.service.deadlines import Deadlines
    from yupana.store.database import session_scope
    from yupana.store.repositories import CompanyRepository

    stores = _open_stores(args)
    try:
        with session_scope(stores.sessions, write=False) as session:
            companies = CompanyRepository(session, stores.secrets)
            chosen = [companies.get_by_ruc(args.ruc)] if args.ruc else companies.list()
            targets = [(company.id, company.ruc) for company in chosen if company is not None]
        if args.ruc and not targets:
            sys.stderr.write(f"yupana: no company with RUC {args.ruc}\n")
            return EXIT_USAGE
        count = 0
        for company_id, ruc in targets:
            for item in Deadlines(stores.sessions).report(company_id, args.days):
                _emit({"ruc": ruc, **item.as_dict()})
                count += 1
        return EXIT_REJECTED if count else EXIT_OK
    finally:
        stores.close()


def _open_stores(args: argparse.Namespace) -> Stores:
    from yupana.service.stores import open_stores
    from yupana.settings import get_settings

    settings = get_settings()
    if getattr(args, "data", None):
        settings = settings.model_copy(update={"data_dir": Path(args.data)})
    return open_stores(settings)


def cmd_company_add(args: argparse.Namespace) -> int:
    from yupana.domain.problems import InvalidDocument
    from yupana.service.companies import (
        CertificateUpload,
        company_issuer,
        company_summary,
        custom_endpoints,
        load_certificate,
        register_company,
    )
    from yupana.signing.certificate import CertificateError
    from yupana.store.database import session_scope
    from yupana.store.repositories import GreClient, SolLogin
    from yupana.store.secrets import Secret

    address: object | None = None
    if args.address:
        try:
            address = json.loads(args.address)
        except ValueError as exc:
            raise UsageError(f"--address is not valid JSON: {exc}") from exc
    try:
        issuer = company_issuer(args.ruc, args.razon_social, args.nombre_comercial, address)
    except InvalidDocument as exc:
        raise UsageError(str(exc)) from exc
    if bool(args.sol_user) != bool(args.sol_password):
        raise UsageError("--sol-user and --sol-password go together")
    if bool(args.gre_client_id) != bool(args.gre_client_secret):
        raise UsageError("--gre-client-id and --gre-client-secret go together")
    endpoints = None
    if args.environment == "custom" or args.ose_url:
        if args.environment != "custom":
            raise UsageError("--ose-url goes with --environment custom")
        try:
            endpoints = custom_endpoints({"bill_service": args.ose_url})
        except InvalidDocument as exc:
            raise UsageError(f"--ose-url: {exc}") from exc
    try:
        upload = CertificateUpload(Path(args.cert).read_bytes(), args.cert_password)
    except OSError as exc:
        raise UsageError(f"cannot read --cert {args.cert}: {exc.strerror or exc}") from exc
    try:
        key = load_certificate(upload)
    except CertificateError as exc:
        raise UsageError(f"--cert {args.cert}: {exc}") from exc
    stores = _open_stores(args)
    try:
        with session_scope(stores.sessions) as session:
            registered = register_company(
                session,
                stores.secrets,
                issuer,
                upload,
                key,
                environment=args.environment,
                sol=SolLogin(args.sol_user, Secret(args.sol_password)) if args.sol_user else None,
                gre=GreClient(args.gre_client_id, Secret(args.gre_client_secret))
                if args.gre_client_id
                else None,
                endpoints=endpoints,
                token_name="cli",
            )
            record = {"company": company_summary(registered.company), "token": registered.token.token}
    except InvalidDocument as exc:
        raise UsageError(str(exc)) from exc
    finally:
        stores.close()
    _emit(record)
    return EXIT_OK


def cmd_token_create(args: argparse.Namespace) -> int:
    from yupana.domain.problems import InvalidDocument
    from yupana.service.companies import find_company, issue_token
    from yupana.store.database import session_scope

    stores = _open_stores(args)
    try:
        with session_scope(stores.sessions) as session:
            company = find_company(session, stores.secrets, args.ruc)
            if company is None:
                raise UsageError(f"no company with RUC {args.ruc}")
            issued = issue_token(session, company, args.name, args.establishment)
            record = {
                "ruc": company.ruc,
                "token": issued.token,
                "prefix": issued.record.prefix,
                "establishment": args.establishment,
            }
    except InvalidDocument as exc:
        raise UsageError(str(exc)) from exc
    finally:
        stores.close()
    _emit(record)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from yupana.dialects.registry import DIALECTS

    parser = argparse.ArgumentParser(prog="yupana", description="Electronic invoicing for Peru (SUNAT CPE).")
    parser.add_argument("--version", action="version", version=f"yupana {__version__}")
    groups = parser.add_subparsers(dest="group", required=True)

    xml = groups.add_parser("xml", help="build, verify and validate SUNAT XML documents")
    xml_cmds = xml.add_subparsers(dest="command", required=True)

    build = xml_cmds.add_parser("build", help="JSON documents -> signed UBL XML files")
    build.add_argument("--dialect", choices=DIALECTS, default="native")
    build.add_argument(
        "--issuer", help="JSON file with the issuing company, for dialects whose body lacks it"
    )
    build.add_argument(
        "--cert", required=True, help="issuer certificate: PFX/P12 or PEM with the private key"
    )
    build.add_argument("--cert-password", default=None)
    build.add_argument("--algorithm", choices=("rsa-sha256", "rsa-sha1"), default=None)
    build.add_argument("--rules", help="folder with SUNAT's sunat_archivos/ (default: $YUPANA_SUNAT_RULES)")
    build.add_argument(
        "--no-ruc-check-digit",
        action="store_true",
        help="accept RUCs whose check digit is wrong (demo data; SUNAT beta accepts them, production does not)",
    )
    build.add_argument("--out", required=True, help="folder for the signed XML files")
    build.add_argument(
        "--jobs", type=int, default=0, help="worker processes (default 0: one per CPU; 1: no workers)"
    )
    build.add_argument("inputs", nargs="+", metavar="INPUT", help="JSON files or folders of them")
    build.set_defaults(func=cmd_xml_build)

    verify = xml_cmds.add_parser("verify", help="check the digest and signature of signed XML files")
    verify.add_argument("files", nargs="+", metavar="FILE")
    verify.set_defaults(func=cmd_xml_verify)

    validate = xml_cmds.add_parser("validate", help="SUNAT verdict (XSD, SFS stylesheets) of XML files")
    validate.add_argument(
        "--rules", help="folder with SUNAT's sunat_archivos/ (default: $YUPANA_SUNAT_RULES)"
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_xml_validate)

    cert = groups.add_parser("cert", help="certificates")
    cert_cmds = cert.add_subparsers(dest="command", required=True)
    selfsigned = cert_cmds.add_parser("selfsigned", help="make a self-signed test certificate for a RUC")
    selfsigned.add_argument("--ruc", required=True)
    selfsigned.add_argument("--out", required=True, help="PFX file to write")
    selfsigned.add_argument("--password", required=True)
    selfsigned.add_argument("--razon-social", default=None)
    selfsigned.add_argument("--days", type=int, default=3650)
    selfsigned.set_defaults(func=cmd_cert_selfsigned)

    simulator = groups.add_parser(
        "simulator", help="run a local stand-in for SUNAT's services (SOAP and GRE)"
    )
    simulator.add_argument("--host", default="127.0.0.1")
    simulator.add_argument("--port", type=int, default=8900)
    simulator.add_argument(
        "--data", help="folder for the simulator's database and certificate (default: $YUPANA_SIM_DATA)"
    )
    simulator.add_argument(
        "--rules", help="folder with SUNAT's sunat_archivos/ (default: $YUPANA_SUNAT_RULES)"
    )
    simulator.add_argument("--ticket-delay", type=float, default=None, help="seconds a ticket answers 98")
    simulator.add_argument(
        "--skip-check",
        action="append",
        default=[],
        metavar="CHECK",
        help="a check not to run: signature, xsd, sfs, references, duplicates (repeatable)",
    )
    simulator.add_argument(
        "--no-signature-check",
        action="store_true",
        help="accept unsigned or altered documents (sample files)",
    )
    simulator.add_argument(
        "--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug")
    )
    simulator.set_defaults(func=cmd_simulator)

    serve_cmd = groups.add_parser("serve", help="run the HTTP API server")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--data", help="data folder (default: $YUPANA_DATA_DIR or ./data)")
    serve_cmd.add_argument(
        "--workers", type=_positive_int, default=1, help="worker processes of the API (default: 1)"
    )
    serve_cmd.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    serve_cmd.set_defaults(func=cmd_serve)

    worker = groups.add_parser(
        "worker", help="send, retry and poll documents with SUNAT, make summaries, deliver webhooks"
    )
    worker.add_argument("--data", help="data folder (default: $YUPANA_DATA_DIR or ./data)")
    worker.add_argument(
        "--threads",
        type=_positive_int,
        default=None,
        help="tasks run at once (default: $YUPANA_WORKER_THREADS, 4)",
    )
    worker.add_argument(
        "--log-level",
        default="warning",
        choices=("critical", "error", "warning", "info", "debug"),
        help="info: every send, poll and summary; secrets are never logged",
    )
    worker.set_defaults(func=cmd_worker)

    deadlines = groups.add_parser(
        "deadlines", help="documents close to SUNAT's sending or voiding deadline (one JSON line each)"
    )
    deadlines.add_argument("--ruc", help="only this company (default: every company)")
    deadlines.add_argument("--days", type=int, default=2, help="deadlines within this many days (default 2)")
    deadlines.add_argument("--data", help="data folder (default: $YUPANA_DATA_DIR or ./data)")
    deadlines.set_defaults(func=cmd_deadlines)

    company = groups.add_parser("company", help="companies that issue through the server")
    company_cmds = company.add_subparsers(dest="command", required=True)
    add = company_cmds.add_parser("add", help="register a company and print a new API token")
    add.add_argument("--ruc", required=True)
    add.add_argument("--razon-social", required=True)
    add.add_argument("--nombre-comercial", default=None)
    add.add_argument("--address", default=None, help='JSON: {"direccion", "ubigeo", "departamento", ...}')
    add.add_argument("--cert", required=True, help="PFX/P12 (or PEM) with the signing key")
    add.add_argument("--cert-password", required=True)
    add.add_argument("--sol-user", default=None)
    add.add_argument("--sol-password", default=None)
    add.add_argument("--gre-client-id", default=None, help="client id of SUNAT's GRE API")
    add.add_argument("--gre-client-secret", default=None)
    add.add_argument(
        "--environment", choices=("simulator", "beta", "production", "custom"), default="simulator"
    )
    add.add_argument("--ose-url", default=None, help="billService URL of the OSE (--environment custom)")
    add.add_argument("--data", help="data folder (default: $YUPANA_DATA_DIR or ./data)")
    add.set_defaults(func=cmd_company_add)

    token = groups.add_parser("token", help="API tokens")
    token_cmds = token.add_subparsers(dest="command", required=True)
    create = token_cmds.add_parser("create", help="a new API token for a company (shown once)")
    create.add_argument("--ruc", required=True)
    create.add_argument("--name", default=None)
    create.add_argument("--establishment", default=None, help="bind the token to this establishment (0001)")
    create.add_argument("--data", help="data folder (default: $YUPANA_DATA_DIR or ./data)")
    create.set_defaults(func=cmd_token_create)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        sys.stderr.write(f"yupana: {exc}\n")
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
