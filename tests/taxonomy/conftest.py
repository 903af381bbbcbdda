import shutil
import textwrap
from pathlib import Path

import pytest

from maillage.taxonomy.loader import DATA_DIR, read_taxonomy
from tests.shared_data import shared_path

SHARED_DATA = shared_path("data")

BASE_NODES = """
type = "process"

[[node]]
code = "proc.machining"
label_fr = "Usinage"
label_en = "Machining"
synonyms_fr = ["usinage CN"]
rome = ["H2903"]

[[node]]
code = "proc.machining.milling"
label_fr = "Fraisage"
label_en = "Milling"

[[node]]
code = "proc.machining.milling.5axis"
label_fr = "Fraisage 5 axes"
label_en = "5-axis milling"
synonyms_fr = ["usinage 5 axes"]
"""

BASE_EQUIPMENT = """
type = "equipment"

[[node]]
code = "equip.press"
label_fr = "Presse"
label_en = "Press"
cpv = ["42636000"]
specs = [
  { key = "force", label_fr = "Force", label_en = "Force", unit = "tf", min = 1, max = 100000 },
]

[[node]]
code = "equip.press.hydraulic"
label_fr = "Presse hydraulique"
label_en = "Hydraulic press"
"""

BASE_NAF = """
["25.62B"]  # Mécanique industrielle
"proc.machining" = 0.9
"proc.machining.milling.5axis" = 0.3
"""


class TreeBuilder:
    """A small data directory in tmp_path: the real manifest and units, then the given files."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA_DIR / "manifest.toml", root / "manifest.toml")
        shutil.copy(DATA_DIR / "units.toml", root / "units.toml")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def remove(self, relative: str) -> None:
        (self.root / relative).unlink()

    def read(self):
        return read_taxonomy(self.root)


@pytest.fixture
def tree(tmp_path):
    builder = TreeBuilder(tmp_path / "data")
    builder.write("nodes/process/machining.toml", BASE_NODES)
    builder.write("nodes/equipment/presses.toml", BASE_EQUIPMENT)
    builder.write("naf/c.toml", BASE_NAF)
    return builder


@pytest.fixture(scope="session")
def shipped():
    """The taxonomy files of the repository, parsed once."""
    return read_taxonomy()
