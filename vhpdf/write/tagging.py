"""Accessibility: the logical structure of the generated form (tagged PDF, PDF/UA-1 form rules).

Every printed text is a heading or paragraph in reading order, frames and the page footer are
artifacts, and every widget sits in its own /Form element at its place in that order, so the
tab order (/Tabs /S) and what a screen reader announces follow the page as it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from vhpdf.form.layout import HEADING_SIZE, MARGIN_BOTTOM, Layout
from vhpdf.pdf.pypdf_compat import adder


@dataclass(frozen=True)
class TextTag:
    role: str | None  # "H1", "H2", "H3", "P"; None: an artifact (the page footer)
    mcid: int | None


def text_tags(layout: Layout) -> list[TextTag]:
    """A tag for each of layout.texts: its structure role and marked-content id on its page."""
    counters: dict[int, int] = {}
    out = []
    for t in layout.texts:
        if t.y < MARGIN_BOTTOM:  # footer: form id, version, page number
            out.append(TextTag(None, None))
            continue
        role = ("H1" if t.bold and t.size > HEADING_SIZE else "H2" if t.bold and t.size == HEADING_SIZE
                else "H3" if t.bold else "P")
        mcid = counters.get(t.page, 0)
        counters[t.page] = mcid + 1
        out.append(TextTag(role, mcid))
    return out


def reading_order(layout: Layout, extra: Sequence = ()) -> list[tuple[str, int]]:
    """("text", i), ("widget", i) and ("extra", i) items, top to bottom, left to right per page.

    `extra` holds (page, rect) of widgets that are not part of the layout (the check button).
    """
    items = [((t.page, -(t.y + t.size * 0.75), t.x), ("text", i))
             for i, t in enumerate(layout.texts)]
    items += [((w.page, -(w.rect.y + w.rect.h), w.rect.x), ("widget", i))
              for i, w in enumerate(layout.widgets)]
    items += [((page, -(r.y + r.h), r.x), ("extra", i)) for i, (page, r) in enumerate(extra)]
    return [item for _, item in sorted(items, key=lambda e: (e[0], e[1][0] == "text"))]


def add_structure(writer, layout: Layout, tags: list[TextTag], widget_refs: list,
                  extra_widgets: Sequence = (), title: str = "", lang: str = "") -> None:
    """Build /StructTreeRoot for the drawn pages and their widgets; `widget_refs` parallels
    layout.widgets, `extra_widgets` are (page index, rect, reference) placed by position."""
    add = adder(writer)
    pages = [p.indirect_reference for p in writer.pages]
    root_elem = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                  NameObject("/S"): NameObject("/Document"),
                                  NameObject("/K"): ArrayObject()})
    if title:
        root_elem[NameObject("/T")] = TextStringObject(title)
    if lang:
        root_elem[NameObject("/Lang")] = TextStringObject(lang)
    root_ref = add(root_elem)
    tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot"),
                             NameObject("/K"): root_ref})
    tree_ref = add(tree)
    root_elem[NameObject("/P")] = tree_ref
    per_page: dict[int, list] = {i: [] for i in range(len(pages))}
    nums = ArrayObject()
    next_key = len(pages)  # keys 0..pages-1 are the pages' marked-content arrays

    def elem(role: str, page: int, kid) -> object:
        ref = add(DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                    NameObject("/S"): NameObject("/" + role),
                                    NameObject("/P"): root_ref, NameObject("/Pg"): pages[page],
                                    NameObject("/K"): kid}))
        root_elem["/K"].append(ref)
        return ref

    def form(page: int, widget_ref) -> None:
        nonlocal next_key
        objr = DictionaryObject({NameObject("/Type"): NameObject("/OBJR"),
                                 NameObject("/Obj"): widget_ref, NameObject("/Pg"): pages[page]})
        ref = elem("Form", page, objr)
        widget_ref.get_object()[NameObject("/StructParent")] = NumberObject(next_key)
        nums.extend([NumberObject(next_key), ref])
        next_key += 1

    for kind, i in reading_order(layout, [(p, r) for p, r, _ in extra_widgets]):
        if kind == "widget":
            form(layout.widgets[i].page, widget_refs[i])
            continue
        if kind == "extra":
            form(extra_widgets[i][0], extra_widgets[i][2])
            continue
        tag, t = tags[i], layout.texts[i]
        if tag.role is None:
            continue
        per_page[t.page].append(elem(tag.role, t.page, NumberObject(tag.mcid)))
    page_nums = ArrayObject()
    for i, page_ref in enumerate(pages):
        page_ref.get_object()[NameObject("/StructParents")] = NumberObject(i)
        page_nums.extend([NumberObject(i), add(ArrayObject(per_page[i]))])
    tree[NameObject("/ParentTree")] = add(DictionaryObject(
        {NameObject("/Nums"): ArrayObject(list(page_nums) + list(nums))}))
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
    writer._root_object[NameObject("/StructTreeRoot")] = tree_ref
    writer._root_object[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)})
