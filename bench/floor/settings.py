"""Settings for the API bench's server: the portal's own, plus the floor view's URL."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor.urls"
