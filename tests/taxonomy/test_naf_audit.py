"""The NAF → capability hints pass their plausibility rule (docs/taxonomy.md, audit)."""

from maillage.taxonomy.loader import DATA_DIR, read_taxonomy
from maillage.taxonomy.naf_audit import SPECIFIC_MAX_WEIGHT, naf_hint_audit, naf_labels


def test_no_naf_class_claims_a_specific_technique_it_does_not_name():
    data = read_taxonomy()
    labels = naf_labels(DATA_DIR / "naf")
    checked, failed = naf_hint_audit(data, labels)
    assert len(checked) >= 30
    assert failed == [], [f"{f.naf} {f.naf_label} → {f.node} = {f.weight}" for f in failed]


def test_a_mechanical_workshop_is_no_five_axis_shop_by_its_code_alone():
    data = read_taxonomy()
    weights = {(h.naf, h.node): h.weight for h in data.hints}
    for naf in ("25.62B", "30.30Z", "32.50A"):
        assert weights.get((naf, "proc.machining.milling.5axis"), 0) <= SPECIFIC_MAX_WEIGHT
    assert (weights.get(("32.40Z", "proc.machining.milling.5axis"))) is None  # toys
    # A class that *is* the technique keeps its weight: bar turning → the Swiss-type lathe.
    assert weights[("25.62A", "equip.machine_tool.lathe.swiss")] > SPECIFIC_MAX_WEIGHT
