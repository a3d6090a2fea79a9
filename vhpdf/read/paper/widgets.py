"""What page readers share: the per-widget dispatch and the newline heuristic of multi-line values.

Page text (pagetext) and OCR (ocr) measure differently, but decide the same way: a box is ticked
when something is drawn in it, a radio group takes the export value of its marked button, a
signature never survives a copy, and a line break inside a multi-line value was typed when the
next line's first word would still have fitted on the line before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from vhpdf.form.definition import FieldType, Value
from vhpdf.form.layout import Widget


def read_widgets(widgets: Iterable[Widget], values: dict[str, Value],
                 marked: Callable[[Widget], bool], read_text: Callable[[Widget], None]) -> None:
    """Fill `values` for `widgets`: boxes by `marked`, text and choice fields by `read_text`."""
    for w in widgets:
        f = w.field
        if f.type is FieldType.CHECKBOX:
            values[f.name] = marked(w)
        elif f.type is FieldType.RADIO:
            if marked(w):
                values[f.name] = w.export
            else:
                values.setdefault(f.name, None)
        elif f.type is FieldType.SIGNATURE:
            values[f.name] = False  # a printed, flattened or scanned copy carries no valid signature
        else:
            read_text(w)


def blank_lines(gap: float, pitch: float) -> int:
    """Empty lines typed between two printed lines `gap` apart at line pitch `pitch`."""
    return max(0, round(gap / pitch) - 1)


def typed_newline(used: float, space: float, next_word: float, avail: float) -> bool:
    """Whether a break was typed: the next line's first word (after a space) would still have
    fitted into `avail` beside the `used` width, so the appearance did not wrap there."""
    return used + space + next_word <= avail
