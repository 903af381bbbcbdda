import pytest

from maillage.needs import sending
from maillage.needs.selectors import Candidate


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fake_candidates(monkeypatch):
    """Replace the engine by a fixed ranking: ``fake_candidates(establishments, unconfirmed=())``.

    ``unconfirmed``: the companies matched on their NAF code only (the last batch « à confirmer »).
    """
    ranking, naf_only = [], []

    def candidates(need, *, limit=50, exclude_ids=frozenset(), unconfirmed=False):
        excluded = set(exclude_ids) | {need.author_establishment_id}
        return [
            Candidate(
                e.pk,
                e.siret,
                e.display_name,
                1.0 - i / 100,
                5.0 + i,
                f"rang {i + 1}",
                unconfirmed=unconfirmed,
            )
            for i, e in enumerate(naf_only if unconfirmed else ranking)
            if e.pk not in excluded
        ][:limit]

    monkeypatch.setattr(sending, "need_sending_candidates", candidates)

    def set_ranking(establishments, unconfirmed=()):
        ranking[:] = list(establishments)
        naf_only[:] = list(unconfirmed)

    return set_ranking
