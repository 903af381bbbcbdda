"""The search page names the field a word was found in: the company's own words, awaiting review."""

import html

import pytest

from maillage.imports.models import MappingReview
from maillage.matching.index import index_build, reader
from maillage.taxonomy.mapping import normalise
from tests.directory.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(settings, tmp_path):
    """An establishment whose spreadsheet value waits for an animator, and a fresh index."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    establishment = EstablishmentFactory(name="Ateliers Schmitt")
    text = "gravure sur verre"
    MappingReview.objects.create(
        establishment=establishment, column="capabilities", node_type="capability", raw_text=text,
        item=text, normalised_text=normalise(text), file_name="adherents.xlsx", line=12,
    )  # fmt: skip
    index_build()
    yield establishment
    reader.reset()


def test_the_page_shows_the_words_found_among_the_company_s_own_words(client, waiting):
    response = client.get("/recherche/", {"q": "gravure sur verre"})
    assert [row.siret for row in response.context["rows"]] == [waiting.siret]
    body = html.unescape(response.content.decode()).replace("\u00a0", " ")
    assert "« gravure » (ses propres mots, en attente de validation)" in body
    client.cookies["django_language"] = "en"
    body = html.unescape(client.get("/recherche/", {"q": "gravure sur verre"}).content.decode())
    assert "(its own words, awaiting review)" in body


def test_a_decided_or_ledger_value_is_not_the_company_s_own_words(client, waiting):
    MappingReview.objects.update(status=MappingReview.Status.DISMISSED)
    MappingReview.objects.create(
        origin=MappingReview.Origin.LEDGER, column="capabilities", node_type="capability",
        raw_text="gravure laser", normalised_text="gravure laser",
    )  # fmt: skip
    index_build()
    assert client.get("/recherche/", {"q": "gravure"}).context["rows"] == []
