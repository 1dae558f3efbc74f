from django.apps import AppConfig

from readiness import checks


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People readiness"

    def ready(self) -> None:
        # Registered here so readiness never imports people (the layers run one way).
        checks.register_check("staffing_coverage", "staffing coverage check")
        from people import signals, staff_writes, tasks  # noqa: F401, PLC0415  (needs the app registry)

        staff_writes.set_checks_enqueuer(tasks.apply_staffing_checks_for.delay)
        from people.insight_facts import staffing_facts  # noqa: PLC0415
        from people.insight_rules import FACTS, PEOPLE_RULES  # noqa: PLC0415
        from readiness.insights import registry  # noqa: PLC0415

        registry.register(*PEOPLE_RULES)
        registry.register_facts(FACTS, staffing_facts)
        from people.digest import renewals_section  # noqa: PLC0415

        registry.register_digest_section(renewals_section)
        # Django's place for wiring: these modules need the app registry, so they cannot be imported
        # at the top of this file. seed_demo calls the extension after seeding the clouds.
        from people.demo import seed_rosters  # noqa: PLC0415
        from readiness.demo import register_extension  # noqa: PLC0415

        register_extension(seed_rosters)
