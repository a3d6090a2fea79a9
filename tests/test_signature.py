"""Electronic signatures: who signed, whether it holds, and what changed after signing.

Every case is a real PDF: vhpdf's form, signed with a test PKI built at run time (tests/signing.py),
then changed the way real programs change it (pypdf's incremental update, pdftk's rewrite, a byte
flipped, a note added), and checked with `vhpdf check` in the table and in JSON.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fillers import fill_pdftk
from signing import PASSWORD, annotate, change_field, make_pki, sign

from vhpdf.cli.commands import cli
from vhpdf.write.generate import fill_form
from vhpdf.write.sign import sign_pdf

ROOT = Path(__file__).resolve().parent.parent
CASES = ("unsigniert", "gueltig", "geaendert", "pdftk", "manipuliert", "fremd", "zwei", "notiz",
         "gesperrt")


def _run(*args, env=None):
    return CliRunner(env=env).invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory, pki, complete_values):
    """One PDF per case; each its own Aktenzeichen, so none is taken for another's version."""
    from pyhanko.sign.fields import MDPPerm

    out = tmp_path_factory.mktemp("signaturen")

    def form(case: str) -> bytes:
        return fill_form({**complete_values, "absender.aktenzeichen": f"ABH SIG-{case}"})

    key = pki.signer_p12.read_bytes()

    def signed(case: str) -> bytes:
        return sign_pdf(form(case), key, PASSWORD.encode())

    files = {
        "unsigniert": form("unsigniert"),
        "gueltig": signed("gueltig"),
        "geaendert": change_field(signed("geaendert"), "massnahme.grund", "Nachträglich anders"),
        "manipuliert": bytearray(signed("manipuliert")),
        "fremd": sign_pdf(form("fremd"), pki.stranger_p12.read_bytes(), PASSWORD.encode()),
        "zwei": sign(signed("zwei"), pki.signer_p12, field="Gegenzeichnung"),
        "notiz": annotate(sign(form("notiz"), pki.signer_p12, certify_level=MDPPerm.ANNOTATE)),
        "gesperrt": annotate(sign(form("gesperrt"), pki.signer_p12, certify_level=MDPPerm.NO_CHANGES)),
    }
    data = files["manipuliert"]
    at = data.index(b"stream", 2000) + 40  # a byte of page content inside the signed range
    data[at] ^= 0x01
    files["manipuliert"] = bytes(data)
    for case, data in files.items():
        (out / f"{case}.pdf").write_bytes(data)
    (out / "vor-pdftk.pdf").write_bytes(signed("pdftk"))
    fill_pdftk(out / "vor-pdftk.pdf", {"massnahme.grund": "Mit pdftk geändert"}, out / "pdftk.pdf")
    (out / "vor-pdftk.pdf").unlink()
    (out / "pdftk.xfdf").unlink(missing_ok=True)  # pdftk's input, else a skipped row of the folder
    return out


@pytest.fixture(scope="module")
def reports(folder, pki):
    """JSON and table of the whole folder, with and without trust anchors (one run each)."""
    runs = {}
    anchored = ["--vertrauensanker", pki.ca_pem, folder / "gueltig.pdf", folder / "fremd.pdf"]
    for name, args, status in (("ohne", [folder], 1), ("anker", anchored, 0)):
        as_json = _run("check", "--format", "json", "-j", "2", *args)
        table = _run("check", "-j", "2", *args)
        assert as_json.exit_code == table.exit_code == status  # 1: some are incomplete
        runs[name] = ({Path(r["file"]).stem: r for r in json.loads(as_json.output)}, table.output)
    return runs


def _row(table: str, case: str) -> str:
    return next(line for line in table.splitlines() if re.search(rf"[/ ]{case}\.pdf ", line))


def _detail(table: str, case: str) -> str:
    lines = table.splitlines()
    i = lines.index(_row(table, case))
    return next((line for line in lines[i + 1:i + 4] if line.strip().startswith("Signatur:")), "")


def _rules(r: dict) -> dict[str, str]:
    return {f["rule"]: f["severity"] for f in r["findings"]}


def test_every_case_is_there(reports):
    assert set(reports["ohne"][0]) == set(CASES)


@pytest.mark.parametrize("case, state, short, status", [
    ("unsigniert", "unsigniert", "keine", "vollständig"),
    ("gueltig", "gueltig", "gültig", "vollständig"),
    ("geaendert", "nach_signatur_geaendert", "geändert", "unvollständig"),
    ("pdftk", "ungueltig", "ungültig", "unvollständig"),  # pdftk rewrites the whole file
    ("manipuliert", "ungueltig", "ungültig", "unvollständig"),
    ("fremd", "gueltig", "gültig", "vollständig"),  # intact; whom to trust is the anchors' matter
    ("zwei", "gueltig", "gültig", "vollständig"),
    ("notiz", "gueltig_fruehere_fassung", "gültig (Zusätze)", "vollständig"),  # DocMDP allows notes
    ("gesperrt", "nach_signatur_geaendert", "geändert", "unvollständig"),  # DocMDP allows nothing
])
def test_state_in_json_and_table(reports, case, state, short, status):
    results, table = reports["ohne"]
    r = results[case]
    assert (r["signature"]["state"], r["status"]) == (state, status)
    row = _row(table, case)
    assert row.split()[1].rstrip(",") == status and f"  {short}  " in row  # "…, Ausdruck unbrauchbar"


