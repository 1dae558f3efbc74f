"""Each constant and sum has one definition: a second copy coming back fails here.

The application code (not tests, benchmarks or migrations) is read as Python
syntax, so comments, docstrings, dict keys and row lookups such as row["done"]
do not count; a literal value or expression of the kind below does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from clouds import stages
from launches import terms as launch_terms
from readiness import terms

ROOT = Path(__file__).resolve().parents[2]
APPS = ("clouds", "readiness", "people", "operations", "dashboards", "config")


def app_sources() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def value_literals(tree: ast.AST) -> list[ast.Constant]:
    """String constants used as values: not docstrings, dict keys or subscripts."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            skipped.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Subscript):
            skipped.add(id(node.slice))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node.value))  # docstrings
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped]


VOCABULARIES = {
    "item status": ({terms.NOT_STARTED, terms.IN_PROGRESS, terms.BLOCKED, terms.DONE, terms.NOT_APPLICABLE},
                    "readiness/terms.py"),
    "finding severity": (set(terms.SEVERITIES), "readiness/terms.py"),
    "decision outcome": ({launch_terms.GO, launch_terms.GO_WITH_CONDITIONS, launch_terms.NO_GO,
                          launch_terms.POSTPONED}, "launches/terms.py"),
    "lifecycle stage": ({stages.PLANNED, stages.BUILDING, stages.PRE_LAUNCH, stages.LAUNCHED, stages.RETIRED},
                        "clouds/stages.py"),
}
# The forecast's reason code "launched" is its own word, not the stage.
ALLOWED = {("readiness/scoring.py", "launched")}


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_vocabulary_values_are_written_only_in_their_home(vocabulary):
    values, home = VOCABULARIES[vocabulary]
    found = [
        f"{relative(path)}:{node.lineno} {node.value!r}"
        for path in app_sources() if relative(path) != home
        for node in value_literals(ast.parse(path.read_text(), str(path)))
        if node.value in values and (relative(path), node.value) not in ALLOWED
    ]
    assert found == [], f"{vocabulary} written outside {home}; import it from there instead"


def calls(name: str) -> list[str]:
    return [
        f"{relative(path)}:{node.lineno}"
        for path in app_sources()
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == name
    ]


def keyword_uses(name: str) -> list[str]:
    return [
        f"{relative(path)}:{node.lineno}"
        for path in app_sources()
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.keyword) and node.arg == name
    ]


def test_the_done_and_counted_weight_sums_are_defined_once():
    assert {place.split(":")[0] for place in calls("Sum")} == {"readiness/snapshots/sums.py"}


def test_the_active_checklist_filter_is_a_queryset_method():
    assert {place.split(":")[0] for place in keyword_uses("checklist__is_active")} == {"readiness/models.py"}


def collections_naming(names: set[str]) -> list[str]:
    """Tuples, lists and sets that name every one of `names` (as constants such as ItemStatus.BLOCKED)."""
    found = []
    for path in app_sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                named = {getattr(element, "attr", getattr(element, "id", None)) for element in node.elts}
                if names <= named:
                    found.append(f"{relative(path)}:{node.lineno}")
    return found


def test_the_open_statuses_are_listed_once():
    assert [place.split(":")[0] for place in collections_naming({"NOT_STARTED", "IN_PROGRESS", "BLOCKED"})] == [
        "readiness/terms.py"]


def test_the_pre_launch_stages_are_listed_once():
    assert [place.split(":")[0] for place in collections_naming({"PLANNED", "BUILDING", "PRE_LAUNCH"})] == [
        "clouds/stages.py"]


def test_the_severity_order_is_written_once():
    by_literal_severity = [
        f"{relative(path)}:{node.lineno}"
        for path in app_sources()
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.keyword) and node.arg == "severity" and isinstance(node.value, ast.Constant)
    ]
    assert by_literal_severity == []  # e.g. When(severity="high", then=0): use register.severity_rank()
    assert [place.split(":")[0] for place in collections_naming({"HIGH", "MEDIUM", "LOW"})] == ["readiness/terms.py"]


def test_validation_errors_become_a_dict_in_one_place():
    users = [
        f"{relative(path)}:{node.lineno}"
        for path in app_sources()
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute) and node.attr in ("message_dict", "error_dict")
    ]
    assert {place.split(":")[0] for place in users} == {"readiness/validation.py"}
