"""Django project: settings, URLs, the Celery app and platform concerns shared by all apps."""

from backend.celery import app as celery_app

__all__ = ["celery_app"]
