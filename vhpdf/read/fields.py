"""The AcroForm field tree of a received PDF, walked by hand: names, raw values, annexes.

Reads the field tree itself (not via pypdf's get_fields) so that values stored on the parent or
on a widget kid, any checkbox on-state name and radio groups with /Opt are all read the same
way, and so that a looping or absurdly deep tree cannot hang the reader (limits below).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from vhpdf.form.definition import Value
from vhpdf.form.messages import text
from vhpdf.pdf.flags import FieldFlag, field_flags
from vhpdf.pdf.pypdf_compat import pdfdoc_table
from vhpdf.read.errors import LimitError

MAX_DEPTH = 32  # field and page tree levels
MAX_FIELDS = 10_000  # terminal fields; the form itself has a few hundred
MAX_NODES = 50_000  # field tree nodes visited


_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _decode_string(value) -> tuple[str, bool]:
    """A PDF string as text, and whether it was odd (UTF-16 without BOM, invalid bytes)."""
    raw = getattr(value, "original_bytes", None)
    if not isinstance(raw, bytes) or len(raw) < 2:
        return str(value), False
    if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
        codec = "utf-16-be" if raw[:2] == b"\xfe\xff" else "utf-16-le"
        body = raw[2:]
        text = body[: len(body) // 2 * 2].decode(codec, "surrogatepass")
        return text, len(body) % 2 == 1
    if raw[:3] == b"\xef\xbb\xbf":
        text = raw[3:].decode("utf-8", "replace")
        return text, "\ufffd" in text
    if len(raw) % 2 == 0:
        even, odd = raw[0::2], raw[1::2]
        if not even.strip(b"\x00") and odd.strip(b"\x00"):
            return raw.decode("utf-16-be", "surrogatepass"), True
        if not odd.strip(b"\x00") and even.strip(b"\x00"):
            return raw.decode("utf-16-le", "surrogatepass"), True
    if getattr(value, "autodetect_utf16", False):  # pypdf guessed UTF-16 where there is no BOM
        return _pdfdoc(raw), True
    return str(value), False


def _pdfdoc(raw: bytes) -> str:
    """PDFDocEncoding; bytes it leaves undefined are taken as Latin-1 (control bytes get removed)."""
    table = pdfdoc_table()
    if table is None:  # a pypdf without it: Latin-1 is close enough
        return raw.decode("latin-1")
    return "".join(table[b] if table[b] != "\x00" else chr(b) for b in raw)


def clean_text(text: str) -> tuple[str, bool]:
    """NFC text without control or bidi-override characters and without lone surrogates.

    Returns the cleaned text and whether anything had to be removed or replaced.
    """
    fixed = _SURROGATE.sub("\ufffd", text)
    fixed = _CONTROL.sub("", fixed)
    odd = fixed != text or "\ufffd" in fixed
    return unicodedata.normalize("NFC", fixed), odd


def _text(value) -> tuple[str | None, bool]:
    if value is None:
        return None, False
    value = value.get_object()
    odd = False
    if hasattr(value, "get_data"):  # rich text or a stream-valued /V
        value = value.get_data().decode("utf-8", "replace")
    if isinstance(value, list):
        parts = [_decode_string(v) for v in value]
        value, odd = "\n".join(p[0] for p in parts), any(p[1] for p in parts)
    elif hasattr(value, "original_bytes"):  # a PDF string (text or bytes)
        value, odd = _decode_string(value)
    else:
        value = str(value)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text, odd2 = clean_text(text)
    return (text if text.strip() else None), odd or odd2


def _name(value) -> str | None:
    if value is None:
        return None
    text = str(value.get_object())
    text = text[1:] if text.startswith("/") else text
    return None if text in ("", "Off") else text


class FieldTree:
    """Walks /AcroForm /Fields into terminal fields: name -> [(attrs, field dict, widgets)]."""

    def __init__(self, complaints=lambda: 0):
        self.fields: dict[str, list[tuple]] = {}
        self.seen: set[int] = set()
        self.launch = False
        self.nodes = 0
        # how often the parser has complained so far: a complaint while a field's dictionaries
        # were parsed means the parser may have dropped part of them (its value, say)
        self.complaints = complaints
        self.doubtful: set[str] = set()  # fields (or field subtrees) parsed with complaints

    def walk(self, refs, prefix: str, inherited: dict, depth: int, path: frozenset = frozenset()) -> None:
        if depth > MAX_DEPTH:
            raise LimitError(text("lesen.felder_zu_tief"))
        refs = refs.get_object() if hasattr(refs, "get_object") else (refs or [])
        for ref in refs if isinstance(refs, list) else ():
            before = self.complaints()
            node = ref.get_object()
            key = id(node) if ref.indirect_reference is None else ref.indirect_reference.idnum
            if key in path:
                raise LimitError(text("lesen.felder_schleife"))
            if key in self.seen or not hasattr(node, "get"):
                continue  # listed twice, or a junk entry
            self.seen.add(key)
            self.nodes += 1
            if self.nodes > MAX_NODES or len(self.fields) > MAX_FIELDS:
                raise LimitError(text("lesen.zu_viele_felder", anzahl=f"{MAX_FIELDS:,}".replace(",", ".")))
            self.launch = self.launch or has_launch(node)
            partial = node.get("/T")
            if partial is not None:
                partial = clean_text(_decode_string(partial.get_object())[0])[0]
            name = f"{prefix}.{partial}" if prefix and partial is not None else (
                str(partial) if partial is not None else prefix)
            attrs = dict(inherited)
            for k in ("/FT", "/Ff", "/V", "/Opt"):
                if k in node:
                    attrs[k] = node[k]
            kids_obj = node.get("/Kids")
            kids_obj = kids_obj.get_object() if kids_obj is not None else []
            kids = [k for k in (kids_obj if isinstance(kids_obj, list) else [])
                    if hasattr(k.get_object(), "get")]
            field_kids = [k for k in kids if "/T" in k.get_object()]
            if self.complaints() > before:
                self.doubtful.add(name)
            if field_kids:
                self.walk(field_kids, name, attrs, depth + 1, path | {key})
                continue
            widgets = [k.get_object() for k in kids] or [node]
            for w in widgets:
                self.launch = self.launch or has_launch(w)
            self.fields.setdefault(name, []).append((attrs, node, widgets))


def has_launch(node) -> bool:
    """Whether a dictionary's /A or /AA holds a /Launch action (never executed, only reported)."""
    for key in ("/A", "/AA", "/OpenAction"):
        action: Any = node.get(key)
        action = action.get_object() if action is not None else None
        if not hasattr(action, "get"):
            continue
        actions = [action] if "/S" in action else [a.get_object() for a in action.values()]
        if any(hasattr(a, "get") and a.get("/S") == "/Launch" for a in actions):
            return True
    return False


