"""Every rule of the catalogue, with a case that triggers it and one that does not.

The cases start from the complete sample request and change only what the rule is about.
"""

from __future__ import annotations

import pytest

from vhpdf.batch.task import check_file
from vhpdf.check.result import Status
from vhpdf.check.rules import evaluate
from vhpdf.form.definition import Severity, load_definition
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
DS, HAFT = "beschluss_durchsuchung", "beschluss_haft"
DETAINED = {"massnahme.festnahme": True}
NO_SEARCH = {"massnahme.durchsuchung": False, "massnahme.betreten": False}
ADULTS = {"person3.geburtsdatum": "19.05.2000"}
HERNE = {"einsatzort.gemeinde": "Herne"}
AT_HOME_IN_HERNE = {"einsatzort.gemeinde": None, "unterkunft.ort": "Herne", "unterkunft.plz": "44623"}
PP = "Polizeipräsidium "
DUBLIN = "Überstellung nach der Dublin-III-Verordnung"

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
        ({f"{DS}.status": None}, {f"{DS}.status": "beantragt"}),
        ({f"{DS}.status": None}, {f"{DS}.status": None, "massnahme.durchsuchung": False}),
        ({f"{DS}.status": "nicht_erforderlich"}, {}),
        # a search with only a detention order attached
        ({f"{DS}.status": None, f"{HAFT}.art": "abschiebungshaft", f"{HAFT}.status": "beigefuegt"}, {}),
    ],
    "durchsuchung-beschluss-nachreichen": [
        ({f"{DS}.status": "wird_mitgefuehrt"},
         {f"{DS}.status": "wird_mitgefuehrt", "massnahme.durchsuchung": False}),
    ],
    "durchsuchung-beschluss-beantragt": [
        ({f"{DS}.status": "beantragt"}, {f"{DS}.status": "beantragt", "massnahme.durchsuchung": False}),
    ],
    "festnahme-ohne-entscheidung": [
        (DETAINED, {**DETAINED, f"{HAFT}.status": "beantragt"}),
        ({**DETAINED, f"{HAFT}.status": "nicht_erforderlich"},
         {**DETAINED, f"{HAFT}.art": "vorlaeufige_festnahme"}),
        (DETAINED, {**DETAINED, f"{HAFT}.gericht": "Amtsgericht Bielefeld",
                    f"{HAFT}.aktenzeichen": "3 XIV 12/26"}),
    ],
    "festnahme-ohne-vorherige-entscheidung": [
        ({**DETAINED, f"{HAFT}.status": "beantragt"}, {**DETAINED, f"{HAFT}.status": "beigefuegt"}),
        ({**DETAINED, f"{HAFT}.art": "vorlaeufige_festnahme"}, {f"{HAFT}.art": "vorlaeufige_festnahme"}),
    ],
    "festnahme-art-widerspruch": [({"massnahme.art": "Festnahme/Haft"},
                                   {"massnahme.art": "Festnahme/Haft", "massnahme.festnahme": True})],
    "nachtzeit-ohne-begruendung": [
        (NIGHT, dict(NIGHT, **{"massnahme.nachtzeit_begruendung": "Person ist tagsüber nie angetroffen worden."})),
        ({"massnahme.uhrzeit": "21:00", "meldung.uhrzeit": "20:30"},
         {"massnahme.uhrzeit": "20:59", "meldung.uhrzeit": "20:30"}),
        # a removal from prison at night enters no home
        ({"massnahme.uhrzeit": "03:30", "meldung.uhrzeit": "03:00"},
         {"massnahme.uhrzeit": "03:30", "meldung.uhrzeit": "03:00", **NO_SEARCH}),
        # a time not written as HH:MM is still understood
        ({"massnahme.uhrzeit": "5.30 Uhr", "meldung.uhrzeit": None},
         {"massnahme.uhrzeit": "6.00 Uhr", "meldung.uhrzeit": None}),
    ],
    "beschluss-unbezeichnet": [({f"{DS}.aktenzeichen": None},
                                {f"{DS}.aktenzeichen": None, f"{DS}.status": "beantragt"})],
    "haftentscheidung-unbezeichnet": [
        ({**DETAINED, f"{HAFT}.status": "beigefuegt", f"{HAFT}.gericht": "Amtsgericht Bielefeld",
          f"{HAFT}.aktenzeichen": "3 XIV 12/26", f"{HAFT}.datum": "20.10.2026"},
         {**DETAINED, f"{HAFT}.status": "beigefuegt", f"{HAFT}.gericht": "Amtsgericht Bielefeld",
          f"{HAFT}.aktenzeichen": "3 XIV 12/26", f"{HAFT}.datum": "20.10.2026",
          f"{HAFT}.art": "abschiebungshaft"}),
    ],
    "zwang-nicht-angegeben": [({"massnahme.zwang": False}, {})],
    "quelle-abh-nicht-beruecksichtigt": [
        ({"gefaehrdung.abh.beruecksichtigt": False, "gefaehrdung.abh.erkenntnisse": None},
         {"gefaehrdung.abh.beruecksichtigt": False})],
    "quelle-abh-ohne-inhalt": [
        ({"gefaehrdung.abh.erkenntnisse": None, "gefaehrdung.ergebnis": None},
         {"gefaehrdung.abh.erkenntnisse": None})],
    "quelle-polizei-nicht-beruecksichtigt": [
        ({"gefaehrdung.polizei.beruecksichtigt": False, "gefaehrdung.polizei.erkenntnisse": None},
         {"gefaehrdung.polizei.beruecksichtigt": False})],
    "quelle-polizei-ohne-inhalt": [
        ({"gefaehrdung.polizei.erkenntnisse": None, "gefaehrdung.ergebnis": None},
         {"gefaehrdung.polizei.erkenntnisse": None})],
    "quelle-staatsanwaltschaft-nicht-beruecksichtigt": [
        ({"gefaehrdung.staatsanwaltschaft.beruecksichtigt": False,
          "gefaehrdung.staatsanwaltschaft.erkenntnisse": None},
         {"gefaehrdung.staatsanwaltschaft.beruecksichtigt": False})],
    "quelle-staatsanwaltschaft-ohne-inhalt": [
        ({"gefaehrdung.staatsanwaltschaft.erkenntnisse": None, "gefaehrdung.ergebnis": None},
         {"gefaehrdung.staatsanwaltschaft.erkenntnisse": None})],
    "gefaehrdung-veraltet": [
        ({"gefaehrdung.datum": "28.08.2025"}, {"gefaehrdung.datum": "29.04.2026"}),
        ({"gefaehrdung.datum": "01.04.2026"}, {"gefaehrdung.datum": "01.04.2026", "massnahme.datum": None,
                                                "meldung.datum": None, "ersuchen.datum": "01.10.2026"}),
    ],
    "gefaehrdung-ergebnis-fehlt": [({"gefaehrdung.ergebnis": None}, {})],
    "person-angaben-unvollstaendig": [
        ({"person2.geburtsdatum": None}, {}),
        ({"person4.erkenntnisse": "Kind, 3 Jahre"}, {"person4.erkenntnisse": None}),
    ],
    "person-erkenntnisse-fehlen": [
        ({"person3.erkenntnisse": None, "person3.risiko.minderjaehrig": False}, {"person3.erkenntnisse": None})],
    "person-risiko-ohne-einzelheiten": [({"person1.erkenntnisse": None}, {})],
    "person-risiko-widerspruch": [({"person2.risiko.waffen": True},
                                   {"person2.risiko.waffen": True, "person2.risiko.keine": False})],
    "person-sprache-fehlt": [({"person1.risiko.dolmetschung": True, "person1.sprache": None},
                              {"person1.risiko.dolmetschung": True})],
    "minderjaehrig": [
        ({}, ADULTS),
        # 18th birthday on the day of the operation: of age
        ({**ADULTS, "person1.geburtsdatum": "29.10.2008"}, {**ADULTS, "person1.geburtsdatum": "28.10.2008"}),
    ],
    "minderjaehrig-unbegleitet": [({"person3.risiko.unbegleitet": True},
                                   {"person3.risiko.unbegleitet": True,
                                    "kraefte.fremd.sonstige": "Jugendamt Bielefeld"})],
    "unterkunft-fehlt": [({"unterkunft.plz": None}, {"unterkunft.plz": None, "einsatzort.art": "jva"})],
    "unterkunft-erkenntnisse-fehlen": [({"unterkunft.erkenntnisse": None},
                                        {"unterkunft.erkenntnisse": None, "einsatzort.art": "abh"})],
    "einsatzort-fehlt": [({"einsatzort.art": None}, {})],
    "einsatzort-anschrift-fehlt": [({"einsatzort.art": "sonstige"},
                                    {"einsatzort.art": "sonstige",
                                     "einsatzort.anschrift": "Kesselbrink 1, 33602 Bielefeld"})],
    "kpb-unzustaendig": [
        ({**HERNE, "empfaenger.kpb": PP + "Dortmund"}, {**HERNE, "empfaenger.kpb": PP + "Bochum"}),
        ({"empfaenger.kpb": "Kreispolizeibehörde Gütersloh"}, {"einsatzort.gemeinde": "Verl",
                                                                "empfaenger.kpb": "Kreispolizeibehörde Gütersloh"}),
    ],
    "kpb-unzustaendig-unterkunft": [
        ({**AT_HOME_IN_HERNE, "empfaenger.kpb": PP + "Dortmund"},
         {**AT_HOME_IN_HERNE, "empfaenger.kpb": PP + "Bochum"}),
        # a postcode two municipalities share, and an unknown town: no finding on a guess
        ({"einsatzort.gemeinde": None, "empfaenger.kpb": PP + "Dortmund"},
         {"einsatzort.gemeinde": None, "empfaenger.kpb": PP + "Dortmund", "unterkunft.ort": "Nirgendwo",
          "unterkunft.plz": "40472"}),
        # the place is not the accommodation and no municipality is chosen: nothing to compare
        ({"einsatzort.gemeinde": None, "empfaenger.kpb": PP + "Dortmund"},
         {"einsatzort.gemeinde": None, "empfaenger.kpb": PP + "Dortmund", "einsatzort.art": "jva"}),
    ],
    "durchsuchungsgericht-unzustaendig": [
        ({f"{DS}.gericht": "Amtsgericht Bielefeld"}, {f"{DS}.gericht": "VG Minden"}),
        ({f"{DS}.gericht": "Verwaltungsgericht Düsseldorf"},
         {f"{DS}.gericht": "Verwaltungsgericht Düsseldorf", "unterkunft.ort": "Düsseldorf",
          "unterkunft.plz": "40210"}),
    ],
    "haftgericht-unzustaendig": [
        ({f"{HAFT}.gericht": "Amtsgericht Gütersloh"}, {f"{HAFT}.gericht": "AG Bielefeld, Abt. 3"}),
    ],
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
        ({"ersuchen.datum": "31.02.2026"}, {"ersuchen.datum": "14.10.2026"}),
        ({"empfaenger.kpb": "PP Bielefeld"}, {"empfaenger.kpb": "Kreispolizeibehörde Gütersloh"}),
        ({"gefaehrdung.datum": "9.10.26"}, {"unterkunft.plz": "3360"}),
    ],
    "format-abweichend": [
        ({"unterkunft.plz": "3360"}, {"unterkunft.plz": "33605"}),
        ({"sachbearbeitung.email": "jana.beispiel"}, {}),
        ({"sachbearbeitung.telefon": "12"}, {"sachbearbeitung.telefon": "+49 521 51-0"}),
        ({"massnahme.uhrzeit": "25:00", "meldung.uhrzeit": None}, {}),
        ({"massnahme.uhrzeit": "6.00 Uhr"}, {}),
        ({"kraefte.abh.anzahl": "3 bis 4"}, {}),
        ({f"{DS}.status": "irgendwas"}, {}),
    ],
    "datum-reihenfolge": [
        ({"gefaehrdung.datum": "15.10.2026"}, {"gefaehrdung.datum": "14.10.2026"}),
        ({"massnahme.datum": "13.10.2026", "meldung.datum": "13.10.2026"}, {}),
        # an Eilfall: the written confirmation may follow the operation (§ 48 PolG NRW)
        ({"ersuchen.datum": "30.10.2026", "abschluss.datum": "30.10.2026"},
         {"ersuchen.datum": "30.10.2026", "abschluss.datum": "30.10.2026", "ersuchen.eilfall": True,
          "ersuchen.eilfall_datum": "20.10.2026"}),
    ],
    "eilfall-datum-reihenfolge": [
        ({"ersuchen.eilfall": True, "ersuchen.eilfall_datum": "29.10.2026", "ersuchen.datum": "30.10.2026"},
         {"ersuchen.eilfall": True, "ersuchen.eilfall_datum": "20.10.2026", "ersuchen.datum": "30.10.2026"})],
    "eilfall-bestaetigung-vor-ersuchen": [
        ({"ersuchen.eilfall": True, "ersuchen.eilfall_datum": "15.10.2026"},
         {"ersuchen.eilfall": True, "ersuchen.eilfall_datum": "14.10.2026"})],
    "meldung-nach-beginn": [
        ({"meldung.uhrzeit": "06:30"}, {"meldung.uhrzeit": "06:00"}),
        ({"meldung.datum": None, "meldung.uhrzeit": "06:30"}, {"meldung.datum": None}),
        ({"meldung.datum": "29.10.2026", "meldung.uhrzeit": "05:00"},
         {"meldung.datum": "27.10.2026", "meldung.uhrzeit": "18:00"}),
    ],
    "beschluss-nach-massnahme": [({f"{DS}.datum": "29.10.2026"}, {f"{DS}.datum": "28.10.2026"}),
                                 ({f"{HAFT}.datum": "29.10.2026"}, {f"{HAFT}.datum": "27.10.2026"})],
    "rechtsgrundlage-dublin": [
        ({"massnahme.art": DUBLIN, "massnahme.rechtsgrundlage": "§ 58 Abs. 1 AufenthG"},
         {"massnahme.art": DUBLIN, "massnahme.rechtsgrundlage": "Art. 29 Dublin-III-VO i. V. m. § 34a AsylG"})],
    "rechtsgrundlage-zurueckschiebung": [
        ({"massnahme.art": "Zurückschiebung (§ 57 AufenthG)", "massnahme.rechtsgrundlage": "§ 58 AufenthG"},
         {"massnahme.art": "Zurückschiebung (§ 57 AufenthG)",
          "massnahme.rechtsgrundlage": "§\u00a057 Abs. 2 AufenthG"})],
    "rechtsgrundlage-vorfuehrung": [
        ({"massnahme.art": "Vorführung bei der Auslandsvertretung (§ 82 Abs. 4 AufenthG)",
          "massnahme.rechtsgrundlage": "§ 58 AufenthG"},
         {"massnahme.art": "Vorführung bei der Auslandsvertretung (§ 82 Abs. 4 AufenthG)",
          "massnahme.rechtsgrundlage": "§ 82 Abs. 4 Satz 1 AufenthG"})],
    "rechtsgrundlage-durchsuchung": [({"massnahme.rechtsgrundlage": "§ 58 Abs. 1 AufenthG"}, {})],
    "durchsuchung-nicht-angekreuzt": [({"massnahme.durchsuchung": False},
                                       {"massnahme.durchsuchung": False,
                                        "massnahme.rechtsgrundlage": "§ 58 Abs. 1 und 5 AufenthG"})],
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
                               ({ANNEXES: ()}, {ANNEXES: (), f"{DS}.status": "wird_mitgefuehrt"})],
    "haftentscheidung-anlage-fehlt": [
        ({ANNEXES: (), f"{HAFT}.status": "beigefuegt", f"{DS}.status": "wird_mitgefuehrt"},
         {ANNEXES: ("haft.pdf",), f"{HAFT}.status": "beigefuegt"})],
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


