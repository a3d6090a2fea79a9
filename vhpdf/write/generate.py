"""Generation: the layout drawn with reportlab, the fields added as a real AcroForm.

reportlab draws the printed page (labels, frames, footer); the widgets are written with pypdf
because reportlab's AcroForm support cannot make hierarchical field names, signature fields,
format actions or appearance streams for values outside its own encoder.
"""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from vhpdf import __version__
from vhpdf.form.definition import (
    FieldType,
    FormDefinition,
    Requirement,
    Value,
    load_definition,
)
from vhpdf.form.identity import INFO_FORM_ID, INFO_FORM_VERSION
from vhpdf.form.layout import CHECK_BUTTON, PAGE_H, PAGE_W, FrameShape, Layout, compute_layout
from vhpdf.form.messages import text
from vhpdf.pdf.appearance import CHECK_FONT, TEXT_FONT, default_da
from vhpdf.pdf.flags import AnnotationFlag, FieldFlag
from vhpdf.pdf.font import load_font
from vhpdf.pdf.pypdf_compat import adder
from vhpdf.pdf.type0 import type0_font, zapf_font
from vhpdf.write.fill import (
    CHECK_ON,
    FillError,
    button_appearances,
    form_xobject,
    validate_values,
    write_value,
)
from vhpdf.write.tagging import TextTag, add_structure, text_tags
from vhpdf.write.viewer_script import completeness_script

# Field flags (PDF 32000-1, 12.7.3.1 and 12.7.4)
CHECK_BUTTON_NAME = "vhpdf_vollstaendigkeit_pruefen"
# Top right of page 1, beside the title (which ends near x = 405): free in every layout.


def _draw_pages(form: FormDefinition, layout: Layout, tags: list[TextTag]) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    canvas.setTitle(form.title)
    canvas.setSubject(text("schreiben.pdf_betreff", kennung=form.id, version=form.version))
    canvas.setAuthor("")
    canvas.setCreator(f"vhpdf {__version__}")
    canvas.setProducer(f"vhpdf {__version__}")
    canvas.setKeywords("")
    def mark(operator: str) -> None:  # marked content: reportlab has no public call for it
        canvas._code.append(operator)

    for page in range(layout.pages):
        canvas.setLineWidth(0.6)
        canvas.setStrokeGray(0)
        mark("/Artifact BMC")
        for fr in (f for f in layout.frames if f.page == page):
            r = fr.rect
            if fr.shape is FrameShape.RULE:
                canvas.line(r.x, r.y, r.x + r.w, r.y)
            elif fr.shape is FrameShape.CIRCLE:
                canvas.circle(r.x + r.w / 2, r.y + r.h / 2, r.w / 2, stroke=1, fill=0)
            else:
                canvas.rect(r.x, r.y, r.w, r.h, stroke=1, fill=0)
        mark("EMC")
        for t, tag in zip(layout.texts, tags):
            if t.page != page:
                continue
            mark("/Artifact <</Type /Pagination>> BDC" if tag.role is None
                 else f"/{tag.role} <</MCID {tag.mcid}>> BDC")
            canvas.setFont("Helvetica-Bold" if t.bold else "Helvetica", t.size)
            draw = canvas.drawRightString if t.align == "right" else canvas.drawString
            draw(t.x, t.y, t.text)
            mark("EMC")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _js(code: str) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                             NameObject("/JS"): TextStringObject(code)})


