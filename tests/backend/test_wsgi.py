"""The WSGI entry point is ready before a worker takes its first request."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_application_loads_the_url_configuration():
    """Every view (and WeasyPrint, through the letters) is imported by gunicorn's worker
    when it loads the app, not by the first request it answers."""
    probe = (
        "import sys, backend.wsgi; "
        "print(all(m in sys.modules for m in ('backend.urls', 'letters.urls', 'weasyprint')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.test_settings"}
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip() == "True", done.stderr
