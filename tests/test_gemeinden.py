"""Consistency checks for forms/gemeinden-nrw.toml (municipality -> KPB and courts).

Reads the TOML files directly with tomllib; deliberately independent of the vhpdf package.
"""

import tomllib
from collections import Counter
from pathlib import Path

import pytest

FORMS = Path(__file__).resolve().parent.parent / "forms"

VERWALTUNGSGERICHTE = {
    f"Verwaltungsgericht {ort}"
    for ort in ("Aachen", "Arnsberg", "Düsseldorf", "Gelsenkirchen", "Köln", "Minden", "Münster")
}

# KPB-VO NRW § 1: municipalities policed by the Polizeipräsidium of another city.
PP_EXCEPTIONS = {
    "Herne": "Bochum",
    "Witten": "Bochum",
    "Lünen": "Dortmund",
    "Mülheim an der Ruhr": "Essen",
    "Leverkusen": "Köln",
    "Bottrop": "Recklinghausen",
    "Remscheid": "Wuppertal",
    "Solingen": "Wuppertal",
    "Bad Honnef": "Bonn",
    "Bornheim": "Bonn",
    "Königswinter": "Bonn",
    "Meckenheim": "Bonn",
    "Rheinbach": "Bonn",
    "Alfter": "Bonn",
    "Swisttal": "Bonn",
    "Wachtberg": "Bonn",
}


def load(name):
    with open(FORMS / name, "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def gemeinden():
    return load("gemeinden-nrw.toml")["gemeinde"]


@pytest.fixture(scope="module")
def by_name(gemeinden):
    return {g["name"]: g for g in gemeinden}


@pytest.fixture(scope="module")
def kpb_orte():
    return {k["ort"] for k in load("kpb-nrw.toml")["kpb"]}


def is_kreisfrei(g):
    return g["ags"].endswith("000")


def test_396_municipalities(gemeinden):
    assert len(gemeinden) == 396


def test_every_entry_has_the_required_keys(gemeinden):
    required = {"name", "ags", "kreis", "kpb", "amtsgericht", "verwaltungsgericht"}
    for g in gemeinden:
        assert required <= g.keys(), g.get("name")
        assert set(g) <= required | {"plz"}, g["name"]


def test_ags_unique_well_formed_and_sorted(gemeinden):
    ags = [g["ags"] for g in gemeinden]
    assert len(set(ags)) == len(ags)
    assert ags == sorted(ags)
    for a in ags:
        assert isinstance(a, str) and len(a) == 8 and a.isdigit() and a.startswith("05"), a


def test_names_unique_within_kreis(gemeinden):
    pairs = Counter((g["name"], g["kreis"]) for g in gemeinden)
    assert [p for p, n in pairs.items() if n > 1] == []
    # NRW has no two municipalities of the same name; keep it that way unless the data says so.
    names = Counter(g["name"] for g in gemeinden)
    assert [n for n, c in names.items() if c > 1] == []


def test_22_kreisfreie_staedte_and_31_kreise(gemeinden):
    kreisfrei = [g for g in gemeinden if is_kreisfrei(g)]
    assert len(kreisfrei) == 22
    for g in kreisfrei:
        assert g["kreis"] == g["name"]
    kreise = {g["kreis"] for g in gemeinden if not is_kreisfrei(g)}
    assert len(kreise) == 31
    assert "StädteRegion Aachen" in kreise
    assert not kreise & {g["name"] for g in kreisfrei}


def test_kreis_matches_ags_prefix(gemeinden):
    kreis_of_prefix = {}
    for g in gemeinden:
        assert kreis_of_prefix.setdefault(g["ags"][:5], g["kreis"]) == g["kreis"], g["name"]


def test_every_kpb_exists_and_every_kpb_is_reached(gemeinden, kpb_orte):
    assert len(kpb_orte) == 47
    used = {g["kpb"] for g in gemeinden}
    assert used - kpb_orte == set()
    assert kpb_orte - used == set()


@pytest.mark.parametrize("name,kpb", sorted(PP_EXCEPTIONS.items()))
def test_kpb_vo_exceptions(by_name, name, kpb):
    assert by_name[name]["kpb"] == kpb


def test_other_rhein_sieg_towns_keep_the_landrat(gemeinden):
    rsk = [g for g in gemeinden if g["kreis"] == "Rhein-Sieg-Kreis"]
    assert len(rsk) == 19
    for g in rsk:
        expected = "Bonn" if g["name"] in PP_EXCEPTIONS else "Rhein-Sieg-Kreis"
        assert g["kpb"] == expected, g["name"]


def test_siegburg_is_rhein_sieg_kreis(by_name):
    assert by_name["Siegburg"]["kpb"] == "Rhein-Sieg-Kreis"


def test_staedteregion_aachen_is_pp_aachen(gemeinden):
    region = [g for g in gemeinden if g["kreis"] == "StädteRegion Aachen"]
    assert len(region) == 10
    assert {g["kpb"] for g in region} == {"Aachen"}


def test_split_kreise_otherwise_follow_their_landrat(gemeinden):
    for kreis, landrat, exception in [
        ("Ennepe-Ruhr-Kreis", "Ennepe-Ruhr-Kreis", "Witten"),
        ("Kreis Unna", "Unna", "Lünen"),
    ]:
        for g in gemeinden:
            if g["kreis"] == kreis and g["name"] != exception:
                assert g["kpb"] == landrat, g["name"]


def test_kreis_recklinghausen_is_pp_recklinghausen(gemeinden):
    assert {g["kpb"] for g in gemeinden if g["kreis"] == "Kreis Recklinghausen"} == {"Recklinghausen"}


def test_kreisfreie_staedte_without_exception_have_their_own_pp(gemeinden, kpb_orte):
    for g in gemeinden:
        if is_kreisfrei(g) and g["name"] not in PP_EXCEPTIONS:
            assert g["kpb"] == g["name"]


def test_bielefeld_courts(by_name):
    assert by_name["Bielefeld"]["verwaltungsgericht"] == "Verwaltungsgericht Minden"
    assert by_name["Bielefeld"]["amtsgericht"] == "Amtsgericht Bielefeld"


def test_verwaltungsgerichte_are_the_seven(gemeinden):
    assert {g["verwaltungsgericht"] for g in gemeinden} == VERWALTUNGSGERICHTE


def test_verwaltungsgericht_is_uniform_per_kreis(gemeinden):
    # JustG NRW § 17 assigns whole Kreise and kreisfreie Städte.
    vg_of_kreis = {}
    for g in gemeinden:
        assert vg_of_kreis.setdefault(g["kreis"], g["verwaltungsgericht"]) == g["verwaltungsgericht"]


def test_amtsgericht_names(gemeinden):
    courts = {g["amtsgericht"] for g in gemeinden}
    for c in courts:
        assert c.startswith("Amtsgericht ") and c.strip() == c
    assert 100 < len(courts) < 135


def test_plz_when_present(gemeinden):
    for g in gemeinden:
        if "plz" in g:
            assert g["plz"], g["name"]
            assert g["plz"] == sorted(set(g["plz"])), g["name"]
            for p in g["plz"]:
                assert isinstance(p, str) and len(p) == 5 and p.isdigit(), (g["name"], p)
