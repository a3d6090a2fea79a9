"""A copy's pages as PDFium (pypdfium2) sees them: glyph and shape records for the page readers.

PDFium interprets a page some twenty times faster than pdfminer, which decides whether a printed
copy can be read in a tenth of a second. The records keep pdfplumber's shape (keys x0, x1, y0,
y1, top, bottom, text, fontname, size; coordinates in points, y0/y1 from the bottom,
top/bottom from the top of the page as displayed), so the reading logic in pagetext stays as it
was; a glyph's origin as displayed is in keys ox and oy, where pdfplumber had the last two terms
of its matrix. A record holds only strings and numbers, so Python's garbage collector does not
track it: a page's 2,000 records would otherwise make it scan the whole heap once or twice per
copy read. A glyph's box is its advance width and the font size from a descent below its baseline, as
pdfminer measured it. Clip paths are not looked at: as with pdfminer, a value a clip cuts off is
recognised by its run going on past its box (pagetext.values_from_page).

Lines of text are built as pdfplumber did without layout: words are glyphs closer than 3 pt,
words whose tops lie within 3 pt form one line.
"""

from __future__ import annotations

import ctypes
import itertools
import struct
from functools import cached_property
from operator import itemgetter

from vhpdf.pdf.drawn import concat

X_TOL = 3.0  # pdfplumber's default word and line tolerances, which the anchors were tuned with
Y_TOL = 3.0

_PATH, _IMAGE, _FORM = 2, 3, 5  # FPDF_PAGEOBJ_*
_MOVETO = 2  # FPDF_SEGMENT_MOVETO
_ROTATIONS = {0: 0, 1: 90, 2: 180, 3: 270}


class PageSizeError(Exception):
    """A page without a usable size (MediaBox)."""


def open_document(data: bytes):
    """The PDFium document of `data` (kept alive by the returned object)."""
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


