"""The `gates` section of a framework file: checked with the rest of the file, stored with it.

    gates:
      - code: go-no-go
        name: Go/no-go
        offset_days: -7          # days from Day 1
        criteria:
          min_score: 90          # 0 to 100, at most one decimal
          no_open_gating: true
          staffing_met: true
          operations_not_critical: false
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml

from launches.choices import Criterion
from launches.gate_changes import describe_gate_changes
from launches.models import GATE_CODE_REGEX, Gate
from readiness.framework_file import Problem, _line, _mapping, _scalar, _text
from readiness.framework_sections import Section

GATE_KEYS = {"code", "name", "offset_days", "criteria"}
FLAG_CRITERIA = (Criterion.NO_OPEN_GATING.value, Criterion.STAFFING_MET.value,
                 Criterion.OPERATIONS_NOT_CRITICAL.value)
_CODE = re.compile(GATE_CODE_REGEX.strip("^$"))
SCORE = re.compile(r"[0-9]{1,3}(\.[0-9])?")


def check_gates(node: yaml.Node, problems: list[Problem]) -> list[dict[str, Any]]:
    """The gates as plain data (min_score as text, so the content hash is exact)."""
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem(_line(node), "'gates' must be a list"))
        return []
    gates: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, gate_node in enumerate(node.value, start=1):
        gate = _check_gate(index, gate_node, seen, problems)
        if gate is not None:
            gates.append(gate)
    return gates


def _check_gate(index: int, node: yaml.Node, seen: dict[str, int], problems: list[Problem]) -> dict | None:
    where = f"gate {index}"
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(_line(node), f"{where} must be a mapping"))
        return None
    before = len(problems)
    fields = _mapping(node, GATE_KEYS, where, problems)
    parent = _line(node)
    code = _text(fields, "code", where, problems, max_length=40, parent_line=parent, pattern=_CODE,
                 hint="must be lowercase words joined by hyphens, such as go-no-go")
    if code is not None:
        if code in seen:
            problems.append(Problem(_line(fields["code"][1]), f"{where}: code {code} is already used on line "
                                                              f"{seen[code]}"))
        else:
            seen[code] = _line(fields["code"][1])
    name = _text(fields, "name", where, problems, max_length=120, parent_line=parent)
    offset = None
    if "offset_days" not in fields:
        problems.append(Problem(parent, f"{where}: missing 'offset_days' (days from Day 1, e.g. -30)"))
    else:
        raw = _scalar(fields["offset_days"][1])
        if not isinstance(raw, int) or isinstance(raw, bool) or not -730 <= raw <= 365:
            problems.append(Problem(_line(fields["offset_days"][1]),
                                    f"{where}: offset_days must be a whole number of days from -730 to 365"))
        else:
            offset = raw
    criteria = _check_criteria(where, fields.get("criteria"), parent, problems)
    if len(problems) > before:
        return None
    return {"code": code, "name": name, "offset_days": offset, "criteria": criteria}


def _check_criteria(where: str, entry, parent: int, problems: list[Problem]) -> dict[str, Any]:
    if entry is None:
        problems.append(Problem(parent, f"{where}: missing 'criteria'"))
        return {}
    node = entry[1]
    if not isinstance(node, yaml.MappingNode) or not node.value:
        problems.append(Problem(_line(node), f"{where}: 'criteria' must be a non-empty mapping"))
        return {}
    fields = _mapping(node, set(Criterion.values), f"{where} criteria", problems)
    criteria: dict[str, Any] = {}
    if Criterion.MIN_SCORE in fields:
        value_node = fields[Criterion.MIN_SCORE][1]
        score = _score(value_node)
        if score is None:
            problems.append(Problem(_line(value_node), f"{where}: min_score must be a number from 0 to 100 "
                                                       "with at most one decimal"))
        else:
            criteria[Criterion.MIN_SCORE.value] = str(score)
    for flag in FLAG_CRITERIA:
        if flag in fields:
            value = _flag(fields[flag][1])
            if value is None:
                problems.append(Problem(_line(fields[flag][1]), f"{where}: {flag} must be true or false"))
            elif value:
                criteria[flag] = True
    if fields and not criteria and len(problems) == 0:
        problems.append(Problem(_line(node), f"{where}: at least one criterion must apply"))
    return criteria


def _score(node: yaml.Node) -> Decimal | None:
    """A plain (unquoted) number such as 90 or 87.5; nothing YAML would read otherwise (0x5A, 9_0)."""
    if not isinstance(node, yaml.ScalarNode) or node.style is not None or not SCORE.fullmatch(node.value):
        return None
    value = Decimal(node.value)
    return value.quantize(Decimal("0.1")) if value <= 100 else None


def _flag(node: yaml.Node) -> bool | None:
    """Exactly true or false (not YAML 1.1's yes/no/on/off)."""
    if isinstance(node, yaml.ScalarNode) and node.style is None and node.value in ("true", "false"):
        return node.value == "true"
    return None


def store_gates(framework, gates: list[dict[str, Any]], user) -> None:
    Gate.objects.bulk_create([
        Gate(framework=framework, position=position, code=gate["code"], name=gate["name"],
             offset_days=gate["offset_days"],
             min_score=Decimal(gate["criteria"][Criterion.MIN_SCORE]) if Criterion.MIN_SCORE in gate["criteria"]
             else None,
             **{flag: gate["criteria"].get(flag, False) for flag in FLAG_CRITERIA})
        for position, gate in enumerate(gates, start=1)
    ])


GATES_SECTION = Section("gates", check_gates, store_gates, describe_gate_changes)