def test_valid_signature_names_signer_time_and_scope(reports):
    results, table = reports["ohne"]
    sig = results["gueltig"]["signature"]
    [one] = sig["signatures"]
    assert (one["field"], one["signer"], one["whole_document"]) == ("abschluss.signatur", "Amtsrat Test", True)
    assert one["signed_at"][:4].isdigit() and sig["trusted"] is None and sig["revocation_checked"] is False
    assert not [r for r in _rules(results["gueltig"]) if r.startswith("signatur")]
    detail = _detail(table, "gueltig")
    assert "Amtsrat Test" in detail and "(ganzes Dokument)" in detail
    assert "Vertrauenswürdigkeit nicht geprüft" in detail and "Sperrstatus nicht geprüft" in detail
    assert {r: s for r, s in _rules(results["unsigniert"]).items()
            if r.startswith("signatur")} == {"signatur-fehlt": "hinweis"}


def test_change_after_signing_names_the_fields(reports):
    results, table = reports["ohne"]
    r = results["geaendert"]
    assert r["signature"]["changed_fields"] == ["massnahme.grund"]
    [finding] = [f for f in r["findings"] if f["rule"] == "signatur-nachtraeglich-geaendert"]
    assert finding["severity"] == "fehler" and finding["fields"] == ["massnahme.grund"]
    assert "(massnahme.grund)" in finding["message"]
    assert "Nachträglich anders" not in json.dumps(r) + table  # names only, never values
    assert "nach der Signatur geändert: massnahme.grund" in _detail(table, "geaendert")
    assert "(frühere Fassung)" in _detail(table, "geaendert")
    assert results["gesperrt"]["signature"]["changed_fields"] == []
    assert "Zertifizierung erlaubt keine Änderungen" in _detail(table, "gesperrt")


def test_broken_signatures_are_errors(reports):
    results, _ = reports["ohne"]
    for case in ("pdftk", "manipuliert"):
        assert _rules(results[case])["signatur-ungueltig"] == "fehler"
        assert "Prüfsumme passt nicht" in results[case]["signature"]["reason"]


def test_two_signatures_and_a_note_keep_the_request_valid(reports):
    results, table = reports["ohne"]
    first, second = results["zwei"]["signature"]["signatures"]
    assert (first["state"], first["whole_document"]) == ("gueltig_fruehere_fassung", False)
    assert (second["field"], second["state"], second["whole_document"]) == ("Gegenzeichnung", "gueltig", True)
    assert "Gegenzeichnung: Amtsrat Test" in _detail(table, "zwei")
    assert not {"signatur-ungueltig", "signatur-nachtraeglich-geaendert"} & set(_rules(results["notiz"]))


def test_trust_anchors(reports):
    results, table = reports["anker"]
    assert results["gueltig"]["signature"]["trusted"] is True
    assert "signatur-nicht-vertraut" not in _rules(results["gueltig"])
    assert results["fremd"]["signature"]["trusted"] is False
    assert _rules(results["fremd"])["signatur-nicht-vertraut"] == "warnung"
    assert results["fremd"]["status"] == "vollständig"  # a warning, the clerk decides
    assert "Zertifikat führt zu keinem Vertrauensanker" in _detail(table, "fremd")
    assert "Zertifikatskette zu einem Vertrauensanker geprüft" in _detail(table, "gueltig")
    without = reports["ohne"][0]["fremd"]
    assert without["signature"]["trusted"] is None and "signatur-nicht-vertraut" not in _rules(without)


def test_csv_html_and_reply_show_the_signature(folder, tmp_path):
    csv_out = _run("check", folder / "geaendert.pdf", "--format", "csv")
    assert csv_out.exit_code == 1
    assert "nach der Signatur geändert: massnahme.grund" in csv_out.output
    html_out = _run("check", folder / "manipuliert.pdf", "--format", "html")
    assert html_out.exit_code == 1 and "<td>ungültig</td>" in html_out.output
    replies = _run("check", folder / "manipuliert.pdf", folder / "geaendert.pdf",
                   "--rueckmeldung", tmp_path / "r")
    assert replies.exit_code == 1
    texts = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "r").glob("*.txt")}
    assert len(texts) == 2
    assert any("Die elektronische Signatur des Ersuchens ist ungültig" in t for t in texts.values())
    assert any("nach der elektronischen Signatur noch geändert" in t for t in texts.values())


def test_values_of_changed_fields_only_with_mit_werten(folder):
    plain = _run("check", folder / "geaendert.pdf")
    shown = _run("check", folder / "geaendert.pdf", "--mit-werten")
    assert plain.exit_code == shown.exit_code == 1
    assert "Nachträglich anders" not in plain.output
    assert "massnahme.grund (jetzt: Nachträglich anders)" in shown.output


