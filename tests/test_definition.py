"""The definition loader rejects malformed definitions, naming the offending key."""

from __future__ import annotations

import shutil

import pytest

from vhpdf.form.definition import DefinitionError, forms_dir, load_definition


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
