"""Pages of proposals after filing: the panels' forms (key proposal, supervision, the
procuratorial link, progress), the department's reply with its result category, staff review
of replies, the key-proposal, supervised and overdue lists, letters, the compilation and the
statistics. Each role's status code, each POST's real effect, and flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from members import services as directory
from members.choices import DepartmentKind
from proposals.choices import (
    AssignmentStatus,
    CaseKind,
    CaseStatus,
    ProcuratorateStatus,
    ReplyReview,
    SupervisionKind,
)
from proposals.models import Assignment, Case, ProcuratorateTransfer, Proposal, Reply, SupervisionActivity
from proposals.proposal_handling_views import proposal_panels
from proposals.services import config, handling, proposals

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    """Pages in English, so the messages compared are the source strings."""
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def w(pp):
    """``pp`` plus 甲市人民检察院 with its liaison pete, and a filed proposal of bob's led by
    甲市教育局 (carol) with 甲市卫生健康委员会 (hank) co-handling."""
    pp.procuratorate = directory.department_create(actor=pp.alice, committee=pp.a, name="甲市人民检察院",
                                                   kind=DepartmentKind.PROCURATORATE)
    pp.pete = directory.liaison_create(actor=pp.alice, department=pp.procuratorate, name="裴特",
                                       phone="13600000009", username="pete").user
    pp.proposal = pp.filed(lead=pp.dept_a, co=[pp.dept_a2])
    pp.lead = Assignment.objects.get(case=pp.proposal.case, department=pp.dept_a)
    pp.co = Assignment.objects.get(case=pp.proposal.case, department=pp.dept_a2)
    return pp


def url(name: str, pk: int) -> str:
    return {
        "detail": "/proposals/{}/",
        "key": "/proposals/{}/key/",
        "unkey": "/proposals/{}/key/remove/",
        "supervise": "/proposals/{}/supervision/",
        "transfer": "/proposals/{}/procuratorate/",
        "outcome": "/proposals/{}/procuratorate/outcome/",
        "progress": "/proposals/{}/progress/",
        "pdf": "/proposals/{}/letter.pdf",
    }[name].format(pk)


def reply_lead(w, text="已列入明年城市更新计划，分三年完成。", result_category="B", **extra):
    return handling.assignment_reply(actor=w.carol, assignment=w.lead, text=text, result_category=result_category,
                                     **extra)


def mark_key(w, proposal=None):
    return proposals.proposal_mark_key(actor=w.alice, proposal=proposal or w.proposal, leaders=[w.lily],
                                       plan="分管副市长牵头督办，年中视察。")


# --- the panels ---------------------------------------------------------------------------------------


def panels_for(user, proposal):
    request = RequestFactory().get("/")
    request.user = user
    return proposal_panels(request, Proposal.objects.get(pk=proposal.pk))["panels"]


def test_panels_offer_each_role_only_the_forms_it_may_submit(w):
    staff = panels_for(w.alice, w.proposal)
    assert (staff["key"]["mark_form"] is not None, staff["key"]["unmark_form"], staff["key"]["supervise_form"],
            staff["procuratorate"]["transfer_form"] is not None, staff["procuratorate"]["outcome_form"],
            staff["progress"]["form"]) == (True, None, None, True, None, None)
    member = panels_for(w.bob, w.proposal)
    assert (member["key"]["mark_form"], member["procuratorate"]["transfer_form"], member["progress"]["form"],
            member["letters"]["proposal_url"], member["letters"]["replies"]) == (
        None, None, None, f"/proposals/{w.proposal.pk}/letter.pdf", [])

    mark_key(w)
    reply = reply_lead(w)
    leader = panels_for(w.lily, w.proposal)
    assert (leader["key"]["is_key"], [u.username for u in leader["key"]["leaders"]],
            leader["key"]["supervise_form"] is not None, leader["key"]["mark_form"]) == (True, ["lily"], True, None)
    liaison = panels_for(w.carol, w.proposal)
    assert (liaison["progress"]["form"] is not None, liaison["key"]["supervise_form"],
            [r["url"] for r in liaison["letters"]["replies"]]) == (
        True, None, [f"/proposals/{w.proposal.pk}/replies/{reply.pk}/letter.pdf"])


def test_proposal_page_shows_the_panels(w):
    mark_key(w)
    response = client(w.alice).get(url("detail", w.proposal.pk))
    assert response.status_code == 200
    assert response.context["panels"]["key"]["plan"] == "分管副市长牵头督办，年中视察。"
    assert f'action="/proposals/{w.proposal.pk}/supervision/"'.encode() in response.content


# --- key proposals ---------------------------------------------------------------------------------------


def test_staff_mark_a_key_proposal_and_go_back_to_it(w):
    response = client(w.alice).post(url("key", w.proposal.pk), {"key-leaders": [w.lily.pk], "key-plan": "年中视察督办。"})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{w.proposal.pk}/")
    w.proposal.refresh_from_db()
    assert (w.proposal.is_key, w.proposal.key_plan, list(w.proposal.key_leaders.all())) == (True, "年中视察督办。", [w.lily])


def test_key_form_errors_stay_next_to_the_fields(w):
    response = client(w.alice).post(url("key", w.proposal.pk), {"key-plan": "年中视察督办。"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"leaders": ["This field is required."]}
    assert Proposal.objects.get(pk=w.proposal.pk).is_key is False


@pytest.mark.parametrize(("role", "status"), [("bob", 403), ("lily", 403), ("carol", 403), ("eve", 404),
                                              ("dave", 404), ("root", 200), ("fiona", 200)])
def test_who_may_open_the_key_form(w, role, status):
    assert client(getattr(w, role)).get(url("key", w.proposal.pk)).status_code == status


def test_anonymous_users_are_sent_to_sign_in(w):
    response = client().get(url("key", w.proposal.pk))
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next=/proposals/{w.proposal.pk}/key/")


def test_staff_unmark_a_key_proposal(w):
    mark_key(w)
    response = client(w.alice).post(url("unkey", w.proposal.pk), {"unkey-note": "调整重点提案名单。"})
    assert response.status_code == 302
    w.proposal.refresh_from_db()
    assert (w.proposal.is_key, list(w.proposal.key_leaders.all())) == (False, [])


def test_supervising_leader_records_an_activity(w, clock):
    mark_key(w)
    response = client(w.lily).post(url("supervise", w.proposal.pk), {
        "supervise-kind": SupervisionKind.SITE_VISIT, "supervise-held_on": clock.today.isoformat(),
        "supervise-place": "东区幸福小区", "supervise-summary": "实地查看加装电梯进度。"})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{w.proposal.pk}/")
    activity = SupervisionActivity.objects.get(proposal=w.proposal)
    assert (activity.kind, activity.place, activity.created_by) == (SupervisionKind.SITE_VISIT, "东区幸福小区", w.lily)


def test_supervision_in_the_future_is_refused_next_to_the_date(w, clock):
    mark_key(w)
    future = clock.today + dt.timedelta(days=3)
    response = client(w.alice).post(url("supervise", w.proposal.pk), {
        "supervise-kind": SupervisionKind.MEETING, "supervise-held_on": future.isoformat(),
        "supervise-summary": "督办座谈。"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"held_on": ["Record an activity once it has taken place."]}
    assert SupervisionActivity.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [("bob", 403), ("carol", 403), ("eve", 404), ("lily", 200)])
def test_who_may_record_supervision(w, role, status):
    mark_key(w)
    assert client(getattr(w, role)).get(url("supervise", w.proposal.pk)).status_code == status


def test_supervision_of_a_proposal_that_is_not_key_is_forbidden(w):
    assert client(w.alice).get(url("supervise", w.proposal.pk)).status_code == 403


# --- the procuratorial link --------------------------------------------------------------------------------


def test_staff_transfer_a_clue_and_the_procuratorate_records_the_outcome(w, clock):
    response = client(w.alice).post(url("transfer", w.proposal.pk), {
        "transfer-procuratorate": w.procuratorate.pk, "transfer-transferred_on": clock.today.isoformat(),
        "transfer-clue": "老旧小区消防通道被占用，涉及公共安全。"})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{w.proposal.pk}/")
    transfer = ProcuratorateTransfer.objects.get(proposal=w.proposal)
    assert (transfer.procuratorate, transfer.status) == (w.procuratorate, ProcuratorateStatus.TRANSFERRED)

    # The procuratorate's liaison now sees the proposal and answers.
    assert client(w.carol).get(url("outcome", w.proposal.pk)).status_code == 403
    response = client(w.pete).post(url("outcome", w.proposal.pk), {
        "outcome-status": ProcuratorateStatus.RECOMMENDATION, "outcome-outcome_on": clock.today.isoformat(),
        "outcome-outcome": "已向住建部门发出检察建议。"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.outcome) == (ProcuratorateStatus.RECOMMENDATION, "已向住建部门发出检察建议。")


def test_outcome_page_of_a_proposal_never_transferred_is_404(w):
    assert client(w.alice).get(url("outcome", w.proposal.pk)).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("bob", 403), ("pete", 404), ("eve", 404), ("alice", 200)])
def test_who_may_transfer_a_clue(w, role, status):
    assert client(getattr(w, role)).get(url("transfer", w.proposal.pk)).status_code == status


# --- progress after the reply ------------------------------------------------------------------------------


def test_handling_department_records_progress_until_implemented(w, clock):
    assert client(w.carol).get(url("progress", w.proposal.pk)).status_code == 403  # not replied yet
    reply_lead(w)
    response = client(w.carol).post(url("progress", w.proposal.pk), {
        "progress-noted_on": clock.today.isoformat(), "progress-text": "已完成10栋加装。"})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{w.proposal.pk}/")
    response = client(w.alice).post(url("progress", w.proposal.pk), {
        "progress-noted_on": clock.today.isoformat(), "progress-text": "全部完成。", "progress-implemented": "on"})
    assert response.status_code == 302
    case = Case.objects.get(pk=w.proposal.case_id)
    assert case.implemented_on == clock.today
    assert [(n.department_id, n.implemented) for n in case.progress_notes.all()] == [(w.dept_a.pk, False),
                                                                                     (None, True)]
    # Implemented: nobody records progress any more.
    assert client(w.alice).get(url("progress", w.proposal.pk)).status_code == 403


@pytest.mark.parametrize(("role", "status"), [("bob", 403), ("lily", 403), ("hank", 200), ("jack", 404),
                                              ("eve", 404)])
def test_who_may_record_progress(w, role, status):
    handling.assignment_reply(actor=w.hank, assignment=w.co, text="建议统筹纳入城市更新项目。")
    reply_lead(w)
    assert client(getattr(w, role)).get(url("progress", w.proposal.pk)).status_code == status


# --- the department's reply ----------------------------------------------------------------------------


def test_lead_unit_reads_the_proposal_and_replies_with_a_result_category(w):
    handling.assignment_reply(actor=w.hank, assignment=w.co, text="建议统筹纳入城市更新项目。")
    page = client(w.carol).get(f"/handling/assignments/{w.lead.pk}/")
    assert page.status_code == 200
    assert [p.pk for p in page.context["proposals"]] == [w.proposal.pk]
    assert [r.text for r in page.context["opinions"]] == ["建议统筹纳入城市更新项目。"]
    form = page.context["reply_form"]
    assert (list(form.fields), [c for c, _label in form.fields["result_category"].choices]) == (
        ["text", "result_category", "may_publish", "attachment"], ["A", "B", "C"])
    assert "城区老旧小区多为六层以下无电梯住宅".encode() in page.content

    response = client(w.carol).post(f"/handling/assignments/{w.lead.pk}/", {
        "action": "reply", "reply-text": "已列入明年计划。"})
    assert response.status_code == 200
    assert response.context["reply_form"].errors == {"result_category": ["This field is required."]}

    response = client(w.carol).post(f"/handling/assignments/{w.lead.pk}/", {
        "action": "reply", "reply-text": "已列入明年计划。", "reply-result_category": "B", "reply-may_publish": "on"})
    assert response.status_code == 302
    reply = Reply.objects.get(assignment=w.lead)
    assert (reply.result_category, reply.may_publish, reply.review_status) == ("B", True, ReplyReview.RELEASED)
    assert Case.objects.get(pk=w.proposal.case_id).result_category == "B"


def test_co_handler_and_micro_suggestion_replies_ask_no_result_category(w):
    page = client(w.hank).get(f"/handling/assignments/{w.co.pk}/")
    assert list(page.context["reply_form"].fields) == ["text", "attachment"]
    case = w.submit_routed()
    micro = w.open_assignment(case, w.dept_a)
    page = client(w.carol).get(f"/handling/assignments/{micro.pk}/")
    assert (page.context["proposals"], list(page.context["reply_form"].fields)) == ([], ["text", "attachment"])


# --- staff review of replies -----------------------------------------------------------------------------


@pytest.fixture
def held(w):
    """A proposal policy with review: carol's reply waits for staff."""
    config.policy_set(actor=w.alice, committee=w.a, kind=CaseKind.PROPOSAL, review_replies=True,
                      result_categories="ABC")
    return reply_lead(w, result_category="C")


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("root", 200), ("bob", 403), ("carol", 403),
                                              ("lily", 403), ("eve", 403)])
