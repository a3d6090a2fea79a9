"""Every rule of the catalogue, with a case that triggers it and one that does not.

The cases start from the complete sample request and change only what the rule is about.
"""

from __future__ import annotations

import pytest

from vhpdf.batch.task import check_file
from vhpdf.check.result import Status
from vhpdf.check.rules import evaluate
from vhpdf.form.definition import Severity
from vhpdf.read.signature import Signature, SignatureInfo
from vhpdf.read.signature import SignatureState as S
from vhpdf.write.generate import fill_form


def _signed(state: S, trusted: bool | None = None, changed: tuple[str, ...] = ()) -> SignatureInfo:
    return SignatureInfo(state, (Signature("abschluss.signatur", state, "Signer", "", state is S.VALID,
                                           changed, trusted),))


NO_SOURCES = {"kraefte.fremd.zab": False, "kraefte.fremd.sonstige": None}
NIGHT = {"massnahme.uhrzeit": "05:59", "meldung.uhrzeit": "05:00"}
ANNEXES = "(anlagen)"
SIG = "(signatur)"  # not a field: the verified signature state (read.signature)

# rule id -> (changes that trigger it, changes that do not)
CASES: dict[str, list[tuple[dict, dict]]] = {
    "grund-fehlt": [({"massnahme.grund": None}, {})],
    "rechtsgrundlage-fehlt": [({"massnahme.rechtsgrundlage": "  "}, {})],
    "massnahme-art-fehlt": [({"massnahme.art": None}, {})],
    "kpb-fehlt": [({"empfaenger.kpb": None}, {})],
    "absender-fehlt": [({"absender.behoerde": None}, {})],
    "datum-fehlt": [({"ersuchen.datum": None}, {})],
    "unterzeichnung-fehlt": [({"abschluss.name": None}, {})],
    "gefaehrdung-datum-fehlt": [({"gefaehrdung.datum": None}, {})],
    "person-fehlt": [({"person1.name": None, "person2.name": None, "person3.name": None},
                      {"person1.name": None, "person2.name": None})],
    "eilfall-datum-fehlt": [({"ersuchen.eilfall": True},
                             {"ersuchen.eilfall": True, "ersuchen.eilfall_datum": "13.10.2026"})],
    "durchsuchung-ohne-beschluss": [
        ({"beschluss.status": "beantragt"}, {"beschluss.status": "wird_mitgefuehrt"}),
        ({"beschluss.status": None}, {"beschluss.status": None, "massnahme.durchsuchung": False}),
        ({"beschluss.status": "nicht_erforderlich"}, {}),
    ],
    "durchsuchung-beschluss-nachreichen": [
        ({"beschluss.status": "wird_mitgefuehrt"},
         {"beschluss.status": "wird_mitgefuehrt", "massnahme.durchsuchung": False}),
    ],
    "festnahme-ohne-entscheidung": [
        ({"massnahme.festnahme": True, "beschluss.status": "beantragt", "beschluss.gericht": None},
         {"massnahme.festnahme": True, "beschluss.status": "beantragt"}),
        ({"massnahme.festnahme": True, "beschluss.status": None, "beschluss.aktenzeichen": None},
         {"massnahme.festnahme": True}),
    ],
    "festnahme-art-widerspruch": [({"massnahme.art": "Festnahme/Haft"},
                                   {"massnahme.art": "Festnahme/Haft", "massnahme.festnahme": True})],
    "nachtzeit-ohne-begruendung": [
        (NIGHT, dict(NIGHT, **{"massnahme.nachtzeit_begruendung": "Person ist tagsüber nie angetroffen worden."})),
        ({"massnahme.uhrzeit": "21:00", "meldung.uhrzeit": "20:30"},
         {"massnahme.uhrzeit": "20:59", "meldung.uhrzeit": "20:30"}),
    ],
    "beschluss-unbezeichnet": [({"beschluss.aktenzeichen": None},
                                {"beschluss.aktenzeichen": None, "beschluss.status": "beantragt",
                                 "massnahme.durchsuchung": False})],
    "zwang-nicht-angegeben": [({"massnahme.zwang": False}, {})],
    "quelle-abh-nicht-beruecksichtigt": [({"gefaehrdung.abh.beruecksichtigt": False}, {})],
    "quelle-polizei-nicht-beruecksichtigt": [({"gefaehrdung.polizei.beruecksichtigt": False}, {})],
    "quelle-staatsanwaltschaft-nicht-beruecksichtigt": [
        ({"gefaehrdung.staatsanwaltschaft.beruecksichtigt": False}, {})],
    "gefaehrdung-ergebnis-fehlt": [({"gefaehrdung.ergebnis": None}, {})],
    "person-angaben-unvollstaendig": [
        ({"person2.geburtsdatum": None}, {}),
        ({"person4.erkenntnisse": "Kind, 3 Jahre"}, {"person4.erkenntnisse": None}),
    ],
    "person-erkenntnisse-fehlen": [({"person3.erkenntnisse": None}, {})],
    "unterkunft-fehlt": [({"unterkunft.plz": None}, {})],
    "unterkunft-erkenntnisse-fehlen": [({"unterkunft.erkenntnisse": None}, {})],
    "sachbearbeitung-fehlt": [({"sachbearbeitung.name": None}, {})],
    "sachbearbeitung-unerreichbar": [
        ({"sachbearbeitung.telefon": None, "sachbearbeitung.mobil": None, "sachbearbeitung.email": None},
         {"sachbearbeitung.telefon": None, "sachbearbeitung.mobil": None})],
    "kraefte-fehlen": [({"kraefte.abh.anzahl": None}, {})],
    "fremdkraefte-unerreichbar": [({"kraefte.fremd.telefon": None},
                                   dict(NO_SOURCES, **{"kraefte.fremd.telefon": None}))],
    "meldung-fehlt": [({"meldung.ort": None}, {})],
    "einsatzzeit-fehlt": [({"massnahme.uhrzeit": None}, {})],
    "format-ungueltig": [
        ({"unterkunft.plz": "3360"}, {"unterkunft.plz": "33605"}),
        ({"ersuchen.datum": "31.02.2026"}, {"ersuchen.datum": "14.10.2026"}),
        ({"sachbearbeitung.email": "jana.beispiel"}, {}),
        ({"sachbearbeitung.telefon": "12"}, {"sachbearbeitung.telefon": "+49 521 51-0"}),
        ({"massnahme.uhrzeit": "25:00", "meldung.uhrzeit": None}, {}),
        ({"kraefte.abh.anzahl": "drei"}, {}),
        ({"empfaenger.kpb": "PP Bielefeld"}, {"empfaenger.kpb": "Kreispolizeibehörde Gütersloh"}),
        ({"beschluss.status": "irgendwas"}, {}),
    ],
    "datum-reihenfolge": [
        ({"gefaehrdung.datum": "15.10.2026"}, {"gefaehrdung.datum": "14.10.2026"}),
        ({"massnahme.datum": "13.10.2026", "meldung.datum": "13.10.2026"}, {}),
    ],
    "eilfall-datum-reihenfolge": [
        ({"ersuchen.eilfall": True, "ersuchen.eilfall_datum": "15.10.2026"},
         {"ersuchen.eilfall": True, "ersuchen.eilfall_datum": "14.10.2026"})],
    "meldung-nach-beginn": [
        ({"meldung.uhrzeit": "06:30"}, {"meldung.uhrzeit": "06:00"}),
        ({"meldung.datum": None, "meldung.uhrzeit": "06:30"}, {"meldung.datum": None}),
        ({"meldung.datum": "29.10.2026", "meldung.uhrzeit": "05:00"},
         {"meldung.datum": "27.10.2026", "meldung.uhrzeit": "18:00"}),
    ],
    "beschluss-nach-massnahme": [({"beschluss.datum": "29.10.2026"}, {"beschluss.datum": "28.10.2026"})],
    "geburtsdatum-zukunft": [({"person3.geburtsdatum": "01.01.2027"}, {})],
    "signatur-fehlt": [({}, {"abschluss.signatur": True}), ({SIG: _signed(S.UNSIGNED)}, {SIG: _signed(S.VALID)})],
    "signatur-nicht-geprueft": [({"abschluss.signatur": True}, {}),
                                ({SIG: _signed(S.NOT_VERIFIED)}, {SIG: _signed(S.VALID)})],
    "signatur-ungueltig": [({SIG: _signed(S.BROKEN)}, {SIG: _signed(S.VALID)})],
    "signatur-nachtraeglich-geaendert": [
        ({SIG: _signed(S.CHANGED_AFTER_SIGNING, changed=("massnahme.grund",))},
         {SIG: _signed(S.VALID_EARLIER_REVISION)})],
    "signatur-nicht-vertraut": [({SIG: _signed(S.VALID, False)}, {SIG: _signed(S.VALID, True)}),
                                ({SIG: _signed(S.VALID, False)}, {SIG: _signed(S.VALID, None)}),
                                ({SIG: _signed(S.VALID, False)}, {SIG: _signed(S.BROKEN, False)})],
    # ANNEXES is not a field: it stands for the request's annexes (mail attachments, embedded files)
    "beschluss-anlage-fehlt": [({ANNEXES: ()}, {ANNEXES: ("beschluss.pdf",)}),
                               ({ANNEXES: ()}, {ANNEXES: (), "beschluss.status": "wird_mitgefuehrt"})],
}


