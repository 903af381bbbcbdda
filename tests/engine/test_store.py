import json
import time

import numpy as np
import pytest

from maillage.engine import EngineDocument, EngineIndex, IndexFormatError, Searcher, SearchQuery

from .conftest import names


def test_index_reloads_memory_mapped(fresh_index):
    reader = EngineIndex(fresh_index.path)
    # Views of the file mapping: worker processes share these pages instead of copying them.
    assert isinstance(reader.main.text.docs.base, np.memmap)
    assert isinstance(reader.main.concept.cols["weight"].base, np.memmap)
    assert names(Searcher(reader).search(SearchQuery(text="anodisation dure")))[0] == "Alsace Anodisation"
    in_memory = EngineIndex(fresh_index.path, mmap=False)
    assert not isinstance(in_memory.main.text.docs.base, np.memmap)


def test_missing_or_foreign_index_is_a_clear_error(tmp_path, fresh_index):
    with pytest.raises(IndexFormatError, match="index absent"):
        EngineIndex(tmp_path / "nowhere")
    manifest = fresh_index.path / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "format": 99}))
    with pytest.raises(IndexFormatError, match="format"):
        EngineIndex(fresh_index.path)


def test_update_is_searchable_by_another_reader_within_two_seconds(fresh_index):
    reader = Searcher(EngineIndex(fresh_index.path))
    assert reader.search(SearchQuery(text="grenaillage")).total == 0
    started = time.monotonic()
    fresh_index.update(
        [
            EngineDocument(
                "22222222200012",
                "Usinage Dupont",
                description="Grenaillage et sablage de pièces.",
                capabilities=[("proc.machining.turning", "confirmed", "core")],
                department="68",
                lat=48.0794,
                lon=7.3585,
            )
        ]
    )
    deadline = started + 2.0
    while time.monotonic() < deadline:
        results = reader.search(SearchQuery(text="grenaillage"))
        if results.total:
            break
        time.sleep(0.1)
    assert names(results) == ["Usinage Dupont"]
    # The old version is tombstoned: no duplicate, and its former claims are gone.
    milling = reader.search(SearchQuery(capabilities=["proc.machining.milling"]))
    assert "Usinage Dupont" not in names(milling)
    assert reader.index.size == 7


def test_delete_then_merge_keeps_the_same_answers(fresh_index):
    fresh_index.update(delete=["33333333300013"])
    fresh_index.update([EngineDocument("88888888800018", "Nouvelle Fonderie", description="fonderie sable")])
    searcher = Searcher(fresh_index)
    before = names(searcher.search(SearchQuery(text="fonderie usinage anodisation", page_size=50)))
    assert "Fonderie du Rhin" not in before and "Nouvelle Fonderie" in before
    fresh_index.merge()
    assert fresh_index.delta is None and fresh_index.manifest.get("tombstones") is None
    after = names(
        Searcher(EngineIndex(fresh_index.path)).search(
            SearchQuery(text="fonderie usinage anodisation", page_size=50)
        )
    )
    # Same documents; document frequencies no longer count the deleted one, so ties may move.
    assert set(after) == set(before) and after[0] == before[0]
    assert not (fresh_index.path / "seg-000002-delta").exists()  # older generations are collected


def test_rebuild_replaces_the_index_for_open_readers(fresh_index, taxonomy, documents):
    reader = Searcher(EngineIndex(fresh_index.path))
    EngineIndex.build(fresh_index.path, taxonomy, documents[:2])
    reader.index.refresh(force=True)
    assert reader.index.size == 2
