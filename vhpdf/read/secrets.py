"""Password files: one password a line, readable by its owner only, never echoed or written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from vhpdf.form.messages import text


class SecretFileError(Exception):
    """The password file cannot be used; the message is German and names the file."""


def read_password_file(path: Path) -> list[str]:
    """The non-empty lines of `path`, refused if group or others may read or write it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise SecretFileError(text("lesen.kennwortdatei_fehlt", datei=path)) from None
    except OSError as exc:
        raise SecretFileError(text("lesen.kennwortdatei_unlesbar", datei=path, grund=exc.strerror)) from None
    if not stat.S_ISREG(st.st_mode):
        raise SecretFileError(text("lesen.kennwortdatei_unlesbar", datei=path, grund=text("lesen.keine_datei")))
    if st.st_mode & 0o077:
        raise SecretFileError(text("lesen.kennwortdatei_offen", datei=path, rechte=f"{st.st_mode & 0o777:o}"))
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretFileError(text("lesen.kennwortdatei_unlesbar", datei=path,
                                   grund=getattr(exc, "strerror", None) or text("lesen.kein_utf8"))) from None
    return [line for line in (raw.rstrip("\r\n") for raw in lines) if line.strip()]
