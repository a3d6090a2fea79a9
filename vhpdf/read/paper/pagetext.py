"""Reading a form without fields: values from the page text inside each field's rectangle.

A printed-to-PDF or flattened copy keeps what the widgets showed as ordinary page content. The
layout that drew the form (layout.compute_layout) says where every value was; the printed footer
names form, version and page count, and the printed labels serve as anchors to correct any
scaling or shift a printing program introduced. Pages are read with PDFium (pdfium.py).

Multi-line values: the appearance wraps greedily, so a line break is taken as a typed newline
exactly when the next line's first word would still have fitted on the line before; otherwise it
was a wrap and becomes a space (or nothing, where a word longer than the line was split). A typed
newline exactly where the text would have wrapped anyway therefore reads as a space. Empty lines
are counted from the distance between baselines. Trailing spaces and empty lines at the very end
are not visible on the page and are lost.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from vhpdf.form.definition import Field, FieldType, FormDefinition, Value
from vhpdf.form.identity import PageInfo, parse_footer
from vhpdf.form.layout import CHECK_BUTTON, LINE_H, FrameShape, Layout, Rect, Widget
from vhpdf.form.messages import text as message
from vhpdf.pdf.font import PS_NAME  # the embedded font of the form's text appearances
from vhpdf.read.paper.widgets import blank_lines, read_widgets, typed_newline

CID = re.compile(r"\(cid:\d+\)")
SPACE_EM = 0.278  # width of a space in Helvetica-like fonts, in em, if none is measured


class NotReadableError(Exception):
    """Pages that look like the form but cannot be read (e.g. OCR missing); message German."""


@dataclass(frozen=True)
class Transform:
    """Maps layout coordinates (points, bottom-left origin) to page coordinates."""

    sx: float = 1.0
    tx: float = 0.0
    sy: float = 1.0
    ty: float = 0.0

    def rect(self, r: Rect, grow: float = 0.0) -> Rect:
        return Rect(r.x * self.sx + self.tx - grow, r.y * self.sy + self.ty - grow,
                    r.w * self.sx + 2 * grow, r.h * self.sy + 2 * grow)


def fit_axis(pairs: list[tuple[float, float]], default_scale: float = 1.0) -> tuple[float, float]:
    """Robust scale and offset with page = scale * layout + offset from anchor pairs."""
    if not pairs:
        return default_scale, 0.0
    if len(pairs) < 4:
        offs = sorted(p - default_scale * a for a, p in pairs)
        return default_scale, offs[len(offs) // 2]
    slopes = sorted((p2 - p1) / (a2 - a1) for (a1, p1) in pairs for (a2, p2) in pairs
                    if a2 - a1 > 50)
    scale = slopes[len(slopes) // 2] if slopes else default_scale
    offs = sorted(p - scale * a for a, p in pairs)
    offset = offs[len(offs) // 2]
    inliers = [(a, p) for a, p in pairs if abs(p - scale * a - offset) < 3 * max(scale, 1)]
    if len(inliers) >= 4:  # least squares on the inliers
        n = len(inliers)
        ma = sum(a for a, _ in inliers) / n
        mp = sum(p for _, p in inliers) / n
        var = sum((a - ma) ** 2 for a, _ in inliers)
        if var > 0:
            scale = sum((a - ma) * (p - mp) for a, p in inliers) / var
            offset = mp - scale * ma
    return scale, offset


def normalise(text: str) -> str:
    return " ".join(text.split())


class Marks:
    """A page's glyphs and paths indexed by the height of their centre (see Glyphs)."""

    def __init__(self, objects: list[dict]):
        centres = [(o["y0"] + o["y1"]) / 2 for o in objects]
        order = sorted(range(len(objects)), key=centres.__getitem__)  # stable: ties in page order
        self.heights = [centres[i] for i in order]
        self.objects = [objects[i] for i in order]

    def near(self, y0: float, y1: float) -> list[dict]:
        """The objects whose centre lies between the heights y0 and y1."""
        return self.objects[bisect.bisect_left(self.heights, y0):bisect.bisect_right(self.heights, y1)]


