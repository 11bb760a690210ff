"""The transactional outbox: work that must not be lost.

``enqueue`` writes an OutboxMessage inside the caller's transaction and, after commit, tries to
publish it once without waiting on a broker that is down. ``relay`` (run by beat, and by the
demo and tests on demand) publishes what is pending and re-publishes what was published but is
not done after ``REPUBLISH_AFTER``. The consumer calls ``mark_done`` in its own transaction, or
``mark_failed`` so that a message that keeps failing becomes a dead letter staff can see and retry.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def _republish_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "OUTBOX_REPUBLISH_AFTER_SECONDS", 60))


def _max_failures() -> int:
    return getattr(settings, "OUTBOX_MAX_FAILURES", 5)


def enqueue(*, task_name: str, key: str, **kwargs) -> OutboxMessage:
    """Must run inside the transaction that makes the work necessary. A message with the
    same key is not written twice."""
    message, created = OutboxMessage.objects.get_or_create(
        key=key, defaults={"task_name": task_name, "kwargs": kwargs}
    )
    if created:
        pk = message.pk
        transaction.on_commit(lambda: publish([pk]))
    return message


def _send(message: OutboxMessage) -> None:
    from cppcc_portal.celery import app

    # No retries here: with the broker down the request must still answer at once; the
    # relay publishes the message later.
    app.send_task(
        message.task_name,
        kwargs={**message.kwargs, "outbox_id": message.pk},
        retry=False,
    )


def publish(ids: list[int]) -> int:
    """Publish the given messages if they are still open; returns how many went out."""
    sent = 0
    messages = OutboxMessage.objects.filter(
        pk__in=ids, status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.PUBLISHED]
    )
    for message in messages:
        try:
            _send(message)
        except Exception as exc:  # broker unreachable: leave it pending for the relay
            logger.warning("outbox %s not published: %s", message.pk, exc)
            return sent
        OutboxMessage.objects.filter(pk=message.pk, status__in=[OutboxMessage.Status.PENDING,
                                                                OutboxMessage.Status.PUBLISHED]).update(
            status=OutboxMessage.Status.PUBLISHED, published_at=timezone.now(), attempts=F("attempts") + 1
        )
        sent += 1
    return sent


def relay(*, limit: int = 5000) -> int:
    """Publish pending messages and re-publish stale ones; returns how many went out."""
    stale = timezone.now() - _republish_after()
    ids = list(
        OutboxMessage.objects.filter(
            Q(status=OutboxMessage.Status.PENDING, published_at__isnull=True)
            | Q(status=OutboxMessage.Status.PENDING, published_at__lt=stale)
            | Q(status=OutboxMessage.Status.PUBLISHED, published_at__lt=stale)
        ).order_by("id").values_list("pk", flat=True)[:limit]
    )
    return publish(ids) if ids else 0


def mark_done(outbox_id: int | None) -> None:
    """Call inside the consumer's transaction, so 'done' commits with the work itself."""
    if outbox_id:
        OutboxMessage.objects.filter(pk=outbox_id).exclude(status=OutboxMessage.Status.DONE).update(
            status=OutboxMessage.Status.DONE, done_at=timezone.now()
        )


def mark_failed(outbox_id: int | None, error: str) -> bool:
    """Record a failed attempt; returns True when the message has become a dead letter."""
    if not outbox_id:
        return False
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=outbox_id).first()
        if message is None or message.status == OutboxMessage.Status.DONE:
            return False
        message.failures += 1
        message.last_error = error[:4000]
        if message.failures >= _max_failures():
            message.status = OutboxMessage.Status.DEAD
        else:
            # back to pending so the relay retries after the republish delay
            message.status = OutboxMessage.Status.PENDING
        message.save(update_fields=["failures", "last_error", "status"])
        return message.status == OutboxMessage.Status.DEAD


def retry_dead(*, ids: list[int]) -> int:
    """Staff put dead letters back in the queue."""
    count = OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.DEAD).update(
        status=OutboxMessage.Status.PENDING, failures=0, published_at=None
    )
    # After commit, like enqueue: never hand the broker work whose row may yet roll back.
    transaction.on_commit(lambda: publish(ids))
    return count
