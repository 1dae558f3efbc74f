import sys

from django.core.management.base import BaseCommand, CommandError

from clouds.models import Cloud
from readiness.snapshots.recompute import rebuild_history
from readiness.snapshots.refresh import refresh_clouds


class Command(BaseCommand):
    help = ("Recompute today's score snapshots and findings, or rebuild the last DAYS days of history from "
            "item dates first (--since DAYS).")

    def add_arguments(self, parser):
        parser.add_argument("--cloud", help="Cloud slug (default: every cloud).")
        parser.add_argument("--since", type=int, metavar="DAYS",
                            help="Rebuild this many days of history, today included.")

    def handle(self, *args, cloud: str | None = None, since: int | None = None, **options):
        cloud_ids = None
        if cloud is not None:
            match = Cloud.objects.filter(slug=cloud).values_list("pk", flat=True).first()
            if match is None:
                raise CommandError(f"No cloud with slug {cloud!r}.")
            cloud_ids = [match]
        if since is not None and since < 1:
            raise CommandError("--since must be at least 1 day.")
        if since is not None:
            written = rebuild_history(cloud_ids, days=since, progress=self._progress_bar())
            self.stdout.write(self.style.SUCCESS(f"Rebuilt {since} day(s) of history: {written} snapshot rows."))
        result = refresh_clouds(cloud_ids)
        self.stdout.write(self.style.SUCCESS(
            f"Recomputed today's scores and findings of {len(result.cloud_ids)} cloud(s)."))

    def _progress_bar(self):
        if not sys.stdout.isatty():
            return None

        def show(done: int, total: int) -> None:
            width = 30
            filled = width * done // total
            sys.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} clouds")
            if done == total:
                sys.stdout.write("\n")
            sys.stdout.flush()

        return show