def box_marked(marks: Marks, box: Rect) -> bool:
    """True if anything (glyph, path) is drawn inside a checkbox/radio box besides its frame."""
    inset = box.w * 0.12
    x0, y0, x1, y1 = box.x + inset, box.y + inset, box.x + box.w - inset, box.y + box.h - inset
    for o in marks.near(y0, y1):
        ox0, ox1, oy0, oy1 = o["x0"], o["x1"], o["y0"], o["y1"]
        cx, cy = (ox0 + ox1) / 2, (oy0 + oy1) / 2
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            continue
        if o["object_type"] == "char":
            if o["text"].strip():
                return True
            continue
        if (ox1 - ox0) < box.w * 0.85 or (oy1 - oy0) < box.h * 0.85:
            return True  # smaller than the frame: a mark, not the outline
        if o.get("fill") and (ox1 - ox0) < box.w * 1.05:
            return True
    return False


@dataclass
class _Line:
    base: float
    chars: list = field(default_factory=list)

    @property
    def size(self) -> float:
        return max(c["size"] for c in self.chars)

    def visible(self) -> list:
        return [c for c in self.chars if c["text"].strip()]

    def text(self) -> str:
        out: list[str] = []
        prev = None
        for c in sorted(self.chars, key=lambda c: c["x0"]):
            if not c["text"].strip():
                if out and out[-1] != " ":
                    out.append(" ")
                prev = None
                continue
            if prev is not None and c["x0"] - prev["x1"] > 0.2 * c["size"] and out[-1] != " ":
                out.append(" ")
            out.append(c["text"])
            prev = c
        return "".join(out).strip()


def group_lines(chars: list[dict]) -> list[_Line]:
    """Chars (origin inside a field) grouped into text lines, top line first."""
    lines: list[_Line] = []
    for c in sorted(chars, key=lambda c: -c["oy"]):
        y = c["oy"]
        if lines and abs(lines[-1].base - y) < 0.4 * max(c["size"], 1):
            lines[-1].chars.append(c)
        else:
            lines.append(_Line(y, [c]))
    return [ln for ln in lines if ln.visible()]


def join_lines(lines: list[_Line], rect: Rect) -> str:
    """Rebuild a multi-line value, telling typed newlines from the appearance's wrapping."""
    if not lines:
        return ""
    texts = [ln.text() for ln in lines]
    left = min(min(c["x0"] for c in ln.visible()) for ln in lines)
    pad = max(0.0, left - rect.x)
    avail = rect.w - 2 * pad
    gaps = [a.base - b.base for a, b in zip(lines, lines[1:])]
    leading = min(gaps + [1.3 * lines[0].size])
    out = texts[0]
    for prev, line, text, prev_text, gap in zip(lines, lines[1:], texts[1:], texts, gaps):
        blank = blank_lines(gap, leading)
        if blank:
            out += "\n" * (blank + 1) + text
            continue
        vis = sorted(line.visible(), key=lambda c: c["x0"])
        pvis = sorted(prev.visible(), key=lambda c: c["x0"])
        size = prev.size
        spaces = [c["x1"] - c["x0"] for c in prev.chars + line.chars if not c["text"].strip()
                  and c["x1"] > c["x0"]]
        space = spaces[0] if spaces else SPACE_EM * size
        used = pvis[-1]["x1"] - pvis[0]["x0"]
        first_word = text.split(" ")[0]
        word_chars = vis[:len(first_word)]
        word_w = word_chars[-1]["x1"] - word_chars[0]["x0"] if word_chars else 0.0
        if " " not in prev_text and used + (vis[0]["x1"] - vis[0]["x0"]) > avail - 0.3:
            out += text  # a word longer than the line was split
        elif typed_newline(used, space, word_w, avail - 0.3):
            out += "\n" + text
        else:
            out += " " + text
    return out


