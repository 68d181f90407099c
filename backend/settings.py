"""Settings, read from the environment in one place.

Every variable has its default here with a line on what it does. The defaults give the
embedded setup (SQLite file, Celery over kombu's filesystem transport, console e-mail) so
that ``make run`` needs no server; production sets ``DATABASE_URL``,
``CELERY_BROKER_URL``, ``EMAIL_URL`` and a secret key.
"""

import datetime
import os
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
# ``make run`` writes embedded.env (debug on, a random secret key) so that ``manage.py``
# commands work in the embedded setup (runstack's worker and beat inherit it); real
# environment variables always win over it. Only manage.py reads it: a gunicorn or celery
# started directly - the production shape - never runs in debug because of it.
EMBEDDED_ENV = BASE_DIR / "embedded.env"
if (
    env.bool("DJANGO_READ_DOT_ENV", default=True)
    and Path(sys.argv[0]).name == "manage.py"
    and EMBEDDED_ENV.exists()
):
    env.read_env(EMBEDDED_ENV)

# --- Core -----------------------------------------------------------------------------
# Off unless asked for: a forgotten variable must not expose debug pages in production.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Required in production; a fixed development key is only acceptable with DEBUG on.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for development).")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - DEBUG only, see above
# Hosts this service answers for, comma separated.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
# Origins allowed to post forms with a session cookie (the municipality's own site).
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_htmx",
    "mozilla_django_oidc",
    "backend",
    "backend.accounts",
    "backend.outbox",
    "backend.webhooks",
    "backend.processing_log",
    "cases",
    "letters",
    "tracking",
    "subject_rights",
    "workbench",
]

MIDDLEWARE = [
    "backend.logs.RequestIdMiddleware",
    # Writes what the request noted about whose personal data, after its transaction.
    "backend.processing_log.middleware.ProcessingLogMiddleware",
    "backend.security.ContentSecurityPolicyMiddleware",
    # Before anything reads the request: a URL over MAX_URL_BYTES answers 414 problem+json.
    "backend.api.long_urls.UrlLengthLimitMiddleware",
    "backend.api.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (admin, API docs) from the web process itself, with debug off too.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sessions end when left alone and after a working day (backend/accounts/sessions.py).
    "backend.accounts.sessions.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the workbench answers a partial update with the part it replaces.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "backend.api.middleware.ApiVersionHeaderMiddleware",
    # Last, as its documentation asks: answers a locked-out admin login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# What outbox events are about (the platform's outbox names no app: this setting does).
OUTBOX_SUBJECT_MODEL = "cases.Case"
# Roles decide, for a superuser too (backend/accounts/backends.py). Axes first: it refuses
# a locked-out login before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "backend.accounts.backends.RoleBackend",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The ADR forbid trailing slashes; do not redirect to add one.
APPEND_SLASH = False
# A refused CSRF check answers like every other error: problem+json.
CSRF_FAILURE_VIEW = "backend.api.problems.csrf_failure"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The workbench's sign-in (local accounts; the identity provider when configured).
LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:queue"
LOGOUT_REDIRECT_URL = "workbench:login"
# A browser session ends this many seconds after signing in whatever happens (a working
# day), and after SESSION_IDLE_MINUTES without a request before that (BIO 9.4.2: an
# unattended screen at the counter must not stay signed in); backend/accounts/sessions.py.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=9 * 3600)
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Working days left at which a due date in the workbench turns from green to orange.
WORKBENCH_DUE_SOON_DAYS = env.int("WORKBENCH_DUE_SOON_DAYS", default=3)

# Staff sign-in through the municipality's identity provider (OpenID Connect, code flow
# with PKCE; workbench/oidc.py). Off until OIDC_RP_CLIENT_ID is set; local accounts stay.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
# The claim that names the account, the one with the provider's groups, and which group
# gives which role (e.g. "kb-behandelaars=case_handler,juristen=legal_staff").
OIDC_USERNAME_CLAIM = env.str("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="groups")
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})
# A claim with the codes of the teams someone works in; empty: teams are set here.
OIDC_TEAMS_CLAIM = env.str("OIDC_TEAMS_CLAIM", default="")
OIDC_AUTHENTICATE_CLASS = "workbench.oidc.SignInRequestView"
OIDC_CALLBACK_CLASS = "workbench.oidc.SignInCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/werkbank/inloggen?mislukt=1"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "workbench.oidc.MunicipalOIDCBackend"]

