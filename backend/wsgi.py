"""WSGI entry point (gunicorn backend.wsgi:application)."""

import importlib
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
application = get_wsgi_application()

# The URL configuration imports every view and, through the letters, WeasyPrint: half a
# second that would otherwise fall on a new worker's first request (gunicorn replaces
# each worker every couple of thousand requests), before it takes any.
importlib.import_module(settings.ROOT_URLCONF)
