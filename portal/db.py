"""A query that is its own connection health check.

With CONN_HEALTH_CHECKS (settings: a connection kept open between requests may have been cut
by a database restart) Django sends `SELECT 1` before the first query of every request that
reuses a connection. For a page served from the page cache that first query — the generation
of published content (portal/page_cache.py) — is the only one, so the check would double the
cost of the hit. `fetch_one_checking` sends that query on the open connection *as* the check:
if it answers, the connection is fine and Django is told the check is done; if it fails, the
connection is closed and the query runs again on a new one, exactly what the check would have
done. Errors of a database that is really down propagate as usual (the 503 page).
"""

from django.db import connection

# Statements prepared on each PostgreSQL connection (portal/postgres_cursor.py).
PREPARED: set[str] = set()


def prepared(sql: str) -> str:
    """Have `sql` prepared on each connection that runs it (PostgreSQL; elsewhere nothing changes):
    for the few small statements by key that every page view runs."""
    PREPARED.add(sql)
    return sql


def fetch_all_checking(sql: str, params=()) -> list[tuple]:
    """The rows of `sql`, with the connection checked by this very query."""
    if (
        connection.vendor == "postgresql"  # (SQLite has no health check to fold in)
        and connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    ):
        try:
            with connection.connection.cursor() as cursor:  # the driver's own cursor, as is_usable() uses
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        except connection.Database.Error:
            connection.close()  # as a failed health check does; a new connection is made below
        else:
            connection.health_check_done = True
            return rows
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class CompiledQuery:
    """An ORM query compiled to SQL once per process, then run with other values.

    Turning a queryset into SQL (names, joins, filters, the compiler) costs more than a database
    takes to run a simple indexed query; the few queries every cold public page runs are
    compiled once. `build(**samples)` makes the queryset; each sample value must be one that
    appears nowhere else in the query (a sentinel), so that the parameters equal to it can be
    told apart from the query's own constants. Rows come back as the database driver gives
    them: use it for columns without ORM conversions (numbers, text).
    """

    def __init__(self, build, **samples):
        self.build = build
        self.samples = samples
        self._compiled = None

    def _compile(self):
        sql, params = self.build(**self.samples).query.sql_with_params()
        prepared(sql)
        by_value = {value: name for name, value in self.samples.items()}
        slots = [(True, by_value[p]) if p in by_value else (False, p) for p in params]
        missing = set(self.samples) - {name for is_name, name in slots if is_name}
        if missing:
            raise ValueError(f"sample values not found among the query's parameters: {sorted(missing)}")
        return sql, slots

    def rows(self, **values) -> list[tuple]:
        if self._compiled is None:
            self._compiled = self._compile()
        sql, slots = self._compiled
        params = [values[value] if is_name else value for is_name, value in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
