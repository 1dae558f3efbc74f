"""The launch vocabulary as plain strings (no Django import): decision outcomes, gate states and
criteria. launches.choices labels them; the pure rules in launches.criteria use them."""

GO = "go"
GO_WITH_CONDITIONS = "go_with_conditions"
NO_GO = "no_go"
POSTPONED = "postponed"

UPCOMING = "upcoming"
DUE = "due"
DECIDED = "decided"
OVERDUE = "overdue"
NO_DAY1 = "no_day1"
NOT_RECORDED = "not_recorded"

MIN_SCORE = "min_score"
NO_OPEN_GATING = "no_open_gating"
STAFFING_MET = "staffing_met"
OPERATIONS_NOT_CRITICAL = "operations_not_critical"
