from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness"

    def ready(self) -> None:
        from readiness import signals  # noqa: F401  (connects the receivers)
