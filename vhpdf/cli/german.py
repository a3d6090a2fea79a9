"""German for click's own messages (usage, errors, help headings).

click marks its messages with gettext but ships no German catalogue, and an authority's Windows
machine rarely sets LANG; so the CLI swaps click's per-module `_`/`ngettext` for a lookup here.
Unknown strings stay English, so a newer click degrades gracefully.
"""

from __future__ import annotations

import importlib

_DE = {
    "Usage:": "Aufruf:",
    "Options": "Optionen",
    "Commands": "Befehle",
    "Show this message and exit.": "Diese Hilfe anzeigen und beenden.",
    "Show the version and exit.": "Version anzeigen und beenden.",
    "Error: {message}": "Fehler: {message}",
    "Try '{command} {option}' for help.": "Hilfe mit '{command} {option}'.",
    "Invalid value: {message}": "Ungültiger Wert: {message}",
    "Invalid value for {param_hint}: {message}": "Ungültiger Wert für {param_hint}: {message}",
    "Missing argument": "Fehlendes Argument",
    "Missing option": "Fehlende Option",
    "Missing parameter": "Fehlender Parameter",
    "Missing {param_type}": "Fehlend: {param_type}",
    "Missing parameter: {param_name}": "Fehlender Parameter: {param_name}",
    "No such option {name!r}.": "Unbekannte Option {name!r}.",
    "No such command {name!r}.": "Unbekannter Befehl {name!r}.",
    "Missing command.": "Befehl fehlt.",
    "Aborted!": "Abgebrochen.",
    "unknown error": "unbekannter Fehler",
    "Could not open file {filename!r}: {message}": "Datei {filename!r} nicht zu öffnen: {message}",
    "default: {default}": "Standard: {default}",
    "required": "erforderlich",
    "file": "Datei",
    "directory": "Ordner",
    "path": "Pfad",
    "{name} {filename!r} does not exist.": "{name} {filename!r} existiert nicht.",
    "{name} {filename!r} is a file.": "{name} {filename!r} ist eine Datei.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} ist ein Ordner.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} ist nicht lesbar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} ist nicht beschreibbar.",
    "{value!r} is not a valid {number_type}.": "{value!r} ist keine gültige Zahl.",
    "{value} is not in the range {range}.": "{value} liegt nicht im Bereich {range}.",
    "Option {name!r} does not take a value.": "Option {name!r} nimmt keinen Wert.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} braucht {nargs} Werte.",
    "{value!r} is not {choice}.": "{value!r} ist nicht {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} ist nicht eines von {choices}.",
    "Did you mean {possibility}?": "Meinten Sie {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Meinten Sie eines von: {possibilities}?)",
    "Option {name!r} requires an argument.": "Option {name!r} braucht einen Wert.",
    "Option {name!r} requires {nargs} arguments.": "Option {name!r} braucht {nargs} Werte.",
    "Got unexpected extra argument ({args})": "Unerwartetes zusätzliches Argument ({args})",
    "Got unexpected extra arguments ({args})": "Unerwartete zusätzliche Argumente ({args})",
}


def gettext(message: str) -> str:
    return _DE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Make click speak German in this process."""
    for name in ("core", "exceptions", "types", "parser", "decorators", "formatting", "termui"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
