"""Page layout computed from the form definition: where every heading, label and field sits.

The generator draws exactly this, and readers of printed copies can call it again to know
where each value was. Coordinates are PDF points, origin bottom left, A4 portrait.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from vhpdf.form.definition import Field, FieldType, FormDefinition, Section
from vhpdf.form.identity import footer_text, page_text
from vhpdf.form.wrap import wrap_measured

PAGE_W, PAGE_H = 595.2756, 841.8898  # A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 51.0, 42.0, 48.0
CONTENT_W = PAGE_W - 2 * MARGIN_X
GAP = 6.0  # horizontal space between fields in a row
LABEL_SIZE, HINT_SIZE, HEADING_SIZE = 7.5, 6.5, 10.0
LINE_H = 11.0  # height of one text line inside a field
BOX = 9.0  # checkbox / radio size
FONT, FONT_BOLD = "Helvetica", "Helvetica-Bold"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


# The non-printing "Vollständigkeit prüfen" button, top right of page 1 (above the title).
CHECK_BUTTON = Rect(PAGE_W - MARGIN_X - 120, PAGE_H - MARGIN_TOP - 17, 120, 17)


@dataclass(frozen=True)
class Widget:
    """Where a field (or, for radio groups, one of its options) is placed."""

    field: Field
    page: int
    rect: Rect
    export: str | None = None


@dataclass(frozen=True)
class Text:
    page: int
    x: float
    y: float  # baseline
    text: str
    size: float
    bold: bool = False
    align: str = "left"


class FrameShape(enum.Enum):
    BOX = "box"  # a text field's or checkbox's frame
    CIRCLE = "circle"  # a radio button
    RULE = "rule"  # the line under a section heading


@dataclass(frozen=True)
class Frame:
    """A printed outline: a field box, a checkbox, a radio circle or a rule under a heading."""

    page: int
    rect: Rect
    shape: FrameShape


@dataclass(frozen=True)
class Layout:
    pages: int
    widgets: tuple[Widget, ...]
    texts: tuple[Text, ...]
    frames: tuple[Frame, ...]


def _width(text: str, size: float, bold: bool = False) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, FONT_BOLD if bold else FONT, size)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Wrap printed form text (labels, headings: Helvetica)."""
    return wrap_measured(text, width, lambda t: _width(t, size, bold))


# A unit is something placed as a whole: (height, place(page, top) -> elements).
Elements = list
Unit = tuple[float, Callable[[int, float], Elements]]


def _label_lines(f: Field, width: float) -> list[str]:
    return wrap(f.label + f.requirement.mark, width, LABEL_SIZE)


def _field_height(f: Field) -> float:
    if f.type in (FieldType.CHECKBOX, FieldType.RADIO):
        return BOX
    return f.lines * LINE_H + 4.0


def _cell(f: Field, width: float) -> tuple[float, Callable[[int, float, float], Elements]]:
    """A field with its label (and hint) in a cell of `width`; returns height and placer."""
    if f.type is FieldType.CHECKBOX:
        lines = wrap(f.label + f.requirement.mark, width - BOX - 4, LABEL_SIZE)
        height = max(BOX, len(lines) * (LABEL_SIZE + 1.5))

        def place_box(page: int, x: float, top: float) -> Elements:
            rect = Rect(x, top - BOX, BOX, BOX)
            out: Elements = [Frame(page, rect, FrameShape.BOX), Widget(f, page, rect)]
            out += [Text(page, x + BOX + 4, top - 7 - i * (LABEL_SIZE + 1.5), ln, LABEL_SIZE)
                    for i, ln in enumerate(lines)]
            return out

        return height, place_box

    label = _label_lines(f, width)
    label_h = len(label) * (LABEL_SIZE + 1.5) + 1.5
    hint = wrap(f.hint, width, HINT_SIZE) if f.hint else []
    hint_h = len(hint) * (HINT_SIZE + 1.5) + (2 if hint else 0)
    body_h = _field_height(f)

    def place(page: int, x: float, top: float) -> Elements:
        out: Elements = [Text(page, x, top - LABEL_SIZE - i * (LABEL_SIZE + 1.5), ln, LABEL_SIZE)
                         for i, ln in enumerate(label)]
        body_top = top - label_h
        if f.type is FieldType.RADIO:
            ox = x
            for opt in f.options:
                rect = Rect(ox, body_top - BOX, BOX, BOX)
                out += [Frame(page, rect, FrameShape.CIRCLE), Widget(f, page, rect, export=opt.value),
                        Text(page, ox + BOX + 3, body_top - 7.5, opt.label, LABEL_SIZE)]
                ox += BOX + 3 + _width(opt.label, LABEL_SIZE) + 14
        else:
            rect = Rect(x, body_top - body_h, width, body_h)
            out += [Frame(page, rect, FrameShape.BOX), Widget(f, page, rect)]
        hint_top = body_top - body_h - 2
        out += [Text(page, x, hint_top - HINT_SIZE - i * (HINT_SIZE + 1.5), ln, HINT_SIZE)
                for i, ln in enumerate(hint)]
        return out

    return label_h + body_h + hint_h, place


def _rows(fields: list[Field]) -> list[list[Field]]:
    rows: list[list[Field]] = []
    used = 2.0
    for f in fields:
        if used + f.width > 1.0001:
            rows.append([])
            used = 0.0
        rows[-1].append(f)
        used += f.width
    return rows


