"""Every rule of the member studios' services (consultations/services/studios.py): the duty
roster, the public intake of concerns and its refusals, assigning, answering, taking up and
closing a concern, the public status page, the quarter's concerns for a follow-up meeting, and
studio activities.

Cast (tests/consultations/conftest.py): bob is a member of 医药卫生界委员工作室 (studio_a, in
甲市 A); cindy is a member of A but not of the studio; alice staff of A, fiona staff of A and
A1, lily leader of A, ada member of A1, carol liaison of 甲市教育局, dave liaison in B, eve an
outsider.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from consultations.choices import (
    ConcernConversion,
    ConcernStatus,
    DutyPeriod,
    InformationStatus,
    InvitationStatus,
    ParticipantRole,
    StudioActivityKind,
)
from consultations.models import Concern, DutyShift, InformationItem, Participant, StudioActivity
from consultations.services import studios
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import Notification, OutboxMessage
from members.models import DutyDirty
from members.services import studio_update
from proposals.choices import CaseStatus, ProposalStatus
from proposals.models import Assignment, Case, Proposal
from proposals.services import handling, micro_suggestions

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
RUNNERS_ONLY = "Only the studio's members and committee staff may do this."
OWN_NAME = "A member of the studio takes a concern up in their own name."
PHONE = "Give a mobile number (11 digits) or a landline with its area code."
TOO_QUICK = "The form was sent too quickly. Please try again."
TOO_MANY = "Too many concerns from this device in an hour. Please try again later or call the studio."
REPEATED = "This concern was already received; its tracking code was shown when you sent it."
TEXT = "小区门口路灯坏了一个多月，晚上老人出行很不安全。"
PUBLIC_KEYS = {"code", "studio", "received_at", "status", "status_label", "reply", "replied_at", "conversion",
               "conversion_label", "converted_at", "handling", "replies"}


def invalid(service, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    return caught.value.message_dict


def denied(service, **kwargs) -> str:
    with pytest.raises(PermissionDenied) as caught:
        service(**kwargs)
    return str(caught.value)


def conflict(service, **kwargs) -> str:
    with pytest.raises(Conflict) as caught:
        service(**kwargs)
    return caught.value.message


def not_now(status) -> str:
    return f"This is {status.label}; that step is not possible now."


def told(title: str) -> list[str]:
    return sorted(Notification.objects.filter(title=title).values_list("recipient__username", flat=True))


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def submit(cw, **overrides) -> Concern:
    args = {"studio": cw.studio_a, "phone": "13912345678", "name": "李大爷", "place": "幸福小区3号楼",
            "description": TEXT, "client": "203.0.113.9", "seconds_to_fill": 20, **overrides}
    return studios.concern_submit(**args)


def refused(cw, **overrides) -> dict:
    return invalid(submit, cw=cw, **overrides)


def png(name="现场照片.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), "red").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def pdf(name="说明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
                              content_type="application/pdf")


def aged(concern: Concern, **delta) -> None:
    Concern.objects.filter(pk=concern.pk).update(created_at=timezone.now() - dt.timedelta(**delta))


def outsiders(cw) -> list:
    """Users who neither run studio_a nor are its members."""
    return [cw.cindy, cw.lily, cw.carol, cw.dave, cw.eve, cw.ada]


# --- the duty roster ------------------------------------------------------------------------------------


def test_the_studio_and_its_staff_keep_the_roster(cw):
    today = studios.shift_add(actor=cw.bob, studio=cw.studio_a, member=cw.bob_seat, date=TODAY,
                              period=DutyPeriod.MORNING, note="  接待来访群众  ")
    later = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat,
                              date=TODAY + dt.timedelta(days=400))
    afternoon = studios.shift_add(actor=cw.fiona, studio=cw.studio_a, member=cw.bob_seat, date=TODAY,
                                  period=DutyPeriod.AFTERNOON)
    assert [(s.date, s.period, s.note) for s in DutyShift.objects.order_by("date", "id")] == [
        (TODAY, DutyPeriod.MORNING, "接待来访群众"), (TODAY, DutyPeriod.AFTERNOON, ""),
        (TODAY + dt.timedelta(days=400), DutyPeriod.DAY, "")]
    assert (today.studio, later.member, afternoon.period) == (cw.studio_a, cw.bob_seat, DutyPeriod.AFTERNOON)
    studios.shift_remove(actor=cw.bob, shift=later)
    assert DutyShift.objects.count() == 2


def test_a_duplicate_or_out_of_range_shift_is_refused(cw):
    args = {"actor": cw.alice, "studio": cw.studio_a, "member": cw.bob_seat, "date": TODAY}
    studios.shift_add(**args)
    assert invalid(studios.shift_add, **args) == {"date": ["This member is already on duty then."]}
    for day in (TODAY + dt.timedelta(days=401), TODAY - dt.timedelta(days=401), TODAY.isoformat(), None):
        assert invalid(studios.shift_add, **{**args, "date": day}) == {"date": ["Give a day within a year from today."]}
    assert invalid(studios.shift_add, **{**args, "period": "night"}) == {
        "period": ["Choose morning, afternoon or all day."]}
    assert invalid(studios.shift_add, **{**args, "period": DutyPeriod.MORNING, "note": "注" * 201}) == {
        "note": ["At most 200 characters."]}
    assert DutyShift.objects.count() == 1


def test_only_serving_members_of_the_studio_go_on_its_roster(cw):
    args = {"actor": cw.alice, "studio": cw.studio_a, "date": TODAY}
    for member in (cw.cindy_seat, cw.ada_seat, cw.ben_seat):
        assert invalid(studios.shift_add, member=member, **args) == {"member": ["Choose a serving member of this studio."]}
    type(cw.bob_seat).objects.filter(pk=cw.bob_seat.pk).update(ceased_on=TODAY - dt.timedelta(days=1))
    assert invalid(studios.shift_add, member=reload(cw.bob_seat), **args) == {
        "member": ["Choose a serving member of this studio."]}
    # the studio's lead member is one of it
    studio_update(actor=cw.alice, studio=cw.studio_a, lead_member=cw.cindy_seat)
    assert studios.shift_add(member=cw.cindy_seat, **args).member == cw.cindy_seat
    assert studios.shift_add(actor=cw.cindy, studio=reload(cw.studio_a), member=cw.cindy_seat, date=TODAY,
                             period=DutyPeriod.MORNING).period == DutyPeriod.MORNING


def test_only_the_studio_and_its_staff_change_the_roster(cw):
    shift = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=TODAY)
    for user in outsiders(cw):
        assert denied(studios.shift_add, actor=user, studio=cw.studio_a, member=cw.bob_seat,
                      date=TODAY + dt.timedelta(days=1)) == RUNNERS_ONLY
        assert denied(studios.shift_remove, actor=user, shift=shift) == RUNNERS_ONLY
    # alice is staff of A only, not of the county's studio
    assert denied(studios.shift_add, actor=cw.alice, studio=cw.studio_a1, member=cw.ada_seat, date=TODAY) == (
        RUNNERS_ONLY)
    assert DutyShift.objects.count() == 1


def test_a_shift_done_marks_the_duty_record_a_future_one_does_not(cw):
    studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=TODAY + dt.timedelta(days=3))
    assert DutyDirty.objects.count() == 0
    shift = studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat, date=TODAY)
    assert list(DutyDirty.objects.values_list("member", "year")) == [(cw.bob_seat.pk, YEAR)]
    DutyDirty.objects.all().delete()
    studios.shift_remove(actor=cw.alice, shift=shift)
    assert list(DutyDirty.objects.values_list("member", "year")) == [(cw.bob_seat.pk, YEAR)]


# --- the public intake ----------------------------------------------------------------------------------


def test_anyone_raises_a_concern_and_gets_a_tracking_code(cw):
    concern = submit(cw, phone=" 139 1234 5678 ", name=" 李大爷 ", place=" 幸福小区3号楼 ", description=f"  {TEXT}  ",
                     photo=png())
    concern.refresh_from_db()
    assert (concern.studio, concern.status, concern.name, concern.phone, concern.place, concern.description,
            concern.assigned_to, concern.photo_name) == (
        cw.studio_a, ConcernStatus.NEW, "李大爷", "13912345678", "幸福小区3号楼", TEXT, None, "现场照片.png")
    assert len(concern.tracking_code) == 10 and set(concern.tracking_code) <= set(studios.CODE_ALPHABET)
    # the address is kept only as a keyed hash
    assert (concern.client_hash, "203.0.113.9" in concern.client_hash) == (studios.client_hash("203.0.113.9"), False)
    assert concern.photo.name.startswith("concerns/")
    # the studio's members and the committee's staff hear
    assert told("A concern was raised at 医药卫生界委员工作室") == ["alice", "bob", "fiona"]
    # name and place are optional
    other = submit(cw, name="", place="", description="另一件事：小区垃圾清运不及时，气味很大。")
    assert (other.name, other.place, other.tracking_code != concern.tracking_code) == ("", "", True)


@pytest.mark.parametrize("phone", ["13912345678", "19900001111", "139 1234 5678", "010-12345678", "0571-8765432",
                                   "02112345678"])
def test_mobile_and_landline_numbers_are_accepted(cw, phone):
    assert submit(cw, phone=phone).phone == phone.replace(" ", "")


@pytest.mark.parametrize("phone", ["", "12345678901", "1391234567", "139123456789", "+8613912345678",
                                   "010-123456", "电话13912345678", "1391234567a", "139-1234-5678"])
def test_malformed_phone_numbers_are_refused(cw, phone):
    assert refused(cw, phone=phone) == {"phone": [PHONE]}


def test_empty_oversized_or_overlong_fields_are_refused_by_field(cw):
    for description in ("", "          ", "路灯坏了很久没人修"):  # the last has 9 characters
        assert refused(cw, description=description) == {"description": ["Describe the concern in at least 10 "
                                                                         "characters."]}
    assert refused(cw, description="路" * 2001) == {"description": ["At most 2000 characters."]}
    assert refused(cw, name="李" * 31) == {"name": ["At most 30 characters."]}
    assert refused(cw, place="幸" * 101) == {"place": ["At most 100 characters."]}
    assert refused(cw, phone="110", description="", name="李" * 31, place="幸" * 101) == {
        "phone": [PHONE], "description": ["Describe the concern in at least 10 characters."],
        "name": ["At most 30 characters."], "place": ["At most 100 characters."]}
    assert Concern.objects.count() == 0
    # at the limits it is accepted
    assert len(submit(cw, description="路" * 2000, name="李" * 30, place="幸" * 100).description) == 2000


def test_a_photo_must_be_a_picture(cw):
    assert refused(cw, photo=pdf()) == {"photo": ["Attach a photo (JPEG or PNG)."]}
    script = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    assert refused(cw, photo=script) == {"photo": [
        "photo.jpg is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint "
        "document."]}
    assert Concern.objects.count() == 0


def test_a_filled_hidden_field_or_a_form_sent_too_fast_is_a_script(cw):
    assert refused(cw, website="http://spam.example") == {"description": [TOO_QUICK]}
    assert refused(cw, seconds_to_fill=2.9) == {"description": [TOO_QUICK]}
    assert refused(cw, seconds_to_fill=0) == {"description": [TOO_QUICK]}
    assert Concern.objects.count() == 0
    assert submit(cw, seconds_to_fill=3).status == ConcernStatus.NEW
    assert submit(cw, seconds_to_fill=None, description=f"另外：{TEXT}").status == ConcernStatus.NEW


def test_one_client_raises_at_most_five_an_hour_others_are_not_held_back(cw):
    first = [submit(cw, description=f"第{n}件事：{TEXT}", phone=f"1391234567{n}") for n in range(studios.INTAKE_LIMIT)]
    assert refused(cw, description=f"第六件事：{TEXT}") == {"description": [TOO_MANY]}
    # the limit is per client, not across clients, and not per studio
    assert submit(cw, description=f"第六件事：{TEXT}", client="198.51.100.7").status == ConcernStatus.NEW
    assert refused(cw, studio=cw.studio_a1, description=f"第七件事：{TEXT}") == {"description": [TOO_MANY]}
    # an hour later the first one no longer counts
    aged(first[0], minutes=61)
    assert submit(cw, description=f"第七件事：{TEXT}").status == ConcernStatus.NEW
    assert Concern.objects.count() == studios.INTAKE_LIMIT + 2


def test_the_same_text_from_the_same_phone_within_a_day_is_refused(cw):
    first = submit(cw)
    assert refused(cw, client="198.51.100.7") == {"description": [REPEATED]}
    assert refused(cw, client="198.51.100.7", description=f"  {TEXT} ") == {"description": [REPEATED]}
    assert submit(cw, phone="13800001111", client="198.51.100.8").phone == "13800001111"
    aged(first, hours=25)
    assert submit(cw, client="198.51.100.9").phone == "13912345678"


def test_a_studio_not_taking_concerns_refuses_them(cw):
    type(cw.studio_a).objects.filter(pk=cw.studio_a.pk).update(is_active=False)
    assert refused(cw, studio=reload(cw.studio_a)) == {"studio": ["This studio does not take concerns at the moment."]}


def test_hostile_text_is_kept_as_text_and_the_status_page_shows_none_of_it(cw):
    hostile = "<script>alert('x')</script> 小区门口路灯坏了"
    concern = submit(cw, description=hostile, name="<b>李</b>", place="<img src=x onerror=alert(1)>")
    assert (reload(concern).description, reload(concern).name) == (hostile, "<b>李</b>")
    public = studios.concern_public_status(concern.tracking_code)
    assert set(public) == PUBLIC_KEYS
    assert ("script" in str(public), "李" in str(public), "img" in str(public), "13912345678" in str(public)) == (
        False, False, False, False)


# --- handling a concern ---------------------------------------------------------------------------------


def test_the_studio_or_its_staff_assign_a_concern_to_a_member_of_it(cw):
    concern = submit(cw)
    assigned = studios.concern_assign(actor=cw.alice, concern=concern, member=cw.bob_seat)
    assert (assigned.status, assigned.assigned_to, assigned.assigned_at is not None) == (
        ConcernStatus.ASSIGNED, cw.bob_seat, True)
    assert told(f"A concern is given to you: {concern.tracking_code}") == ["bob"]
    # given again (to the same or another member of the studio)
    studio_update(actor=cw.alice, studio=cw.studio_a, members=[cw.bob_seat, cw.cindy_seat])
    again = studios.concern_assign(actor=cw.bob, concern=assigned, member=cw.cindy_seat)
    assert (again.status, again.assigned_to) == (ConcernStatus.ASSIGNED, cw.cindy_seat)
    assert studios.concern_assign(actor=cw.fiona, concern=again, member=cw.bob_seat).assigned_to == cw.bob_seat


def test_a_concern_goes_only_to_a_member_of_the_studio_and_only_by_those_who_run_it(cw):
    concern = submit(cw)
    for member in (cw.cindy_seat, cw.ada_seat, cw.ben_seat):
        assert invalid(studios.concern_assign, actor=cw.alice, concern=concern, member=member) == {
            "member": ["Choose a serving member of this studio."]}
    for user in outsiders(cw):
        assert denied(studios.concern_assign, actor=user, concern=concern, member=cw.bob_seat) == RUNNERS_ONLY
        assert denied(studios.concern_reply, actor=user, concern=concern, reply="已收到，正在处理。") == RUNNERS_ONLY
        assert denied(studios.concern_close, actor=user, concern=concern, note="重复反映") == RUNNERS_ONLY
    assert reload(concern).status == ConcernStatus.NEW


def test_answering_moves_a_new_or_assigned_concern_to_answered(cw):
    concern = studios.concern_reply(actor=cw.bob, concern=submit(cw), reply="  已联系街道办，本周内修复。  ")
    assert (concern.status, concern.reply, concern.replied_by, concern.replied_at is not None) == (
        ConcernStatus.REPLIED, "已联系街道办，本周内修复。", cw.bob, True)
    # a second answer replaces the first and keeps the state
    concern = studios.concern_reply(actor=cw.alice, concern=concern, reply="路灯已于昨日修复，感谢反映。")
    assert (concern.status, concern.reply, concern.replied_by) == (ConcernStatus.REPLIED, "路灯已于昨日修复，感谢反映。",
                                                                   cw.alice)
    assigned = studios.concern_assign(actor=cw.alice, concern=submit(cw, phone="13800001111"), member=cw.bob_seat)
    assert studios.concern_reply(actor=cw.bob, concern=assigned, reply="已记录，正在协调。").status == (
        ConcernStatus.REPLIED)
    # an answered concern is not given to someone again
    assert conflict(studios.concern_assign, actor=cw.alice, concern=concern, member=cw.bob_seat) == (
        not_now(ConcernStatus.REPLIED))


def test_an_answer_is_checked_and_a_closed_concern_takes_none(cw):
    concern = submit(cw)
    assert invalid(studios.concern_reply, actor=cw.bob, concern=concern, reply="  ") == {
        "reply": ["This field is required."]}
    assert invalid(studios.concern_reply, actor=cw.bob, concern=concern, reply="收到") == {
        "reply": ["At least 4 characters."]}
    assert invalid(studios.concern_reply, actor=cw.bob, concern=concern, reply="答" * 2001) == {
        "reply": ["At most 2000 characters."]}
    closed = studios.concern_close(actor=cw.bob, concern=concern, note="重复反映，已合并处理")
    assert conflict(studios.concern_reply, actor=cw.bob, concern=closed, reply="已联系街道办处理。") == (
        "This concern is closed.")
    assert (reload(concern).reply, reload(concern).status) == ("", ConcernStatus.CLOSED)


def test_closing_without_an_answer_needs_a_reason(cw):
    concern = submit(cw)
    assert invalid(studios.concern_close, actor=cw.bob, concern=concern) == {
        "note": ["Say why it is closed without an answer."]}
    assigned = studios.concern_assign(actor=cw.alice, concern=concern, member=cw.bob_seat)
    assert invalid(studios.concern_close, actor=cw.bob, concern=assigned, note="  ") == {
        "note": ["Say why it is closed without an answer."]}
    assert invalid(studios.concern_close, actor=cw.bob, concern=assigned, note="注" * 501) == {
        "note": ["At most 500 characters."]}
    closed = studios.concern_close(actor=cw.alice, concern=assigned, note="非本工作室受理范围，已告知来电人")
    assert (closed.status, closed.close_note, closed.closed_at is not None) == (
        ConcernStatus.CLOSED, "非本工作室受理范围，已告知来电人", True)
    assert conflict(studios.concern_close, actor=cw.alice, concern=closed, note="再次关闭") == (
        not_now(ConcernStatus.CLOSED))
    # an answered one closes without a reason
    answered = studios.concern_reply(actor=cw.bob, concern=submit(cw, phone="13800001111"), reply="已修复，感谢反映。")
    assert studios.concern_close(actor=cw.bob, concern=answered).status == ConcernStatus.CLOSED


def test_a_member_of_the_studio_takes_a_concern_up_as_a_micro_suggestion_in_their_own_name(cw, sent):
    studio_update(actor=cw.alice, studio=cw.studio_a, members=[cw.bob_seat, cw.cindy_seat])
    concern = studios.concern_assign(actor=cw.alice, concern=submit(cw), member=cw.cindy_seat)
    concern = studios.concern_convert(actor=cw.bob, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                                      title="  幸福小区门口路灯损坏亟待维修 ", category=cw.cat_city)
    case = Case.objects.get(pk=concern.converted_case_id)
    assert (concern.status, concern.conversion, concern.converted_by, concern.converted_at is not None,
            concern.assigned_to) == (ConcernStatus.CONVERTED, ConcernConversion.MICRO_SUGGESTION, cw.bob_seat, True,
                                     cw.cindy_seat)
    # the item is bob's, whoever the concern was given to
    assert (case.submitter, case.submitted_by, case.title, case.category, case.status) == (
        cw.bob_seat, cw.bob, "幸福小区门口路灯损坏亟待维修", cw.cat_city, CaseStatus.ROUTING)
    assert case.content == (f"{TEXT}\n\n（地点：幸福小区3号楼）\n\n（群众通过医药卫生界委员工作室反映，编号 "
                            f"{concern.tracking_code}）")
    assert ("13912345678" in case.content, "李大爷" in case.content) == (False, False)
    assert OutboxMessage.objects.filter(key=micro_suggestions.route_key(case.pk)).count() == 1
    # once taken up it is not taken up again, and closes when done
    assert conflict(studios.concern_convert, actor=cw.bob, concern=concern, to=ConcernConversion.PROPOSAL,
                    title="幸福小区路灯维修的建议") == not_now(ConcernStatus.CONVERTED)
    assert studios.concern_close(actor=cw.bob, concern=concern).status == ConcernStatus.CLOSED


def test_an_unassigned_concern_taken_up_is_the_takers(cw):
    concern = studios.concern_convert(actor=cw.bob, concern=submit(cw, place=""), to=ConcernConversion.MICRO_SUGGESTION,
                                      title="幸福小区门口路灯损坏亟待维修")
    assert (concern.assigned_to, reload(concern).converted_case.content) == (
        cw.bob_seat, f"{TEXT}\n\n（群众通过医药卫生界委员工作室反映，编号 {concern.tracking_code}）")


def test_only_a_member_of_the_studio_takes_a_concern_up(cw):
    concern = submit(cw)
    for user in (cw.alice, cw.fiona, cw.root, *outsiders(cw)):  # staff too: it is done in a member's own name
        assert denied(studios.concern_convert, actor=user, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                      title="幸福小区门口路灯损坏亟待维修") == OWN_NAME
    assert invalid(studios.concern_convert, actor=cw.bob, concern=concern, to="letter",
                   title="幸福小区门口路灯损坏亟待维修") == {"to": ["Choose what the concern becomes."]}
    assert invalid(studios.concern_convert, actor=cw.bob, concern=concern, to=ConcernConversion.PROPOSAL,
                   title="路灯坏了") == {"title": ["At least 6 characters."]}
    closed = studios.concern_close(actor=cw.alice, concern=concern, note="来电人已撤回诉求")
    assert conflict(studios.concern_convert, actor=cw.bob, concern=closed, to=ConcernConversion.PROPOSAL,
                    title="关于幸福小区路灯维修的建议") == not_now(ConcernStatus.CLOSED)
    assert (Case.objects.count(), Proposal.objects.count(), InformationItem.objects.count()) == (0, 0, 0)


def test_a_concern_taken_up_as_a_proposal_draft(cw):
    concern = studios.concern_convert(actor=cw.bob, concern=submit(cw), to=ConcernConversion.PROPOSAL,
                                      title="关于加强老旧小区照明设施维护的建议", category=cw.cat_city)
    proposal = Proposal.objects.get(pk=concern.converted_proposal_id)
    assert (proposal.status, proposal.proposer, proposal.submitted_by, proposal.title, proposal.reason,
            proposal.suggestions, proposal.category) == (
        ProposalStatus.DRAFT, cw.bob_seat, cw.bob, "关于加强老旧小区照明设施维护的建议", TEXT, "（具体建议待委员补充完善后提交。）",
        cw.cat_city)
    assert concern.tracking_code in proposal.analysis and "13912345678" not in proposal.analysis
    public = studios.concern_public_status(concern.tracking_code)
    assert (public["status"], public["conversion"], public["conversion_label"], public["handling"],
            public["replies"]) == (ConcernStatus.CONVERTED, "proposal", str(ConcernConversion.PROPOSAL.label), str(ProposalStatus.DRAFT.label), [])


def test_a_concern_taken_up_as_a_social_conditions_draft(cw):
    concern = studios.concern_convert(actor=cw.bob, concern=submit(cw), to=ConcernConversion.INFORMATION,
                                      title="老旧小区照明设施失修问题突出")
    item = InformationItem.objects.get(pk=concern.converted_information_id)
    assert (item.status, item.committee, item.submitted_by, item.title) == (
        InformationStatus.DRAFT, cw.a, cw.bob, "老旧小区照明设施失修问题突出")
    assert [(a.member, a.order) for a in item.authors.all()] == [(cw.bob_seat, 1)]
    assert ("幸福小区3号楼" in item.content, concern.tracking_code in item.content, "13912345678" in item.content,
            "李大爷" in item.content) == (True, True, False, False)
    public = studios.concern_public_status(concern.tracking_code)
    assert (public["conversion"], public["conversion_label"], public["handling"]) == (
        "information", str(ConcernConversion.INFORMATION.label), str(InformationStatus.DRAFT.label))


# --- the public status page -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["", "  ", "ABC", "ABC-DEF-123", "<script>", "A" * 17, "ABCDEF'--", None])
def test_a_malformed_code_shows_nothing(cw, code):
    submit(cw)
    assert studios.concern_public_status(code) is None


def test_the_status_page_follows_the_concern_without_personal_data(cw):
    concern = submit(cw)
    assert studios.concern_public_status("ABCDEFGHJK" if concern.tracking_code != "ABCDEFGHJK" else "KJHGFEDCBA") \
        is None
    public = studios.concern_public_status(f"  {concern.tracking_code.lower()} ")
    assert public == {"code": concern.tracking_code, "studio": "医药卫生界委员工作室", "received_at": concern.created_at,
                      "status": ConcernStatus.NEW, "status_label": str(ConcernStatus.NEW.label), "reply": "", "replied_at": None,
                      "conversion": "", "conversion_label": "", "converted_at": None, "handling": None,
                      "replies": []}
    concern = studios.concern_reply(actor=cw.bob, concern=concern, reply="已转交街道办，请留意回复。")
    public = studios.concern_public_status(concern.tracking_code)
    assert (public["status"], public["status_label"], public["reply"], public["replied_at"]) == (
        ConcernStatus.REPLIED, str(ConcernStatus.REPLIED.label), "已转交街道办，请留意回复。", concern.replied_at)

    concern = studios.concern_convert(actor=cw.bob, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                                      title="幸福小区门口路灯损坏亟待维修", category=cw.cat_city)
    case = concern.converted_case
    handling.case_route(actor=cw.alice, case=case, lead_department=cw.dept_a3)
    public = studios.concern_public_status(concern.tracking_code)
    assert set(public) == PUBLIC_KEYS | {"closed"}
    assert (public["handling"], public["closed"], public["replies"]) == (
        Case.objects.get(pk=case.pk).get_status_display(), False, [])
    handling.assignment_reply(actor=cw.jack, assignment=Assignment.objects.get(case=case),
                              text="已安排维修队更换路灯，本周内完成。")
    public = studios.concern_public_status(concern.tracking_code)
    assert [(r["department"], r["text"]) for r in public["replies"]] == [("甲市住房和城乡建设局",
                                                                          "已安排维修队更换路灯，本周内完成。")]
    assert ("李大爷" in str(public), "13912345678" in str(public), "幸福小区" in str(public), TEXT in str(public)) == (
        False, False, False, False)


# --- a quarter's concerns -------------------------------------------------------------------------------


def at(year, month, day, hour=0, minute=0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def test_a_quarter_holds_the_concerns_received_from_its_first_to_its_last_day(cw):
    moments = {"q2 end": at(YEAR, 6, 30, 23, 59), "q3 start": at(YEAR, 7, 1), "q3 end": at(YEAR, 9, 30, 23, 59),
               "q4 start": at(YEAR, 10, 1), "q4 end": at(YEAR, 12, 31, 23, 59), "next q1": at(YEAR + 1, 1, 1)}
    made = {}
    for n, (label, when) in enumerate(moments.items()):
        made[label] = submit(cw, description=f"{label}：{TEXT}", client=f"203.0.113.{n}")
        Concern.objects.filter(pk=made[label].pk).update(created_at=when)
    other = submit(cw, studio=cw.studio_a1, description=f"另一个工作室：{TEXT}", client="198.51.100.1")
    Concern.objects.filter(pk=other.pk).update(created_at=at(YEAR, 8, 1))

    def quarter(code):
        return [c.pk for c in studios.quarter_concerns(cw.studio_a, code)]

    assert quarter(f"{YEAR}Q3") == [made["q3 start"].pk, made["q3 end"].pk]
    assert quarter(f"{YEAR}Q4") == [made["q4 start"].pk, made["q4 end"].pk]
    assert quarter(f"{YEAR}Q2") == [made["q2 end"].pk]
    assert quarter(f"{YEAR + 1}Q1") == [made["next q1"].pk]
    assert quarter(f"{YEAR}Q1") == []


# --- studio activities ----------------------------------------------------------------------------------


def activity_args(cw, **overrides) -> dict:
    starts = at(YEAR, 9, 15, 9)
    return {"actor": cw.bob, "studio": cw.studio_a, "kind": StudioActivityKind.SEMINAR, "title": "社区养老服务座谈会",
            "starts_at": starts, "ends_at": starts + dt.timedelta(hours=2), "place": "幸福社区服务中心", **overrides}


def test_a_studio_activity_lists_the_studios_members_as_taking_part(cw):
    activity = studios.studio_activity_save(**activity_args(cw))
    assert (activity.studio, activity.kind, activity.title, activity.quarter, activity.created_by) == (
        cw.studio_a, StudioActivityKind.SEMINAR, "社区养老服务座谈会", "", cw.bob)
    assert list(Participant.objects.filter(studio_activity=activity).values_list(
        "member", "user", "name", "role", "invitation")) == [
        (cw.bob_seat.pk, cw.bob.pk, "王博", ParticipantRole.MEMBER, InvitationStatus.ACCEPTED)]
    assert list(DutyDirty.objects.values_list("member", "year")) == [(cw.bob_seat.pk, YEAR)]
    # or the members given, of the committee
    chosen = studios.studio_activity_save(**activity_args(cw, actor=cw.alice, members=[cw.bob_seat, cw.cindy_seat,
                                                                                       cw.bob_seat]))
    assert sorted(chosen.participants.values_list("member", flat=True)) == sorted([cw.bob_seat.pk,
                                                                                   cw.cindy_seat.pk])
    # a change keeps who took part
    changed = studios.studio_activity_save(actor=cw.fiona, studio=None, activity=chosen,
                                           kind=StudioActivityKind.VISIT, title="走访独居老人", starts_at=chosen.starts_at,
                                           ends_at=chosen.ends_at)
    assert (changed.pk, changed.kind, changed.title, changed.place, changed.participants.count()) == (
        chosen.pk, StudioActivityKind.VISIT, "走访独居老人", "", 2)


def test_a_follow_up_meeting_names_the_quarter_it_reviews(cw):
    follow_up = {"kind": StudioActivityKind.FOLLOW_UP, "title": "第三季度跟踪会"}
    for quarter in ("", f"{YEAR}Q5", f"{YEAR}Q0", "26Q3", f"{YEAR}-Q3", f"{YEAR} Q3", "Q3"):
        assert invalid(studios.studio_activity_save, **activity_args(cw, quarter=quarter, **follow_up)) == {
            "quarter": ["Give the quarter the meeting reviews, like 2026Q3."]}
    assert studios.studio_activity_save(**activity_args(cw, quarter=f" {YEAR}q3 ", **follow_up)).quarter == (
        f"{YEAR}Q3")
    # other kinds review no quarter
    assert studios.studio_activity_save(**activity_args(cw, quarter=f"{YEAR}Q3")).quarter == ""


def test_a_studio_activity_is_checked_and_nothing_is_half_written(cw):
    starts = at(YEAR, 9, 15, 9)
    assert invalid(studios.studio_activity_save, **activity_args(cw, kind="party")) == {
        "kind": ["Choose the kind of activity."]}
    assert invalid(studios.studio_activity_save, **activity_args(cw, title="座谈")) == {
        "title": ["At least 4 characters."]}
    assert invalid(studios.studio_activity_save, **activity_args(cw, place="地" * 201)) == {
        "place": ["At most 200 characters."]}
    for ends in (starts - dt.timedelta(minutes=1), "2026-09-15 11:00", None):
        assert invalid(studios.studio_activity_save, **activity_args(cw, ends_at=ends)) == {
            "ends_at": ["Give the start and an end not before it."]}
    assert invalid(studios.studio_activity_save, **activity_args(cw, members=[cw.bob_seat, cw.ada_seat])) == {
        "members": ["Choose members of this committee."]}
    assert (StudioActivity.objects.count(), Participant.objects.filter(studio_activity__isnull=False).count(),
            DutyDirty.objects.count()) == (0, 0, 0)


def test_only_the_studio_and_its_staff_record_its_activities(cw):
    for user in outsiders(cw):
        assert denied(studios.studio_activity_save, **activity_args(cw, actor=user)) == RUNNERS_ONLY
    assert denied(studios.studio_activity_save, **activity_args(cw, actor=cw.alice, studio=cw.studio_a1)) == (
        RUNNERS_ONLY)
    assert studios.studio_activity_save(**activity_args(cw, actor=cw.fiona, studio=cw.studio_a1)).studio == (
        cw.studio_a1)
