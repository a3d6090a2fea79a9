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

from pypdf import get_configuration
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

_W = rb"[\x00\t\n\x0c\r ]"  # pypdf's WHITESPACES (without \x0b, as its dict reader)
WHITESPACE = re.compile(_W + b"*")
# "12 0 obj" as pypdf's read_object_header reads it, up to the object's first byte
HEADER = re.compile(_W + rb"*(\d{1,20})" + _W + rb"+(\d{1,20})" + _W + rb"+obj" + _W + rb"*(?=[^\x00\t\n\x0c\r ])")
_STRING_STOP = re.compile(rb"[()\\]")
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|([\n\r][\n\r]?)|(.))", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")",
            b"/": b"/", b"\\": b"\\", b" ": b" ", b"%": b"%", b"<": b"<", b">": b">", b"[": b"[",
            b"]": b"]", b"#": b"#", b"_": b"_", b"&": b"&", b"$": b"$"}
_HEX_SPACE = re.compile(_W)
_STREAM = re.compile(_W + rb"*stream *(?:\r\n|\r|\n)")
_ENDSTREAM = re.compile(_W + rb"*endstream")


class Unusual(Exception):
    """Syntax this reader leaves to pypdf."""


def parse_object(data: bytes, pos: int, pdf: Any) -> Any:
    """The object at `pos` (the first byte of its value) as pypdf reads it, or `Unusual`."""
    return _parse(data, pos, pdf)


def parse_indirect(data: bytes, pos: int, idnum: int, generation: int, pdf: Any) -> Any:
    """The indirect object `idnum generation obj` starting at `pos`, or `Unusual` (also when
    the header there names another object: pypdf repairs such tables)."""
    m = HEADER.match(data, pos)
    if m is None or int(m.group(1)) != idnum or int(m.group(2)) != generation:
        raise Unusual
    return _parse(data, m.end(), pdf)


# One token after whitespace; the group that matched (m.lastindex) says which kind it is.
_TOKEN = re.compile(
    _W + rb"*(?:"
    rb"(/[^\x00-\x20\x7f-\xff#%()/<>\[\]{}]{0,1000})(?=[\s()<>\[\]{}/%]|\Z)"  # 1 name, no "#"
    rb"|(\d+)\s+(\d+)\s+R(?=[^a-zA-Z])"  # 3 reference (pypdf's IndirectPattern, unsigned)
    rb"|([+-]?\d+)(?![+-.0-9])"  # 4 integer (pypdf's number bytes include ",")
    rb"|([+-]?(?:\d+\.\d*|\.\d+))(?![+-.0-9])"  # 5 real
    rb"|(<<)|(>>)|(\[)|(\])|(\()"  # 6-10
    rb"|<([0-9a-fA-F\x00\t\n\x0c\r ]*)>"  # 11 hex string
    rb"|(true)|(false)|(null))"  # 12-14
)
_NAME, _REF, _INT, _REAL, _DICT, _DICT_END, _ARRAY, _ARRAY_END, _STRING, _HEX = 1, 3, 4, 5, 6, 7, 8, 9, 10, 11
_TRUE, _FALSE, _NULL = 12, 13, 14


def _parse(data: bytes, pos: int, pdf: Any) -> Any:
    """Iterative (no recursion per nesting level): `stack` holds the enclosing containers, each
    with its pending dictionary key."""
    config = get_configuration()  # pypdf's limits (element counts, stream length): its errors
    max_items = min(config.array_maximum_element_count, config.dictionary_maximum_element_count)
    stack: list[tuple[Any, Any]] = []
    container: Any = None  # the ArrayObject or the entries dict being filled
    key: Any = None  # a dictionary's key waiting for its value
    match = _TOKEN.match
    while True:
        m = match(data, pos)
        if m is None:
            raise Unusual
        kind, pos = m.lastindex, m.end()
        if kind == _NAME:
            value: Any = NameObject(m.group(1).decode("ascii"))
            if type(container) is dict and key is None:
                key = value
                continue
        elif type(container) is dict and key is None and kind != _DICT_END:
            raise Unusual  # a key that is no plain name: pypdf warns and skips
        elif kind == _REF:
            if pos + 1 - m.start(2) > 20:  # pypdf looks 20 bytes ahead for "n g R"
                raise Unusual
            value = IndirectObject(int(m.group(2)), int(m.group(3)), pdf)
        elif kind in (_INT, _REAL):
            if pos - m.start(kind) >= 20 or pos == len(data):  # pypdf reads on past its peek
                raise Unusual
            value = NumberObject(m.group(4)) if kind == _INT else FloatObject(m.group(5))
        elif kind in (_DICT, _ARRAY):
            if len(stack) >= MAX_DEPTH:
                raise Unusual
            stack.append((container, key))
            container, key = ({} if kind == _DICT else ArrayObject()), None
            continue
        elif kind == _DICT_END:
            if type(container) is not dict or key is not None:
                raise Unusual
            value, pos = _dictionary(data, pos, container, config.maximum_declared_stream_length)
            container, key = stack.pop()
        elif kind == _ARRAY_END:
            if type(container) is not ArrayObject:
                raise Unusual
            value = container
            container, key = stack.pop()
        elif kind == _STRING:
            value, pos = _string(data, m.start(_STRING))
        elif kind == _HEX:
            digits = _HEX_SPACE.sub(b"", m.group(_HEX))
            if len(digits) % 2:
                digits += b"0"
            value = create_string_object(bytes.fromhex(digits.decode("ascii")))
        elif kind in (_TRUE, _FALSE):
            value = BooleanObject(kind == _TRUE)
        else:
            value = NullObject()
        if container is None:
            return value
        if type(container) is dict:
            if key in container:
                raise Unusual  # pypdf warns and keeps the first
            container[key] = value
            key = None
        else:
            container.append(value)
        if len(container) >= max_items:
            raise Unusual


def _dictionary(data: bytes, pos: int, entries: dict[Any, Any], max_stream: int) -> tuple[Any, int]:
    """The dictionary (or stream) whose entries end before `pos` (after its ">>")."""
    m = _STREAM.match(data, pos)
    if m is None:
        if data.startswith(b"stream", WHITESPACE.match(data, pos).end()):  # type: ignore[union-attr]
            raise Unusual  # pypdf's other stream keyword forms
        result = DictionaryObject()
        result.update(entries)
        return result, pos
    length: Any = entries.get("/Length")
    if type(length) is not NumberObject or not 0 <= length <= max_stream:
        raise Unusual  # indirect, missing or odd: pypdf resolves, searches and warns
    start = m.end()
    end = _ENDSTREAM.match(data, start + length)
    if end is None or start + length > len(data):
        raise Unusual  # pypdf looks back one byte or searches for endstream
    entries["__streamdata__"] = data[start:start + length]
    return StreamObject.initialize_from_dictionary(entries), end.end()


def _string(data: bytes, pos: int) -> tuple[Any, int]:
    """The literal string opening at `pos`."""
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
