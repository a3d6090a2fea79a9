"""pdf.js as a filler, and poppler as an independent reader of what a page shows.

pdf.js (Firefox's viewer) runs in node from tests/js (pdfjs-dist pinned in package.json,
installed by tests/setup.sh). poppler's pdftotext and pdftoppm read and render the page with
its appearance streams, as a printer would. A missing tool fails the test.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

JS = Path(__file__).resolve().parent / "js"


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