def test_complete_sample_has_only_hints(form, complete_values):
    findings = evaluate(form, complete_values, persons=4, annexes=("beschluss.pdf",))
    assert {f.rule for f in findings} == {"signatur-fehlt", "minderjaehrig"}
    assert {f.severity for f in findings} == {Severity.HINWEIS}


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
    bad = [f for f in findings if f.rule.startswith("format-")]
    assert [(f.rule, f.fields, f.severity) for f in bad] == [
        ("format-abweichend", ("unterkunft.plz",), Severity.WARNUNG)]
    assert bad[0].message == "PLZ: Angabe nicht im vorgesehenen Format (fünfstellige Postleitzahl); bitte prüfen."
    assert "3360" not in bad[0].message  # messages never carry values


@pytest.mark.parametrize("change", [
    {"massnahme.uhrzeit": "6.00 Uhr"},
    {"sachbearbeitung.telefon": "0521 51-0000 (Zentrale)"},
    {"kraefte.abh.anzahl": "3 bis 4"},
])
def test_format_slips_in_optional_fields_are_no_fehler(form, complete_values, change):
    findings = evaluate(form, {**complete_values, **change}, persons=4, annexes=("b.pdf",))
    assert not [f for f in findings if f.severity is Severity.FEHLER]


def test_eilfall_needs_no_date(form, complete_values):
    findings = evaluate(form, {**complete_values, "ersuchen.eilfall": True}, persons=4, annexes=("b.pdf",))
    hit = [f for f in findings if f.rule == "eilfall-datum-fehlt"]
    assert [f.severity for f in hit] == [Severity.HINWEIS]


