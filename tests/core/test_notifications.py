"""Notifications: an inbox row per user, one Delivery row per outside channel, sent by Celery
after commit, retried by a sweep, never sent for a change that rolled back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cppcc_portal.core import notifications
from cppcc_portal.core.channels import Channel
from cppcc_portal.core.models import Delivery, Notification
from tests.conftest import client_for


class FlakyChannel(Channel):
    """A gateway that is down."""

    name = "flaky"

    def address_for(self, user):
        return user.phone or None

    def send(self, *, address, title, body, url):
        raise ConnectionError("gateway down")


@pytest.fixture
def flaky_channel(settings):
    from cppcc_portal.core import channels

    settings.NOTIFICATION_CHANNELS = ["tests.core.test_notifications.FlakyChannel"]
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    channels.configured_channels.cache_clear()
    yield
    channels.configured_channels.cache_clear()


def test_notify_creates_inbox_rows_and_email_deliveries(world):
    world.bob.email = ""
    world.bob.save()

    created = notifications.notify(recipients=[world.alice, world.bob, world.alice, None], title="新的提案待审查",
                                   body="请在5个工作日内处理。", url="/proposals/1/", kind="proposal.submitted")

    assert [n.recipient for n in created] == [world.alice, world.bob]
    assert sorted(Delivery.objects.values_list("notification__recipient__username", "channel", "address", "status")) == [
        ("alice", "email", "alice@example.org", "pending"),
        ("bob", "email", "", "skipped"),
    ]
    note = Notification.objects.get(recipient=world.alice)
    assert (note.title, note.body, note.url, note.kind, note.read_at) == (
        "新的提案待审查", "请在5个工作日内处理。", "/proposals/1/", "proposal.submitted", None)


def test_inactive_users_are_not_notified(world):
    world.eve.is_active = False
    world.eve.save()

    assert notifications.notify(recipients=[world.eve], title="x") == []
    assert Notification.objects.count() == 0


def test_email_is_sent_after_commit(world, django_capture_on_commit_callbacks, settings):
    settings.PORTAL_BASE_URL = "https://zx.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.notify(recipients=[world.alice], title="会议通知", body="周三上午九点", url="/calendar/")
    assert (len(callbacks), len(mail.outbox)) == (1, 0)  # nothing leaves inside the transaction

    callbacks[0]()

    assert [(m.subject, m.to, m.body) for m in mail.outbox] == [
        ("会议通知", ["alice@example.org"], "周三上午九点\n\nhttps://zx.example.gov.cn/calendar/")]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 1, "")
    assert delivery.sent_at is not None


def test_nothing_is_sent_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notifications.notify(recipients=[world.alice], title="会议通知")
            raise RuntimeError("the change failed")

    assert (callbacks, mail.outbox) == ([], [])
    assert (Notification.objects.count(), Delivery.objects.count()) == (0, 0)


def test_delivery_send_is_done_once(world):
    notifications.notify(recipients=[world.alice], title="会议通知")
    delivery = Delivery.objects.get()

    assert notifications.delivery_send(delivery_id=delivery.pk).status == "sent"
    assert notifications.delivery_send(delivery_id=delivery.pk) is None
    assert len(mail.outbox) == 1


def test_delivery_send_of_a_missing_row_is_quiet(db):
    assert notifications.delivery_send(delivery_id=987654) is None


def test_failure_is_retried_then_marked_failed(world, flaky_channel):
    notifications.notify(recipients=[world.alice], title="短信提醒")
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status) == ("flaky", "skipped")  # alice has no phone

    world.bob.phone = "13900000001"
    world.bob.save()
    notifications.notify(recipients=[world.bob], title="短信提醒")
    delivery = Delivery.objects.get(notification__recipient=world.bob)

    history = []
    for _ in range(3):
        notifications.delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        history.append((delivery.status, delivery.attempts))

    assert history == [("pending", 1), ("pending", 2), ("failed", 3)]
    assert delivery.last_error == "ConnectionError: gateway down"
    assert notifications.delivery_send(delivery_id=delivery.pk) is None


def test_unconfigured_channel_fails_the_attempt(world, settings):
    notifications.notify(recipients=[world.alice], title="会议通知")
    Delivery.objects.update(channel="wechat")
    delivery = Delivery.objects.get()

    notifications.delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "pending", 1, "RuntimeError: channel 'wechat' is not configured")


def test_retry_sweep_requeues_stale_pending_and_stuck_sending(world):
    for user in (world.alice, world.fiona, world.lily):
        notifications.notify(recipients=[user], title=f"通知{user.username}")
    now = timezone.now()
    stale = Delivery.objects.get(notification__recipient=world.alice)
    stuck = Delivery.objects.get(notification__recipient=world.lily)
    Delivery.objects.filter(pk=stale.pk).update(updated_at=now - dt.timedelta(minutes=1))
    Delivery.objects.filter(pk=stuck.pk).update(status="sending", attempts=1,
                                                updated_at=now - dt.timedelta(minutes=11))

    assert notifications.deliveries_retry() == 1  # Celery runs eagerly here: the stale one is sent

    statuses = dict(Delivery.objects.values_list("notification__recipient__username", "status"))
    assert statuses == {"alice": "sent", "fiona": "pending", "lily": "pending"}
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_broker_outage_leaves_delivery_pending_for_the_sweep(world, monkeypatch, django_capture_on_commit_callbacks):
    from cppcc_portal.core import tasks

    def broker_down(**kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.delivery_send, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(recipients=[world.alice], title="会议通知")

    assert Delivery.objects.get().status == "pending"
    assert mail.outbox == []


def test_mark_read_only_touches_own_unread(world):
    mine = notifications.notify(recipients=[world.alice], title="一")[0]
    notifications.notify(recipients=[world.alice], title="二")
    theirs = notifications.notify(recipients=[world.bob], title="三")[0]

    assert notifications.notifications_mark_read(actor=world.alice, ids=[mine.pk, theirs.pk]) == 1
    assert notifications.unread_count(world.alice) == 1
    assert notifications.notifications_mark_read(actor=world.alice) == 1
    assert notifications.unread_count(world.alice) == 0
    assert notifications.unread_count(world.bob) == 1


class TestNotificationApi:
    def test_inbox_lists_only_own_notifications_newest_first(self, world):
        notifications.notify(recipients=[world.alice, world.bob], title="旧")
        notifications.notify(recipients=[world.alice], title="新")

        response = client_for(world.alice).get("/api/v1/notifications/")

        assert response.status_code == 200
        assert [n["title"] for n in response.json()["results"]] == ["新", "旧"]

    def test_unread_filter(self, world):
        first = notifications.notify(recipients=[world.alice], title="一")[0]
        notifications.notify(recipients=[world.alice], title="二")
        notifications.notifications_mark_read(actor=world.alice, ids=[first.pk])

        response = client_for(world.alice).get("/api/v1/notifications/?unread=true")

        assert [n["title"] for n in response.json()["results"]] == ["二"]

    def test_someone_elses_notification_is_not_found(self, world):
        theirs = notifications.notify(recipients=[world.bob], title="三")[0]

        assert client_for(world.alice).get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
        assert client_for(world.bob).get(f"/api/v1/notifications/{theirs.pk}/").status_code == 200

    def test_mark_read_by_ids(self, world):
        mine = notifications.notify(recipients=[world.alice], title="一")[0]
        notifications.notify(recipients=[world.alice], title="二")
        theirs = notifications.notify(recipients=[world.bob], title="三")[0]

        response = client_for(world.alice).post("/api/v1/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]},
                                                format="json")

        assert (response.status_code, response.json()) == (200, {"marked": 1})
        assert Notification.objects.filter(read_at__isnull=True).count() == 2

    def test_mark_all_read(self, world):
        notifications.notify(recipients=[world.alice], title="一")
        notifications.notify(recipients=[world.alice], title="二")

        response = client_for(world.alice).post("/api/v1/notifications/mark-read/", {}, format="json")

        assert response.json() == {"marked": 2}

    def test_mark_read_rejects_bad_ids(self, world):
        response = client_for(world.alice, "en").post("/api/v1/notifications/mark-read/", {"ids": ["x"]},
                                                      format="json")

        assert response.status_code == 400
        assert response.json() == {"detail": "The input is not valid.",
                                   "errors": {"ids": {"0": ["A valid integer is required."]}}}

    def test_anonymous_has_no_inbox(self, world):
        assert client_for(None).get("/api/v1/notifications/").status_code == 403
        assert client_for(None).post("/api/v1/notifications/mark-read/", {}, format="json").status_code == 403
