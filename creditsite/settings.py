"""Settings for CreditSite, read from the environment through django-environ.

With no variables at all the site runs on a SQLite file, Celery tasks run eagerly
in-process and the cache is local memory: `make run` needs no other service.
``DATABASE_URL`` switches to PostgreSQL (psycopg 3), ``REDIS_URL`` makes Redis the
Celery broker and the cache (``CACHE_URL`` names another cache), ``DJANGO_ENV=production``
requires ``SECRET_KEY``, ``ALLOWED_HOSTS`` and a shared cache and turns on the secure
defaults.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
        if not env.str(required, default=""):
            raise ImproperlyConfigured(f"{required} must be set when DJANGO_ENV=production")
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    # The project's own apps, lowest layer first (docs/architecture.md).
    "core",
    "rules",
    "enterprises",
    "lists",
    "repair",
    "supervision",
    "news",
    "portal",
    "demo",
    "creditsite",  # its management commands (sync_schedules)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "creditsite.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "creditsite.middleware.ContentSecurityPolicyMiddleware",
    "creditsite.throttling.PageThrottleMiddleware",
    # Last, so its process_exception runs first: a database outage is a 503, not a 500.
    "creditsite.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "creditsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.site.site_context",
            ],
        },
    },
]

WSGI_APPLICATION = "creditsite.wsgi.application"

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a seed or a task writes; a busy timeout
    # turns short write contention into a wait instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # An unreachable server fails a request after this many seconds (a 503) instead of
    # holding the worker for the TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # No JIT compilation: it pays off for long analytic queries only, and it costs seconds
    # on the nightly rescoring statement (measured: 4.5 s instead of 1.1 s for 100,000
    # subjects) and milliseconds on costly-looking search plans (docs/benchmarks.md).
    if not env.bool("DATABASE_JIT", default=False):
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# A read replica (e.g. a streaming replica of the primary) for anonymous public reads;
# creditsite/routers.py says what goes there. Unset: one database, no router.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"].setdefault("CONN_HEALTH_CHECKS", True)
    for _option, _value in DATABASES["default"].get("OPTIONS", {}).items():
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(_option, _value)
    # Under tests the replica is the test database itself (same rows).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["creditsite.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "creditsite.routers.ReplicaRoutingMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The cache holds the rate-limit counters and the admin lockout (creditsite/throttling.py,
# creditsite/lockout.py). CACHE_URL (django-environ's cache URL) names it explicitly, e.g.
# redis://host:6379/1 or dbcache://creditsite_cache (the database cache: its table is made
# by `manage.py createcachetable`); otherwise Redis when REDIS_URL is set, else local memory.
CACHE_URL = env.str("CACHE_URL", default="")
# Caches that every process of the site shares. Any other cache counts per process, which
# multiplies every limit by the number of processes: production refuses it (below), and
# /readyz reports whether the cache is shared.
SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "creditsite.cache.DatabaseCache",
)
if CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
        # Django's database cache loses counts (creditsite/cache.py says how); ours does not.
        CACHES["default"]["BACKEND"] = "creditsite.cache.DatabaseCache"
        # Django's default of 300 entries would cull live counters on a busy site.
        CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)
    CACHES["default"].setdefault("KEY_PREFIX", "creditsite")
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "creditsite",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if PRODUCTION and CACHES["default"]["BACKEND"] not in SHARED_CACHE_BACKENDS:
    raise ImproperlyConfigured(
        "REDIS_URL or CACHE_URL must name a cache shared by all processes when "
        f"DJANGO_ENV=production (redis://… or dbcache://<table>), not "
        f"{CACHES['default']['BACKEND']}: the rate limits and the admin lockout count in "
        "the cache, and a per-process cache multiplies each limit by the number of processes"
    )
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    # No broker configured: run tasks in-process so the embedded default needs nothing else.
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Redis hands an unacknowledged message (acks_late: its worker died mid-task) to another
# worker after this many seconds; it must exceed the longest task's run time, or a task
# still running is delivered a second time (docs/operations.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200)
}
# A subject's rescoring request older than this is served by the sweep
# "enterprises.rescore_pending" (its task was lost or failed).
RESCORE_PENDING_AFTER_MINUTES = env.int("RESCORE_PENDING_AFTER_MINUTES", default=10)
# Nightly rescoring: scorable subjects per id-range chunk (one Celery task each).
RESCORE_CHUNK_SUBJECTS = env.int("RESCORE_CHUNK_SUBJECTS", default=200_000)

# --- Auth -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Admin login lockout (creditsite/lockout.py): this many failures of one username from one
# address within the window lock that pair; more from one address lock the address.
ADMIN_LOCKOUT_FAILURES = env.int("ADMIN_LOCKOUT_FAILURES", default=5)
ADMIN_LOCKOUT_IP_FAILURES = env.int("ADMIN_LOCKOUT_IP_FAILURES", default=20)
ADMIN_LOCKOUT_WINDOW_SECONDS = env.int("ADMIN_LOCKOUT_WINDOW_SECONDS", default=15 * 60)
ADMIN_LOCKOUT_SECONDS = env.int("ADMIN_LOCKOUT_SECONDS", default=15 * 60)

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The site's name per language, so a province can brand its deployment (core/site.py):
# titles, the header, the PDF report, e-mails and the admin. SITE_NAME_ZH / SITE_NAME_EN.
SITE_NAME = {
    "zh-hans": env.str("SITE_NAME_ZH", default="信用示范站"),
    "en": env.str("SITE_NAME_EN", default="CreditSite"),
}
# The search box's examples: part of a name, its pinyin, its initials and a code. The
# defaults find the demo's showcase enterprise (demo/subjects.py); a deployment names one
# of its own subjects.
SEARCH_EXAMPLES = {
    "name": env.str("SEARCH_EXAMPLE_NAME", default="示范信用"),
    "pinyin": env.str("SEARCH_EXAMPLE_PINYIN", default="shifanxinyong"),
    "initials": env.str("SEARCH_EXAMPLE_INITIALS", default="sfxy"),
    "uscc": env.str("SEARCH_EXAMPLE_USCC", default="91330106MA2CXD015D"),
}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Credit repair uploads and email (repair app) ------------------------------------------
# Evidence of objections and repair applications: outside STATIC_ROOT and any media root,
# never served by the web server; officials of the case read it through a checked view.
REPAIR_UPLOAD_DIR = Path(env.str("REPAIR_UPLOAD_DIR", default=str(BASE_DIR / "var" / "uploads")))
REPAIR_UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# --- Request body limits (creditsite/bodylimit.py) --------------------------------------
# Refused with 413 from the declared length, before the body is read: the upload views by
# URL name (their files at REPAIR_UPLOAD_MAX_BYTES each, plus Django's allowance for the
# other fields), every other request at the largest of these. The proxy in front must
# refuse larger bodies as well (docs/decisions.md, Uploads).
_FORM_FIELDS_BYTES = 2_621_440  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE
REQUEST_BODY_LIMITS = {
    "repair-new": 4 * REPAIR_UPLOAD_MAX_BYTES + _FORM_FIELDS_BYTES,
    "repair-track": 4 * REPAIR_UPLOAD_MAX_BYTES + _FORM_FIELDS_BYTES,
    "objection-guide": REPAIR_UPLOAD_MAX_BYTES + _FORM_FIELDS_BYTES,
    "api-repair-applications": 4 * REPAIR_UPLOAD_MAX_BYTES + _FORM_FIELDS_BYTES,
    "api-objections": REPAIR_UPLOAD_MAX_BYTES + _FORM_FIELDS_BYTES,
}
REQUEST_BODY_MAX_BYTES = env.int(
    "REQUEST_BODY_MAX_BYTES", default=max(REQUEST_BODY_LIMITS.values())
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware"),
    "creditsite.bodylimit.RequestBodyLimitMiddleware",
)
# EMAIL_URL e.g. smtp+tls://user:password@smtp.example.org:587; console by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CreditSite <noreply@creditsite.local>")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "core.api.handlers.exception_handler",
    # DRF's parsers, but JSON nested past a bound is a 400, not a RecursionError (a 500).
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": None,
    # Scopes and rates are THROTTLE_SCOPES / THROTTLE_RATES below (one rule for API and pages).
    "DEFAULT_THROTTLE_CLASSES": ["creditsite.throttling.ClientRateThrottle"],
    # Proxies in front of the app whose X-Forwarded-For is trusted for the client address;
    # 0 uses REMOTE_ADDR (DRF's default of None would trust a forged X-Forwarded-For).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CreditSite API",
    "DESCRIPTION": "Public credit disclosure API: departments, enterprises, credit records.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Throttling (creditsite/throttling.py) --------------------------------------------------
# The test suite turns it off (tests/conftest.py) so its many requests from one address are
# not counted; the throttling tests turn it back on.
THROTTLE_ENABLED = env.bool("THROTTLE_ENABLED", default=True)
# Per client address (anonymous) or per department token ("department"), "N/s|min|hour|day".
THROTTLE_RATES = {
    "search": env.str("THROTTLE_RATE_SEARCH", default="60/min"),
    "check": env.str("THROTTLE_RATE_CHECK", default="20/min"),
    "report": env.str("THROTTLE_RATE_REPORT", default="10/min"),
    "forms": env.str("THROTTLE_RATE_FORMS", default="10/hour"),
    "department": env.str("THROTTLE_RATE_DEPARTMENT", default="600/min"),
}
# URL name → (scope, methods that count; HEAD counts as GET). Form pages count submissions
# only; the API's submissions share their scope, so an address has one budget for submitting
# objections and repair applications, through the pages and the API together.
THROTTLE_SCOPES = {
    "api-enterprises": ("search", ("GET",)),
    "search": ("search", ("GET",)),
    "api-check": ("check", ("POST",)),
    "check": ("check", ("GET", "POST")),
    "enterprise-report": ("report", ("GET",)),
    "objection-guide": ("forms", ("POST",)),
    "repair-new": ("forms", ("POST",)),
    "api-objections": ("forms", ("POST",)),
    "api-repair-applications": ("forms", ("POST",)),
}

# --- Security ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No script of the site reads the CSRF token from the cookie (forms carry it in a field).
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The site's own templates have no inline script or style: files from this origin only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The admin sets inline styles (and Swagger UI also starts with an inline script).
CONTENT_SECURITY_POLICY_BY_PATH = {
    "/admin/": CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    ),
    "/api/docs/": CONTENT_SECURITY_POLICY.replace(
        "script-src 'self'", "script-src 'self' 'unsafe-inline'"
    ).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Project settings -------------------------------------------------------------------------
# Bulk import runs inside one transaction (all or nothing) at roughly 60–300 rows/s, and
# holds the audit-chain lock meanwhile: keep web uploads to a minute or two. Larger files
# go through `manage.py import_records`, which accepts --max-rows.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