@pytest.mark.parametrize("change, competent", [
    ({"einsatzort.gemeinde": "Herne", "empfaenger.kpb": "Polizeipräsidium Dortmund"}, "Polizeipräsidium Bochum"),
    ({"einsatzort.gemeinde": "Bottrop", "empfaenger.kpb": "Polizeipräsidium Essen"},
     "Polizeipräsidium Recklinghausen"),
    ({"einsatzort.gemeinde": "Alfter", "empfaenger.kpb": "Kreispolizeibehörde Rhein-Sieg-Kreis"},
     "Polizeipräsidium Bonn"),
    ({"einsatzort.gemeinde": None, "unterkunft.ort": "Lünen", "unterkunft.plz": "44532",
      "empfaenger.kpb": "Kreispolizeibehörde Unna"}, "Polizeipräsidium Dortmund"),
])
def test_wrong_kpb_names_the_competent_one(form, complete_values, change, competent):
    findings = evaluate(form, {**complete_values, **change}, persons=4)
    hit = [f for f in findings if f.rule.startswith("kpb-unzustaendig")]
    assert len(hit) == 1 and hit[0].severity is Severity.WARNUNG
    assert f"die {competent} zuständig" in hit[0].message


def test_wrong_court_names_the_competent_one(form, complete_values):
    values = {**complete_values, "beschluss_durchsuchung.gericht": "Amtsgericht Bielefeld"}
    hit = [f for f in evaluate(form, values, persons=4) if f.rule == "durchsuchungsgericht-unzustaendig"]
    assert "das Verwaltungsgericht Minden zuständig" in hit[0].message
    assert hit[0].severity is Severity.HINWEIS


