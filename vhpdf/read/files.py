"""Opening received files: regular files only, read-only, size-limited; and what a non-PDF is.

Checked before any PDF parsing: sniffing by magic bytes names what a file is instead of a PDF,
and the cross-reference check tells whether pypdf will have to repair the file.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from vhpdf.form.messages import text
from vhpdf.read.errors import NotRegularFileError

MAX_FILE_SIZE = 100 * 2**20


def sniff(data: bytes) -> str | None:
    """What a non-PDF file is, in German words, by its magic bytes (None: no known magic).

    Checked before looking for the PDF header, because an uncompressed ZIP or a mail may well
    carry a PDF within its first kilobyte.
    """
    head = data[:1024]
    low = head.lstrip().lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return text("lesen.art_zip")
    if head.startswith(b"\x1f\x8b"):
        return text("lesen.art_gzip")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return text("lesen.art_office_alt")
    images = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"II*\x00": "TIFF",
              b"MM\x00*": "TIFF", b"BM": "BMP"}
    for magic, kind in images.items():
        if head.startswith(magic):
            return text("lesen.art_bild", format=kind)
    if low.startswith((b"<!doctype html", b"<html")):
        return text("lesen.art_html")
    if b"%PDF-" in head:
        return None
    if b"<html" in low:
        return text("lesen.art_html")
    try:
        head.decode("utf-8")
        return text("lesen.art_text")
    except UnicodeDecodeError:
        return text("lesen.art_unbekannt")


_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_OBJ_AT = re.compile(rb"\s*\d+\s+\d+\s+obj")


def xref_intact(data: bytes) -> bool:
    """Whether the last startxref points at an xref table or an xref stream object."""
    found = list(_STARTXREF.finditer(data, max(0, len(data) - 2048)))
    if not found:
        return False
    offset = int(found[-1].group(1))
    if offset >= len(data):
        return False
    return data[offset:offset + 4] == b"xref" or bool(_OBJ_AT.match(data, offset))


_KIND = {stat.S_ISFIFO: "lesen.art_fifo", stat.S_ISCHR: "lesen.art_geraet",
         stat.S_ISBLK: "lesen.art_blockgeraet", stat.S_ISSOCK: "lesen.art_socket"}


def read_file(path: str | os.PathLike, limit: int = MAX_FILE_SIZE) -> bytes:
    """The bytes of a regular file, opened read-only; anything else is an ExtractError."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise NotRegularFileError(text("lesen.link_ins_leere")) from None
        raise NotRegularFileError(text("lesen.existiert_nicht")) from None
    except PermissionError:
        raise NotRegularFileError(text("lesen.keine_berechtigung")) from None
    except OSError as exc:
        raise NotRegularFileError(text("lesen.nicht_lesbar", grund=exc.strerror)) from None
    if stat.S_ISDIR(st.st_mode):
        raise NotRegularFileError(text("lesen.ordner"))
    if not stat.S_ISREG(st.st_mode):
        kind = next((k for test, k in _KIND.items() if test(st.st_mode)), "lesen.art_sonstige")
        raise NotRegularFileError(text("lesen.keine_normale_datei", art=text(kind)))
    if st.st_size > limit:
        raise NotRegularFileError(text("lesen.zu_gross_mb", mb=st.st_size // 2**20,
                                       hoechstens=limit // 2**20))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise NotRegularFileError(text("lesen.keine_leseberechtigung")) from None
    except OSError as exc:
        raise NotRegularFileError(text("lesen.nicht_lesbar", grund=exc.strerror)) from None
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since stat()
            raise NotRegularFileError(text("lesen.keine_normale_datei_mehr"))
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise NotRegularFileError(text("lesen.nicht_lesbar", grund=exc.strerror)) from None
    if len(data) > limit:
        raise NotRegularFileError(text("lesen.zu_gross", hoechstens=limit // 2**20))
    return data
