"""Help while typing and the in-viewer completeness check, both generated from forms/.

The button's script is vhpdf's own generated code; it is run here in node against plain field
values (no PDF viewer, no script from any received file) and must report exactly the fehler
findings of `vhpdf check`'s rule engine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zlib

import pytest
from pypdf import PdfReader
from viewers import JS, qualified_name

from vhpdf.check.rules import evaluate
from vhpdf.form.definition import Severity
from vhpdf.form.messages import text
from vhpdf.write.viewer_script import completeness_script

_TYPES = {"text": "text", "choice": "combobox", "checkbox": "checkbox", "radio": "radiobutton",
          "signature": "signature"}


def _widgets(pdf):
    reader = PdfReader(pdf)
    out = {}
    for page in reader.pages:
        for ref in page["/Annots"]:
            w = ref.get_object()
            out.setdefault(qualified_name(w), w)
    return out


def test_format_actions_come_from_the_definition(form, blank_pdf):
    widgets = _widgets(blank_pdf)
    with_actions = 0
    for f in form.fields(4):
        actions = f.format.js_actions if f.format else None
        w = widgets[f.name]
        if actions is None:
            assert "/AA" not in w, f.name
            continue
        with_actions += 1
        assert (w["/AA"]["/K"]["/JS"], w["/AA"]["/F"]["/JS"]) == actions, f.name
    assert with_actions >= 10  # dates, times, postcode, numbers


def test_check_button_carries_the_generated_script(form, blank_pdf):
    button = _widgets(blank_pdf)["vhpdf_vollstaendigkeit_pruefen"]
    assert int(button["/Ff"]) & (1 << 16)  # a push button, no value to extract
    assert not int(button.get("/F", 0)) & 4  # never printed
    assert "Vollständigkeit" in button["/TU"]
    js = button["/A"]["/JS"].get_object()
    assert js.get_data().decode("ascii") == completeness_script(form, 4)
    assert len(zlib.compress(js.get_data())) < 9000  # 1.1: ~50 more fields than 1.0 (8 kB)


def _run(form, script_path, values: dict, tmp_path) -> list[str]:
    fields = {}
    for f in form.fields(4):
        v = values.get(f.name)
        if f.type.value == "checkbox":
            v = "Ja" if v else "Off"
        elif f.type.value == "radio":
            v = v or "Off"
        fields[f.name] = {"type": _TYPES[f.type.value], "value": v if v is not None else ""}
    data = tmp_path / "felder.json"
    data.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    assert shutil.which("node"), "node fehlt: bash tests/setup.sh ausführen"
    out = subprocess.run(["node", str(JS / "run_script.mjs"), str(script_path), str(data)],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    (message,) = json.loads(out)
    if message == text("schreiben.pruefen_ok"):
        return []
    head, _, items = message.partition("\n\n")
    assert head == text("schreiben.pruefen_kopf")
    return [item.removeprefix("• ") for item in items.split("\n• ")]


def _cases(complete, incomplete):
    bad = dict(complete, **{
        "ersuchen.eilfall": True, "ersuchen.eilfall_datum": "",
        "massnahme.festnahme": True, "beschluss_haft.status": "", "beschluss_haft.gericht": "",
        "massnahme.uhrzeit": "22:30", "ersuchen.datum": "31.02.2026", "unterkunft.plz": "3360",
        "sachbearbeitung.email": "jana.beispiel@", "sachbearbeitung.telefon": "12",
        "kraefte.abh.anzahl": "drei", "person2.geburtsdatum": "01.01.2027",
        "meldung.datum": "29.10.2026",
    })
    ordered = dict(complete, **{
        "massnahme.festnahme": True, "beschluss_haft.status": "", "massnahme.uhrzeit": "05:59",
        "massnahme.nachtzeit_begruendung": "", "gefaehrdung.datum": "15.10.2026",
        "meldung.uhrzeit": "06:30", "ersuchen.eilfall_datum": "20.10.2026",
        "person1.geburtsdatum": "15.10.2026", "empfaenger.kpb": "Polizei Entenhausen",
    })
    return {"leer": {}, "vollstaendig": complete, "unvollstaendig": incomplete,
            "fehlerhaft": bad, "reihenfolge": ordered}


@pytest.mark.parametrize("case", ["leer", "vollstaendig", "unvollstaendig", "fehlerhaft",
                                  "reihenfolge"])
def test_check_button_agrees_with_vhpdf_check(form, complete_values, incomplete_values,
                                              tmp_path, case):
    values = _cases(complete_values, incomplete_values)[case]
    script = tmp_path / "pruefen.js"
    script.write_text(completeness_script(form, 4), encoding="ascii")
    expected = [f.message for f in evaluate(form, values, 4) if f.severity is Severity.FEHLER]
    assert _run(form, script, values, tmp_path) == expected
    if case in ("leer", "fehlerhaft", "reihenfolge"):
        assert len(expected) >= 3  # the case exercises the rules it is meant to
