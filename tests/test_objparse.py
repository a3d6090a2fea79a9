"""vhpdf's fast object reader (vhpdf/pdf/objparse.py) reads exactly what pypdf reads.

Every object of real filled forms (vhpdf, pdftk, PyMuPDF, pdf.js, PDFium) must be read by the
fast path itself and equal pypdf's; a file of odd syntax must give, object by object, the same
objects, errors and pypdf warnings through vhpdf's reader as through plain pypdf, and each odd
object must be left to pypdf.
"""

from __future__ import annotations

import io
import logging
import zlib

import corpus
import pytest
from fillers import fill_pdftk, fill_pymupdf
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject
from viewers import fill_pdfium, fill_pdfjs

from vhpdf.pdf.objparse import Unusual, parse_indirect, parse_object
from vhpdf.pdf.pypdf_compat import pdf_reader

CONTENT = b"BT /F1 12 Tf 72 720 Td (Hallo) Tj ET"
PACKED = zlib.compress(b"q 1 0 0 1 0 0 cm Q")

# objects vhpdf reads itself: the syntax form fillers write
PLAIN = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595.0 842]/Contents 4 0 R/Annots[]>>",
    4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(CONTENT), CONTENT),
    5: rb"[(a\(b\)c) (nested (paren) ok) (\101\102\7\0101) (\777x) (line\
cont) (crlf\
" b"\r\n" rb"next) (tab\there\n) (\376\377\000A\000\344) <48 65 6c6C6f> <414> () (\\\(\)) (\/\ \%\[\]\#\_\&\$)]",
    6: b"[0 -1 +2 3.5 -.5 6. 1234567890123 1 0 R 12 0 R] ",
    7: b"<< /true true /false false /null null /E [] /D << >> /A-b_c.d*e 1 /N [null null] >>",
    8: b"<< /Filter /FlateDecode /Length %d >>stream  \r\n%s\r\nendstream" % (len(PACKED), PACKED),
    9: b"(\xe4\xf6\xfc \x80\x81 raw bytes)",
    23: b"3",  # the /Length of object 22
}
# objects vhpdf leaves to pypdf: what it warns about, repairs, resolves or rejects
ODD = {
    20: b"<< /A 1 % a comment\n /B 2 >>",
    21: b"<< /Dup 1 /Dup 2 >>",
    22: b"<< /Length 23 0 R >>\nstream\nabc\nendstream",
    24: b"<< /Length 5 >>\nstream\nabc\nendstream",
    25: b"<< /Length 2 >>\nstream\nabcdef\nendstream",
    26: rb"(unknown \q escape)",
    27: b"/Name#20with#20spaces",
    28: b"[1.2.3 +]",
    29: b"<< /K [+5 0 R] >>",
    30: b"[" * 60 + b"]" * 60,
    31: b"[1\x0b2]",
    32: "/Nämé".encode(),
    33: b"<< /A 1 >x",
    34: b"<4G>",
    35: b"<< /A 1 /B endobj",
    36: b"<< (not a name) 1 >>",
    37: b"12345678901234567890123",
}


def _objects(reader) -> list:
    keys = [(g, i) for g in sorted(reader.xref) for i in sorted(reader.xref[g])]
    keys += [(0, i) for i in sorted(reader.xref_objStm)]
    out = []
    for g, i in keys:
        try:
            out.append(((g, i), reader.get_object(IndirectObject(i, g, reader))))
        except Exception as exc:  # what pypdf raises is part of what must be equal
            out.append(((g, i), ("Fehler", type(exc).__name__, str(exc))))
    return out


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, IndirectObject):
        return (a.idnum, a.generation) == (b.idnum, b.generation)
    if isinstance(a, StreamObject) and a._data != b._data:
        return False
    if isinstance(a, dict):  # raw items: DictionaryObject.__getitem__ would follow references
        return list(dict.keys(a)) == list(dict.keys(b)) and all(
            _same(dict.__getitem__(a, k), dict.__getitem__(b, k)) for k in dict.keys(a))
    if isinstance(a, list):
        return len(a) == len(b) and all(
            _same(list.__getitem__(a, j), list.__getitem__(b, j)) for j in range(len(a)))
    return a == b and repr(a) == repr(b)