def test_person_rules_name_the_person(form, complete_values):
    findings = evaluate(form, {**complete_values, "person2.geburtsdatum": None}, persons=4)
    hit = [f for f in findings if f.rule == "person-angaben-unvollstaendig"]
    assert len(hit) == 1 and hit[0].message.startswith("Person 2:")
    assert "person2.geburtsdatum" in hit[0].fields


def test_minor_is_named_with_the_jugendamt(form, complete_values):
    findings = evaluate(form, {**complete_values, "person1.geburtsdatum": "01.03.2010"}, persons=4)
    hit = [f for f in findings if f.rule == "minderjaehrig"]
    assert [f.message[:9] for f in hit] == ["Person 1 ", "Person 3 "]
    assert "Jugendamt" in hit[0].message and "§ 58 Abs. 1a" in hit[0].message


# --- the documented cases, through real PDFs ---------------------------------------------------

def _check(tmp_path, values: dict, name: str, form=None):
    path = tmp_path / name
    path.write_bytes(fill_form(values, form=form))
    return check_file(path)


def test_complete_request_pdf(tmp_path, complete_values):
    result = _check(tmp_path, complete_values, "vollstaendig.pdf")
    assert result.status is Status.VOLLSTAENDIG
    assert result.kpb.bezirk == "Detmold"
    assert result.form_version == "1.1"


