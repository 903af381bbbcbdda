"""nDCG@10 of the judged buyer requests (tests/matching/buyer_requests.toml) on the demo territory.

    .venv/bin/python bench/buyer_requests.py [--json]

Needs the demo in the database (``maillage demo``). Builds a throwaway index from the database
in a temporary directory (the real index is left alone), runs every request through the same
path as ``maillage search`` and the API, and judges the results with the rules of the file
(evaluated on the demo profiles, never on a search engine's output). The last line printed
with ``--json`` is ``{"requests": n, "ndcg10": x, "per_request": [...]}``.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.test import override_settings

    from maillage.directory.models import Establishment
    from maillage.matching.index import index_build, reader
    from maillage.matching.search import SearchRequest, search_run
    from tests.matching.buyer_judge import evaluate

    if not Establishment.objects.filter(source="demo").exists():
        sys.exit("Démo absente : lancez « maillage demo » d'abord.")

    def run(request: dict) -> list[str]:
        results = search_run(
            SearchRequest(
                q=request["text"], near=request.get("near"), radius_km=request.get("radius_km"), limit=10
            )
        )
        return [hit.doc_key for hit in results.hits]

    with (
        tempfile.TemporaryDirectory() as directory,
        override_settings(SEARCH_INDEX_DIR=Path(directory) / "index"),
    ):
        reader.reset()
        index_build()
        report = evaluate(run)
        reader.reset()
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for row in report["per_request"]:
        print(f"{row['id']:<34} {row['relevant']:>4} pertinents  nDCG@10 {row['ndcg10']:.3f}")
    print(f"{report['requests']} demandes, nDCG@10 moyen {report['ndcg10']:.3f}")


if __name__ == "__main__":
    main()