class Page:
    """One page, loaded on first use: its size, glyphs, shapes and images. `close` releases
    PDFium's page at once; a closed page is not loaded again."""

    def __init__(self, doc, index: int, boxes: _Boxes):
        self.doc, self.index, self._boxes = doc, index, boxes
        self._handle = None
        self._text = None  # PDFium's text page, open from first use until the glyphs are read
        self._closed = False
        self._fonts: dict = {}
        self.error: Exception | None = None  # why the page could not be loaded
        self.tried = False  # whether loading was attempted

    @property
    def handle(self):
        if self._handle is None:
            if self._closed:
                raise ValueError("page closed")
            self._handle = self.doc[self.index]
        return self._handle

    def _loaded(self) -> bool:
        """Load the page; False (and `error` set) if PDFium cannot, e.g. a broken page object:
        such a page shows nothing, as pdfminer skipped it."""
        from pypdfium2 import PdfiumError

        self.tried = True
        try:
            self.handle  # noqa: B018 - loads it
        except PdfiumError as exc:
            self.error = exc
            return False
        return True

    @cached_property
    def _geometry(self) -> tuple[float, float, tuple]:
        """Width and height upright, and the map PDF user space -> upright page with the origin
        bottom left (pdfminer's ctm): the page as displayed (its /Rotate applied), then turned
        so that most of its text reads left to right (see _reading_turn)."""
        import pypdfium2.raw as raw

        left, bottom, right, top = self._boxes.mediabox(self.handle, self.index)
        rotation = _ROTATIONS.get(raw.FPDFPage_GetRotation(self.handle.raw), 0)
        x0, x1 = min(left, right), max(left, right)
        y0, y1 = min(bottom, top), max(bottom, top)
        view: tuple = {0: (1, 0, 0, 1, -x0, -y0), 90: (0, -1, 1, 0, -y0, x1),
                       180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}[rotation]
        w, h = x1 - x0, y1 - y0
        if rotation in (90, 270):
            w, h = h, w
        turn = self._reading_turn(raw, view)
        if turn:  # the displayed page (w x h) turned clockwise by `turn` degrees
            view = concat(view, {90: (0, -1, 1, 0, 0, w), 180: (-1, 0, 0, -1, w, h),
                                 270: (0, 1, -1, 0, h, 0)}[turn])
            if turn != 180:
                w, h = h, w
        return w, h, tuple(float(v) for v in view)

    def _reading_turn(self, raw, view: tuple) -> int:
        """How far (0, 90, 180 or 270 degrees clockwise) the displayed page must be turned for
        the text of most glyphs to run left to right. A page turned in a viewer (/Rotate), by a
        printer driver (landscape, a rotating cm) or fed upside down shows its text turned; the
        form's layout, footer strip and anchors are upright. A minority of turned text (a
        stamp, a margin note) does not turn the page. Glyphs are sampled (at most ~200): their
        matrix is their text object's, and a page has a few hundred of those."""
        if not self._loaded():
            return 0
        calls = _c(raw)
        tp = self._text_page().raw
        tpa = ctypes.cast(tp, ctypes.c_void_p).value
        mat = ctypes.create_string_buffer(_MATRIX.size)
        mata = ctypes.addressof(mat)
        count = raw.FPDFText_CountChars(tp)
        votes = [0, 0, 0, 0]  # text running right, up, left, down on the displayed page
        for i in range(0, max(count, 0), max(1, count // 200)):
            if calls.matrix(tpa, i, mata):
                a, b = _MATRIX.unpack_from(mat)[:2]
                dx, dy = a * view[0] + b * view[2], a * view[1] + b * view[3]
                votes[(0 if dx > 0 else 2) if abs(dx) >= abs(dy) else (1 if dy > 0 else 3)] += 1
        most = max(range(4), key=votes.__getitem__)
        return 90 * most if 2 * votes[most] > sum(votes) else 0

    def _text_page(self):
        if self._text is None:
            self._text = self.handle.get_textpage()
        return self._text

    @property
    def width(self) -> float:
        return self._geometry[0]

    @property
    def height(self) -> float:
        return self._geometry[1]

    @property
    def view(self) -> tuple:
        return self._geometry[2]

    @cached_property
    def chars(self) -> list[dict]:
        """The glyphs in content-stream order. Key run numbers the text runs: consecutive glyphs
        on one baseline, in one font and size, moving right (the next field starts after a gap)."""
        import pypdfium2.raw as raw

        if not self._loaded():
            return []
        try:
            return self._chars(raw, self._text_page().raw)
        finally:
            self._close_text()

    def _close_text(self) -> None:
        if self._text is not None:
            self._text.close()
            self._text = None

    def _chars(self, raw, tp) -> list[dict]:
        # PDFium is asked through C prototypes over plain addresses (see _Calls), a third of the
        # cost of pypdfium2's typed bindings, which convert and check every argument
        calls = _c(raw)
        text_object, map_error = calls.text_object, calls.map_error
        char_origin, loose_box = calls.origin, calls.loose_box
        tpa = ctypes.cast(tp, ctypes.c_void_p).value
        buf = ctypes.create_string_buffer(_GLYPH.size)  # the loose box (FS_RECTF), then the origin
        boxa = ctypes.addressof(buf)
        # the per-glyph calls take pointers as c_void_p objects, made once (see _Calls)
        tpv, boxv, oxv, oyv = (ctypes.c_void_p(v) for v in (tpa, boxa, boxa + 16, boxa + 24))
        unpack = _GLYPH.unpack_from
        mat = ctypes.create_string_buffer(_MATRIX.size)  # FS_MATRIX
        mata = ctypes.addressof(mat)
        view, height = self.view, self.height
        a, b, c, d, e, f = view
        turned = abs(a) < 0.5  # shown turned by 90°: a glyph's advance is its loose box's height
        count = raw.FPDFText_CountChars(tp)
        codes = _all_text(raw, tp, count)
        out: list[dict] = []
        append = out.append
        last = None  # the text object of the glyph before: matrix, size and font are its own
        run, font_before, size_before, y_before, x1_before = -1, "", 0.0, 0.0, 0.0  # the glyph before
        for i in range(count):
            code = codes[i] if codes is not None else 0
            if code < 0x21 or code >= 0xFFFE:  # GetText shows some codes otherwise: ask for these
                code = calls.unicode(tpa, i)
                if code in (0x20, 0x0A, 0x0D) and calls.generated(tpa, i):
                    continue  # spaces and line ends PDFium adds between words, not drawn
            obj = text_object(tpv, i)
            if not obj:
                continue
            if obj != last:
                last = obj
                calls.matrix(tpa, i, mata)
                em = calls.font_size(tpa, i)
                fontname, descent = self._font(raw, calls.font(obj))
                ma, mb, mc, md, _, _ = _MATRIX.unpack_from(mat)
                m = concat((ma, mb, mc, md, 0.0, 0.0), view)
                upright = abs(m[1]) < 1e-6 and abs(m[2]) < 1e-6 and m[0] > 0 and m[3] > 0
                size = em * m[3]
                drop = descent * size
            if code == 0 or map_error(tpv, i):
                text = f"(cid:{code})"  # no text for the glyph: PDFium gives its code, as pdfminer
            else:
                text = chr(code)
            char_origin(tpv, i, oxv, oyv)
            loose_box(tpv, i, boxv)
            left, top, right, bottom, px, py = unpack(buf)  # one read: ctypes fields cost each
            x, y = px * a + py * c + e, px * b + py * d + f
            if upright:
                x0 = x
                x1 = x + (top - bottom if turned else right - left)
                y0 = y + drop
                y1 = y0 + size
                glyph_size = size
            else:  # rotated text: the loose box as displayed
                corners = [_apply(view, cx, cy) for cx in (left, right) for cy in (bottom, top)]
                x0, x1 = min(p[0] for p in corners), max(p[0] for p in corners)
                y0, y1 = min(p[1] for p in corners), max(p[1] for p in corners)
                glyph_size = x1 - x0 if abs(m[1]) > abs(m[0]) else y1 - y0
            reach = 1.0 if glyph_size < 1.0 else glyph_size
            if not (run >= 0 and fontname == font_before and -0.1 < glyph_size - size_before < 0.1
                    and -0.4 * reach < y - y_before < 0.4 * reach
                    and -0.5 * reach <= x0 - x1_before <= 0.5 * reach):
                run += 1
            font_before, size_before, y_before, x1_before = fontname, glyph_size, y, x1
            append({"object_type": "char", "text": text, "fontname": fontname,
                    "size": glyph_size, "x0": x0, "x1": x1, "y0": y0, "y1": y1,
                    "top": height - y1, "bottom": height - y0, "upright": upright,
                    "ox": x, "oy": y, "run": run})
        return out

    def _font(self, raw, address: int | None) -> tuple[str, float]:
        """The base font name and descent (in em) of a font (by address), cached per font."""
        if address not in self._fonts:
            name, descent = "", -0.2
            if address:
                font = ctypes.cast(address, raw.FPDF_FONT)
                size = raw.FPDFFont_GetBaseFontName(font, None, 0)
                buf = ctypes.create_string_buffer(max(size, 1))
                raw.FPDFFont_GetBaseFontName(font, buf, size)
                name = buf.value.decode("utf-8", "replace")
                d = ctypes.c_float()
                if raw.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), d):
                    descent = d.value / 1000
            self._fonts[address] = (name, descent)
        return self._fonts[address]

    @cached_property
    def _objects(self) -> tuple[list[dict], int]:
        """The page's vector shapes (one per subpath, as pdfminer split them) and its image count."""
        import pypdfium2.raw as raw

        shapes: list[dict] = []
        images = 0
        if not self._loaded():
            return shapes, images
        calls = _c(raw)  # plain addresses, as in _chars
        page = ctypes.cast(self.handle.raw, ctypes.c_void_p).value
        todo = [(calls.page_object(page, i), self.view) for i in reversed(range(calls.page_objects(page)))]
        # what a failing call leaves unwritten keeps its value from before, as ctypes variables do
        mat, xy, modes = (ctypes.create_string_buffer(n) for n in (_MATRIX.size, _POINT.size, _MODES.size))
        mat_at, xy_at, modes_at = (ctypes.addressof(b) for b in (mat, xy, modes))
        while todo:
            obj, outer = todo.pop()
            kind = calls.object_type(obj)
            if kind == _IMAGE:
                images += 1
            elif kind in (_FORM, _PATH):
                calls.object_matrix(obj, mat_at)
                m = concat(_MATRIX.unpack_from(mat), outer)
                if kind == _FORM:
                    todo += [(calls.form_object(obj, i), m) for i in reversed(range(calls.form_objects(obj)))]
                    continue
                calls.draw_mode(obj, modes_at, modes_at + 4)
                fill = _MODES.unpack_from(modes)[0]
                subpaths: list[list] = []
                for i in range(calls.segments(obj)):
                    seg = calls.segment(obj, i)
                    calls.segment_point(seg, xy_at, xy_at + 4)
                    if calls.segment_type(seg) == _MOVETO or not subpaths:
                        subpaths.append([])
                    subpaths[-1].append(_apply(m, *_POINT.unpack_from(xy)))
                    if calls.segment_close(seg) and subpaths[-1][-1] != subpaths[-1][0]:
                        subpaths[-1].append(subpaths[-1][0])  # closing draws back to the start
                shapes += [self._shape(pts, bool(fill)) for pts in subpaths if len(pts) > 1]
        return shapes, images

    def _shape(self, pts: list, fill: bool) -> dict:
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        if len(pts) == 2 or (len(pts) == 3 and pts[2] == pts[0]):  # m l, or m l h
            kind = "line"
        elif len(pts) == 5 and pts[0] == pts[4] and len(set(xs)) <= 2 and len(set(ys)) <= 2:
            kind = "rect"
        else:
            kind = "curve"
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        return {"object_type": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1,
                "top": self.height - y1, "bottom": self.height - y0, "fill": fill}

    @property
    def shapes(self) -> list[dict]:
        """Rects, curves and lines (key object_type)."""
        return self._objects[0]

    @property
    def images(self) -> int:
        return self._objects[1]

    def close(self) -> None:
        self._close_text()
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self._closed = True


