"""The ``maillage`` console command: Django's management commands with dashed names.

``maillage import-sirene FILE`` runs the ``import_sirene`` management command; every Django
command (``migrate``, ``runserver``, ``createsuperuser``...) is available the same way.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
