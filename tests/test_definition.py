"""The definition loader rejects malformed definitions, naming the offending key."""

from __future__ import annotations

import shutil

import pytest

from vhpdf.form.definition import DefinitionError, forms_dir, load_definition
from vhpdf.form.tomlcache import load_toml


@pytest.fixture
def forms_copy(tmp_path):
    for f in forms_dir().glob("*.toml"):
        shutil.copy(f, tmp_path)
    return tmp_path


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _load(folder):
    load_definition.cache_clear()
    try:
        return load_definition(folder)
    finally:
        load_definition.cache_clear()


def test_shipped_definition_loads(form):
    assert form.id == "vhe-nrw"
    assert len(form.kpb) == 47
    assert {k.bezirk for k in form.kpb} == {"Arnsberg", "Detmold", "Düsseldorf", "Köln", "Münster"}
    assert sum(k.art == "pp" for k in form.kpb) == 18
    fields = form.field_map(2)
    assert fields["person2.geburtsdatum"].personal and fields["sachbearbeitung.email"].personal
    assert not fields["absender.aktenzeichen"].personal and not fields["massnahme.datum"].personal


def test_copy_loads_unchanged(forms_copy):
    assert _load(forms_copy).version == "1.1"


@pytest.mark.parametrize("file, old, new, message", [
    ("vollzugshilfeersuchen.toml", 'name = "absender.behoerde"\n', 'name = "absender.behoerde"\nlable = "x"\n',
     "unbekannter Schlüssel 'lable'"),
    ("vollzugshilfeersuchen.toml", 'name = "absender.aktenzeichen"', 'name = "absender.behoerde"',
     "Feldname doppelt: 'absender.behoerde'"),
    ("vollzugshilfeersuchen.toml", 'type = "checkbox"', 'type = "haekchen"', "ungültiger Wert 'haekchen'"),
    ("vollzugshilfeersuchen.toml", 'format = "datum"', 'format = "date"', "ungültiger Wert 'date'"),
    ("vollzugshilfeersuchen.regeln.toml", 'fields = ["massnahme.grund"]', 'fields = ["massnahme.grundd"]',
     "Regel grund-fehlt nennt unbekanntes Feld 'massnahme.grundd'"),
    ("vollzugshilfeersuchen.regeln.toml", 'id = "rechtsgrundlage-fehlt"', 'id = "grund-fehlt"',
     "Regel-ID doppelt: 'grund-fehlt'"),
    ("vollzugshilfeersuchen.regeln.toml", 'test = "filled"', 'test = "ausgefuellt"', "ungültiger Wert 'ausgefuellt'"),
    ("vollzugshilfeersuchen.regeln.toml", 'severity = "fehler"', 'severity = "kritisch"', "ungültiger Wert 'kritisch'"),
    ("kpb-nrw.toml", 'bezirk = "Köln"', 'bezirk = "Köln"\nkreis = "x"', "unbekannter Schlüssel 'kreis'"),
    ("vollzugshilfeersuchen.toml", '[form]\n', '[form]\nfarbe = "blau"\n', "unbekannter Schlüssel 'farbe'"),
    ("vollzugshilfeersuchen.toml", 'personal = true', 'personal = "ja"', "personal: true oder false erwartet"),
    ("vollzugshilfeersuchen.toml", "ocr_pattern = '(?=", "ocr_pattern = '((?=",
     "fields[1].ocr_pattern: ungültiger regulärer Ausdruck '((?="),
    ("vollzugshilfeersuchen.regeln.toml", 'values = ["jugendamt"', 'values = ["([", "jugendamt"',
     "ungültiger regulärer Ausdruck '([' (Fehler an Stelle 1)"),
    ("vollzugshilfeersuchen.toml", 'name = "absender.behoerde"\n', 'name = "absender.behoerde"\nocr_pattern = 7\n',
     "ocr_pattern: regulärer Ausdruck als Text erwartet"),
])
def test_malformed_definition_is_rejected(forms_copy, file, old, new, message):
    _edit(forms_copy / file, old, new)
    with pytest.raises(DefinitionError) as exc:
        _load(forms_copy)
    assert message in str(exc.value)


