"""Nothing lost, nothing doubled: routing a micro-suggestion through the outbox, a private Redis
and real Celery worker processes, while the broker goes down, a worker dies mid-routing, a
message arrives twice, and two people answer or rate at the same moment.

Each test runs on committed data (``transactional_db``); the worker subprocesses use the test
settings with DATABASE_URL pointing at the database pytest-django created and a redis-server of
this module's own (tests/integration/routing_chaos.py), so stopping the broker disturbs nobody.
The relay is run by the test, as beat would run it.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone, translation

from cppcc_portal.core import outbox
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry, Delivery, Notification, OutboxMessage
from members import services as directory
from proposals.choices import AssignmentStatus, CaseStatus, RoutingMethod
from proposals.models import Assignment, Case, Feedback, Reply, RoutingDecision, RoutingDepartmentStat
from proposals.services import config, handling, micro_suggestions
from tests.conftest import client_for
from tests.integration.routing_chaos import (
    RedisServer,
    RowLock,
    Worker,
    celery_broker,
    database_url,
    terminate_backend,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SCHOOL = ("学校门口交通拥堵", "上下学时段学校门口车辆拥堵，建议错峰放学并设置临时停车区。")
HOSPITAL = ("看病排队太久", "市人民医院挂号窗口排长队，老年人等候时间过长，建议增加自助机。")


# --- the services ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    if server.binary is None:
        pytest.fail("the routing reliability tests need redis-server on the PATH (they start their own)")
    server.start()
    try:
        yield server
    finally:
        server.stop(signal.SIGKILL)


@pytest.fixture
def broker(redis_server):
    """The private Redis, running and empty; the test process publishes to it."""
    if not redis_server.ping():
        redis_server.start()
    redis_server.client().flushall()
    with celery_broker(redis_server.url):
        yield redis_server
    if not redis_server.ping():  # a test that stopped it must not leave it stopped
        redis_server.start()


@pytest.fixture
def workers(transactional_db, broker, tmp_path):
    """``workers()`` starts a worker on the private broker and the test database; every worker
    started is stopped (killed if need be) before the database is flushed."""
    started: list[Worker] = []

    def start(*, wait: bool = True) -> Worker:
        worker = Worker(broker_url=broker.url, database=database_url(settings.DATABASES["default"]),
                        workdir=tmp_path)
        started.append(worker)
        return worker.start(wait=wait)

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def committee(world, transactional_db):
    """Committee A with the 学校与教育 rule (category 教育 → 甲市教育局, carol) and the 医院就医 rule
    (keywords → 卫健委 leads, 甲市教育局 co-handles), and a second liaison of 甲市教育局."""
    w = world
    w.cat_edu = config.category_create(actor=w.alice, committee=w.a, name="教育", order=1)
    config.routing_rule_create(actor=w.alice, committee=w.a, name="学校与教育", priority=10, category=w.cat_edu,
                               lead_department=w.dept_a)
    config.routing_rule_create(actor=w.alice, committee=w.a, name="医院就医", priority=5, keywords="医院、挂号",
                               lead_department=w.dept_a2, co_departments=[w.dept_a])
    w.ivan = directory.liaison_create(actor=w.alice, department=w.dept_a, name="伊万", phone="13600000001",
                                      username="ivan").user
    return w


def submit(w, title=SCHOOL[0], content=SCHOOL[1], **fields) -> Case:
    """A member submits in a committed transaction (autocommit test): the outbox message is
    published right after the commit."""
    fields.setdefault("category", w.cat_edu)
    return micro_suggestions.micro_suggestion_submit(actor=w.bob, member=w.bob_seat, title=title, content=content,
                                                     **fields)


def message_of(case: Case) -> OutboxMessage:
    return OutboxMessage.objects.get(key=micro_suggestions.route_key(case.pk))


def routed(case: Case, timeout: float = 45) -> Case:
    def done():
        fresh = Case.objects.get(pk=case.pk)
        return fresh if fresh.status != CaseStatus.ROUTING and message_of(case).status == "done" else None

    return wait_until(done, timeout=timeout, what=f"item {case.pk} to be routed and its message done")


def footprint(case: Case) -> dict:
    """Everything routing writes, counted."""
    return {
        "status": Case.objects.get(pk=case.pk).status,
        "decisions": list(RoutingDecision.objects.filter(case=case).values_list("method", "lead_department__name")),
        "assignments": sorted(Assignment.objects.filter(case=case).values_list("department__name", "role", "status")),
        "timeline": sorted(AuditEntry.objects.filter(target_id=case.pk, action__startswith="case.")
                           .values_list("action", flat=True)),
        "notifications": Notification.objects.count(),
        "deliveries": Delivery.objects.count(),
        "learned": list(RoutingDepartmentStat.objects.filter(department__name="甲市教育局")
                        .values_list("department__name", "documents")),
        "outbox": list(OutboxMessage.objects.filter(key=micro_suggestions.route_key(case.pk))
                       .values_list("status", "failures")),
    }


ROUTED_ONCE = {
    "status": CaseStatus.HANDLING,
    "decisions": [(RoutingMethod.RULE, "甲市教育局")],
    "assignments": [("甲市教育局", "lead", AssignmentStatus.ASSIGNED)],
    "timeline": ["case.route", "case.submit"],
    "learned": [("甲市教育局", 1)],
    "outbox": [("done", 0)],
}


def routed_once(case: Case) -> dict:
    return {k: v for k, v in footprint(case).items() if k in ROUTED_ONCE}


# --- 1. the broker is down ---------------------------------------------------------------------------


def test_submission_while_redis_is_down_is_answered_at_once_and_routed_once_after_it_returns(
        committee, broker, workers):
    worker = workers()
    before = routed(submit(committee, *HOSPITAL, category=None))  # the web process has a broker connection
    broker.stop()

    started = time.monotonic()
    response = client_for(committee.bob).post(
        "/api/v1/micro-suggestions/",
        {"title": SCHOOL[0], "content": SCHOOL[1], "category": committee.cat_edu.pk}, format="json")
    elapsed = time.monotonic() - started

    assert response.status_code == 201
    assert elapsed < 3, f"the answer took {elapsed:.1f}s with the broker down"
    case = Case.objects.get(pk=response.json()["id"])
    message = message_of(case)
    assert (case.status, message.status, message.attempts, message.published_at) == (
        CaseStatus.ROUTING, "pending", 0, None)
    time.sleep(1)  # the worker has nothing to do without its broker
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ROUTING

    broker.start()
    worker.wait_for_log("Connected to redis://", timeout=60, times=2)  # the worker is back
    assert wait_until(outbox.relay, timeout=20, interval=1, what="the relay to publish") == 1

    case = routed(case)
    assert routed_once(case) == ROUTED_ONCE
    assert outbox.relay() == 0
    assert RoutingDecision.objects.filter(case=before).count() == 1


# --- 2. a worker dies mid-routing ------------------------------------------------------------------------


def test_worker_killed_while_routing_leaves_the_item_routed_exactly_once_after_restart(committee, broker, workers):
    case = submit(committee)  # published after commit; no worker is running yet
    assert message_of(case).status == "published"
    lock = RowLock(settings.DATABASES["default"], Case._meta.db_table, case.pk)
    try:
        first = workers()
        first.wait_for_log("] received", timeout=30)
        (waiter,) = wait_until(lock.waiting_backends, timeout=30, what="the worker to wait for the item's row lock")
        first.kill(signal.SIGKILL)  # mid-routing: inside case_route_automatically, the row lock requested
        assert first.process.returncode == -signal.SIGKILL
        terminate_backend(waiter)  # its connection's server process, still waiting, goes too
    finally:
        lock.release()

    assert footprint(case)["status"] == CaseStatus.ROUTING
    assert (RoutingDecision.objects.filter(case=case).count(), Assignment.objects.filter(case=case).count()) == (0, 0)
    assert message_of(case).status == "published"

    second = workers()
    # The message the dead worker took is not acknowledged; the relay re-publishes it once the
    # republish delay has passed.
    OutboxMessage.objects.filter(pk=message_of(case).pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=settings.OUTBOX_REPUBLISH_AFTER_SECONDS + 1))
    assert outbox.relay() == 1

    case = routed(case)
    second.wait_for_log("succeeded", timeout=10)
    assert routed_once(case) == ROUTED_ONCE
    assert message_of(case).attempts == 2
    assert outbox.relay() == 0


# --- 3. the same message twice -----------------------------------------------------------------------------


def test_message_delivered_twice_changes_nothing_the_second_time(committee, broker, workers):
    from cppcc_portal.celery import app

    case = submit(committee)  # first delivery, published after commit
    message = message_of(case)
    copy = app.send_task(message.task_name, kwargs={**message.kwargs, "outbox_id": message.pk})  # and a second
    worker = workers()
    worker.wait_for_log(f"proposals.case_route[{copy.id}] succeeded", timeout=45)
    routed(case)
    first = footprint(case)
    assert {k: v for k, v in first.items() if k in ROUTED_ONCE} == ROUTED_ONCE

    late = [app.send_task(message.task_name, kwargs={**message.kwargs, "outbox_id": message.pk}) for _ in range(2)]
    for result in late:
        worker.wait_for_log(f"proposals.case_route[{result.id}] succeeded", timeout=30)

    assert footprint(case) == first
    assert outbox.publish([message.pk]) == 0  # a done message is not published again
    assert outbox.relay() == 0
    assert worker.count("Task proposals.case_route[") == 2 * 4  # received and succeeded, four deliveries


# --- 4. two at once -------------------------------------------------------------------------------------------


def at_once(lock: RowLock, calls: list) -> list:
    """Run ``calls`` in threads of their own (each with its own database connection) so that
    all are inside their transaction, waiting for the item's row lock, before the lock is
    released; return what each returned or raised."""
    results: list = [None] * len(calls)

    def run(i: int, call) -> None:
        try:
            with translation.override("en"):
                results[i] = call()
        except Exception as exc:  # the outcome under test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    try:
        for thread in threads:
            thread.start()
        wait_until(lambda: len(lock.waiting_backends()) == len(calls), timeout=20,
                   what="every caller to wait for the row lock")
    finally:
        lock.release()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    return results


def test_two_liaisons_replying_at_once_make_one_reply_and_one_conflict(committee, broker):
    case = submit(committee)
    handling.case_route_automatically(case_id=case.pk, outbox_id=message_of(case).pk)
    assignment = Assignment.objects.get(case=case)
    lock = RowLock(settings.DATABASES["default"], Case._meta.db_table, case.pk)

    results = at_once(lock, [
        lambda: handling.assignment_reply(actor=committee.carol, assignment=assignment, text="卡萝的答复"),
        lambda: handling.assignment_reply(actor=committee.ivan, assignment=assignment, text="伊万的答复"),
    ])

    replies = [r for r in results if isinstance(r, Reply)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert (len(replies), len(conflicts)) == (1, 1), results
    assert conflicts[0].message == "This item is not being handled by your department now."
    assert list(Reply.objects.filter(case=case).values_list("pk", "text")) == [(replies[0].pk, replies[0].text)]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPLIED
    assert AuditEntry.objects.filter(target_id=case.pk, action="assignment.reply").count() == 1


def test_two_ratings_at_once_make_one_feedback_and_one_conflict(committee, broker):
    case = submit(committee)
    handling.case_route_automatically(case_id=case.pk, outbox_id=message_of(case).pk)
    reply = handling.assignment_reply(actor=committee.carol, assignment=Assignment.objects.get(case=case),
                                      text="已实行错峰放学。")
    lock = RowLock(settings.DATABASES["default"], Case._meta.db_table, case.pk)

    results = at_once(lock, [
        lambda: handling.case_rate(actor=committee.bob, reply=reply, rating="satisfied"),
        lambda: handling.case_rate(actor=committee.bob, reply=reply, rating="unsatisfied", comment="仍然拥堵"),
    ])

    feedback = [r for r in results if isinstance(r, Feedback)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert (len(feedback), len(conflicts)) == (1, 1), results
    assert conflicts[0].message == "This reply cannot be rated now."
    assert list(Feedback.objects.filter(case=case).values_list("pk", flat=True)) == [feedback[0].pk]
    fresh = Case.objects.get(pk=case.pk)
    if feedback[0].rating == "satisfied":
        assert (fresh.status, fresh.round) == (CaseStatus.CLOSED, 1)
    else:  # unsatisfied first: the item went back for a second round
        assert (fresh.status, fresh.round) == (CaseStatus.HANDLING, 2)
