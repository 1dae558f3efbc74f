"""Reading and loading a readiness framework from its YAML file.

The whole file is checked before anything is written; every problem is
reported with its line number, and a file with any problem writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from readiness import checks
from readiness.choices import ChangeSource, Pillar
from readiness.framework_sections import sections
from readiness.models import AREA_REGEX, CHECK_REGEX, REQUIREMENT_CODE_REGEX, Framework, Requirement

FRAMEWORK_KEYS = {"slug", "name", "version", "description"}
REQUIREMENT_KEYS = {"code", "title", "pillar", "area", "weight", "gating", "guidance", "check"}
CHECK_KEYS = {"name", "roles"}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class FrameworkFileError(Exception):
    """The file cannot be loaded; `problems` says where and why."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        listing = "\n".join(f"  {source}, {problem}" for problem in problems)
        super().__init__(f"{source} was not loaded ({len(problems)} problem(s)):\n{listing}")


@dataclass(frozen=True)
class RequirementSpec:
    code: str
    title: str
    pillar: str
    area: str
    weight: int
    gating: bool
    guidance: str
    check: str = ""
    check_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class FrameworkSpec:
    slug: str
    name: str
    version: int
    description: str
    requirements: tuple[RequirementSpec, ...]
    sha256: str
    extra: tuple[tuple[str, Any], ...] = ()  # registered sections (readiness.framework_sections), by name


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    created: bool


def parse_framework(text: str, source: str = "<framework>") -> FrameworkSpec:
    """Check a framework file's text and return its contents, or raise FrameworkFileError."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        raise FrameworkFileError(source, [Problem(line, f"not valid YAML: {reason}")]) from None

    problems: list[Problem] = []
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise FrameworkFileError(source, [Problem(line, "the file must be a mapping with "
                                                        "'framework' and 'requirements'")])
    extra_sections = sections()
    top = _mapping(root, {"framework", "requirements", *extra_sections}, "the file", problems)
    header = top.get("framework")
    header_values: dict[str, Any] = {}
    if header is None:
        problems.append(Problem(root.start_mark.line + 1, "missing 'framework' section"))
    elif not isinstance(header[1], yaml.MappingNode):
        problems.append(Problem(_line(header[1]), "'framework' must be a mapping"))
    else:
        fields = _mapping(header[1], FRAMEWORK_KEYS, "'framework'", problems)
        header_values = _check_header(header[1], fields, problems)

    specs: list[RequirementSpec] = []
    entry = top.get("requirements")
    if entry is None:
        problems.append(Problem(root.start_mark.line + 1, "missing 'requirements' section"))
    elif not isinstance(entry[1], yaml.SequenceNode) or not entry[1].value:
        problems.append(Problem(_line(entry[1]), "'requirements' must be a non-empty list"))
    else:
        seen_codes: dict[str, int] = {}
        for index, node in enumerate(entry[1].value, start=1):
            spec = _check_requirement(index, node, seen_codes, problems)
            if spec is not None:
                specs.append(spec)

    extra = tuple((name, extra_sections[name].check(top[name][1], problems))
                  for name in sorted(extra_sections) if name in top)
    if problems:
        raise FrameworkFileError(source, sorted(problems, key=lambda p: p.line))
    # Hash the content, not the text, so that comments and layout are not "changes"; files
    # without the optional sections keep the hash they were loaded with.
    content = {"framework": header_values, "requirements": [_hashed(spec) for spec in specs], **dict(extra)}
    return FrameworkSpec(
        requirements=tuple(specs),
        sha256=hashlib.sha256(json.dumps(content, sort_keys=True).encode("utf-8")).hexdigest(),
        extra=extra,
        **header_values,
    )


def load_framework_file(path: Path | str, *, actor: Any = None) -> LoadResult:
    """Load a framework file; loading the same file again changes nothing."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileError(str(path), [Problem(1, f"cannot be read: {exc}")]) from None
    return load_framework(parse_framework(text, str(path)), actor=actor, source=str(path))


