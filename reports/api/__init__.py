"""Open data API (read-only, published reports only)."""
