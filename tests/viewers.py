"""pdf.js as a filler, and poppler as an independent reader of what a page shows.

pdf.js (Firefox's viewer) runs in node from tests/js (pdfjs-dist pinned in package.json,
installed by tests/setup.sh). poppler's pdftotext and pdftoppm read and render the page with
its appearance streams, as a printer would. A missing tool fails the test.
"""

from __future__ import annotations

import ctypes
import html
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

JS = Path(__file__).resolve().parent / "js"


def qualified_name(widget) -> str:
    """A widget's fully qualified field name, from the /T entries up its /Parent chain."""
    node, parts = widget, []
    while node is not None:
        if "/T" in node:
            parts.append(str(node["/T"]))
        node = node.get("/Parent").get_object() if "/Parent" in node else None
    return ".".join(reversed(parts))


def fill_pdfjs(blank: Path, values: dict, out: Path) -> Path:
    """Fill with pdf.js: annotationStorage.setValue per widget, then saveDocument()."""
    assert shutil.which("node"), "node fehlt: bash tests/setup.sh ausführen"
    assert (JS / "node_modules" / "pdfjs-dist").is_dir(), "pdfjs-dist fehlt: bash tests/setup.sh ausführen"
    data = out.with_suffix(".json")
    data.write_text(json.dumps({k: v for k, v in values.items() if v is not None},
                               ensure_ascii=False), encoding="utf-8")
    subprocess.run(["node", str(JS / "fill_pdfjs.mjs"), str(blank), str(data), str(out)],
                   check=True, capture_output=True, timeout=120)
    return out


