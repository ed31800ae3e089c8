"""The settings a one-shot command reads (``yupana xml build``, ``xml validate``, ``simulator``),
known without loading ``yupana.settings`` when the environment leaves them at their defaults.

Loading ``yupana.settings`` imports pydantic, about a tenth of a second on every run of a
command that may build a handful of files. When no variable of the environment has the
settings' prefix (``YUPANA_``, in any case: pydantic-settings reads names so), every setting has
its default, so that is what a command gets here; otherwise it gets what ``get_settings()``
reads. ``yupana.settings`` takes the prefix and these defaults from this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PREFIX = "YUPANA_"


@dataclass(frozen=True, slots=True)
class CommandSettings:
    # See ``yupana.settings.Settings`` for each.
    sunat_rules: Path | None = None
    signature_algorithm: str = "rsa-sha1"


DEFAULTS = CommandSettings()


def environment_sets_any() -> bool:
    """Whether a variable of the environment has the settings' prefix."""
    return any(name.upper().startswith(PREFIX) for name in os.environ)


def command_settings() -> CommandSettings:
    """The settings of a command: the defaults unless the environment sets a ``YUPANA_`` variable."""
    if not environment_sets_any():
        return DEFAULTS
    from yupana.settings import get_settings

    settings = get_settings()
    return CommandSettings(settings.sunat_rules, settings.signature_algorithm)