def test_who_may_open_the_review_list(w, held, role, status):
    assert client(getattr(w, role)).get("/handling/reply-reviews/").status_code == status


def test_review_list_shows_pending_replies_of_the_staffs_committees(w, held, office):
    page = client(w.alice).get("/handling/reply-reviews/")
    assert [(r.pk, r.item_url) for r in page.context["rows"]] == [(held.pk, f"/proposals/{w.proposal.pk}/")]
    _committee, sam, _term = office
    assert [r.pk for r in client(sam).get("/handling/reply-reviews/").context["rows"]] == []
    assert client(sam).get(f"/handling/reply-reviews/{held.pk}/").status_code == 404


def test_returned_reply_goes_back_to_the_department_with_the_note(w, held):
    response = client(w.alice).post(f"/handling/reply-reviews/{held.pk}/", {"review-decision": "return"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"note": ["This field is required."]}

    response = client(w.alice).post(f"/handling/reply-reviews/{held.pk}/", {
        "review-decision": "return", "review-note": "请补充具体完成时限。"})
    assert (response.status_code, response["Location"]) == (302, "/handling/reply-reviews/")
    held.refresh_from_db()
    w.lead.refresh_from_db()
    assert (held.review_status, held.review_note, w.lead.status) == (
        ReplyReview.RETURNED, "请补充具体完成时限。", AssignmentStatus.ACCEPTED)

    page = client(w.carol).get(f"/handling/assignments/{w.lead.pk}/")
    assert (page.context["review_returned"], page.context["actions"]["reply"]) == (held, True)
    assert "请补充具体完成时限。".encode() in page.content
    response = client(w.carol).post(f"/handling/assignments/{w.lead.pk}/", {
        "action": "reply", "reply-text": "已列入明年计划，年底前完成。", "reply-result_category": "B"})
    assert response.status_code == 302
    again = Reply.objects.get(assignment=w.lead, review_status=ReplyReview.PENDING)
    assert again.result_category == "B"


def test_released_reply_reaches_the_proposer(w, held):
    assert client(w.bob).get(f"/proposals/{w.proposal.pk}/replies/{held.pk}/letter.pdf").status_code == 404
    response = client(w.alice).post(f"/handling/reply-reviews/{held.pk}/", {"review-decision": "release"})
    assert response.status_code == 302
    case = Case.objects.get(pk=w.proposal.case_id)
    assert (case.status, case.result_category) == (CaseStatus.REPLIED, "C")
    response = client(w.bob).get(f"/proposals/{w.proposal.pk}/replies/{held.pk}/letter.pdf")
    assert (response.status_code, response["Content-Type"], response.content[:5]) == (200, "application/pdf", b"%PDF-")
    # Decided: a second decision is a conflict, told as a message.
    response = client(w.alice).post(f"/handling/reply-reviews/{held.pk}/", {"review-decision": "release"})
    assert (response.status_code, response["Location"]) == (302, "/handling/reply-reviews/")


def test_micro_suggestion_reply_under_review_is_hidden_from_the_member(w):
    config.policy_set(actor=w.alice, committee=w.a, kind=CaseKind.MICRO_SUGGESTION, review_replies=True)
    case = w.submit_routed()
    reply = handling.assignment_reply(actor=w.carol, assignment=w.open_assignment(case, w.dept_a), text="已协调。")
    assert client(w.bob).get(f"/micro-suggestions/{case.pk}/").context["replies"] == []
    assert [r.pk for r in client(w.alice).get(f"/micro-suggestions/{case.pk}/").context["replies"]] == [reply.pk]
    page = client(w.alice).get("/handling/reply-reviews/")
    assert [(r.pk, r.item_url) for r in page.context["rows"]] == [(reply.pk, f"/micro-suggestions/{case.pk}/")]


# --- letters -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("bob", 200), ("alice", 200), ("carol", 200), ("eve", 404),
                                              ("dave", 404)])
