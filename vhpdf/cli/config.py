"""The user's configuration file: own KPB, reply sender and signature line, default formats.

TOML in $XDG_CONFIG_HOME/vhpdf/konfiguration.toml (default ~/.config/vhpdf/…). Command-line
options override it; a missing file means no defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from vhpdf.form.messages import text

KEYS = ("kpb", "absender", "unterschrift", "format", "format_auslesen")


class ConfigError(Exception):
    """The configuration file is unusable; the message is German and names the file."""


@dataclass(frozen=True)
class Config:
    kpb: str | None = None
    absender: str | None = None
    unterschrift: str | None = None
    format: str | None = None
    format_auslesen: str | None = None


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "vhpdf" / "konfiguration.toml"


def load_config(path: Path | None = None) -> Config:
    """The configuration (all None when there is no file)."""
    path = path or config_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(text("cli.konfiguration_unlesbar", datei=path, grund=exc)) from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(text("cli.konfiguration_unlesbar", datei=path, grund=exc)) from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(text("cli.konfiguration_schluessel", datei=path, schluessel=", ".join(unknown),
                               erlaubt=", ".join(KEYS)))
    bad = sorted(k for k, v in data.items() if not isinstance(v, str) or not v.strip())
    if bad:
        raise ConfigError(text("cli.konfiguration_wert", datei=path, schluessel=", ".join(bad)))
    return Config(**{k: v.strip() for k, v in data.items()})
