"""manage.py load_metrics [FILE]: load the metric catalogue (the default file when none is given)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from operations.catalog_file import DEFAULT_FILE, CatalogFileError, load_catalog_file


class Command(BaseCommand):
    help = "Load a metric catalogue YAML file; loading the same content again changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file: str, **options) -> None:
        try:
            catalog, created = load_catalog_file(file)
        except CatalogFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{catalog}: {'loaded' if created else 'already loaded, nothing changed'}.")
