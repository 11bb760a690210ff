"""Result pages: writing the result of a held session, approval by a leader, sending,
leader instructions, implementation follow-up by staff and the departments concerned, the
list of instructions, and the home-page section. Each per role, with refusals and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from consultations.choices import ConsultationForm, InstructionLevel, ResultStatus
from consultations.consultation_views import home_section
from consultations.models import FollowUp, Instruction, Result
from consultations.services import consultations as cs
from tests.consultations.test_consultation_pages import client, flashed

pytestmark = pytest.mark.django_db

TEXT = "一、现状与问题：托育机构供给不足。二、对策建议：加大财政补贴，扩大普惠托位供给，加强人才培养。"
TODAY = timezone.localdate()


def draft(cw, **fields) -> Result:
    session = fields.pop("session", None) or cw.held(cw.session(form=ConsultationForm.COUNTERPART,
                                                                departments=[cw.dept_a]))
    return cs.result_save(actor=cw.alice, consultation=session, title=fields.pop("title", "关于普惠托育的协商报告"),
                          text_=TEXT, departments=fields.pop("departments", [cw.dept_a]))


def sent(cw, **fields) -> Result:
    result = cs.result_approve(actor=cw.lily, result=draft(cw, **fields))
    return cs.result_send(actor=cw.alice, result=result, recipients=["party", "government", "departments"])


# --- writing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 403), ("bob", 403), ("carol", 403),
                                              ("dave", 404), ("eve", 404)])
def test_result_form_is_for_staff_once_held(cw, role, status):
    session = cw.held(cw.session(form=ConsultationForm.COUNTERPART, departments=[cw.dept_a]))
    assert client(getattr(cw, role)).get(f"/consultations/{session.pk}/result/new/").status_code == status


def test_no_result_before_the_session_is_held(cw):
    session = cw.invited()
    assert client(cw.alice).get(f"/consultations/{session.pk}/result/new/").status_code == 403


def test_staff_write_the_result_of_a_held_session(cw):
    session = cw.held(cw.session(form=ConsultationForm.COUNTERPART, departments=[cw.dept_a]))
    form = client(cw.alice).get(f"/consultations/{session.pk}/result/new/").context["form"]
    assert (form.initial["title"], form.initial["departments"]) == ("Consultation report on 普惠托育专题协商会",
                                                                    [cw.dept_a.pk])
    response = client(cw.alice).post(f"/consultations/{session.pk}/result/new/", {
        "title": "关于普惠托育的协商报告", "text": TEXT, "departments": [cw.dept_a.pk, cw.dept_a2.pk]})
    result = Result.objects.get()
    assert (response["Location"], flashed(response)) == (
        f"/consultations/results/{result.pk}/",
        ["The result is saved as a draft; a leader approves it before it is sent."])
    assert (result.status, result.consultation, result.committee, result.created_by) == (
        ResultStatus.DRAFT, session, cw.a, cw.alice)
    assert set(result.departments.all()) == {cw.dept_a, cw.dept_a2}


@pytest.mark.parametrize(("data", "errors"), [
    ({"text": "太短的成果。"}, {"text": ["At least 20 characters."]}),
    ({"title": "报告"}, {"title": ["At least 4 characters."]}),
    ({"title": "报" * 121}, {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
    ({"departments": ["dept_b"]}, {"departments": ["Select a valid choice. {dept_b} is not one of the available "
                                                   "choices."]}),
])
def test_bad_results_are_refused_at_the_field(cw, data, errors):
    session = cw.held()
    if data.get("departments") == ["dept_b"]:
        data = {"departments": [cw.dept_b.pk]}
        errors = {"departments": [errors["departments"][0].format(dept_b=cw.dept_b.pk)]}
    response = client(cw.alice).post(f"/consultations/{session.pk}/result/new/", {
        "title": "关于普惠托育的协商报告", "text": TEXT, **data})
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert Result.objects.count() == 0


def test_staff_change_a_draft_only(cw):
    result = draft(cw)
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/edit/", {
        "title": "关于加快发展普惠托育的协商报告", "text": TEXT + "三、保障措施。"})
    result.refresh_from_db()
    assert (response.status_code, result.title, list(result.departments.all())) == (
        302, "关于加快发展普惠托育的协商报告", [])
    assert client(cw.lily).get(f"/consultations/results/{result.pk}/edit/").status_code == 403
    cs.result_approve(actor=cw.lily, result=result)
    assert client(cw.alice).get(f"/consultations/results/{result.pk}/edit/").status_code == 403


def test_a_hostile_result_is_escaped(cw):
    result = draft(cw, title="<script>alert(1)</script>报告")
    for url in ("/consultations/results/", f"/consultations/results/{result.pk}/"):
        content = client(cw.alice).get(url).content.decode()
        assert "<script>alert(1)" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;报告" in content


# --- seeing results ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "visible"), [
    ("alice", ["draft", "sent"]), ("lily", ["draft", "sent"]), ("root", ["draft", "sent"]),
    ("bob", ["sent"]), ("carol", ["sent"]), ("hank", []), ("dave", []), ("ben", []), ("eve", []),
])
def test_result_list_shows_each_role_its_scope(cw, role, visible):
    results = {"draft": draft(cw, title="关于城区停车的协商报告", departments=[cw.dept_a2]),
               "sent": sent(cw)}
    response = client(getattr(cw, role)).get("/consultations/results/")
    assert response.status_code == 200
    assert sorted(r.pk for r in response.context["object_list"]) == sorted(results[v].pk for v in visible)


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 200), ("bob", 404), ("carol", 404),
                                              ("eve", 404)])
def test_a_draft_result_per_role(cw, role, status):
    result = draft(cw)
    assert client(getattr(cw, role)).get(f"/consultations/results/{result.pk}/").status_code == status


def test_result_list_filters_by_status_and_instruction(cw):
    waiting = draft(cw, title="关于城区停车的协商报告")
    instructed = sent(cw)
    cs.instruction_record(actor=cw.lily, target=instructed, leader_name="王市长", level=InstructionLevel.GOVERNMENT,
                          instructed_on=TODAY, text_="请市教育局牵头落实。")
    c = client(cw.alice)
    assert [r.pk for r in c.get("/consultations/results/?status=draft").context["object_list"]] == [waiting.pk]
    assert [r.pk for r in c.get("/consultations/results/?instructed=true").context["object_list"]] == [instructed.pk]
    assert [r.instruction_count for r in c.get("/consultations/results/").context["object_list"]] == [1, 0]


# --- approval and sending -------------------------------------------------------------------------------------


def test_leader_approves_and_staff_send(cw):
    result = draft(cw)
    page = client(cw.lily).get(f"/consultations/results/{result.pk}/").context
    assert (page["can_approve"], page["can_send"], "approve_form" in page) == (True, False, True)
    response = client(cw.lily).post(f"/consultations/results/{result.pk}/approve/", {"approve-note": "同意报送"})
    assert (response["Location"], flashed(response)) == (f"/consultations/results/{result.pk}/",
                                                         ["The result is approved; staff send it."])
    result.refresh_from_db()
    assert (result.status, result.approved_by) == (ResultStatus.APPROVED, cw.lily)
    assert client(cw.lily).post(f"/consultations/results/{result.pk}/send/",
                                {"send-recipients": ["party"]}).status_code == 403
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/send/", {
        "send-recipients": ["party", "government", "departments"]})
    assert flashed(response) == ["The result is sent."]
    result.refresh_from_db()
    assert (result.status, result.recipients) == (ResultStatus.SENT, ["party", "government", "departments"])
    assert cw.carol.notifications.filter(title="A consultation result concerns you: 关于普惠托育的协商报告").count() == 1


def test_leader_returns_an_approved_result_with_a_reason(cw):
    result = cs.result_approve(actor=cw.lily, result=draft(cw))
    response = client(cw.lily).post(f"/consultations/results/{result.pk}/return/", {"return-note": ""})
    assert (response.status_code, response.context["return_form"].errors) == (
        200, {"note": ["This field is required."]})
    response = client(cw.lily).post(f"/consultations/results/{result.pk}/return/", {"return-note": "数据需核实"})
    assert flashed(response) == ["The result is back to draft."]
    result.refresh_from_db()
    assert (result.status, result.approved_by) == (ResultStatus.DRAFT, None)


def test_sending_to_departments_needs_them_named(cw):
    result = cs.result_approve(actor=cw.lily, result=draft(cw, departments=[]))
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/send/", {
        "send-recipients": ["departments"]})
    assert (response.status_code, response.context["send_form"].errors) == (
        200, {"recipients": ["Name the departments concerned first."]})
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/send/", {"send-recipients": []})
    assert response.context["send_form"].errors == {"recipients": ["This field is required."]}
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/send/", {"send-recipients": ["mayor"]})
    assert response.context["send_form"].errors == {
        "recipients": ["Select a valid choice. mayor is not one of the available choices."]}
    result.refresh_from_db()
    assert result.status == ResultStatus.APPROVED


def test_a_step_not_possible_now_is_a_message(cw):
    result = draft(cw)
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/return/", {"return-note": "数据需核实"})
    assert flashed(response) == ["This is Draft; that step is not possible now."]


def test_members_and_departments_do_not_approve(cw):
    result = sent(cw)
    for user in (cw.bob, cw.carol):
        assert client(user).post(f"/consultations/results/{result.pk}/approve/").status_code == 403
        assert client(user).post(f"/consultations/results/{result.pk}/instructions/").status_code == 403
    assert client(cw.dave).post(f"/consultations/results/{result.pk}/approve/").status_code == 404


# --- instructions and follow-up ---------------------------------------------------------------------------------


INSTRUCTION = {"instruction-leader_name": "王市长", "instruction-leader_title": "市长",
               "instruction-level": InstructionLevel.GOVERNMENT, "instruction-text": "请市教育局牵头研究落实。"}


def test_leader_records_an_instruction(cw):
    result = sent(cw)
    response = client(cw.lily).post(f"/consultations/results/{result.pk}/instructions/", {
        **INSTRUCTION, "instruction-instructed_on": TODAY.isoformat()})
    assert (response["Location"], flashed(response)) == (f"/consultations/results/{result.pk}/#instructions",
                                                         ["The instruction is recorded."])
    instruction = Instruction.objects.get()
    assert (instruction.result, instruction.leader_name, instruction.level, instruction.instructed_on,
            instruction.recorded_by) == (result, "王市长", "government", TODAY, cw.lily)


@pytest.mark.parametrize(("data", "errors"), [
    ({"instruction-instructed_on": (TODAY + dt.timedelta(days=1)).isoformat()},
     {"instructed_on": ["Give the day of the instruction (not in the future)."]}),
    ({"instruction-level": "emperor"},
     {"level": ["Select a valid choice. emperor is not one of the available choices."]}),
    ({"instruction-leader_name": "王"}, {"leader_name": ["At least 2 characters."]}),
    ({"instruction-text": "批" * 5001}, {"text": ["Ensure this value has at most 5000 characters (it has 5001)."]}),
])
def test_bad_instructions_are_refused_at_the_field(cw, data, errors):
    result = sent(cw)
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/instructions/", {
        **INSTRUCTION, "instruction-instructed_on": TODAY.isoformat(), **data})
    assert (response.status_code, response.context["instruction_form"].errors) == (200, errors)
    assert Instruction.objects.count() == 0


def test_no_instruction_before_the_result_is_sent(cw):
    result = draft(cw)
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/instructions/", {
        **INSTRUCTION, "instruction-instructed_on": TODAY.isoformat()})
    assert flashed(response) == ["Instructions are recorded on a result once it is sent."]


def test_the_department_concerned_reports_its_follow_up(cw):
    result = sent(cw)
    form = client(cw.carol).get(f"/consultations/results/{result.pk}/").context["follow_up_form"]
    assert (list(form.fields["department"].queryset), "implemented" in form.fields) == ([cw.dept_a], False)
    response = client(cw.carol).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-department": cw.dept_a.pk,
        "follow_up-text": "已制定普惠托育补贴办法，新增托位800个。"})
    assert (response["Location"], flashed(response)) == (f"/consultations/results/{result.pk}/#follow-up",
                                                         ["The follow-up is recorded."])
    assert list(FollowUp.objects.values_list("department", "recorded_by__username", "implemented")) == [
        (cw.dept_a.pk, "carol", False)]
    assert cw.alice.notifications.filter(title="Follow-up reported on 关于普惠托育的协商报告").count() == 1


def test_a_department_records_only_its_own_follow_up(cw):
    result = sent(cw)
    response = client(cw.carol).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-department": cw.dept_a2.pk,
        "follow_up-text": "代卫健委报告进展。", "follow_up-implemented": "on"})
    assert response.context["follow_up_form"].errors == {
        "department": ["Select a valid choice. That choice is not one of the available choices."]}
    assert client(cw.hank).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-text": "报告进展。"}).status_code == 404
    assert client(cw.bob).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-text": "报告进展。"}).status_code == 403
    assert FollowUp.objects.count() == 0


def test_staff_close_the_result_as_implemented(cw):
    result = sent(cw)
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-text": "各项建议均已落实，成果办结。",
        "follow_up-implemented": "on"})
    assert flashed(response) == ["Implemented: the result is closed."]
    result.refresh_from_db()
    assert result.status == ResultStatus.CLOSED
    assert "follow_up_form" not in client(cw.alice).get(f"/consultations/results/{result.pk}/").context
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-text": "再补充一条。"})
    assert flashed(response) == ["Follow-up is recorded on a sent result until it is closed."]


@pytest.mark.parametrize(("data", "errors"), [
    ({"follow_up-noted_on": (TODAY + dt.timedelta(days=3)).isoformat()}, {"noted_on": ["Give the day (not in the "
                                                                                        "future)."]}),
    ({"follow_up-text": "好"}, {"text": ["At least 4 characters."]}),
    ({"follow_up-noted_on": "上周"}, {"noted_on": ["Enter a valid date."]}),
])
def test_bad_follow_up_is_refused_at_the_field(cw, data, errors):
    result = sent(cw)
    response = client(cw.alice).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-text": "已制定补贴办法。", **data})
    assert (response.status_code, response.context["follow_up_form"].errors) == (200, errors)


def test_a_hostile_follow_up_is_escaped(cw):
    result = sent(cw)
    client(cw.carol).post(f"/consultations/results/{result.pk}/follow-up/", {
        "follow_up-noted_on": TODAY.isoformat(), "follow_up-department": cw.dept_a.pk,
        "follow_up-text": "<iframe src=//evil>已落实"})
    content = client(cw.alice).get(f"/consultations/results/{result.pk}/").content.decode()
    assert "<iframe" not in content and "&lt;iframe src=//evil&gt;已落实" in content


# --- the list of instructions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 200), ("root", 200), ("bob", 403),
                                              ("carol", 403), ("eve", 403)])
def test_instruction_list_is_for_staff_and_leaders(cw, role, status):
    assert client(getattr(cw, role)).get("/consultations/instructions/").status_code == status


def test_instruction_list_links_to_what_was_instructed(cw):
    result = sent(cw)
    instruction = cs.instruction_record(actor=cw.lily, target=result, leader_name="王市长",
                                        level=InstructionLevel.GOVERNMENT, instructed_on=TODAY,
                                        text_="请市教育局牵头研究落实。")
    item = cw.signed_off()
    on_item = cs.instruction_record(actor=cw.alice, target=item, leader_name="李书记", level=InstructionLevel.PARTY,
                                    instructed_on=TODAY - dt.timedelta(days=1), text_="请住建局研究解决。")
    response = client(cw.alice).get("/consultations/instructions/")
    assert list(response.context["object_list"]) == [instruction, on_item]
    content = response.content.decode()
    assert f'href="/consultations/results/{result.pk}/"' in content
    assert f'href="/information/{item.pk}/"' in content
    filtered = client(cw.alice).get("/consultations/instructions/?on=result").context["object_list"]
    assert list(filtered) == [instruction]
    assert list(client(cw.alice).get("/consultations/instructions/?level=party").context["object_list"]) == [on_item]


# --- the home page ----------------------------------------------------------------------------------------------


def _section(user):
    request = RequestFactory().get("/")
    request.user = user
    return home_section(request)


def test_home_section_shows_a_member_the_invitations_to_answer(cw):
    session = cw.invited()
    section = _section(cw.bob)
    assert [(s["label"], s["value"], s["url"]) for s in section["stats"]] == [
        ("Invitations to answer", 1, "/consultations/mine/")]
    assert [p.consultation for p in section["invitations"]] == [session]
    html = render_to_string(section["template"], {"section": section})
    assert f'href="/consultations/{session.pk}/"' in html
    cs.invitation_respond(actor=cw.bob, participant=session.participants.get(member=cw.bob_seat), accept=True)
    assert (_section(cw.bob)["stats"][0]["value"], _section(cw.bob)["invitations"]) == (0, [])


def test_home_section_shows_staff_the_topics_to_review(cw):
    cw.topic(status="proposed")
    cw.invited()
    draft(cw)
    section = _section(cw.alice)
    assert [(s["label"], s["value"]) for s in section["stats"]] == [
        ("Topics awaiting review", 1), ("Sessions coming", 1), ("Results awaiting approval", 1)]
    render_to_string(section["template"], {"section": section})
    assert [(s["label"], s["value"]) for s in _section(cw.lily)["stats"]] == [("Results awaiting approval", 1)]


def test_home_section_is_empty_for_others(cw):
    assert (_section(cw.eve), _section(cw.carol)) == (None, None)
