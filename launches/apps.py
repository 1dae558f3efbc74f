from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "launches"
    verbose_name = "Launches"

    def ready(self) -> None:
        # Registered here so lower apps never import launches (the layers run one way).
        from launches.conditions import conditions_section, my_conditions  # noqa: PLC0415
        from launches.gate_file import GATES_SECTION  # noqa: PLC0415
        from launches.insight_facts import launch_insight_facts  # noqa: PLC0415
        from launches.insight_rules import FACTS, LAUNCH_RULES  # noqa: PLC0415
        from readiness.framework_sections import register_section  # noqa: PLC0415
        from readiness.insights import registry  # noqa: PLC0415
        from readiness.my_items_sections import register_my_items_section  # noqa: PLC0415

        register_section(GATES_SECTION)
        registry.register(*LAUNCH_RULES)
        registry.register_facts(FACTS, launch_insight_facts)
        registry.register_digest_section(conditions_section)
        register_my_items_section(my_conditions)
        from launches.demo import seed_launches  # noqa: PLC0415
        from readiness.demo import register_extension  # noqa: PLC0415

        register_extension(seed_launches)
