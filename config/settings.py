"""Portal settings: one module, everything that differs between a laptop and
production read from the environment (see README, "Configuration")."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_database,
    env_decimal,
    env_int,
    env_list,
    env_log_level,
    env_origins,
    env_redis_url,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY
elif len(SECRET_KEY) < 50 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "clouds",
    "readiness",
    "people",
    "operations",
    "launches",
    "dashboards",
    "reports",
]

MIDDLEWARE = [
    "config.body_limit.RequestBodyLimitMiddleware",
    "config.well_formed.WellFormedParametersMiddleware",
    "config.api.rate_headers.RateLimitHeadersMiddleware",
    "config.api.conditional.ApiConditionalGetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.api.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.sessions.IdleSessionMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes), for the portal's and the admin's sign-in alike: after
# LOGIN_FAILURE_LIMIT failures for one username, or from one address, further tries are refused
# (429, a page saying so) for LOGIN_LOCKOUT_MINUTES; administrators unlock in the admin (Axes:
# access attempts) or with `manage.py axes_reset`. Failed sign-ins are kept (access failures).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: with it on, signing in as oneself from an address would
# clear that address's failures against other users, and guessing could go on without end.
AXES_RESET_ON_SUCCESS = False
# The address is the client's, also behind the TLS proxy (config/client_ip.py).
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Idle sessions end: SESSION_IDLE_HOURS after the last request (config/sessions.py keeps it sliding).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 8, minimum=1) * 3600

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = env_time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "dashboards.staticfiles.PlotlyFinder",  # plotly.js from the plotly package, no CDN
]
# Collected static files (hashed names, gzip and brotli copies, cached for a year by browsers):
# in production mode, and under `make run`, which collects them first. Straight from the
# sources otherwise (tests, and editing CSS or JS with STATIC_COLLECTED=false).
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", not DEBUG)
if not STATIC_COLLECTED:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # keeps WhiteNoise quiet before collectstatic
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_AUTOREFRESH = not STATIC_COLLECTED
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "config.staticfiles.CollectedStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Jobs: with no REDIS_URL every task runs in-process, so the portal works with
# nothing but SQLite installed.
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Give up publishing quickly when the broker is down: the edit is saved either
# way and the sweep refreshes stale clouds once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.3}
# A task is acknowledged only once it has finished, so one lost with a killed worker is delivered
# again: by Redis after TASK_VISIBILITY_TIMEOUT seconds (unacknowledged messages go back to the
# queue), or at once when only a pool child died. Every task is idempotent, so a second run is
# harmless. Keep the timeout longer than the slowest task (the daily refresh of every cloud).
TASK_VISIBILITY_TIMEOUT = env_int("TASK_VISIBILITY_TIMEOUT", 300, minimum=1)
# Workers look for such messages every few seconds (kombu's default, every 100 s, would add more
# than a minute to the redelivery).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, TASK_VISIBILITY_TIMEOUT // 5)),
    "unacked_restore_throttle": 1,
}
# The sweep refreshes every stale cloud: the longest a cloud stays stale when a refresh was lost.
SCORE_SWEEP_SECONDS = env_int("SCORE_SWEEP_SECONDS", 60, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-scores": {"task": "readiness.tasks.sweep_stale_scores", "schedule": float(SCORE_SWEEP_SECONDS)},
    "recompute-all-scores-daily": {
        "task": "readiness.tasks.recompute_all_scores",
        "schedule": crontab(hour=0, minute=5),
    },
    "send-digests-daily": {"task": "readiness.tasks.send_daily_digests", "schedule": crontab(hour=6, minute=0)},
    "staffing-checks-daily": {"task": "people.tasks.apply_staffing_checks_daily",
                              "schedule": crontab(hour=0, minute=2)},
    "erase-removed-people-daily": {"task": "people.tasks.erase_removed_people_daily",
                                   "schedule": crontab(hour=1, minute=0)},
    "purge-old-events-daily": {"task": "readiness.tasks.purge_old_events", "schedule": crontab(hour=1, minute=30)},
    "send-webhooks": {"task": "readiness.tasks.send_webhooks", "schedule": 30.0},
}

# Scoring thresholds (README "Readiness scores"); the rounded score is compared.
READINESS_READY_SCORE = env_int("READINESS_READY_SCORE", 90, minimum=0)
READINESS_AT_RISK_SCORE = env_int("READINESS_AT_RISK_SCORE", 70, minimum=0)
if READINESS_AT_RISK_SCORE > READINESS_READY_SCORE or READINESS_READY_SCORE > 100:
    raise ImproperlyConfigured("Need 0 <= READINESS_AT_RISK_SCORE <= READINESS_READY_SCORE <= 100.")
READINESS_GATING_DAYS_BEFORE_DAY1 = env_int("READINESS_GATING_DAYS_BEFORE_DAY1", 14, minimum=0)
READINESS_FORECAST_WINDOW_DAYS = env_int("READINESS_FORECAST_WINDOW_DAYS", 28, minimum=2)
READINESS_FORECAST_MIN_POINTS = env_int("READINESS_FORECAST_MIN_POINTS", 10, minimum=2)
READINESS_FORECAST_MIN_SLOPE = env_decimal("READINESS_FORECAST_MIN_SLOPE", "0.1", minimum=Decimal(0))
# Insight rules (readiness/insights/rules.py); the Day-1 window is READINESS_GATING_DAYS_BEFORE_DAY1.
INSIGHTS_SCORE_DROP_POINTS = env_decimal("INSIGHTS_SCORE_DROP_POINTS", "5", minimum=Decimal(0))
INSIGHTS_SCORE_DROP_DAYS = env_int("INSIGHTS_SCORE_DROP_DAYS", 7, minimum=1)
INSIGHTS_BLOCKED_DAYS = env_int("INSIGHTS_BLOCKED_DAYS", 7, minimum=1)
INSIGHTS_STALE_DAYS = env_int("INSIGHTS_STALE_DAYS", 30, minimum=1)
INSIGHTS_PILLAR_GAP_POINTS = env_decimal("INSIGHTS_PILLAR_GAP_POINTS", "25", minimum=Decimal(0))

# People readiness (people/coverage.py): a screening lasts two years unless its record says
# otherwise; renewals are due this many days before expiry; the coverage forecast looks this far.
SCREENING_VALIDITY_DAYS = env_int("SCREENING_VALIDITY_DAYS", 730, minimum=1)
SCREENING_RENEWAL_DUE_DAYS = env_int("SCREENING_RENEWAL_DUE_DAYS", 90, minimum=1)
SCREENING_RENEWAL_TAKES_DAYS = env_int("SCREENING_RENEWAL_TAKES_DAYS", 60, minimum=1)
COVERAGE_HORIZON_DAYS = env_int("COVERAGE_HORIZON_DAYS", 180, minimum=1)
# A coverage shortfall this close is a high finding even when Day 1 is further away (or past).
STAFFING_SHORTFALL_WARNING_DAYS = env_int("STAFFING_SHORTFALL_WARNING_DAYS", 30, minimum=1)
# Removed people (made inactive) keep their anonymous records; their name and external id are
# erased this many days after they were removed (daily job people.tasks.erase_removed_people).
PEOPLE_RETENTION_DAYS = env_int("PEOPLE_RETENTION_DAYS", 90, minimum=1)

# Operations health (operations/health.py): a value worse than its target but within this share of
# it is "watch", beyond it "breached"; the insight rules' thresholds follow.
OPERATIONS_WATCH_TOLERANCE = env_decimal("OPERATIONS_WATCH_TOLERANCE", "0.10", minimum=Decimal(0))
OPERATIONS_BREACH_DAYS = env_int("OPERATIONS_BREACH_DAYS", 3, minimum=1)
OPERATIONS_BACKLOG_RISE = env_decimal("OPERATIONS_BACKLOG_RISE", "0.25", minimum=Decimal(0))
OPERATIONS_CSAT_DROP = env_decimal("OPERATIONS_CSAT_DROP", "0.3", minimum=Decimal(0))
OPERATIONS_CSAT_DAYS = env_int("OPERATIONS_CSAT_DAYS", 14, minimum=2)
OPERATIONS_SILENT_DAYS = env_int("OPERATIONS_SILENT_DAYS", 3, minimum=1)
OPERATIONS_MAX_BULK_ROWS = 5000

# Launch governance: a waiver may run at most this many days ahead; a gate is "due" this many days
# before its date; the waiver-expiring insight warns this many days ahead.
WAIVER_MAX_DAYS = env_int("WAIVER_MAX_DAYS", 180, minimum=1)
GATE_DUE_WINDOW_DAYS = env_int("GATE_DUE_WINDOW_DAYS", 14, minimum=0)
WAIVER_EXPIRING_DAYS = env_int("WAIVER_EXPIRING_DAYS", 14, minimum=1)

# The partner API's event feed keeps events this many days (at least 90); a client behind that gets 410.
EVENT_RETENTION_DAYS = env_int("EVENT_RETENTION_DAYS", 90, minimum=90)
# Webhooks: an endpoint failing this long is disabled; plain http endpoints only when allowed (development).
WEBHOOK_DISABLE_AFTER_DAYS = env_int("WEBHOOK_DISABLE_AFTER_DAYS", 3, minimum=1)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
# API writes sent with an Idempotency-Key keep their first answer this long (config.api.idempotency).
IDEMPOTENCY_KEEP_HOURS = env_int("IDEMPOTENCY_KEEP_HOURS", 24, minimum=1)

# Daily digests: links are built from SITE_URL; email goes through Django's email framework.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "readiness-portal@localhost")

# /healthz fails when the sweep has not finished for this long (with a broker).
HEALTH_MAX_SWEEP_AGE_SECONDS = env_int("HEALTH_MAX_SWEEP_AGE_SECONDS", 180, minimum=60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Cache: Redis when configured (shared by every web process, used by API throttling), else in-process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "portal",
         "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
        if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# REST API for partner tools (README "REST API for partner tools").
# Every request body, on every route, by declared length and while streaming (config/body_limit.py).
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024, minimum=1024)
API_MAX_BODY_BYTES = MAX_REQUEST_BODY_BYTES
# No route takes files: a multipart file part is refused with a 400, never spooled to disk.
FILE_UPLOAD_HANDLERS = ["config.uploads.RefuseFiles"]
CSRF_FAILURE_VIEW = "config.api.errors.csrf_failure"
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "1200/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", API_THROTTLE_RATE):
    raise ImproperlyConfigured(f"API_THROTTLE_RATE={API_THROTTLE_RATE!r} must look like 1200/min.")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clouds.api.authentication.PartnerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.LimitedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttling.PerClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "EXCEPTION_HANDLER": "config.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": False,  # scores are numbers in JSON
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Support-readiness portal API",
    "DESCRIPTION": (
        "Partner tools read their clouds' checklists and scores and update items. Authenticate with "
        "`Authorization: Api-Key <key>`; a key sees only its partner's clouds."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.api.schema.declare_headers"],
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "readiness.choices.ItemStatus",
        "FindingStatusEnum": [("open", "open"), ("resolved", "resolved")],
        "LevelEnum": "readiness.api.serializers.LEVELS",
        "LevelReasonEnum": "readiness.api.serializers.REASONS",
        "ForecastStatusEnum": "readiness.api.serializers.FORECAST_STATUSES",
        "ForecastReasonEnum": "readiness.api.serializers.FORECAST_REASONS",
        "RowErrorCodeEnum": "config.api.schema.ROW_CODES",
    },
}

# Production hardening: on whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = env_bool("CONTENT_SECURITY_POLICY", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_log_level("LOG_LEVEL", "INFO")},
    # Per-task success lines drown everything else; failures are still logged.
    "loggers": {
        # Lockouts are logged as warnings; each failure is kept in the database (access failures).
        "axes": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
        # Django's own console handler would print every line a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
