"""Writing results: atomically, owner-only, never over an existing file unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from vhpdf.form.messages import text


class OutputError(Exception):
    """The output cannot be written; the message is German."""


def write_output(path: str | os.PathLike, data: bytes | str, force: bool = False) -> Path:
    """Write `data` to `path` via a temporary file and rename, with permissions 0600.

    A half-written file never appears under the final name, and personal data is not left
    readable for other users of a shared machine.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.exists() and not force:
        raise OutputError(text("bericht.datei_existiert", datei=path))
    if path.exists() and not path.is_file():
        raise OutputError(text("bericht.ziel_keine_datei", datei=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(text("bericht.ordner_fehlt", datei=path, ordner=folder))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".vhpdf-", suffix=".tmp")
    except OSError as exc:
        raise OutputError(text("bericht.schreiben_unmoeglich", datei=path, grund=exc.strerror)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(text("bericht.schreiben_unmoeglich", datei=path, grund=exc.strerror)) from None
    return path