def load_framework(spec: FrameworkSpec, *, actor: Any = None, source: str = "<framework>") -> LoadResult:
    """Store a checked framework version in one transaction; a loaded version is never changed."""
    with transaction.atomic():
        existing = Framework.objects.select_for_update().filter(slug=spec.slug, version=spec.version).first()
        if existing is not None:
            if existing.source_sha256 == spec.sha256:
                return LoadResult(existing, created=False)
            raise FrameworkFileError(source, [Problem(1, (
                f"version {spec.version} of '{spec.slug}' is already loaded with different content; "
                f"loaded versions are read-only, so publish the change as version {spec.version + 1}"
            ))])
        user = actor if getattr(actor, "is_authenticated", False) else None
        framework = Framework(slug=spec.slug, name=spec.name, version=spec.version, description=spec.description,
                              source_sha256=spec.sha256, loaded_by=user)
        framework._change_source = ChangeSource.IMPORT
        framework._history_user = user
        framework.save()
        bulk_create_with_history(
            [Requirement(framework=framework, position=position, code=r.code, title=r.title,
                         guidance=r.guidance, pillar=r.pillar, area=r.area, weight=r.weight, gating=r.gating,
                         auto_check=r.check, check_roles=",".join(r.check_roles))
             for position, r in enumerate(spec.requirements, start=1)],
            Requirement, default_user=user, custom_historical_attrs={"change_source": ChangeSource.IMPORT},
        )
        registered = sections()
        for name, data in spec.extra:
            registered[name].store(framework, data, user)
    return LoadResult(framework, created=True)


# -- checking helpers -------------------------------------------------------

def _hashed(spec: RequirementSpec) -> dict[str, Any]:
    """What the content hash covers: without the check fields when there is no check, so that
    files written before checks existed keep the hash they were loaded with."""
    values = asdict(spec)
    if not spec.check:
        del values["check"], values["check_roles"]
    return values


def _check_automatic(fields: dict, where: str, problems: list[Problem]) -> tuple[str, tuple[str, ...]]:
    """`check: name` or `check: {name: ..., roles: [...]}`; the name must be a registered check."""
    if "check" not in fields:
        return "", ()
    node = fields["check"][1]
    roles: tuple[str, ...] = ()
    if isinstance(node, yaml.MappingNode):
        parts = _mapping(node, CHECK_KEYS, f"{where} check", problems)
        name = _scalar(parts["name"][1]) if "name" in parts else None
        if "roles" in parts:
            roles_node = parts["roles"][1]
            values = [_scalar(item) for item in roles_node.value] if isinstance(roles_node, yaml.SequenceNode) else []
            if not values or not all(isinstance(v, str) and re.fullmatch(CHECK_REGEX.strip("^$"), v) for v in values):
                problems.append(Problem(_line(roles_node), f"{where}: check roles must be a list of role codes "
                                                           "such as [support_engineer]"))
            else:
                roles = tuple(values)
    else:
        name = _scalar(node)
    if not isinstance(name, str) or not checks.is_registered(name):
        known = ", ".join(checks.names()) or "none is registered"
        problems.append(Problem(_line(node), f"{where}: unknown check {name!r}; known checks: {known}"))
        return "", ()
    return name, roles


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.MappingNode, allowed: set[str], where: str,
             problems: list[Problem]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Key -> (key node, value node), reporting unknown and repeated keys."""
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in allowed:
            problems.append(Problem(_line(key_node), f"unknown key {key!r} in {where}; "
                                                     f"expected {', '.join(sorted(allowed))}"))
        elif key in fields:
            problems.append(Problem(_line(key_node), f"key {key!r} is repeated in {where}"))
        else:
            fields[key] = (key_node, value_node)
    return fields


class _Unreadable:
    """A scalar whose tag or value YAML cannot construct (e.g. `!!int "abc"`)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"an unreadable value ({self.reason})"


def _scalar(node: yaml.Node) -> Any:
    """The Python value of a scalar node, as yaml.safe_load would give it."""
    if not isinstance(node, yaml.ScalarNode):
        return node  # not a scalar: callers report it by type
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
        return _Unreadable(getattr(exc, "problem", None) or exc.__class__.__name__)


