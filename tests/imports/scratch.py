"""Set up or dump a scratch database in a separate process (for the crash test and the benchmark).

DATABASE_URL=... python -m tests.imports.scratch setup   # migrate + small real referential
DATABASE_URL=... python -m tests.imports.scratch dump    # JSON of what an import wrote
"""

import json
import os
import sys


def main(action: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from maillage.directory.models import Establishment, Organisation
    from maillage.imports.models import ImportRun

    if action == "setup":
        from tests.imports.referential import load_minimal_referential

        call_command("migrate", verbosity=0)
        load_minimal_referential()
    elif action == "dump":
        fields = [
            f.attname
            for f in Establishment._meta.concrete_fields
            if f.attname not in ("id", "organisation_id", "created_at", "updated_at", "last_imported_at")
        ]
        establishments = [
            {**row, "creation_date": str(row["creation_date"]), "siren": row.pop("organisation__siren")}
            for row in Establishment.objects.order_by("siret").values(*fields, "organisation__siren")
        ]
        organisations = list(
            Organisation.objects.order_by("siren").values("siren", "name", "is_active", "legal_category_id")
        )
        runs = list(
            ImportRun.objects.order_by("pk").values(
                "status", "last_committed_line", "batches_committed", "resumed_count", "counts"
            )
        )
        json.dump(
            {"establishments": establishments, "organisations": organisations, "runs": runs}, sys.stdout
        )
    else:
        raise SystemExit(f"unknown action {action!r}")


if __name__ == "__main__":
    main(sys.argv[1])