TOL = 0.5  # points a glyph's origin may lie outside a box and still count as inside


class Glyphs:
    """A page's characters indexed by the height of their origin, so that finding those inside
    a box costs a binary search instead of a scan of the whole page for every widget."""

    def __init__(self, chars: list[dict]):
        self.chars = chars
        self.xs = [c["ox"] for c in chars]
        ys = [c["oy"] for c in chars]
        self.order = sorted(range(len(chars)), key=ys.__getitem__)
        self.heights = [ys[i] for i in self.order]

    def inside(self, r: Rect, right: float | None = None,
               keep: Callable[[dict], bool] | None = None) -> list[dict]:
        """The characters whose origin lies in `r` (up to `right`), in page order; with `keep`,
        only those it accepts."""
        x1 = r.x + r.w + TOL if right is None else right
        lo = bisect.bisect_left(self.heights, r.y - TOL)
        hi = bisect.bisect_right(self.heights, r.y + r.h + TOL)
        xs = self.xs
        hits = sorted(i for i in self.order[lo:hi] if r.x - TOL <= xs[i] <= x1)
        return [self.chars[i] for i in hits if keep is None or keep(self.chars[i])]


def text_value(f: Field, chars: list[dict], rect: Rect) -> str | None:
    """The text `chars` show in `rect`: for a single-line value, the glyphs up to the next field
    in the row, as some fillers do not shrink long values to fit; for a multi-line one, those in
    the box."""
    lines = group_lines(chars)
    if not lines:
        return None
    if f.multiline:
        text = join_lines(lines, rect)
    else:
        text = " ".join(ln.text() for ln in lines)
    return text or None