def test_who_may_print_the_proposal(w, role, status):
    response = client(getattr(w, role)).get(url("pdf", w.proposal.pk))
    assert response.status_code == status
    if status == 200:
        assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")


def test_pending_reply_letter_only_for_staff_and_its_department(w, held):
    path = f"/proposals/{w.proposal.pk}/replies/{held.pk}/letter.pdf"
    assert [client(getattr(w, r)).get(path).status_code for r in ("alice", "carol", "hank", "bob", "lily")] == [
        200, 200, 404, 404, 404]


def test_co_handlers_opinion_is_no_reply_letter(w):
    opinion = handling.assignment_reply(actor=w.hank, assignment=w.co, text="建议统筹。")
    assert client(w.alice).get(f"/proposals/{w.proposal.pk}/replies/{opinion.pk}/letter.pdf").status_code == 404


# --- the compilation and statistics --------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 200), ("bob", 403), ("carol", 403)])
def test_who_may_download_the_compilation(w, role, status):
    response = client(getattr(w, role)).get("/proposals/export.xlsx")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response.content[:2] == b"PK"


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 200), ("bob", 403), ("carol", 403),
                                              ("eve", 403)])
def test_who_may_read_the_statistics(w, role, status):
    assert client(getattr(w, role)).get("/proposals/statistics/").status_code == status


