"""The message catalogue forms/texte.toml: every text used exists, every text exists for a use."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from vhpdf.form.messages import ROOMS, MessageError, catalogue, load_messages, placeholders, text

PACKAGE = Path(__file__).resolve().parent.parent / "vhpdf"
# A catalogue key anywhere in the source: "room.key" as a string literal (text("…"), or a key
# chosen from a table such as files._KIND).
ROOM = "|".join(sorted(ROOMS))
KEY = re.compile(r"""["'](?P<key>(?:""" + ROOM + r""")\.[a-z][a-z0-9_]*)["']""")


def _sources():
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))]


def _used_keys() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path, source in _sources():
        for m in KEY.finditer(source):
            used.setdefault(m.group("key"), []).append(str(path.relative_to(PACKAGE.parent)))
    return used


def _calls():
    """(where, key, keyword names) for every text() call whose key is a literal (or a choice of two).

    A call passing **values is left to text()'s own check at run time.
    """
    for path, source in _sources():
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "text"):
                continue
            if any(k.arg is None for k in node.keywords):
                continue
            arg = node.args[0]
            options = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for option in options:
                if isinstance(option, ast.Constant) and isinstance(option.value, str):
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                    yield where, option.value, {k.arg for k in node.keywords}


def test_every_key_used_exists():
    unknown = {k: v for k, v in _used_keys().items() if k not in catalogue()}
    assert not unknown, f"Texte fehlen in forms/texte.toml: {unknown}"


def test_every_catalogue_text_is_used():
    used = _used_keys()
    dead = sorted(k for k in catalogue() if k not in used)
    assert not dead, f"Ungenutzte Texte in forms/texte.toml: {dead}"


def test_placeholders_match():
    calls = list(_calls())
    assert len(calls) > 100  # the scan finds the calls
    wrong = [(where, key, sorted(given), sorted(catalogue()[key].placeholders))
             for where, key, given in calls if key in catalogue() and given != catalogue()[key].placeholders]
    assert not wrong, wrong


def test_every_text_call_has_a_literal_key_or_a_key_table():
    """A key built at run time would escape the checks above."""
    for path, source in _sources():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "text":
                arg = node.args[0]
                assert not isinstance(arg, ast.JoinedStr), f"{path}:{node.lineno}: f-string key"
                assert not isinstance(arg, ast.BinOp), f"{path}:{node.lineno}: computed key"


def test_text_fills_and_names_wrong_keys():
    assert text("lesen.leer") == "Die Datei ist leer."
    assert text("stapel.rechenzeit_lesen", sekunden="1,5").startswith("Rechenzeitlimit von 1,5 s")
    with pytest.raises(MessageError, match="lesen.gibt_es_nicht"):
        text("lesen.gibt_es_nicht")
    with pytest.raises(MessageError, match=r"stapel.absturz.*\{wie\}"):
        text("stapel.absturz")
    with pytest.raises(MessageError, match=r"lesen.leer.*\{datei\}"):
        text("lesen.leer", datei="x")


def test_decree_citation_in_catalogue():
    assert text("antwort.erlass") == "Erlass des MKJFGFI NRW vom 06.09.2024 (Az. 26.19.01-000009)"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "texte.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_unknown_room_is_named(tmp_path):
    with pytest.raises(MessageError, match="'druckerei'"):
        load_messages(_write(tmp_path, '[lesen]\nleer = "x"\n[druckerei]\nleer = "y"\n'))


def test_duplicate_key_is_named(tmp_path):
    with pytest.raises(MessageError, match=r"'lesen\.leer' doppelt"):
        load_messages(_write(tmp_path, '[lesen]\nleer = "x"\nanders = """a\nleer = b"""\nleer = "y"\n'))


def test_empty_or_non_text_is_named(tmp_path):
    with pytest.raises(MessageError, match="'bericht.titel'"):
        load_messages(_write(tmp_path, '[bericht]\ntitel = "  "\n'))
    with pytest.raises(MessageError, match="'bericht.titel'"):
        load_messages(_write(tmp_path, "[bericht]\ntitel = 3\n"))


def test_bad_placeholder_is_named(tmp_path):
    with pytest.raises(MessageError, match="'cli.kennwort'"):
        load_messages(_write(tmp_path, '[cli]\nkennwort = "{} Dateien"\n'))
    with pytest.raises(MessageError, match="'cli.kennwort'"):
        load_messages(_write(tmp_path, '[cli]\nkennwort = "{anzahl Dateien"\n'))


def test_placeholders_with_format_spec():
    assert placeholders("U+{code:04X} {groesse:g} {{wörtlich}}") == {"code", "groesse"}


def test_shipped_catalogue_loads_through_the_path_loader():
    from vhpdf.form.definition import forms_dir

    assert load_messages(forms_dir() / "texte.toml") == catalogue()