@dataclass
class Decoding:
    """Character corrections learnt from the printed labels, for copies with a wrong /ToUnicode.

    Some programs (mutool convert 1.21) re-embed fonts with a broken text mapping: the glyphs are
    right but the extracted characters are not. The labels are known text, so each label line
    whose visible characters match one to one teaches what an extracted character really is.
    Where a font's mapping was found broken, its non-ASCII characters not confirmed by a label are
    doubtful; so are those of fonts no label shows, except the form's own embedded font VhpdfSans
    (a Type0 font whose /ToUnicode vhpdf writes; copy programs keep it, while the broken mapping
    comes from re-embedding the simple label fonts).

    Glyphs without any mapping — "(cid:N)" or U+FFFD, e.g. the empty boxes pdftk prints with an
    embedded font — are undecodable: a value made only of them is not shown by the copy at all.
    """

    table: dict[tuple[str, str], str] = field(default_factory=dict)
    trusted: set[tuple[str, str]] = field(default_factory=set)
    conflicts: set[tuple[str, str]] = field(default_factory=set)
    label_fonts: set[str] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)  # fields whose printed value has no text
    doubted: list[str] = field(default_factory=list)  # fields with characters of doubtful mapping

    def learn(self, layout: Layout, page: int, lines: list[dict]) -> None:
        expected: dict[tuple[int, int], list[str]] = {}
        for t in layout.texts:
            if t.page == page:
                text = t.text.replace("\xa0", " ")  # a no-break space prints as a space
                expected.setdefault((round(t.y), len(text.replace(" ", ""))), []).append(text)
        for ln in lines:
            glyphs = ln.get("chars", [])
            if ln["text"].isascii() and "(cid:" not in ln["text"] and len(set(map(id, glyphs))) == len(glyphs):
                continue  # one ASCII letter per glyph, none a ligature: the test below, cheaper
            chars = [c for i, c in enumerate(glyphs)
                     if c["text"].strip() and (i == 0 or c is not glyphs[i - 1])]
            vis = [(c["fontname"], c["text"]) for c in chars]
            if not vis or all(len(t) == 1 and t.isascii() for _, t in vis):
                continue
            y = chars[0]["oy"]
            for dy in (-1, 0, 1):
                for cand in expected.get((round(y) + dy, len(vis)), []):
                    pairs = list(zip(vis, cand.replace(" ", "")))
                    if sum(a[1] == b for a, b in pairs) < 0.7 * len(pairs):
                        continue
                    self.label_fonts |= {a[0] for a in vis}
                    for a, b in pairs:
                        if a[1] == b:
                            if not b.isascii():
                                self.trusted.add(a)
                        elif self.table.get(a, b) != b:
                            self.conflicts.add(a)
                        else:
                            self.table[a] = b

    @property
    def broken(self) -> bool:
        return bool(self.table)

    def broken_font(self, font: str) -> bool:
        """The font's mapping was found wrong, or (where any was) it cannot be checked."""
        if any(f == font for f, _ in self.table) or any(f == font for f, _ in self.conflicts):
            return True
        return (self.broken and font not in self.label_fonts
                and font.split("+")[-1] != PS_NAME)

    def decode(self, chars: list[dict]) -> None:
        """Correct glyph records in place: their text, and keys doubtful and undecodable. Each
        font and text is judged once (a page has some 2,000 glyphs but few distinct ones)."""
        if not self.table and not self.conflicts:  # nothing to correct: only textless glyphs doubt
            for c in chars:
                text = c["text"]
                c["doubtful"] = c["undecodable"] = "(cid:" in text or "\ufffd" in text
            return
        seen: dict[tuple[str, str], tuple[str, bool, bool]] = {}
        for c in chars:
            key = (c["fontname"], c["text"])
            got = seen.get(key)
            if got is None:
                got = seen[key] = (self.char(c), self.doubtful(c), self.undecodable(c))
            c["text"], c["doubtful"], c["undecodable"] = got

    def char(self, c: dict) -> str:
        key = (c["fontname"], c["text"])
        return self.table.get(key, c["text"]) if key not in self.conflicts else c["text"]

    def undecodable(self, c: dict) -> bool:
        key = (c["fontname"], c["text"])
        return (("(cid:" in c["text"] or "\ufffd" in c["text"])
                and (key not in self.table or key in self.conflicts))

    def doubtful(self, c: dict) -> bool:
        key = (c["fontname"], c["text"])
        if self.undecodable(c):
            return True
        return (not c["text"].isascii() and key not in self.table and key not in self.trusted
                and self.broken_font(c["fontname"]))


def _cut_off(chars: Glyphs, rect: Rect, label_bases: list[float]) -> bool:
    """Text drawn just below a box, not printed by the layout: a value the box clips.
    `label_bases` (sorted): the baselines of the printed labels, which are not such text."""
    below = Rect(rect.x, rect.y - 2 * LINE_H, rect.w, 2 * LINE_H - 0.5)
    for c in chars.inside(below):
        if c["text"].strip():
            y = c["oy"]
            i = bisect.bisect_left(label_bases, y - 0.6)
            if not (i < len(label_bases) and label_bases[i] <= y + 0.6):
                return True
    return False


