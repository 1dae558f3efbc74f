"""ISO 3166-1 alpha-2 country codes, from pycountry's copy of the standard (no network at run time)."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def iso_country_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_iso_country(code: str) -> bool:
    return code in iso_country_codes()
