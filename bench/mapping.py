"""Precision and recall of the free-text → taxonomy mapper on the labelled member spellings.

    .venv/bin/python bench/mapping.py [--json] [--errors] [--labelled FILE]

Reads the shipped taxonomy files (no database) and tests/taxonomy/mapping_labelled.csv;
prints the overall and per-column figures, and the time per mapping.
"""

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--errors", action="store_true", help="list texts mapped wrongly or sent to review")
    parser.add_argument("--labelled", type=Path, default=ROOT / "tests/taxonomy/mapping_labelled.csv")
    args = parser.parse_args()

    import django

    django.setup()
    from maillage.taxonomy.loader import read_taxonomy
    from maillage.taxonomy.mapping import AUTO_ACCEPT, TaxonomyMapper, evaluate

    started = time.perf_counter()
    mapper = TaxonomyMapper.from_records(read_taxonomy().nodes.values())
    built = time.perf_counter() - started
    with open(args.labelled, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    started = time.perf_counter()
    reports = evaluate(mapper, rows)
    elapsed = time.perf_counter() - started
    result = {
        "labelled_rows": len(rows),
        "auto_accept_threshold": AUTO_ACCEPT,
        **reports["all"].as_dict(),
        "per_column": {name: r.as_dict() for name, r in reports.items() if name != "all"},
        "build_seconds": round(built, 3),
        "microseconds_per_mapping": round(elapsed / max(len(rows), 1) * 1e6, 1),
    }
    if args.errors:
        for error in reports["all"].errors:
            print(json.dumps(error, ensure_ascii=False), file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
