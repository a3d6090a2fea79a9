"""PDF objects read from bytes with regular expressions into exactly the objects pypdf makes.

pypdf reads an object byte by byte through a file-like stream; a form's field tree and
appearance streams (~800 objects) cost two thirds of a check that way. `parse_object` reads the
common, well-formed syntax token by token with regular expressions on the file's bytes and
builds the same pypdf objects with pypdf's own constructors (`create_string_object`,
`NumberObject`, `StreamObject.initialize_from_dictionary` …). Whatever pypdf would treat
specially — a comment, an unknown escape, a key that is no plain name, a repeated key, an
indirect or wrong stream /Length, a token pypdf would warn about or repair — raises `Unusual`,
and the caller lets pypdf read the whole object as before: the result is pypdf's in every case,
only faster for what is plain.
"""

from __future__ import annotations

import re
from typing import Any

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    create_string_object,
)

MAX_DEPTH = 40  # deeper nesting is left to pypdf, which limits and reports it
MAX_ITEMS = 5_000  # below pypdf's element limits, whose errors pypdf then raises itself
MAX_STREAM = 75_000_000  # below pypdf's maximum declared stream length

_W = rb"[\x00\t\n\x0c\r ]"  # pypdf's WHITESPACES (without \x0b, as its dict reader)
_WS = re.compile(_W + b"*")
# "12 0 obj" as pypdf's read_object_header reads it, up to the object's first byte
HEADER = re.compile(_W + rb"*(\d{1,20})" + _W + rb"+(\d{1,20})" + _W + rb"+obj" + _W + rb"*(?=[^\x00\t\n\x0c\r ])")
_NAME = re.compile(rb"/[^\x00-\x20\x7f-\xff#%()/<>\[\]{}]{0,1000}")  # printable ASCII, no "#"
_NAME_END = re.compile(rb"[\s()<>\[\]{}/%]|\Z")  # where pypdf's name reading stops
_REF = re.compile(rb"[+-]?(\d+)\s+(\d+)\s+R[^a-zA-Z]")  # pypdf's IndirectPattern, 20 bytes ahead
_NUMBER = re.compile(rb"[+-.0-9]*")  # pypdf's number characters (the class includes ",")
_PLAIN_NUMBER = re.compile(rb"[+-]?(?:(\d+)|\d+\.\d*|\.\d+)")  # what int() and float() take
_STRING_STOP = re.compile(rb"[()\\]")
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|([\n\r][\n\r]?)|(.))", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
            b"/": b"/", b"\\": b"\\", b" ": b" ", b"%": b"%", b"<": b"<", b">": b">", b"[": b"[",
            b"]": b"]", b"#": b"#", b"_": b"_", b"&": b"&", b"$": b"$"}
_HEX = re.compile(rb"<([0-9a-fA-F\x00\t\n\x0c\r ]*)>")
_HEX_SPACE = re.compile(rb"[\x00\t\n\x0c\r ]")
_STREAM = re.compile(rb"[\x00\t\n\x0c\r ]*stream *(?:\r\n|\r|\n)")
_ENDSTREAM = re.compile(rb"[\x00\t\n\x0c\r ]*endstream")


class Unusual(Exception):
    """Syntax this reader leaves to pypdf."""


def parse_object(data: bytes, pos: int, pdf: Any) -> Any:
    """The object at `pos` (the first byte of its value) as pypdf reads it, or `Unusual`."""
    return _Parser(data, pdf).value(pos, 0)[0]


def parse_indirect(data: bytes, pos: int, idnum: int, generation: int, pdf: Any) -> Any:
    """The indirect object `idnum generation obj` starting at `pos`, or `Unusual` (also when
    the header there names another object: pypdf repairs such tables)."""
    m = HEADER.match(data, pos)
    if m is None or int(m.group(1)) != idnum or int(m.group(2)) != generation:
        raise Unusual
    return _Parser(data, pdf).value(m.end(), 0)[0]


