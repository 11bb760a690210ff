"""Thin Celery wrappers around the duty record's services (STYLE.md, Celery)."""

from celery import shared_task

from cppcc_portal.core import outbox


@shared_task(name="members.duty_sync_dirty", ignore_result=True)
def duty_sync_dirty() -> int:
    """After an action (published after commit) and from the beat: sync the marked member-years."""
    from .duty import duty_sync_dirty as sync

    return sync()


@shared_task(name="members.duty_recompute", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3,
             ignore_result=True)
def duty_recompute(self, *, job_id: int, outbox_id: int | None = None) -> None:
    from .duty import duty_recompute_run

    try:
        duty_recompute_run(job_id=job_id, outbox_id=outbox_id)
    except Exception as exc:
        dead = outbox.mark_failed(outbox_id, f"{type(exc).__name__}: {exc}")
        if not dead and self.request.retries < self.max_retries:
            raise self.retry(exc=exc, countdown=2 ** self.request.retries * 5) from exc
        raise
