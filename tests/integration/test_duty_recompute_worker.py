"""The duty record's background work runs in a real Celery worker process: the sync published
after an action's commit, and a full recompute queued through the outbox when the rules
change, run to done.

Committed data (``transactional_db``); the worker uses the test settings with DATABASE_URL
pointing at the database pytest-django created and a redis-server of this module's own
(tests/integration/routing_chaos.py), so no shared broker is touched.
"""

from __future__ import annotations

import datetime as dt
import signal
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from consultations.choices import ConsultationForm
from consultations.services import consultations as cs
from cppcc_portal.core.models import OutboxMessage
from members import duty
from members.choices import DutyKind, JobStatus
from members.models import DutyDirty, DutyEntry, DutyScore, RecomputeJob
from tests.integration.routing_chaos import RedisServer, Worker, celery_broker, database_url, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

YEAR = timezone.localdate().year


@pytest.fixture
def worker(transactional_db, tmp_path):
    server = RedisServer(tmp_path)
    if server.binary is None:
        pytest.fail("this test needs redis-server on the PATH (it starts its own)")
    server.start()
    process = None
    try:
        with celery_broker(server.url):
            process = Worker(broker_url=server.url, database=database_url(settings.DATABASES["default"]),
                             workdir=tmp_path).start()
            yield process
    finally:
        if process is not None:
            process.stop()
        server.stop(signal.SIGKILL)


def test_the_sync_after_an_action_and_a_recompute_after_a_rule_change_run_in_the_worker(world, worker):
    w = world
    kinds = {k.form: k for k in cs.consultation_kinds_install(actor=w.alice, committee=w.a)}
    starts = timezone.make_aware(dt.datetime(YEAR, 3, 10, 9))
    session = cs.consultation_save(actor=w.alice, committee=w.a, kind=kinds[ConsultationForm.SPECIAL],
                                   title="普惠托育专题协商会", starts_at=starts, ends_at=starts + dt.timedelta(hours=3),
                                   place="市政协三楼会议室")
    cs.participants_invite(actor=w.alice, event=session, members=[w.bob_seat])
    cs.consultation_announce(actor=w.alice, consultation=session)
    cs.consultation_open(actor=w.alice, consultation=session)
    # committed: bob is absent, his record is marked and the sync is published to the worker
    cs.consultation_close(actor=w.alice, consultation=session)

    def synced():
        return not DutyDirty.objects.exists() and DutyEntry.objects.filter(
            member=w.bob_seat, year=YEAR, kind=DutyKind.MEETING_ABSENT).exists()

    wait_until(synced, timeout=60, what="the worker to sync bob's record")
    worker.wait_for_log("Task members.duty_sync_dirty[", timeout=10)

    # the committee sets its rules: each committed change queues a recompute through the outbox
    rules = duty.rule_set_save(actor=w.alice, committee=w.a, year=YEAR, title=f"{YEAR}年度委员履职量化考核办法",
                               base_score=60, max_score=120)
    duty.rule_save(actor=w.alice, rule_set=rules, kind=DutyKind.MEETING_ABSENT, points=-10)

    def finished():
        jobs = list(RecomputeJob.objects.filter(committee=w.a, year=YEAR))
        open_messages = OutboxMessage.objects.filter(key__startswith="duty-recompute:").exclude(status="done")
        return jobs and all(j.status == JobStatus.DONE for j in jobs) and not open_messages.exists() and \
            DutyScore.objects.filter(member=w.bob_seat, year=YEAR, total=Decimal("50.00")).exists()

    wait_until(finished, timeout=90, what="the recompute to be done")
    job = RecomputeJob.objects.filter(committee=w.a, year=YEAR).latest("id")
    assert (job.status, job.done, job.total, job.error, job.again) == (JobStatus.DONE, 1, 1, "", False)
    assert job.started_at <= job.finished_at
    score = DutyScore.objects.get(member=w.bob_seat, year=YEAR)
    assert (score.total, score.by_kind, score.counts) == (Decimal("50.00"), {DutyKind.MEETING_ABSENT: "-10.00"},
                                                         {DutyKind.MEETING_ABSENT: 1})
    assert worker.count("Task members.duty_recompute[") >= 1
    assert "Traceback" not in worker.text()
