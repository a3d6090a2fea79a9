"""The few private pypdf calls vhpdf needs, in one place, so that a pypdf upgrade breaks here.

pypdf keeps its encoding tables and the standard-font metrics in `pypdf._codecs` and adds
objects to a writer only through `PdfWriter._add_object`; neither has a public equivalent in
pypdf 7; `stored_digest` reads the reader's xref table and stream; `pdf_reader` replaces
`PdfReader._get_object_from_stream` and reads `PdfReader._encryption` (plain objects of an
unencrypted file are read by vhpdf.pdf.objparse, into pypdf's objects). setup.cfg bounds pypdf
below the next major version, and CI tests the bound's minimum.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any


def add_object(writer: Any, obj: Any) -> Any:
    """Add `obj` to `writer` as an indirect object and return its reference."""
    return writer._add_object(obj)


def adder(writer: Any):
    """`add_object` bound to one writer, for functions that take an `add` callable."""
    return writer._add_object


def pdfdoc_table() -> list[str] | None:
    """PDFDocEncoding as a 256-entry list ("\\x00" where undefined), or None if pypdf lacks it."""
    try:
        from pypdf._codecs.pdfdoc import _pdfdoc_encoding
    except ImportError:
        return None
    return list(_pdfdoc_encoding)


def core_font_metrics() -> dict[str, Any]:
    """pypdf's metrics of the 14 standard fonts, by PostScript name."""
    from pypdf._codecs.core_font_metrics import CORE_FONT_METRICS

    return CORE_FONT_METRICS


def simple_encodings() -> tuple[dict[str, Any], dict[str, Any]]:
    """(adobe glyph names -> text, base encodings by name) for simple fonts."""
    from pypdf._codecs import adobe_glyphs, charset_encoding

    return adobe_glyphs, charset_encoding


def pdf_reader(stream: Any, strict: bool = False) -> Any:
    """A pypdf PdfReader of `stream` that parses only the requested object of an object stream,
    and reads plain objects with vhpdf.pdf.objparse (some times faster, the same objects).

    pypdf 7 parses and caches every object of an object stream when the first one is asked for:
    a one-page file holding 65,000 link annotations and structure elements in one stream took
    10 s and 320 MB to show its page. Here the stream's index is read once and each object is
    parsed when it is asked for, so a file costs what is read of it.
    """
    return _lazy_reader()(stream, strict=strict)


@functools.cache
def _lazy_reader() -> type:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError
    from pypdf.generic import IndirectObject, NullObject, read_object

    from vhpdf.pdf.objparse import HEADER, WHITESPACE, Unusual, parse_indirect, parse_object

    class LazyReader(PdfReader):
        def get_object(self, indirect_reference: Any) -> Any:
            # the plain case read fast (objparse); everything else as pypdf reads it
            if isinstance(indirect_reference, int) or self._encryption is not None or self.strict:
                return super().get_object(indirect_reference)
            idnum, generation = indirect_reference.idnum, indirect_reference.generation
            key = (generation, idnum)
            if key in self.resolved_objects:
                return self.resolved_objects[key]
            start = self.xref.get(generation, {}).get(idnum)
            if (not isinstance(start, int) or (generation == 0 and idnum in self.xref_objStm)
                    or self.xref_free_entry.get(generation, {}).get(idnum, False)):
                return super().get_object(indirect_reference)
            data = self._vhpdf_bytes(self.stream)
            try:
                if data is None:
                    raise Unusual
                obj = parse_indirect(data, start, idnum, generation, self)
            except Unusual:
                return super().get_object(indirect_reference)
            return self.cache_indirect_object(generation, idnum, obj)

        def read_object_header(self, stream: Any) -> tuple[int, int]:
            # pypdf reads every object's header once when it opens a file (to drop entries
            # pointing elsewhere): the plain "12 0 obj" by one regular expression
            data = self._vhpdf_bytes(stream)
            m = None if data is None or self.strict else HEADER.match(data, stream.tell())
            if m is None:
                return super().read_object_header(stream)
            stream.seek(m.end())
            return int(m.group(1)), int(m.group(2))

        def _vhpdf_bytes(self, stream: Any) -> bytes | None:
            """The bytes of the file's stream (read during __init__, before self.stream is set)."""
            known = self.__dict__.get("_vhpdf_data")
            if known is None or known[0] is not stream:
                value = getattr(stream, "getvalue", None)
                known = self.__dict__["_vhpdf_data"] = (stream, value() if callable(value) else None)
            return known[1]

        def _get_object_from_stream(self, indirect_reference: Any) -> Any:
            streams = self.__dict__.setdefault("_vhpdf_streams", {})  # stream number -> index
            stmnum, _ = self.xref_objStm[indirect_reference.idnum]
            if stmnum not in streams:
                streams[stmnum] = None  # a stream that (indirectly) holds itself meets this
                streams[stmnum] = _stream_index(IndirectObject(stmnum, 0, self).get_object())
            elif streams[stmnum] is None:
                raise PdfReadError(f"Circular object-stream reference at stream {stmnum}")
            data, offsets = streams[stmnum]
            offset = offsets.get(indirect_reference.idnum)
            if offset is None:
                if self.strict:
                    raise PdfReadError(f"Object {indirect_reference.idnum} not in stream {stmnum}")
                return NullObject()
            start = WHITESPACE.match(data, offset).end()  # type: ignore[union-attr]
            try:
                try:
                    obj = parse_object(data, start, self)
                except Unusual:  # pypdf reads it, from a stream
                    buffer = BytesIO(data)
                    buffer.seek(start)
                    obj = read_object(buffer, self)
            except PdfStreamError:
                if self.strict:
                    raise
                obj = NullObject()
            self.cache_indirect_object(0, indirect_reference.idnum, obj)
            return obj

    def _stream_index(obj_stm: Any) -> tuple[bytes, dict[int, int]]:
        """The decoded bytes of an object stream and each object's offset in them, as pypdf
        reads them (entries pointing outside the stream or backwards are left out)."""
        if not hasattr(obj_stm, "get_data") or obj_stm.get("/Type") != "/ObjStm":
            raise PdfReadError("Object stream expected")
        data = obj_stm.get_data()
        n, first = obj_stm.get("/N"), obj_stm.get("/First")
        if not isinstance(n, int) or not isinstance(first, int) or n < 0 or not 0 <= first <= len(data):
            return data, {}
        numbers = data[:first].split()
        offsets: dict[int, int] = {}
        last = -1
        for i in range(0, min(2 * int(n), len(numbers)) - 1, 2):
            try:
                objnum, offset = int(numbers[i]), int(numbers[i + 1])
            except ValueError:
                break
            if objnum < 0 or offset < 0 or first + offset > len(data):
                continue
            if offset <= last:
                raise PdfReadError("Invalid offset in object stream")
            last = offset
            offsets.setdefault(objnum, first + offset)
        return data, offsets

    return LazyReader