def test_signieren_writes_a_new_signed_file(tmp_path, pki, complete_values):
    blank = tmp_path / "ersuchen.pdf"
    blank.write_bytes(fill_form(complete_values))
    before = blank.read_bytes()
    out = tmp_path / "signiert.pdf"
    env = {"VHPDF_SCHLUESSEL_PASSWORT": PASSWORD}
    result = _run("signieren", blank, "--schluessel", pki.signer_p12, "-o", out, env=env)
    assert result.exit_code == 0, result.output
    assert blank.read_bytes() == before and oct(out.stat().st_mode & 0o777) == "0o600"
    check = _run("check", out, "--format", "json", "--vertrauensanker", pki.ca_pem)
    assert check.exit_code == 0
    sig = json.loads(check.output)[0]["signature"]
    assert (sig["state"], sig["trusted"], sig["signatures"][0]["signer"]) == ("gueltig", True, "Amtsrat Test")
    again = _run("signieren", blank, "--schluessel", pki.signer_p12, "-o", out, env=env)
    assert again.exit_code == 2 and "existiert bereits" in again.output
    twice = _run("signieren", out, "--schluessel", pki.signer_p12, "-o", tmp_path / "b.pdf", env=env)
    assert twice.exit_code == 1 and "bereits signiert" in twice.output
    wrong = _run("signieren", blank, "--schluessel", pki.signer_p12, "-o", tmp_path / "c.pdf",
                 env={"VHPDF_SCHLUESSEL_PASSWORT": "falsch"})
    assert wrong.exit_code == 1 and "falsches Kennwort" in wrong.output
    assert not (tmp_path / "c.pdf").exists()
    text = tmp_path / "brief.pdf"
    text.write_text("kein PDF")
    junk = _run("signieren", text, "--schluessel", pki.signer_p12, "-o", tmp_path / "d.pdf", env=env)
    assert junk.exit_code == 1 and "keine lesbare PDF-Datei" in junk.output and "Error" not in junk.output


def test_signieren_never_takes_the_password_from_the_command_line(tmp_path, pki, complete_values):
    blank = tmp_path / "ersuchen.pdf"
    blank.write_bytes(fill_form(complete_values))
    env = {k: v for k, v in os.environ.items() if k != "VHPDF_SCHLUESSEL_PASSWORT"}
    proc = subprocess.run([sys.executable, "-m", "vhpdf", "signieren", str(blank), "--schluessel",
                           str(pki.signer_p12), "-o", str(tmp_path / "s.pdf")], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "VHPDF_SCHLUESSEL_PASSWORT" in proc.stderr
    assert "Traceback" not in proc.stderr
    bad = _run("signieren", blank, "--schluessel", pki.signer_p12, "-o", tmp_path / "t.pdf",
               "--passwort", PASSWORD)
    assert bad.exit_code == 2 and not (tmp_path / "t.pdf").exists()


def test_bad_trust_anchor_file(folder, tmp_path):
    junk = tmp_path / "anker.pem"
    junk.write_text("kein Zertifikat")
    result = _run("check", folder / "gueltig.pdf", "--vertrauensanker", junk)
    assert result.exit_code == 2 and "keine lesbaren Zertifikate" in result.output


SCRIPT = """
import sys
sys.modules["pyhanko"] = None  # as if vhpdf[signatur] were not installed
from vhpdf.read.signature import verify
print(verify(open(sys.argv[1], "rb").read()).state.value)
print(verify(open(sys.argv[2], "rb").read()).state.value)
"""

CHEAP = """
import sys
from vhpdf.read.signature import verify
print(verify(open(sys.argv[1], "rb").read()).state.value, "pyhanko" in sys.modules)
"""


def test_without_pyhanko_signatures_are_not_verified_and_unsigned_files_never_load_it(folder):
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(folder / "gueltig.pdf"),
                           str(folder / "unsigniert.pdf")], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["nicht_geprueft", "unsigniert"]
    cheap = subprocess.run([sys.executable, "-c", CHEAP, str(folder / "unsigniert.pdf")], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert cheap.returncode == 0 and cheap.stdout.split() == ["unsigniert", "False"]


def test_a_filled_signature_field_without_signature_data_is_broken(tmp_path, complete_values):
    """A /V that is no signature (no /ByteRange) claims a signature that nothing proves."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    from vhpdf.batch.task import check_file

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fill_form(complete_values))))
    for page in writer.pages:
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/FT") == "/Sig":
                annot[NameObject("/V")] = writer._add_object(DictionaryObject(
                    {NameObject("/Type"): NameObject("/Sig")}))
    path = tmp_path / "vorgetaeuscht.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    result = check_file(path)
    assert result.values is None and result.signature.state.value == "ungueltig"
    assert "ohne prüfbare Signaturdaten" in result.signature.reasons
    assert {f.rule for f in result.findings} >= {"signatur-ungueltig"}
