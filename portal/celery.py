"""The job queue: Celery with Redis as the broker, and celery beat for the schedule.

Without a broker (CELERY_BROKER_URL empty: `make run`, the tests) every task runs in-process at
once, so nothing else needs to be running; `docker-compose.yml` runs a `worker` and a `beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
