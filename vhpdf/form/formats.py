"""Value formats a field may declare, with their parsers (the bottom layer, no dependencies)."""

from __future__ import annotations

import datetime as dt
import enum
import re

# The patterns are public: the viewer script (write/viewer_script.py) uses the same ones in JavaScript.
DATE_PATTERN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
TIME_PATTERN = re.compile(r"(\d{1,2}):(\d{2})(?:\s*Uhr)?")
PLZ_PATTERN = re.compile(r"\d{5}")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
PHONE_PATTERN = re.compile(r"\+?[\d][\d /()\-–]*")
NUMBER_PATTERN = re.compile(r"\d+")


def parse_date(text: str | None) -> dt.date | None:
    """Return the date written as TT.MM.JJJJ, or None if it is not a real date."""
    m = DATE_PATTERN.fullmatch((text or "").strip())
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# Times as people write them although the form asks for HH:MM ("6.00 Uhr", "6 Uhr", "06h"): not
# valid, but understood, so the night rule still sees a night-time start.
LOOSE_TIME_PATTERN = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?\s*(?:Uhr|h)?", re.IGNORECASE)


def parse_time(text: str | None, loose: bool = False) -> dt.time | None:
    """Return the time written as HH:MM (with `loose` also "6.00 Uhr", "6 Uhr"), or None."""
    text = (text or "").strip()
    m = TIME_PATTERN.fullmatch(text) or (LOOSE_TIME_PATTERN.fullmatch(text) if loose else None)
    if not m or (m.re is LOOSE_TIME_PATTERN and not (m.group(2) or text[-1:].isalpha())):
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _plausible_phone(text: str) -> bool:
    return bool(PHONE_PATTERN.fullmatch(text)) and 6 <= sum(c.isdigit() for c in text) <= 15


class Format(enum.Enum):
    """A field's value format; `description` is what a German user is told to enter."""

    DATUM = "datum"
    UHRZEIT = "uhrzeit"
    PLZ = "plz"
    EMAIL = "email"
    TELEFON = "telefon"
    ZAHL = "zahl"

    @property
    def pattern(self) -> re.Pattern:
        """The shape a value of this format has (dates and times are checked further)."""
        return {
            Format.DATUM: DATE_PATTERN,
            Format.UHRZEIT: TIME_PATTERN,
            Format.PLZ: PLZ_PATTERN,
            Format.EMAIL: EMAIL_PATTERN,
            Format.TELEFON: PHONE_PATTERN,
            Format.ZAHL: NUMBER_PATTERN,
        }[self]

    @property
    def description(self) -> str:
        """What a value of this format looks like, in German (forms/texte.toml)."""
        from vhpdf.form.messages import text  # messages loads the definition, which imports this module

        return text({
            Format.DATUM: "formular.format_datum",
            Format.UHRZEIT: "formular.format_uhrzeit",
            Format.PLZ: "formular.format_plz",
            Format.EMAIL: "formular.format_email",
            Format.TELEFON: "formular.format_telefon",
            Format.ZAHL: "formular.format_zahl",
        }[self])

    def accepts(self, text: str) -> bool:
        """True if `text` (non-empty) is a plausible value of this format."""
        text = text.strip()
        if self is Format.DATUM:
            return parse_date(text) is not None
        if self is Format.UHRZEIT:
            return parse_time(text) is not None
        if self is Format.PLZ:
            return bool(PLZ_PATTERN.fullmatch(text))
        if self is Format.EMAIL:
            return bool(EMAIL_PATTERN.fullmatch(text))
        if self is Format.TELEFON:
            return _plausible_phone(text)
        return bool(NUMBER_PATTERN.fullmatch(text))

    @property
    def js_actions(self) -> tuple[str, str] | None:
        """Acrobat/pdf.js keystroke and format scripts (AF* built-ins), or None."""
        return {
            Format.DATUM: ('AFDate_KeystrokeEx("dd.mm.yyyy");', 'AFDate_FormatEx("dd.mm.yyyy");'),
            Format.UHRZEIT: ('AFTime_KeystrokeEx("HH:MM");', 'AFTime_FormatEx("HH:MM");'),
            Format.PLZ: ("AFSpecial_Keystroke(0);", "AFSpecial_Format(0);"),
            Format.ZAHL: ('AFNumber_Keystroke(0, 2, 0, 0, "", true);',
                          'AFNumber_Format(0, 2, 0, 0, "", true);'),
        }.get(self)
