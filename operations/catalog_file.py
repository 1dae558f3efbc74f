"""Reading and loading the metric catalogue from its YAML file, like a readiness framework: the
whole file is checked first, every problem reported with its line, and a file with any problem
writes nothing. Loading the same content again changes nothing; a newer version updates the
definitions by code (metrics are never deleted: values refer to them)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.db import transaction

from clouds.models import Cloud
from clouds.stages import RETIRED
from operations.health import DIRECTIONS
from operations.models import METRIC_CODE_REGEX, MetricCatalog, MetricDefinition, MetricUnit
from readiness.snapshots.freshness import mark_stale

DEFAULT_FILE = Path(__file__).resolve().parent / "metrics" / "support-metrics-v1.yaml"
CATALOG_KEYS = {"slug", "name", "version"}
METRIC_KEYS = {"code", "name", "unit", "direction", "key", "whole", "minimum", "maximum", "target", "description"}
REQUIRED = ("code", "name", "unit", "direction")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
NUMBER = re.compile(r"[0-9]+(\.[0-9]{1,3})?")


class CatalogFileError(Exception):
    def __init__(self, source: str, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__(f"{source} was not loaded:\n" + "\n".join(f"  line {line}: {text}" for line, text in problems))


@dataclass(frozen=True)
class MetricSpec:
    code: str
    name: str
    unit: str
    direction: str
    key: bool = False
    whole: bool = False
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None
    target: Decimal | None = None
    description: str = ""


@dataclass(frozen=True)
class CatalogSpec:
    slug: str
    name: str
    version: int
    metrics: tuple[MetricSpec, ...]
    sha256: str


def parse_catalog(text: str, source: str = "<catalog>") -> CatalogSpec:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CatalogFileError(source, [(mark.line + 1 if mark else 1, f"not valid YAML: {exc}")]) from None
    problems: list[tuple[int, str]] = []
    if not isinstance(root, yaml.MappingNode):
        raise CatalogFileError(source, [(1, "the file must be a mapping with 'catalog' and 'metrics'")])
    top = _mapping(root, {"catalog", "metrics"}, "the file", problems)
    header: dict = {}
    if "catalog" not in top or not isinstance(top["catalog"], yaml.MappingNode):
        problems.append((_line(root), "'catalog' must be a mapping with slug, name and version"))
    else:
        fields = _mapping(top["catalog"], CATALOG_KEYS, "'catalog'", problems)
        header = {name: _scalar(fields.get(name)) for name in CATALOG_KEYS}
        if not isinstance(header["slug"], str) or not SLUG.fullmatch(header["slug"]):
            problems.append((_line(top["catalog"]), "'slug' must be lowercase letters, digits and hyphens"))
        if not isinstance(header["name"], str) or not header["name"].strip():
            problems.append((_line(top["catalog"]), "'name' is required"))
        if not isinstance(header["version"], str) or not re.fullmatch(r"[1-9][0-9]{0,5}", header["version"]):
            problems.append((_line(top["catalog"]), "'version' must be a whole number from 1"))
    specs: list[MetricSpec] = []
    if "metrics" not in top or not isinstance(top["metrics"], yaml.SequenceNode) or not top["metrics"].value:
        problems.append((_line(root), "'metrics' must be a non-empty list"))
    else:
        seen: dict[str, int] = {}
        for node in top["metrics"].value:
            spec = _metric(node, seen, problems)
            if spec is not None:
                specs.append(spec)
    if problems:
        raise CatalogFileError(source, sorted(problems))
    content = {"catalog": header, "metrics": [_jsonable(spec) for spec in specs]}
    return CatalogSpec(header["slug"], header["name"], int(header["version"]), tuple(specs),
                       hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest())


def load_catalog_file(path: Path | str = DEFAULT_FILE) -> tuple[MetricCatalog, bool]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogFileError(str(path), [(1, f"cannot be read: {exc}")]) from None
    return load_catalog(parse_catalog(text, str(path)))


def load_catalog(spec: CatalogSpec) -> tuple[MetricCatalog, bool]:
    """Store the catalogue; returns it and whether anything was written."""
    with transaction.atomic():
        existing = MetricCatalog.objects.select_for_update().filter(slug=spec.slug, version=spec.version).first()
        if existing is not None:
            if existing.sha256 != spec.sha256:
                raise CatalogFileError(spec.slug, [(1, f"version {spec.version} is already loaded with other "
                                                       "content; give the changed file a new version")])
            return existing, False
        newest = MetricCatalog.objects.filter(slug=spec.slug).order_by("-version").first()
        if newest is not None and newest.version > spec.version:
            raise CatalogFileError(spec.slug, [(1, f"version {newest.version} is already loaded; "
                                                   f"{spec.version} is older")])
        catalog = MetricCatalog.objects.create(slug=spec.slug, name=spec.name, version=spec.version,
                                               sha256=spec.sha256)
        for position, metric in enumerate(spec.metrics):
            MetricDefinition.objects.update_or_create(code=metric.code, defaults={
                "name": metric.name, "unit": metric.unit, "direction": metric.direction, "key": metric.key,
                "whole": metric.whole, "minimum": metric.minimum, "maximum": metric.maximum,
                "default_target": metric.target, "description": metric.description, "position": position,
                "catalog": catalog})
        # Default targets, key flags and ranges decide health: every cloud's findings follow.
        mark_stale(Cloud.objects.exclude(stage=RETIRED).values_list("pk", flat=True))
    return catalog, True


# -- checking -------------------------------------------------------------------------

def _line(node) -> int:
    return node.start_mark.line + 1


def _scalar(node):
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping(node: yaml.MappingNode, allowed: set[str], where: str, problems: list) -> dict:
    fields = {}
    for key, value in node.value:
        name = _scalar(key)
        if name not in allowed:
            problems.append((_line(key), f"unknown key {name!r} in {where}"))
        elif name in fields:
            problems.append((_line(key), f"{name!r} given twice in {where}"))
        else:
            fields[name] = value
    return fields


def _metric(node, seen: dict[str, int], problems: list) -> MetricSpec | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append((_line(node), "each metric must be a mapping"))
        return None
    line = _line(node)
    fields = _mapping(node, METRIC_KEYS, "a metric", problems)
    before = len(problems)
    values = {name: _scalar(value) for name, value in fields.items()}
    for name in REQUIRED:
        if not values.get(name):
            problems.append((line, f"missing {name!r}"))
    code = values.get("code") or ""
    if code and not re.fullmatch(METRIC_CODE_REGEX, code):
        problems.append((line, f"code {code!r}: use lowercase letters, digits and underscores"))
    elif code in seen:
        problems.append((line, f"code {code!r} is already used on line {seen[code]}"))
    seen.setdefault(code, line)
    if values.get("unit") and values["unit"] not in MetricUnit.values:
        problems.append((line, f"unit must be one of {', '.join(MetricUnit.values)}"))
    if values.get("direction") and values["direction"] not in DIRECTIONS:
        problems.append((line, f"direction must be one of {', '.join(DIRECTIONS)}"))
    flags = {}
    for name in ("key", "whole"):
        raw = values.get(name, "false")
        if raw not in ("true", "false"):
            problems.append((line, f"{name!r} must be true or false"))
        flags[name] = raw == "true"
    numbers: dict[str, Decimal | None] = {}
    for name in ("minimum", "maximum", "target"):
        raw = values.get(name)
        if raw is None:
            numbers[name] = None
            continue
        if not NUMBER.fullmatch(str(raw)):
            problems.append((line, f"{name!r} must be a number such as 95 or 4.3"))
            continue
        try:
            numbers[name] = Decimal(raw)
        except InvalidOperation:
            problems.append((line, f"{name!r} must be a number"))
    minimum = numbers.get("minimum") or Decimal(0)
    maximum, target = numbers.get("maximum"), numbers.get("target")
    if maximum is not None and maximum <= minimum:
        problems.append((line, "'maximum' must be above 'minimum'"))
    if target is not None and (target < minimum or (maximum is not None and target > maximum)):
        problems.append((line, "'target' must be within the metric's range"))
    if len(problems) > before:
        return None
    return MetricSpec(code, values["name"], values["unit"], values["direction"], flags["key"], flags["whole"], minimum,
                      maximum, target, values.get("description") or "")


def _jsonable(spec: MetricSpec) -> dict:
    return {name: (str(value) if isinstance(value, Decimal) else value) for name, value in asdict(spec).items()}
