"""Where the tests and benchmarks read the reference and benchmark files (never committed).

One helper for the shared-data folder: ``MAILLAGE_SHARED_DIR`` when set, otherwise the
``shared`` folder beside the repository (``<repo>/../shared``, holding ``data/`` and
``bench/``). The product itself reads official files from a path its user gives
(``maillage load-referential --source``, ``MAILLAGE_REFERENTIAL_SOURCE``), never from here.
"""

import os
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


def shared_path(*parts: str) -> Path:
    """``shared_path("data", "commande_publique")``: a path under the shared-data folder."""
    root = os.environ.get("MAILLAGE_SHARED_DIR") or REPOSITORY.parent / "shared"
    return Path(root).joinpath(*parts)
