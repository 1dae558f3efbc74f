from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readiness"
    verbose_name = "Readiness"

    def ready(self) -> None:
        # Django's place for wiring: these modules need the app registry, so they cannot be
        # imported at the top of this file.
        from readiness import signals, tasks  # noqa: F401, PLC0415  (signals connects its receivers)
        from readiness.insights import registry  # noqa: PLC0415
        from readiness.insights.rules import BUILTIN_RULES  # noqa: PLC0415
        from readiness.snapshots import freshness  # noqa: PLC0415
        from readiness.waiver_facts import waiver_facts  # noqa: PLC0415
        from readiness.waiver_rules import FACTS, WAIVER_RULES  # noqa: PLC0415

        registry.register(*BUILTIN_RULES, *WAIVER_RULES)
        registry.register_facts(FACTS, waiver_facts)
        freshness.set_refresh_enqueuer(tasks.refresh_cloud.delay)
        from readiness import events, webhooks  # noqa: PLC0415

        events.on_events(webhooks.queue_deliveries)
        webhooks.set_sender_enqueuer(tasks.send_webhooks.delay)