def test_incomplete_request_pdf(tmp_path, incomplete_values):
    result = _check(tmp_path, incomplete_values, "unvollstaendig.pdf")
    assert result.status is Status.UNVOLLSTAENDIG
    errors = {f.rule for f in result.findings if f.severity is Severity.FEHLER}
    assert errors == {"grund-fehlt", "rechtsgrundlage-fehlt", "gefaehrdung-datum-fehlt",
                      "durchsuchung-ohne-beschluss", "nachtzeit-ohne-begruendung"}


def test_search_without_order_pdf(tmp_path, complete_values):
    values = {k: v for k, v in complete_values.items() if not k.startswith("beschluss_")}
    result = _check(tmp_path, values, "durchsuchung-ohne-beschluss.pdf")
    assert result.status is Status.UNVOLLSTAENDIG
    assert [f.rule for f in result.findings if f.severity is Severity.FEHLER] == [
        "durchsuchung-ohne-beschluss"]


def test_detention_pdf(tmp_path, complete_values):
    values = {**complete_values, "massnahme.art": "Festnahme/Haft", "massnahme.festnahme": True,
              "massnahme.durchsuchung": False, "massnahme.rechtsgrundlage": "§ 62 Abs. 3 AufenthG",
              "beschluss_haft.art": "abschiebungshaft"}
    result = _check(tmp_path, values, "festnahme-ohne-entscheidung.pdf")
    assert [f.rule for f in result.findings if f.severity is Severity.FEHLER] == [
        "festnahme-ohne-entscheidung"]
    named = {**values, "beschluss_haft.gericht": "Amtsgericht Bielefeld",
             "beschluss_haft.aktenzeichen": "3 XIV 12/26"}
    assert _check(tmp_path, named, "festnahme-bezeichnet.pdf").status is Status.VOLLSTAENDIG