# --- Database -------------------------------------------------------------------------
# postgres://user:pass@host:5432/name in production; an SQLite file by default.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # web, worker and beat share the file. WAL lets readers go on while one writes;
    # IMMEDIATE takes the write lock when a transaction begins, so two writers queue on
    # the busy timeout instead of one failing at once with "database is locked" when a
    # read lock cannot be upgraded (SQLite returns SQLITE_BUSY without waiting then).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # Checked before each request's first statement, without a round trip: the socket
    # of a session the server ended has its farewell to read (backend/postgresql/base.py).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "backend.postgresql"
    # A request waits at most this long for a row another one holds (PostgreSQL
    # lock_timeout); then it answers 503 with Retry-After instead of hanging a worker.
    DATABASE_LOCK_TIMEOUT_MS = env.int("DATABASE_LOCK_TIMEOUT_MS", default=10000)
    # The statements this service prepares (backend/prepared.py) are planned once, not on
    # every execution: PostgreSQL's default re-planned the queue page's for each request
    # (0.4 ms of planning for 0.5 ms of running it). Only prepared statements follow this
    # setting; a test holds the queue's generic plans on the open-case indexes.
    DATABASE_PLAN_CACHE_MODE = env.str("DATABASE_PLAN_CACHE_MODE", default="force_generic_plan")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS} -c plan_cache_mode={DATABASE_PLAN_CACHE_MODE}"
    )
# The processing log's records of a read (GET, HEAD) are committed without waiting for
# the disk: a database crash may lose the last fraction of a second of them (never a
# change's record, never part of one). True waits, at a fifth of a queue page's time
# (docs/design.md, decision 28).
PROCESSING_LOG_SYNCHRONOUS_READS = env.bool("PROCESSING_LOG_SYNCHRONOUS_READS", default=False)
# The hot reads' SQL, built once per shape, prepared once per connection on PostgreSQL
# (backend/prepared.py); off behind a pooler in transaction mode.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Outside debug: compressed files with content hashes in their names (collectstatic, run
# when the image is built), cached for a year by browsers.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Attachments and (later) letters; any Django storage backend can replace the default.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"
# Largest request body in bytes (a filing with base64 attachments); larger answers 413.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=32 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Longest URL (path and query) in bytes; longer answers 414 problem+json. Keep it below
# gunicorn's limit_request_line (8,190, gunicorn.conf.py), which answers its own HTML 414.
MAX_URL_BYTES = env.int("MAX_URL_BYTES", default=4096)
# Largest single attachment in bytes.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Most attachments one filing may carry.
ATTACHMENT_MAX_COUNT = env.int("ATTACHMENT_MAX_COUNT", default=10)
# Accepted attachment types; the content is sniffed, the client's claim is not trusted.
ATTACHMENT_ALLOWED_TYPES = env.list(
    "ATTACHMENT_ALLOWED_TYPES",
    default=[
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    ],
)
# Virus scanning with ClamAV's clamd (cases/antivirus.py): tcp://host:3310 or
# unix:///run/clamav/clamd.ctl. Empty: no scanner (attachments wait in quarantine, or
# are served unscanned when ATTACHMENT_SCAN_REQUIRED is off).
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS", default="")
# Seconds to connect to clamd, and for each send and its answer (a scan), before an
# attachment is left in quarantine for the periodic scan.
CLAMD_CONNECT_TIMEOUT = env.float("CLAMD_CONNECT_TIMEOUT", default=2.0)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=15.0)
# After clamd failed, a web process leaves it alone this long (filings go to quarantine).
CLAMD_RETRY_SECONDS = env.int("CLAMD_RETRY_SECONDS", default=30)
# true: an attachment is served only once the scanner found it clean; false: one not (yet)
# scanned is served too (no scanner, by choice). One found infected never.
ATTACHMENT_SCAN_REQUIRED = env.bool("ATTACHMENT_SCAN_REQUIRED", default=True)
# How often beat scans the attachments waiting in quarantine, in seconds.
ATTACHMENT_SCAN_RETRY_SECONDS = env.int("ATTACHMENT_SCAN_RETRY_SECONDS", default=60)

