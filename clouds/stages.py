"""A cloud's lifecycle stages as plain strings, with no Django import.

`clouds.choices.LifecycleStage` labels them for forms and pages; the pure rules
(readiness.scoring, readiness.insights.rules) compare against them directly.
"""

PLANNED = "planned"
BUILDING = "building"
PRE_LAUNCH = "pre_launch"
LAUNCHED = "launched"
RETIRED = "retired"

# Stages before Day 1: the only ones a launch can still be late in.
PRE_LAUNCH_STAGES = frozenset({PLANNED, BUILDING, PRE_LAUNCH})
