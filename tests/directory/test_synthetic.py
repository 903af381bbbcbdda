"""The samplers behind generated companies: valid identifiers, real distributions, reproducibility."""

import numpy as np
import pytest
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from maillage.directory import synthetic
from tests.shared_data import shared_path

DATA = shared_path("data")
UNITES_LEGALES = DATA / "sirene/index_egalite_sirens_unites_legales.csv"
COMMUNES = DATA / "communes/communes_2026_geo_epci.csv"
VECTORS = shared_path("bench", "identifiers", "siret_vectors.csv")


def test_luhn_valid_agrees_with_published_vectors_outside_la_poste():
    rows = [line.split(",") for line in VECTORS.read_text().splitlines()[1:]]
    checked = 0
    for number, kind, valid in rows:
        length = 9 if kind == "siren" else 14
        if len(number) != length or not number.isdigit() or number.startswith("356000000"):
            continue
        assert bool(synthetic.luhn_valid(np.array([int(number)]), length)[0]) == (valid == "true"), number
        checked += 1
    assert checked > 60


def test_random_sirens_and_sirets_are_valid_for_stdnum():
    rng = synthetic.make_rng(1)
    sirens = synthetic.siren_random_ints(rng, 2000)
    sequences = rng.integers(0, 10_000, size=2000)
    sirets = synthetic.siret_ints(sirens, sequences)
    assert all(stdnum_siren.is_valid(f"{s:09d}") for s in sirens)
    assert all(stdnum_siret.is_valid(f"{s:014d}") for s in sirets)
    assert all(f"{t:014d}".startswith(f"{s:09d}") for s, t in zip(sirens, sirets, strict=True))


def test_siret_make_keys_the_establishment_sequence():
    siret = synthetic.siret_make("732829320", 7)
    assert siret.startswith("7328293200007")
    assert stdnum_siret.is_valid(siret)
    assert synthetic.siret_make("732829320", "0007") == siret


def test_siret_make_refuses_la_poste_and_malformed_siren():
    with pytest.raises(ValueError):
        synthetic.siret_make("356000000", 1)
    with pytest.raises(ValueError):
        synthetic.siret_make("12345", 1)
    with pytest.raises(ValueError):
        synthetic.siret_ints(np.array([732829320]), np.array([10_000]))


def test_siren_random_is_reproducible_with_a_seed():
    assert synthetic.siren_random(synthetic.make_rng(42)) == synthetic.siren_random(synthetic.make_rng(42))
    assert stdnum_siren.is_valid(synthetic.siren_random(synthetic.make_rng(3)))


def test_naf_sampler_follows_real_frequencies_and_section_filter():
    sampler = synthetic.NafSampler.from_unites_legales_csv(UNITES_LEGALES, sections="CDE")
    assert {synthetic.naf_section(c) for c in sampler.codes} <= {"C", "D", "E"}
    draws = sampler.sample(synthetic.make_rng(0), 50_000)
    assert set(draws) <= set(sampler.codes)
    # Frequencies in the draw match the file's weights.
    top = sampler.codes[np.argmax(sampler.weights)]
    assert abs((draws == top).mean() - sampler.weights.max()) < 0.01
    again = sampler.sample(synthetic.make_rng(0), 50_000)
    assert (draws == again).all()


def test_naf_sampler_keeps_only_known_codes():
    sampler = synthetic.NafSampler.from_unites_legales_csv(UNITES_LEGALES, known={"28.30Z", "10.71C"})
    assert sorted(sampler.codes) == ["10.71C", "28.30Z"]
    with pytest.raises(ValueError):
        synthetic.NafSampler.from_unites_legales_csv(UNITES_LEGALES, known=set())


def test_headcount_sampler_is_conditioned_on_the_section():
    sampler = synthetic.HeadcountSampler.from_unites_legales_csv(UNITES_LEGALES)
    rng = synthetic.make_rng(5)
    bands = sampler.sample(rng, np.array(["28.30Z"] * 5000 + ["86.10Z"] * 5000))
    assert set(bands) <= set(sampler.bands)
    industry = sampler.by_section["C"]
    frequency = (bands[:5000] == sampler.bands[np.argmax(industry)]).mean()
    assert abs(frequency - industry.max()) < 0.03


def test_headcount_sampler_small_share_adds_small_bands():
    sampler = synthetic.HeadcountSampler.from_unites_legales_csv(UNITES_LEGALES, small_share=0.8)
    bands = sampler.sample(synthetic.make_rng(0), np.array(["25.62B"] * 10_000))
    assert np.isin(bands, synthetic.HeadcountSampler.SMALL_BANDS).mean() > 0.75


def test_commune_sampler_weights_by_population():
    sampler = synthetic.CommuneSampler(
        [("67482", 290_000, 48.58, 7.75), ("67001", 1_000, 48.6, 7.5), ("67999", 0, 48.0, 7.0)]
    )
    assert len(sampler) == 2
    draw = sampler.sample(synthetic.make_rng(0), 20_000)
    assert abs((draw.insee_codes == "67482").mean() - 290 / 291) < 0.005
    assert draw.latitudes[draw.insee_codes == "67482"][0] == 48.58


def test_commune_sampler_from_real_file_filters_departments():
    sampler = synthetic.CommuneSampler.from_csv(COMMUNES, departments={"67", "2A"})
    assert {c[:2] for c in sampler.insee_codes} == {"67", "2A"}
    draw = sampler.sample(synthetic.make_rng(0), 10_000)
    # Strasbourg is by far the most populous commune of the Bas-Rhin.
    codes, counts = np.unique(draw.insee_codes, return_counts=True)
    assert codes[np.argmax(counts)] == "67482"
