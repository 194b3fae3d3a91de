"""An identifier of what the site's pages are made from: templates, translations, static
files' names. Cached pages and rendered report bodies carry it in their keys, so after a
deployment that changes any of these nothing rendered by the old code is served (the
cache in Redis outlives the processes)."""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings

_SUFFIXES = {".html", ".txt", ".xml", ".mo", ".json", ".py"}


@lru_cache(maxsize=1)
def release_id() -> str:
    base = Path(settings.BASE_DIR)
    roots = [base / "templates", base / "reports" / "templates", *map(Path, settings.LOCALE_PATHS)]
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root:  # the manifest maps static names to hashed ones
        roots.append(Path(static_root) / "staticfiles.json")
    digest = hashlib.sha1()
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in _SUFFIXES)
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