_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")
_OFFSETS = "pypdf_compat.offsets"  # key of the object offsets in a caller's per-document memo


def stored_digest(ref: Any, memo: dict, limit: int = 32) -> str | None:
    """A digest of the bytes a file stores for the indirect object `ref` and for every object
    they refer to, found in those bytes (each from its xref offset to the next object's), with
    object numbers replaced by the order they are met in: programs like pdftk renumber objects.

    Two objects with the same digest parse to the same thing, so what is derived from one can
    be reused for the other, across files. None where the bytes do not say it: an encrypted
    file (its strings depend on the key), an object inside an object stream, an xref offset that
    does not hold the object, more than `limit` objects. `memo` is per document (reader).
    """
    import hashlib

    reader = getattr(ref, "pdf", None)
    if reader is None or not hasattr(ref, "idnum") or getattr(reader, "is_encrypted", True):
        return None
    if _OFFSETS not in memo:
        stream: Any = getattr(reader, "stream", None)
        data = stream.getvalue() if hasattr(stream, "getvalue") else None
        xref = getattr(reader, "xref", None) or {}
        offsets = sorted(o for table in xref.values() for o in table.values() if isinstance(o, int))
        memo[_OFFSETS] = (data, offsets, xref, getattr(reader, "xref_objStm", None) or {})
    data, offsets, xref, in_streams = memo[_OFFSETS]
    if not isinstance(data, bytes) or not offsets:
        return None
    digest = hashlib.sha256()
    order = [(ref.idnum, ref.generation)]
    number = {order[0]: 0}

    def renumber(m: re.Match) -> bytes:
        key = (int(m.group(1)), int(m.group(2)))
        if key not in number:
            number[key] = len(order)
            order.append(key)
        return b"@r%d " % number[key]

    for idnum, gen in order:  # grows while it is walked
        start = xref.get(gen, {}).get(idnum)
        if len(order) > limit or idnum in in_streams or not isinstance(start, int):
            return None
        end = offsets[bisect.bisect_right(offsets, start)] if start < offsets[-1] else len(data)
        raw = data[start:end]
        head = re.match(rb"\s*%d\s+%d\s+obj\b" % (idnum, gen), raw)
        if head is None or b"endobj" not in raw:
            return None
        body = _REF.sub(renumber, raw[head.end():].replace(b"@", b"@a"))  # "@a" keeps it one-to-one
        digest.update(b"%d\0" % len(body) + body)
    return digest.hexdigest()
