"""Scanned copies: image pages read with Tesseract (German) inside the known layout.

Each image page is rendered (pypdfium2, as the page text is read), deskewed by the projection
profile of its printed lines, and aligned to the layout by matching the printed frames (box edges
and rules) to the page's dark rows and columns. Checkboxes and radio buttons are judged by the ink
inside their boxes; text fields are cropped, cleaned of frame lines and read with one Tesseract
call per page. A value is reported uncertain when Tesseract is unsure, when it breaks the field's
format, or when a box is neither clearly empty nor clearly marked — never silently guessed.

Needs the `tesseract` program with German data (Debian: tesseract-ocr, tesseract-ocr-deu) and
numpy (extra `vhpdf[ocr]`). Handwriting is not read.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

from vhpdf.form.definition import FieldType, FormDefinition, Value
from vhpdf.form.identity import PageInfo, parse_footer
from vhpdf.form.layout import PAGE_H, FrameShape, Layout, Rect, Widget
from vhpdf.form.messages import text as message
from vhpdf.read.paper.pagetext import NotReadableError, Transform
from vhpdf.read.paper.widgets import blank_lines, read_widgets, typed_newline

DPI = 300
SCALE = DPI / 72.0
# A page larger than A4 is rendered with no more pixels than an A4 page at DPI: deskewing works on
# float copies of the image, so an A3 page at 300 dpi took 590 MB; a form scaled onto the larger
# page still gets about DPI, and memory stays bounded for any page.
MAX_PIXELS = 1.1 * 595.0 * 842.0 * SCALE * SCALE  # A4 and Letter pages keep exactly DPI
CONFIDENT = 75  # Tesseract word confidence (0–100) below which a value is doubtful
EMPTY_INK, MARK_INK = 0.04, 0.12  # ink share inside a box: below = empty, above = marked
DASHES = "-–—‐‑"  # a scan does not tell a hyphen from a dash: such values are always doubtful
# ; and : after a word look alike; $ is a misread §; a lone I, l or 1 before a number (a court
# register, "7 I 12/26") is any of the three; a single low quote is a misread accent or ø.
AMBIGUOUS = re.compile(r"[:;](\s|$)|\$|(^|\s)[Il1|]\s+\d|\u201a")


def _need_tools():
    try:
        import numpy  # noqa: F401
    except ImportError:
        raise NotReadableError(message("lesen.scan_ohne_numpy")) from None
    if not shutil.which("tesseract"):
        raise NotReadableError(message("lesen.scan_ohne_tesseract"))


def tesseract(image, psm: int = 6) -> list[dict]:
    """Words with boxes and confidences from one Tesseract run over a PIL image."""
    import io

    buf = io.BytesIO()
    image.save(buf, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    run = subprocess.run(["tesseract", "stdin", "stdout", "-l", "deu", "--psm", str(psm),
                          "--dpi", str(DPI), "tsv"], input=buf.getvalue(), capture_output=True,
                         env=env, timeout=120)
    if run.returncode != 0:
        msg = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise NotReadableError(message("lesen.texterkennung_fehlgeschlagen", fehler=msg[0]))
    words = []
    for line in run.stdout.decode("utf-8", "replace").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        words.append({"block": int(cols[2]), "par": int(cols[3]), "line": int(cols[4]),
                      "x0": int(cols[6]), "top": int(cols[7]), "x1": int(cols[6]) + int(cols[8]),
                      "bottom": int(cols[7]) + int(cols[9]), "conf": float(cols[10]),
                      "text": cols[11].strip()})
    return words


def _deskew(gray):
    """The page turned straight, judged by the sharpness of its row profile."""
    import numpy as np
    from PIL import Image

    small = gray.resize((gray.width // 3, gray.height // 3))

    def score(angle: float) -> float:
        rot = np.asarray(small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)) < 150
        rows = rot.sum(axis=1).astype(float)
        return float((np.diff(rows) ** 2).sum())

    best = max((a / 10 for a in range(-30, 31, 2)), key=score)
    best = max((best + a / 100 for a in range(-15, 16, 3)), key=score)
    return gray.rotate(best, resample=Image.Resampling.BICUBIC, fillcolor=255), best


def _sideways(gray) -> bool:
    """Whether the page's lines of text run up or down: lines across make sharp row profiles,
    lines upright sharp column profiles (on the form about 2:1 either way; judged on a third of
    the resolution, some 50 ms)."""
    import numpy as np

    ink = np.asarray(gray.resize((gray.width // 3, gray.height // 3))) < 150
    rows, cols = (ink.sum(axis=k).astype(float) for k in (1, 0))
    return float((np.diff(cols) ** 2).sum()) > float((np.diff(rows) ** 2).sum())


def _profiles(arr):
    """Dark-pixel counts per row and column, counting only long straight runs (lines)."""
    import numpy as np

    dark = arr < 140
    # keep pixels that belong to horizontal (vertical) runs: AND over a sliding window of ~3 mm
    k = int(SCALE * 8)

    def runs(mask, axis):
        c = np.cumsum(mask, axis=axis, dtype=np.int32)
        pad = np.zeros_like(c)
        if axis == 1:
            pad[:, k:] = c[:, :-k]
        else:
            pad[k:, :] = c[:-k, :]
        return (c - pad) >= k

    rows = runs(dark, 1).sum(axis=1).astype(float)
    cols = runs(dark, 0).sum(axis=0).astype(float)
    return rows, cols


def _edges(layout: Layout, page: int) -> tuple[list[float], list[float]]:
    """Layout y of horizontal printed lines and x of vertical ones (points)."""
    ys, xs = [], []
    for fr in layout.frames:
        if fr.page != page or fr.shape is FrameShape.CIRCLE:
            continue
        r = fr.rect
        if fr.shape is FrameShape.RULE:
            ys.append(r.y)
            continue
        if r.w > 30:
            ys += [r.y, r.y + r.h]
        if r.h > 15:
            xs += [r.x, r.x + r.w]
    return ys, xs


def _fit(profile, positions: list[float], flip: bool, length: int) -> tuple[float, float, float]:
    """Best scale and offset mapping layout positions onto profile peaks; returns (s, t, score)."""
    import numpy as np

    if not positions:
        return SCALE, 0.0, 0.0
    smooth = np.convolve(profile, np.ones(5) / 5, mode="same")
    pos = np.array(positions)
    if flip:
        pos = PAGE_H - pos
    best = (SCALE, 0.0, -1.0)
    shifts = np.arange(-int(25 * SCALE), int(25 * SCALE) + 1)
    for s in np.arange(0.95, 1.025, 0.005) * SCALE:
        idx = (pos[None, :] * s + shifts[:, None]).round().astype(int)
        ok = (idx >= 0) & (idx < length)
        vals = np.where(ok, smooth[np.clip(idx, 0, length - 1)], 0).sum(axis=1)
        i = int(vals.argmax())
        if vals[i] > best[2]:
            best = (float(s), float(shifts[i]), float(vals[i]))
    return best


@dataclass
class OcrPage:
    """One deskewed image page, with its footer read; values are read per chosen layout."""

    image: object
    second: _Second  # the same page prepared differently: a second opinion for every text read
    angle: float
    info: PageInfo
    titles: set[int] = field(default_factory=set)
    uncertain: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _profiles: tuple | None = None

    def align(self, layout: Layout, index: int) -> tuple[Transform, float]:
        """Layout points → pixel coordinates (y downwards), and how well the frames matched."""
        import numpy as np

        arr = np.asarray(self.image)
        if self._profiles is None:
            self._profiles = _profiles(arr)
        rows, cols = self._profiles
        ys, xs = _edges(layout, index)
        sy, ty, score_y = _fit(rows, ys, True, len(rows))
        sx, tx, score_x = _fit(cols, xs, False, len(cols))
        total = (score_y / max(len(ys), 1)) + (score_x / max(len(xs), 1))
        # pixel y = sy * (PAGE_H - layout y) + ty  →  as Transform on y: -sy * y + (sy*PAGE_H + ty)
        return Transform(sx, tx, -sy, sy * PAGE_H + ty), total

    def values_for(self, layout: Layout, index: int) -> dict[str, Value]:
        import numpy as np

        tr, _ = self.align(layout, index)
        arr = np.asarray(self.image)
        alt = np.asarray(self.second.image())
        values: dict[str, Value] = {}
        crops = []

        def marked(w: Widget) -> bool:
            ink = _box_ink(arr, _pixel_box(tr, w.rect))
            if EMPTY_INK < ink < MARK_INK:
                self.uncertain.append(w.field.name)
            return ink >= MARK_INK

        def crop_text(w: Widget) -> None:  # read later, all crops of the page in one OCR call
            values[w.field.name] = None
            box = _pixel_box(tr, w.rect)
            crop = _clean_crop(arr, box)
            if crop is not None:
                second = _clean_crop(alt, box)
                crops.append((w, crop, crop if second is None else second))

        read_widgets((w for w in layout.widgets if w.page == index), values, marked, crop_text)
        self._read_texts(crops, values)
        return values

    def _read_texts(self, crops, values: dict[str, Value]) -> None:
        if not crops:
            return
        sheet, first, spans = _read_sheet([(w, c) for w, c, _ in crops])
        _, second, _ = _read_sheet([(w, c) for w, _, c in crops])
        low = 0
        for w, _, _ in crops:
            f = w.field
            mine, other = first.get(f.name, []), second.get(f.name, [])
            if not mine:
                self.uncertain.append(f.name)  # ink but nothing legible
                low += 1
                continue
            value, sure = _normalise(f, _join_words(mine, w.rect.w * SCALE, f.multiline))
            check, _ = _normalise(f, _join_words(other, w.rect.w * SCALE, f.multiline)) if other \
                else ("", False)
            conf = min(wd["conf"] for wd in mine)
            values[f.name] = value
            if (conf < CONFIDENT or not sure or check != value
                    or any(d in value for d in DASHES) or AMBIGUOUS.search(value)
                    or any(unexplained_marks(sheet, wd) for wd in mine)
                    or unread_ink(sheet, spans[f.name], mine)):
                self.uncertain.append(f.name)
            if conf < 40:
                low += 1
        if low >= max(3, len(crops) // 2):
            self.notes.append(message("lesen.scan_kaum_lesbar"))


def _read_sheet(crops) -> tuple[object, dict[str, list[dict]], dict[str, tuple]]:
    """OCR all crops of a page at once (stacked on one sheet); words per field name."""
    import numpy as np
    from PIL import Image

    gap = 40
    width = max(c.shape[1] for _, c in crops) + 2 * gap
    height = sum(c.shape[0] + gap for _, c in crops) + gap
    sheet = np.full((height, width), 255, dtype=np.uint8)
    spans, y = [], gap
    for w, c in crops:
        sheet[y:y + c.shape[0], gap:gap + c.shape[1]] = c
        spans.append((w, y, y + c.shape[0]))
        y += c.shape[0] + gap
    words = [wd for wd in tesseract(Image.fromarray(sheet), psm=6)
             if any(ch.isalnum() for ch in wd["text"]) or wd["conf"] >= 60]
    by_field = {w.field.name: [wd for wd in words if top <= (wd["top"] + wd["bottom"]) / 2 < bottom]
                for w, top, bottom in spans}
    return sheet, by_field, {w.field.name: (top, bottom, gap, gap + c.shape[1])
                             for (w, top, bottom), (_, c) in zip(spans, crops)}


def unread_ink(sheet, span: tuple, words: list[dict]) -> bool:
    """Ink in a field that no read word covers: a dropped character (§, –, a period)."""
    top, bottom, left, right = span
    dark = sheet[top:bottom, left:right] < 110
    for wd in words:
        dark[max(0, wd["top"] - top - 3):max(0, wd["bottom"] - top + 4),
             max(0, wd["x0"] - left - 3):max(0, wd["x1"] - left + 4)] = False
    cols = dark.sum(axis=0)
    run = ink = 0
    for c in list(cols) + [0]:
        if c:
            run += 1
            ink += int(c)
        else:
            if run >= 3 and ink >= 20:
                return True
            run = ink = 0
    return False


def _components(mask) -> list[list[tuple[int, int]]]:
    """8-connected components of a small boolean image."""
    h, w = mask.shape
    seen = set()
    out = []
    for r0, c0 in zip(*mask.nonzero()):
        if (r0, c0) in seen:
            continue
        stack, comp = [(int(r0), int(c0))], []
        seen.add((r0, c0))
        while stack:
            r, c = stack.pop()
            comp.append((r, c))
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < h and 0 <= cc < w and mask[rr, cc] and (rr, cc) not in seen:
                        seen.add((rr, cc))
                        stack.append((rr, cc))
        out.append(comp)
    return out


_ONE_MARK = set("ijéèêáàâíìîóòôúùûñ\"'`´“”‘’^°*")
_TWO_MARKS = set("äöüëïÿÄÖÜËÏ")


def unexplained_marks(sheet, word: dict) -> bool:
    """Marks around the letters (dots, accents, cedillas) that the read text does not explain.

    Tesseract's German model has no ë, å, ó or ç: it reads "Arbër" as "Arber", "Håkon" as
    "Häkon", "Çelik" as "Gelik", all with high confidence. Such reads leave marks on the page
    that their text cannot account for: small detached marks at the top of the word in another
    number than its i/j dots, umlauts and quotes need, or a small mark below the baseline of a
    word without descenders.
    """
    import numpy as np

    height = word["bottom"] - word["top"]
    if height < 8:
        return False
    text = word["text"]
    descends = any(ch in _DESCENDING for ch in text)
    top = max(0, word["top"] - int(0.35 * height))
    bottom = word["bottom"] + 1 + int(0.35 * height)
    box = sheet[top:bottom, word["x0"]:word["x1"] + 1] < 128
    if box.size == 0 or not box.any():
        return False
    rows = box.sum(axis=1)
    baseline = top + int(np.nonzero(rows >= 0.3 * rows.max())[0][-1])  # last full row
    span = max(baseline - word["top"], 1)  # cap top to baseline
    if not descends and word["bottom"] > baseline + 0.12 * span:
        return True  # ink hangs below the line of a word without descenders (Ç read as G)
    above = below = 0
    for comp in _components(box):
        if len(comp) < 4:
            continue
        rs = [r + top for r, _ in comp]
        cs = [c for _, c in comp]
        h, w = max(rs) - min(rs) + 1, max(cs) - min(cs) + 1
        if h > 0.3 * span or w > 0.6 * span:
            continue  # a letter, not a mark
        centre = (max(rs) + min(rs)) / 2
        if centre < word["top"] + 0.3 * span:
            above += 1
        elif min(rs) > baseline + 2 and not descends:
            below += 1
    single = sum(ch in _ONE_MARK for ch in text)
    double = sum(ch in _TWO_MARKS for ch in text)
    return below > 0 or above != single + 2 * double


_DESCENDING = set("gjpqyQ,;()[]{}/|@$§µçÇ_")


def _pixel_box(tr: Transform, r: Rect) -> tuple[int, int, int, int]:
    x0 = r.x * tr.sx + tr.tx
    x1 = (r.x + r.w) * tr.sx + tr.tx
    y_top = (r.y + r.h) * tr.sy + tr.ty
    y_bot = r.y * tr.sy + tr.ty
    return (int(round(x0)), int(round(min(y_top, y_bot))), int(round(x1)),
            int(round(max(y_top, y_bot))))


def _box_ink(arr, box) -> float:
    x0, y0, x1, y1 = box
    inset = max(2, int((x1 - x0) * 0.22))
    inner = arr[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
    if inner.size == 0:
        return 0.0
    return float((inner < 128).mean())


def _clean_crop(arr, box):
    """The inside of a text box without its frame lines and specks, or None if it is empty."""
    import numpy as np

    x0, y0, x1, y1 = box
    m = int(SCALE * 0.9)  # stay inside the frame line, wherever alignment is off a little
    crop = arr[max(0, y0 + m):y1 - m, max(0, x0 + m):x1 - m].copy()
    if crop.size == 0:
        return None
    dark = crop < 140
    crop[dark.mean(axis=1) > 0.5, :] = 255  # remains of horizontal frame lines
    crop[:, dark.mean(axis=0) > 0.6] = 255  # remains of vertical frame lines
    dark = crop < 128
    # specks: a dark pixel with no dark neighbour on either side is noise
    solid = (dark & (np.roll(dark, 1, 0) | np.roll(dark, -1, 0))
             & (np.roll(dark, 1, 1) | np.roll(dark, -1, 1)))
    if solid.sum() < 25:
        return None
    return np.where(crop < 150, crop, 255).astype(np.uint8)


def _font_size(words: list[dict]) -> float:
    """Font size in pixels, from word heights (cap height 0.72 em, with descender 0.93 em)."""
    sizes = [(w["bottom"] - w["top"]) / (0.93 if any(c in "gjpqy,;" for c in w["text"]) else 0.72)
             for w in words if any(c.isalnum() for c in w["text"])]
    return sorted(sizes)[len(sizes) // 2] if sizes else 1.0


def _join_words(words: list[dict], box_w: float, multiline: bool) -> str:
    lines: dict[tuple, list[dict]] = {}
    for wd in words:
        lines.setdefault((wd["block"], wd["par"], wd["line"]), []).append(wd)
    ordered = sorted(lines.values(), key=lambda ws: min(w["top"] for w in ws))
    texts = [" ".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"])) for ws in ordered]
    if not multiline:
        return " ".join(texts)
    pitch = 1.15 * _font_size(words)  # the appearance's leading
    out = texts[0]
    for prev, line, text in zip(ordered, ordered[1:], texts[1:]):
        gap = max(w["bottom"] for w in line) - max(w["bottom"] for w in prev)
        blank = blank_lines(gap, pitch)
        if blank:
            out += "\n" * (blank + 1) + text
            continue
        left = min(w["x0"] for w in prev)
        used = max(w["x1"] for w in prev) - left
        first = min(line, key=lambda w: w["x0"])
        height = max(w["bottom"] - w["top"] for w in prev)
        space = 0.3 * height
        avail = box_w - 4 * SCALE
        out += ("\n" if typed_newline(used, space, first["x1"] - first["x0"], avail - SCALE) else " ") + text
    return out


_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5",
                         ",": ".", "B": "8"})


def _normalise(f, text: str) -> tuple[str, bool]:
    """Tidy an OCR read for its field; returns the value and whether it is plausible (also: it
    has the shape the definition gives every value of the field, `ocr_pattern`)."""
    value, plausible = _tidy(f, text)
    if f.ocr_pattern is not None and not f.ocr_pattern.fullmatch(value):
        return value, False
    return value, plausible


def _tidy(f, text: str) -> tuple[str, bool]:
    text = text.replace("„", "„").strip()
    if f.format is not None and f.format.value in ("datum", "uhrzeit", "plz", "zahl"):
        fixed = re.sub(r"\s+", "", text).translate(_DIGITS)
        if f.format.value == "uhrzeit":
            fixed = fixed.replace(".", ":")
        if f.format.accepts(fixed):
            return fixed, True
        return text, False
    if f.format is not None and f.format.value == "email":
        return text, bool(re.fullmatch(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", text))
    if f.format is not None:
        return text, f.format.accepts(text)
    if f.type is FieldType.CHOICE:
        opts = list(f.option_values)
        if text in opts:
            return text, True
        close = difflib.get_close_matches(text, opts, n=2, cutoff=0.8)
        if close and (len(close) == 1 or difflib.SequenceMatcher(None, text, close[0]).ratio()
                      - difflib.SequenceMatcher(None, text, close[1]).ratio() > 0.08):
            return close[0], True
        return text, False
    return text, True


def _clean(gray):
    """Soften scanner noise and stretch grey paper to white and grey ink to black."""
    import numpy as np
    from PIL import Image, ImageFilter

    a = np.asarray(gray.filter(ImageFilter.GaussianBlur(0.8)), dtype=np.float32)
    return Image.fromarray(np.clip((a - 60) * (255 / 140), 0, 255).astype(np.uint8))


def _second(gray):
    """A differently prepared copy: median against specks, hard threshold, no blur."""
    import numpy as np
    from PIL import Image, ImageFilter

    a = np.asarray(gray.filter(ImageFilter.MedianFilter(3)), dtype=np.float32)
    return Image.fromarray(np.clip((a - 80) * (255 / 110), 0, 255).astype(np.uint8))


def read_footer(gray) -> PageInfo:
    """Form id, version and page number from the bottom strip of a straightened page."""
    strip = gray.crop((0, int(gray.height * 0.9), gray.width, gray.height))
    words = tesseract(strip, psm=6)
    return parse_footer(" ".join(w["text"] for w in words))


class _Second:
    """The second preparation (`_second`) of a rendered page (turned as the footer was found),
    straightened by `angle` and flipped upside down if `flip`; made when a value is first read
    from it: ~0.4 s a page that a scan which is not the form never needs."""

    def __init__(self, gray, angle: float, flip: bool = False):
        self._gray, self._angle, self._flip, self._image = gray, angle, flip, None

    def image(self):
        from PIL import Image

        if self._image is None:
            alt = _second(self._gray.rotate(self._angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
            self._image = alt.transpose(Image.Transpose.ROTATE_180) if self._flip else alt
            self._gray = None  # the rendering is no longer needed
        return self._image


def _upright(gray, form: FormDefinition) -> tuple[object, _Second, float, PageInfo]:
    """The page turned upright and straightened (two preparations, see OcrPage), its skew angle
    and footer. A page whose lines run up or down (scanned or saved turned by a quarter) is
    tried turned left, then right; any page whose footer is not read is tried upside down (one
    more footer read, only then). A quarter-turn guess that finds no footer either way falls back
    to the page as rendered, so that an upright page is never lost to a wrong guess."""
    from PIL import Image

    clean = _clean(gray)
    tries = [Image.Transpose.ROTATE_90, None] if _sideways(clean) else [None]
    for turn in tries:
        g, c = (gray, clean) if turn is None else (gray.transpose(turn), clean.transpose(turn))
        straight, angle = _deskew(c)
        info = _known_id(read_footer(straight), form)
        if info.form_id:
            return straight, _Second(g, angle), angle, info
        turned = straight.transpose(Image.Transpose.ROTATE_180)
        other = _known_id(read_footer(turned), form)
        if other.form_id:
            return turned, _Second(g, angle, flip=True), angle, other
    return straight, _Second(g, angle), angle, info


def _known_id(info: PageInfo, form: FormDefinition) -> PageInfo:
    """Accept a footer id that OCR read almost right (one misread character)."""
    if (info.form_id and info.form_id != form.id
            and difflib.SequenceMatcher(None, info.form_id.strip(".,;:"), form.id).ratio() >= 0.8):
        info.form_id = form.id
    return info


def ocr_pages(data: bytes, indices: list[int], form: FormDefinition,
              probe: bool = False) -> dict[int, OcrPage]:
    """Render, straighten and identify the image pages `indices` of a PDF.

    With `probe`, stop after the first page if it does not show the form's footer: a scan of
    something else is not read page by page.
    """
    _need_tools()
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    out: dict[int, OcrPage] = {}
    try:
        for i in indices:
            width, height = doc[i].get_size()
            scale = min(SCALE, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
            gray = doc[i].render(scale=scale, grayscale=True).to_pil().convert("L")
            straight, second, angle, info = _upright(gray, form)
            page = OcrPage(straight, second, angle, info)
            if not info.form_id:
                page.notes.append(message("lesen.scan_fuss_unlesbar", seite=i + 1))
            else:
                page.notes.append(message("lesen.scan_pruefen"))
            out[i] = page
            if probe and not info.form_id and i == indices[0]:
                break
    finally:
        doc.close()
    return out