# --- E-mail ---------------------------------------------------------------------------
# smtp://user:pass@host:587 or consolemail:// (default: printed to the console).
# The console only in debug: in production it would put every e-mailed letter, address
# and PDF in the worker's log. Without EMAIL_URL production tries a local mail relay.
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
)
# A hung mail server must not hold a delivery's row lock until the task is killed.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="klachten-bezwaren@gemeente.example")

# --- Celery ---------------------------------------------------------------------------
# redis://, amqp:// or filesystem:// (default: a folder under var/, no server needed).
# (the host names nothing for the filesystem transport; given, kombu does not warn about it)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
# Publishing (a request enqueuing work, beat) tries the broker once, within a second:
# kombu would otherwise retry for ~6 s while a web worker waits. What is not enqueued is
# in the database (outbox, notification rows) and a periodic run picks it up. The
# worker's own connection keeps retrying (broker_connection_retry).
CELERY_BROKER_TRANSPORT_OPTIONS["max_retries"] = 0
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
# The worker logs through LOGGING above (JSON, request id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Results are not needed in production (tasks record their effects in the database);
# the test suite sets one to wait for a real worker.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}  # filled below, once the policy settings are read
# Seconds the readiness check waits for the broker before reporting it down.
BROKER_HEALTH_TIMEOUT = env.float("BROKER_HEALTH_TIMEOUT", default=2.0)

