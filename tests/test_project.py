"""Project-wide checks: migrations match the models, every scheduled task exists, and no
file carries a path of one particular machine."""

from __future__ import annotations

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from cppcc_portal.celery import app as celery_app

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)  # exits non-zero on a missing migration

    assert out.getvalue().strip() == "No changes detected"


def test_every_scheduled_task_is_registered():
    celery_app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert scheduled - set(celery_app.tasks) == set()


def test_task_names_are_explicit():
    celery_app.loader.import_default_modules()
    ours = [name for name in celery_app.tasks if not name.startswith("celery.")]

    assert sorted(n for n in ours if n.split(".")[0] not in {"core", "members", "proposals", "consultations"}) == []


def test_no_file_names_a_machine_specific_path():
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                             capture_output=True, text=True, check=True).stdout.split()
    needle = str(REPO)
    offenders = []
    for name in tracked:
        path = REPO / name
        if not path.is_file() or path.suffix in {".mo", ".png", ".xlsx", ".ico", ".woff2", ".sqlite3"}:
            continue
        try:
            if needle in path.read_text(encoding="utf-8"):
                offenders.append(name)
        except UnicodeDecodeError:
            continue

    assert offenders == []
