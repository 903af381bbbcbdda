"""Tests and benchmarks find the shared data through one helper, never a path of their own."""

import re

from tests.shared_data import REPOSITORY, shared_path

OWN_PATH = re.compile(r"""/work/shared|["']shared["']\s*/|parent\s*/\s*["']shared""")


def test_shared_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAILLAGE_SHARED_DIR", str(tmp_path))
    assert shared_path("data", "naf") == tmp_path / "data" / "naf"
    monkeypatch.delenv("MAILLAGE_SHARED_DIR")
    assert shared_path("bench") == REPOSITORY.parent / "shared" / "bench"


def test_no_test_nor_benchmark_hard_codes_the_shared_folder():
    helper = REPOSITORY / "tests" / "shared_data.py"
    files = [*(REPOSITORY / "tests").rglob("*.py"), *(REPOSITORY / "bench").rglob("*.py")]
    offenders = [
        str(path.relative_to(REPOSITORY))
        for path in files
        if path != helper and path.name != "test_shared_data.py" and OWN_PATH.search(path.read_text("utf-8"))
    ]
    assert offenders == []