def page_anchors(layout: Layout, page: int, lines: list[dict], shapes: list[dict]) -> Transform:
    """Fit layout → page coordinates: y from printed lines of text found whole (headings,
    labels), then x from the printed field boxes at those heights. Copies printed to another
    paper size or with margins are scaled and shifted; this undoes it."""
    wanted: dict[str, list] = {}
    for t in layout.texts:
        if t.page == page and t.align == "left" and len(t.text) >= 6:
            wanted.setdefault(normalise(t.text), []).append(t)
    xs, ys = [], []
    for ln in lines:
        key = normalise(ln["text"])
        if key in wanted and len(wanted[key]) == 1 and ln.get("chars"):
            t = wanted[key][0]
            ox, oy = ln["chars"][0]["ox"], ln["chars"][0]["oy"]
            xs.append((t.x, ox))
            ys.append((t.y, oy))
    sy, ty = fit_axis(ys)
    boxes = [f.rect for f in layout.frames if f.page == page and f.shape is FrameShape.BOX and f.rect.w > 30]
    for r in boxes:
        y0, y1 = r.y * sy + ty, (r.y + r.h) * sy + ty
        hits = [s for s in shapes if abs(s["y0"] - y0) < 1.5 and abs(s["y1"] - y1) < 1.5
                and s["x1"] - s["x0"] > 20]
        if len(hits) == 1:
            xs += [(r.x, hits[0]["x0"]), (r.x + r.w, hits[0]["x1"])]
    sx, tx = fit_axis(xs)
    return Transform(sx, tx, sy, ty)


def footer_of(lines: list[dict], height: float) -> PageInfo:
    bottom = " ".join(ln["text"] for ln in lines if ln["bottom"] > height * 0.9)
    return parse_footer(bottom)


def _not_check_button(obj: dict) -> bool:
    """False for the caption of the on-screen check button at the top right of page 1.

    The button is not printed, but programs that copy the screen view (mutool convert, PyMuPDF
    bake) draw it, and its caption would join the title's text line, which is a label anchor.
    """

    if obj.get("object_type") != "char" or not obj["fontname"].endswith(PS_NAME):
        return True
    r = CHECK_BUTTON
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["y0"] + obj["y1"]) / 2
    return not (r.x - 2 <= cx <= r.x + r.w + 2 and r.y - 2 <= cy <= r.y + r.h + 2)


# A page larger than A2 cannot be a print or scan of the A4 form, and rendering it for OCR takes
# gigabytes (a 2083 pt square page: 1.2 GB); it is not read as a scan.
MAX_SCAN_AREA = 4 * 595.0 * 842.0
FOOTER_WITHIN = 3  # the form's first footer is on one of the first pages (a cover sheet or two)


def read_text_pages(pages: list, form: FormDefinition) -> tuple[list[PageInfo], list, list[int]]:
    """Footer info and text lines for pages (pdfium.Page), and the pages that look like images
    (scans, or text a printer driver turned into outlines: read by OCR).

    Stops after FOOTER_WITHIN pages that all have text but none this form's footer: such a
    document cannot be this form. Pages without the footer are released at once, so memory
    stays at about one page.
    """
    from vhpdf.read.paper.pdfium import crop, extract_text, text_lines

    infos: list[PageInfo] = []
    all_lines: list = []
    image_like: list[int] = []
    for i, page in enumerate(pages):
        if i >= FOOTER_WITHIN and not image_like and not any(info.form_id for info in infos):
            break
        info, lines = PageInfo(), []
        chars = page.chars
        if chars:  # the footer strip first: pages of other documents cost little
            width, height = page.width, page.height
            strip = crop(chars, 0, height * 0.9, width, height)
            info = parse_footer(" ".join(extract_text(strip).split()))
        if info.form_id:
            if info.page_no in (1, None):
                chars = [c for c in chars if not c["fontname"].endswith(PS_NAME) or _not_check_button(c)]
            lines = text_lines(chars)
            info = footer_of(lines, page.height)
        elif (len(chars) < 20
              and (page.images or sum(s["object_type"] == "curve" for s in page.shapes) > 200)
              and page.width * page.height <= MAX_SCAN_AREA):
            image_like.append(i)
        if not info.form_id:
            pages[i].close()
        infos.append(info)
        all_lines.append(lines)
    return infos, all_lines, image_like


