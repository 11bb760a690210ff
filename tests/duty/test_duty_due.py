"""Records that become due by the passing of time: a shift or an activity entered in advance
counts once its day comes (the hourly beat sweep marks it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consultations.duty_sources import duty_mark_due
from consultations.models import DutyShift
from members import duty
from members.choices import DutyKind
from members.models import DutyDirty, DutyEntry

pytestmark = pytest.mark.django_db


def test_todays_shift_entered_in_advance_is_marked_and_then_recorded(cw):
    # entered when today was still ahead (the service marks only shifts already due)
    shift = DutyShift.objects.create(studio=cw.studio_a, member=cw.bob_seat, date=timezone.localdate())
    assert DutyDirty.objects.count() == 0

    assert duty_mark_due() == 1
    assert list(DutyDirty.objects.values_list("member_id", "year")) == [(cw.bob_seat.pk, timezone.localdate().year)]
    duty.duty_sync_dirty()
    assert list(DutyEntry.objects.filter(kind=DutyKind.STUDIO_DUTY).values_list("member_id", "source_id")) == [
        (cw.bob_seat.pk, shift.pk)]


def test_a_shift_on_another_day_is_not_marked(cw):
    DutyShift.objects.create(studio=cw.studio_a, member=cw.bob_seat, date=timezone.localdate() + dt.timedelta(days=1))
    assert (duty_mark_due(), DutyDirty.objects.count()) == (0, 0)


def test_the_beat_runs_the_sweep_hourly(settings):
    assert settings.CELERY_BEAT_SCHEDULE["duty-mark-due"] == {"task": "consultations.duty_mark_due",
                                                              "schedule": 3600.0}