def check_pages(root) -> None:
    """Walks the page tree (only /Kids, no content) so that a loop in it is reported."""
    def walk(node, depth: int, path: frozenset) -> None:
        if depth > MAX_DEPTH:
            raise LimitError(text("lesen.seiten_zu_tief"))
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else []
        for ref in kids if isinstance(kids, list) else []:
            key = ref.idnum if hasattr(ref, "idnum") else id(ref)
            if key in path:
                raise LimitError(text("lesen.seiten_schleife"))
            kid = ref.get_object()
            if hasattr(kid, "get"):
                walk(kid, depth + 1, path | {key})

    pages = root.get("/Pages")
    if pages is not None and hasattr(pages.get_object(), "get"):
        start = pages.idnum if hasattr(pages, "idnum") else id(pages)
        walk(pages.get_object(), 0, frozenset({start}))


def terminal_fields(fields_array) -> dict[str, tuple]:
    """The terminal fields of an /AcroForm /Fields array: name -> (attrs, field dict, widgets).

    For writers that redraw fields (druck, flatten); the last of duplicate names wins, which
    is safe because read_pdf refuses conflicting duplicates before any redraw.
    """
    tree = FieldTree()
    tree.walk(fields_array, "", {}, 0)
    return {name: entries[-1] for name, entries in tree.fields.items()}


