"""Thin Celery wrappers around the consultation services (STYLE.md, Celery)."""

from celery import shared_task


@shared_task(name="consultations.intake_converted", ignore_result=True)
def intake_converted() -> int:
    """Beat sweep: proposals not filed and converted to information become information items."""
    from .services.information import information_intake_converted

    return information_intake_converted()


@shared_task(name="consultations.duty_mark_due", ignore_result=True)
def duty_mark_due() -> int:
    """Beat sweep: the duty records that became due by the passing of time (shifts, activities)."""
    from .duty_sources import duty_mark_due as mark

    return mark()
