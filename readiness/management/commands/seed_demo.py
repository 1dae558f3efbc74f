from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from readiness.demo import DEMO_PASSWORD, USERS, seed_demo
from readiness.framework_file import FrameworkFileError


class Command(BaseCommand):
    help = "Create the demo portfolio (clouds, partners, users, checklists); existing rows are never changed."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Run even with DEBUG off (the demo users have a published password).")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates users with a published password; it refuses to run with "
                               "DEBUG off. Pass --force if you really mean to seed this database.")
        try:
            report = seed_demo()
        except FrameworkFileError as exc:
            raise CommandError(f"{exc}\nThe demo framework file changed after it was loaded; publish the change "
                               "as a new version in a new file instead of editing a loaded one.") from None
        if report.created:
            made = ", ".join(f"{count} {kind}" for kind, count in sorted(report.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {made}."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        names = ", ".join(user.username for user in USERS[:6])
        self.stdout.write(f"Demo users ({names}, ...) sign in with the password '{DEMO_PASSWORD}' "
                          "(local use only).")
