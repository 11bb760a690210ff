"""Issue 6's first journey through the services: a citizen's concern raised on a studio's page
travels to a department's reply and back to the citizen's status page."""

from __future__ import annotations

import pytest

from consultations.choices import ConcernConversion, ConcernStatus
from consultations.services import studios
from proposals.models import Assignment
from proposals.services import handling

pytestmark = pytest.mark.django_db


def test_a_concern_travels_to_a_department_reply_and_back_to_the_status_page(cw):
    studio = cw.studio_a  # bob is a member of it
    concern = studios.concern_submit(studio=studio, phone="13912345678", name="李大爷", place="幸福小区3号楼",
                                     description="小区门口路灯坏了一个多月，晚上老人出行很不安全。", client="203.0.113.9",
                                     seconds_to_fill=20)
    assert (concern.status, len(concern.tracking_code)) == (ConcernStatus.NEW, 10)
    public = studios.concern_public_status(concern.tracking_code.lower())
    assert (public["status"], public["studio"], "13912345678" in str(public), "李大爷" in str(public)) == (
        ConcernStatus.NEW, studio.name, False, False)

    concern = studios.concern_assign(actor=cw.alice, concern=concern, member=cw.bob_seat)
    concern = studios.concern_convert(actor=cw.bob, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                                      title="幸福小区门口路灯损坏亟待维修", category=cw.cat_city)
    case = concern.converted_case
    assert (concern.status, case.submitter, "13912345678" in case.content) == (ConcernStatus.CONVERTED,
                                                                               cw.bob_seat, False)
    handling.case_route(actor=cw.alice, case=case, lead_department=cw.dept_a3)
    assignment = Assignment.objects.get(case=case)
    handling.assignment_reply(actor=cw.jack, assignment=assignment, text="已安排维修队更换路灯，本周内完成。")

    public = studios.concern_public_status(concern.tracking_code)
    assert public["conversion"] == ConcernConversion.MICRO_SUGGESTION
    assert [(r["department"], r["text"]) for r in public["replies"]] == [("甲市住房和城乡建设局",
                                                                          "已安排维修队更换路灯，本周内完成。")]


def test_scripted_and_repeated_intake_is_refused(cw):
    from django.core.exceptions import ValidationError

    kwargs = {"studio": cw.studio_a, "phone": "13912345678", "client": "198.51.100.7"}
    with pytest.raises(ValidationError):
        studios.concern_submit(description="路灯坏了很久没有人修理。", seconds_to_fill=0.5, **kwargs)
    with pytest.raises(ValidationError):
        studios.concern_submit(description="路灯坏了很久没有人修理。", website="http://spam", seconds_to_fill=9, **kwargs)
    for n in range(studios.INTAKE_LIMIT):
        studios.concern_submit(description=f"第{n}个问题：路灯坏了很久没有人修理。", seconds_to_fill=9, **kwargs)
    with pytest.raises(ValidationError) as exc:
        studios.concern_submit(description="又一个问题：路灯坏了很久没有人修理。", seconds_to_fill=9, **kwargs)
    assert list(exc.value.message_dict) == ["description"]
