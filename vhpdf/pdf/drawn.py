"""What a field's appearance stream actually draws, decoded to text.

A filler may store a name correctly in /V and still draw it wrongly ("Do?an", empty boxes, or
nothing at all) because its font lacks the glyphs. Viewers and printers show the appearance
stream, so the receiving side reads it back: the text-showing operators of the widget's /N
appearance, decoded through each font's ToUnicode map or encoding. A code a font cannot map
decodes as U+FFFD. Only pypdf objects are touched here; no rendering, no reportlab.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from pypdf.generic import DictionaryObject

from vhpdf.pdf.contentstream import SHOWS_KEY, shown_digest
from vhpdf.pdf.contentstream import operations as _operations
from vhpdf.pdf.flags import AnnotationFlag, FieldFlag
from vhpdf.pdf.pypdf_compat import core_font_metrics, simple_encodings, stored_digest

MAX_DEPTH = 4
MAX_OPS = 20000
UNKNOWN = "\ufffd"

class _FontDecoder:
    """Bytes shown with one font -> (character, advance in 1/1000 em) pairs."""

    def __init__(self, font: DictionaryObject | None):
        self.two_byte = False
        self.map: dict[int, str] = {}
        self.widths: dict[int, float] = {}
        self.default_width = 500.0
        self.char_widths: dict[str, float] = {}
        if font is None:
            return
        font = font.get_object()
        self.two_byte = font.get("/Subtype") == "/Type0"
        if self.two_byte:
            self._cid_widths(font)
        else:
            self.map = _simple_encoding(font)
            self._simple_widths(font)
        tu = font.get("/ToUnicode")
        if tu is not None and hasattr(tu.get_object(), "get_data"):
            self.map.update(_parse_cmap(tu.get_object().get_data()))

    def _cid_widths(self, font) -> None:
        desc = font.get("/DescendantFonts")
        cid = desc.get_object()[0].get_object() if desc is not None else {}
        self.default_width = float(cid.get("/DW", 1000))
        w = list(cid.get("/W", ()) or ())
        i = 0
        while i + 1 < len(w):
            first = int(w[i])
            nxt = w[i + 1].get_object() if hasattr(w[i + 1], "get_object") else w[i + 1]
            if isinstance(nxt, list):
                for k, v in enumerate(nxt):
                    self.widths[first + k] = float(v)
                i += 2
            elif i + 2 < len(w):
                for code in range(first, min(int(nxt), first + 0xFFFF) + 1):
                    self.widths[code] = float(w[i + 2])
                i += 3
            else:
                break

    def _simple_widths(self, font) -> None:
        widths = font.get("/Widths")
        if widths is not None:
            first = int(font.get("/FirstChar", 0))
            self.widths = {first + k: float(v) for k, v in enumerate(widths.get_object())}
            fd = font.get("/FontDescriptor")
            self.default_width = float(fd.get_object().get("/MissingWidth", 0)) if fd else 0.0
            return
        CORE_FONT_METRICS = core_font_metrics()
        base = str(font.get("/BaseFont", "/Helvetica"))[1:].split("+")[-1]
        metrics = CORE_FONT_METRICS.get(base) or CORE_FONT_METRICS["Helvetica"]
        self.char_widths = metrics.character_widths
        self.default_width = float(self.char_widths.get("default", 500))

    def glyphs(self, data: bytes) -> list[tuple[str, float, bool]]:
        """(character, width, is single-byte space) for each code in `data`."""
        if self.two_byte:
            codes = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
        else:
            codes = list(data)
        out = []
        for c in codes:
            char = self.map.get(c, UNKNOWN)
            if c in self.widths:
                width = self.widths[c]
            else:
                width = float(self.char_widths.get(char, self.default_width))
            out.append((char, width, not self.two_byte and c == 32))
        return out


def _simple_encoding(font) -> dict[int, str]:
    adobe_glyphs, charset_encoding = simple_encodings()

    enc = font.get("/Encoding")
    enc = enc.get_object() if enc is not None else None
    base_font = str(font.get("/BaseFont", ""))
    base: str | None
    if isinstance(enc, str) or hasattr(enc, "startswith"):
        base = str(enc)
        diffs = None
    else:
        base = str(enc.get("/BaseEncoding", "/StandardEncoding")) if enc is not None else None
        diffs = enc.get("/Differences") if enc is not None else None
    if base is None:
        base = ("/ZapfDingbats" if "ZapfDingbats" in base_font else
                "/Symbol" if base_font.endswith("Symbol") else "/StandardEncoding")
    table = charset_encoding.get(base, charset_encoding["/StandardEncoding"])
    out = {i: c for i, c in enumerate(table) if c and c != "\x00"}
    code = 0
    for item in diffs or ():
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, (int, float)) and not isinstance(item, str):
            code = int(item)
            continue
        name = str(item)
        char = adobe_glyphs.get(name)
        if char is None and re.fullmatch(r"/uni[0-9A-Fa-f]{4}", name):
            char = chr(int(name[4:], 16))
        out[code] = char if char is not None else UNKNOWN
        code += 1
    return out


def _cmap_text(hexstr: bytes) -> str:
    raw = bytes.fromhex(hexstr.decode())
    return raw.decode("utf-16-be", "replace")


def _parse_cmap(data: bytes) -> dict[int, str]:
    """bfchar and bfrange entries of a ToUnicode CMap."""
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = _cmap_text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, rest in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])",
                                       block):
            lo, hi = int(lo, 16), int(hi, 16)
            if hi - lo > 0xFFFF:
                continue
            if rest.startswith(b"["):
                for k, dst in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", rest)):
                    out[lo + k] = _cmap_text(dst)
            else:
                start = bytes.fromhex(rest[1:-1].decode())
                for k in range(hi - lo + 1):
                    if not start:
                        break
                    last = int.from_bytes(start[-2:], "big") + k
                    out[lo + k] = (start[:-2] + last.to_bytes(2, "big")).decode("utf-16-be", "replace")
    return out


def _fonts(resources, fallback) -> dict:
    fonts = {}
    for res in (fallback, resources):
        res = res.get_object() if res is not None else None
        f = res.get("/Font") if res is not None and hasattr(res, "get") else None
        if f is not None:
            fonts.update(f.get_object())
    return fonts


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
TOLERANCE = 1.0  # points a glyph may reach past its box and still count as printed


def concat(m: Matrix, n: Matrix) -> Matrix:
    """m × n (apply m first, then n), as PDF concatenates matrices."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _matrix(args) -> Matrix | None:
    if len(args) == 6 and all(isinstance(a, float) for a in args):
        return tuple(args)
    return None


