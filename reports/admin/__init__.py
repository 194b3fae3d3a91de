"""The back office for reports. Every access decision is asked of reports.permissions."""

from . import items, municipality, report  # noqa: F401  (registers the ModelAdmins)