def test_broken_toml_names_the_file(forms_copy):
    (forms_copy / "vollzugshilfeersuchen.regeln.toml").write_text("[[rules]\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="vollzugshilfeersuchen.regeln.toml: kein gültiges TOML"):
        _load(forms_copy)


def test_person_fields_repeat(form):
    names = [f.name for f in form.fields(6)]
    assert "person6.erkenntnisse" in names and "person7.name" not in names
    assert form.persons_in(names) == 6


def test_role_naming_missing_field_is_rejected(forms_copy):
    _edit(forms_copy / "vollzugshilfeersuchen.toml", 'kontakt_email = "sachbearbeitung.email"',
          'kontakt_email = "sachbearbeitung.mail"')
    with pytest.raises(DefinitionError, match="kontakt_email nennt unbekanntes Feld 'sachbearbeitung.mail'"):
        _load(forms_copy)


def test_older_version_loads_by_version(form):
    old = load_definition(version="1.0")
    assert (old.id, old.version, old.rules) == (form.id, "1.0", ())
    assert "beschluss.status" in old.field_map(1) and "beschluss.status" not in form.field_map(1)
    assert load_definition(version=form.version) is load_definition()
    with pytest.raises(DefinitionError, match="Formularversion '0.9' ist nicht bekannt"):
        load_definition(version="0.9")


def test_new_fields_with_personal_data_are_marked(form):
    fields = form.field_map(1)
    assert all(fields[n].personal for n in fields if ".risiko." in n or n.startswith("uebergabe.")
               and n not in ("uebergabe.bundespolizei", "uebergabe.transport"))
    assert fields["person1.sprache"].personal and not fields["einsatzort.gemeinde"].personal
    assert len(form.gemeinden) == 396
    assert fields["einsatzort.gemeinde"].option_values == tuple(g.name for g in form.gemeinden)


def test_personal_must_be_bool(forms_copy):
    _edit(forms_copy / "vollzugshilfeersuchen.toml", 'name = "absender.behoerde"\n',
          'name = "absender.behoerde"\npersonal = "ja"\n')
    with pytest.raises(DefinitionError, match="personal: true oder false erwartet"):
        _load(forms_copy)


def test_edited_definition_is_not_served_from_the_cache(forms_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert _load(forms_copy).field_map(1)["absender.aktenzeichen"].label == "Aktenzeichen der ABH/ZAB"
    assert len(list((tmp_path / "cache" / "vhpdf").glob("*.json"))) >= 4  # the parsed files are kept
    _edit(forms_copy / "vollzugshilfeersuchen.toml", 'label = "Aktenzeichen der ABH/ZAB"',
          'label = "Aktenzeichen der ABH"')  # same folder, same second: only the content tells
    _edit(forms_copy / "vollzugshilfeersuchen.regeln.toml", 'severity = "fehler"', 'severity = "warnung"')
    edited = _load(forms_copy)
    assert edited.field_map(1)["absender.aktenzeichen"].label == "Aktenzeichen der ABH"
    assert edited.rules[0].severity.value == "warnung"


def test_cache_entry_is_used_only_when_private_and_intact(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "t.toml"
    source.write_text('wert = "echt"\n', encoding="utf-8")
    assert load_toml(source) == {"wert": "echt"}
    (entry,) = (tmp_path / "cache" / "vhpdf").glob("*.json")
    assert entry.stat().st_mode & 0o777 == 0o600
    entry.write_text(entry.read_text(encoding="utf-8").replace("echt", "anders"), encoding="utf-8")
    assert load_toml(source) == {"wert": "anders"}  # the entry is what is read ...
    entry.chmod(0o666)
    assert load_toml(source) == {"wert": "echt"}  # ... but not one others could have written,
    assert entry.stat().st_mode & 0o777 == 0o600  # which is replaced by our own
    for broken in ("kaputt", '{"format": 1, "sha256": "0", "data": {"wert": "anders"}}'):
        entry.write_text(broken, encoding="utf-8")
        assert load_toml(source) == {"wert": "echt"}


def test_definition_loads_without_a_writable_cache(forms_copy, tmp_path, monkeypatch):
    blocked = tmp_path / "keine-mappe"
    blocked.write_text("")  # a file where the cache folder would go
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _load(forms_copy).version == "1.1"
    source = tmp_path / "datum.toml"  # dates have no JSON form: parsed each time, never cached
    source.write_text("stand = 2024-09-06\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert str(load_toml(source)["stand"]) == "2024-09-06" == str(load_toml(source)["stand"])
    assert not list((tmp_path / "cache").glob("vhpdf/*"))


def test_cache_goes_nowhere_relative(tmp_path, monkeypatch):
    """A relative $XDG_CACHE_HOME would put the cache beside whatever folder vhpdf runs in."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    source = tmp_path / "t.toml"
    source.write_text('wert = "echt"\n', encoding="utf-8")
    assert load_toml(source) == {"wert": "echt"}
    assert not (tmp_path / "cache").exists() and list((tmp_path / "home" / ".cache" / "vhpdf").glob("*.json"))
