"""Platform tasks: thin wrappers around services (STYLE.md, Celery)."""

import datetime as dt

from celery import shared_task

from . import notifications, workdays


@shared_task(name="core.delivery_send", autoretry_for=(), ignore_result=True)
def delivery_send(*, delivery_id: int) -> None:
    notifications.delivery_send(delivery_id=delivery_id)


@shared_task(name="core.deliveries_retry", ignore_result=True)
def deliveries_retry() -> int:
    return notifications.deliveries_retry()


@shared_task(name="core.calendar_recompute", ignore_result=True)
def calendar_recompute(*, from_date: str) -> int:
    return workdays.recompute_open_deadlines(dt.date.fromisoformat(from_date))


@shared_task(name="core.outbox_relay", ignore_result=True)
def outbox_relay() -> int:
    from . import outbox

    return outbox.relay()
