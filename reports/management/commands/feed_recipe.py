"""`manage.py feed_recipe items --for powerbi|kusto [--url https://portal.example]`: print the recipe."""

from django.core.management.base import BaseCommand, CommandError

from reports.feed_dictionary import FEEDS
from reports.feed_recipes import kusto_commands, power_query


class Command(BaseCommand):
    help = "Print a Power BI (Power Query M) or Kusto recipe for a BI feed, made from its data dictionary."

    def add_arguments(self, parser):
        parser.add_argument("feed", help=", ".join(FEEDS))
        parser.add_argument("--for", dest="tool", choices=["powerbi", "kusto"], required=True)
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The portal's address.")

    def handle(self, *args, feed, tool, url, **options):
        if feed not in FEEDS:
            raise CommandError(f"Unknown feed {feed!r}; one of {', '.join(FEEDS)}.")
        self.stdout.write(power_query(FEEDS[feed], url) if tool == "powerbi" else kusto_commands(FEEDS[feed]))