# --- requests filled in form version 1.0 ------------------------------------------------------

@pytest.fixture(scope="module")
def form_10():
    return load_definition(version="1.0")


def _as_10(form_10, values: dict, **old) -> dict:
    """A request in the names of version 1.0: the fields 1.0 had, plus `old` ones."""
    known = form_10.field_map(4)
    out = {k: v for k, v in values.items() if k in known}
    if out.get("massnahme.art") not in known["massnahme.art"].option_values:
        out["massnahme.art"] = "Abschiebung"
    return {**out, **old}


def test_version_10_request_is_migrated_and_checked(tmp_path, form_10, complete_values):
    values = _as_10(form_10, complete_values, **{
        "beschluss.art": "Durchsuchungsbeschluss", "beschluss.gericht": "VG Minden",
        "beschluss.aktenzeichen": "7 I 12/26", "beschluss.datum": "12.10.2026",
        "beschluss.status": "beigefuegt"})
    result = _check(tmp_path, values, "v10.pdf", form=form_10)
    assert result.form_version == "1.0"
    assert result.status is Status.VOLLSTAENDIG, [f.message for f in result.findings]
    notes = [f.message for f in result.findings if f.rule == "formular"]
    assert any("ältere Formularversion 1.0" in n for n in notes)


def test_version_10_search_with_detention_order_is_incomplete(tmp_path, form_10, complete_values):
    values = _as_10(form_10, complete_values, **{
        "beschluss.art": "Haftbeschluss", "beschluss.gericht": "Amtsgericht Bielefeld",
        "beschluss.aktenzeichen": "3 XIV 12/26", "beschluss.status": "beigefuegt",
        "empfaenger.kpb": "Polizeipräsidium Dortmund", "unterkunft.ort": "Herne", "unterkunft.plz": "44623"})
    result = _check(tmp_path, values, "v10-haft.pdf", form=form_10)
    assert result.status is Status.UNVOLLSTAENDIG
    rules = {f.rule: f for f in result.findings}
    assert rules["durchsuchung-ohne-beschluss"].severity is Severity.FEHLER
    assert "Polizeipräsidium Bochum" in rules["kpb-unzustaendig-unterkunft"].message