def _rules_hit(form, values: dict) -> set[str]:
    values = dict(values)
    annexes = values.pop(ANNEXES, None)
    signature = values.pop(SIG, None)
    return {f.rule for f in evaluate(form, values, persons=4, annexes=annexes, signature=signature)}


def test_every_rule_has_cases(form):
    assert set(CASES) == {r.id for r in form.rules}


@pytest.mark.parametrize("rule_id, trigger, clean", [
    (rule_id, trigger, clean) for rule_id, cases in CASES.items() for trigger, clean in cases
], ids=lambda x: x if isinstance(x, str) else None)
def test_rule(form, complete_values, rule_id, trigger, clean):
    assert rule_id in _rules_hit(form, {**complete_values, **trigger})
    assert rule_id not in _rules_hit(form, {**complete_values, **clean})


def test_complete_sample_has_only_the_signature_hint(form, complete_values):
    findings = evaluate(form, complete_values, persons=4, annexes=("beschluss.pdf",))
    assert [f.rule for f in findings] == ["signatur-fehlt"]
    assert findings[0].severity is Severity.HINWEIS


def test_changed_after_signing_names_the_fields_not_the_values(form, complete_values):
    sig = _signed(S.CHANGED_AFTER_SIGNING, changed=("massnahme.grund", "person1.name"))
    [hit] = [f for f in evaluate(form, complete_values, persons=4, signature=sig)
             if f.rule == "signatur-nachtraeglich-geaendert"]
    assert hit.severity is Severity.FEHLER
    assert hit.fields == ("massnahme.grund", "person1.name")
    assert "(massnahme.grund)" in hit.message and "(person1.name)" in hit.message
    assert complete_values["massnahme.grund"] not in hit.message


