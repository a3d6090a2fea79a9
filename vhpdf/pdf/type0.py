"""The embedded font as PDF objects: Type0 / Identity-H with a ToUnicode map.

Measured with real viewers: with a fully embedded Type0 font carrying a ToUnicode map in the
AcroForm /DR and named in /DA, pdf.js (Firefox) regenerates and prints Latin-script names
correctly; with a simple TrueType font or the standard /Helv it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from vhpdf.pdf.font import PS_NAME, Font, load_font

AddObject = Callable[[Any], Any]


def _stream(data: bytes, extra: dict | None = None):
    stream = DecodedStreamObject()
    stream.set_data(data)
    for k, v in (extra or {}).items():
        stream[NameObject(k)] = v
    return stream.flate_encode()


def to_unicode_cmap(font: Font) -> bytes:
    """A ToUnicode CMap mapping every glyph id (2-byte code) to its character."""
    pairs = sorted((gid, code) for code, gid in font.cmap.items())
    seen: dict[int, int] = {}
    for gid, code in pairs:
        seen.setdefault(gid, code)  # a glyph shared by two characters decodes as the first
    items = sorted(seen.items())
    out = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
           "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
           "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        out.append(f"{len(chunk)} beginbfchar")
        out += [f"<{gid:04X}> <{code:04X}>" for gid, code in chunk]
        out.append("endbfchar")
    out += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(out).encode("ascii")


def type0_font(add: AddObject) -> Any:
    """Add the embedded font to a document; returns the reference of its Type0 font dict."""
    font = load_font()
    file_ref = add(_stream(font.data, {"/Length1": NumberObject(len(font.data))}))
    descriptor = add(DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject("/" + PS_NAME),
        NameObject("/Flags"): NumberObject(32),
        NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in font.bbox),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): NumberObject(font.ascent),
        NameObject("/Descent"): NumberObject(font.descent),
        NameObject("/CapHeight"): NumberObject(font.cap_height),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): file_ref,
    }))
    cid = add(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/CIDFontType2"),
        NameObject("/BaseFont"): NameObject("/" + PS_NAME),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"),
            NameObject("/Ordering"): TextStringObject("Identity"),
            NameObject("/Supplement"): NumberObject(0)}),
        NameObject("/FontDescriptor"): descriptor,
        NameObject("/DW"): NumberObject(1000),
        NameObject("/W"): ArrayObject([NumberObject(0),
                                       ArrayObject(NumberObject(w) for w in font.widths)]),
        NameObject("/CIDToGIDMap"): NameObject("/Identity"),
    }))
    return add(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/" + PS_NAME),
        NameObject("/Encoding"): NameObject("/Identity-H"),
        NameObject("/DescendantFonts"): ArrayObject([cid]),
        NameObject("/ToUnicode"): add(_stream(to_unicode_cmap(font))),
    }))


def zapf_font(add: AddObject) -> Any:
    return add(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/ZapfDingbats")}))