def test_statistics_count_the_chosen_year_and_committee(w):
    year = w.proposal.year
    page = client(w.alice).get("/proposals/statistics/", {"year": year, "committee": w.a.pk})
    assert (page.context["year"], page.context["committee"], page.context["stats"]["totals"]["filed"]) == (
        year, w.a, 1)
    page = client(w.fiona).get("/proposals/statistics/", {"year": year, "committee": w.a1.pk})
    assert (page.context["committee"], page.context["stats"]["totals"]["submitted"]) == (w.a1, 0)
    # Alice is no staff of A1: the choice is not hers, and the page falls back to all her committees.
    page = client(w.alice).get("/proposals/statistics/", {"year": year, "committee": w.a1.pk})
    assert (page.context["committee"], page.context["stats"]["totals"]["submitted"]) == (None, 1)


# --- the lists ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "role", "status"), [
    ("/proposals/key/", "alice", 200), ("/proposals/key/", "lily", 200), ("/proposals/key/", "bob", 403),
    ("/proposals/key/", "carol", 403), ("/proposals/supervised/", "lily", 200),
    ("/proposals/supervised/", "bob", 403), ("/proposals/overdue/", "alice", 200),
    ("/proposals/overdue/", "lily", 403), ("/proposals/overdue/", "carol", 403),
])
def test_list_pages_per_role(w, path, role, status):
    assert client(getattr(w, role)).get(path).status_code == status


