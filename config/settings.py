"""dxam settings, read from environment variables (12-factor).

With no environment at all, dxam runs in its embedded mode: a SQLite file in the project folder, grading
tasks run in-process, e-mail printed to the console. Production sets DEBUG=0, SECRET_KEY, DATABASE_URL
(PostgreSQL), CELERY_BROKER_URL (Redis) and the host names; see README.md and docker-compose.yml.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name, default):
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envlist(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dxam-development-only-secret-key-never-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = "dxam"
# The public address of this site, for absolute links sent elsewhere (webhooks' certificate verify_url).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "accounts",
    "exams",
    "grading",
    "certificates",
    "integrations",
    "reviews",
    "analytics",
    "lti",
    "progress",
    "lti_tool",
    "privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Between the CSP and the session middleware: it sees the session cookie and sets the frame policy.
    "lti.middleware.LtiFrameMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Control characters, JSON depth, oversize bodies and slash-less API addresses, before any view.
    "config.hygiene.InputHygieneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections (checked before reuse): opening one costs more than many a request.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts and wait for each other, instead of failing
    # with "database is locked" when two requests save at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    # A file, not memory, so a real Celery worker process started by a test can share the test database;
    # one per test process, so concurrent test runs never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by all processes; rate limits (sign-in, the API) count in their own alias of it, which
# fails open when Redis is down (config.ratelimit).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL},
        "ratelimit": {
            "BACKEND": "config.ratelimit.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// URL, got {CACHE_URL!r}")
else:
    database_cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "dxam_cache"}
    CACHES = {"default": database_cache, "ratelimit": database_cache}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True
# Sessions live in the database: reading one is a primary-key lookup (accounts/sessions.py), and a request
# writes it only when it changed it. Not cached_db: that makes every request depend on Redis (Django writes a
# session back to the cache after reading it from the database, unguarded, so a Redis outage answers 500 to
# every signed-in page, measured with the load test's redis-restart fault), and a logout during an outage
# would leave the cached session alive afterwards.
SESSION_ENGINE = "accounts.sessions"
SESSION_SAVE_EVERY_REQUEST = False
# django-ratelimit wants memcached or django-redis. Django's own RedisCache increments atomically too; the
# database cache of the embedded mode may undercount under heavy concurrency, which a single local
# process never produces. Production sets CACHE_URL.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if CACHE_URL else ["django_ratelimit.E003"])

AUTH_USER_MODEL = "accounts.User"
# Django's ModelBackend only for sessions signed in before AccountBackend existed (see accounts.backends).
AUTHENTICATION_BACKENDS = ["accounts.backends.AccountBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Sign-in attempts allowed per e-mail address and per client address (django-ratelimit rate strings).
LOGIN_RATE_PER_ACCOUNT = os.environ.get("LOGIN_RATE_PER_ACCOUNT", "5/5m")
LOGIN_RATE_PER_IP = os.environ.get("LOGIN_RATE_PER_IP", "30/5m")


def envnetworks(name, default):
    try:
        return [ipaddress.ip_network(item, strict=False) for item in envlist(name, default)]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must list IP addresses or networks (CIDR): {error}") from None


# The reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed when they connect; the
# client address for sign-in limits is then the nearest address they forwarded (config.client_address).
# Empty: X-Forwarded-For is ignored and the client is REMOTE_ADDR.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")
RATELIMIT_IP_META_KEY = "config.client_address.client_address"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.KeyOrSignedIn"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["config.ratelimit.KeyThrottle", "config.ratelimit.LearnerThrottle"],
    # Sized for a class of 500 learners per integration, each autosaving every 2–5 s while typing (about
    # 20 requests a minute), with room for page loads and polling. Previews: per signed-in user.
    "DEFAULT_THROTTLE_RATES": {
        "key": os.environ.get("API_RATE_PER_KEY", "20000/min"),
        "learner": os.environ.get("API_RATE_PER_LEARNER", "120/min"),
        "preview": os.environ.get("API_RATE_PREVIEW", "120/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dxam API",
    "DESCRIPTION": "Practice exams for Matrix Calculus for Data Science & Machine Learning: provision "
    "learners, run attempts, read results and verify certificates. Integrations authenticate with "
    "`Authorization: Bearer <API key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.add_error_responses",
    ],
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail: printed to the console unless an SMTP host is configured.
if email_host := os.environ.get("EMAIL_HOST", ""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": envint("EMAIL_PORT", "587"),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", "true"),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dxam <noreply@dxam.local>")

# Celery: with no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ROUTES = {"grading.*": {"queue": "grading"}}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker restart never stops the worker: it reconnects for ever (no retry limit) ...
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# ... with a consumer that survives a Celery 5.7 bug on the way (config.celery.BrokerRestartSafeConsumer),
# and acknowledgements of tasks that finish after the reconnection that cannot crash it (config.broker) ...
CELERY_WORKER_CONSUMER = "config.celery:BrokerRestartSafeConsumer"
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
# ... and tasks it was running when the connection went are stopped rather than left unacknowledgeable;
# grading is idempotent and the broker (or the sweep) sends them again. Celery 6's default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A publish from a request never waits on a broker that vanished without closing the connection.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_keepalive": True,
    "socket_timeout": 30,
    "socket_connect_timeout": 5,
}

# Security headers. No page loads anything from another origin, so the policy allows only 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    # Behind a TLS-terminating proxy (the usual deployment) the proxy sets this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# One POST /api/v1/bank/import/ may hold at most this many questions (validating each costs time; the
# shipped bank has about 600). Larger banks are imported in several requests or with `manage.py import_bank`.
BANK_IMPORT_MAX_QUESTIONS = envint("BANK_IMPORT_MAX_QUESTIONS", "1000")
# Exams: answers stamped before the deadline are still accepted this many seconds after it (network delays).
EXAM_GRACE_SECONDS = envint("EXAM_GRACE_SECONDS", "30")
# How often an exam page asks whether its deadline moved (an admin's extension) or the attempt ended.
ATTEMPT_STATUS_POLL_SECONDS = envint("ATTEMPT_STATUS_POLL_SECONDS", "20")
# Submitted attempts still ungraded after this many seconds are re-enqueued by the sweep.
GRADING_RETRY_AFTER_SECONDS = envint("GRADING_RETRY_AFTER_SECONDS", "60")
# Grading one answer is stopped after this many seconds and put up for review (a pathological key must not
# hang the attempt's grading task, whose own soft limit is 240 s for up to 40 answers).
GRADING_TIMEOUT_SECONDS = envint("GRADING_TIMEOUT_SECONDS", "5")
if GRADING_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured(f"GRADING_TIMEOUT_SECONDS must be at least 1, got {GRADING_TIMEOUT_SECONDS}")
# Outbound requests (webhooks, LTI platforms) may reach non-public addresses only when this is on: for
# development and tests whose receivers run on this machine (config.outbound).
ALLOW_PRIVATE_OUTBOUND = envbool("ALLOW_PRIVATE_OUTBOUND", "false")
# Webhook deliveries are retried with exponential backoff from this many seconds.
WEBHOOK_RETRY_BASE_SECONDS = envint("WEBHOOK_RETRY_BASE_SECONDS", "10")
# Single-use sign-in links (REST launch links, LTI launches leaving the LMS frame) expire after this long.
SIGN_IN_LINK_SECONDS = envint("SIGN_IN_LINK_SECONDS", "300")
# LTI: after a key rotation the previous key stays published this long (longer than any token it signed,
# and than platforms cache a JWKS); LTI grade passback retries with exponential backoff from this delay.
LTI_KEY_RETIRE_AFTER_SECONDS = envint("LTI_KEY_RETIRE_AFTER_SECONDS", "86400")
LTI_SCORE_RETRY_BASE_SECONDS = envint("LTI_SCORE_RETRY_BASE_SECONDS", "10")
# A platform's JWKS is cached for its Cache-Control max-age, or this long when it sends none.
LTI_JWKS_CACHE_SECONDS = envint("LTI_JWKS_CACHE_SECONDS", "900")
# /healthz reports the worker "stale" when no worker has started a task for this long (beat's sweep gives
# a live worker one every SWEEP_SECONDS).
WORKER_STALE_SECONDS = envint("WORKER_STALE_SECONDS", "60")
CELERY_BEAT_SCHEDULE = {
    "retire-lti-keys": {"task": "lti.tasks.retire_old_keys", "schedule": 3600.0},
    "resend-stale-lti-scores": {"task": "lti.tasks.resend_stale_scores", "schedule": 300.0},
    "resend-due-webhooks": {"task": "integrations.tasks.resend_due_deliveries", "schedule": 30.0},
    "sweep-attempts": {
        "task": "grading.tasks.sweep_attempts",
        # The sweep is what finalizes attempts at their deadline (no ETA task is held for hours on the
        # broker: see README.md, "Capacity and scaling"), so it runs often; it is one indexed query.
        "schedule": float(envint("SWEEP_SECONDS", "15")),
    },
}
