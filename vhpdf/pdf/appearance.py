"""Appearance streams: what a field looks like on screen and on paper, written by us.

Viewers that do not regenerate appearances (Chrome's preview, printing from most programs)
show exactly these streams, so every value vhpdf writes gets one. Text is drawn with the
embedded VhpdfSans (Type0, Identity-H: the codes are glyph ids), which covers the Latin script
including Vietnamese. Single-line text shrinks to fit down to MIN_SIZE; multi-line text wraps
and shrinks likewise. Only font metrics are needed here, so checks can lay out text without
reportlab.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from vhpdf.form.definition import FieldType
from vhpdf.form.wrap import wrap_measured
from vhpdf.pdf.font import load_font

TEXT_FONT = "VhSans"  # resource name in the AcroForm /DR
CHECK_FONT = "ZaDb"
SIZE, MULTILINE_SIZE, MIN_SIZE = 10.0, 9.0, 6.0
PAD = 2.0
LEADING = 1.15


class UnencodableError(ValueError):
    """A value holds a character the form's font cannot draw."""

    def __init__(self, char: str):
        super().__init__(char)
        self.char = char


def drawable(text: str) -> str:
    """`text` as it is drawn: composed (NFC), so 'e' + U+0302 + U+0301 uses the glyph 'ế'."""
    return unicodedata.normalize("NFC", text)


def check_encodable(text: str) -> None:
    """Raise UnencodableError naming the first character the embedded font cannot draw."""
    missing = load_font().missing(drawable(text).replace("\t", " "))
    if missing is not None:
        raise UnencodableError(missing)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Word wrap of a value in the embedded font."""
    font = load_font()
    return wrap_measured(text, width, lambda t: font.width(t, size))


@dataclass(frozen=True, eq=False)  # never compared: no generated __eq__/__hash__ (import time)
class TextLayout:
    """How a value is drawn in its box: size, lines, and whether everything fits."""

    size: float
    lines: tuple[str, ...]
    fits: bool


def layout_text(value: str, width: float, height: float, multiline: bool) -> TextLayout:
    """Choose the largest size (down to MIN_SIZE) at which `value` fits the box."""
    font = load_font()
    value = drawable(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    inner_w = width - 2 * PAD
    size = MULTILINE_SIZE if multiline else SIZE
    while True:
        if multiline:
            lines = wrap(value, inner_w, size)
            fits = len(lines) * size * LEADING <= height - PAD
        else:
            lines = [" ".join(value.split("\n"))]
            fits = font.width(lines[0], size) <= inner_w and size <= height - PAD
        if fits or size <= MIN_SIZE:
            return TextLayout(size, tuple(lines), fits)
        size = max(MIN_SIZE, size - 0.5)


def text_stream(value: str, width: float, height: float, multiline: bool) -> bytes:
    """Content of the /N appearance of a text or combo field showing `value`."""
    check_encodable(value)
    font = load_font()
    out = ["/Tx BMC", "q", f"1 1 {width - 2:.2f} {height - 2:.2f} re W n"]
    if value:
        tl = layout_text(value, width, height, multiline)
        leading = tl.size * LEADING
        if multiline:
            y = height - PAD - tl.size * 0.95
        else:
            y = (height - tl.size * 0.72) / 2
        out += ["BT", f"/{TEXT_FONT} {tl.size:g} Tf", "0 g", f"{leading:.2f} TL",
                f"{PAD:g} {y:.2f} Td"]
        for i, line in enumerate(tl.lines):
            out.append(("T* " if i else "") + f"{font.encode(line)} Tj")
        out.append("ET")
    out += ["Q", "EMC"]
    return "\n".join(out).encode("ascii")


def check_stream(on: bool, size: float) -> bytes:
    """A check mark (ZapfDingbats '4') when on; nothing when off."""
    if not on:
        return b""
    font = size * 0.85
    return (f"q BT /{CHECK_FONT} {font:.2f} Tf 0 g {size * 0.12:.2f} {size * 0.2:.2f} Td (4) Tj ET Q"
            .encode("ascii"))


def radio_stream(on: bool, size: float) -> bytes:
    """A filled dot when on; nothing when off."""
    if not on:
        return b""
    r, c = size * 0.25, size / 2
    k = r * 0.5523
    return (f"q 0 g {c + r:.2f} {c:.2f} m "
            f"{c + r:.2f} {c + k:.2f} {c + k:.2f} {c + r:.2f} {c:.2f} {c + r:.2f} c "
            f"{c - k:.2f} {c + r:.2f} {c - r:.2f} {c + k:.2f} {c - r:.2f} {c:.2f} c "
            f"{c - r:.2f} {c - k:.2f} {c - k:.2f} {c - r:.2f} {c:.2f} {c - r:.2f} c "
            f"{c + k:.2f} {c - r:.2f} {c + r:.2f} {c - k:.2f} {c + r:.2f} {c:.2f} c f Q"
            ).encode("ascii")


def default_da(ftype: FieldType, multiline: bool) -> str:
    """The /DA string viewers use when they draw the field themselves."""
    if ftype in (FieldType.CHECKBOX, FieldType.RADIO):
        return f"/{CHECK_FONT} 0 Tf 0 g"
    return f"/{TEXT_FONT} {MULTILINE_SIZE if multiline else SIZE:g} Tf 0 g"