def test_key_lists_show_progress(w, clock):
    mark_key(w)
    proposals.supervision_record(actor=w.lily, proposal=w.proposal, kind=SupervisionKind.MEETING,
                                 held_on=clock.today, summary="督办座谈。")
    other = w.filed(lead=w.dept_a, title="关于完善城区停车设施规划建设的建议")
    proposals.proposal_mark_key(actor=w.alice, proposal=other, leaders=[w.lily], plan="督办。")
    rows = client(w.alice).get("/proposals/key/").context["object_list"]
    assert sorted((p.pk, p.activity_count) for p in rows) == [(w.proposal.pk, 1), (other.pk, 0)]
    proposals.proposal_unmark_key(actor=w.alice, proposal=other)
    rows = client(w.lily).get("/proposals/supervised/").context["object_list"]
    assert [p.pk for p in rows] == [w.proposal.pk]


def test_overdue_lists_filed_proposals_past_their_deadline(w, clock):
    Assignment.objects.filter(pk=w.lead.pk).update(due_date=clock.today - dt.timedelta(days=7))
    page = client(w.alice).get("/proposals/overdue/")
    assert [(a.pk, a.proposal.pk) for a in page.context["rows"]] == [(w.lead.pk, w.proposal.pk)]
    assert (page.context["by_department"], page.context["total"]) == (
        [{"department_id": w.dept_a.pk, "department__name": "甲市教育局", "n": 1}], 1)


