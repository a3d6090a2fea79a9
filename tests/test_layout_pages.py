"""Page breaks: a section heading never stands alone at a page foot, and the last page never
holds a lone row (the signature, "Anlagen") — for every number of persons."""

from __future__ import annotations

import pytest

from vhpdf.form.layout import HEADING_SIZE, LABEL_SIZE, compute_layout, wrap


@pytest.mark.parametrize("persons", range(1, 21))
def test_headings_keep_with_next_and_no_lone_last_row(form, persons):
    layout = compute_layout(form, persons)
    for section in form.sections:
        heading = next(t for t in layout.texts
                       if t.bold and t.size == HEADING_SIZE and section.heading.startswith(t.text))
        below = [w for w in layout.widgets if w.page == heading.page and w.rect.y < heading.y]
        assert below, f"{section.heading!r} steht allein am Fuß von Seite {heading.page + 1}"
    last = layout.pages - 1
    rows = {round(w.rect.y + w.rect.h) for w in layout.widgets if w.page == last}
    assert len(rows) >= 2 or last == 0, f"{persons} Personen: letzte Seite mit nur einer Zeile"


def test_no_break_space_keeps_the_paragraph_sign_with_its_number():
    """The form's texts write "§\u00a062": wrapping breaks at spaces only, never there."""
    plain, bound = "Festnahme nach § 62 AufenthG", "Festnahme nach §\u00a062 AufenthG"
    width = next(w for w in range(40, 200) if wrap(plain, w, LABEL_SIZE)[0].endswith("§"))
    assert wrap(plain, width, LABEL_SIZE)[0].endswith("§")  # a plain space would break there
    assert [ln for ln in wrap(bound, width, LABEL_SIZE) if ln.endswith("§")] == []
    assert any("§\u00a062" in ln for ln in wrap(bound, width, LABEL_SIZE))
