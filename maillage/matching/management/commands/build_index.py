"""Build the search index from the database (docs/search.md).

    maillage build-index [--chunk-size N]     full build into a new directory, swapped in atomically
    maillage build-index --changes            only re-index profiles changed since the last build

The index is derived data (the database stays untouched), so there is no dry run. Running web
workers keep reading the previous build until they notice the swap (within half a second).
"""

from django.core.management.base import BaseCommand, CommandError

from maillage.matching.index import index_build, index_link, index_refresh


class Command(BaseCommand):
    help = "Construit l'index de recherche des savoir-faire à partir de la base."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size", type=int, default=None, help="Établissements lus par requête (5 000 par défaut)."
        )
        parser.add_argument(
            "--changes",
            action="store_true",
            help="Ne réindexer que les profils modifiés depuis la dernière construction (journal).",
        )

    def handle(self, *args, chunk_size=None, changes=False, verbosity=1, **options):
        if chunk_size is not None and chunk_size < 1:
            raise CommandError("--chunk-size : un entier positif est attendu.")
        if changes:
            count = index_refresh()
            self.stdout.write(f"{count} établissements réindexés depuis le journal des profils.")
            return

        def progress(n):
            if verbosity:
                self.stdout.write(f"  {n:,} établissements lus…".replace(",", " "))

        report = index_build(chunk_size=chunk_size, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Index construit : {report.documents} établissements en {report.seconds:.1f} s "
                f"({index_link()} → {report.path.name})."
            )
        )
        if report.caught_up:
            self.stdout.write(f"{report.caught_up} profils modifiés pendant la construction, réindexés.")
