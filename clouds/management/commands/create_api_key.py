import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.utils import timezone

from clouds.models import Partner, PartnerAPIKey


class Command(BaseCommand):
    help = "Create a named API key for a partner and print it once (alone, on the last line)."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="Partner slug.")
        parser.add_argument("--name", required=True, help="A name for the key, unique for the partner.")
        parser.add_argument("--expires-in-days", type=int, help="Expire the key after this many days.")

    def handle(self, *args, partner: str, name: str, expires_in_days: int | None = None, **options):
        owner = Partner.objects.filter(slug=partner).first()
        if owner is None:
            raise CommandError(f"No partner with slug {partner!r}.")
        name = name.strip()
        if not name or len(name) > 50:
            raise CommandError("--name must be 1 to 50 characters.")
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        expiry = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
        try:
            api_key, key = PartnerAPIKey.objects.create_key(name=name, partner=owner, expiry_date=expiry)
        except IntegrityError:
            raise CommandError(f"{owner.name} already has a key named {name!r}.") from None
        until = f", expires {expiry:%Y-%m-%d %H:%M %Z}" if expiry else ", no expiry"
        self.stdout.write(f"Created key {api_key.name!r} (prefix {api_key.prefix}) for {owner.name}{until}. "
                          "It is shown once; store it now.")
        self.stdout.write(key)
