from django.core.management.base import BaseCommand, CommandError

from readiness.framework_file import FrameworkFileError, load_framework_file


class Command(BaseCommand):
    help = "Load a readiness framework version from a YAML file (idempotent; a bad file writes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Path of the framework YAML file.")

    def handle(self, *args, path: str, **options):
        try:
            result = load_framework_file(path)
        except FrameworkFileError as exc:
            raise CommandError(str(exc)) from None
        framework = result.framework
        count = framework.requirements.count()
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {framework} with {count} requirements."))
        else:
            self.stdout.write(f"{framework} is already loaded with this content; nothing changed.")
