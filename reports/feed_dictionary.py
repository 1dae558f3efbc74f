"""The BI feeds' data dictionary: every feed's columns, in order, with their type and meaning.

This is the contract analysts build on (stable within /api/v1/: columns are only ever added at the
end). The README's table, the schema's descriptions and the JSON Lines objects are all made from it,
and a test fails when a feed's rows drift from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from launches.choices import Outcome
from readiness.choices import FindingSeverity, ItemStatus, Level, Pillar, SnapshotScope, WaiverState
from readiness.scoring import FORECAST_LATE, FORECAST_NONE, FORECAST_ON_TRACK

FORECAST_STATUSES = [FORECAST_ON_TRACK, FORECAST_LATE, FORECAST_NONE]

# Column types, as CSV writes them and JSON Lines types them.
INTEGER, DECIMAL, TEXT, DATE, DATETIME, BOOLEAN = "integer", "decimal", "text", "date", "datetime", "boolean"
JSON_TYPES = {INTEGER: "integer", DECIMAL: "number", TEXT: "string", DATE: "string", DATETIME: "string",
              BOOLEAN: "boolean"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    nullable: bool = False


@dataclass(frozen=True)
class Feed:
    name: str
    description: str
    columns: tuple[Column, ...]
    since_column: str | None  # what `updated_since` compares; None: the feed is always whole
    key: tuple[str, ...] = ()  # the columns that name a row: de-duplicate an incremental read on them

    def __post_init__(self) -> None:
        if not self.key or not set(self.key) <= set(self.names):
            raise ValueError(f"feed {self.name}: its key must be some of its columns")

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]


def _one_of(values: Sequence[str]) -> str:
    return "One of " + ", ".join(values) + "."


def _c(name: str, kind: str, description: str, nullable: bool = False) -> Column:
    return Column(name, kind, description, nullable)


FEEDS: dict[str, Feed] = {feed.name: feed for feed in (
    Feed("items", "Checklist items of the clouds' active checklists, one row per item.", (
        _c("item_id", INTEGER, "The item's id (as in /api/v1/items/)."),
        _c("cloud", TEXT, "Cloud slug."),
        _c("framework", TEXT, "Framework slug."),
        _c("framework_version", INTEGER, "Framework version."),
        _c("requirement_code", TEXT, "Requirement code, e.g. PPL-01."),
        _c("title", TEXT, "Requirement title."),
        _c("pillar", TEXT, _one_of(Pillar.values)),
        _c("area", TEXT, "Area within the pillar."),
        _c("weight", INTEGER, "1 (minor) to 5 (critical)."),
        _c("gating", BOOLEAN, "A Day-1 blocker."),
        _c("status", TEXT, _one_of(ItemStatus.values)),
        _c("owner_id", INTEGER, "The owner's user id.", True),
        _c("owner_name", TEXT, "The owner's full name (username if none).", True),
        _c("accountable_partner", TEXT, "Partner slug.", True),
        _c("due_date", DATE, "Due date.", True),
        _c("status_changed_at", DATETIME, "When the status last changed (UTC).", True),
        _c("completed_at", DATETIME, "When it was done (UTC).", True),
        _c("version", INTEGER, "Its version (the API's ETag)."),
        _c("updated_at", DATETIME, "Last change (UTC); what updated_since compares."),
    ), "updated_at", ("item_id",)),
    Feed("snapshots", "Daily scores: one row per cloud, scope and day.", (
        _c("cloud", TEXT, "Cloud slug."),
        _c("day", DATE, "The day scored."),
        _c("scope", TEXT, _one_of(SnapshotScope.values)),
        _c("score", DECIMAL, "0 to 100, one decimal; empty when nothing counts (n/a).", True),
        _c("level", TEXT, _one_of(Level.values) + " (overall rows; empty on pillar rows)"),
        _c("reason", TEXT, "Why that level (overall rows)."),
        _c("counted_count", INTEGER, "Items counted."),
        _c("done_count", INTEGER, "Items done."),
        _c("open_count", INTEGER, "Items open."),
        _c("overdue_count", INTEGER, "Items past due."),
        _c("blocked_count", INTEGER, "Items blocked."),
        _c("open_gating_count", INTEGER, "Gating items open."),
        _c("waived_count", INTEGER, "Open items under a waiver (not counted)."),
        _c("forecast_status", TEXT, _one_of(FORECAST_STATUSES) + " (overall rows)"),
        _c("projected_date", DATE, "When the score is projected to reach 100.", True),
        _c("days_late", INTEGER, "Days past Day 1 of that projection.", True),
        _c("computed_at", DATETIME, "When the row was computed (UTC); what updated_since compares."),
    ), "computed_at", ("cloud", "day", "scope")),
    Feed("findings", "The risk register: open and resolved findings.", (
        _c("finding_id", INTEGER, "The finding's id (as in /api/v1/findings/)."),
        _c("cloud", TEXT, "Cloud slug."),
        _c("rule", TEXT, "The rule that raised it."),
        _c("severity", TEXT, _one_of(FindingSeverity.values)),
        _c("status", TEXT, _one_of(["open", "resolved"])),
        _c("item_count", INTEGER, "Items it names."),
        _c("opened_at", DATETIME, "When it opened (UTC)."),
        _c("resolved_at", DATETIME, "When it resolved (UTC).", True),
        _c("acknowledged_at", DATETIME, "When it was acknowledged (UTC).", True),
        _c("updated_at", DATETIME, "Last change (UTC); what updated_since compares."),
    ), "updated_at", ("finding_id",)),
    Feed("coverage", "Staffing coverage today, one row per cloud and staffing requirement (counts, no names); "
                     "computed when read, so always whole.", (
        _c("cloud", TEXT, "Cloud slug."),
        _c("role", TEXT, "The role required."),
        _c("minimum", INTEGER, "Eligible people required."),
        _c("eligible_today", INTEGER, "Eligible people today."),
        _c("met_today", BOOLEAN, "eligible_today >= minimum."),
        _c("first_shortfall", DATE, "First day within the horizon below the minimum.", True),
        _c("as_of", DATE, "The day computed."),
    ), None, ("cloud", "role")),
    Feed("metrics", "Daily operations metrics, one row per cloud, metric and day.", (
        _c("cloud", TEXT, "Cloud slug."),
        _c("metric", TEXT, "Metric code."),
        _c("unit", TEXT, "The metric's unit."),
        _c("day", DATE, "The day measured."),
        _c("value", DECIMAL, "The value (up to 3 decimals)."),
        _c("updated_at", DATETIME, "Last change (UTC); what updated_since compares."),
    ), "updated_at", ("cloud", "metric", "day")),
    Feed("waivers", "Waivers of the clouds' items, in force or not; few, so always whole.", (
        _c("waiver_id", INTEGER, "The waiver's id (as in /api/v1/waivers/)."),
        _c("cloud", TEXT, "Cloud slug."),
        _c("item_id", INTEGER, "The item waived."),
        _c("requirement_code", TEXT, "Its requirement code."),
        _c("gating", BOOLEAN, "The item is a Day-1 blocker."),
        _c("state", TEXT, _one_of(WaiverState.values) + " (as decided)"),
        _c("in_force", BOOLEAN, "Approved, and today is between its decision and its expiry, on a current item."),
        _c("expires_on", DATE, "The last day it applies."),
        _c("requested_at", DATETIME, "When it was asked for (UTC)."),
        _c("decided_on", DATE, "The day it was approved or rejected.", True),
    ), None, ("waiver_id",)),
    Feed("decisions", "Recorded go/no-go decisions (immutable).", (
        _c("decision_id", INTEGER, "The decision's id (as in /api/v1/decisions/)."),
        _c("cloud", TEXT, "Cloud slug."),
        _c("gate", TEXT, "Gate code."),
        _c("gate_name", TEXT, "Gate name."),
        _c("gate_due_on", DATE, "The gate's date when decided.", True),
        _c("outcome", TEXT, _one_of(Outcome.values)),
        _c("decided_by", TEXT, "Who decided, as recorded."),
        _c("decided_on", DATE, "The day of the decision."),
        _c("decided_at", DATETIME, "When it was recorded (UTC); what updated_since compares."),
        _c("evidence_sha256", TEXT, "SHA-256 of the frozen evidence."),
    ), "decided_at", ("decision_id",)),
)}
