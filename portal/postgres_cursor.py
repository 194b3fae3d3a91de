"""The PostgreSQL cursor of the portal: a few hot statements prepared, every other one planned anew.

Each anonymous page view runs a handful of small statements by key: the generations of published
content, a report with its stored body, the links around it, a city, an open-data record.
Prepared once per connection, PostgreSQL skips parsing and planning them: 0.05 ms instead of 0.12
for the generations, 0.18 instead of 0.39 for a report (measured). Preparing everything (psycopg's
automatic prepare_threshold) would also freeze a generic plan for search and the list filters,
whose best plan depends on the words and values searched: a common word is fastest off the
(year, id) index, a rare one through the GIN index, and the generic plan halved search. So only
the statements registered with `portal.db.prepared()` are prepared.
"""

from django.db.backends.postgresql.base import ServerBindingCursor

from .db import PREPARED


class PortalCursor(ServerBindingCursor):
    """Says for every statement whether to prepare it (psycopg's own counting is thereby unused;
    the connection's prepare_threshold must not be None, which would forbid preparing at all)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None:
            prepare = query in PREPARED
        return super().execute(query, params, prepare=prepare, binary=binary)