_GLYPH = struct.Struct("4f2d")  # FS_RECTF (left, top, right, bottom) and two doubles, native alignment
_MATRIX = struct.Struct("6f")  # FS_MATRIX (a, b, c, d, e, f)
_POINT = struct.Struct("2f")  # a path point (x, y)
_MODES = struct.Struct("2i")  # a path's fill mode and stroke flag


class _Calls:
    """PDFium's functions called per glyph, page object or path segment, as C prototypes over
    plain addresses (ints).

    The four called for every glyph are declared without argument types, which saves ctypes
    converting each argument: ctypes then passes a Python int as a C int and a c_void_p object as
    a pointer, so their pointer arguments MUST be c_void_p objects (a plain int would be cut to
    32 bits). Results are ints (or None for a null pointer)."""

    def __init__(self, raw):
        def proto(fn, result, *args):
            address = ctypes.cast(fn, ctypes.c_void_p).value
            assert address, fn  # a bound library function has an address
            return ctypes.CFUNCTYPE(result, *args)(address)

        ptr, i32 = ctypes.c_void_p, ctypes.c_int
        # (text page, glyph index[, out pointers]): pointers as c_void_p objects only
        self.text_object = proto(raw.FPDFText_GetTextObject, ptr)
        self.map_error = proto(raw.FPDFText_HasUnicodeMapError, i32)
        self.origin = proto(raw.FPDFText_GetCharOrigin, i32)
        self.loose_box = proto(raw.FPDFText_GetLooseCharBox, i32)
        self.unicode = proto(raw.FPDFText_GetUnicode, ctypes.c_uint, ptr, i32)
        self.generated = proto(raw.FPDFText_IsGenerated, i32, ptr, i32)
        self.matrix = proto(raw.FPDFText_GetMatrix, i32, ptr, i32, ptr)
        self.font_size = proto(raw.FPDFText_GetFontSize, ctypes.c_double, ptr, i32)
        self.font = proto(raw.FPDFTextObj_GetFont, ptr, ptr)
        self.page_objects = proto(raw.FPDFPage_CountObjects, i32, ptr)
        self.page_object = proto(raw.FPDFPage_GetObject, ptr, ptr, i32)
        self.object_type = proto(raw.FPDFPageObj_GetType, i32, ptr)
        self.object_matrix = proto(raw.FPDFPageObj_GetMatrix, i32, ptr, ptr)
        self.form_objects = proto(raw.FPDFFormObj_CountObjects, i32, ptr)
        self.form_object = proto(raw.FPDFFormObj_GetObject, ptr, ptr, ctypes.c_ulong)
        self.draw_mode = proto(raw.FPDFPath_GetDrawMode, i32, ptr, ptr, ptr)
        self.segments = proto(raw.FPDFPath_CountSegments, i32, ptr)
        self.segment = proto(raw.FPDFPath_GetPathSegment, ptr, ptr, i32)
        self.segment_point = proto(raw.FPDFPathSegment_GetPoint, i32, ptr, ptr, ptr)
        self.segment_type = proto(raw.FPDFPathSegment_GetType, i32, ptr)
        self.segment_close = proto(raw.FPDFPathSegment_GetClose, i32, ptr)