class _Warnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _read_all(make, data: bytes) -> tuple[list, list[str]]:
    log = logging.getLogger("pypdf")
    handler = _Warnings()
    log.addHandler(handler)
    try:
        return _objects(make(io.BytesIO(data), strict=False)), handler.messages
    finally:
        log.removeHandler(handler)


def _assert_as_pypdf(data: bytes, warnings: bool = True) -> None:
    mine, mine_warned = _read_all(pdf_reader, data)
    theirs, their_warned = _read_all(PdfReader, data)
    assert [k for k, _ in mine] == [k for k, _ in theirs]
    for (key, a), (_, b) in zip(mine, theirs):
        assert _same(a, b), (key, a, b)
    if warnings:
        assert mine_warned == their_warned


def test_odd_syntax_reads_as_pypdf_reads_it():
    data = corpus.tiny_pdf({**PLAIN, **ODD})
    _assert_as_pypdf(data)
    reader = PdfReader(io.BytesIO(data))
    for num in sorted({**PLAIN, **ODD}):
        start = reader.xref[0][num]
        if num in PLAIN:
            parse_indirect(data, start, num, 0, reader)
        else:
            with pytest.raises(Unusual):
                parse_indirect(data, start, num, 0, reader)


def test_odd_syntax_in_an_object_stream_reads_as_pypdf_reads_it():
    """Streams cannot sit in an object stream; the rest can. pypdf warns here in another order
    (it parses the whole object stream at the first access, vhpdf each object when asked)."""
    bodies = [v for k, v in sorted({**PLAIN, **ODD}.items()) if b"stream" not in v]
    data = corpus.packed_pdf(dict(enumerate(bodies, 1)))
    _assert_as_pypdf(data, warnings=False)
    reader = PdfReader(io.BytesIO(data))
    for num, body in enumerate(bodies, 1):
        if body in PLAIN.values():
            assert _same(parse_object(body + b"\n", 0, reader), reader.get_object(num)), num


def test_shifted_and_repaired_tables_read_as_pypdf_reads_them(complete_pdf):
    """Offsets pointing beside their objects: pypdf searches the file and warns."""
    _assert_as_pypdf(corpus.shifted_offsets(complete_pdf.read_bytes()))
    _assert_as_pypdf(corpus.wrong_startxref(corpus.tiny_pdf(PLAIN)))


@pytest.fixture(scope="module")
def filled(blank_pdf, complete_values, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("objparse")
    fillers = {"pdftk": fill_pdftk, "pymupdf": fill_pymupdf, "pdfjs": fill_pdfjs, "pdfium": fill_pdfium}
    return {name: fill(blank_pdf, complete_values, folder / f"{name}.pdf").read_bytes()
            for name, fill in fillers.items()}


@pytest.mark.parametrize("program", ["vhpdf", "pdftk", "pymupdf", "pdfjs", "pdfium"])
def test_every_object_of_a_filled_form_is_read_fast(program, filled, complete_pdf):
    """The forms a KPB receives are read by the fast path alone, object for object as pypdf."""
    data = complete_pdf.read_bytes() if program == "vhpdf" else filled[program]
    reader = PdfReader(io.BytesIO(data))
    fast = 0
    for num, start in reader.xref.get(0, {}).items():
        if reader.xref_free_entry.get(0, {}).get(num):
            continue
        parsed = parse_indirect(data, start, num, 0, reader)  # Unusual here fails the test
        assert _same(parsed, reader.get_object(num)), num
        fast += 1
    assert fast > 100
    _assert_as_pypdf(data)


def test_pypdfs_limits_stay_pypdfs():
    """pypdf's configured limits (element counts, declared stream length) raise pypdf's errors."""
    from pypdf import apply_configuration

    data = corpus.tiny_pdf({**PLAIN, 10: b"[" + b"1 " * 12 + b"]", 11: b"<< /A 1 /B 2 /C 3 /D 4 >>"})
    with apply_configuration(array_maximum_element_count=8, dictionary_maximum_element_count=3,
                             maximum_declared_stream_length=10):
        _assert_as_pypdf(data)
        mine = dict(_read_all(pdf_reader, data)[0])
    assert mine[(0, 10)][0] == "Fehler" and mine[(0, 11)][0] == "Fehler"
    assert mine[(0, 4)][0] == "Fehler"  # its /Length is 36