PAGES = {
    "key": ("alice", "/proposals/key/"),
    "supervised": ("lily", "/proposals/supervised/"),
    "overdue": ("alice", "/proposals/overdue/"),
    "reply reviews": ("alice", "/handling/reply-reviews/"),
}


def grow(w, n: int, start: int, clock) -> None:
    """``n`` more key proposals, each supervised once, overdue at its lead unit, with a
    co-handler's opinion in and the lead unit's reply held for review."""
    for i in range(start, start + n):
        p = w.filed(lead=w.dept_a, co=[w.dept_a2], title=f"关于加快推进第{i}批老旧小区加装电梯的建议")
        mark_key(w, p)
        proposals.supervision_record(actor=w.lily, proposal=p, kind=SupervisionKind.MEETING, held_on=clock.today,
                                     summary="督办座谈。")
        handling.assignment_reply(actor=w.hank, assignment=Assignment.objects.get(case=p.case, department=w.dept_a2),
                                  text="建议统筹。")
        lead = Assignment.objects.get(case=p.case, department=w.dept_a)
        Assignment.objects.filter(pk=lead.pk).update(due_date=clock.today - dt.timedelta(days=3))
        p2 = w.filed(lead=w.dept_a, title=f"关于完善第{i}片区停车设施规划建设的建议")
        handling.assignment_reply(actor=w.carol, assignment=Assignment.objects.get(case=p2.case, department=w.dept_a),
                                  text="已研究。", result_category="C")


def measure(w) -> dict[str, tuple[int, int]]:
    result = {}
    for label, (role, path) in PAGES.items():
        c = client(getattr(w, role))
        c.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = c.get(path)
        assert response.status_code == 200, label
        rows = response.context.get("object_list")
        if rows is None:
            rows = response.context["rows"]
        result[label] = (len(queries.captured_queries), len(rows))
    return result


def test_list_pages_query_count_does_not_grow_from_1_to_10_rows(w, clock):
    config.policy_set(actor=w.alice, committee=w.a, kind=CaseKind.PROPOSAL, review_replies=True,
                      result_categories="ABC")
    Assignment.objects.filter(pk=w.lead.pk).update(status=AssignmentStatus.WITHDRAWN)  # not part of the count
    grow(w, 1, 0, clock)
    one = measure(w)
    grow(w, 9, 1, clock)
    ten = measure(w)
    assert {k: v[1] for k, v in one.items()} == {"key": 1, "supervised": 1, "overdue": 1, "reply reviews": 1}
    assert {k: v[1] for k, v in ten.items()} == {"key": 10, "supervised": 10, "overdue": 10, "reply reviews": 10}
    assert {k: v[0] for k, v in ten.items()} == {k: v[0] for k, v in one.items()}
