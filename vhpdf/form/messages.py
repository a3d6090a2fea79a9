"""The German message catalogue: every user-facing text the Python code composes, from forms/texte.toml.

The catalogue is grouped in tables by room (`[lesen]`, `[bericht]`, …); a text is named
"room.key" and its placeholders are `str.format` names. It is loaded once and validated like the
form definition: an unknown room, a duplicate key, an empty text or a malformed placeholder is an
error naming the key. `text()` fills one text and names the key if it or a placeholder is wrong.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from pathlib import Path

from vhpdf.form.definition import DefinitionError, forms_dir
from vhpdf.form.tomlcache import TomlError, load_toml

CATALOGUE = "texte.toml"
ROOMS = frozenset({"lesen", "pruefung", "bericht", "antwort", "stapel", "quellen", "formular", "schreiben", "cli"})
_KEY = re.compile(r"[a-z][a-z0-9_]*")


class MessageError(DefinitionError):
    """The message catalogue is malformed, or a text was asked for wrongly."""


@dataclass(frozen=True)
class Message:
    template: str
    placeholders: frozenset[str]


def placeholders(template: str, where: str = "") -> frozenset[str]:
    """The `str.format` names in a template; positional or indexed fields are errors."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise MessageError(f"{where}: ungültiger Platzhalter ({exc})") from None
    names = set()
    for _, name, _, _ in parsed:
        if name is None:
            continue
        if not _KEY.fullmatch(name):
            raise MessageError(f"{where}: Platzhalter {{{name}}} ist kein einfacher Name")
        names.add(name)
    return frozenset(names)


def _duplicate(source: str) -> str | None:
    """The first "room.key" defined twice in a TOML text of tables and string keys, if any."""
    seen: set[str] = set()
    room, quote = "", None
    for line in source.splitlines():
        stripped = line.strip()
        if quote:
            if line.count(quote) % 2:
                quote = None
            continue
        header = re.fullmatch(r"\[\s*([^\]\s]+)\s*\]\s*(#.*)?", stripped)
        if header:
            room = header.group(1)
            continue
        entry = re.match(r"([A-Za-z0-9_-]+)\s*=\s*(.*)", stripped)
        if entry:
            name = f"{room}.{entry.group(1)}"
            if name in seen:
                return name
            seen.add(name)
            rest = entry.group(2)
            for q in ('"""', "'''"):
                if rest.startswith(q) and rest.count(q) == 1:
                    quote = q
    return None


def load_messages(path: Path) -> dict[str, Message]:
    """Read and validate a catalogue: {"room.key": Message}."""
    try:
        data = load_toml(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise MessageError(f"{path.name}: nicht lesbar ({exc})") from None
    except TomlError as exc:
        twice = _duplicate(path.read_text(encoding="utf-8"))
        if twice:
            raise MessageError(f"{path.name}: Schlüssel {twice!r} doppelt vergeben") from None
        raise MessageError(f"{path.name}: kein gültiges TOML ({exc})") from None
    out: dict[str, Message] = {}
    for room, table in data.items():
        if room not in ROOMS:
            raise MessageError(f"{path.name}: unbekannter Bereich {room!r} "
                               f"(erlaubt: {', '.join(sorted(ROOMS))})")
        if not isinstance(table, dict):
            raise MessageError(f"{path.name}: {room!r} muss eine Tabelle sein")
        for key, template in table.items():
            name = f"{room}.{key}"
            if not _KEY.fullmatch(key):
                raise MessageError(f"{path.name}: Schlüssel {name!r} ist kein einfacher Name")
            if not isinstance(template, str) or not template.strip():
                raise MessageError(f"{path.name}: {name!r} muss ein nicht leerer Text sein")
            out[name] = Message(template, placeholders(template, f"{path.name}: {name!r}"))
    return out


@functools.cache
def catalogue() -> dict[str, Message]:
    """The catalogue in forms/ (cached: it never changes while we run)."""
    return load_messages(forms_dir() / CATALOGUE)


def template(key: str) -> str:
    """The text named `key` unfilled, for a library that fills its own placeholders (click)."""
    message = catalogue().get(key)
    if message is None:
        raise MessageError(f"{CATALOGUE}: unbekannter Text {key!r}")
    return message.template


def text(key: str, **values: object) -> str:
    """The text named `key` ("room.key") with its placeholders filled from `values`."""
    message = catalogue().get(key)
    if message is None:
        raise MessageError(f"{CATALOGUE}: unbekannter Text {key!r}")
    given = values.keys()
    if message.placeholders != given:
        missing = sorted(message.placeholders - given)
        if missing:
            raise MessageError(f"{CATALOGUE}: Text {key!r} braucht den Platzhalter {{{missing[0]}}}")
        extra = sorted(given - message.placeholders)
        raise MessageError(f"{CATALOGUE}: Text {key!r} hat keinen Platzhalter {{{extra[0]}}}")
    return message.template.format(**values)
