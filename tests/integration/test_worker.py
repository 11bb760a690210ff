"""A real Celery worker process executes the portal's tasks through Redis against the test
database: a notification is mailed by the worker, and the retry sweep re-queues what was
never sent.

The worker runs as a subprocess with the test settings, DATABASE_URL pointing at the database
pytest-django created, broker Redis db 15 (purged first) and a file-based mail backend whose
files the test reads.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils import timezone

from cppcc_portal.core import notifications, tasks
from cppcc_portal.core.models import Delivery, Notification
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def database_url(db: dict) -> str:
    user = quote(db.get("USER") or "", safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}{port}/{db['NAME']}"


def wait_for(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path, mail_dir: Path):
        self.process, self.log, self.mail_dir = process, log, mail_dir

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def mails(self) -> list[email.message.EmailMessage]:
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(b"-" * 79):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
        return messages

    def sends_done(self) -> int:
        return sum(1 for line in self.output().splitlines() if "Task core.delivery_send[" in line and "succeeded" in line)

    def mails_titled(self, title: str) -> list[email.message.EmailMessage]:
        # a long subject is folded over lines; compare it unfolded
        return [m for m in self.mails() if " ".join(str(m["Subject"]).split()) == title]


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail(f"the integration test needs a Redis broker, not {settings.CELERY_BROKER_URL}")
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # db 15 belongs to the tests
    base = tmp_path_factory.mktemp("worker")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    log = base / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cppcc_portal.settings.test",
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "PORTAL_BASE_URL": "https://zx.example.gov.cn",
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "cppcc_portal", "worker", "--pool=solo", "-Q", "celery",
               "--concurrency=1", "--loglevel=info", "--without-gossip", "--without-mingle", "--without-heartbeat",
               f"--hostname=pytest-{os.getpid()}@%h"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = Worker(process, log, mail_dir)
    try:
        ready = wait_for(lambda: "ready." in worker.output() or process.poll() is not None, timeout=60)
        if not ready or process.poll() is not None:
            pytest.fail(f"the Celery worker did not start:\n{worker.output()}")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_worker_sends_a_notification_email_through_redis(celery_worker_process):
    worker = celery_worker_process
    user = UserFactory(username="mailee", full_name="邮件收件人", email="mailee@example.org")
    title = f"Proposal 2026-015 assigned 提案已交办 {time.time_ns()}"

    # Autocommit here (transactional test): the send task is queued right after the commit.
    notifications.notify(recipients=[user], title=title, body="请在5个工作日内签收。", url="/proposals/15/")

    delivery = Delivery.objects.get(notification__recipient=user)
    sent = wait_for(lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(), timeout=30)
    assert sent, f"delivery not sent by the worker:\n{worker.output()}"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (1, "")
    mails = worker.mails_titled(title)
    assert len(mails) == 1
    assert (mails[0]["To"], mails[0].get_content().strip()) == (
        "mailee@example.org", "请在5个工作日内签收。\n\nhttps://zx.example.gov.cn/proposals/15/")
    assert "Task core.delivery_send[" in worker.output()


def test_retry_sweep_run_by_the_worker_sends_what_was_never_queued(celery_worker_process):
    worker = celery_worker_process
    user = UserFactory(username="late", full_name="迟到的信", email="late@example.org")
    title = f"Broker was down {time.time_ns()}"
    # As if the broker had been down when the notification was made: rows exist, nothing queued.
    note = Notification.objects.create(recipient=user, title=title)
    delivery = Delivery.objects.create(notification=note, channel="email", address=user.email)
    Delivery.objects.filter(pk=delivery.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=5))

    tasks.deliveries_retry.delay()

    sent = wait_for(lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(), timeout=30)
    assert sent, f"sweep did not send the delivery:\n{worker.output()}"
    assert len(worker.mails_titled(title)) == 1


def test_a_delivery_queued_three_times_is_sent_once(celery_worker_process):
    """Redelivery (a sweep racing the first send, a broker redelivering after a lost ack) must
    not mail twice: the worker claims the row with a compare-and-swap."""
    worker = celery_worker_process
    user = UserFactory(username="once", full_name="只收一次", email="once@example.org")
    title = f"Sent once {time.time_ns()}"
    note = Notification.objects.create(recipient=user, title=title)
    delivery = Delivery.objects.create(notification=note, channel="email", address=user.email)
    done_before = worker.sends_done()

    for _ in range(3):
        tasks.delivery_send.delay(delivery_id=delivery.pk)

    sent = wait_for(lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(), timeout=30)
    assert sent, f"delivery not sent by the worker:\n{worker.output()}"
    assert wait_for(lambda: worker.sends_done() >= done_before + 3, timeout=30)  # the duplicates ran too
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert len(worker.mails_titled(title)) == 1
