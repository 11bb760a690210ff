"""The consultation app's Celery task: the beat sweep that takes in proposals not filed and
converted to information (consultations.intake_converted). Called directly and through Celery
run eagerly (the test settings), it calls the one service and is a no-op the second time."""

from __future__ import annotations

import pytest
from django.conf import settings

from consultations import tasks
from consultations.choices import InformationStatus
from consultations.models import InformationItem
from cppcc_portal.celery import app as celery_app
from cppcc_portal.core.models import Notification
from proposals.choices import Conversion
from proposals.services import proposals as ps

pytestmark = pytest.mark.django_db


def converted(cw, title: str = "关于加快推进城区老旧小区加装电梯的建议", conversion: str = Conversion.INFORMATION):
    return ps.proposal_not_file(actor=cw.alice, proposal=cw.submitted(title=title),
                                reason="内容更适合以社情民意信息反映", conversion=conversion)


def test_the_task_is_registered_under_its_name_and_scheduled_by_beat():
    assert tasks.intake_converted.name == "consultations.intake_converted"
    assert celery_app.tasks["consultations.intake_converted"].run is tasks.intake_converted.run
    assert settings.CELERY_BEAT_SCHEDULE["information-intake-converted-proposals"]["task"] == (
        "consultations.intake_converted")


def test_called_directly_it_takes_in_each_converted_proposal_once(cw):
    first = converted(cw)
    second = converted(cw, title="关于规范城区占道经营的建议")
    converted(cw, title="关于增设社区便民服务点的建议", conversion=Conversion.NONE)
    assert tasks.intake_converted() == 2
    assert sorted(InformationItem.objects.values_list("source_proposal", "status", "committee")) == [
        (first.pk, InformationStatus.SUBMITTED, cw.a.pk), (second.pk, InformationStatus.SUBMITTED, cw.a.pk)]
    assert tasks.intake_converted() == 0
    assert InformationItem.objects.count() == 2


def test_run_through_celery_eagerly_it_does_the_same(cw):
    assert celery_app.conf.task_always_eager is True
    proposal = converted(cw)
    Notification.objects.all().delete()
    tasks.intake_converted.delay()
    item = InformationItem.objects.get(source_proposal=proposal)
    assert (item.status, [a.member for a in item.authors.all()]) == (InformationStatus.SUBMITTED, [cw.bob_seat])
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["alice", "fiona"]
    tasks.intake_converted.apply()
    assert InformationItem.objects.filter(source_proposal=proposal).count() == 1
    assert Notification.objects.count() == 2


def test_with_nothing_to_take_in_it_changes_nothing(cw):
    assert tasks.intake_converted() == 0
    assert (InformationItem.objects.count(), Notification.objects.count()) == (0, 0)
