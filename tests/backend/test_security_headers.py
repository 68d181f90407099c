"""Hardening a security officer checks (OWASP ASVS level 2, BIO): CSP without inline
script, HSTS outside debug, throttling on the real client address, no debug or console
e-mail in the production shape."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from cases.api.throttles import AnonFilingThrottle
from tests.cases.test_filing_api import complaint_body

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["/api/v1/health", "/admin/login/", "/api/v1/docs"])
def test_every_page_has_a_csp_without_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        inline = [s for s in re.findall(r"<script([^>]*)>", html) if "src=" not in s]
        assert inline == [], path


def test_the_api_docs_script_is_served_as_a_file(client):
    script = client.get("/api/v1/docs", {"script": ""})
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]


def test_hsts_on_https_outside_debug(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/api/v1/health", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_new_forwarded_for_header_does_not_escape_the_filing_throttle(anon, monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonFilingThrottle, "THROTTLE_RATES", {"anon-filing": "2/hour"})
    statuses = [
        anon.post(
            "/api/v1/complaints", complaint_body(), HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    cache.clear()


def _settings_in(argv0: str, **environment: str) -> str:
    """DEBUG and the e-mail backend as a process started as ``argv0`` reads them."""
    code = (
        f"import sys; sys.argv = [{argv0!r}]; import os, django; "
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'backend.settings'; "
        "from django.conf import settings; print(settings.DEBUG, settings.EMAIL_BACKEND)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **environment},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return (done.stdout or done.stderr).strip().splitlines()[-1]


@pytest.fixture
def embedded_env():
    """The file make run writes, present as after a `make run` (restored afterwards)."""
    path = ROOT / "embedded.env"
    before = path.read_text() if path.exists() else None
    path.write_text("DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=embedded-only\n")
    yield path
    if before is None:
        path.unlink()
    else:
        path.write_text(before)


def test_only_manage_py_reads_the_embedded_settings(embedded_env):
    assert _settings_in("manage.py").startswith("True")  # make run, runstack
    production = _settings_in("gunicorn", DJANGO_SECRET_KEY="s" * 50)
    assert production == "False django.core.mail.backends.smtp.EmailBackend"
    assert "Set DJANGO_SECRET_KEY" in _settings_in("celery")  # no key: refuses to start


def test_the_console_e_mail_backend_only_in_debug():
    debug = _settings_in("manage.py", DJANGO_DEBUG="true", DJANGO_READ_DOT_ENV="false")
    assert debug == "True django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    "path",
    [
        "/static/admin/css/base.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
    ],
)
def test_static_files_are_served_with_debug_off(client, settings, path):
    """The admin and the API docs are styled in the production shape (WhiteNoise)."""
    assert settings.DEBUG is False
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
