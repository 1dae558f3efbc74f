from django.core.management.base import BaseCommand, CommandError

from clouds.models import Cloud
from readiness.models import Framework
from readiness.services import ChecklistAlreadyActiveError, start_checklist


class Command(BaseCommand):
    help = ("Start a cloud's checklist on a framework version (newest by default). An active checklist "
            "on another version is archived and its items' state carried over by requirement code.")

    def add_arguments(self, parser):
        parser.add_argument("--cloud", required=True, help="Cloud slug.")
        parser.add_argument("--framework", default="support-readiness", help="Framework slug.")
        # Not --version: Django's commands already use it to print Django's version.
        parser.add_argument("--framework-version", dest="framework_version", type=int,
                            help="Framework version (default: newest loaded).")

    def handle(self, *args, cloud: str, framework: str, framework_version: int | None, **options):
        target_cloud = Cloud.objects.filter(slug=cloud).first()
        if target_cloud is None:
            raise CommandError(f"No cloud with slug {cloud!r}.")
        versions = Framework.objects.filter(slug=framework).order_by("-version")
        if framework_version is not None:
            versions = versions.filter(version=framework_version)
        target = versions.first()
        if target is None:
            raise CommandError(f"No framework {framework!r}" +
                               (f" version {framework_version}" if framework_version else "") +
                               "; load it with `manage.py load_framework PATH`.")
        try:
            checklist = start_checklist(cloud=target_cloud, framework=target, actor=None)
        except ChecklistAlreadyActiveError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Started {target_cloud.name}'s checklist on {target} with {checklist.items.count()} items."
        ))