@dataclass(eq=False)  # never compared: no generated __eq__ (import time)
class _TextState:
    """The graphics and text state an appearance stream changes while it draws."""

    ctm: Matrix
    font: _FontDecoder
    size: float = 0.0
    tc: float = 0.0  # character spacing
    tw: float = 0.0  # word spacing
    th: float = 1.0  # horizontal scaling
    rise: float = 0.0
    leading: float = 0.0
    tm: Matrix = IDENTITY
    lm: Matrix = IDENTITY


_TEXT_PARAMETERS = {"Tc": "tc", "Tw": "tw", "TL": "leading", "Ts": "rise"}


# Font decoders by the digest of the bytes their font objects are stored as (stored_digest), per
# process: requests filled from one blank form carry its fonts byte for byte.
_DECODERS: dict[str, _FontDecoder] = {}
MAX_SHARED_FONTS = 64


class _Painter:
    """Follows the text state of an appearance stream and collects the glyphs inside its box."""

    def __init__(self, bbox: tuple[float, float, float, float], default_resources,
                 cache: dict | None = None):
        self.bbox = bbox
        self.cache = {} if cache is None else cache  # font object -> decoder, per document
        self.default_resources = default_resources
        self.out: list[str] = []
        self.ops = 0

    def decoder(self, font) -> _FontDecoder:
        ref = getattr(font, "indirect_reference", None) or (
            font if hasattr(font, "idnum") else None)
        key = (ref.idnum, ref.generation) if ref is not None else id(font)
        if key not in self.cache:
            digest = stored_digest(ref, self.cache) if ref is not None else None
            if digest is None:
                self.cache[key] = _FontDecoder(font)
            else:  # the same font bytes as in an earlier file (the blank form's): decoded once
                if digest not in _DECODERS:
                    if len(_DECODERS) >= MAX_SHARED_FONTS:
                        _DECODERS.clear()
                    _DECODERS[digest] = _FontDecoder(font)
                self.cache[key] = _DECODERS[digest]
        return self.cache[key]

    def visible(self, m: Matrix, x: float, y: float, width: float, size: float, hsize: float) -> bool:
        """Whether a glyph at (x, y) in text space under `m` (text matrix × CTM) lies in the box:
        its origin, its advance and its top (600/1000 em) must all be inside."""
        x0, y0, x1, y1 = self.bbox
        a, b, c, d, e, f = m
        for px, py in ((x, y), (x + width / 1000.0 * hsize, y), (x, y + 0.6 * size)):
            gx, gy = a * px + c * py + e, b * px + d * py + f
            if not (x0 - TOLERANCE <= gx <= x1 + TOLERANCE and y0 - TOLERANCE <= gy <= y1 + TOLERANCE):
                return False
        return True

    def draw(self, stream, ctm: Matrix, depth: int) -> None:
        """Follow one content stream (and the form XObjects it paints) under `ctm`."""
        stream = stream.get_object()
        if not hasattr(stream, "get_data") or depth > MAX_DEPTH:
            return
        try:
            data = stream.get_data()
        except Exception:  # a broken filter draws nothing a viewer could show either
            return
        resources = stream.get("/Resources")
        fonts = _fonts(resources, self.default_resources)
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        decoders: dict[str, _FontDecoder] = {}
        state = _TextState(ctm, _FontDecoder(None))
        stack: list[Matrix] = []
        for op, args in _operations(data):
            self.ops += 1
            if self.ops > MAX_OPS:
                break
            if op == "q":
                stack.append(state.ctm)
            elif op == "Q":
                state.ctm = stack.pop() if stack else state.ctm
            elif op == "cm" and (m := _matrix(args)):
                state.ctm = concat(m, state.ctm)
            elif op == "Tf" and len(args) == 2 and isinstance(args[0], str):
                if args[0] not in decoders:
                    decoders[args[0]] = self.decoder(fonts.get(args[0]))
                state.font = decoders[args[0]]
                state.size = float(args[1]) if isinstance(args[1], float) else 0.0
            elif op == "Do" and args and xobjects is not None:
                xo = xobjects.get_object().get(args[0])
                if xo is not None and xo.get_object().get("/Subtype") == "/Form":
                    m = _matrix([float(v) for v in xo.get_object().get("/Matrix", IDENTITY)])
                    self.draw(xo, concat(m or IDENTITY, state.ctm), depth + 1)
            else:
                self.text_operator(state, op, args)

    def text_operator(self, st: _TextState, op: str, args: list) -> None:
        """Text positioning, text state and text showing operators (ISO 32000-1, 9.3-9.4)."""
        num = [a for a in args if isinstance(a, float)]
        if op == "BT":
            st.tm = st.lm = IDENTITY
        elif op in _TEXT_PARAMETERS and len(num) == 1:
            setattr(st, _TEXT_PARAMETERS[op], num[0])
        elif op == "Tz" and len(num) == 1:
            st.th = num[0] / 100.0
        elif op in ("Td", "TD") and len(num) == 2:
            if op == "TD":
                st.leading = -num[1]
            self.newline(st, num[0], num[1])
        elif op == "T*":
            self.newline(st, 0.0, -st.leading)
        elif op == "Tm" and (m := _matrix(args)):
            if st.tm[5] != m[5]:
                self.out.append("\n")
            st.tm = st.lm = m
        elif op in ("Tj", "'", '"') and args and isinstance(args[-1], bytes):
            if op != "Tj":
                if op == '"' and len(num) >= 2:
                    st.tw, st.tc = num[0], num[1]
                self.newline(st, 0.0, -st.leading)
            self.show(st, [args[-1]])
        elif op == "TJ" and args and isinstance(args[0], list):
            self.show(st, args[0])

    def show(self, st: _TextState, strings: list) -> None:
        # The text matrix only moves along its x axis while a string is shown, so each glyph is
        # placed by an offset under one matrix instead of a matrix product per glyph.
        hsize = st.size * st.th
        for item in strings:
            if isinstance(item, float):
                st.tm = concat((1.0, 0.0, 0.0, 1.0, -item / 1000.0 * hsize, 0.0), st.tm)
                continue
            m = concat(st.tm, st.ctm)
            x = 0.0
            for char, width, space in st.font.glyphs(item):
                if self.visible(m, x, st.rise, width, st.size, hsize):
                    self.out.append(char)
                x += (width / 1000.0 * st.size + st.tc + (st.tw if space else 0.0)) * st.th
            st.tm = concat((1.0, 0.0, 0.0, 1.0, x, 0.0), st.tm)

    def newline(self, st: _TextState, tx: float, ty: float) -> None:
        st.lm = concat((1.0, 0.0, 0.0, 1.0, tx, ty), st.lm)
        st.tm = st.lm
        if ty:
            self.out.append("\n")