_CALLS: list[_Calls] = []


def _c(raw) -> _Calls:
    if not _CALLS:
        _CALLS.append(_Calls(raw))
    return _CALLS[0]


def _all_text(raw, tp, count: int) -> list[int] | None:
    """The code points of all glyphs in one call, or None where the text does not map one to
    one (a character beyond the BMP takes two UTF-16 units)."""
    buf = ctypes.create_string_buffer((count + 1) * 2)
    got = raw.FPDFText_GetText(tp, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    codes = list(memoryview(buf.raw[:max(got - 1, 0) * 2]).cast("H"))  # UTF-16LE, little-endian host
    if len(codes) != count or any(0xD800 <= c < 0xE000 for c in codes):
        return None
    return codes


def pages(doc, data: bytes, count: int) -> list[Page]:
    """The first `count` pages of `doc`, each loaded when first used."""
    boxes = _Boxes(data)
    return [Page(doc, i, boxes) for i in range(min(count, len(doc)))]


class _Boxes:
    """Page sizes. PDFium gives a page without a MediaBox of its own a default size; whether it
    inherits one from the page tree is asked of pypdf, only for such pages."""

    def __init__(self, data: bytes):
        self.data = data
        self.reader = None

    def mediabox(self, page, index: int) -> tuple:
        import pypdfium2.raw as raw

        box = [ctypes.c_float() for _ in range(4)]
        if raw.FPDFPage_GetMediaBox(page.raw, *box):
            return tuple(v.value for v in box)
        if self.reader is None:
            self.reader = _pypdf(self.data)
        if self.reader is False:  # pypdf cannot parse what PDFium could: PDFium's size
            w, h = page.get_size()
            return 0.0, 0.0, w, h
        inherited = _inherited_mediabox(self.reader, index)
        if inherited is None:
            raise PageSizeError
        return inherited


def _pypdf(data: bytes):
    import io

    from vhpdf.pdf.pypdf_compat import pdf_reader

    try:
        return pdf_reader(io.BytesIO(data))
    except (MemoryError, RecursionError):
        raise
    except Exception:  # noqa: BLE001 - any parser failure: no second opinion
        return False


def _inherited_mediabox(reader, index: int) -> tuple | None:
    """The page's MediaBox as pypdf finds it (its own or inherited), None if it has none."""
    try:
        box = reader.pages[index].get("/MediaBox")
        if box is None:
            return None
        values = tuple(float(v) for v in box.get_object())
        return values if len(values) == 4 else None
    except (MemoryError, RecursionError):
        raise
    except Exception:  # noqa: BLE001 - a box pypdf cannot read is no usable size
        return None


def text_lines(chars: list[dict]) -> list[dict]:
    """Lines of text as pdfplumber's extract_text_lines: text, x0, x1, top, bottom and the
    glyphs (a glyph whose text has several letters, a ligature or "(cid:N)", once per letter)."""
    words = _words(chars)
    ids = _cluster_ids([w["top"] for w in words])
    lines = []
    for _, group in itertools.groupby(zip(words, ids), key=lambda p: p[1]):
        line = [w for w, _ in group]
        text = " ".join(w["text"] for w in line).strip(" ")
        gl = [c for w in line for c in w["chars"]]
        if text.strip() and gl:
            lines.append({"text": text, "x0": min(w["x0"] for w in line), "x1": max(w["x1"] for w in line),
                          "top": min(w["top"] for w in line), "bottom": max(w["bottom"] for w in line),
                          "chars": gl})
    return lines


def extract_text(chars: list[dict]) -> str:
    """The text of some glyphs, line by line (pdfplumber's extract_text without layout)."""
    words = _words(chars)
    return "\n".join(" ".join(w["text"] for w in line) for line in _cluster(words, "top"))


LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_SET = frozenset(LIGATURES)


def _cluster_ids(values: list[float]) -> list[int]:
    """Per value its cluster: sorted distinct values chained within Y_TOL share one
    (pdfplumber's make_cluster_dict)."""
    label: dict[float, int] = {}
    n, last = -1, None
    for v in sorted(set(values)):
        if last is None or v > last + Y_TOL:
            n += 1
        label[v] = n
        last = v
    return [label[v] for v in values]


def _cluster(objs: list[dict], key: str) -> list[list[dict]]:
    """Objects grouped by cluster of `key`, groups in cluster order, objects in their order."""
    ids = _cluster_ids([o[key] for o in objs])
    groups: list[list[dict]] = [[] for _ in range(max(ids, default=-1) + 1)]  # ids run 0..n
    for o, i in zip(objs, ids):
        groups[i].append(o)
    return groups


def _words(chars: list[dict]) -> list[dict]:
    """pdfplumber's words: runs of upright or rotated glyphs, lines by position across the
    text direction, glyphs sorted along it, split at blanks and gaps."""
    words: list[dict] = []
    for upright, group in itertools.groupby(chars, key=itemgetter("upright")):
        for line in _cluster(list(group), "top" if upright else "x0"):
            line.sort(key=itemgetter("x0") if upright else itemgetter("top", "bottom"))
            current: list[dict] = []
            prev: dict = {}
            for c in line:
                if c["text"].isspace():
                    if current:
                        words.append(_word(current))
                    current = []
                    continue
                if current and (
                        (c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + X_TOL
                         or abs(c["top"] - prev["top"]) > Y_TOL) if upright else
                        (c["top"] < prev["top"] or c["top"] > prev["bottom"] + Y_TOL
                         or abs(c["x0"] - prev["x0"]) > X_TOL)):
                    words.append(_word(current))
                    current = [c]
                else:
                    current.append(c)
                prev = c
            if current:
                words.append(_word(current))
    return words


def _word(chars: list[dict]) -> dict:
    texts = [c["text"] for c in chars]
    x0, x1, top, bottom = chars[0]["x0"], chars[0]["x1"], chars[0]["top"], chars[0]["bottom"]
    for c in chars:
        if c["x0"] < x0:
            x0 = c["x0"]
        if c["x1"] > x1:
            x1 = c["x1"]
        if c["top"] < top:
            top = c["top"]
        if c["bottom"] > bottom:
            bottom = c["bottom"]
    text = "".join(texts)
    if len(text) == len(texts) and _LIGATURE_SET.isdisjoint(texts):  # one letter per glyph
        return {"text": text, "chars": chars, "x0": x0, "x1": x1, "top": top, "bottom": bottom}
    return {"text": "".join(LIGATURES.get(t, t) for t in texts),
            "chars": [c for c in chars for _ in LIGATURES.get(c["text"], c["text"])],
            "x0": x0, "x1": x1, "top": top, "bottom": bottom}


def crop(chars: list[dict], x0: float, top: float, x1: float, bottom: float) -> list[dict]:
    """The glyphs touching a box (top/bottom from the page's top), cut to it as pdfplumber's
    crop did: the footer's text is what lies within the box."""
    out = []
    for c in chars:
        if c["bottom"] < top or c["top"] > bottom or c["x1"] < x0 or c["x0"] > x1:
            continue  # wholly outside (the test below says so too, at more cost)
        left, right = max(c["x0"], x0), min(c["x1"], x1)
        upper, lower = max(c["top"], top), min(c["bottom"], bottom)
        if lower - upper >= 0 and right - left >= 0 and (lower - upper) + (right - left) > 0:
            out.append(dict(c, x0=left, x1=right, top=upper, bottom=lower))
    return out
