"""Problems found in a document, and the one error type that carries them.

A problem names the SUNAT return code it corresponds to (when SUNAT has one), a message
and the JSON path of the field in the caller's input. Errors stop a document; warnings
(SUNAT "observaciones", codes 4000+) are reported but the document is still built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    path: str = ""
    code: str | None = None
    severity: Severity = Severity.ERROR

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "path": self.path}


@dataclass(slots=True)
class Problems:
    """An ordered collection of problems, split by severity on demand."""

    items: list[Problem] = field(default_factory=list)

    def error(self, message: str, path: str = "", code: str | None = None) -> None:
        self.items.append(Problem(message, path, code, Severity.ERROR))

    def warning(self, message: str, path: str = "", code: str | None = None) -> None:
        self.items.append(Problem(message, path, code, Severity.WARNING))

    def extend(self, other: Problems | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InvalidDocument(self.errors, self.warnings)


class InvalidDocument(Exception):
    """A document cannot be issued. Carries every error found (and the warnings seen so far)."""

    def __init__(self, errors: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.errors = list(errors)
        self.warnings = list(warnings or [])
        first = self.errors[0] if self.errors else Problem("invalid document")
        code = f"[{first.code}] " if first.code else ""
        where = f" at {first.path}" if first.path else ""
        super().__init__(f"{code}{first.message}{where}")

    @classmethod
    def single(cls, message: str, path: str = "", code: str | None = None) -> InvalidDocument:
        return cls([Problem(message, path, code)])
