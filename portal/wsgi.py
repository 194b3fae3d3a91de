import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

# Compiled templates, catalogs, URL maps: once here, inherited by every forked worker.
from portal.warmup import warm_up  # noqa: E402

warm_up()
