"""Settings for the test suite: the real settings, with test defaults for the environment.

Tests run against PostgreSQL and a real broker (``make test`` starts neither: they must
be up, ``.ci/run`` starts them). Override with DATABASE_URL / CELERY_BROKER_URL.
"""

import os
import tempfile

os.environ["DJANGO_READ_DOT_ENV"] = "false"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/casehandling")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key")
# Webhook receivers in tests listen on loopback over plain http.
os.environ.setdefault("WEBHOOK_ALLOW_INSECURE", "true")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="case-media-"))

from backend.settings import *  # noqa: F403

# Hashing passwords properly is slow by design; tests do not need that.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon-filing": "1000/minute", "tracking": "1000/minute"},
}

# No collectstatic before the tests: static files straight from the apps (WhiteNoise reads
# them through the finders), without the hashed names of the production manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = tempfile.mkdtemp(prefix="case-static-")  # exists (WhiteNoise checks), stays empty

# No virus scanner for the suite at large: attachments are stored pending and served (the
# embedded default without clamd). The scanning tests start their own clamd and turn this
# on (tests/cases/test_attachment_antivirus.py).
ATTACHMENT_SCAN_REQUIRED = False
CLAMD_ADDRESS = ""