class _FormBuilder:
    """Adds the widgets of a layout to the drawn pages and builds the field hierarchy."""

    def __init__(self, writer: PdfWriter):
        self.writer = writer
        add = adder(writer)
        self.add = add
        self.resources = DictionaryObject({NameObject("/Font"): DictionaryObject({
            NameObject("/" + TEXT_FONT): type0_font(add),
            NameObject("/" + CHECK_FONT): zapf_font(add),
        })})
        self.top: list = []  # top-level field references, in form order
        self.nodes: dict[str, tuple] = {}  # qualified name -> (dict, reference)
        self.terminals: dict[str, tuple] = {}  # name -> (field dict, [widget dicts])
        self.widget_refs: list = []  # parallel to the layout's widgets

    def _parent(self, qualified: str):
        """The (possibly new) non-terminal field for a dotted prefix."""
        if qualified in self.nodes:
            return self.nodes[qualified]
        node = DictionaryObject({NameObject("/T"): TextStringObject(qualified.rsplit(".", 1)[-1]),
                                 NameObject("/Kids"): ArrayObject()})
        ref = self.add(node)
        self._attach(qualified, node, ref)
        self.nodes[qualified] = (node, ref)
        return node, ref

    def _attach(self, qualified: str, node: DictionaryObject, ref) -> None:
        if "." in qualified:
            parent, parent_ref = self._parent(qualified.rsplit(".", 1)[0])
            node[NameObject("/Parent")] = parent_ref
            parent["/Kids"].append(ref)
        else:
            self.top.append(ref)

    def _widget(self, page_ref, rect, tooltip: str | None) -> DictionaryObject:
        w = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject([FloatObject(round(v, 2)) for v in
                                              (rect.x, rect.y, rect.x + rect.w, rect.y + rect.h)]),
            NameObject("/F"): NumberObject(AnnotationFlag.PRINT),
            NameObject("/P"): page_ref,
        })
        if tooltip:
            w[NameObject("/TU")] = TextStringObject(tooltip)
        return w

    def add_widget(self, widget) -> None:
        """One field's widget on its page: a radio button joins its group, others are fields."""
        page = self.writer.pages[widget.page]
        if widget.field.type is FieldType.RADIO:
            ref = self._radio_widget(widget, page.indirect_reference)
        else:
            ref = self._field_widget(widget, page.indirect_reference)
        self._annotate(page, ref)
        self.widget_refs.append(ref)

    def _radio_widget(self, widget, page_ref):
        f, rect = widget.field, widget.rect
        if f.name not in self.terminals:
            group = DictionaryObject({
                NameObject("/FT"): NameObject("/Btn"),
                NameObject("/T"): TextStringObject(f.name.rsplit(".", 1)[-1]),
                NameObject("/TU"): TextStringObject(f.tooltip),
                NameObject("/Ff"): NumberObject(FieldFlag.RADIO | FieldFlag.NO_TOGGLE_TO_OFF),
                NameObject("/V"): NameObject("/Off"),
                NameObject("/Kids"): ArrayObject(),
            })
            group_ref = self.add(group)
            self._attach(f.name, group, group_ref)
            self.terminals[f.name] = (group, [], group_ref)
        group, kids, group_ref = self.terminals[f.name]
        w = self._widget(page_ref, rect, None)
        w[NameObject("/Parent")] = group_ref
        w[NameObject("/AS")] = NameObject("/Off")
        w[NameObject("/MK")] = DictionaryObject({NameObject("/CA"): TextStringObject("l")})
        w[NameObject("/DA")] = TextStringObject(default_da(f.type, False))
        w[NameObject("/AP")] = button_appearances("/" + widget.export, rect.w, True,
                                                  self.add, self.resources)
        ref = self.add(w)
        group["/Kids"].append(ref)
        kids.append(w)
        return ref

    def _field_widget(self, widget, page_ref):
        """A terminal field that is its own widget: text, choice, checkbox or signature."""
        f, rect = widget.field, widget.rect
        w = self._widget(page_ref, rect, f.tooltip)
        w[NameObject("/T")] = TextStringObject(f.name.rsplit(".", 1)[-1])
        flags = FieldFlag.REQUIRED if f.requirement is Requirement.PFLICHT else FieldFlag(0)
        if f.type is FieldType.CHECKBOX:
            w.update({NameObject("/FT"): NameObject("/Btn"),
                      NameObject("/V"): NameObject("/Off"), NameObject("/AS"): NameObject("/Off"),
                      NameObject("/MK"): DictionaryObject({NameObject("/CA"): TextStringObject("4")}),
                      NameObject("/AP"): button_appearances(CHECK_ON, rect.w, False, self.add,
                                                            self.resources)})
            flags = FieldFlag(0)  # a checkbox left empty is an answer, never "missing"
        elif f.type is FieldType.SIGNATURE:
            w[NameObject("/FT")] = NameObject("/Sig")
            w[NameObject("/AP")] = DictionaryObject({NameObject("/N"): form_xobject(
                b"", rect.w, rect.h, None, self.add)})
            flags = FieldFlag(0)
        else:
            flags |= self._text_entries(w, f)
        if f.type is not FieldType.CHECKBOX:
            w[NameObject("/MK")] = DictionaryObject()
        if f.type is not FieldType.SIGNATURE:
            w[NameObject("/DA")] = TextStringObject(default_da(f.type, f.multiline))
        w[NameObject("/Ff")] = NumberObject(flags)
        ref = self.add(w)
        self._attach(f.name, w, ref)
        self.terminals[f.name] = (w, [w], ref)
        if f.type in (FieldType.TEXT, FieldType.CHOICE):
            write_value(w, [w], f, None, self.resources, self.add)
        return ref

    @staticmethod
    def _text_entries(w, f) -> FieldFlag:
        """Type, options, length and format actions of a text or choice field; its flags."""
        flags = FieldFlag(0)
        w[NameObject("/FT")] = NameObject("/Tx" if f.type is FieldType.TEXT else "/Ch")
        if f.multiline:
            flags |= FieldFlag.MULTILINE
        if f.type is FieldType.CHOICE:
            flags |= FieldFlag.COMBO
            w[NameObject("/Opt")] = ArrayObject(TextStringObject(v) for v in f.option_values)
        if f.max_length:
            w[NameObject("/MaxLen")] = NumberObject(f.max_length)
        actions = f.format.js_actions if f.format else None
        if actions:
            w[NameObject("/AA")] = DictionaryObject({NameObject("/K"): _js(actions[0]),
                                                     NameObject("/F"): _js(actions[1])})
        return flags

    def add_check_button(self, script: str) -> tuple:
        """The on-screen "Vollständigkeit prüfen" button (not printed); returns (page, rect, ref)."""
        rect = CHECK_BUTTON
        w = self._widget(self.writer.pages[0].indirect_reference, rect, text("schreiben.pruefen_knopf_hinweis"))
        w[NameObject("/F")] = NumberObject(0)  # shown on screen, never printed
        caption = text("schreiben.pruefen_knopf")
        size = 8.0
        font = load_font()
        x = (rect.w - font.width(caption, size)) / 2
        stream = (f"q 0.88 g 0 0 {rect.w:.2f} {rect.h:.2f} re f 0.4 G 0.8 w 0.4 0.4 "
                  f"{rect.w - 0.8:.2f} {rect.h - 0.8:.2f} re S Q BT /{TEXT_FONT} {size:g} Tf 0 g "
                  f"{x:.2f} {(rect.h - size * 0.72) / 2:.2f} Td {font.encode(caption)} Tj ET"
                  ).encode("ascii")
        js = DecodedStreamObject()
        js.set_data(script.encode("ascii"))
        w.update({
            NameObject("/T"): TextStringObject(CHECK_BUTTON_NAME),
            NameObject("/FT"): NameObject("/Btn"),
            NameObject("/Ff"): NumberObject(FieldFlag.PUSHBUTTON),
            NameObject("/DA"): TextStringObject(f"/{TEXT_FONT} {size:g} Tf 0 g"),
            NameObject("/MK"): DictionaryObject({
                NameObject("/CA"): TextStringObject(caption),
                NameObject("/BG"): ArrayObject([FloatObject(0.88)]),
                NameObject("/BC"): ArrayObject([FloatObject(0.4)])}),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): form_xobject(
                stream, rect.w, rect.h, self.resources, self.add)}),
            NameObject("/A"): DictionaryObject({
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): self.add(js.flate_encode())}),
        })
        ref = self.add(w)
        self.top.append(ref)
        self._annotate(self.writer.pages[0], ref)
        return 0, rect, ref

    @staticmethod
    def _annotate(page, ref) -> None:
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        page["/Annots"].append(ref)

    def finish(self) -> None:
        self.writer._root_object[NameObject("/AcroForm")] = self.add(DictionaryObject({
            NameObject("/Fields"): ArrayObject(self.top),
            NameObject("/DA"): TextStringObject(f"/{TEXT_FONT} 0 Tf 0 g"),
            NameObject("/DR"): self.resources,
        }))
        for page in self.writer.pages:
            page[NameObject("/Tabs")] = NameObject("/S")  # tab order = structure order


