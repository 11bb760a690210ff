"""Thin Celery wrappers around the handling engine's services (STYLE.md, Celery)."""

from celery import shared_task

from cppcc_portal.core import outbox


@shared_task(
    name="proposals.case_route",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    ignore_result=True,
)
def case_route(self, *, case_id: int, outbox_id: int | None = None) -> None:
    from .services.handling import case_route_automatically

    try:
        case_route_automatically(case_id=case_id, outbox_id=outbox_id)
    except Exception as exc:
        dead = outbox.mark_failed(outbox_id, f"{type(exc).__name__}: {exc}")
        if not dead and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=2 ** self.request.retries * 5) from exc
        raise


@shared_task(name="proposals.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> dict:
    from .services.handling import sweep_deadlines as sweep

    return sweep()


@shared_task(name="proposals.sweep_unrated", ignore_result=True)
def sweep_unrated() -> int:
    from .services.handling import sweep_unrated as sweep

    return sweep()
