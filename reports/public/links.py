"""Addresses of the public pages, from a pattern reversed once per process.

reverse() walks the URL resolver every time (~20 µs); a list page or a report page with its
links to other years and cities makes dozens of them. The URLconf does not change while the
process runs, so the pattern is reversed once and filled in with str.format.
"""

import functools

from django.urls import reverse

# Values no slug or year can be: replaced by placeholders in the reversed address.
_SLUG, _YEAR = "slug-placeholder-7f3a", 1234567


@functools.cache
def _pattern(name: str, with_year: bool) -> str:
    args = [_SLUG, _YEAR] if with_year else [_SLUG]
    address = reverse(name, args=args).replace(_SLUG, "{0}")
    return address.replace(str(_YEAR), "{1}") if with_year else address


def report_url(slug: str, year: int) -> str:
    return _pattern("public:report_detail", True).format(slug, year)


def municipality_url(slug: str) -> str:
    return _pattern("public:municipality_detail", False).format(slug)
