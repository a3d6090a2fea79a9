"""Data exchange: XFDF/FDF with pdftk and Acrobat conventions, the JSON Schema, CSV bulk fill,
and a fill that checks every value before it writes."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from vhpdf.batch.task import check_file
from vhpdf.check.printcheck import RULE_CUT
from vhpdf.cli.commands import cli
from vhpdf.form.schema import build_schema
from vhpdf.read.extract import extract


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def exchange_values(complete_values) -> dict:
    """The complete sample with the characters and states exchange formats get wrong."""
    values = dict(complete_values)
    values.update({
        "person1.name": "Wiśniewski", "person1.vorname": "Łukasz",
        "person2.name": "Țurcanu", "person2.vorname": "Ștefan",
        "absender.anschrift": "Große Straße 5\nÄußere Höfe\n33602 Bielefeld",
        "ersuchen.eilfall": False, "massnahme.zwang": True, "beschluss_durchsuchung.status": "beantragt",
    })
    return values


@pytest.fixture(scope="module")
def filled(tmp_path_factory, exchange_values):
    folder = tmp_path_factory.mktemp("exchange")
    data = folder / "daten.json"
    data.write_text(json.dumps(exchange_values, ensure_ascii=False), encoding="utf-8")
    result = run("fill", data, "-o", folder / "voll.pdf")
    assert result.exit_code == 0, result.output
    return folder / "voll.pdf"


@pytest.mark.parametrize("fmt", ["xfdf", "fdf"])
def test_export_fills_pdftk_and_vhpdf_identically(tmp_path, blank_pdf, filled, exchange_values, fmt):
    data = tmp_path / f"daten.{fmt}"
    assert run("extract", filled, "--format", fmt, "-o", data).exit_code == 0
    expected = extract(filled).values
    assert {k: expected[k] for k in exchange_values} == {
        k: (None if v == "" else v) for k, v in exchange_values.items()}
    by_pdftk = tmp_path / "pdftk.pdf"
    subprocess.run(["pdftk", str(blank_pdf), "fill_form", str(data), "output", str(by_pdftk)],
                   check=True, capture_output=True)
    assert extract(by_pdftk).values == expected
    by_vhpdf = tmp_path / "vhpdf.pdf"
    result = run("fill", data, "-o", by_vhpdf)
    assert result.exit_code == 0, result.output
    assert extract(by_vhpdf).values == expected


def test_extract_json_fills_again(tmp_path, filled):
    data = tmp_path / "ausgelesen.json"
    assert run("extract", filled, "-o", data).exit_code == 0
    assert json.loads(data.read_text(encoding="utf-8"))["values"]["abschluss.signatur"] is False
    result = run("fill", data, "-o", tmp_path / "wieder.pdf")
    assert result.exit_code == 0, result.output
    assert extract(tmp_path / "wieder.pdf").values == extract(filled).values


def test_xfdf_export_nests_names_and_carries_states(tmp_path, filled):
    result = run("extract", filled, "--format", "xfdf")
    assert result.exit_code == 0
    text = result.output
    assert '<xfdf xmlns="http://ns.adobe.com/xfdf/"' in text
    assert '<field name="person1">' in text and '<field name="vorname">' in text
    assert "<value>Łukasz</value>" in text and "<value>beantragt</value>" in text
    assert "<value>Ja</value>" in text and "<value>Off</value>" in text


def test_pdftk_and_acrobat_style_inputs_fill_vhpdf(tmp_path, filled, exchange_values):
    # pdftk's generate_fdf: PDFDocEncoding strings, /Ja and /Off names, nested /Kids
    fdf = tmp_path / "pdftk.fdf"
    subprocess.run(["pdftk", str(filled), "generate_fdf", "output", str(fdf)], check=True)
    result = run("fill", fdf, "-o", tmp_path / "aus-fdf.pdf")
    assert result.exit_code == 0, result.output
    assert extract(tmp_path / "aus-fdf.pdf").values == extract(filled).values
    # XFDF with flat dotted names and CR line breaks, as scripts write for pdftk fill_form
    xfdf = tmp_path / "flach.xfdf"
    xfdf.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xfdf xmlns="http://ns.adobe.com/xfdf/">'
                    '<fields><field name="person1.name"><value>Wiśniewski</value></field>'
                    '<field name="absender.anschrift"><value>Große Straße 5\r33602 Bielefeld</value></field>'
                    '<field name="massnahme.zwang"><value>Ja</value></field>'
                    '<field name="massnahme.festnahme"><value>Off</value></field>'
                    '<field name="beschluss_durchsuchung.status"><value>beantragt</value></field>'
                    "</fields></xfdf>", encoding="utf-8")
    result = run("fill", xfdf, "-o", tmp_path / "aus-xfdf.pdf")
    assert result.exit_code == 0, result.output
    values = extract(tmp_path / "aus-xfdf.pdf").values
    assert values["person1.name"] == "Wiśniewski"
    assert values["absender.anschrift"] == "Große Straße 5\n33602 Bielefeld"
    assert values["massnahme.zwang"] is True and values["massnahme.festnahme"] is False
    assert values["beschluss_durchsuchung.status"] == "beantragt"


@pytest.mark.parametrize("content, words", [
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     '<xfdf><fields><field name="person1.name"><value>&e;</value></field></fields></xfdf>',
     ["DTD oder Entitäten"]),
    ('<xfdf><fields><field name="a"><value>x</fields></xfdf>', ["Zeile 1, Spalte", "kein gültiges XML"]),
    ('<xfdf><fields><field name="massnahme.zwang"><value>vielleicht</value></field></fields></xfdf>',
     ["massnahme.zwang: true oder false erwartet"]),
])
def test_bad_xfdf_is_explained(tmp_path, content, words):
    data = tmp_path / "daten.xfdf"
    data.write_text(content, encoding="utf-8")
    result = run("fill", data, "-o", tmp_path / "out.pdf")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "root:" not in result.output
    for word in words:
        assert word in result.output
    assert not (tmp_path / "out.pdf").exists()


# --- the schema ----------------------------------------------------------------------------------


def test_schema_has_every_field_and_nothing_else(form):
    schema = build_schema(form)
    Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == {f.name for f in form.fields(form.repeat.max)}
    assert schema["additionalProperties"] is False
    kpb = schema["properties"][form.kpb_field]
    assert set(kpb["enum"]) >= {k.name for k in form.kpb}


def test_schema_command_validates_every_sample_and_rejects_a_bad_one():
    result = run("schema")
    assert result.exit_code == 0
    validator = Draft202012Validator(json.loads(result.output))
    samples = sorted(SAMPLES.glob("*.json"))
    assert len(samples) >= 2
    for sample in samples:
        errors = list(validator.iter_errors(json.loads(sample.read_text(encoding="utf-8"))))
        # the incomplete sample holds deliberate format faults for the checker, nothing else
        assert all(e.validator == "pattern" for e in errors), (sample.name, errors[:3])
        assert not errors or sample.name != "vollstaendig.json", errors[:3]
    bad = {"ersuchen.datum": "2026-11-03", "massnahme.zwang": "ja", "person1.nachname": "x"}
    assert len(list(validator.iter_errors(bad))) == 3


# --- checks before writing ------------------------------------------------------------------------


def _json(tmp_path, data, name="daten.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_fill_refuses_bad_mandatory_formats_and_names_every_problem(tmp_path, complete_values):
    data = {**complete_values, "ersuchen.datum": "31.02.2026", "person1.nachname": "Hoxha",
            "empfaenger.kpb": "KPB Unnna", "massnahme.zwang": "ja", "massnahme.datum": "2026-11-03"}
    result = run("fill", _json(tmp_path, data), "-o", tmp_path / "out.pdf")
    assert result.exit_code == 1
    for text in ["ersuchen.datum: keine gültige Angabe (Datum als TT.MM.JJJJ)",
                 "person1.nachname: unbekanntes Feld – meinten Sie 'person1.name'?",
                 "empfaenger.kpb: ungültige Auswahl 'KPB Unnna' – meinten Sie 'Kreispolizeibehörde Unna'?",
                 "massnahme.zwang: true oder false erwartet, gefunden: Text",
                 "Warnung: massnahme.datum: keine gültige Angabe"]:
        assert text in result.output
    assert not (tmp_path / "out.pdf").exists()


def test_fill_warns_for_optional_formats_and_cut_text_and_streng_refuses(tmp_path, complete_values):
    data = {**complete_values, "massnahme.datum": "2026-11-03", "massnahme.uhrzeit": "25:61",
            "unterkunft.plz": "1234", "person1.name": "Hoxha-" * 50,
            "massnahme.grund": "Begründung " * 500, "empfaenger.kpb": "KPB Unna",
            "kraefte.abh.anzahl": 3}
    path = _json(tmp_path, data)
    result = CliRunner().invoke(cli, ["fill", str(path), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 0, result.output
    for text in ["massnahme.datum: keine gültige Angabe", "massnahme.uhrzeit: keine gültige Angabe",
                 "unterkunft.plz: keine gültige Angabe (fünfstellige Postleitzahl)",
                 "person1.name: passt nicht ganz ins Feld", "von 300 Zeichen",
                 "massnahme.grund: passt nicht ganz ins Feld"]:
        assert text in result.output
    # the checker, reading the written PDF, flags exactly the fields fill warned about
    cut = {f.fields[0] for f in check_file(tmp_path / "out.pdf").findings if f.rule == RULE_CUT}
    assert cut == {"person1.name", "massnahme.grund"}
    values = extract(tmp_path / "out.pdf").values
    assert values["empfaenger.kpb"] == "Kreispolizeibehörde Unna"
    assert values["kraefte.abh.anzahl"] == "3"
    strict = run("fill", path, "-o", tmp_path / "streng.pdf", "--streng")
    assert strict.exit_code == 1 and "person1.name: passt nicht ganz ins Feld" in strict.output
    assert not (tmp_path / "streng.pdf").exists()


def test_complete_sample_fills_without_a_warning(tmp_path):
    result = run("fill", SAMPLES / "vollstaendig.json", "-o", tmp_path / "out.pdf")
    assert result.exit_code == 0 and "Warnung" not in result.output


@pytest.mark.parametrize("content, words", [
    (b"", ["Die Datei ist leer"]),
    (b'{\n  "person1.name": "a"\n  "person1.vorname": "b"\n}', ["Zeile 3, Spalte 3: Komma erwartet"]),
    ('{"person1.name": "Müller"}'.encode("cp1252"), ["nicht UTF-8-kodiert (vermutlich Windows-1252)"]),
])
def test_json_errors_in_german_with_position(tmp_path, content, words):
    path = tmp_path / "daten.json"
    path.write_bytes(content)
    result = run("fill", path, "-o", tmp_path / "out.pdf")
    assert result.exit_code == 1
    for word in words:
        assert word in result.output
    assert "Expecting" not in result.output and "codec" not in result.output


# --- CSV --------------------------------------------------------------------------------------------


def _table(complete_values, rows: int, bad: dict[int, tuple[str, str]]) -> list[dict]:
    table = []
    for i in range(rows):
        row = {k: ("ja" if v is True else "nein" if v is False else v) for k, v in complete_values.items()}
        row["absender.aktenzeichen"] = f"ABH 32.4/{i:03}"
        row["person1.name"] = "Wiśniewski" if i % 2 else "Țurcanu"
        if i in bad:
            row[bad[i][0]] = bad[i][1]
        table.append(row)
    return table


def _csv(rows: list[dict], delimiter: str) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, list(rows[0]), delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def test_csv_of_50_rows_with_3_bad_rows(tmp_path, complete_values):
    bad = {4: ("ersuchen.datum", "31.02.2026"), 17: ("empfaenger.kpb", "KPB Atlantis"),
           33: ("massnahme.zwang", "vielleicht")}
    path = tmp_path / "ersuchen.csv"
    path.write_text(_csv(_table(complete_values, 50, bad), ","), encoding="utf-8-sig")
    out = tmp_path / "pdf"
    result = run("fill", "--csv", path, "-o", out, "--name", "{absender.aktenzeichen}.pdf")
    assert result.exit_code == 1
    assert "47 von 50 Ersuchen geschrieben" in result.output
    assert len(list(out.glob("*.pdf"))) == 47
    for line, text in [(6, "ersuchen.datum: keine gültige Angabe"),
                       (19, "empfaenger.kpb: ungültige Auswahl"),
                       (35, "massnahme.zwang: true oder false erwartet")]:
        assert f"Zeile {line}: nicht geschrieben\n  - {text}" in result.output
    assert result.output.count("nicht geschrieben") == 3
    first = extract(out / "ABH 32.4_000.pdf").values
    assert first["person1.name"] == "Țurcanu" and first["massnahme.zwang"] is True
    assert first["absender.anschrift"] == complete_values["absender.anschrift"]
    # a second run overwrites nothing without --force
    again = run("fill", "--csv", path, "-o", out, "--name", "{absender.aktenzeichen}.pdf")
    assert again.exit_code == 1 and "0 von 50 Ersuchen geschrieben" in again.output
    assert "existiert bereits (mit --force überschreiben)" in again.output


def test_csv_windows_1252_with_semicolons_and_trotzdem(tmp_path, complete_values):
    rows = _table(complete_values, 3, {1: ("massnahme.zwang", "vielleicht")})
    for row in rows:
        row["person1.name"] = "Müßig"
    path = tmp_path / "excel.csv"
    path.write_bytes(_csv(rows, ";").encode("cp1252"))
    out = tmp_path / "pdf"
    result = run("fill", "--csv", path, "-o", out, "--trotzdem")
    assert result.exit_code == 0, result.output
    assert "3 von 3 Ersuchen geschrieben" in result.output
    assert "Zeile 3: geschrieben als ersuchen-3.pdf" in result.output
    assert extract(out / "ersuchen-2.pdf").values["person1.name"] == "Müßig"
    assert extract(out / "ersuchen-3.pdf").values["massnahme.zwang"] is False  # left out
    typo = run("fill", "--csv", path, "-o", tmp_path / "neu", "--name", "{absender.aktenzeichn}.pdf")
    assert typo.exit_code == 2
    assert "{absender.aktenzeichn} ist kein Feldname – meinten Sie {absender.aktenzeichen}?" in typo.output
    assert not (tmp_path / "neu").exists()


# --- hostile data files -------------------------------------------------------------------------

_SEEDS = {
    "xfdf": b'<?xml version="1.0"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><fields><field name="a">'
            b'<field name="b"><value>x\xc3\xa4</value></field></field></fields></xfdf>',
    "fdf": b"%FDF-1.2\n1 0 obj << /FDF << /Fields [<< /T (a) /Kids [<< /T (b) /V <FEFF00E4> >>] >>"
           b" << /T (c) /V /Ja >>] >> >> endobj trailer << /Root 1 0 R >> %%EOF",
    "csv": b"\xef\xbb\xbfa;b\r\n\"x\ny\";z\r\n",
    "json": b'{"a": ["b", {"c": null}], "d": 1.5}',
}


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(sorted(_SEEDS)), cuts=st.lists(st.tuples(st.integers(0, 200), st.binary(max_size=8)),
                                                          max_size=4))
def test_damaged_data_files_fail_cleanly(kind, cuts):
    from vhpdf.read.exchange import DataFileError, parse_csv, parse_fdf, parse_json, parse_xfdf

    data = bytearray(_SEEDS[kind])
    for at, junk in cuts:
        data[at:at + len(junk)] = junk
    parse = {"xfdf": parse_xfdf, "fdf": parse_fdf, "csv": parse_csv, "json": parse_json}[kind]
    try:
        parse(bytes(data))
    except DataFileError as exc:
        assert str(exc) and "Traceback" not in str(exc)
