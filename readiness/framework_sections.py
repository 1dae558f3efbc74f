"""Sections of a framework file that apps above readiness define (e.g. launches' `gates`).

An app registers a section in its AppConfig.ready: `check(node, problems)` reads the YAML node
and returns plain, JSON-serialisable data (appending a framework_file.Problem per fault);
`store(framework, data, user)` writes it in the loader's transaction. The content hash covers
the section, so a changed section needs a new framework version like any other change. An upgrade
preview asks `describe(framework, checklists)` for what the section's changes mean per cloud:
{cloud id: [sentences]}, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    name: str
    check: Callable[[Any, list], Any]
    store: Callable[[Any, Any, Any], None]
    describe: Callable[[Any, Any], dict[int, list[str]]] | None = None


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    known = _sections.get(section.name)
    if known is not None and known != section:
        raise ValueError(f"Another app already defines the framework section {section.name!r}.")
    _sections[section.name] = section


def sections() -> dict[str, Section]:
    return dict(_sections)
