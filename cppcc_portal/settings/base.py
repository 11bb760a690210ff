"""Settings shared by every environment.

Everything that differs between a laptop demo and a production cluster comes from
environment variables (django-environ). With none set, the portal runs on embedded
defaults: SQLite and a filesystem Celery broker under ``var/``, so the demo needs no server.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("CPPCC_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "rules.apps.AutodiscoverRulesConfig",
    "cppcc_portal.core",
    "members",
    "proposals",
    "consultations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cppcc_portal.urls"
WSGI_APPLICATION = "cppcc_portal.wsgi.application"

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
                "cppcc_portal.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite serialises writers; WAL plus a busy timeout lets the web server, the worker
    # and beat share the demo database without "database is locked" errors. Transactions
    # take the write lock when they begin (IMMEDIATE): a deferred one that reads first and
    # writes later fails at once when another process wrote meanwhile, without waiting for
    # the timeout (select_for_update is a no-op on SQLite).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
         "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Upper bound for spreadsheet imports (members, departments).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20000)

# The cache must be shared by every process (web workers, Celery worker, beat): the working-day
# calendar's version lives there, and throttling counts there. The embedded default is a
# file cache under var/; production uses Redis.
CACHES = {
    "default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}"),
}

# --- Celery -------------------------------------------------------------------------------
# No broker configured: a filesystem transport under var/ gives a real worker process with
# nothing to install. REDIS_URL (or CELERY_BROKER_URL) switches to Redis.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost//")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task whose worker dies is redelivered after this many seconds; it must exceed the
    # longest task run time.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The outbox relay re-publishes work the broker never got or a worker never finished.
OUTBOX_REPUBLISH_AFTER_SECONDS = env.int("OUTBOX_REPUBLISH_AFTER_SECONDS", default=60)
OUTBOX_MAX_FAILURES = env.int("OUTBOX_MAX_FAILURES", default=5)
# Publishing must not hang a web request when the broker is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {
        "task": "core.outbox_relay",
        "schedule": env.float("OUTBOX_RELAY_INTERVAL_SECONDS", default=10.0),
    },
    "handling-sweep-deadlines": {
        "task": "proposals.sweep_deadlines",
        "schedule": env.float("SWEEP_INTERVAL_SECONDS", default=300.0),
    },
    "handling-sweep-unrated": {
        "task": "proposals.sweep_unrated",
        "schedule": 3600.0,
    },
    "information-intake-converted-proposals": {
        "task": "consultations.intake_converted",
        "schedule": env.float("INTAKE_INTERVAL_SECONDS", default=120.0),
    },
    "duty-mark-due": {
        "task": "consultations.duty_mark_due",
        "schedule": 3600.0,
    },
    "duty-sync-dirty": {
        "task": "members.duty_sync_dirty",
        "schedule": env.float("DUTY_SYNC_INTERVAL_SECONDS", default=60.0),
    },
    "notifications-retry-pending": {
        "task": "core.deliveries_retry",
        "schedule": 60.0,
    },
}

# --- Notifications -------------------------------------------------------------------------
# Channels a notification may be delivered through, besides the in-app inbox (which is the
# Notification row itself). Each is a dotted path to a cppcc_portal.core.channels.Channel.
NOTIFICATION_CHANNELS = env.list(
    "NOTIFICATION_CHANNELS", default=["cppcc_portal.core.channels.EmailChannel"]
)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="政协履职平台 <noreply@localhost>")

PORTAL_NAME = env.str("PORTAL_NAME", default="")
# Absolute links in mail and exported documents.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "cppcc_portal.core.api.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "cppcc_portal.core.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cppcc_portal.core.api.errors.exception_handler",
    # Throttles identify clients by REMOTE_ADDR unless this many trusted proxies stand in front
    # (1 behind nginx); a client's own X-Forwarded-For is never believed.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="6000/hour"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CPPCC duty-performance portal API",
    "DESCRIPTION": "政协委员履职平台接口：组织机构、委员、界别、承办单位、委员工作室、工作日历、通知与审计日志。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SectorKindEnum": "members.choices.SectorKind",
        "DepartmentKindEnum": "members.choices.DepartmentKind",
        "MemberRoleEnum": "members.choices.MemberRole",
        "CommitteeRoleKindEnum": "members.choices.CommitteeRoleKind",
        "CalendarDayKindEnum": "cppcc_portal.core.models.CalendarDay.Kind",
        "CaseKindEnum": "proposals.choices.CaseKind",
        "CaseStatusEnum": "proposals.choices.CaseStatus",
        "AssignmentRoleEnum": "proposals.choices.AssignmentRole",
        "AssignmentStatusEnum": "proposals.choices.AssignmentStatus",
        "RequestStatusEnum": "proposals.choices.RequestStatus",
        "OutboxStatusEnum": "cppcc_portal.core.models.OutboxMessage.Status",
        "RatingEnum": "proposals.choices.Rating",
        "ProposalStatusEnum": "proposals.choices.ProposalStatus",
        "CoSignerStatusEnum": "proposals.choices.CoSignerStatus",
        "ProposalKindEnum": "proposals.choices.ProposalKind",
        "SupervisionKindEnum": "proposals.choices.SupervisionKind",
        "BodyKindEnum": "proposals.choices.BodyKind",
        "RatingGivenEnum": [("satisfied", "Satisfied"), ("basically", "Basically satisfied"),
                            ("unsatisfied", "Unsatisfied")],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
