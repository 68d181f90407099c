# syntax=docker/dockerfile:1
#
# Case API image: one image for every role (web, Celery worker, Celery beat, migrate).
# The role is chosen by the command; the default is the web server (gunicorn with the
# settings of gunicorn.conf.py: WEB_CONCURRENCY workers; GUNICORN_CMD_ARGS adds options).
#
#   docker build -t case-api .
#   docker run --rm -e DJANGO_SECRET_KEY=... -e DATABASE_URL=... case-api
#
# Stage 1 (builder) compiles the pinned dependencies into a virtualenv (psycopg2 is built
# from source against libpq, so gcc and libpq-dev live only here) and compiles the
# translations (*.mo files are not committed). Stage 2 (runtime) has only the shared
# libraries: libpq5 for psycopg2, Pango/HarfBuzz and fonts for WeasyPrint.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# --- assets -------------------------------------------------------------------------------
# The workbench's htmx and NL Design System styles from npm (pinned in its lock file),
# vendored as make install does; only the copied files go on.
FROM ${NODE_IMAGE} AS assets
WORKDIR /assets
COPY workbench/assets/package.json workbench/assets/package-lock.json workbench/assets/
COPY scripts/vendor-assets.sh scripts/
RUN cd workbench/assets && npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && cd /assets && bash scripts/vendor-assets.sh

# --- builder ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev gettext \
 && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv

# Dependencies first, so that a change to the code does not rebuild them.
COPY requirements/base.txt /tmp/requirements/base.txt
RUN pip install -r /tmp/requirements/base.txt

WORKDIR /src
COPY . /src
COPY --from=assets /assets/workbench/static/workbench/vendor /src/workbench/static/workbench/vendor
# Same as `manage.py compilemessages`, without importing Django (no Pango needed here).
# hadolint ignore=SC2016
RUN find . -name '*.po' -path '*/LC_MESSAGES/*' -exec sh -c \
      'for po; do msgfmt --check-format -o "${po%.po}.mo" "$po" || exit 1; done' msgfmt {} +

# --- runtime ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=backend.settings \
    DJANGO_READ_DOT_ENV=false \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    WEB_CONCURRENCY=2

# libpq5: psycopg2. Pango, pangoft2, harfbuzz-subset and fonts: WeasyPrint.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpq5 \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-liberation \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# The code stays owned by root (read-only for the app user); only var/ and the media
# folder are writable (Celery beat's schedule file lives in var/).
COPY --from=builder /src /app

# collectstatic only needs settings to import: a throwaway key for this one command.
RUN mkdir -p /app/var /app/staticfiles /data/media \
 && DJANGO_SECRET_KEY=collectstatic-at-build-time-only DJANGO_DEBUG=false \
      python manage.py collectstatic --noinput -v 0 \
 && rm -rf /app/var/* \
 && chown -R app:app /app/var /data/media

USER 10001:10001
EXPOSE 8000

# Workers, timeouts, no access log (backend.logs writes one line a request, without query
# strings): gunicorn.conf.py, read from the working directory.
CMD ["gunicorn", "backend.wsgi:application"]
