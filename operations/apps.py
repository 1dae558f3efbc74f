from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations health"

    def ready(self) -> None:
        # Registered here so readiness never imports operations (the layers run one way).
        from operations import signals  # noqa: F401, PLC0415  (connects its receivers)
        from operations.insight_facts import operations_facts  # noqa: PLC0415
        from operations.insight_rules import FACTS, OPERATIONS_RULES  # noqa: PLC0415
        from readiness.insights import registry  # noqa: PLC0415

        registry.register(*OPERATIONS_RULES)
        registry.register_facts(FACTS, operations_facts)
        from operations.digest import operations_section  # noqa: PLC0415

        registry.register_digest_section(operations_section)
        from operations.demo import seed_metrics  # noqa: PLC0415
        from readiness.demo import register_extension  # noqa: PLC0415

        register_extension(seed_metrics)
