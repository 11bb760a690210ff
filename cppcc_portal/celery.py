"""The Celery application. Workers and beat start with ``celery -A cppcc_portal …``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc_portal.settings.local")

app = Celery("cppcc_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="core.noop")
def noop() -> None:
    """Does nothing: the floor that benchmarks compare real tasks against."""
