from django.apps import AppConfig

from readiness import checks


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People readiness"

    def ready(self) -> None:
        # Registered here so readiness never imports people (the layers run one way).
        checks.register_check("staffing_coverage", "staffing coverage check")
