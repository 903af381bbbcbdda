"""Index build from the database, atomic swap, refresh after a profile edit, journal catch-up."""

import os
import time

import pytest

from maillage.directory.models import Establishment
from maillage.matching.index import current_build, index_build, index_link, index_refresh, reader, searcher
from maillage.matching.search import SearchRequest, search_run
from maillage.profiles.models import ChangeSource, Profile
from maillage.profiles.services import profile_reference_add, profile_update

pytestmark = pytest.mark.django_db


def found(text: str, **kwargs) -> list[str]:
    return [hit.doc_key for hit in search_run(SearchRequest(q=text, limit=50, **kwargs)).hits]


def test_build_indexes_every_active_establishment(demo_index):
    assert demo_index["build"].documents == Establishment.objects.filter(is_active=True).count()
    assert index_link().is_symlink()


def test_profile_edit_is_searchable_within_two_seconds(private_index, django_capture_on_commit_callbacks):
    establishment = Establishment.objects.filter(source="demo").order_by("siret").first()
    assert establishment.siret not in found("vibroformage")
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(
            establishment=establishment,
            actor=None,
            source=ChangeSource.MEMBER,
            description_fr="Atelier spécialisé en vibroformage de pièces fines.",
        )
    committed = time.monotonic()
    while establishment.siret not in found("vibroformage"):
        assert time.monotonic() - committed < 2.0, "edit not searchable within 2 s"
        time.sleep(0.05)


def test_journal_catch_up_reindexes_edits_whose_callback_never_ran(private_index):
    establishment = Establishment.objects.filter(source="demo").order_by("-siret").first()
    profile_update(
        establishment=establishment,
        actor=None,
        source=ChangeSource.MEMBER,
        description_fr="Spécialiste du galetage.",
    )  # inside the test transaction: the on_commit refresh never runs
    assert index_refresh() >= 1
    searcher().index.refresh(force=True)
    assert establishment.siret in found("galetage")
    assert index_refresh() == 0


def test_members_only_references_are_never_indexed(private_index):
    public, private = Establishment.objects.filter(source="demo").order_by("siret")[:2]
    for establishment, client, visibility in (
        (public, "Zorglub Aviation", "public"),
        (private, "Quetzal Marine", "members"),
    ):
        profile_reference_add(
            establishment=establishment,
            client=client,
            actor=None,
            source=ChangeSource.MEMBER,
            visibility=visibility,
        )
    index_build()
    assert public.siret in found("Zorglub")
    assert found("Quetzal") == []


def test_establishment_without_profile_is_found_through_its_naf_code(private_index):
    establishment = (
        Establishment.objects.filter(naf_id="25.62B").first()
        or Establishment.objects.filter(naf_id__startswith="25").first()
    )
    Profile.objects.filter(establishment=establishment).delete()
    index_build()
    hits = {hit.doc_key: hit for hit in search_run(SearchRequest(q=establishment.name, limit=20)).hits}
    assert "code NAF" in hits[establishment.siret].explanation


def test_deactivated_establishment_leaves_the_index_on_refresh(private_index):
    establishment = Establishment.objects.filter(source="demo").order_by("siret").last()
    assert establishment.siret in found(establishment.name)
    Establishment.objects.filter(pk=establishment.pk).update(is_active=False)
    index_refresh(establishment_ids=[establishment.pk])
    searcher().index.refresh(force=True)
    assert establishment.siret not in found(establishment.name)


def test_full_rebuild_swaps_atomically_while_an_open_reader_keeps_reading(private_index, monkeypatch):
    old = searcher()
    old_build = current_build()
    index_build()
    assert current_build() != old_build
    assert old.search(search_query_for("usinage")).total > 0  # the previous build is still readable
    monkeypatch.setattr("maillage.matching.index.REOPEN_CHECK_S", 0.0)
    assert searcher() is not old
    index_build()
    builds = sorted(os.listdir(private_index.with_name("index.builds")))
    assert len(builds) == 2  # the current build and the previous one, older ones deleted
    assert old_build.name not in builds
    reader.reset()


def search_query_for(text):
    from maillage.engine import SearchQuery

    return SearchQuery(text=text)