class _Parser:
    def __init__(self, data: bytes, pdf: Any):
        self.data, self.pdf = data, pdf

    def value(self, pos: int, depth: int) -> tuple[Any, int]:
        data = self.data
        c = data[pos:pos + 1]
        if c == b"/":
            m = _NAME.match(data, pos)
            if m is None or not _NAME_END.match(data, m.end()):
                raise Unusual  # "#" escapes, other bytes, a name too long
            return NameObject(m.group().decode("ascii")), m.end()
        if c == b"<":
            if data.startswith(b"<<", pos):
                return self.dictionary(pos + 2, depth + 1)
            m = _HEX.match(data, pos)
            if m is None:
                raise Unusual
            digits = _HEX_SPACE.sub(b"", m.group(1))
            if len(digits) % 2:
                digits += b"0"
            return create_string_object(bytes.fromhex(digits.decode("ascii"))), m.end()
        if c == b"[":
            return self.array(pos + 1, depth + 1)
        if c == b"(":
            return self.string(pos)
        if c in b"0123456789+-." and c:
            m = _REF.match(data, pos, pos + 20)
            if m is not None:
                if c in b"+-":
                    raise Unusual
                return IndirectObject(int(m.group(1)), int(m.group(2)), self.pdf), m.end() - 1
            m = _NUMBER.match(data, pos)
            end = m.end()  # type: ignore[union-attr]
            if end - pos >= 20 or end == len(data):  # pypdf reads on past its 20-byte peek
                raise Unusual
            num = _PLAIN_NUMBER.fullmatch(data, pos, end)
            if num is None:
                raise Unusual  # pypdf warns and reads 0
            return (NumberObject(num.group()) if num.group(1) else FloatObject(num.group())), end
        if data.startswith(b"true", pos):
            return BooleanObject(True), pos + 4
        if data.startswith(b"false", pos):
            return BooleanObject(False), pos + 5
        if data.startswith(b"null", pos):
            return NullObject(), pos + 4
        raise Unusual

    def dictionary(self, pos: int, depth: int) -> tuple[Any, int]:
        if depth > MAX_DEPTH:
            raise Unusual
        data = self.data
        entries: dict[Any, Any] = {}
        while True:
            pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
            c = data[pos:pos + 1]
            if c == b">":
                if not data.startswith(b">>", pos):
                    raise Unusual
                pos += 2
                break
            if c != b"/" or len(entries) >= MAX_ITEMS:
                raise Unusual
            key, pos = self.value(pos, depth)
            pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
            value, pos = self.value(pos, depth)
            if key in entries:
                raise Unusual  # pypdf warns and keeps the first
            entries[key] = value
        m = _STREAM.match(data, pos)
        if m is None:
            if data.startswith(b"stream", _WS.match(data, pos).end()):  # type: ignore[union-attr]
                raise Unusual  # pypdf's other stream keyword forms
            result = DictionaryObject()
            result.update(entries)
            return result, pos
        length: Any = entries.get("/Length")
        if type(length) is not NumberObject or not 0 <= length <= MAX_STREAM:
            raise Unusual  # indirect, missing or odd: pypdf resolves, searches and warns
        start = m.end()
        end = _ENDSTREAM.match(data, start + length)
        if end is None or start + length > len(data):
            raise Unusual  # pypdf looks back one byte or searches for endstream
        entries["__streamdata__"] = data[start:start + length]
        return StreamObject.initialize_from_dictionary(entries), end.end()

    def array(self, pos: int, depth: int) -> tuple[Any, int]:
        if depth > MAX_DEPTH:
            raise Unusual
        data = self.data
        result = ArrayObject()
        while True:
            pos = _WS.match(data, pos).end()  # type: ignore[union-attr]
            c = data[pos:pos + 1]
            if c == b"]":
                return result, pos + 1
            if not c or c == b"%" or len(result) >= MAX_ITEMS:
                raise Unusual
            item, pos = self.value(pos, depth)
            result.append(item)

    def string(self, pos: int) -> tuple[Any, int]:
        data = self.data
        depth, i, escaped = 1, pos + 1, False
        while True:
            m = _STRING_STOP.search(data, i)
            if m is None:
                raise Unusual
            c, i = m.group(), m.end()
            if c == b"\\":
                escaped = True
                i += 1  # the escaped byte, whatever it is
            elif c == b"(":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    break
        raw = data[pos + 1:i - 1]
        if escaped:
            raw = _ESCAPE.sub(_unescape, raw)
        return create_string_object(raw), i


def _unescape(m: re.Match) -> bytes:
    octal, eol, other = m.groups()
    if octal is not None:
        value = int(octal, 8)
        return bytes((value,)) if value <= 255 else b"\\" + octal  # as pypdf: digits read again
    if eol is not None:
        return b""  # an escaped line break continues the string
    if other in _ESCAPES:
        return _ESCAPES[other]
    raise Unusual  # pypdf warns about an unknown escape