def _wide(fn, *args) -> str:
    """Call a PDFium getter that fills a UTF-16LE buffer; returns the string."""
    n = fn(*args, None, 0)
    buf = (ctypes.c_ushort * (n // 2 + 1))()
    fn(*args, buf, n)
    return bytes(buf)[:max(n - 2, 0)].decode("utf-16-le")


def fill_pdfium(blank: Path, values: dict, out: Path) -> Path:
    """Fill with PDFium (Chrome's and Edge's engine) as a user does: focus each text field and
    type the value, pick list entries, click checkboxes and radio buttons; then save."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as r

    pdf = pdfium.PdfDocument(str(blank))
    pdf.init_forms()
    env = pdf.formenv
    filled = set()
    for index in range(len(pdf)):
        holder = pdf[index]  # keeps the page (and its form handle) open while we type
        page = holder.raw
        for i in range(r.FPDFPage_GetAnnotCount(page)):
            annot = r.FPDFPage_GetAnnot(page, i)
            try:
                if r.FPDFAnnot_GetSubtype(annot) != r.FPDF_ANNOT_WIDGET:
                    continue
                name = _wide(r.FPDFAnnot_GetFormFieldName, env, annot)
                value = values.get(name)
                if value is None:
                    continue
                ftype = r.FPDFAnnot_GetFormFieldType(env, annot)
                if ftype == r.FPDF_FORMFIELD_TEXTFIELD:
                    r.FORM_SetFocusedAnnot(env, annot)
                    r.FORM_SelectAllText(env, page)
                    text = ctypes.create_string_buffer((value + "\0").encode("utf-16-le"))
                    r.FORM_ReplaceSelection(env, page, ctypes.cast(text, r.FPDF_WIDESTRING))
                    r.FORM_ForceToKillFocus(env)
                elif ftype == r.FPDF_FORMFIELD_COMBOBOX:
                    options = [_wide(r.FPDFAnnot_GetOptionLabel, env, annot, j)
                               for j in range(r.FPDFAnnot_GetOptionCount(env, annot))]
                    r.FORM_SetFocusedAnnot(env, annot)
                    r.FORM_SetIndexSelected(env, page, options.index(value), True)
                    r.FORM_ForceToKillFocus(env)
                elif ftype in (r.FPDF_FORMFIELD_CHECKBOX, r.FPDF_FORMFIELD_RADIOBUTTON):
                    if ftype == r.FPDF_FORMFIELD_RADIOBUTTON:
                        want = _wide(r.FPDFAnnot_GetFormFieldExportValue, env, annot) == value
                    else:
                        want = bool(value)
                    if bool(r.FPDFAnnot_IsChecked(env, annot)) != want:
                        rect = r.FS_RECTF()
                        r.FPDFAnnot_GetRect(annot, rect)
                        x, y = (rect.left + rect.right) / 2, (rect.top + rect.bottom) / 2
                        r.FORM_OnLButtonDown(env, page, 0, x, y)
                        r.FORM_OnLButtonUp(env, page, 0, x, y)
                        r.FORM_ForceToKillFocus(env)
                else:
                    continue
                filled.add(name)
            finally:
                r.FPDFPage_CloseAnnot(annot)
        holder.close()
    missing = {k for k, v in values.items() if v is not None} - filled
    assert not missing, f"PDFium fand diese Felder nicht: {sorted(missing)}"
    pdf.save(str(out))
    pdf.close()
    return out


def fonts_not_embedded(pdf: Path) -> set[str]:
    """Fields whose appearance uses a font that is neither embedded nor one of the standard 14:
    what it prints depends on the fonts of the printing machine."""
    from pypdf import PdfReader

    standard = {"Helvetica", "Times-Roman", "Courier", "Symbol", "ZapfDingbats"}

    def embedded(font) -> bool:
        font = font.get_object()
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        fd = font.get("/FontDescriptor")
        base = str(font.get("/BaseFont", ""))[1:].split("+")[-1]
        return (fd is not None and any(k in fd.get_object() for k in
                                       ("/FontFile", "/FontFile2", "/FontFile3"))
                or base.split("-")[0] in standard)

    out = set()
    reader = PdfReader(pdf)
    for page in reader.pages:
        for ref in page.get("/Annots", ()):
            w = ref.get_object()
            name = qualified_name(w)
            ap = w.get("/AP")
            normal = ap["/N"] if ap is not None else None
            fonts = (normal.get("/Resources") or {}).get("/Font") if hasattr(normal, "get_data") else None
            if fonts and not all(embedded(f) for f in fonts.values()):
                data = normal.get_data()
                used = [k for k in fonts if (k.encode() + b" ") in data]
                if any(not embedded(fonts[k]) for k in used):
                    out.add(name)
    return out


def widget_rects(pdf: Path) -> dict[str, tuple[int, tuple[float, float, float, float]]]:
    """Fully qualified text/choice field name -> (page index, rect) of its first widget."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    out = {}
    for index, page in enumerate(reader.pages):
        for ref in page.get("/Annots", ()):
            w = ref.get_object()
            if w.get("/Subtype") != "/Widget":
                continue
            node, parts, ft = w, [], None
            while node is not None:
                ft = ft or node.get("/FT")
                if "/T" in node:
                    parts.append(str(node["/T"]))
                node = node.get("/Parent").get_object() if "/Parent" in node else None
            if ft in ("/Tx", "/Ch"):
                out.setdefault(".".join(reversed(parts)), (index, tuple(float(v) for v in w["/Rect"])))
    return out


def _words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page: (xMin, yMin, xMax, yMax, word) in PDF points, origin bottom left."""
    assert shutil.which("pdftotext"), "pdftotext fehlt: bash tests/setup.sh ausführen"
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8", "replace")
    pages = []
    for page in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        height = float(page[0])
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                           r'yMax="([\d.]+)">(.*?)</word>', page[1])
        pages.append([(float(a), height - float(d), float(c), height - float(b), html.unescape(t))
                      for a, b, c, d, t in words])
    return pages


def shown_by_poppler(pdf: Path) -> dict[str, str]:
    """Field name -> the text poppler reads inside the field's box ('✂' marks a cut word)."""
    rects = widget_rects(pdf)
    pages = _words(pdf)
    out = {}
    for name, (page, (x1, y1, x2, y2)) in rects.items():
        inside = []
        for wx1, wy1, wx2, wy2, word in pages[page]:
            cx, cy = (wx1 + wx2) / 2, (wy1 + wy2) / 2
            if x1 <= cx <= x2 and y1 <= cy <= y2:
                cut = wx1 < x1 - 1 or wx2 > x2 + 1
                inside.append(word + ("✂" if cut else ""))
        out[name] = " ".join(inside)
    return out


def same_text(a: str | None, b: str | None) -> bool:
    def canon(t):
        return "".join(unicodedata.normalize("NFC", t or "").split())

    return canon(a) == canon(b)


def render_gray(pdf: Path, page: int, dpi: int = 100) -> tuple[int, int, bytes]:
    """Page `page` (0-based) rendered by pdftoppm as 8-bit grey: width, height, pixels."""
    assert shutil.which("pdftoppm"), "pdftoppm fehlt: bash tests/setup.sh ausführen"
    out = subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page + 1), "-l",
                          str(page + 1), str(pdf)], check=True, capture_output=True).stdout
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", out)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, out[m.end():m.end() + w * h]


def crop(image: tuple[int, int, bytes], rect, dpi: int = 100, page_h: float = 841.8898) -> bytes:
    """The pixels inside a PDF rect (points, origin bottom left), 1 px inset."""
    w, h, px = image
    s = dpi / 72
    x1, y1, x2, y2 = rect
    left, right = int(x1 * s) + 1, int(x2 * s) - 1
    top, bottom = int((page_h - y2) * s) + 1, int((page_h - y1) * s) - 1
    return b"".join(px[row * w + left:row * w + right] for row in range(top, bottom))