_SHOWS_SOMETHING = re.compile(rb"T[jJ]|['\"]|Do")


def printed_text(widget: DictionaryObject, default_resources, cache: dict | None = None,
                 stored: str | None = None) -> str:
    """The text a widget's normal appearance shows when printed ("" for none).

    An appearance vhpdf drew for exactly the `stored` value (see shown_digest) is not painted
    again: checking many files, painting every appearance would cost more than parsing them.
    """
    flags = int(widget.get("/F", 0) or 0)
    if not flags & AnnotationFlag.PRINT or flags & AnnotationFlag.HIDDEN:
        return ""
    ap = widget.get("/AP")
    normal = ap.get_object().get("/N") if ap is not None else None
    if normal is None:
        return ""
    normal = normal.get_object()
    if not hasattr(normal, "get_data"):  # a state dictionary: text fields do not have one
        state = widget.get("/AS")
        normal = normal.get(state) if state is not None else None
        if normal is None:
            return ""
    try:
        bbox = [float(v) for v in normal.get("/BBox")]
        box = (min(bbox[0], bbox[2]), min(bbox[1], bbox[3]), max(bbox[0], bbox[2]),
               max(bbox[1], bbox[3]))
    except (TypeError, ValueError, IndexError):
        return ""
    content = normal.get_data()
    marker = normal.get(SHOWS_KEY)
    if marker is not None and str(marker) == shown_digest(stored or "", content):
        return "\n".join(ln for ln in (stored or "").split("\n") if ln.strip())
    if not _SHOWS_SOMETHING.search(content):  # no text operator, no nested form: prints nothing
        return ""
    painter = _Painter(box, default_resources, cache)
    matrix = _matrix([float(v) for v in normal.get("/Matrix", IDENTITY)]) or IDENTITY
    painter.draw(normal, matrix, 0)
    lines = "".join(painter.out).split("\n")
    return "\n".join(ln for ln in lines if ln.strip())


