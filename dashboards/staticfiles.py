"""Serves plotly.js from the installed plotly package as static/vendor/plotly.min.js.

No CDN and no copy in the repository: the portal draws with exactly the plotly.js that
matches the Python plotly it builds figures with.
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.contrib.staticfiles.utils import matches_patterns
from django.core.files.storage import FileSystemStorage

PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"
PUBLIC_PATH = "vendor/plotly.min.js"


class PlotlyStorage(FileSystemStorage):
    prefix = "vendor"  # collectstatic puts plotly.min.js under vendor/


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        self.storage = PlotlyStorage(location=str(PACKAGE_DATA))

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path != PUBLIC_PATH:
            return [] if find_all else None
        found = str(PACKAGE_DATA / "plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns):
        if not matches_patterns("plotly.min.js", ignore_patterns or []):
            yield "plotly.min.js", self.storage
