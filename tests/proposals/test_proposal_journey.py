"""A proposal from draft to implemented reply through the services: the journey every other
proposal test details."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from proposals.choices import (
    AssignmentStatus,
    CaseStatus,
    CoSignerStatus,
    ProposalKind,
    ProposalStatus,
    Rating,
    ReplyReview,
)
from proposals.models import Assignment, Proposal
from proposals.services import config, handling, proposals

pytestmark = pytest.mark.django_db


def test_joint_proposal_from_draft_to_implemented_reply(pp, clock):
    draft = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=True)
    proposal = proposals.proposal_submit(actor=pp.bob, proposal=draft)
    assert proposal.status == ProposalStatus.SUBMITTED

    proposal = proposals.proposal_file(actor=pp.alice, proposal=proposal, lead_department=pp.dept_a3,
                                       co_departments=[pp.dept_a2])
    assert (proposal.status, proposal.number, proposal.number_label) == (ProposalStatus.FILED, 1, "No. 0001")
    case = proposal.case
    case.refresh_from_db()
    assert (case.status, case.handling_mode) == (CaseStatus.HANDLING, "lead")
    assert list(case.co_submitters.all()) == [pp.cindy_seat]
    lead = Assignment.objects.get(case=case, department=pp.dept_a3)
    co = Assignment.objects.get(case=case, department=pp.dept_a2)
    # Proposals have three months (60 working days) to reply, co-handlers a month (20).
    assert lead.clock_workdays == 60 and co.clock_workdays == 20

    handling.assignment_reply(actor=pp.hank, assignment=co, text="建议纳入城市更新项目统筹。")
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已列入明年城市更新计划。",
                                      result_category="B", may_publish=True)
    case.refresh_from_db()
    assert (case.status, case.result_category, reply.review_status) == (CaseStatus.REPLIED, "B", ReplyReview.RELEASED)

    handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.BASICALLY)
    case.refresh_from_db()
    assert (case.status, case.rating) == (CaseStatus.CLOSED, Rating.BASICALLY)

    handling.progress_note_add(actor=pp.jack, case=case, noted_on=clock.today, text="已完成10栋加装。")
    handling.progress_note_add(actor=pp.alice, case=case, noted_on=clock.today, text="全部完成。", implemented=True)
    case.refresh_from_db()
    assert case.implemented_on == clock.today


def test_numbers_run_per_committee_term_and_year(pp):
    first = pp.filed()
    second = pp.filed(title="关于完善城区停车设施规划建设的建议")
    assert [first.number, second.number] == [1, 2]


def test_reply_review_holds_the_reply_until_staff_release_it(pp):
    config.policy_set(actor=pp.alice, committee=pp.a, kind="proposal", review_replies=True)
    proposal = pp.filed(lead=pp.dept_a)
    lead = Assignment.objects.get(case=proposal.case, department=pp.dept_a)
    reply = handling.assignment_reply(actor=pp.carol, assignment=lead, text="已研究。", result_category="C")
    proposal.case.refresh_from_db()
    assert (reply.review_status, proposal.case.status) == (ReplyReview.PENDING, CaseStatus.HANDLING)
    handling.reply_review(actor=pp.alice, reply=reply, approve=False, note="请补充具体措施。")
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.ACCEPTED
    second = handling.assignment_reply(actor=pp.carol, assignment=lead, text="已研究，补充措施如下。", result_category="B")
    handling.reply_review(actor=pp.alice, reply=second, approve=True)
    proposal.case.refresh_from_db()
    assert (proposal.case.status, proposal.case.result_category) == (CaseStatus.REPLIED, "B")


def test_merged_proposals_share_the_handling(pp):
    main = pp.submitted()
    other = pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯财政补贴的建议")
    proposals.proposal_merge(actor=pp.alice, main=main, others=[other])
    main = proposals.proposal_file(actor=pp.alice, proposal=main, lead_department=pp.dept_a3)
    other.refresh_from_db()
    assert (other.status, other.case_id, other.merged_into_id) == (ProposalStatus.MERGED, main.case_id, main.pk)
    assert list(main.case.co_submitters.all()) == [pp.cindy_seat]


def test_similar_proposals_score_the_shared_topic_first(pp):
    from proposals import similarity

    elevator = pp.filed()
    pp.filed(title="关于加强中小学食堂食品安全监管的建议", reason="部分学校食堂食品安全管理不到位。",
             analysis="近年来学校食堂食品安全事件时有发生，原材料采购、加工储存环节存在隐患，监管力量不足。",
             suggestions="一是推行明厨亮灶；二是建立家长陪餐制度；三是加强原材料溯源管理。")
    matches = similarity.similar("老旧小区加装电梯补贴资金和审批问题", Proposal.objects.all())
    assert matches[0].proposal == elevator
    assert matches[0].score > 0.2
    assert len(matches) == 1


def test_cosigner_invitations_expire_on_submission(pp):
    draft = pp.draft(kind=ProposalKind.JOINT)
    proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    with pytest.raises(ValidationError) as refused:
        proposals.proposal_submit(actor=pp.bob, proposal=draft)
    assert refused.value.message_dict == {"cosigners": ["A joint proposal needs at least one confirmed co-signer."]}
    draft.cosigners.update(status=CoSignerStatus.CONFIRMED)
    proposals.proposal_submit(actor=pp.bob, proposal=draft)


def test_collective_proposal_from_topic_guide_to_rated_reply(pp):
    guide = proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=2027, title="2027年度提案选题指南")
    topic = proposals.guide_topic_save(actor=pp.alice, guide=guide, title="城市更新", category=pp.cat_city)
    proposals.topic_guide_publish(actor=pp.alice, guide=guide)
    body = proposals.proposal_body_save(actor=pp.alice, committee=pp.a, name="民革甲市委员会", kind="democratic_party",
                                        authorised_users=[pp.eve])
    topic.refresh_from_db()
    draft = proposals.proposal_draft_save(actor=pp.eve, body=body, kind=ProposalKind.COLLECTIVE, topic=topic,
                                          category=pp.cat_city, **pp.TEXT)
    proposals.proposal_submit(actor=pp.eve, proposal=draft)
    filed = proposals.proposal_file(actor=pp.alice, proposal=draft, lead_department=pp.dept_a3)
    case = filed.case
    case.refresh_from_db()
    assert (filed.number, case.submitter, case.submitted_by, case.status) == (1, None, pp.eve, CaseStatus.HANDLING)

    lead = Assignment.objects.get(case=case, department=pp.dept_a3)
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已解决。", result_category="A")
    handling.case_rate(actor=pp.eve, reply=reply, rating=Rating.SATISFIED)
    case.refresh_from_db()
    assert (case.status, case.rating, case.result_category) == (CaseStatus.CLOSED, Rating.SATISFIED, "A")


def test_key_proposal_supervised_and_passed_to_the_procuratorate(pp):
    from django.utils import timezone

    from members import services as directory
    from members.choices import DepartmentKind
    from proposals.choices import ProcuratorateStatus, SupervisionKind

    procuratorate = directory.department_create(actor=pp.alice, committee=pp.a, name="甲市人民检察院",
                                                kind=DepartmentKind.PROCURATORATE)
    pat = directory.liaison_create(actor=pp.alice, department=procuratorate, name="潘特", phone="13600000009",
                                   username="pat").user
    filed = pp.filed(lead=pp.dept_a3)
    proposals.proposal_mark_key(actor=pp.alice, proposal=filed, leaders=[pp.lily], plan="召开督办座谈会。")
    proposals.supervision_record(actor=pp.lily, proposal=filed, kind=SupervisionKind.CONSULTATION,
                                 held_on=timezone.localdate(), summary="办理协商会，明确年底前完成。")
    transfer = proposals.procuratorate_transfer(actor=pp.alice, proposal=filed, procuratorate=procuratorate,
                                                clue="电梯安全隐患涉及公共利益。")
    proposals.procuratorate_outcome(actor=pat, transfer=transfer, status=ProcuratorateStatus.RECOMMENDATION,
                                    outcome="已发出检察建议。")
    lead = Assignment.objects.get(case=filed.case, department=pp.dept_a3)
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已列入计划。", result_category="B")
    handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.SATISFIED)
    filed.refresh_from_db()
    transfer.refresh_from_db()
    assert (filed.is_key, filed.supervision_activities.count(), transfer.status, filed.case.status) == (
        True, 1, ProcuratorateStatus.RECOMMENDATION, CaseStatus.CLOSED)


def test_not_filed_proposal_goes_to_departments_for_reference(pp):
    from proposals.choices import Conversion

    proposal = pp.submitted()
    proposals.proposal_not_file(actor=pp.alice, proposal=proposal, reason="建议已在实施中，转有关部门参考。",
                                conversion=Conversion.REFERENCE, reference_departments=[pp.dept_a3])
    proposal.refresh_from_db()
    assert (proposal.status, proposal.number, proposal.case_id, list(proposal.reference_departments.all())) == (
        ProposalStatus.NOT_FILED, None, None, [pp.dept_a3])
