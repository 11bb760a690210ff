"""The proposal pages of writing and review: each page per role (404 outside scope), each
POST's real effect through the services, and the lists' query counts with 1 and 10 rows."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from proposals.choices import (
    CaseStatus,
    CoSignerStatus,
    GuideStatus,
    ProposalKind,
    ProposalStatus,
    Rating,
)
from proposals.models import Assignment, CoSigner, GuideTopic, Proposal, ProposalBody, TopicGuide
from proposals.services import handling, proposals

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


FORM = {
    "kind": "individual", "timing": "intersession", "title": "关于完善社区养老服务设施的建议",
    "reason": "社区养老服务设施不足，老年人日间照料需求难以满足。",
    "analysis": "全市60岁以上老年人口占比已超过两成，现有社区日间照料中心覆盖率不足一半，且服务内容单一。",
    "suggestions": "一是按人口配建日间照料中心；二是引入专业机构运营；三是完善运营补贴。",
}


# --- lists ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "visible"), [
    ("alice", ["filed", "submitted"]), ("lily", ["filed", "submitted"]), ("bob", ["filed", "submitted", "draft"]),
    ("cindy", ["filed"]), ("carol", ["filed"]), ("dave", []), ("eve", []),
])
def test_proposal_list_shows_each_role_its_scope(pp, role, visible):
    pp.filed(lead=pp.dept_a, title="关于加强校园周边交通安全管理的建议")
    pp.submitted(title="关于推进垃圾分类的建议")
    pp.draft(title="关于改善城区停车难问题的建议")
    response = client(getattr(pp, role)).get("/proposals/")
    assert response.status_code == 200
    titles = [p.title for p in response.context["object_list"]]
    expected = {"filed": "关于加强校园周边交通安全管理的建议", "submitted": "关于推进垃圾分类的建议",
                "draft": "关于改善城区停车难问题的建议"}
    # bob's own list holds what he wrote; the committee list shows him filed ones and his own
    assert sorted(titles) == sorted(expected[v] for v in visible)


def test_proposal_list_needs_login(pp):
    response = client().get("/proposals/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/proposals/")


def test_proposal_list_filters_by_status(pp):
    pp.filed(title="关于加强校园周边交通安全管理的建议")
    pp.submitted(title="关于推进垃圾分类的建议")
    response = client(pp.alice).get("/proposals/?status=submitted")
    assert [p.title for p in response.context["object_list"]] == ["关于推进垃圾分类的建议"]


LIST_PAGES = {"list (staff)": ("alice", "/proposals/"), "list (member)": ("bob", "/proposals/"),
              "mine": ("bob", "/proposals/mine/"), "review": ("alice", "/proposals/review/"),
              "guide": ("alice", "/proposals/guide/"), "bodies": ("alice", "/proposals/bodies/")}


def _grow(pp, start: int, n: int) -> None:
    for i in range(start, start + n):
        filed = pp.filed(lead=pp.dept_a, title=f"关于加强第{i}小学周边交通安全的建议")
        reply = handling.assignment_reply(actor=pp.carol, assignment=Assignment.objects.get(case=filed.case),
                                          text="已列入计划。", result_category="B")
        handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.SATISFIED)
        pp.submitted(title=f"关于改善第{i}社区养老服务的建议")
        draft = pp.draft(title=f"关于第{i}社区增设健身设施的建议", kind=ProposalKind.JOINT)
        proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
        guide = proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=2000 + i, title=f"{2000 + i}年选题指南")
        proposals.guide_topic_save(actor=pp.alice, guide=guide, title="养老服务", category=pp.cat_city)
        proposals.proposal_body_save(actor=pp.alice, committee=pp.a, name=f"民主党派{i}", kind="democratic_party",
                                     authorised_users=[pp.bob, pp.cindy])


def _measure(pp) -> dict[str, int]:
    result = {}
    for label, (role, url) in LIST_PAGES.items():
        c = client(getattr(pp, role))
        c.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = c.get(url)
        assert response.status_code == 200, label
        result[label] = len(queries.captured_queries)
    return result


def test_list_pages_query_count_does_not_grow_from_1_to_10_rows(pp):
    _grow(pp, 0, 1)
    one = _measure(pp)
    _grow(pp, 1, 9)
    ten = _measure(pp)
    assert ten == one
    assert len(client(pp.alice).get("/proposals/").context["object_list"]) == 20


# --- my proposals and co-signing ---------------------------------------------------------------------


def test_mine_lists_own_proposals_and_open_invitations(pp):
    draft = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    response = client(pp.cindy).get("/proposals/mine/")
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert response.context["invitations"] == [invite]
    assert [p.pk for p in client(pp.bob).get("/proposals/mine/").context["object_list"]] == [draft.pk]


@pytest.mark.parametrize(("decision", "status", "message"), [
    ("confirm", CoSignerStatus.CONFIRMED, "You co-sign this proposal."),
    ("decline", CoSignerStatus.DECLINED, "You declined to co-sign."),
])
def test_invited_member_answers_an_invitation(pp, decision, status, message):
    draft = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    response = client(pp.cindy).post(f"/proposals/invitations/{invite.pk}/", {"decision": decision})
    assert (response.status_code, response["Location"]) == (302, "/proposals/mine/")
    invite.refresh_from_db()
    assert invite.status == status
    assert flashed(response) == [message]


def test_only_the_invited_member_can_answer(pp):
    draft = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    assert client(pp.bob).post(f"/proposals/invitations/{invite.pk}/", {"decision": "confirm"}).status_code == 404
    invite.refresh_from_db()
    assert invite.status == CoSignerStatus.INVITED


# --- writing -----------------------------------------------------------------------------------------


def test_member_sees_the_published_topic_guide_beside_the_form(pp):
    guide = proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=2026, title="2026年度提案选题指南")
    proposals.guide_topic_save(actor=pp.alice, guide=guide, title="养老服务体系建设", category=pp.cat_city)
    draft_guide = proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=2027, title="2027年度选题指南")
    proposals.guide_topic_save(actor=pp.alice, guide=draft_guide, title="草稿题目")
    proposals.topic_guide_publish(actor=pp.alice, guide=guide)
    response = client(pp.bob).get("/proposals/new/")
    assert response.status_code == 200
    assert response.context["guides"] == [guide]
    topic = guide.topics.get()
    assert [c[1] for c in response.context["form"].fields["topic"].choices] == ["—", "2026 · 养老服务体系建设"]
    assert response.context["form"].fields["kind"].choices == [
        ("individual", "Individual proposal (个人提案)"), ("joint", "Joint proposal (联名提案)")]
    assert topic.title.encode() in response.content


@pytest.mark.parametrize("role", ["eve", "carol", "alice"])
def test_only_members_and_bodies_write(pp, role):
    assert client(getattr(pp, role)).get("/proposals/new/").status_code == 403


def test_writing_saves_a_draft_through_the_service(pp):
    response = client(pp.bob).post("/proposals/new/", {**FORM, "category": pp.cat_city.pk})
    proposal = Proposal.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{proposal.pk}/")
    assert (proposal.status, proposal.title, proposal.proposer, proposal.submitted_by, proposal.category) == (
        ProposalStatus.DRAFT, FORM["title"], pp.bob_seat, pp.bob, pp.cat_city)
    assert proposal.keywords != []


def test_service_errors_show_next_to_the_field(pp):
    response = client(pp.bob).post("/proposals/new/", {**FORM, "title": "建议", "timing": "plenary"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"title": ["At least 6 characters."], "session": ["Choose the plenary session."]}
    assert Proposal.objects.count() == 0


def test_authorised_user_writes_a_collective_proposal_for_the_body(pp):
    body = proposals.proposal_body_save(actor=pp.alice, committee=pp.a, name="民盟甲市委", kind="democratic_party",
                                        authorised_users=[pp.bob])
    response = client(pp.bob).post("/proposals/new/", {**FORM, "kind": "collective", "body": body.pk})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert (proposal.kind, proposal.body, proposal.proposer) == (ProposalKind.COLLECTIVE, body, None)


def test_collective_needs_the_body(pp):
    proposals.proposal_body_save(actor=pp.alice, committee=pp.a, name="民盟甲市委", kind="democratic_party",
                                 authorised_users=[pp.bob])
    response = client(pp.bob).post("/proposals/new/", {**FORM, "kind": "collective"})
    assert response.context["form"].errors == {"body": ["Choose the body you submit for."]}


def test_writer_edits_a_draft_and_removes_an_attachment(pp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    draft = pp.draft(attachments=[pdf])
    attachment = draft.attachments.get()
    response = client(pp.bob).post(f"/proposals/{draft.pk}/edit/", {
        **FORM, "title": "关于完善城区老旧小区改造的建议", "remove_attachments": [str(attachment.pk)]})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{draft.pk}/")
    draft.refresh_from_db()
    assert (draft.title, draft.attachments.count()) == ("关于完善城区老旧小区改造的建议", 0)


@pytest.mark.parametrize(("role", "status"), [("cindy", 404), ("alice", 404), ("eve", 404), ("bob", 200)])
def test_edit_page_is_the_writers(pp, role, status):
    draft = pp.draft()
    assert client(getattr(pp, role)).get(f"/proposals/{draft.pk}/edit/").status_code == status


def test_a_submitted_proposal_cannot_be_edited(pp):
    proposal = pp.submitted()
    assert client(pp.bob).get(f"/proposals/{proposal.pk}/edit/").status_code == 403


# --- one proposal -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("bob", 200), ("alice", 200), ("lily", 200), ("root", 200), ("fiona", 200),
    ("cindy", 404), ("carol", 404), ("dave", 404), ("eve", 404),
])
def test_detail_of_a_submitted_proposal_per_role(pp, role, status):
    proposal = pp.submitted()
    assert client(getattr(pp, role)).get(f"/proposals/{proposal.pk}/").status_code == status


@pytest.mark.parametrize(("role", "status"), [("bob", 200), ("alice", 404), ("root", 404), ("cindy", 404)])
def test_a_draft_is_private_to_its_writer(pp, role, status):
    draft = pp.draft()
    assert client(getattr(pp, role)).get(f"/proposals/{draft.pk}/").status_code == status


def test_detail_shows_similar_proposals_to_writer_and_staff(pp):
    other = pp.filed(title="关于老旧小区加装电梯资金补贴的建议")
    mine = pp.draft(member=pp.cindy_seat)
    for user in (pp.cindy,):
        response = client(user).get(f"/proposals/{mine.pk}/")
        assert [m.proposal.pk for m in response.context["similar"]] == [other.pk]
        assert response.context["similar"][0].percent >= 12
    submitted = pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯的再建议")
    response = client(pp.alice).get(f"/proposals/{submitted.pk}/")
    assert [m.proposal.pk for m in response.context["similar"]] == [other.pk]
    # a member reading a filed proposal does not get the panel
    assert client(pp.cindy).get(f"/proposals/{other.pk}/").context["similar"] == []


def test_writer_submits_withdraws_and_deletes(pp):
    draft = pp.draft()
    c = client(pp.bob)
    response = c.post(f"/proposals/{draft.pk}/", {"action": "submit"})
    assert (response.status_code, flashed(response)) == (302, ["Your proposal is submitted for review."])
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.SUBMITTED
    c.post(f"/proposals/{draft.pk}/", {"action": "withdraw", "reason": "需要补充调研"})
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.WITHDRAWN

    another = pp.draft(title="关于改善城区停车难问题的建议")
    response = c.post(f"/proposals/{another.pk}/", {"action": "delete"})
    assert (response.status_code, response["Location"]) == (302, "/proposals/mine/")
    assert not Proposal.objects.filter(pk=another.pk).exists()


def test_joint_proposal_without_cosigner_is_refused_with_the_reason(pp):
    draft = pp.draft(kind=ProposalKind.JOINT)
    response = client(pp.bob).post(f"/proposals/{draft.pk}/", {"action": "submit"})
    assert flashed(response) == ["A joint proposal needs at least one confirmed co-signer."]
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DRAFT


def test_writer_invites_and_removes_cosigners(pp):
    draft = pp.draft(kind=ProposalKind.JOINT)
    c = client(pp.bob)
    form = c.get(f"/proposals/{draft.pk}/").context["invite_form"]
    # the picker offers the committee's serving members of the term, never the proposer
    assert list(form.fields["members"].queryset) == [pp.cindy_seat]
    response = c.post(f"/proposals/{draft.pk}/", {"action": "invite", "members": [pp.cindy_seat.pk]})
    assert flashed(response) == ["1 members are invited to co-sign."]
    cosigner = CoSigner.objects.get(proposal=draft)
    assert (cosigner.member, cosigner.status) == (pp.cindy_seat, CoSignerStatus.INVITED)
    c.post(f"/proposals/{draft.pk}/", {"action": "uninvite", "cosigner": cosigner.pk})
    assert CoSigner.objects.filter(proposal=draft).count() == 0


def test_invite_outside_the_committee_is_a_field_error(pp):
    draft = pp.draft(kind=ProposalKind.JOINT)
    response = client(pp.bob).post(f"/proposals/{draft.pk}/", {"action": "invite", "members": [pp.ben_seat.pk]})
    assert response.status_code == 200
    assert list(response.context["invite_form"].errors) == ["members"]


def test_others_cannot_act_on_a_proposal(pp):
    proposal = pp.submitted()
    response = client(pp.alice).post(f"/proposals/{proposal.pk}/", {"action": "withdraw"})
    assert flashed(response) == ["Only the writer may withdraw this proposal."]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert client(pp.eve).post(f"/proposals/{proposal.pk}/", {"action": "withdraw"}).status_code == 404


def test_proposer_sees_why_it_was_not_filed(pp):
    proposal = pp.submitted()
    proposals.proposal_not_file(actor=pp.alice, proposal=proposal, reason="属于司法程序事项，不宜立案。",
                                conversion="reference", reference_departments=[pp.dept_a])
    response = client(pp.bob).get(f"/proposals/{proposal.pk}/")
    assert response.context["shows_review_note"] is True
    assert "属于司法程序事项，不宜立案。".encode() in response.content
    assert "A letter for reference to departments (转有关部门参考)".encode() in response.content


def test_handling_link_redirects_to_the_proposal(pp):
    proposal = pp.filed(lead=pp.dept_a)
    response = client(pp.carol).get(f"/proposals/handling/{proposal.case_id}/")
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{proposal.pk}/")
    assert client(pp.dave).get(f"/proposals/handling/{proposal.case_id}/").status_code == 404
    assert client(pp.eve).get(f"/proposals/handling/{proposal.case_id}/").status_code == 404


def test_proposer_rates_the_released_reply_and_the_case_closes(pp):
    proposal = pp.filed(lead=pp.dept_a)
    reply = handling.assignment_reply(actor=pp.carol, assignment=Assignment.objects.get(case=proposal.case),
                                      text="已列入明年计划。", result_category="B", may_publish=True)
    page = client(pp.bob).get(f"/proposals/{proposal.pk}/")
    [shown] = page.context["replies"]
    assert (shown.pk, shown.rateable) == (reply.pk, True)
    response = client(pp.bob).post(f"/proposals/{proposal.pk}/", {
        "action": "rate", "reply": reply.pk, f"rate-{reply.pk}-rating": "basically"})
    assert flashed(response) == ["Thank you for your feedback on the reply."]
    proposal.case.refresh_from_db()
    assert (proposal.case.status, proposal.case.rating, proposal.case.result_category) == (
        CaseStatus.CLOSED, Rating.BASICALLY, "B")


def test_unsatisfied_feedback_needs_a_comment(pp):
    proposal = pp.filed(lead=pp.dept_a)
    reply = handling.assignment_reply(actor=pp.carol, assignment=Assignment.objects.get(case=proposal.case),
                                      text="已研究。", result_category="C")
    response = client(pp.bob).post(f"/proposals/{proposal.pk}/", {
        "action": "rate", "reply": reply.pk, f"rate-{reply.pk}-rating": "unsatisfied"})
    assert response.status_code == 200
    assert response.context["replies"][0].form.errors == {"comment": ["Say why you are unsatisfied."]}


def test_a_reply_pending_review_is_hidden_from_the_proposer(pp):
    from proposals.services import config

    config.policy_set(actor=pp.alice, committee=pp.a, kind="proposal", review_replies=True)
    proposal = pp.filed(lead=pp.dept_a)
    handling.assignment_reply(actor=pp.carol, assignment=Assignment.objects.get(case=proposal.case),
                              text="已研究。", result_category="C")
    assert client(pp.bob).get(f"/proposals/{proposal.pk}/").context["replies"] == []
    assert len(client(pp.alice).get(f"/proposals/{proposal.pk}/").context["replies"]) == 1
    assert len(client(pp.carol).get(f"/proposals/{proposal.pk}/").context["replies"]) == 1
    # Leaders read released replies, as in the API (selectors.visible_replies is the one rule).
    assert client(pp.lily).get(f"/proposals/{proposal.pk}/").context["replies"] == []


# --- review -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("root", 200), ("bob", 403), ("lily", 403),
                                              ("eve", 403)])
def test_review_queue_per_role(pp, role, status):
    pp.submitted()
    response = client(getattr(pp, role)).get("/proposals/review/")
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("bob", 404), ("lily", 404), ("dave", 404)])
def test_review_page_per_role(pp, role, status):
    proposal = pp.submitted()
    assert client(getattr(pp, role)).get(f"/proposals/{proposal.pk}/review/").status_code == status


def test_staff_file_and_assign_at_once(pp):
    proposal = pp.submitted()
    response = client(pp.alice).post(f"/proposals/{proposal.pk}/review/", {
        "action": "file", "file-category": pp.cat_city.pk, "file-lead_department": pp.dept_a3.pk,
        "file-co_departments": [pp.dept_a2.pk], "file-handling_mode": "lead"})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{proposal.pk}/")
    assert flashed(response) == ["Filed as No. 0001."]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.number, proposal.case.status, proposal.case.handling_mode) == (
        ProposalStatus.FILED, 1, CaseStatus.HANDLING, "lead")
    assert sorted(proposal.case.assignments.values_list("department__name", "role")) == [
        ("甲市住房和城乡建设局", "lead"), ("甲市卫生健康委员会", "co")]


def test_staff_do_not_file_with_a_reason(pp):
    proposal = pp.submitted()
    response = client(pp.alice).post(f"/proposals/{proposal.pk}/review/", {
        "action": "not_file", "not_file-reason": "不属于政协提案范围。", "not_file-conversion": "information"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note, proposal.conversion) == (
        ProposalStatus.NOT_FILED, "不属于政协提案范围。", "information")


def test_not_file_for_reference_needs_departments(pp):
    proposal = pp.submitted()
    response = client(pp.alice).post(f"/proposals/{proposal.pk}/review/", {
        "action": "not_file", "not_file-reason": "不属于政协提案范围。", "not_file-conversion": "reference"})
    assert response.status_code == 200
    assert response.context["forms"]["not_file"].errors == {
        "reference_departments": ["Choose the departments it is sent to for reference."]}
    assert response.context["open_action"] == "not_file"


def test_staff_return_for_revision(pp):
    proposal = pp.submitted()
    client(pp.alice).post(f"/proposals/{proposal.pk}/review/", {"action": "return",
                                                               "return-comment": "请补充具体数据。"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note) == (ProposalStatus.REVISING, "请补充具体数据。")
    response = client(pp.bob).get(f"/proposals/{proposal.pk}/")
    assert (response.context["can_edit"], response.context["shows_review_note"]) == (True, True)


def test_staff_merge_similar_proposals_suggested_first(pp):
    main = pp.submitted()
    unrelated = pp.submitted(member=pp.cindy_seat, title="关于规范校外培训机构管理的建议",
                             reason="校外培训机构收费不规范，家长投诉较多。",
                             analysis="部分培训机构预收费用过高，存在卷款跑路风险，监管存在盲区，家长维权困难。",
                             suggestions="一是建立预收费资金监管；二是加强日常检查；三是畅通投诉渠道。")
    similar = pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯的建议")
    page = client(pp.alice).get(f"/proposals/{main.pk}/review/")
    choices = page.context["forms"]["merge"].fields["others"].choices
    assert [int(pk) for pk, _label in choices] == [similar.pk, unrelated.pk]
    response = client(pp.alice).post(f"/proposals/{main.pk}/review/", {"action": "merge",
                                                                      "merge-others": [similar.pk]})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{main.pk}/review/")
    similar.refresh_from_db()
    assert (similar.status, similar.merged_into) == (ProposalStatus.MERGED, main)


def test_assign_a_filed_proposal_from_triage(pp):
    proposal = pp.filed()
    assert proposal.case.status == CaseStatus.TRIAGE
    page = client(pp.alice).get(f"/proposals/{proposal.pk}/assign/")
    assert page.status_code == 200
    response = client(pp.alice).post(f"/proposals/{proposal.pk}/assign/", {"lead_department": pp.dept_a.pk})
    assert (response.status_code, response["Location"]) == (302, f"/proposals/{proposal.pk}/")
    proposal.case.refresh_from_db()
    assert (proposal.case.status, list(proposal.case.assignments.values_list("department", flat=True))) == (
        CaseStatus.HANDLING, [pp.dept_a.pk])


@pytest.mark.parametrize(("role", "status"), [("bob", 404), ("lily", 404), ("carol", 404), ("eve", 404)])
def test_assign_page_is_for_staff(pp, role, status):
    proposal = pp.filed()
    assert client(getattr(pp, role)).get(f"/proposals/{proposal.pk}/assign/").status_code == status


# --- the topic guide ------------------------------------------------------------------------------------


def test_staff_write_and_publish_the_guide_members_read_it(pp):
    c = client(pp.alice)
    response = c.post("/proposals/guide/", {"action": "create_guide", "new-committee": pp.a.pk, "new-year": 2026,
                                            "new-title": "2026年度提案选题指南", "new-introduction": "围绕中心工作。"},
                      follow=True)
    assert flashed(response) == ["The topic guide is created. Add its topics, then publish it."]
    guide = TopicGuide.objects.get()
    assert (guide.committee, guide.year, guide.status) == (pp.a, 2026, GuideStatus.DRAFT)
    assert client(pp.bob).get("/proposals/guide/").context["guides"] == []

    c.post("/proposals/guide/", {"action": "save_topic", "guide": guide.pk, f"new{guide.pk}-title": "养老服务",
                                 f"new{guide.pk}-category": pp.cat_city.pk, f"new{guide.pk}-order": 1}, follow=True)
    topic = GuideTopic.objects.get()
    assert (topic.title, topic.category) == ("养老服务", pp.cat_city)
    c.post("/proposals/guide/", {"action": "save_topic", "guide": guide.pk, "topic": topic.pk,
                                 f"t{topic.pk}-title": "养老服务体系建设"}, follow=True)
    topic.refresh_from_db()
    assert topic.title == "养老服务体系建设"
    response = c.post("/proposals/guide/", {"action": "publish", "guide": guide.pk})
    assert flashed(response) == ["The topic guide is published; the committee's members are told."]
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PUBLISHED
    assert client(pp.bob).get("/proposals/guide/").context["guides"] == [guide]


def test_publishing_an_empty_guide_is_refused(pp):
    guide = proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=2026, title="2026年度提案选题指南")
    response = client(pp.alice).post("/proposals/guide/", {"action": "publish", "guide": guide.pk})
    assert flashed(response) == ["Add at least one topic before publishing."]


def test_duplicate_guide_year_is_a_field_error(pp):
    proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=2026, title="2026年度提案选题指南")
    response = client(pp.alice).post("/proposals/guide/", {"action": "create_guide", "new-committee": pp.a.pk,
                                                           "new-year": 2026, "new-title": "另一份指南"})
    assert response.status_code == 200
    assert response.context["new_form"].errors == {"year": ["甲市政协 already has a topic guide for 2026."]}


def test_members_cannot_change_the_guide(pp):
    guide = proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=2026, title="2026年度提案选题指南")
    proposals.guide_topic_save(actor=pp.alice, guide=guide, title="养老服务")
    proposals.topic_guide_publish(actor=pp.alice, guide=guide)
    assert client(pp.bob).post("/proposals/guide/", {"action": "publish", "guide": guide.pk}).status_code == 404
    assert client(pp.bob).post("/proposals/guide/", {"action": "create_guide"}).status_code == 403
    assert client(pp.dave).post("/proposals/guide/", {"action": "publish", "guide": guide.pk}).status_code == 404


# --- proposing bodies -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("root", 200), ("bob", 403), ("lily", 403),
                                              ("eve", 403)])
def test_body_pages_per_role(pp, role, status):
    c = client(getattr(pp, role))
    assert c.get("/proposals/bodies/").status_code == status
    assert c.get("/proposals/bodies/new/").status_code == status


def test_staff_create_and_change_a_body(pp):
    c = client(pp.alice)
    response = c.post("/proposals/bodies/new/", {"committee": pp.a.pk, "name": "民盟甲市委", "kind": "democratic_party",
                                                 "authorised_users": [pp.bob.pk], "is_active": "on"})
    assert (response.status_code, response["Location"]) == (302, "/proposals/bodies/")
    body = ProposalBody.objects.get()
    assert (body.committee, body.name, list(body.authorised_users.all())) == (pp.a, "民盟甲市委", [pp.bob])
    response = c.post(f"/proposals/bodies/{body.pk}/edit/", {"name": "医药卫生界", "kind": "sector",
                                                            "sector": pp.sector_a.pk, "is_active": "on"})
    assert response.status_code == 302
    body.refresh_from_db()
    assert (body.name, body.kind, body.sector, list(body.authorised_users.all())) == (
        "医药卫生界", "sector", pp.sector_a, [])
    assert client(pp.dave).get(f"/proposals/bodies/{body.pk}/edit/").status_code == 404


def test_body_of_another_committee_is_not_found(pp):
    body = proposals.proposal_body_save(actor=pp.root, committee=pp.b, name="经济界", kind="sector")
    assert client(pp.alice).get(f"/proposals/bodies/{body.pk}/edit/").status_code == 404
