"""Test settings: the real PostgreSQL and Redis of the test machine (scripts/test starts or
reports them), fast password hashing, and no DEBUG so tests see what production shows."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("SECRET_KEY", default="test-secret-key-not-for-production")
DEBUG = False
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cppcc_portal"),
}
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="100000/min"),
        "user": env.str("API_THROTTLE_USER", default="1000000/min"),
    },
}
# Each test process keeps its own cache; tests that change the calendar bump its version.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://cppcc-test")}
