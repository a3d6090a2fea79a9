"""The print check's own content-stream tokenizer reads what pypdf's generic parser reads, and
the painter follows nested state and forms: a divergence would turn into a wrong misprint
finding (or hide one). Hand-made streams, no PDF pipeline: cheap."""

from __future__ import annotations

from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
)

from vhpdf.pdf.contentstream import operations
from vhpdf.pdf.drawn import printed_text
from vhpdf.pdf.flags import AnnotationFlag

# Every syntax the tokenizer handles by hand: kerned TJ arrays, octal and other escapes, nested
# and continued literal strings, hex strings with blanks and an odd digit, names with #-escapes,
# signed and dotted numbers, comments, inline dictionaries, an inline image, ' and ".
TRICKY = (b"% a comment (with a paren\n"
          b"/Tx BMC q 1 0 0 1 2.5 -3 cm BT /F1 9 Tf 0 g 2 4.25 Td\n"
          b"[(Do) 80 (\\253an) -120.5 <48 65 6C6C6F> 3 (x)] TJ\n"
          b"(a\\(b\\)c \\\\ \\n\\t\\r\\b\\f \\101\\60\\0061 (nested (deep)) end) Tj\n"
          b"(line\\\ncontinued)Tj T* (next) ' 1 .5 (quoted) \"\n"
          b"<4865 6> Tj +3. -.5 Td /F#232 9 Tf (z) Tj\n"
          b"/P <</MCID 0>> BDC EMC BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI\n"
          b"ET Q EMC")


def _plain(obj):
    """pypdf's operand as the tokenizer gives it: bytes for strings, str for names, floats."""
    if isinstance(obj, list):
        return [_plain(o) for o in obj]
    if isinstance(obj, (NumberObject, FloatObject)):
        return float(obj)
    if isinstance(obj, NameObject):
        return str(obj)
    if hasattr(obj, "original_bytes"):
        return obj.original_bytes
    if isinstance(obj, bytes):
        return bytes(obj)
    return obj


def test_tokenizer_reads_what_pypdf_reads():
    stream = DecodedStreamObject()
    stream.set_data(TRICKY)
    generic = [(op.decode("latin-1"), [_plain(a) for a in args])
               for args, op in ContentStream(stream, None).operations
               if op not in (b"INLINE IMAGE", b"BDC")]  # both skip image data; BDC's dict is dropped
    mine = [(op, list(args)) for op, args in operations(TRICKY) if op != "BDC"]
    assert len(mine) == len(generic) > 20
    for (op, args), (gop, gargs) in zip(mine, generic, strict=True):
        assert (op, args) == (gop, gargs)


def _font() -> DictionaryObject:
    return DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})


def _form(content: bytes, bbox: tuple, resources: DictionaryObject) -> DecodedStreamObject:
    s = DecodedStreamObject()
    s.set_data(content)
    s.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
              NameObject("/BBox"): ArrayObject(FloatObject(v) for v in bbox),
              NameObject("/Resources"): resources})
    return s


def test_painter_follows_nested_state_and_forms():
    fonts = DictionaryObject({NameObject("/F1"): _font()})
    inner = _form(b"BT /F1 10 Tf 0 0 Td [(K) -50 (\\366ln)] TJ ET", (0, 0, 100, 20),
                  DictionaryObject({NameObject("/Font"): fonts}))
    outer = _form(
        b"q 1 0 0 1 500 500 cm BT /F1 10 Tf 2 5 Td (outside) Tj ET Q\n"  # moved out of the box
        b"q 1 0 0 1 2 22 cm /X1 Do Q\n"  # the form, inside the box after q/cm/Q
        b"BT /F1 10 Tf 2 5 Td <4D fc 6C6C6572> Tj ET",  # hex, WinAnsi: "Müller"
        (0, 0, 200, 40),
        DictionaryObject({NameObject("/Font"): fonts,
                          NameObject("/XObject"): DictionaryObject({NameObject("/X1"): inner})}))
    widget = DictionaryObject({NameObject("/F"): NumberObject(int(AnnotationFlag.PRINT)),
                               NameObject("/AP"): DictionaryObject({NameObject("/N"): outer})})
    assert printed_text(widget, None) == "Köln\nMüller"
    hidden = DictionaryObject(widget)
    hidden[NameObject("/F")] = NumberObject(int(AnnotationFlag.PRINT | AnnotationFlag.HIDDEN))
    assert printed_text(hidden, None) == ""
