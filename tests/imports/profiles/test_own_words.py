"""Nothing a member wrote is lost: a value waiting in the review queue is searchable at once as
the company's own words, and becomes a claim (or goes) when an animator decides."""

import pytest

from maillage.engine.build import FIELD_LABELS_FR, FIELDS
from maillage.imports.models import MappingReview
from maillage.imports.profiles.services import mapping_review_decide
from maillage.matching.index import index_build, reader, searcher
from maillage.matching.search import SearchRequest, search_run
from tests.imports.profiles.helpers import SIRET_A, SIRET_B, import_profiles, row, write_csv

OWN_WORDS = FIELD_LABELS_FR[FIELDS.index("own_words")]
ROWS = [
    row(siret=SIRET_A, name="Ateliers Schmitt", naf="2562B", capabilities="gravure sur verre; fraisage"),
    row(siret=SIRET_B, name="Atelier Koenig", naf="2562B", capabilities="vibroabrasion"),
]


@pytest.fixture
def index(setting, settings, tmp_path, django_capture_on_commit_callbacks):
    """A private index built before the import: what the import queues reaches it by refresh."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    index_build()
    with django_capture_on_commit_callbacks(execute=True):
        report = import_profiles(write_csv(tmp_path / "adherents.csv", ROWS), "--wet-run")
    assert report["values_to_review"] == 2
    yield report
    reader.reset()


def hits(**kwargs) -> dict:
    searcher().index.refresh(force=True)
    return {hit.doc_key: hit for hit in search_run(SearchRequest(limit=50, **kwargs)).hits}


def words_fields(hit) -> set[str]:
    return {field for detail in hit.details if detail["kind"] == "text" for field in detail["fields"]}


def decide(text: str, code: str | None, capture) -> None:
    with capture(execute=True):
        mapping_review_decide(review=MappingReview.objects.get(raw_text=text), code=code, actor=None)


def test_a_value_waiting_for_review_is_searchable_at_once_as_the_company_s_own_words(index):
    found = hits(q="gravure sur verre")
    assert SIRET_A in found and SIRET_B not in found
    hit = found[SIRET_A]
    assert "gravure" in {d["word"] for d in hit.details if d["kind"] == "text" and d["fields"] == [OWN_WORDS]}
    assert f"« gravure » ({OWN_WORDS})" in hit.explanation
    # Not a claim: neither the capability filter nor an evidence tier sees it.
    assert SIRET_A not in hits(capability=["proc.glass"])


def test_an_accepted_value_becomes_a_claim_and_leaves_the_own_words(
    index, django_capture_on_commit_callbacks
):
    decide("gravure sur verre", "proc.glass", django_capture_on_commit_callbacks)
    held = hits(capability=["proc.glass"])[SIRET_A]
    (claim,) = [d for d in held.details if d["kind"] == "capability"]
    assert (claim["matched"], claim["status"]) == ("proc.glass", "confirmed")
    assert SIRET_A not in hits(q="gravure")  # its words became the claim: no « own words » left


def test_a_dismissed_value_is_no_longer_found(index, django_capture_on_commit_callbacks):
    assert SIRET_B in hits(q="vibroabrasion")
    decide("vibroabrasion", None, django_capture_on_commit_callbacks)
    assert SIRET_B not in hits(q="vibroabrasion")


def test_the_machine_figures_after_a_process_are_searchable_while_the_machine_waits(
    setting, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    cell = "découpe jet d'eau 5 axes 3000 bars"
    with django_capture_on_commit_callbacks(execute=True):
        import_profiles(
            write_csv(tmp_path / "a.csv", [row(siret=SIRET_A, name="Jet Alsace", capabilities=cell)]),
            "--wet-run",
        )
    index_build()
    found = hits(q="découpe jet d'eau 3000 bars")[SIRET_A]
    # The process is a declared capability, the figures the company's words awaiting review.
    (claim,) = [d for d in found.details if d["kind"] == "capability"]
    assert (claim["matched"], claim["status"]) == ("proc.sheet_metal.cutting.waterjet", "confirmed")
    assert {d["word"] for d in found.details if d["kind"] == "text" and OWN_WORDS in d["fields"]} >= {
        "3000",
        "bars",
    }
    reader.reset()
