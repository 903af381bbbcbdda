"""The generic set-cover core: OR-Library files, known optima, brute force, time limits."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.engine.consortium.cover import CoverModel, greedy_cover, solve_cover
from maillage.engine.consortium.orlib import OrlibFormatError, read_orlib
from tests.shared_data import shared_path

ORLIB = shared_path("bench", "orlib-scp")


def test_reads_an_orlib_file():
    model = read_orlib(ORLIB / "scp41.txt")
    assert (model.n_rows, model.n_cols) == (200, 1000)
    assert model.col_cost.min() >= 1 and model.col_cost.max() <= 100
    assert np.all(model.row_count >= 1)
    assert len(model.nz_row) == len(model.nz_col)


def test_a_truncated_file_is_named(tmp_path):
    path = tmp_path / "scpbad.txt"
    path.write_text("3 4\n1 1 1 1\n2 1 2\n1 3\n")
    with pytest.raises(OrlibFormatError, match=r"scpbad\.txt: row 3 of 3 missing"):
        read_orlib(path)


@pytest.mark.parametrize(("name", "known"), [("scp41", 429), ("scp42", 512), ("scp45", 512), ("scpe1", 5)])
def test_finds_and_proves_the_known_optimum(name, known):
    model = read_orlib(ORLIB / f"{name}.txt")
    result = solve_cover(model, time_limit_s=60)
    assert result.proven
    (best,) = result.solutions
    assert best.value == known
    assert result.lower_bound == known
    assert model.is_cover(best.columns)
    assert model.evaluate(best.columns) == known


def test_greedy_baseline_is_a_cover_no_better_than_the_optimum():
    model = read_orlib(ORLIB / "scp41.txt")
    greedy = greedy_cover(model)
    assert model.is_cover(greedy.columns)
    assert greedy.value >= 429


def test_time_limit_returns_a_cover_with_a_valid_bound():
    model = read_orlib(ORLIB / "scpd1.txt")
    result = solve_cover(model, time_limit_s=0.3)
    assert not result.proven
    best = result.solutions[0]
    assert model.is_cover(best.columns)
    assert result.lower_bound <= 60 <= best.value


def random_cover(seed: int, m: int, n: int) -> CoverModel:
    rng = np.random.default_rng(seed)
    rows, cols = [], []
    for j in range(n):
        covered = rng.choice(m, size=min(m, int(rng.integers(1, max(2, m // 2) + 1))), replace=False)
        rows.extend(covered.tolist())
        cols.extend([j] * len(covered))
    for i in range(m):  # every row coverable
        j = int(rng.integers(n))
        if not any(r == i and c == j for r, c in zip(rows, cols, strict=True)):
            rows.append(i)
            cols.append(j)
    return CoverModel(m, n, np.array(rows), np.array(cols), rng.integers(1, 20, n).astype(float))


def brute_force_covers(model: CoverModel) -> list[tuple[float, frozenset]]:
    out = []
    for size in range(1, model.n_cols + 1):
        for cols in itertools.combinations(range(model.n_cols), size):
            if model.is_cover(cols):
                out.append((float(model.col_cost[list(cols)].sum()), frozenset(cols)))
    return sorted(out, key=lambda t: t[0])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), m=st.integers(1, 7), n=st.integers(1, 10))
def test_optimum_matches_brute_force(seed, m, n):
    model = random_cover(seed, m, n)
    expected = brute_force_covers(model)[0][0]
    result = solve_cover(model, time_limit_s=30)
    assert result.proven
    assert result.solutions[0].value == expected
    assert model.is_cover(result.solutions[0].columns)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), m=st.integers(2, 6), n=st.integers(2, 9))
def test_k_best_minimal_covers_match_brute_force(seed, m, n):
    model = random_cover(seed, m, n)
    minimal = [(v, s) for v, s in brute_force_covers(model) if model.minimal(tuple(s))]
    result = solve_cover(model, k=3, time_limit_s=30)
    assert result.proven
    assert [s.value for s in result.solutions] == [v for v, _ in minimal[:3]]
    assert len({s.columns for s in result.solutions}) == len(result.solutions)
