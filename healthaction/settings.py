"""Django settings, read only from environment variables.

SQLite under ./var/ is the zero-configuration default; PostgreSQL is one
variable away (DATABASE_URL=postgres://user@host:5432/name).
"""

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from healthaction.core import limits
from healthaction.core.env import env_bool, env_float, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("HEALTHACTION_VAR_DIR", str(Path.cwd() / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, else one kept in var/ (never committed)."""
    key = env_str("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "healthaction.core",
    "healthaction.registry",
    "healthaction.plans",
    "healthaction.collection",
    "healthaction.evaluation",
    "healthaction.reports",
    "healthaction.catalogue",
    "healthaction.inspections",
    "healthaction.people",
    "healthaction.web",
    "healthaction.api",
    "healthaction.demo",
]

API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)  # an API token expires this many days after it is issued
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "healthaction.api.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "healthaction.api.pagination.PagePagination",
    "EXCEPTION_HANDLER": "healthaction.api.errors.exception_handler",
    # the API reads JSON (the bulk upload also CSV, the token also a form): what the schema then says it accepts
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # one FilterSet per model (<app>/filtersets.py), shared with the pages; applied after each viewset's scope
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {"user": "6000/hour", "anon": "600/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "healthaction API",
    "DESCRIPTION": "Plans, org units, departments, indicators, targets, due items, values, task reports and evaluation results. "
    "Token authentication (Authorization: Token …) for programs; the same permissions as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our own static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "healthaction.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ValueStatusEnum": "healthaction.core.choices.ValueStatus",
        "TrendEnum": "healthaction.core.choices.Direction",
    },
}
# Uploads (core/limits.py, one place for every limit): a request body other than files at most ROWS_BYTES (the API's
# bulk rows); a file is handed to storage only up to UPLOAD_BYTES while it streams in, the rest is thrown away and
# the form refuses it (core/uploads.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.ROWS_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "healthaction.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files only; media stays behind permission-checked views
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "healthaction.core.security.SecurityHeadersMiddleware",
    "healthaction.core.security.SessionRefreshMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out logins
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins after repeated failures (django-axes)
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

ROOT_URLCONF = "healthaction.urls"
WSGI_APPLICATION = "healthaction.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "healthaction.collection.current.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'healthaction.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits; busy timeout avoids "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # IMMEDIATE: a write transaction takes the lock when it begins, so two writers queue on the busy
        # timeout instead of one failing at once when a read lock cannot be upgraded (Django 5.1+).
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
# Not on every request (a job page polls each second): SessionRefreshMiddleware renews an active user's session
# at most every SESSION_REFRESH_SECONDS, so an idle one still expires SESSION_COOKIE_AGE after their last activity.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 300)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind an HTTPS proxy (docs/deploy.md): HSTS, redirect and the header that says the request was secure.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise scans it at start
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `healthaction serve` sets STATIC_MANIFEST and collects first: WhiteNoise then serves hashed, compressed names
    # with far-future caching. Without it (tests, runserver) names stay plain and need no collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG  # a developer's runserver sees edits without collectstatic
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # uploads are served through views that check permissions

# Background work: django-tasks (Django 6.0's Tasks API) on django-tasks-db's database backend, so the queue lives
# in the same SQLite or PostgreSQL database and needs no other service (docs/deploy.md). JOBS_INLINE=1 runs each
# task in place with the Immediate backend (the tests do, through core.jobs.IMMEDIATE).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    if env_bool("JOBS_INLINE", False)
    else {"BACKEND": "django_tasks_db.DatabaseBackend"}
}
JOB_HEARTBEAT_SECONDS = env_float("JOB_HEARTBEAT_SECONDS", 5)
JOB_STALE_SECONDS = env_float("JOB_STALE_SECONDS", 60)  # no heartbeat for this long: the worker is gone
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 2)
# A worker runs each job in a child process of its own (core/jobchild.py) with this much address space at most and
# for this long at most: a job that crashes or runs out of memory fails with the reason, its worker carries on.
JOB_ISOLATION = env_bool("JOB_ISOLATION", True)
JOB_MEMORY_MB = env_int("JOB_MEMORY_MB", 3072, minimum=0)  # 0: no ceiling; above the document sandbox's 1,536 MB
JOB_TIMEOUT_SECONDS = env_int("JOB_TIMEOUT_SECONDS", 4 * 3600, minimum=1)
# Periodic work run by the worker (core/schedule.py): "off" turns one off, HEALTHACTION_SCHEDULE=off all of them.
SCHEDULE_ENABLED = env_bool("HEALTHACTION_SCHEDULE", True)
SCHEDULE = {
    "reminders": env_str("SCHEDULE_REMINDERS", "daily 07:30"),
    "evaluate": env_str("SCHEDULE_EVALUATE", "daily 02:00"),
    "backup": env_str("SCHEDULE_BACKUP", "weekly sun 03:00"),
    "prune": env_str("SCHEDULE_PRUNE", "daily 04:00"),
}
BACKUP_KEEP = env_int("BACKUP_KEEP", 8)  # scheduled backups kept in var/backups
# Group robots (collection/robots.py) post only to the official WeCom and DingTalk hosts; an operator may add hosts
# (a company's own relay, say), comma separated. HTTPS only, and the address each resolves to must be public.
ROBOT_EXTRA_HOSTS = [h.lower() for h in env_list("ROBOT_EXTRA_HOSTS")]

# One cache for every web process and worker when CACHE_URL names Redis (redis://host:6379/0); else per process.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "healthaction"),
        }
    }
elif CACHE_URL:
    raise ValueError(f"CACHE_URL must be a redis:// address, not {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a page's cached fragments (dashboard, comparison, indicator page) are kept. Their keys change with the data
# (core/pagecache.py), so with a shared cache they can live long; a per-process cache does not see another process's
# changes of reporting activity, so there they live a minute at most.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600 if CACHE_URL else 60)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "healthaction@localhost")

# Job failures and worker events are logged with their traceback whatever DEBUG says (to stderr: gunicorn,
# systemd or docker keep it).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "healthaction": {"level": env_str("HEALTHACTION_LOG_LEVEL", "INFO")},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}