def test_invalid_format_names_field_and_expected_format(form, complete_values):
    findings = evaluate(form, {**complete_values, "unterkunft.plz": "3360"}, persons=4)
    bad = [f for f in findings if f.rule == "format-ungueltig"]
    assert [f.fields for f in bad] == [("unterkunft.plz",)]
    assert bad[0].message == "PLZ: ungültige Angabe (fünfstellige Postleitzahl)."
    assert "3360" not in bad[0].message  # messages never carry values


def test_person_rules_name_the_person(form, complete_values):
    findings = evaluate(form, {**complete_values, "person2.geburtsdatum": None}, persons=4)
    hit = [f for f in findings if f.rule == "person-angaben-unvollstaendig"]
    assert len(hit) == 1 and hit[0].message.startswith("Person 2:")
    assert "person2.geburtsdatum" in hit[0].fields


# --- the documented cases, through real PDFs ---------------------------------------------------

def _check(tmp_path, values: dict, name: str):
    path = tmp_path / name
    path.write_bytes(fill_form(values))
    return check_file(path)


def test_complete_request_pdf(tmp_path, complete_values):
    result = _check(tmp_path, complete_values, "vollstaendig.pdf")
    assert result.status is Status.VOLLSTAENDIG
    assert result.kpb.bezirk == "Detmold"


def test_incomplete_request_pdf(tmp_path, incomplete_values):
    result = _check(tmp_path, incomplete_values, "unvollstaendig.pdf")
    assert result.status is Status.UNVOLLSTAENDIG
    errors = {f.rule for f in result.findings if f.severity is Severity.FEHLER}
    assert errors == {"grund-fehlt", "rechtsgrundlage-fehlt", "gefaehrdung-datum-fehlt",
                      "durchsuchung-ohne-beschluss", "nachtzeit-ohne-begruendung",
                      "format-ungueltig"}


def test_search_without_order_pdf(tmp_path, complete_values):
    values = {**complete_values, "beschluss.status": None, "beschluss.art": None,
              "beschluss.gericht": None, "beschluss.aktenzeichen": None, "beschluss.datum": None}
    result = _check(tmp_path, values, "durchsuchung-ohne-beschluss.pdf")
    assert result.status is Status.UNVOLLSTAENDIG
    assert [f.rule for f in result.findings if f.severity is Severity.FEHLER] == [
        "durchsuchung-ohne-beschluss"]


def test_detention_pdf(tmp_path, complete_values):
    values = {**complete_values, "massnahme.art": "Festnahme/Haft", "massnahme.festnahme": True,
              "massnahme.durchsuchung": False, "beschluss.status": "beantragt",
              "beschluss.art": "Haftbeschluss", "beschluss.gericht": None,
              "beschluss.aktenzeichen": None}
    result = _check(tmp_path, values, "festnahme-ohne-entscheidung.pdf")
    assert [f.rule for f in result.findings if f.severity is Severity.FEHLER] == [
        "festnahme-ohne-entscheidung"]
    named = {**values, "beschluss.gericht": "Amtsgericht Bielefeld", "beschluss.aktenzeichen": "3 XIV 12/26"}
    assert _check(tmp_path, named, "festnahme-bezeichnet.pdf").status is Status.VOLLSTAENDIG
