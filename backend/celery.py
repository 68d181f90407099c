"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

import backend.logs  # noqa: F401 - the request id travels with every task (its signals)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
