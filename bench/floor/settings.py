"""The floor: a bare Django + DRF app on the same PostgreSQL, served the same way.

One model, a create view and a cursor-paginated list, no authentication, no middleware
beyond what DRF needs. ``bench.http`` measures the service against it in the same run,
so each figure is a ratio that survives a noisy, shared machine.
"""

import os

SECRET_KEY = "floor-benchmark-only"  # noqa: S105 - a throw-away app on loopback
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.contenttypes", "rest_framework", "bench.floor"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.floor.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("FLOOR_DATABASE", "casehandling_bench_floor"),
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        # As the service: each request in one transaction, connections kept for a minute.
        "ATOMIC_REQUESTS": True,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}
