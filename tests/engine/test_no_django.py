"""The engine is pure: importing and using it never imports Django (statically: the
``engine-pure`` contract of ``pyproject.toml``, tests/test_contracts.py)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, tempfile
from maillage.engine import EngineDocument, EngineIndex, EngineNode, EngineTaxonomy, SearchQuery, Searcher
taxonomy = EngineTaxonomy([
    EngineNode("proc.surface", "process", None, "Traitement de surface", "Surface treatment"),
    EngineNode("proc.surface.anodising", "process", "proc.surface", "Anodisation", "Anodising",
               ["oxydation anodique"]),
])
docs = [EngineDocument("12345678900011", "Alsace Anodisation", description="oxydation anodique",
                       capabilities=[("proc.surface.anodising", "confirmed", "core")])]
index = EngineIndex.build(tempfile.mkdtemp(), taxonomy, docs)
hits = Searcher(index).search(SearchQuery(text="traitement de surface")).hits
assert [hit.doc_key for hit in hits] == ["12345678900011"], hits
loaded = [name for name in sys.modules if name == "django" or name.startswith("django.")]
assert not loaded, loaded
print("pure")
"""


def test_engine_imports_and_searches_without_django():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "pure"
