"""The print check's own content-stream tokenizer reads what pypdf's generic parser reads, and
the painter follows nested state and forms: a divergence would turn into a wrong misprint
finding (or hide one). Hand-made streams, no PDF pipeline: cheap."""

from __future__ import annotations

from corpus import PAGE, tiny_pdf
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


def _cmap(char: str) -> bytes:
    body = (b"begincmap 1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"1 beginbfchar <41> <%s> endbfchar endcmap" % char.encode("utf-16-be").hex().encode())
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body)


def _with_font(char: str, font: int = 4) -> bytes:
    """A file whose appearance stream (object 6) shows code 0x41 in a font mapping it to `char`;
    the font sits at object `font` and its /ToUnicode right after it."""
    content = b"BT /F1 10 Tf 2 5 Td (A) Tj ET"
    return tiny_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", **PAGE,
                     font: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode %d 0 R >>"
                           % (font + 1),
                     font + 1: _cmap(char),
                     6: b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 20] "
                     b"/Resources << /Font << /F1 %d 0 R >> >> /Length %d >>\nstream\n%s\nendstream"
                     % (font, len(content), content)})


def test_fonts_are_shared_across_files_only_when_stored_alike():
    """Decoders are reused across files for fonts stored byte for byte alike (renumbered or
    not); a font whose mapping differs is decoded anew, however it is named."""
    import io

    from pypdf import PdfReader

    from vhpdf.pdf.pypdf_compat import stored_digest

    def read(pdf: bytes) -> tuple[str, str | None]:
        reader = PdfReader(io.BytesIO(pdf))
        ap = reader.get_object(6)
        widget = DictionaryObject({NameObject("/F"): NumberObject(int(AnnotationFlag.PRINT)),
                                   NameObject("/AP"): DictionaryObject({NameObject("/N"): ap})})
        font = ap["/Resources"]["/Font"].raw_get("/F1")
        return printed_text(widget, None), stored_digest(font, {})

    x, y, x_moved = read(_with_font("X")), read(_with_font("Y")), read(_with_font("X", font=7))
    assert x[0] == x_moved[0] == "X" and y[0] == "Y"
    assert x[1] is not None and x[1] == x_moved[1] != y[1]
    assert read(_with_font("Y"))[0] == "Y" and read(_with_font("X"))[0] == "X"
