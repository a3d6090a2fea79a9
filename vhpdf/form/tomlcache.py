"""The TOML files of forms/ parsed once per content, not at every start.

tomllib is pure Python: the form files (about 200 KB, half of it the Gemeinden list) took
~60 ms to parse at every command, the same data as JSON ~3 ms. So the parsed data is kept as
JSON in the user's cache folder ($XDG_CACHE_HOME/vhpdf, default ~/.cache/vhpdf), each entry named
by the SHA-256 of the TOML bytes it came from: an edited file has another name, so its old entry
is never served. The cache holds form data only, never anything read from a request.

Whatever goes wrong with the cache (folder not writable, entry broken or not ours) costs only
the parse: the file is then read as if there were no cache. tomllib itself is imported only for
a parse, not when the cache answers (~2.5 ms of every start).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path

FORMAT = 1  # raise when what an entry holds changes: older entries are then not read


class TomlError(ValueError):
    """The file is not valid TOML; the message is tomllib's."""


def cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/vhpdf or ~/.cache/vhpdf; None without a home (a relative $XDG_CACHE_HOME
    is ignored, as the XDG specification asks: it would put the cache beside the files checked)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no $HOME and no entry in the user database
            return None
    return Path(base) / "vhpdf"


def load_toml(path: Path) -> dict:
    """`tomllib.loads` of the file's text, from the cache when this content was parsed before.

    Raises OSError and UnicodeDecodeError as reading does, TomlError for invalid TOML.
    """
    raw = path.read_bytes()
    key = hashlib.sha256(raw).hexdigest()
    folder = cache_dir()
    data = _read(folder / f"{key}.json", key) if folder else None
    if data is None:
        data = _parse(raw)
        if folder:
            _write(folder / f"{key}.json", key, data)
    return data


def _parse(raw: bytes) -> dict:
    import tomllib  # here, not at the top: the cache usually answers

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TomlError(str(exc)) from exc


def _read(entry: Path, key: str) -> dict | None:
    """The data of a cache entry, or None when there is none we can trust."""
    try:
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with open(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        # an entry decides which rules a request is checked against: only our own, unshared file
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022 or (
                hasattr(os, "geteuid") and info.st_uid != os.geteuid()):
            return None
        try:
            content = json.loads(fh.read())
        except (OSError, ValueError):
            return None
    if not (isinstance(content, dict) and content.get("format") == FORMAT
            and content.get("sha256") == key and isinstance(content.get("data"), dict)):
        return None
    return content["data"]


def _write(entry: Path, key: str, data: dict) -> None:
    """Keep `data` under `entry`, atomically; silently not where that cannot be done."""
    try:
        text = json.dumps({"format": FORMAT, "sha256": key, "data": data}, ensure_ascii=False,
                          allow_nan=False)
    except (TypeError, ValueError):  # dates and times have no JSON form: such a file is parsed each time
        return
    if json.loads(text)["data"] != data:  # kept only what JSON gives back exactly as parsed
        return
    temp = entry.with_name(f".{key}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with open(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temp, entry)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
