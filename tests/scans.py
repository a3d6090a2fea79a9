"""Simulated scans: pages rendered to pixels, slightly rotated and shifted, noisy, back in a PDF.

Stands in for a printed, signed and scanned request. Uses PyMuPDF (test extra) to render and to
wrap the images, so the reader under test (pypdfium2 + Tesseract) shares no code with it.
"""

from __future__ import annotations

import io
import random
from pathlib import Path


def simulate_scan(pdf: Path, out: Path, dpi: int = 200, angles=(0.6, -0.4, 0.9),
                  shift=(9, -6), noise: float = 0.02, seed: int = 6) -> Path:
    import numpy as np
    import pymupdf
    from PIL import Image

    rng = np.random.default_rng(seed)
    random.seed(seed)
    src = pymupdf.open(pdf)
    dst = pymupdf.open()
    for i, page in enumerate(src):
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        angle = angles[i % len(angles)]
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255,
                         translate=shift)  # paper slightly askew and off-centre on the glass
        arr = np.asarray(img, dtype=np.int16)
        arr = arr + rng.normal(0, 10, arr.shape)  # sensor noise
        specks = rng.random(arr.shape) < noise / 10  # dust
        arr[specks] = rng.integers(0, 160, specks.sum())
        arr = np.clip(arr * 0.92 + 14, 0, 255).astype("uint8")  # grey paper, lighter blacks
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="JPEG", quality=75)
        rect = page.rect
        new = dst.new_page(width=rect.width, height=rect.height)
        new.insert_image(rect, stream=buf.getvalue())
    dst.save(out, garbage=3, deflate=True)
    return out


def image_page(image, size: tuple[float, float]) -> bytes:
    """A one-page PDF of `size` points that shows nothing but `image` (a PIL image), filling it."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=size)
    canvas.drawImage(ImageReader(image), 0, 0, *size)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()
