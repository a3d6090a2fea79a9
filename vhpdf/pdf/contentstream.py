"""A small PDF content-stream tokenizer: (operator, operands) pairs, nothing interpreted.

Strings come back as bytes, names as "/Name" strings, numbers as floats and arrays as lists;
inline images are skipped. Used to read what appearance streams draw, without pypdf's slower
general parser.
"""

from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(rb"""
    (?P<ws>[\x00\t\n\x0c\r ]+|%[^\r\n]*)
  | (?P<lit>\()
  | (?P<dict><<|>>)
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<arr>[\[\]])
  | (?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
  | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<op>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)
  | (?P<other>[{}])
""", re.X)
_ESC = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(data: bytes, i: int) -> tuple[bytes, int]:
    """The literal string starting after '(' at i; returns its bytes and the index after it."""
    out = bytearray()
    depth = 1
    while i < len(data):
        c = data[i:i + 1]
        if c == b"\\":
            nxt = data[i + 1:i + 2]
            if nxt in _ESC:
                out += _ESC[nxt]
                i += 2
            elif nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
                octal = digits.group() if digits else nxt
                out.append(int(octal, 8) & 0xFF)
                i += 1 + len(octal)
            elif nxt in (b"\r", b"\n"):
                i += 2 + (nxt == b"\r" and data[i + 2:i + 3] == b"\n")
            else:
                out += nxt
                i += 2
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out += c
        i += 1
    return bytes(out), i


_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _name(tok: bytes) -> str:
    """A name token as pypdf reads it (so it finds the same resource): #xx escapes resolved,
    then UTF-8, GBK or Latin-1, the first that decodes."""
    raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), tok) if b"#" in tok else tok
    for codec in ("utf-8", "gbk"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def operations(data: bytes):
    """(operator, operands) pairs of a content stream; strings are bytes, names str."""
    stack: list = []
    arrays: list[list] = []
    i = 0
    while i < len(data):
        m = _TOKEN.match(data, i)
        if not m:
            i += 1
            continue
        kind, tok = m.lastgroup, m.group()
        i = m.end()
        if kind in ("ws", "dict", "other"):
            continue
        value: Any
        if kind == "lit":
            value, i = _literal(data, i)
        elif kind == "hex":
            digits = re.sub(rb"\s", b"", tok[1:-1])
            value = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
        elif kind == "name":
            value = _name(tok)
        elif kind == "num":
            value = float(tok)
        elif tok == b"[":
            arrays.append([])
            continue
        elif tok == b"]":
            value = arrays.pop() if arrays else []
        else:
            if tok == b"BI":  # inline image: its data is not tokenisable, and never text
                end = data.find(b"EI", i)
                i = len(data) if end < 0 else end + 2
                stack.clear()
                continue
            yield tok.decode("latin-1"), stack
            stack = []
            continue
        (arrays[-1] if arrays else stack).append(value)


SHOWS_KEY = "/VhpdfShows"  # on appearance streams vhpdf drew: digest of (value, content)


def shown_digest(text: str, content: bytes) -> str:
    """Binds an appearance stream to the value it was drawn for.

    vhpdf stores it on the streams it writes; a reader that finds it matching both the field's
    current value and the stream's content knows what the stream prints without painting it.
    Changing either the value or the content breaks the match, so only untouched vhpdf output
    takes the shortcut.
    """
    import hashlib

    return hashlib.sha256(text.encode("utf-8") + b"\0" + content).hexdigest()[:32]
