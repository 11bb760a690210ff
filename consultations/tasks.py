"""Thin Celery wrappers around the consultation services (STYLE.md, Celery)."""

from celery import shared_task


@shared_task(name="consultations.intake_converted", ignore_result=True)
def intake_converted() -> int:
    """Beat sweep: proposals not filed and converted to information become information items."""
    from .services.information import information_intake_converted

    return information_intake_converted()
