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
# qpdf and pypdf find the header after leading junk (a mail gateway's banner, a stray byte);
# look that far, but sniff the first kilobyte for what else the file may be
HEADER_WINDOW = 64 * 2**10
_PADDING = b"\x00 \t\r\n\x0c"


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
    if b"%PDF-" in head or header_offset(data) is not None:
        return None
    if b"<html" in low:
        return text("lesen.art_html")
    try:
        head.decode("utf-8")
        return text("lesen.art_text")
    except UnicodeDecodeError:
        return text("lesen.art_unbekannt")


def header_offset(data: bytes) -> int | None:
    """Where the `%PDF-` header starts, allowing junk before it (None: no header)."""
    at = data.find(b"%PDF-", 0, HEADER_WINDOW)
    return at if at >= 0 else None


def content_end(data: bytes) -> int:
    """The end of the file without trailing padding (NULs, white space), however long it is."""
    end = len(data)
    while end > 0:
        chunk = data[max(0, end - 65536):end].rstrip(_PADDING)
        if chunk:
            return max(0, end - 65536) + len(chunk)
        end = max(0, end - 65536)
    return 0


def ends_with_eof(data: bytes) -> bool:
    """Whether `%%EOF` closes the file, padding after it allowed (else it was cut off)."""
    end = content_end(data)
    return b"%%EOF" in data[max(0, end - 1024):end]


_EOF_HEADER = re.compile(rb"%%EOF\s*%PDF-")
_PREV = re.compile(rb"/Prev\s+\d+")


def glued(data: bytes) -> bool:
    """Whether the file is separate documents glued together, not one with incremental updates.

    An update may start with a `%PDF-` line (PDFgear writes one); it is still linked to what
    came before by its trailer's (or xref stream's) /Prev. A section after `%%EOF %PDF-` whose
    cross-reference part has no /Prev is a document of its own.
    """
    for m in _EOF_HEADER.finditer(data):
        following = data.find(b"%%EOF", m.end())
        section = data[m.start() + 5:following if following >= 0 else len(data)]
        if not _PREV.search(section):
            return True
    return False


_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_OBJ_AT = re.compile(rb"\s*\d+\s+\d+\s+obj")


def xref_intact(data: bytes) -> bool:
    """Whether the last startxref points at an xref table or an xref stream object.

    Offsets may count from the header rather than the file's start when junk precedes it.
    """
    end = content_end(data)
    found = list(_STARTXREF.finditer(data, max(0, end - 2048), end))
    if not found:
        return False
    for offset in {int(found[-1].group(1)), int(found[-1].group(1)) + (header_offset(data) or 0)}:
        if offset < len(data) and (data[offset:offset + 4] == b"xref" or _OBJ_AT.match(data, offset)):
            return True
    return False


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
