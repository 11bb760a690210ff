"""Notifications: an in-app inbox per user, plus outside channels delivered by Celery.

``notify`` writes the Notification and one Delivery row per outside channel inside the
caller's transaction, and queues the sending after commit, so nothing is sent for a change
that rolled back and nothing is sent inside a transaction. A periodic sweep
(``deliveries_retry``) re-queues deliveries that never got sent, so a broker outage delays
mail but does not lose it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .channels import configured_channels
from .models import Delivery, Notification

logger = logging.getLogger(__name__)
STALE_SENDING = dt.timedelta(minutes=10)


def notify(
    *,
    recipients: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    kind: str = "",
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Side effects: Notification and Delivery rows; after commit, a send task per delivery."""
    wanted = configured_channels() if channels is None else {
        name: ch for name, ch in configured_channels().items() if name in set(channels)
    }
    seen, notifications, deliveries = set(), [], []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        note = Notification(recipient=user, title=title[:200], body=body, url=url[:500], kind=kind)
        notifications.append(note)
    Notification.objects.bulk_create(notifications)
    for note in notifications:
        for name, channel in wanted.items():
            address = channel.address_for(note.recipient)
            deliveries.append(
                Delivery(
                    notification=note,
                    channel=name,
                    address=address or "",
                    status=Delivery.Status.PENDING if address else Delivery.Status.SKIPPED,
                )
            )
    Delivery.objects.bulk_create(deliveries)
    pending = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING]
    if pending:
        transaction.on_commit(lambda: _enqueue(pending))
    return notifications


def _enqueue(delivery_ids: list[int]) -> None:
    from .tasks import delivery_send

    for pk in delivery_ids:
        try:
            delivery_send.delay(delivery_id=pk)
        except Exception as exc:  # broker down: the retry sweep picks it up later
            logger.warning("could not queue delivery %s (%s); the sweep will retry", pk, exc)
            return


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one delivery, at most once at a time: claim it (pending → sending) with a
    compare-and-swap, send outside any transaction, then record the outcome."""
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    channel = configured_channels().get(delivery.channel)
    note = delivery.notification
    try:
        if channel is None:
            raise RuntimeError(f"channel {delivery.channel!r} is not configured")
        channel.send(address=delivery.address, title=note.title, body=note.body, url=note.url)
    except Exception as exc:
        failed = delivery.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        delivery.status = Delivery.Status.FAILED if failed else Delivery.Status.PENDING
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        delivery.save(update_fields=["status", "last_error", "updated_at"])
        logger.warning("delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, exc)
        return delivery
    delivery.status = Delivery.Status.SENT
    delivery.sent_at = timezone.now()
    delivery.last_error = ""
    delivery.save(update_fields=["status", "sent_at", "last_error", "updated_at"])
    return delivery


def deliveries_retry() -> int:
    """Re-queue pending deliveries and ones stuck in 'sending' (a worker died mid-send)."""
    now = timezone.now()
    Delivery.objects.filter(
        status=Delivery.Status.SENDING, updated_at__lt=now - STALE_SENDING
    ).update(status=Delivery.Status.PENDING, updated_at=now)
    due = list(
        Delivery.objects.filter(
            Q(status=Delivery.Status.PENDING), updated_at__lt=now - dt.timedelta(seconds=30)
        ).values_list("pk", flat=True)[:1000]
    )
    _enqueue(due)
    return len(due)


def notifications_mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
