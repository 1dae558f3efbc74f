"""The readiness vocabulary as plain strings, with no Django import.

Item statuses, pillars and finding severities are defined here once: the Django
choices in readiness.choices label them, and the pure rules (readiness.scoring,
readiness.insights.rules) and the queries use them.
"""

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
BLOCKED = "blocked"
DONE = "done"
NOT_APPLICABLE = "not_applicable"

# Open: neither done nor not applicable (README "Readiness scores").
OPEN_STATUSES = (NOT_STARTED, IN_PROGRESS, BLOCKED)

PEOPLE = "people"
PROCESS = "process"
TECHNOLOGY = "technology"
PILLARS = (PEOPLE, PROCESS, TECHNOLOGY)

HIGH = "high"
MEDIUM = "medium"
LOW = "low"
# Most severe first; lists of findings are ordered by this rank everywhere.
SEVERITIES = (HIGH, MEDIUM, LOW)
SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}
