"""Archiving: the values burnt into the page, fields removed, optionally as PDF/A-2b.

Every known text and choice field gets vhpdf's own appearance of the value extract() reads (so
the archived page shows exactly the recorded value, shrunk to fit, whatever program filled it);
then each widget's appearance is drawn into the page content and the AcroForm is removed. The
printed footer (form id, version, page numbers) is page content and stays. PDF/A-2b conversion
is done by Ghostscript when asked.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from vhpdf.form.definition import FieldType, FormDefinition, definition_for, load_definition
from vhpdf.form.messages import text
from vhpdf.pdf.flags import AnnotationFlag, FieldFlag, annotation_flags, field_flags
from vhpdf.pdf.pypdf_compat import adder
from vhpdf.read.extract import Extraction, open_reader, read_pdf
from vhpdf.read.fields import terminal_fields
from vhpdf.read.files import read_file
from vhpdf.read.source import ValueSource
from vhpdf.write.fill import button_appearances, on_state, own_metadata, widget_size, write_value

_HIDDEN, _NOVIEW = 2, 32


class FlattenError(Exception):
    """The file cannot be flattened; the message is German."""


def _matrix(ap: DictionaryObject, rect) -> tuple[float, ...]:
    """The cm that maps an appearance's BBox (after its /Matrix) onto the widget /Rect."""
    x0, y0, x1, y1 = (float(v) for v in ap.get("/BBox", [0, 0, 1, 1]))
    a, b, c, d, e, f = (float(v) for v in ap.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    pts = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
    bx0, bx1 = min(p[0] for p in pts), max(p[0] for p in pts)
    by0, by1 = min(p[1] for p in pts), max(p[1] for p in pts)
    rx0, ry0, rx1, ry1 = (float(v) for v in rect)
    rx0, rx1, ry0, ry1 = min(rx0, rx1), max(rx0, rx1), min(ry0, ry1), max(ry0, ry1)
    sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
    return sx, 0.0, 0.0, sy, rx0 - bx0 * sx, ry0 - by0 * sy


def _appearance(widget: DictionaryObject):
    ap = widget.get("/AP")
    normal = ap.get_object().get("/N") if ap is not None else None
    if normal is None:
        return None
    normal = normal.get_object()
    if hasattr(normal, "get_data"):
        return normal
    state = widget.get("/AS")
    chosen = normal.get(state) if state is not None else None
    return chosen.get_object() if chosen is not None else None


def _refresh_values(writer: PdfWriter, form: FormDefinition, ex: Extraction) -> None:
    """Give every known field vhpdf's appearance of its extracted value.

    PyMuPDF, for one, writes ZapfDingbats check marks with /WinAnsiEncoding, which poppler-based
    viewers draw as nothing; the archived copy must show the mark wherever it is opened.
    """
    if ex.source is not ValueSource.FELD:
        return
    acro = writer._root_object["/AcroForm"].get_object()
    resources = acro.get("/DR")
    if resources is None:
        return
    fields = form.field_map(ex.persons)
    for name, (_attrs, node, widgets) in terminal_fields(acro.get("/Fields")).items():
        f = fields.get(name)
        if f is None or f.type is FieldType.SIGNATURE:
            continue
        if f.type in (FieldType.CHECKBOX, FieldType.RADIO):
            for w in widgets:  # our marks: some fillers' marks do not render everywhere
                on = on_state(w)
                if on is not None:
                    size = min(widget_size(w))
                    w[NameObject("/AP")] = button_appearances(
                        on, size, f.type is FieldType.RADIO, adder(writer),
                        resources.get_object())
            continue
        write_value(node, widgets, f, ex.values.get(name), resources.get_object(),
                    adder(writer))


def _push_button(widget: DictionaryObject) -> bool:
    """Whether the widget belongs to a push button (flags may sit on its parent field)."""
    node, depth = widget, 0
    while node is not None and depth < 32:
        if "/Ff" in node:
            return bool(field_flags(node["/Ff"]) & FieldFlag.PUSHBUTTON)
        parent = node.get("/Parent")
        node, depth = (parent.get_object() if parent is not None else None), depth + 1
    return False


def flatten_pdf(data: bytes, form: FormDefinition, ex: Extraction, password: str | None = None) -> bytes:
    """The form with its widgets drawn into the page content and no fields left."""
    try:
        writer = PdfWriter(clone_from=open_reader(data, password))
    except Exception:  # pypdf raises many kinds for broken files
        raise FlattenError(text("schreiben.flach_unlesbar")) from None
    if "/AcroForm" not in writer._root_object:
        raise FlattenError(text("schreiben.flach_schon_flach"))
    _refresh_values(writer, form, ex)
    own_metadata(writer, form, ex.form_id, ex.form_version)
    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        keep, draws, xobjects = ArrayObject(), [], DictionaryObject()
        for i, ref in enumerate(annots.get_object()):
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget":
                keep.append(ref)
                continue
            flags = int(annot.get("/F", 0))
            ap = _appearance(annot)
            if ap is None or flags & (_HIDDEN | _NOVIEW) or "/Rect" not in annot:
                continue
            if _push_button(annot) and not annotation_flags(flags) & AnnotationFlag.PRINT:
                continue  # an on-screen control (the completeness check), not part of the record
            name = f"/VhpdfFlat{i}"
            xobjects[NameObject(name)] = ap.indirect_reference or adder(writer)(ap)
            m = " ".join(f"{v:.4f}" for v in _matrix(ap, annot["/Rect"]))
            draws.append(f"q {m} cm {name} Do Q")
        if draws:
            res = page.get("/Resources")
            res = res.get_object() if res is not None else DictionaryObject()
            page[NameObject("/Resources")] = res
            if "/XObject" not in res:
                res[NameObject("/XObject")] = DictionaryObject()
            res["/XObject"].get_object().update(xobjects)
            before = DecodedStreamObject()
            before.set_data(b"q\n")
            after = DecodedStreamObject()
            after.set_data(("\nQ\n" + "\n".join(draws) + "\n").encode("ascii"))
            parts = ArrayObject([adder(writer)(before)])
            content = page.get("/Contents")
            if content is not None:
                existing = content.get_object()
                if isinstance(existing, ArrayObject):
                    parts.extend(existing)
                else:
                    parts.append(content if content.indirect_reference is None
                                 else content.indirect_reference)
            parts.append(adder(writer)(after))
            page[NameObject("/Contents")] = parts
        if len(keep):
            page[NameObject("/Annots")] = keep
        else:
            del page["/Annots"]
    del writer._root_object["/AcroForm"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def to_pdfa(data: bytes) -> bytes:
    """PDF/A-2b through Ghostscript (fonts embedded, sRGB output intent)."""
    gs = shutil.which("gs")
    if not gs:
        raise FlattenError(text("schreiben.pdfa_ohne_ghostscript"))
    with tempfile.TemporaryDirectory(prefix="vhpdf-") as tmp:
        folder = Path(tmp)
        (folder / "in.pdf").write_bytes(data)
        icc = _srgb_profile()
        (folder / "pdfa.ps").write_text(
            "[ /Title (Vollzugshilfeersuchen) /DOCINFO pdfmark\n"
            f"/ICCProfile ({icc}) def\n"
            "[/_objdef {icc_PDFA} /type /stream /OBJ pdfmark\n"
            "[{icc_PDFA} << /N 3 >> /PUT pdfmark\n"
            "[{icc_PDFA} ICCProfile (r) file /PUT pdfmark\n"
            "[/_objdef {OutputIntent_PDFA} /type /dict /OBJ pdfmark\n"
            "[{OutputIntent_PDFA} << /Type /OutputIntent /S /GTS_PDFA1 "
            "/DestOutputProfile {icc_PDFA} /OutputConditionIdentifier (sRGB) >> /PUT pdfmark\n"
            "[{Catalog} << /OutputIntents [ {OutputIntent_PDFA} ] >> /PUT pdfmark\n",
            encoding="ascii")
        run = subprocess.run(
            [gs, "-q", "-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dNOOUTERSAVE", "-dSAFER",
             f"--permit-file-read={icc}", "-sColorConversionStrategy=RGB",
             "-dPDFACompatibilityPolicy=1", "-sDEVICE=pdfwrite",
             f"-sOutputFile={folder / 'out.pdf'}", str(folder / "pdfa.ps"), str(folder / "in.pdf")],
            capture_output=True, timeout=300)
        out = folder / "out.pdf"
        if run.returncode != 0 or not out.is_file():
            detail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise FlattenError(text("schreiben.pdfa_fehlgeschlagen", fehler=detail[0]))
        return out.read_bytes()


def _srgb_profile() -> str:
    found = sorted(Path("/usr/share/ghostscript").glob("*/iccprofiles/default_rgb.icc"))
    found += sorted(Path("/usr/share/color/icc").glob("**/sRGB*.icc"))
    if not found:
        raise FlattenError(text("schreiben.pdfa_ohne_farbprofil"))
    return str(found[-1])


def _notes(form: FormDefinition, ex: Extraction) -> list[str]:
    """What the user should know about a flat copy of this file (German)."""
    signed = [f for f in form.fields(ex.persons)
              if f.type is FieldType.SIGNATURE and ex.values.get(f.name)]
    if signed:
        return [text("schreiben.flach_signiert")]
    return []


def flatten(data: bytes, pdfa: bool = False, password: str | None = None) -> tuple[bytes, list[str]]:
    """Flatten a filled form for the file record (optionally as PDF/A-2b), with notes for the user.

    The file is read once: the same extraction redraws the values and yields the notes.
    """
    form = load_definition()
    ex = read_pdf(data, form, password)
    if definition_for(ex.form_version) is not form:  # an older version: its own layout and names
        form = definition_for(ex.form_version)
        ex = read_pdf(data, form, password)
    flat = flatten_pdf(data, form, ex, password)
    return (to_pdfa(flat) if pdfa else flat), _notes(form, ex)


def flatten_file(path: str | os.PathLike, password: str | None = None) -> tuple[bytes, list[str]]:
    """The flat copy of a file on disk and its notes (read only; the file is never modified).

    Meant to run in an isolated worker; PDF/A conversion (`to_pdfa`) of the result is left to the
    caller, since it runs Ghostscript on vhpdf's own output, not on the received file.
    """
    return flatten(read_file(path), password=password)
