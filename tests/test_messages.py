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


# German user-facing text in vhpdf/ belongs in forms/texte.toml. A literal counts as German if
# it has an umlaut, ß or German quotes, or one of these words (lower case, so English identifiers
# and field labels like "Name" do not trip it). The scan is a net, not a proof: keep it strict.
GERMAN = re.compile(r"[äöüÄÖÜß„“]|\b(?:der|die|das|und|oder|nicht|ist|sind|ein|eine|einer|kein|keine|"
                    r"mit|ohne|für|bitte|auf|den|dem|des|von|im|bei|nach|als|wird|wurde|werden|jetzt|"
                    r"ganzes|Datei|Daten|Feld|Felder|Formular|Seite|Signatur|Zeile|Wert|Zahl|Angabe|Warnung|"
                    r"geschrieben)\b")
# German by contract or by necessity, each with its reason.
ALLOWED_FILES = {
    # They report errors in forms/*.toml themselves, before (or instead of) a catalogue exists.
    "vhpdf/form/definition.py", "vhpdf/form/messages.py",
}
ALLOWED_LITERALS = {
    # Status and ErrorKind values: stable identifiers in JSON and CSV output.
    ("vhpdf/check/result.py", "vollständig"), ("vhpdf/check/result.py", "unvollständig"),
    ("vhpdf/read/errors.py", "keine-datei"), ("vhpdf/read/errors.py", "keine-pdf"),
    ("vhpdf/read/errors.py", "kein-formular"),
    # The page number printed on the form and read back from paper: printed copies carry it.
    ("vhpdf/form/identity.py", r"Seite\s+(\d+)\s+von\s+(\d+)"), ("vhpdf/form/identity.py", "Seite "),
    ("vhpdf/form/identity.py", " von "), ("vhpdf/form/identity.py", " · Formular "),
    ("vhpdf/form/identity.py", r"Formular\s+(\S+)\s*\S?\s*Version\s+(\d+[.,]\d+)"),
    # Character sets OCR confuses, not text.
    ("vhpdf/read/paper/ocr.py", "ijéèêáàâíìîóòôúùûñ\"'`´“”‘’^°*"),
    ("vhpdf/read/paper/ocr.py", "äöüëïÿÄÖÜËÏ"), ("vhpdf/read/paper/ocr.py", "„"),
    # main()'s last resort: it must speak even when forms/texte.toml is missing or broken.
    ("vhpdf/cli/commands.py", "vhpdf: interner Fehler ("), ("vhpdf/cli/commands.py", "); bitte melden."),
}
OPTION = re.compile(r"--?[a-z][a-z0-9-]*")  # an option's name ("--mit-werten") is no sentence


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def german_literals(source: str, where: str) -> list[str]:
    """'where:line: literal' for each German string literal in `source` (f-string parts included)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
            continue
        if KEY.fullmatch(repr(node.value)) or OPTION.fullmatch(node.value) or (where, node.value) in ALLOWED_LITERALS:
            continue
        if GERMAN.search(node.value):
            found.append((node.lineno, node.col_offset, f"{where}:{node.lineno}: {node.value!r}"))
    return [line for *_, line in sorted(found)]


def test_no_german_text_in_code():
    found = []
    for path, source in _sources():
        where = str(path.relative_to(PACKAGE.parent))
        if where not in ALLOWED_FILES:
            found += german_literals(source, where)
    assert not found, "Deutsche Texte gehören nach forms/texte.toml:\n" + "\n".join(found)


def test_allow_list_is_not_stale():
    trees = {str(p.relative_to(PACKAGE.parent)): ast.parse(s) for p, s in _sources()}
    stale = [(where, literal) for where, literal in ALLOWED_LITERALS
             if not any(isinstance(n, ast.Constant) and n.value == literal for n in ast.walk(trees[where]))]
    assert not stale, stale
    assert all(where in trees for where in ALLOWED_FILES)


def test_german_scan_finds_what_it_should():
    source = 'x = f"Seite {n} fehlt"\ny = "Die Datei ist leer."\nz = "lesen.leer"\nw = "page_count"\n'
    assert [line.split(": ", 1)[1] for line in german_literals(source, "x.py")] == [
        "'Seite '", "'Die Datei ist leer.'"]