def generate(persons: int | None = None, values: dict[str, Value] | None = None,
             form: FormDefinition | None = None) -> bytes:
    """Build the fillable form (optionally prefilled with validated `values`) as PDF bytes."""
    form = form or load_definition()
    persons = form.repeat.default if persons is None else persons
    if not 1 <= persons <= form.repeat.max:
        raise FillError([text("schreiben.personen_bereich", hoechstens=form.repeat.max)])
    layout = compute_layout(form, persons)
    tags = text_tags(layout)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_draw_pages(form, layout, tags))))
    builder = _FormBuilder(writer)
    for widget in layout.widgets:
        builder.add_widget(widget)
    button = builder.add_check_button(completeness_script(form, persons))
    builder.finish()
    fields = form.field_map(persons)
    for name, value in (values or {}).items():
        field_obj, widgets, _ = builder.terminals[name]
        write_value(field_obj, widgets, fields[name], value, builder.resources, builder.add)

    add_structure(writer, layout, tags, builder.widget_refs, [button], title=form.title,
                  lang=form.language)
    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(form.language)
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    now = _pdf_date(dt.datetime.now().astimezone())  # reportlab's invariant mode would say 2000
    writer.add_metadata({INFO_FORM_ID: form.id, INFO_FORM_VERSION: form.version,
                         "/CreationDate": now, "/ModDate": now})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_date(when: dt.datetime) -> str:
    """A PDF date string (ISO 32000-1, 7.9.4): D:YYYYMMDDHHmmSS+HH'mm'."""
    offset = when.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def fill_form(data: object, persons: int | None = None, form: FormDefinition | None = None) -> bytes:
    """A prefilled form from `data` (field name -> value, as read from JSON), by default of the
    current version. Raises FillError listing every unknown field and invalid value.
    """
    form = form or load_definition()
    values, needed = validate_values(form, data)
    return generate(max(needed, persons or 0), values, form)

