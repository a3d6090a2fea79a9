"""Latin-script names: drawn right by vhpdf, read back exactly from every filler, misdrawings
reported by check and put right by druck — verified with poppler, not with vhpdf's own reader."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from click.testing import CliRunner
from fillers import fill_pdftk, fill_pymupdf
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, BooleanObject, NameObject, NumberObject
from viewers import (
    crop,
    fill_pdfium,
    fill_pdfjs,
    fonts_not_embedded,
    render_gray,
    same_text,
    shown_by_poppler,
)

from vhpdf.batch.task import check_file
from vhpdf.cli.commands import cli
from vhpdf.read.extract import extract
from vhpdf.write.druck import print_copy
from vhpdf.write.fill import FillError
from vhpdf.write.generate import fill_form

NAMES = {
    "person1.name": "Yılmaz", "person1.vorname": "Doğan",
    "person2.name": "Wiśniewski", "person2.vorname": "Łukasz",
    "person3.name": "Țurcanu", "person3.vorname": "Ștefan",
    "person4.name": "Petrović", "person4.vorname": "Đorđe",
    "sachbearbeitung.name": "Arbër Gashi",
    "kraefte.abh.leitung": "Nguyễn Thị Hương",
    "gefaehrdung.ergebnis": "Doğan Yılmaz und Łukasz Wiśniewski: Widerstand angekündigt.\n"
                            "Ștefan Țurcanu, Đorđe Petrović: keine Erkenntnisse.",
}
DRAWN = "darstellung-abweichend"


def _flagged(result) -> set[str]:
    """The fields of the (one) misprint finding."""
    drawn = [f for f in result.findings if f.rule == DRAWN]
    assert len(drawn) <= 1, "Fehldrucke stehen in einem Befund je Datei"
    return set(drawn[0].fields) if drawn else set()


def _values(form, complete_values) -> dict:
    values = dict(complete_values, **NAMES)
    values["person4.geburtsdatum"] = "01.01.1990"
    values["person4.staatsangehoerigkeit"] = "serbisch"
    values["person4.erkenntnisse"] = "Keine Erkenntnisse."
    values["empfaenger.kpb"] = "Kreispolizeibehörde Soest" if form.kpb_named(
        "Kreispolizeibehörde Soest") else form.kpb[-1].name
    for f in form.fields(4):
        if f.type.value == "checkbox":
            values[f.name] = True  # every checkbox, ticked
    return values


def _expected(form, values: dict) -> dict:
    return {name: (bool(values.get(name)) if f.type.value in ("checkbox", "signature")
                   else values.get(name)) for name, f in form.field_map(4).items()}


def _text_fields(form) -> list[str]:
    return [f.name for f in form.fields(4) if f.type.value in ("text", "choice")]


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pdftk_names(tmp_path_factory, form, blank_pdf, complete_values):
    """The names filled by pdftk, read (never changed) by the tests that need a pdftk misprint."""
    return fill_pdftk(blank_pdf, _values(form, complete_values),
                      tmp_path_factory.mktemp("pdftk") / "pdftk.pdf")


def test_fill_draws_every_name(form, tmp_path):
    values = dict(NAMES, **{"person5.name": "Gashi", "person5.vorname": "Arbër",
                            "person6.name": "Nguyễn", "person6.vorname": "Thị Hương"})
    pdf = tmp_path / "namen.pdf"
    pdf.write_bytes(fill_form(values))
    ex = extract(pdf)
    assert {k: ex.values[k] for k in values} == values
    shown = shown_by_poppler(pdf)
    for name, value in values.items():
        assert same_text(shown[name], value), (name, shown[name], value)
    assert not [f for f in check_file(pdf).findings if f.rule == DRAWN]


def test_undrawable_character_names_field_and_character():
    with pytest.raises(FillError) as err:
        fill_form({"person1.name": "Дмитриев", "person1.vorname": "Doğan"})
    assert len(err.value.problems) == 1
    problem = err.value.problems[0]
    assert "person1.name" in problem and "'Д'" in problem and "U+0414" in problem


@pytest.mark.parametrize("filler", [fill_pdfjs, fill_pdfium, fill_pdftk, fill_pymupdf],
                         ids=["pdfjs", "pdfium", "pdftk", "pymupdf"])
def test_filler_names_check_and_druck(form, blank_pdf, complete_values, tmp_path, filler):
    values = _values(form, complete_values)
    expected = _expected(form, values)
    filled = filler(blank_pdf, values, tmp_path / "gefuellt.pdf")
    digest = _digest(filled)

    # every value comes back exactly, whatever the filler drew
    assert extract(filled).values == expected

    # check reports exactly the fields poppler sees printed differently from their value
    shown = shown_by_poppler(filled)
    misdrawn = {n for n in _text_fields(form) if not same_text(shown[n], expected[n])}
    flagged = _flagged(check_file(filled))
    # poppler decodes a font the filler did not embed, but a printer may lack it: check counts
    # such glyphs as unknown (PDFium draws – and „“ with a non-embedded CJK fallback font)
    assert flagged - misdrawn <= fonts_not_embedded(filled)
    assert misdrawn <= flagged
    if filler is fill_pdftk:  # pdftk writes unusable codes for the embedded font
        assert set(NAMES) <= flagged
    if filler is fill_pdfjs:  # Firefox draws the names right (it only cuts long lines)
        assert not set(NAMES) & flagged
    if filler is fill_pdfium:  # Chrome/Edge drop ı, ğ, Ș, Ț and the Vietnamese letters
        assert {"person1.name", "person1.vorname", "person3.name", "person3.vorname",
                "kraefte.abh.leitung"} <= flagged

    # druck puts every field right and leaves the input alone
    copy = tmp_path / "druck.pdf"
    copy.write_bytes(print_copy(filled.read_bytes()))
    assert _digest(filled) == digest
    assert extract(copy).values == expected
    assert not [f for f in check_file(copy).findings if f.rule == DRAWN]
    shown = shown_by_poppler(copy)
    assert {n: shown[n] for n in _text_fields(form) if not same_text(shown[n], expected[n])} == {}

    # and prints them pixel for pixel as vhpdf fill does (looked at: tests/README in the report)
    reference = tmp_path / "referenz.pdf"
    reference.write_bytes(fill_form({k: v for k, v in values.items()}))
    from viewers import widget_rects

    rects = widget_rects(reference)
    pages = {}
    for name in NAMES:
        page, rect = rects[name]
        if page not in pages:
            pages[page] = (render_gray(copy, page), render_gray(reference, page))
        got, want = pages[page]
        assert crop(got, rect) == crop(want, rect), name


def test_check_hints_when_a_value_cannot_fit(tmp_path):
    pdf = tmp_path / "lang.pdf"
    pdf.write_bytes(fill_form({"person1.name": "Wiśniewski-" * 12, "person2.name": "Yılmaz"}))
    hints = [f for f in check_file(pdf).findings if f.rule == "druck-abgeschnitten"]
    assert [f.fields for f in hints] == [("person1.name",)]
    assert hints[0].severity.value == "hinweis"


def test_check_does_not_load_reportlab(complete_pdf):
    code = ("import sys; from vhpdf.batch.task import check_file; r = check_file(sys.argv[1]); "
            "assert r.status.value == 'vollständig', r; print('reportlab' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(complete_pdf)], check=True,
                         capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_cli_druck(tmp_path, blank_pdf, complete_values):
    filled = fill_pdftk(blank_pdf, dict(complete_values, **NAMES), tmp_path / "gefuellt.pdf")
    digest = _digest(filled)
    out = tmp_path / "druck.pdf"
    runner = CliRunner()
    result = runner.invoke(cli, ["druck", str(filled), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Druckfassung geschrieben" in result.output
    assert _digest(filled) == digest
    assert same_text(shown_by_poppler(out)["person1.name"], "Yılmaz")
    again = runner.invoke(cli, ["druck", str(filled), "-o", str(out)])
    assert again.exit_code == 2 and "existiert bereits" in again.output
    bad = tmp_path / "kein.pdf"
    bad.write_text("kein PDF")
    result = runner.invoke(cli, ["druck", str(bad), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "keine PDF-Datei" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_cli_fill_rejects_undrawable(tmp_path):
    data = tmp_path / "daten.json"
    data.write_text('{"person1.vorname": "Ωmega"}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["ausfuellen", str(data), "-o", str(tmp_path / "f.pdf")])
    assert result.exit_code == 1
    assert "person1.vorname" in result.output and "U+03A9" in result.output


def _save_prompt_causes(pdf) -> list[str]:
    """What would make a viewer redraw fields on open (and Acrobat ask to save)."""
    reader = PdfReader(pdf)
    acro = reader.trailer["/Root"]["/AcroForm"]
    causes = ["NeedAppearances"] if acro.get("/NeedAppearances") else []

    def walk(refs, inherited):
        for ref in refs:
            node = ref.get_object()
            attrs = dict(inherited, **{k: node[k] for k in ("/FT", "/V", "/Ff") if k in node})
            kids = node.get("/Kids", ())
            if "/I" in node:
                opts = [str(o) for o in node.get("/Opt", ())]
                index = [int(i) for i in node["/I"]]
                if [opts[i] for i in index if i < len(opts)] != [str(attrs.get("/V"))]:
                    causes.append(f"{node.get('/T')}: /I")
            if kids and "/T" in kids[0].get_object():
                walk(kids, attrs)
                continue
            for w in [k.get_object() for k in kids] or [node]:
                normal = w["/AP"]["/N"] if "/AP" in w else None
                if attrs.get("/FT") in ("/Tx", "/Ch"):
                    if normal is None or not hasattr(normal, "get_data"):
                        causes.append(f"{node.get('/T')}: kein Erscheinungsbild")
                elif attrs.get("/FT") == "/Btn" and not int(attrs.get("/Ff", 0)) & (1 << 16):
                    states = set(normal.keys()) if normal is not None else set()
                    v = str(attrs.get("/V", "/Off"))
                    want = v if v in states else "/Off"
                    if str(w.get("/AS")) != want or (v != "/Off" and not int(attrs.get("/Ff", 0))
                                                     & (1 << 15) and v not in states):
                        causes.append(f"{node.get('/T')}: /AS {w.get('/AS')} /V {v}")

    walk(acro["/Fields"], {})
    return causes


def test_no_cause_for_redraw_or_save_prompt(form, blank_pdf, complete_values, pdftk_names, tmp_path):
    values = _values(form, complete_values)
    filled = tmp_path / "vhpdf.pdf"
    filled.write_bytes(fill_form(values))
    from_pdftk = pdftk_names
    copy = tmp_path / "druck.pdf"
    copy.write_bytes(print_copy(from_pdftk.read_bytes()))
    for pdf in (blank_pdf, filled, copy):
        assert _save_prompt_causes(pdf) == [], pdf.name
    # the helper does find causes: a form asking viewers to redraw is reported
    writer = PdfWriter(clone_from=filled)
    writer._root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(True)
    broken = tmp_path / "kaputt.pdf"
    writer.write(broken)
    assert _save_prompt_causes(broken) == ["NeedAppearances"]
    # a stale selected index (left by some editors) is reported, and druck corrects it
    writer = PdfWriter(clone_from=filled)
    for field in writer._root_object["/AcroForm"]["/Fields"]:
        for kid in field.get_object().get("/Kids", ()):
            if kid.get_object().get("/T") == "kpb":
                kid.get_object()[NameObject("/I")] = ArrayObject([NumberObject(0)])
    stale = tmp_path / "veraltet.pdf"
    writer.write(stale)
    assert _save_prompt_causes(stale) == ["kpb: /I"]
    fixed = tmp_path / "korrigiert.pdf"
    fixed.write_bytes(print_copy(stale.read_bytes()))
    kpb = [k.get_object() for f in PdfReader(fixed).trailer["/Root"]["/AcroForm"]["/Fields"]
           for k in f.get_object().get("/Kids", ()) if k.get_object().get("/T") == "kpb"][0]
    assert kpb["/V"] == values["empfaenger.kpb"]
    assert kpb["/Opt"][kpb["/I"][0]] == values["empfaenger.kpb"]


def test_druck_refuses_characters_no_font_draws(blank_pdf, tmp_path):
    filled = fill_pymupdf(blank_pdf, {"person1.name": "Дмитриев", "person1.vorname": "Doğan"},
                          tmp_path / "kyrillisch.pdf")
    assert extract(filled).values["person1.name"] == "Дмитриев"
    findings = [f for f in check_file(filled).findings if f.rule == "druck-zeichen"]
    assert [f.fields for f in findings] == [("person1.name",)] and "U+0414" in findings[0].message
    result = CliRunner().invoke(cli, ["druck", str(filled), "-o", str(tmp_path / "d.pdf")])
    assert result.exit_code == 1
    assert "person1.name" in result.output and "U+0414" in result.output
    assert not (tmp_path / "d.pdf").exists()


def test_check_flags_buttons_printing_another_state(form, complete_values, tmp_path):
    filled = tmp_path / "vhpdf.pdf"
    filled.write_bytes(fill_form(complete_values))
    writer = PdfWriter(clone_from=filled)
    for page in writer.pages:
        for ref in page["/Annots"]:
            w = ref.get_object()
            if w.get("/T") == "betreten":  # ticked in /V, shown unticked
                w[NameObject("/AS")] = NameObject("/Off")
            group = w.get("/Parent")
            if group is not None and group.get("/T") == "status" and \
                    group["/Parent"].get("/T") == "beschluss_durchsuchung":
                on = [k for k in w["/AP"]["/N"] if k != "/Off"][0]  # every option shown on
                w[NameObject("/AS")] = NameObject(on)
    odd = tmp_path / "abweichend.pdf"
    writer.write(odd)
    assert extract(odd).values == extract(filled).values
    (found,) = [f for f in check_file(odd).findings if f.rule == DRAWN]  # one line for the file
    assert set(found.fields) == {"massnahme.betreten", "beschluss_durchsuchung.status"}
    assert found.message.startswith("2 Felder drucken anders als gespeichert — Druckfassung mit „vhpdf druck")
    assert "zeigt nicht angekreuzt, gespeichert angekreuzt" in found.message
    copy = tmp_path / "druck.pdf"
    copy.write_bytes(print_copy(odd.read_bytes()))
    assert not [f for f in check_file(copy).findings if f.rule == DRAWN]
    assert extract(copy).values == extract(filled).values


def test_misprint_warning_quotes_values_only_on_request(pdftk_names):
    filled = pdftk_names
    default = [f for f in check_file(filled).findings if f.rule == DRAWN]
    assert default and not any("Yılmaz" in f.message or "Doğan" in f.message for f in default)
    with_values = [f for f in check_file(filled, keep_values=True).findings if f.rule == DRAWN]
    assert any("„Yılmaz“" in f.quoted for f in with_values)  # shown only with --mit-werten
    assert not any("Yılmaz" in f.message for f in with_values)  # what replies and default reports use


def test_value_changed_behind_vhpdf_appearance_is_flagged(tmp_path, complete_values):
    """The shortcut for appearances vhpdf drew holds only while value and stream are untouched."""
    import io

    from pypdf.generic import TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fill_form(complete_values))))
    for page in writer.pages:
        for annot in page.get("/Annots", []):
            w = annot.get_object()
            if w.get("/T") == "name" and w["/Parent"].get("/T") == "person1":
                w[NameObject("/V")] = TextStringObject("Anders")  # a program changed only /V
    changed = tmp_path / "geaendert.pdf"
    with changed.open("wb") as fh:
        writer.write(fh)
    flagged = _flagged(check_file(changed))
    assert flagged == {"person1.name"}
