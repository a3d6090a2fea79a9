"""Opening received files: regular files only, read-only, size-limited; and what a non-PDF is.

Checked before any PDF parsing: sniffing by magic bytes names what a file is instead of a PDF,
and the cross-reference check tells whether pypdf will have to repair the file.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

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
        return "ein ZIP-Archiv (oder ein Office-Dokument)"
    if head.startswith(b"\x1f\x8b"):
        return "eine gzip-komprimierte Datei"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "eine ältere Office- oder Outlook-Datei"
    images = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"II*\x00": "TIFF",
              b"MM\x00*": "TIFF", b"BM": "BMP"}
    for magic, kind in images.items():
        if head.startswith(magic):
            return f"ein Bild ({kind})"
    if low.startswith((b"<!doctype html", b"<html")):
        return "eine HTML-Seite"
    if b"%PDF-" in head:
        return None
    if b"<html" in low:
        return "eine HTML-Seite"
    try:
        head.decode("utf-8")
        return "eine Textdatei"
    except UnicodeDecodeError:
        return "ein unbekanntes Format"


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


_KIND = {stat.S_ISFIFO: "eine benannte Pipe (FIFO)", stat.S_ISCHR: "ein Gerät",
         stat.S_ISBLK: "ein Blockgerät", stat.S_ISSOCK: "ein Socket"}


def read_file(path: str | os.PathLike, limit: int = MAX_FILE_SIZE) -> bytes:
    """The bytes of a regular file, opened read-only; anything else is an ExtractError."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            raise NotRegularFileError("Der Pfad ist ein Verweis (Link) ins Leere.") from None
        raise NotRegularFileError("Die Datei existiert nicht.") from None
    except PermissionError:
        raise NotRegularFileError("Keine Berechtigung, auf die Datei zuzugreifen.") from None
    except OSError as exc:
        raise NotRegularFileError(f"Die Datei ist nicht lesbar ({exc.strerror}).") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotRegularFileError("Der Pfad ist ein Ordner, keine Datei.")
    if not stat.S_ISREG(st.st_mode):
        kind = next((k for test, k in _KIND.items() if test(st.st_mode)), "keine normale Datei")
        raise NotRegularFileError(f"Der Pfad ist keine normale Datei, sondern {kind}; "
                                  "er wird nicht gelesen.")
    if st.st_size > limit:
        raise NotRegularFileError(f"Die Datei ist mit {st.st_size // 2**20} MB zu groß "
                                  f"(höchstens {limit // 2**20} MB).")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except PermissionError:
        raise NotRegularFileError("Keine Leseberechtigung für die Datei.") from None
    except OSError as exc:
        raise NotRegularFileError(f"Die Datei ist nicht lesbar ({exc.strerror}).") from None
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # swapped since stat()
            raise NotRegularFileError("Der Pfad ist keine normale Datei; er wird nicht gelesen.")
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise NotRegularFileError(f"Die Datei ist nicht lesbar ({exc.strerror}).") from None
    if len(data) > limit:
        raise NotRegularFileError(f"Die Datei ist zu groß (höchstens {limit // 2**20} MB).")
    return data