class AppearanceKind(enum.Enum):
    TEXT = "text"  # a text or choice field: `printed` is its text
    BUTTON = "button"  # a checkbox or radio group: `printed` is the on-state shown ticked


@dataclass(frozen=True, eq=False)  # never compared: no generated __eq__/__hash__ (import time)
class Appearance:
    """What a field shows in print: the text of a text/choice field and the box it has to
    fit, or for a checkbox/radio group the state name shown ticked ("" none)."""

    printed: str
    width: float
    height: float
    multiline: bool
    kind: AppearanceKind = AppearanceKind.TEXT


def _printed_state(attrs: dict, widgets: list) -> str:
    """The on-states a button field's widgets print, joined by "|" ("" if none is ticked)."""
    shown: list[str] = []
    for w in widgets:
        flags = int(w.get("/F", 0) or 0)
        ap = w.get("/AP")
        normal = ap.get_object().get("/N") if ap is not None else None
        normal = normal.get_object() if normal is not None else None
        state = str(w.get("/AS", "/Off"))
        if (not flags & AnnotationFlag.PRINT or flags & AnnotationFlag.HIDDEN or state == "/Off" or normal is None
                or hasattr(normal, "get_data") or state not in normal):
            continue
        name = state[1:]
        opts = attrs.get("/Opt")
        if name.isdigit() and opts is not None and int(name) < len(opts.get_object()):
            name = str(opts.get_object()[int(name)])
        if name not in shown:
            shown.append(name)
    return "|".join(shown)


def field_appearance(attrs: dict, widgets: list, default_resources,
                     cache: dict | None = None) -> Appearance | None:
    """The printed appearance of a text/choice field's first widget, or of a checkbox or radio
    group's widgets (None for other types)."""
    ft, flags = str(attrs.get("/FT", "")), int(attrs.get("/Ff", 0) or 0)
    if ft == "/Btn" and widgets and not flags & FieldFlag.PUSHBUTTON:
        try:
            return Appearance(_printed_state(attrs, widgets), 0.0, 0.0, False, AppearanceKind.BUTTON)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None
    if ft not in ("/Tx", "/Ch") or not widgets:
        return None
    widget = widgets[0]
    try:
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    multiline = bool(int(attrs.get("/Ff", 0) or 0) & FieldFlag.MULTILINE)
    stored = attrs.get("/V")
    stored = stored.get_object() if stored is not None else None
    stored = str(stored).replace("\r\n", "\n").replace("\r", "\n") if isinstance(stored, str) else None
    try:
        printed = printed_text(widget, default_resources, cache, stored)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeError):
        return None  # an unreadable appearance is not worth losing the values over
    return Appearance(printed, abs(x2 - x1), abs(y2 - y1), multiline)


def read_appearances(fields: dict, default_resources) -> dict[str, Appearance]:
    """name -> Appearance for every text, choice and button field of a field tree (name -> (attrs, node,
    widgets)); fonts are decoded once per document."""
    cache: dict = {}
    return {name: ap for name, (attrs, _, widgets) in fields.items()
            if (ap := field_appearance(attrs, widgets, default_resources, cache)) is not None}