def field_value(attrs: dict, node, widgets: list) -> Value:
    """The value a terminal field holds (see raw_value), without the odd-character flag."""
    return raw_value(attrs, node, widgets)[0]


def raw_value(attrs: dict, node, widgets: list) -> tuple[Value, bool]:
    ft = str(attrs.get("/FT", ""))
    flags = field_flags(attrs.get("/Ff"))
    v = attrs.get("/V")
    if v is None:  # some fillers put the value on the widget instead of the field
        v = next((w["/V"] for w in widgets if "/V" in w), None)
    if ft == "/Btn":
        if flags & FieldFlag.PUSHBUTTON:
            return None, False
        state = _name(v) if v is not None else next(
            (s for w in widgets if (s := _name(w.get("/AS")))), None)
        if flags & FieldFlag.RADIO:
            opts = attrs.get("/Opt")
            if state is not None and opts is not None and state.isdigit():
                opts = opts.get_object()
                if int(state) < len(opts):
                    return _text(opts[int(state)])
            return state, False
        return state is not None, False
    if ft == "/Sig":
        return v is not None, False
    return _text(v)


def _resolved(value) -> list:
    """An array that may be given indirectly, or [] if it is missing or no array."""
    value = value.get_object() if value is not None else None
    return list(value) if isinstance(value, list) else []


def embedded_files(root) -> tuple[str, ...]:
    """Names of the files embedded in the document: the /EmbeddedFiles name tree and
    /FileAttachment annotations. Only names are read, never the files' contents."""

    def spec_name(spec) -> str:
        spec = spec.get_object() if spec is not None else None
        if hasattr(spec, "get"):
            for key in ("/UF", "/F", "/DOS", "/Unix", "/Mac"):
                if spec.get(key) is not None:
                    return str(spec[key].get_object())
        return str(spec) if isinstance(spec, str) else text("lesen.datei_ohne_namen")

    names: list[str] = []
    seen: set[int] = set()

    def walk(node, depth: int) -> None:
        node = node.get_object() if node is not None else None
        if depth > MAX_DEPTH or not hasattr(node, "get") or id(node) in seen:
            return
        seen.add(id(node))
        pairs = _resolved(node.get("/Names"))
        for i in range(0, len(pairs) - 1, 2):
            names.append(spec_name(pairs[i + 1]) or str(pairs[i]))
        for kid in _resolved(node.get("/Kids")):
            walk(kid, depth + 1)

    tree: Any = root.get("/Names")
    tree = tree.get_object() if tree is not None else None
    if hasattr(tree, "get"):
        walk(tree.get("/EmbeddedFiles"), 0)

    def pages(node, depth: int):  # the page tree walked directly: cheaper than reader.pages
        node = node.get_object() if node is not None else None
        if depth > MAX_DEPTH or not hasattr(node, "get") or id(node) in seen:
            return
        seen.add(id(node))
        if "/Kids" not in node:
            yield node
        for kid in _resolved(node.get("/Kids")):
            yield from pages(kid, depth + 1)

    for page in pages(root.get("/Pages"), 0):
        for annot in _resolved(page.get("/Annots")):
            annot = annot.get_object()
            if hasattr(annot, "get") and annot.get("/Subtype") == "/FileAttachment":
                names.append(spec_name(annot.get("/FS")))
    return tuple(names)


def is_js(action) -> bool:
    action = action.get_object() if action is not None else None
    return hasattr(action, "get") and action.get("/S") == "/JavaScript"
