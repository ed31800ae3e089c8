"""Building many sales documents from JSON files into a folder of signed XML files.

With ``jobs > 1`` the files are shared among worker processes (forked, so each inherits the parsed
settings and builds its own signer and validators); results come back in input order.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from yupana.dialects.registry import Dialect
from yupana.domain.party import Company
from yupana.domain.problems import InvalidDocument, Problem
from yupana.service.build import DocumentBuilder

log = logging.getLogger(__name__)


@dataclass(slots=True)
class BatchResult:
    input: str
    file: str | None = None
    hash: str | None = None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.file is not None and not self.errors

    def as_dict(self) -> dict[str, object]:
        return {
            "input": self.input,
            "file": self.file,
            "hash": self.hash,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def expand_inputs(paths: Iterable[Path]) -> Iterator[Path]:
    """Each path as given; a folder stands for the ``*.json`` files in it, in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
        else:
            yield path


def load_json(data: bytes) -> object:
    """JSON with every number as an exact ``Decimal`` (integers stay ``int``)."""
    return json.loads(data, parse_float=Decimal)


def build_file(
    path: Path,
    dialect: Dialect,
    builder: DocumentBuilder,
    issuer: Company | None,
    out_dir: Path,
    prefix: str = "",
) -> BatchResult:
    """Build the document of the JSON file ``path`` into ``out_dir``, its file named ``prefix`` +
    its SUNAT file name."""
    result = BatchResult(str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        result.errors.append(Problem(f"cannot read input: {exc.strerror or exc}", ""))
        return result
    try:
        body = load_json(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        result.errors.append(Problem(f"malformed JSON: {exc}", ""))
        return result
    try:
        doc = dialect.parse(body, issuer)
        translate = dialect.translator(body, doc)
        pending = dialect.server_references(doc)
        if pending:
            raise InvalidDocument(pending)
        if doc.correlativo <= 0:
            raise InvalidDocument.single(
                "the document has no number: a correlativo is needed to build it offline "
                "('#', next number, is only available on the server)",
                translate("correlativo"),
            )
        built = builder.build(doc, translate)
    except InvalidDocument as exc:
        result.errors.extend(exc.errors)
        result.warnings.extend(exc.warnings)
        return result
    except Exception as exc:  # a defect must not stop the other documents of the batch
        log.exception("building %s failed", path)
        result.errors.append(
            Problem(f"internal error while building the document ({type(exc).__name__})", "")
        )
        return result
    target = out_dir / f"{prefix}{built.file_name}"
    target.write_bytes(built.xml)
    result.file = str(target)
    result.hash = built.hash
    result.warnings.extend(built.warnings)
    return result


BuilderFactory = Callable[[], DocumentBuilder]
_worker: tuple[Dialect, DocumentBuilder, Company | None, Path] | None = None
_pending: tuple[Dialect, BuilderFactory, Company | None, Path] | None = None


def _start_worker() -> None:
    global _worker
    assert _pending is not None
    dialect, make_builder, issuer, out_dir = _pending
    _worker = (dialect, make_builder(), issuer, out_dir)


def _build_in_worker(item: tuple[int, Path]) -> BatchResult:
    assert _worker is not None
    dialect, builder, issuer, out_dir = _worker
    position, path = item
    return build_file(path, dialect, builder, issuer, out_dir, _staged(position))


def _staged(position: int) -> str:
    """The prefix of the name of the file staged for the input at ``position``: each input has its
    own, so that two inputs naming one document never meet in the staging folder."""
    return f"{position}-"


def build_files(
    paths: list[Path],
    dialect: Dialect,
    make_builder: BuilderFactory,
    issuer: Company | None,
    out_dir: Path,
    jobs: int = 1,
) -> Iterator[BatchResult]:
    """Build every file, in order, using ``jobs`` processes.

    Files are written to a staging folder and moved into ``out_dir`` in input order, so that two
    inputs of one run naming the same document (SUNAT's file name) cannot silently overwrite each
    other: the first one wins and the later one is reported as rejected.
    """
    staging = out_dir / f".yupana-build-{os.getpid()}"
    staging.mkdir(parents=True, exist_ok=True)
    produced: dict[str, str] = {}
    try:
        for position, result in enumerate(_build_all(paths, dialect, make_builder, issuer, staging, jobs)):
            _place(result, out_dir, produced, len(_staged(position)))
            yield result
    finally:
        for leftover in staging.iterdir():
            leftover.unlink()
        staging.rmdir()


def _build_all(
    paths: list[Path],
    dialect: Dialect,
    make_builder: BuilderFactory,
    issuer: Company | None,
    staging: Path,
    jobs: int,
) -> Iterator[BatchResult]:
    global _pending
    if jobs <= 1 or len(paths) < 2 * jobs:
        builder = make_builder()
        for position, path in enumerate(paths):
            yield build_file(path, dialect, builder, issuer, staging, _staged(position))
        return
    _pending = (dialect, make_builder, issuer, staging)
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs, initializer=_start_worker) as pool:
        yield from pool.imap(_build_in_worker, enumerate(paths), chunksize=8)


def _place(result: BatchResult, out_dir: Path, produced: dict[str, str], prefix: int) -> None:
    """Move the staged file of ``result`` (its name ``prefix`` characters longer than the document's)
    into ``out_dir``, unless an earlier input produced that name."""
    if result.file is None:
        return
    staged = Path(result.file)
    name = staged.name[prefix:]
    first = produced.get(name)
    if first is not None:
        staged.unlink()
        result.file = None
        result.hash = None
        result.errors.append(
            Problem(f"{first} of this run already produced {name}; SUNAT knows a document by that name", "")
        )
        return
    target = out_dir / name
    os.replace(staged, target)
    produced[name] = result.input
    result.file = str(target)