# --- API ------------------------------------------------------------------------------
API_VERSION = "1.0.0"
# Where this service is reached from outside (links in webhooks' dataref, tracking links).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# Webhooks (backend.webhooks): CloudEvents following the NL GOV profile. The source names
# the municipality by its OIN (Organisatie-identificatienummer).
MUNICIPALITY_OIN = env.str("MUNICIPALITY_OIN", default="00000001000000000000")
WEBHOOK_SOURCE = env.str(
    "WEBHOOK_SOURCE", default=f"urn:nld:oin:{MUNICIPALITY_OIN}:systeem:klachten-bezwaren"
)
EVENT_TYPE_PREFIX = env.str("EVENT_TYPE_PREFIX", default="nl.gemeente.klachten-bezwaren")
WEBHOOK_CONNECT_TIMEOUT = env.float("WEBHOOK_CONNECT_TIMEOUT", default=3.0)
WEBHOOK_READ_TIMEOUT = env.float("WEBHOOK_READ_TIMEOUT", default=10.0)
# Failed deliveries are retried with backoff for this long after the event, then
# dead-lettered (visible to administrators, who can replay them).
WEBHOOK_RETRY_HOURS = env.int("WEBHOOK_RETRY_HOURS", default=24)
# Plain http and private or loopback receivers: development and tests only.
WEBHOOK_ALLOW_INSECURE = env.bool("WEBHOOK_ALLOW_INSECURE", default=DEBUG)
# Filings on these channels get their receipt confirmed by the service itself right after
# filing (Awb 6:14, 9:6; cases.consumers); the others keep the handler's step.
AUTO_RECEIPT_CHANNELS = env.list("AUTO_RECEIPT_CHANNELS", default=["web", "integration"])
# Residents' tracking links (cases.tracking): valid while the case is open and this many
# days after it closed; the handler's first name shown on it, or not.
TRACKING_DAYS_AFTER_CLOSING = env.int("TRACKING_DAYS_AFTER_CLOSING", default=365)
TRACKING_SHOW_HANDLER_FIRST_NAME = env.bool("TRACKING_SHOW_HANDLER_FIRST_NAME", default=True)
# Values encrypted at rest (the BSN, backend.encryption): Fernet keys, newest first; the
# blind index's HMAC key. Unset: derived from DJANGO_SECRET_KEY (a deploy check warns).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_INDEX_KEY = env.str("FIELD_INDEX_KEY", default="")
# API tokens (backend.accounts.tokens): days a new token lasts by default, and at most.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backend.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["backend.api.camel.CamelCaseJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["backend.api.camel.CamelCaseJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "backend.api.schema.ScopedAutoSchema",
    "EXCEPTION_HANDLER": "backend.api.problems.problem_exception_handler",
    # The client address for throttling: the connection's own unless this many proxies
    # that add X-Forwarded-For stand in front (then their last entry). Never the whole
    # header: a caller could send a new one with each request and never be throttled.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
    "DEFAULT_THROTTLE_RATES": {
        # Anonymous filing through a public form; generous for a shared municipal proxy.
        "anon-filing": env.str("THROTTLE_ANON_FILING", default="30/hour"),
        # Tracking links, per client address (reading, adding, withdrawing).
        "tracking": env.str("THROTTLE_TRACKING", default="120/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # The representation is chosen by the Accept header (reports: JSON, CSV, PDF), never
    # by a ?format= parameter (an unknown one was a 404).
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Admin logins: a username tried from one address is locked for AXES_COOLOFF_MINUTES after
# AXES_FAILURE_LIMIT failures (ASVS 2.2.1, BIO 9.4.2). Not per username alone: anyone
# could then lock a colleague out. Attempts are kept in the database (shared by every
# web worker); successful logins are not recorded. The log names a client by a keyed
# hash, never the username or address (backend.security.login_client).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "backend.security.client_address"
AXES_CLIENT_STR_CALLABLE = "backend.security.login_client"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address"]

SPECTACULAR_SETTINGS = {
    "TITLE": "Klachten en bezwaren API",
    "DESCRIPTION": (
        "Case handling for complaints (Awb chapter 9) and objections (Awb chapters 6-7) "
        "of a Dutch municipality: filing, queues, assignment and the case timeline."
    ),
    "VERSION": API_VERSION,
    "CONTACT": {
        "name": env.str("API_CONTACT_NAME", default="Team Klachten en Bezwaren"),
        "email": env.str("API_CONTACT_EMAIL", default="api@gemeente.example"),
        "url": env.str("API_CONTACT_URL", default="https://gemeente.example/api"),
    },
    # Relative by default, so Swagger UI calls the host it was loaded from.
    "SERVERS": [{"url": env.str("API_SERVER_URL", default="/api/v1")}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "cases.models.CaseKind",
        "EventKindEnum": "cases.models.EventKind",
        "ChannelEnum": "cases.models.Channel",
        "ContactChannelEnum": "cases.models.ContactChannel",
        "ContactMomentChannelEnum": "cases.models.ContactMomentChannel",
        "DeliveryChannelEnum": "letters.models.DeliveryChannel",
        "DeliveryStateEnum": "letters.models.DeliveryState",
        "ContactOutcomeEnum": "cases.models.ContactOutcome",
        "DecisionOutcomeEnum": "cases.workflows.objection.Outcome",
        "ComplaintHearingWaivedGroundEnum": "cases.workflows.complaint.HearingWaivedGround",
        "ObjectionHearingWaivedGroundEnum": "cases.workflows.objection.HearingWaivedGround",
        "NotHandledGroundEnum": "cases.workflows.complaint.NotHandledGround",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backend.api.schema.camelize_schema",
        "backend.api.schema.add_adr_headers_and_problems",
        "backend.api.schema.close_alternative_schemas",
    ],
}

# --- Case handling policy ---------------------------------------------------------------
# Service norms in the municipality's working days, per case kind (JSON to override):
# first phone contact and the written receipt confirmation.
SERVICE_NORMS = env.json(
    "SERVICE_NORMS",
    default={
        "complaint": {"first_contact": 2, "receipt_confirmation": 3},
        "objection": {"first_contact": 2, "receipt_confirmation": 3},
    },
)
# The municipality's reading where the law is not settled (cases.legal.terms.Interpretation;
# defaults and sources in the README, "Legal interpretations"), e.g.
# '{"suspension_includes_repair_day": true}'. An unknown name stops the service (cases.E001).
LEGAL_INTERPRETATION = env.json("LEGAL_INTERPRETATION", default={})
# Failed calls, each at another time of day (morning, afternoon, evening), before the
# complaint workflow offers contact in writing instead.
COMPLAINT_FAILED_CALLS = env.int("COMPLAINT_FAILED_CALLS", default=2)
# Warn the handler this many working days before a term ends (each once).
DEADLINE_WARNING_DAYS = env.list("DEADLINE_WARNING_DAYS", cast=int, default=[5, 1])
# How often beat runs the deadline sweep, in seconds.
DEADLINE_SWEEP_SECONDS = env.int("DEADLINE_SWEEP_SECONDS", default=15 * 60)
# Most deadlines one sweep handles per stage; the next sweep takes the rest.
DEADLINE_SWEEP_BATCH = env.int("DEADLINE_SWEEP_BATCH", default=1000)
# Retention (subject_rights.retention): every night at 02:30; RETENTION_DRY_RUN only lists.
RETENTION_DRY_RUN = env.bool("RETENTION_DRY_RUN", default=False)
CELERY_BEAT_SCHEDULE["retention"] = {
    "task": "subject_rights.tasks.retention_erase_due",
    "schedule": crontab(hour=2, minute=30),
}
CELERY_BEAT_SCHEDULE["deadlines-sweep"] = {
    "task": "cases.tasks.deadlines_sweep",
    "schedule": DEADLINE_SWEEP_SECONDS,
    # A sweep that could not start in time is replaced by the next one, not queued up.
    "options": {"expires": DEADLINE_SWEEP_SECONDS},
}
# Outbox events are relayed to their consumers (letters, ...) right after commit; this
# starts every consumer's relay for retries that came due and what an outage left behind.
# The processing log's lookup index takes its pending entries in, off the request path
# (backend/processing_log/indexes.py).
CELERY_BEAT_SCHEDULE["processing-log-pending-merge"] = {
    "task": "backend.processing_log.tasks.processing_log_pending_merge",
    "schedule": 60,
    "options": {"expires": 60},
}
CELERY_BEAT_SCHEDULE["outbox-relay"] = {
    "task": "backend.outbox.tasks.outbox_relay_all",
    "schedule": 60,
    "options": {"expires": 60},
}
# Outbox events every consumer is done with are deleted after this many days (what they
# caused - letters, the timeline, webhook deliveries - is kept where it lives).
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=90)
CELERY_BEAT_SCHEDULE["outbox-purge"] = {
    "task": "backend.outbox.tasks.outbox_purge",
    "schedule": crontab(hour=3, minute=30),
}
# Webhook deliveries start right after the fan-out; this sends retries that came due.
CELERY_BEAT_SCHEDULE["webhooks-deliver"] = {
    "task": "backend.webhooks.tasks.webhooks_deliver_all",
    "schedule": 60,
    "options": {"expires": 60},
}
# Letters by e-mail go out right after rendering; this retries any that failed.
CELERY_BEAT_SCHEDULE["letters-send-email"] = {
    "task": "letters.tasks.letters_send_email",
    "schedule": 5 * 60,
    "options": {"expires": 5 * 60},
}
# Letters for post are collected once a working day into one print batch (PDF + list).
LETTERS_PRINT_BATCH_AT = env.str("LETTERS_PRINT_BATCH_AT", default="15:00")
PRINT_DUPLEX = env.bool("LETTERS_PRINT_DUPLEX", default=True)
_batch_hour, _batch_minute = (int(part) for part in LETTERS_PRINT_BATCH_AT.split(":"))
CELERY_BEAT_SCHEDULE["letters-print-batch"] = {
    "task": "letters.tasks.letters_print_batch",
    "schedule": crontab(hour=_batch_hour, minute=_batch_minute, day_of_week="mon-fri"),
}
# Unsent notifications (e.g. the mail server was down) are retried.
CELERY_BEAT_SCHEDULE["deadline-notifications-send"] = {
    "task": "cases.tasks.deadline_notifications_send",
    "schedule": 5 * 60,
    "options": {"expires": 5 * 60},
}
# Attachments the virus scanner could not check when they came in (quarantine).
CELERY_BEAT_SCHEDULE["attachments-scan-pending"] = {
    "task": "cases.tasks.attachments_scan_pending",
    "schedule": ATTACHMENT_SCAN_RETRY_SECONDS,
    "options": {"expires": ATTACHMENT_SCAN_RETRY_SECONDS},
}
# Queue page size by default and at most (pageSize query parameter).
QUEUE_PAGE_SIZE = env.int("QUEUE_PAGE_SIZE", default=25)
QUEUE_MAX_PAGE_SIZE = env.int("QUEUE_MAX_PAGE_SIZE", default=100)
# Text search configuration for PostgreSQL full-text search on cases.
SEARCH_CONFIG = env.str("SEARCH_CONFIG", default="dutch")

# --- Security headers (production) ----------------------------------------------------
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HSTS on HTTPS responses outside debug (a year); behind a TLS-terminating proxy set
# DJANGO_SECURE_PROXY_SSL_HEADER=true so Django knows the request was HTTPS.
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy for every page (admin, API docs): no inline script or style,
# nothing from elsewhere (backend.security).
CONTENT_SECURITY_POLICY = env.str(
    "DJANGO_CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'",
)

# --- Logging --------------------------------------------------------------------------
# Log lines carry ids and references, never names, addresses or free text (AVG).
# One JSON object a line in production (LOG_FORMAT=json), readable lines in debug; every
# line has the request id and who acted (backend.logs), never personal data.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "backend.logs.ContextFilter"},
        "no_query_string": {"()": "backend.logs.NoQueryString"},
        # The net under "never log personal data" (backend/log_scrub.py): on every handler.
        "scrub": {"()": "backend.log_scrub.PersonalDataScrubber"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(actor)s] %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(actor)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "scrub"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django logs the request line of every 4xx, including query strings (search
        # terms may hold names): keep those out; backend.access logs each request.
        "django.request": {"level": "ERROR"},
        # Lockouts and repeated failures (a warning each, the client as a keyed hash).
        "axes": {"level": "WARNING"},
        # The development server's own request lines (backend.access has each request):
        # only its errors, and then the path without the query.
        "django.server": {
            "handlers": ["console"],
            "filters": ["no_query_string"],
            "level": "ERROR",
            "propagate": False,
        },
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Prometheus scrapes /api/v1/metrics with "Authorization: Bearer <METRICS_TOKEN>"; empty
# (the default) turns the endpoint off (404).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Problem details ------------------------------------------------------------------
# Base URI of the problem types in application/problem+json answers.
PROBLEM_TYPE_BASE = env.str(
    "PROBLEM_TYPE_BASE", default="https://klachten-bezwaren.gemeente.example/problems/"
)
# Team code that receives new cases filed without a team (e.g. a resident's web form);
# empty leaves them in the shared intake queue that every handler sees.
DEFAULT_TEAM_BY_KIND = {
    "complaint": env.str("DEFAULT_TEAM_COMPLAINT", default=""),
    "objection": env.str("DEFAULT_TEAM_OBJECTION", default=""),
}

# --- Cache ----------------------------------------------------------------------------
# Shared by throttling; use redis://host:6379/1 when several web processes run.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
