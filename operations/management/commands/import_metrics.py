"""manage.py import_metrics FILE --user NAME: import a metrics CSV as that user (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from operations.csv_import import MetricFileRefused, import_metrics


class Command(BaseCommand):
    help = ("Import daily metric values from a CSV file (cloud,metric,day,value), upserted on cloud, metric and "
            "day; nothing is imported if any line is wrong.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Import as this user: they must report for the clouds.")

    def handle(self, *args, file: Path, user: str, **options) -> None:
        try:
            actor = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {user!r}.") from None
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            result = import_metrics(data, actor=actor)
        except MetricFileRefused as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(f"  {e}" for e in exc.errors)) from None
        self.stdout.write(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
