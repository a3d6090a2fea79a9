"""German for click's own messages (usage, errors, help headings).

click marks its messages with gettext but ships no German catalogue, and an authority's Windows
machine rarely sets LANG; so the CLI swaps click's per-module `_`/`ngettext` for a lookup here.
Unknown strings stay English, so a newer click degrades gracefully.
"""

from __future__ import annotations

import importlib

from vhpdf.form.messages import template

_DE = {
    "Usage:": "cli.click_aufruf",
    "Options": "cli.click_optionen",
    "Commands": "cli.click_befehle",
    "Show this message and exit.": "cli.click_hilfe_anzeigen",
    "Show the version and exit.": "cli.click_version_anzeigen",
    "Error: {message}": "cli.click_fehler",
    "Try '{command} {option}' for help.": "cli.click_hilfe_mit",
    "Invalid value: {message}": "cli.click_ungueltiger_wert",
    "Invalid value for {param_hint}: {message}": "cli.click_ungueltiger_wert_fuer",
    "Missing argument": "cli.click_argument_fehlt",
    "Missing option": "cli.click_option_fehlt",
    "Missing parameter": "cli.click_parameter_fehlt",
    "Missing {param_type}": "cli.click_fehlend",
    "Missing parameter: {param_name}": "cli.click_parameter_fehlt_name",
    "No such option {name!r}.": "cli.click_option_unbekannt",
    "No such command {name!r}.": "cli.click_befehl_unbekannt",
    "Missing command.": "cli.click_befehl_fehlt",
    "Aborted!": "cli.click_abgebrochen",
    "unknown error": "cli.click_unbekannter_fehler",
    "Could not open file {filename!r}: {message}": "cli.click_datei_nicht_zu_oeffnen",
    "default: {default}": "cli.click_standard",
    "required": "cli.click_erforderlich",
    "file": "cli.click_datei",
    "directory": "cli.click_ordner",
    "path": "cli.click_pfad",
    "{name} {filename!r} does not exist.": "cli.click_existiert_nicht",
    "{name} {filename!r} is a file.": "cli.click_ist_datei",
    "{name} {filename!r} is a directory.": "cli.click_ist_ordner",
    "{name} {filename!r} is not readable.": "cli.click_nicht_lesbar",
    "{name} {filename!r} is not writable.": "cli.click_nicht_beschreibbar",
    "{value!r} is not a valid {number_type}.": "cli.click_keine_zahl",
    "{value} is not in the range {range}.": "cli.click_nicht_im_bereich",
    "Option {name!r} does not take a value.": "cli.click_option_ohne_wert",
    "Argument {name!r} takes {nargs} values.": "cli.click_argument_werte",
    "{value!r} is not {choice}.": "cli.click_ist_nicht",
    "{value!r} is not one of {choices}.": "cli.click_nicht_eines_von",
    "Did you mean {possibility}?": "cli.click_meinten_sie",
    "(Did you mean one of: {possibilities}?)": "cli.click_meinten_sie_eines",
    "Option {name!r} requires an argument.": "cli.click_option_braucht_wert",
    "Option {name!r} requires {nargs} arguments.": "cli.click_option_braucht_werte",
    "Got unexpected extra argument ({args})": "cli.click_zusaetzliches_argument",
    "Got unexpected extra arguments ({args})": "cli.click_zusaetzliche_argumente",
}


def gettext(message: str) -> str:
    key = _DE.get(message)
    return template(key) if key else message


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