def values_from_page(form: FormDefinition, layout: Layout, index: int, page, lines: list,
                     values: dict[str, Value], uncertain: list[str], decoding: Decoding,
                     notes: list[str]) -> None:
    """Fill `values` with what page `index` (pdfium.Page) shows in its widgets."""
    shapes = [o for o in page.shapes if o["object_type"] != "line"]
    tr = page_anchors(layout, index, lines, shapes)
    chars = page.chars  # read once, after decoding.learn saw every page: corrected in place
    decoding.decode(chars)
    text_widgets = [w for w in layout.widgets if w.page == index
                    and w.field.type in (FieldType.TEXT, FieldType.CHOICE)]
    # the same bounds as Glyphs.inside, computed once per widget instead of once per glyph
    bounds = [(w.field.name, r.x - TOL, r.x + r.w + TOL, r.y - TOL, r.y + r.h + TOL)
              for w in text_widgets for r in (tr.rect(w.rect),)]
    bands: dict[int, list] = {}  # 10 pt bands of height -> the boxes reaching into them, in order
    for b in bounds:
        for k in range(int(b[3] // 10), int(b[4] // 10) + 1):
            bands.setdefault(k, []).append(b)
    # a viewer draws a field's value as one run (see pdfium.Page.chars), so a glyph belongs to
    # the field its run starts in, wherever a long value runs on to
    owner: dict[int, str] = {}  # run -> the field whose box its first glyph is in
    for c in chars:
        if c["run"] not in owner and c["text"].strip():
            x, y = c["ox"], c["oy"]
            for name, x0, x1, y0, y1 in bands.get(int(y // 10), ()):
                if x0 <= x <= x1 and y0 <= y <= y1:
                    owner[c["run"]] = name
                    break
    owned: dict[str, list[dict]] = {}  # field -> the glyphs of its runs, in page order
    for c in chars:
        if (name := owner.get(c["run"])) is not None:
            owned.setdefault(name, []).append(c)
    marks = Marks(chars + page.shapes)
    glyphs = Glyphs(chars)
    widgets = [w for w in layout.widgets if w.page == index]
    label_bases = sorted(t.y * tr.sy + tr.ty for t in layout.texts if t.page == index)

    def read_text(w: Widget) -> None:
        f, rect = w.field, tr.rect(w.rect)
        nxt = [o.rect.x for o in widgets if o.rect.x > w.rect.x + w.rect.w
               and o.rect.y < w.rect.y + w.rect.h and o.rect.y + o.rect.h > w.rect.y]
        right = tr.rect(Rect(min(nxt, default=page.width) - 1, 0, 0, 0)).x

        def mine(c: dict) -> bool:  # not another field's run
            return owner.get(c["run"], f.name) == f.name

        hits = glyphs.inside(rect, right, mine)
        value = text_value(f, glyphs.inside(rect, None, mine) if f.multiline else hits, rect)
        shown = [c for c in hits if c["text"].strip()]
        doubt = any(c["doubtful"] for c in shown)
        if value and doubt:
            decoding.doubted.append(f.name)
        if value and any(c["ox"] > right and c["text"].strip() for c in owned.get(f.name, ())):
            # the value's own run goes on into the next field's box: on paper it is clipped there
            # (pdf.js) or overprints the neighbour; either way the rest is not readable
            doubt = True
            notes.append(message("lesen.seitentext_ueber_rand", label=f.label))
        if value and all(c["undecodable"] for c in shown):
            # glyphs without text (pdftk's empty boxes): the copy does not show the value
            decoding.unreadable.append(f.name)
            uncertain.append(f.name)
            values[f.name] = None
            return
        if value:
            value = CID.sub("\ufffd", value)
        if value and _cut_off(glyphs, rect, label_bases):
            doubt = True
            notes.append(message("lesen.seitentext_abgeschnitten", label=f.label))
        if value and f.type is FieldType.CHOICE and value not in f.option_values:
            value = next((o for o in f.option_values if normalise(o) == value), value)
        values[f.name] = value
        if value and doubt:
            uncertain.append(f.name)

    read_widgets(widgets, values, lambda w: box_marked(marks, tr.rect(w.rect)), read_text)