def test_version_10_unclear_order_is_reported(tmp_path, form_10, complete_values):
    values = _as_10(form_10, complete_values, **{
        "beschluss.art": "Beschluss", "beschluss.gericht": "VG Minden", "beschluss.status": "beigefuegt"})
    result = _check(tmp_path, values, "v10-unklar.pdf", form=form_10)
    unclear = [f for f in result.findings if "nicht hervor" in f.message]
    assert len(unclear) == 1 and unclear[0].severity is Severity.WARNUNG
    assert "dem Durchsuchungsbeschluss" in unclear[0].message
    assert "durchsuchung-ohne-beschluss" not in {f.rule for f in result.findings}


def test_version_10_flat_copy_is_read_with_its_own_layout(tmp_path, form_10, complete_values):
    """A 1.0 copy without fields: the footer names 1.0, its layout reads it, then migration."""
    from vhpdf.write.flatten import flatten

    values = _as_10(form_10, complete_values, **{
        "beschluss.art": "Durchsuchungsbeschluss", "beschluss.gericht": "VG Minden",
        "beschluss.aktenzeichen": "7 I 12/26", "beschluss.datum": "12.10.2026",
        "beschluss.status": "beigefuegt"})
    flat, _ = flatten(fill_form(values, form=form_10))
    path = tmp_path / "flach-v10.pdf"
    path.write_bytes(flat)
    result = check_file(path, keep_values=True)
    assert result.form_version == "1.0" and result.source.value == "seitentext"
    assert result.status is Status.VOLLSTAENDIG, [f.message for f in result.findings]
    assert result.values["beschluss_durchsuchung.aktenzeichen"] == "7 I 12/26"
    assert result.values["einsatzort.art"] == "unterkunft"


def test_version_10_without_metadata_is_recognised_by_its_field_names(form_10, complete_values):
    import io

    from pypdf import PdfReader, PdfWriter

    from vhpdf.read.extract import read_pdf

    values = _as_10(form_10, complete_values, **{"beschluss.art": "Haftbeschluss",
                                                  "beschluss.status": "beigefuegt"})
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fill_form(values, form=form_10))))
    writer.metadata = None
    out = io.BytesIO()
    writer.write(out)
    ex = read_pdf(out.getvalue())
    assert (ex.form_id, ex.form_version) == (None, "1.0")
    assert ex.values["beschluss_haft.status"] == "beigefuegt"
    assert ex.values["beschluss_durchsuchung.status"] is None


# What the check of a plain filled request loads: nothing for rare paths (mail, signatures, older
# versions, printed copies, generation, TOML parsing where the cache answers), and after warm_up
# nothing at all (forked workers share it).
RARE = ("email", "reportlab", "pyhanko", "vhpdf.read.paper", "vhpdf.write", "vhpdf.report",
        "vhpdf.form.layout", "vhpdf.form.migration", "tomllib")
_IMPORTS = """
import json, sys
from vhpdf.batch.task import check_file
from vhpdf.check.rules import warm_up
from vhpdf.form.definition import load_definition
warm_up(load_definition())
before = set(sys.modules)
result = check_file(sys.argv[1])
print(json.dumps([result.status.value, sorted(set(sys.modules) - before),
                  sorted(m for m in sys.modules if m.split(".")[0] in RARE or m.startswith(RARE))]))
"""


def test_check_after_warm_up_imports_nothing_and_no_rare_path(complete_pdf):
    import json
    import subprocess
    import sys
    from pathlib import Path

    from vhpdf.form.definition import forms_dir
    from vhpdf.form.tomlcache import load_toml

    for path in forms_dir().glob("*.toml"):
        load_toml(path)  # the cache entries every run after a user's first one finds
    run = subprocess.run([sys.executable, "-c", f"RARE = {RARE!r}\n" + _IMPORTS, str(complete_pdf)],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == ["vollständig", [], []]