def _row_unit(row: list[Field]) -> Unit:
    free = CONTENT_W - GAP * (len(row) - 1)
    cells = [_cell(f, free * f.width) for f in row]
    height = max(h for h, _ in cells) + 7.0

    def place(page: int, top: float) -> Elements:
        out: Elements = []
        x = MARGIN_X
        for f, (_, placer) in zip(row, cells):
            out += placer(page, x, top)
            x += free * f.width + GAP
        return out

    return height, place


def _text_unit(text: str, size: float, bold: bool = False, rule: bool = False,
               space_before: float = 0.0) -> Unit:
    lines = wrap(text, CONTENT_W, size, bold)
    step = size + 2.0
    height = space_before + len(lines) * step + (5.0 if rule else 3.0)

    def place(page: int, top: float) -> Elements:
        top -= space_before
        out: Elements = [Text(page, MARGIN_X, top - size - i * step, ln, size, bold)
                         for i, ln in enumerate(lines)]
        if rule:
            y = top - len(lines) * step - 1.5
            out.append(Frame(page, Rect(MARGIN_X, y, CONTENT_W, 0), FrameShape.RULE))
        return out

    return height, place


def _join(units: list[Unit]) -> Unit:
    """Several units that must stay on one page (a heading with its first row)."""
    height = sum(h for h, _ in units)

    def place(page: int, top: float) -> Elements:
        out: Elements = []
        for h, placer in units:
            out += placer(page, top)
            top -= h
        return out

    return height, place


def _section_units(section: Section, persons: int, form: FormDefinition) -> list[Unit]:
    units: list[Unit] = []
    block = [f for f in section.fields if "{n}" in f.name]
    for n in range(1, persons + 1 if block else 1):
        assert section.repeat is not None
        rows = [_row_unit(r) for r in _rows([f.expand(n) for f in block])]
        title = _text_unit(section.repeat.title.replace("{n}", str(n)), 8.5, bold=True)
        units.append(_join([title, *rows]))
    units += [_row_unit(r) for r in _rows([f for f in section.fields if "{n}" not in f.name])]
    head = [_text_unit(section.heading, HEADING_SIZE, bold=True, rule=True, space_before=6.0)]
    if section.intro:
        head.append(_text_unit(section.intro, LABEL_SIZE))
    return [_join(head + units[:1]), *units[1:]]


def _flow(heights: list[float], breaks: frozenset[int]) -> list[tuple[int, float]]:
    """(page, top) of each unit: units fill pages in order; a unit in `breaks` starts a page."""
    out = []
    page, top = 0, PAGE_H - MARGIN_TOP
    for i, height in enumerate(heights):
        fresh = top >= PAGE_H - MARGIN_TOP
        if not fresh and (i in breaks or top - height < MARGIN_BOTTOM):
            page, top = page + 1, PAGE_H - MARGIN_TOP
        out.append((page, top))
        top -= height
    return out


def _paginate(heights: list[float]) -> list[tuple[int, float]]:
    """Page positions with widow control: the last page never holds fewer than two units of
    content before the closing note (no lone signature row, no lone "Anlagen", no closing note
    alone); the units before them move along. Headings are already joined to their first row
    (_section_units)."""
    positions = _flow(heights, frozenset())
    last = positions[-1][0]
    on_last = [i for i, (page, _) in enumerate(positions) if page == last]
    content = on_last[:-1]  # the closing note is the last unit
    missing = 2 - len(content)
    if last == 0 or missing <= 0:
        return positions
    earlier = on_last[0] - missing
    if earlier < 1 or sum(1 for page, _ in positions if page == last - 1) - missing < 3:
        return positions  # the page before would be left nearly empty instead
    moved = _flow(heights, frozenset({earlier}))
    return moved if moved[-1][0] == last else positions  # only if it still fits


_LAYOUTS: dict[tuple[int, int], tuple[FormDefinition, Layout]] = {}


def compute_layout(form: FormDefinition, persons: int | None = None) -> Layout:
    """Lay the whole form out on A4 pages; deterministic for a given definition and count.

    Cached per definition object and person count: a page reader asks for the same layout
    many times per file (one call costs tens of milliseconds), and a Layout is immutable.
    """
    persons = form.repeat.default if persons is None else persons
    key = (id(form), persons)
    cached = _LAYOUTS.get(key)
    if cached is None or cached[0] is not form:  # the definition is kept, so its id stays unique
        cached = _LAYOUTS[key] = (form, _lay_out(form, persons))
    return cached[1]


def _lay_out(form: FormDefinition, persons: int) -> Layout:
    units: list[Unit] = [
        _text_unit(form.title, 15.0, bold=True),
        _text_unit(form.subtitle, 8.5),
        _text_unit(form.legend, HINT_SIZE, space_before=2.0),
    ]
    for section in form.sections:
        units += _section_units(section, persons, form)
    units.append(_text_unit(form.closing_note, HINT_SIZE, space_before=4.0))

    elements: Elements = []
    positions = _paginate([h for h, _ in units])
    for (_, place), (page, top) in zip(units, positions):
        elements += place(page, top)
    pages = positions[-1][0] + 1
    footer = footer_text(form)
    for p in range(pages):
        elements.append(Text(p, MARGIN_X, 24.0, footer, HINT_SIZE))
        elements.append(Text(p, PAGE_W - MARGIN_X, 24.0, page_text(p + 1, pages), HINT_SIZE,
                             align="right"))
    return Layout(
        pages=pages,
        widgets=tuple(e for e in elements if isinstance(e, Widget)),
        texts=tuple(e for e in elements if isinstance(e, Text)),
        frames=tuple(e for e in elements if isinstance(e, Frame)),
    )