def _text(fields: dict, key: str, where: str, problems: list[Problem], *, max_length: int,
          parent_line: int, pattern: re.Pattern[str] | None = None, hint: str = "") -> str | None:
    if key not in fields:
        problems.append(Problem(parent_line, f"{where}: missing '{key}'"))
        return None
    node = fields[key][1]
    value = _scalar(node)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(_line(node), f"{where}: '{key}' must be non-empty text"))
        return None
    value = value.strip()
    if len(value) > max_length:
        problems.append(Problem(_line(node), f"{where}: '{key}' is longer than {max_length} characters"))
        return None
    if pattern is not None and not pattern.fullmatch(value):
        problems.append(Problem(_line(node), f"{where}: '{key}' {value!r} {hint}"))
        return None
    return value


def _check_header(node: yaml.MappingNode, fields: dict, problems: list[Problem]) -> dict[str, Any]:
    parent = _line(node)
    values: dict[str, Any] = {
        "slug": _text(fields, "slug", "framework", problems, max_length=60, parent_line=parent,
                      pattern=SLUG_PATTERN, hint="must be lowercase words joined by hyphens"),
        "name": _text(fields, "name", "framework", problems, max_length=160, parent_line=parent),
        "description": "",
        "version": None,
    }
    if "description" in fields:
        description = _scalar(fields["description"][1])
        if not isinstance(description, str):
            problems.append(Problem(_line(fields["description"][1]), "framework: 'description' must be text"))
        else:
            values["description"] = description.strip()
    if "version" not in fields:
        problems.append(Problem(parent, "framework: missing 'version'"))
    else:
        version = _scalar(fields["version"][1])
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            problems.append(Problem(_line(fields["version"][1]),
                                    f"framework: 'version' must be a positive integer, got {version!r}"))
        else:
            values["version"] = version
    return values


def _check_requirement(index: int, node: yaml.Node, seen_codes: dict[str, int],
                       problems: list[Problem]) -> RequirementSpec | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(_line(node), f"requirement {index} must be a mapping"))
        return None
    before = len(problems)
    fields = _mapping(node, REQUIREMENT_KEYS, f"requirement {index}", problems)
    parent = _line(node)
    code_value = _scalar(fields["code"][1]) if "code" in fields else None
    where = f"requirement {index}" + (f" ({code_value})" if isinstance(code_value, str) else "")

    code = _text(fields, "code", where, problems, max_length=12, parent_line=parent,
                 pattern=re.compile(REQUIREMENT_CODE_REGEX.strip("^$")),
                 hint="must look like PPL-04 (three capital letters, a hyphen, two or three digits)")
    if code is not None:
        if code in seen_codes:
            problems.append(Problem(_line(fields["code"][1]),
                                    f"{where}: code {code} is already used on line {seen_codes[code]}"))
        else:
            seen_codes[code] = _line(fields["code"][1])
    title = _text(fields, "title", where, problems, max_length=200, parent_line=parent)
    guidance = _text(fields, "guidance", where, problems, max_length=2000, parent_line=parent)
    pillar = _text(fields, "pillar", where, problems, max_length=20, parent_line=parent,
                   pattern=re.compile("|".join(Pillar.values)),
                   hint=f"is not a pillar; use one of {', '.join(Pillar.values)}")
    area = _text(fields, "area", where, problems, max_length=40, parent_line=parent,
                 pattern=re.compile(AREA_REGEX.strip("^$")),
                 hint="must be a lowercase slug such as 'staffing' or 'incident-communication'")

    weight = None
    if "weight" not in fields:
        problems.append(Problem(parent, f"{where}: missing 'weight'"))
    else:
        raw = _scalar(fields["weight"][1])
        if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= 5:
            shown = raw if not isinstance(raw, yaml.Node) else "a nested value"
            problems.append(Problem(_line(fields["weight"][1]),
                                    f"{where}: weight must be an integer from 1 to 5, got {shown!r}"))
        else:
            weight = raw

    gating = False
    if "gating" not in fields:
        problems.append(Problem(parent, f"{where}: missing 'gating' (true or false)"))
    else:
        raw = _scalar(fields["gating"][1])
        if not isinstance(raw, bool):
            problems.append(Problem(_line(fields["gating"][1]), f"{where}: gating must be true or false"))
        else:
            gating = raw

    check, check_roles = _check_automatic(fields, where, problems)

    if len(problems) > before:
        return None
    assert code and title and guidance and pillar and area and weight is not None
    return RequirementSpec(code=code, title=title, pillar=pillar, area=area, weight=weight,
                           gating=gating, guidance=guidance, check=check, check_roles=check_roles)
