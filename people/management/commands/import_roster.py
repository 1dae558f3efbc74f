"""manage.py import_roster FILE --user NAME: import a CSV roster as that user (all or nothing)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clouds.choices import ChangeSource
from people.roster_import import RosterRefused, import_roster


class Command(BaseCommand):
    help = ("Import a CSV roster (see README, People readiness): every line creates or updates one person, "
            "matched by employer and external_id; nothing is imported if any line is wrong.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True,
                            help="Import as this user: their scope decides which employers and clouds they may name.")

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
            result = import_roster(data, actor=actor, source=ChangeSource.IMPORT)
        except RosterRefused as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(f"  {error}" for error in exc.errors)) \
                from None
        self.stdout.write(f"{len(result.created)} created, {len(result.updated)} updated, "
                          f"{len(result.unchanged)} unchanged.")
