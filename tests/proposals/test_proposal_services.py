"""Every rule of proposals (提案) before and beside handling, one test per rule, through the
services: the topic guide (选题指南), writing, co-signing (联名), collective bodies (集体提案),
submission, review (立案 / 不立案 / 退回修改 / 并案), key proposals (重点提案) and the
procuratorial link. A refusal says exactly why and leaves nothing half-written.

Cast: bob writes (member of A), cindy and the members made here co-sign, alice and fiona are
staff of A, lily (and leo, made here) lead A, carol/hank/jack are liaisons of A's departments,
ben is a member of B, eve an outsider.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry, Notification
from members import services as directory
from members.choices import CommitteeRoleKind, DepartmentKind
from proposals import selectors
from proposals.choices import (
    AssignmentRole,
    CaseStatus,
    Conversion,
    CoSignerStatus,
    FollowKind,
    GuideStatus,
    ProcuratorateStatus,
    ProposalKind,
    ProposalStatus,
    ProposalTiming,
    SupervisionKind,
)
from proposals.models import (
    Assignment,
    Case,
    CoSigner,
    Follow,
    GuideTopic,
    ProcuratorateTransfer,
    Proposal,
    ProposalAttachment,
    ProposalSequence,
    SupervisionActivity,
    TopicGuide,
)
from proposals.services import config, proposals
from tests.factories import CommitteeRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = "Only staff of this committee may do this."
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PARKING = {"title": "关于完善城区停车设施规划建设的建议", "reason": "城区停车位严重不足，乱停乱放现象突出。",
           "analysis": "老城区建成年代早，配建停车位不足，机动车保有量逐年增长，停车供需矛盾日益突出。",
           "suggestions": "一是挖掘错时共享停车资源；二是建设立体停车库；三是加强智慧停车引导。"}


def conflict(service, **kwargs) -> str:
    with pytest.raises(Conflict) as caught:
        service(**kwargs)
    return caught.value.message


def invalid(service, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    return caught.value.message_dict


def denied(service, **kwargs) -> str:
    with pytest.raises(PermissionDenied) as caught:
        service(**kwargs)
    return str(caught.value)


def titles_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def told(title: str) -> list[str]:
    return sorted(Notification.objects.filter(title=title).values_list("recipient__username", flat=True))


def pdf(name: str = "附件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def member(pp, name: str, username: str, phone: str):
    return directory.member_create(actor=pp.alice, committee=pp.a, term=pp.term_a, sector=pp.sector_a, name=name,
                                   phone=phone, username=username)


def leader(pp, username: str = "leo"):
    user = UserFactory(username=username, full_name="李奥")
    CommitteeRoleFactory(user=user, committee=pp.a, role=CommitteeRoleKind.LEADER)
    return user


def reload(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


# --- the topic guide ------------------------------------------------------------------------------


def guide(pp, year: int = 2027) -> TopicGuide:
    return proposals.topic_guide_save(actor=pp.alice, committee=pp.a, year=year, title=f"{year}年度提案选题指南",
                                      introduction="围绕年度中心工作征集提案。")


def test_staff_create_a_draft_topic_guide_once_per_year(pp):
    created = guide(pp)
    assert (created.committee, created.year, created.status, created.published_at) == (
        pp.a, 2027, GuideStatus.DRAFT, None)
    assert invalid(proposals.topic_guide_save, actor=pp.alice, committee=pp.a, year=2027, title="重复的指南") == {
        "year": ["甲市政协 already has a topic guide for 2027."]}
    assert invalid(proposals.topic_guide_save, actor=pp.alice, committee=pp.a, year=1999, title="过早的指南") == {
        "year": [f"Give the year, e.g. {timezone.localdate().year}."]}
    assert denied(proposals.topic_guide_save, actor=pp.bob, committee=pp.a, year=2028, title="委员的指南") == STAFF_ONLY
    assert list(TopicGuide.objects.values_list("year", flat=True)) == [2027]


def test_guide_topics_are_unique_and_use_the_committees_categories(pp):
    draft = guide(pp)
    proposals.guide_topic_save(actor=pp.alice, guide=draft, title="城市更新", category=pp.cat_city)
    assert invalid(proposals.guide_topic_save, actor=pp.alice, guide=draft, title="城市更新") == {
        "title": ["The guide already has this topic."]}
    assert invalid(proposals.guide_topic_save, actor=pp.alice, guide=draft, title="交通治理", category=pp.cat_b) == {
        "category": ["Choose a category of this committee."]}
    assert list(draft.topics.values_list("title", flat=True)) == ["城市更新"]


def test_publishing_needs_a_topic_and_tells_the_committees_members(pp):
    draft = guide(pp)
    assert invalid(proposals.topic_guide_publish, actor=pp.alice, guide=draft) == {
        "topics": ["Add at least one topic before publishing."]}
    assert TopicGuide.objects.get(pk=draft.pk).status == GuideStatus.DRAFT
    assert Notification.objects.count() == 0

    proposals.guide_topic_save(actor=pp.alice, guide=draft, title="城市更新", category=pp.cat_city)
    proposals.guide_topic_save(actor=pp.alice, guide=draft, title="养老服务", order=2)
    published = proposals.topic_guide_publish(actor=pp.alice, guide=draft)
    assert published.status == GuideStatus.PUBLISHED and published.published_at is not None
    title = "Topic guide published: 2027年度提案选题指南"
    assert told(title) == ["bob", "cindy"]
    assert set(Notification.objects.filter(title=title).values_list("body", flat=True)) == {
        "2 suggested topics for 2027."}

    assert conflict(proposals.topic_guide_publish, actor=pp.alice, guide=draft) == "This guide is already published."
    assert told(title) == ["bob", "cindy"]


def test_only_staff_publish_a_guide(pp):
    draft = guide(pp)
    proposals.guide_topic_save(actor=pp.alice, guide=draft, title="城市更新")
    assert denied(proposals.topic_guide_publish, actor=pp.lily, guide=draft) == STAFF_ONLY
    assert TopicGuide.objects.get(pk=draft.pk).status == GuideStatus.DRAFT


def test_a_topic_proposals_were_written_on_stays_in_the_guide(pp):
    draft = guide(pp)
    used = proposals.guide_topic_save(actor=pp.alice, guide=draft, title="城市更新")
    unused = proposals.guide_topic_save(actor=pp.alice, guide=draft, title="养老服务")
    proposals.topic_guide_publish(actor=pp.alice, guide=draft)
    pp.draft(topic=GuideTopic.objects.get(pk=used.pk))

    assert conflict(proposals.guide_topic_delete, actor=pp.alice, topic=used) == (
        "Proposals were written on this topic; it stays in the guide.")
    proposals.guide_topic_delete(actor=pp.alice, topic=unused)
    assert list(GuideTopic.objects.values_list("title", flat=True)) == ["城市更新"]


# --- writing ------------------------------------------------------------------------------------


def test_a_member_writes_a_private_draft_of_their_committee_and_term(pp):
    draft = pp.draft()
    assert (draft.status, draft.committee, draft.term, draft.proposer, draft.body, draft.submitted_by, draft.year,
            draft.timing, draft.session, draft.number) == (
        ProposalStatus.DRAFT, pp.a, pp.term_a, pp.bob_seat, None, pp.bob, timezone.localdate().year,
        ProposalTiming.INTERSESSION, None, None)
    assert draft.keywords[0][0] == "电梯"
    assert AuditEntry.objects.filter(action="proposal.draft", target_id=draft.pk).count() == 1


def test_every_text_field_is_checked_at_once(pp):
    before = Proposal.objects.count()
    errors = invalid(pp.draft, title="", reason="太短了", analysis="析" * 20001, suggestions=" " * 12)
    assert errors == {"title": ["This field is required."], "reason": ["At least 10 characters."],
                      "analysis": ["At most 20000 characters."], "suggestions": ["This field is required."]}
    assert invalid(pp.draft, title="短标题") == {"title": ["At least 6 characters."]}
    assert invalid(pp.draft, title="题" * 201) == {"title": ["At most 200 characters."]}
    assert invalid(pp.draft, reason="由" * 2001) == {"reason": ["At most 2000 characters."]}
    assert invalid(pp.draft, analysis="分析" * 9) == {"analysis": ["At least 20 characters."]}
    assert invalid(pp.draft, suggestions="建议" * 4) == {"suggestions": ["At least 10 characters."]}
    assert Proposal.objects.count() == before


def test_kind_and_timing_must_be_known(pp):
    assert invalid(pp.draft, kind=ProposalKind.COLLECTIVE) == {"kind": ["Choose an individual or a joint proposal."]}
    assert invalid(pp.draft, timing="sometime") == {"timing": ["Choose plenary session or between sessions."]}


def test_a_plenary_proposal_needs_a_session_of_the_term_and_takes_its_year(pp):
    assert invalid(pp.draft, timing=ProposalTiming.PLENARY) == {"session": ["Choose the plenary session."]}
    assert invalid(pp.draft, timing=ProposalTiming.PLENARY, session=pp.session_b) == {
        "session": ["Choose a session of the current term."]}
    plenary = pp.draft(timing=ProposalTiming.PLENARY, session=pp.session_a)
    assert (plenary.session, plenary.year) == (pp.session_a, pp.session_a.start_date.year)
    # Between sessions the session is not kept.
    intersession = pp.draft(timing=ProposalTiming.INTERSESSION, session=pp.session_a)
    assert (intersession.session, intersession.year) == (None, timezone.localdate().year)


def test_category_and_topic_must_be_the_committees(pp):
    assert invalid(pp.draft, category=pp.cat_b) == {"category": ["Choose a category of your committee."]}
    config.category_update(actor=pp.alice, category=pp.cat_health, is_active=False)
    assert invalid(pp.draft, category=pp.cat_health) == {"category": ["Choose a category of your committee."]}

    unpublished = proposals.guide_topic_save(actor=pp.alice, guide=guide(pp), title="城市更新")
    assert invalid(pp.draft, topic=unpublished) == {"topic": ["Choose a topic of your committee's published guide."]}
    b_guide = proposals.topic_guide_save(actor=pp.root, committee=pp.b, year=2027, title="乙市选题指南")
    b_topic = proposals.guide_topic_save(actor=pp.root, guide=b_guide, title="交通治理")
    proposals.topic_guide_publish(actor=pp.root, guide=b_guide)
    assert invalid(pp.draft, topic=b_topic) == {"topic": ["Choose a topic of your committee's published guide."]}
    assert Proposal.objects.count() == 0


def test_attachments_are_limited_and_a_bad_file_stores_nothing(pp, settings):
    assert invalid(pp.draft, attachments=[pdf(f"{i}.pdf") for i in range(7)]) == {
        "attachments": ["At most 6 attachments."]}
    assert invalid(pp.draft, attachments=[pdf(), SimpleUploadedFile("说明.txt", b"plain text")]) == {
        "attachments": ["说明.txt is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or "
                        "PowerPoint document."]}
    assert (Proposal.objects.count(), ProposalAttachment.objects.count(), stored_files(settings)) == (0, 0, [])

    draft = pp.draft(attachments=[pdf(f"{i}.pdf") for i in range(5)])
    assert [a.original_name for a in draft.attachments.all()] == [f"{i}.pdf" for i in range(5)]
    edit = {**pp.TEXT, "category": pp.cat_city}
    assert invalid(proposals.proposal_draft_save, actor=pp.bob, proposal=draft, attachments=[pdf("5.pdf"), pdf("6.pdf")],
                   **edit) == {"attachments": ["At most 6 attachments."]}
    assert (draft.attachments.count(), len(stored_files(settings))) == (5, 5)

    first = draft.attachments.first()
    proposals.proposal_draft_save(actor=pp.bob, proposal=draft, attachments=[pdf("5.pdf"), pdf("6.pdf")],
                                  remove_attachments=[first.pk], **edit)
    assert [a.original_name for a in draft.attachments.all()] == ["1.pdf", "2.pdf", "3.pdf", "4.pdf", "5.pdf", "6.pdf"]
    assert len(stored_files(settings)) == 6


def test_drafts_are_private_to_their_writer(pp):
    draft = pp.draft()
    for user in (pp.cindy, pp.alice, pp.fiona, pp.lily, pp.carol, pp.eve, pp.root):
        assert list(selectors.proposals_for(user)) == [], user
    assert list(selectors.proposals_for(pp.bob)) == [draft]

    submitted = proposals.proposal_submit(actor=pp.bob, proposal=draft)
    assert [list(selectors.proposals_for(u)) for u in (pp.alice, pp.lily, pp.cindy, pp.carol)] == [
        [submitted], [submitted], [], []]
    proposals.proposal_file(actor=pp.alice, proposal=submitted)
    assert list(selectors.proposals_for(pp.cindy)) == [submitted]


def test_an_invited_cosigner_reads_the_draft_until_declining(pp):
    draft = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    assert list(selectors.proposals_for(pp.cindy)) == [draft]
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=False)
    assert list(selectors.proposals_for(pp.cindy)) == []


def test_a_member_writes_only_in_their_own_name_and_only_while_seated(pp):
    assert denied(proposals.proposal_draft_save, actor=pp.bob, member=pp.cindy_seat, **pp.TEXT) == (
        "You can only write proposals in your own name.")
    assert invalid(proposals.proposal_draft_save, actor=pp.bob, **pp.TEXT) == {
        "member": ["Write as a member or for a proposing body."]}
    directory.member_cease(actor=pp.alice, member=pp.cindy_seat, ceased_on=timezone.localdate())
    pp.cindy_seat.refresh_from_db()
    assert denied(pp.draft, member=pp.cindy_seat) == "Your seat on 甲市政协 has ended."
    assert Proposal.objects.count() == 0


def body(pp, *, users=(), is_active=True):
    return proposals.proposal_body_save(actor=pp.alice, committee=pp.a, name="民革甲市委员会", kind="democratic_party",
                                        authorised_users=list(users), is_active=is_active)


def test_a_collective_proposal_is_written_by_an_authorised_user_of_an_active_body(pp):
    party = body(pp, users=[pp.eve])
    collective = proposals.proposal_draft_save(actor=pp.eve, body=party, kind=ProposalKind.COLLECTIVE,
                                               category=pp.cat_city, **pp.TEXT)
    assert (collective.committee, collective.term, collective.body, collective.proposer, collective.author_name) == (
        pp.a, pp.term_a, party, None, "民革甲市委员会")
    proposals.proposal_submit(actor=pp.eve, proposal=collective)
    assert reload(collective).status == ProposalStatus.SUBMITTED

    assert invalid(proposals.proposal_draft_save, actor=pp.eve, body=party, kind=ProposalKind.INDIVIDUAL,
                   **pp.TEXT) == {"kind": ["A proposing body writes collective proposals."]}
    assert denied(proposals.proposal_draft_save, actor=pp.bob, body=party, kind=ProposalKind.COLLECTIVE,
                  **pp.TEXT) == "You are not authorised to submit for 民革甲市委员会."
    proposals.proposal_body_save(actor=pp.alice, body=party, name=party.name, kind=party.kind,
                                 authorised_users=[pp.eve], is_active=False)
    party.refresh_from_db()
    assert denied(proposals.proposal_draft_save, actor=pp.eve, body=party, kind=ProposalKind.COLLECTIVE,
                  **pp.TEXT) == "You are not authorised to submit for 民革甲市委员会."
    assert Proposal.objects.count() == 1


def test_proposing_bodies_are_managed_by_staff_with_unique_names(pp):
    body(pp)
    assert invalid(lambda: body(pp)) == {"name": ["A body of this name already exists."]}
    assert denied(proposals.proposal_body_save, actor=pp.bob, committee=pp.a, name="九三学社", kind="democratic_party") \
        == STAFF_ONLY
    assert invalid(proposals.proposal_body_save, actor=pp.alice, committee=pp.a, name="九三学社", kind="club") == {
        "kind": ["Choose the kind of body."]}
    assert invalid(proposals.proposal_body_save, actor=pp.alice, committee=pp.a, name="经济界", kind="sector",
                   sector=pp.sector_b) == {"sector": ["Choose one of this committee's."]}


def test_only_the_writer_edits_and_only_as_a_draft_or_when_returned(pp):
    draft = pp.draft()
    edit = {**pp.TEXT, "title": "关于加快老旧小区加装电梯的建议"}
    assert denied(proposals.proposal_draft_save, actor=pp.cindy, proposal=draft, **edit) == (
        "Only the writer may change this proposal.")
    proposals.proposal_submit(actor=pp.bob, proposal=draft)
    assert conflict(proposals.proposal_draft_save, actor=pp.bob, proposal=draft, **edit) == (
        "A proposal can be changed only as a draft or when returned for revision.")
    assert reload(draft).title == pp.TEXT["title"]

    proposals.proposal_return(actor=pp.alice, proposal=draft, comment="请补充资金测算。")
    edited = proposals.proposal_draft_save(actor=pp.bob, proposal=draft, category=pp.cat_city, **edit)
    assert (edited.status, edited.title) == (ProposalStatus.REVISING, "关于加快老旧小区加装电梯的建议")
    assert AuditEntry.objects.get(action="proposal.edit", target_id=draft.pk).changes["title"] == {
        "before": pp.TEXT["title"], "after": "关于加快老旧小区加装电梯的建议"}


# --- co-signing (联名) --------------------------------------------------------------------------------


def test_only_a_joint_proposal_invites_and_only_its_writer(pp):
    individual = pp.draft()
    assert invalid(proposals.proposal_invite, actor=pp.bob, proposal=individual, members=[pp.cindy_seat]) == {
        "kind": ["Only a joint proposal has co-signers; make it a joint proposal first."]}
    joint = pp.draft(kind=ProposalKind.JOINT)
    assert denied(proposals.proposal_invite, actor=pp.cindy, proposal=joint, members=[pp.cindy_seat]) == (
        "Only the writer may invite co-signers.")
    assert invalid(proposals.proposal_invite, actor=pp.bob, proposal=joint, members=[]) == {
        "members": ["Choose at least one member to invite."]}
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat])
    assert (invite.member, invite.status) == (pp.cindy_seat, CoSignerStatus.INVITED)
    assert titles_for(pp.cindy) == [f"王博 invites you to co-sign a proposal: {pp.TEXT['title']}"]


def test_cosigners_are_serving_members_of_the_same_committee_and_term_other_than_the_proposer(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    for seat in (pp.ben_seat, pp.ada_seat):
        assert invalid(proposals.proposal_invite, actor=pp.bob, proposal=joint, members=[seat]) == {
            "members": [f"{seat.name} is not a serving member of this committee."]}
    assert invalid(proposals.proposal_invite, actor=pp.bob, proposal=joint, members=[pp.bob_seat]) == {
        "members": ["The first proposer cannot co-sign their own proposal."]}
    directory.member_cease(actor=pp.alice, member=pp.cindy_seat, ceased_on=timezone.localdate())
    pp.cindy_seat.refresh_from_db()
    assert invalid(proposals.proposal_invite, actor=pp.bob, proposal=joint, members=[pp.cindy_seat]) == {
        "members": ["崔欣 is not a serving member of this committee."]}
    assert CoSigner.objects.count() == 0


def test_at_most_the_maximum_of_cosigners_are_invited(pp, monkeypatch):
    monkeypatch.setattr(proposals, "MAX_COSIGNERS", 2)
    dan, eli = member(pp, "邓丹", "dan", "13800000011"), member(pp, "易力", "eli", "13800000012")
    joint = pp.draft(kind=ProposalKind.JOINT)
    proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat])
    assert invalid(proposals.proposal_invite, actor=pp.bob, proposal=joint, members=[dan, eli]) == {
        "members": ["At most 2 co-signers."]}
    assert list(joint.cosigners.values_list("member__name", flat=True)) == ["崔欣"]
    # Inviting someone already invited adds nobody.
    assert proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat, dan])[0].member == dan


def test_a_member_who_declined_can_be_invited_again(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat])
    declined = proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=False, note="不熟悉该领域")
    assert (declined.status, declined.note) == (CoSignerStatus.DECLINED, "不熟悉该领域")
    assert titles_for(pp.bob) == [f"崔欣 declined to co-sign: {pp.TEXT['title']}"]

    [again] = proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat])
    assert (again.pk, again.status, again.responded_at, again.note) == (invite.pk, CoSignerStatus.INVITED, None, "")
    confirmed = proposals.cosign_respond(actor=pp.cindy, cosigner=again, accept=True)
    assert confirmed.status == CoSignerStatus.CONFIRMED
    assert CoSigner.objects.count() == 1


def test_only_the_invitee_answers_once_while_the_proposal_is_editable(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    dan = member(pp, "邓丹", "dan", "13800000011")
    [invite, pending] = proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat, dan])
    assert denied(proposals.cosign_respond, actor=pp.bob, cosigner=invite, accept=True) == (
        "Only the invited member may answer.")
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=True)
    assert conflict(proposals.cosign_respond, actor=pp.cindy, cosigner=invite, accept=False) == (
        "This invitation is no longer open.")
    proposals.proposal_submit(actor=pp.bob, proposal=joint)
    assert conflict(proposals.cosign_respond, actor=dan.user, cosigner=pending, accept=True) == (
        "This invitation is no longer open.")
    assert list(joint.cosigners.values_list("member__name", "status")) == [
        ("崔欣", CoSignerStatus.CONFIRMED), ("邓丹", CoSignerStatus.EXPIRED)]


def test_co_signers_are_changed_only_before_submission(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    dan = member(pp, "邓丹", "dan", "13800000011")
    [invite, other] = proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat, dan])
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=True)
    assert denied(proposals.cosigner_remove, actor=pp.cindy, cosigner=other) == "Only the writer may remove co-signers."
    proposals.cosigner_remove(actor=pp.bob, cosigner=other)
    proposals.proposal_submit(actor=pp.bob, proposal=joint)
    assert conflict(proposals.cosigner_remove, actor=pp.bob, cosigner=invite) == (
        "Co-signers are changed before the proposal is submitted.")
    assert conflict(proposals.proposal_invite, actor=pp.bob, proposal=joint, members=[dan]) == (
        "Co-signers are invited before the proposal is submitted.")
    assert list(joint.cosigners.values_list("member__name", flat=True)) == ["崔欣"]


def test_a_joint_proposal_with_co_signers_cannot_become_individual(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat])
    assert invalid(proposals.proposal_draft_save, actor=pp.bob, proposal=joint, kind=ProposalKind.INDIVIDUAL,
                   **pp.TEXT) == {"kind": ["Remove the co-signers before making this an individual proposal."]}
    assert reload(joint).kind == ProposalKind.JOINT


def test_a_ceased_co_signer_does_not_count_for_a_joint_proposal(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat])
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=True)
    directory.member_cease(actor=pp.alice, member=pp.cindy_seat, ceased_on=timezone.localdate())
    assert invalid(proposals.proposal_submit, actor=pp.bob, proposal=joint) == {
        "cosigners": ["A joint proposal needs at least one confirmed co-signer."]}
    assert (reload(joint).status, reload(joint).submitted_at) == (ProposalStatus.DRAFT, None)
    assert CoSigner.objects.get().status == CoSignerStatus.CONFIRMED


def test_a_co_signer_whose_seat_ends_later_still_counts(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=joint, members=[pp.cindy_seat])
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=True)
    directory.member_cease(actor=pp.alice, member=pp.cindy_seat,
                           ceased_on=timezone.localdate() + dt.timedelta(days=30))
    assert proposals.proposal_submit(actor=pp.bob, proposal=joint).status == ProposalStatus.SUBMITTED


def test_only_confirmed_co_signers_become_co_submitters_of_the_handling(pp):
    joint = pp.draft(kind=ProposalKind.JOINT)
    dan, eli = member(pp, "邓丹", "dan", "13800000011"), member(pp, "易力", "eli", "13800000012")
    confirmed, declined, _pending = proposals.proposal_invite(actor=pp.bob, proposal=joint,
                                                              members=[pp.cindy_seat, dan, eli])
    proposals.cosign_respond(actor=pp.cindy, cosigner=confirmed, accept=True)
    proposals.cosign_respond(actor=dan.user, cosigner=declined, accept=False)
    proposals.proposal_submit(actor=pp.bob, proposal=joint)
    filed = proposals.proposal_file(actor=pp.alice, proposal=joint)
    assert list(filed.case.co_submitters.all()) == [pp.cindy_seat]
    assert (filed.case.submitter, filed.case.submitted_by) == (pp.bob_seat, pp.bob)
    assert told(f"Your proposal was filed as No. 0001: {pp.TEXT['title']}") == ["bob", "cindy"]


# --- submitting, withdrawing, deleting --------------------------------------------------------------


def test_submitting_tells_the_staff_and_only_the_writer_submits(pp):
    draft = pp.draft()
    assert denied(proposals.proposal_submit, actor=pp.cindy, proposal=draft) == (
        "Only the writer may submit this proposal.")
    submitted = proposals.proposal_submit(actor=pp.bob, proposal=draft)
    assert (submitted.status, submitted.number) == (ProposalStatus.SUBMITTED, None)
    assert submitted.submitted_at is not None
    assert told(f"A proposal awaits review: {pp.TEXT['title']}") == ["alice", "fiona"]
    assert conflict(proposals.proposal_submit, actor=pp.bob, proposal=draft) == (
        "This proposal is Submitted, awaiting review; that step is not possible now.")


def test_a_member_whose_seat_ended_cannot_submit_their_draft(pp):
    draft = pp.draft()
    directory.member_cease(actor=pp.alice, member=pp.bob_seat, ceased_on=timezone.localdate())
    assert denied(proposals.proposal_submit, actor=pp.bob, proposal=draft) == "Your seat on 甲市政协 has ended."
    assert reload(draft).status == ProposalStatus.DRAFT


def test_the_writer_withdraws_before_review_and_staff_are_told(pp):
    submitted = pp.submitted()
    assert denied(proposals.proposal_withdraw, actor=pp.alice, proposal=submitted) == (
        "Only the writer may withdraw this proposal.")
    withdrawn = proposals.proposal_withdraw(actor=pp.bob, proposal=submitted, reason="与他人提案重复")
    assert withdrawn.status == ProposalStatus.WITHDRAWN
    assert told(f"Proposal withdrawn: {pp.TEXT['title']}") == ["alice", "fiona"]
    assert conflict(proposals.proposal_submit, actor=pp.bob, proposal=submitted) == (
        "This proposal is Withdrawn; that step is not possible now.")


@pytest.mark.parametrize(("make", "state"), [("draft", "Draft"), ("filed", "Filed (立案)")])
def test_withdrawing_a_draft_or_a_filed_proposal_is_a_conflict(pp, make, state):
    proposal = getattr(pp, make)()
    assert conflict(proposals.proposal_withdraw, actor=pp.bob, proposal=proposal) == (
        f"This proposal is {state}; that step is not possible now.")
    assert reload(proposal).status == proposal.status


def test_a_revising_proposal_can_be_withdrawn(pp):
    proposal = pp.submitted()
    proposals.proposal_return(actor=pp.alice, proposal=proposal, comment="请补充数据。")
    assert proposals.proposal_withdraw(actor=pp.bob, proposal=proposal).status == ProposalStatus.WITHDRAWN


def test_only_a_never_submitted_draft_is_deleted_by_its_writer(pp, settings):
    draft = pp.draft(kind=ProposalKind.JOINT, attachments=[pdf()])
    proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    assert denied(proposals.proposal_delete, actor=pp.cindy, proposal=draft) == "Only the writer may delete this draft."
    proposals.proposal_delete(actor=pp.bob, proposal=draft)
    assert (Proposal.objects.count(), CoSigner.objects.count(), ProposalAttachment.objects.count(),
            stored_files(settings)) == (0, 0, 0, [])

    submitted = pp.submitted()
    message = "Only a draft that was never submitted can be deleted; withdraw it instead."
    assert conflict(proposals.proposal_delete, actor=pp.bob, proposal=submitted) == message
    proposals.proposal_return(actor=pp.alice, proposal=submitted, comment="请补充数据。")
    assert conflict(proposals.proposal_delete, actor=pp.bob, proposal=submitted) == message
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize(("status", "state"), [
    (ProposalStatus.FILED, "Filed (立案)"),
    (ProposalStatus.NOT_FILED, "Not filed (不立案)"),
    (ProposalStatus.WITHDRAWN, "Withdrawn"),
    (ProposalStatus.MERGED, "Merged (并案)"),
    (ProposalStatus.DRAFT, "Draft"),
])
def test_review_steps_need_a_submitted_proposal(pp, status, state):
    proposal = pp.submitted() if status != ProposalStatus.DRAFT else pp.draft()
    if status == ProposalStatus.FILED:
        proposals.proposal_file(actor=pp.alice, proposal=proposal)
    elif status == ProposalStatus.NOT_FILED:
        proposals.proposal_not_file(actor=pp.alice, proposal=proposal, reason="不属于提案范围。")
    elif status == ProposalStatus.WITHDRAWN:
        proposals.proposal_withdraw(actor=pp.bob, proposal=proposal)
    elif status == ProposalStatus.MERGED:
        proposals.proposal_merge(actor=pp.alice, main=pp.submitted(**PARKING), others=[proposal])
    message = f"This proposal is {state}; that step is not possible now."
    before = reload(proposal)
    assert conflict(proposals.proposal_file, actor=pp.alice, proposal=proposal) == message
    assert conflict(proposals.proposal_not_file, actor=pp.alice, proposal=proposal, reason="不属于提案范围。") == message
    assert conflict(proposals.proposal_return, actor=pp.alice, proposal=proposal, comment="请补充数据。") == message
    after = reload(proposal)
    assert (after.status, after.number, after.case_id) == (before.status, before.number, before.case_id)


# --- review: filing (立案) ------------------------------------------------------------------------------


def test_filing_numbers_run_per_committee_term_and_year(pp):
    first, second = pp.filed(), pp.filed(**PARKING)
    plenary = pp.filed(timing=ProposalTiming.PLENARY, session=pp.session_a)
    ben = proposals.proposal_draft_save(actor=pp.ben, member=pp.ben_seat, category=pp.cat_b, **PARKING)
    proposals.proposal_submit(actor=pp.ben, proposal=ben)
    ben = proposals.proposal_file(actor=pp.root, proposal=ben)
    year = timezone.localdate().year
    assert [(p.committee.short_name, p.year, p.number) for p in (first, second, plenary, ben)] == [
        ("甲市", year, 1), ("甲市", year, 2), ("甲市", pp.session_a.start_date.year, 1), ("乙市", year, 1)]
    assert sorted(ProposalSequence.objects.values_list("committee__short_name", "year", "last")) == sorted([
        ("甲市", year, 2), ("甲市", pp.session_a.start_date.year, 1), ("乙市", year, 1)])


def test_filing_many_proposals_gives_each_its_own_number(pp):
    submitted = [pp.submitted(title=f"关于第{i}号民生实事的建议") for i in range(1, 7)]
    for proposal in reversed(submitted):
        proposals.proposal_file(actor=pp.alice, proposal=proposal)
    numbers = list(Proposal.objects.order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    assert [reload(p).number for p in submitted] == [6, 5, 4, 3, 2, 1]


def test_filing_creates_the_handling_item_waiting_for_assignment(pp):
    filed = pp.filed()
    case = Case.objects.get(pk=filed.case_id)
    assert (filed.status, filed.number, filed.reviewed_by, case.kind, case.status, case.category, case.submitter,
            case.title, case.content) == (
        ProposalStatus.FILED, 1, pp.alice, "proposal", CaseStatus.TRIAGE, pp.cat_city, pp.bob_seat,
        f"No. 0001 {pp.TEXT['title']}", filed.text)
    assert Assignment.objects.filter(case=case).count() == 0
    assert told(f"Your proposal was filed as No. 0001: {pp.TEXT['title']}") == ["bob"]


def test_filing_needs_a_category_of_the_committee_and_a_refusal_uses_no_number(pp):
    proposal = pp.submitted(category=None)
    assert invalid(proposals.proposal_file, actor=pp.alice, proposal=proposal) == {
        "category": ["Choose the category before filing."]}
    assert invalid(proposals.proposal_file, actor=pp.alice, proposal=proposal, category=pp.cat_b) == {
        "category": ["Choose a category of this committee."]}
    after = reload(proposal)
    assert (after.status, after.number, after.case_id, Case.objects.count(), ProposalSequence.objects.count()) == (
        ProposalStatus.SUBMITTED, None, None, 0, 0)
    filed = proposals.proposal_file(actor=pp.alice, proposal=proposal, category=pp.cat_health)
    assert (filed.number, filed.category, filed.case.category) == (1, pp.cat_health, pp.cat_health)


def deadlines(proposal: Proposal) -> list[tuple]:
    from cppcc_portal.core import workdays

    today = timezone.localdate()
    return [(a.department.name, a.role, a.clock_workdays, a.due_date == workdays.add_workdays(today, a.clock_workdays),
             a.objection_until == workdays.add_workdays(today, 5))
            for a in Assignment.objects.filter(case_id=proposal.case_id).select_related("department").order_by("id")]


def test_filing_with_one_department_assigns_it_with_the_proposal_deadlines(pp):
    filed = pp.filed(lead=pp.dept_a3)
    case = Case.objects.get(pk=filed.case_id)
    assert (case.status, case.handling_mode) == (CaseStatus.HANDLING, "single")
    assert deadlines(filed) == [("甲市住房和城乡建设局", AssignmentRole.LEAD, 60, True, True)]
    assert told(f"New item assigned: No. 0001 {pp.TEXT['title']}") == ["jack"]


def test_filing_with_lead_and_co_handlers_gives_co_handlers_a_month(pp):
    filed = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2])
    assert Case.objects.get(pk=filed.case_id).handling_mode == "lead"
    assert deadlines(filed) == [("甲市住房和城乡建设局", AssignmentRole.LEAD, 60, True, True),
                                ("甲市卫生健康委员会", AssignmentRole.CO, 20, True, True)]


def test_filing_for_separate_handling_gives_each_unit_the_full_period(pp):
    filed = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2], mode="separate")
    assert Case.objects.get(pk=filed.case_id).handling_mode == "separate"
    assert deadlines(filed) == [("甲市住房和城乡建设局", AssignmentRole.SEPARATE, 60, True, True),
                                ("甲市卫生健康委员会", AssignmentRole.SEPARATE, 60, True, True)]


def test_the_committees_proposal_policy_replaces_the_builtin_deadlines(pp):
    config.policy_set(actor=pp.alice, committee=pp.a, kind="proposal", reply_workdays=45, co_opinion_workdays=15)
    filed = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2])
    assert [(a.role, a.clock_workdays) for a in Assignment.objects.filter(case_id=filed.case_id).order_by("id")] == [
        (AssignmentRole.LEAD, 45), (AssignmentRole.CO, 15)]


def test_filing_with_a_department_of_another_committee_files_nothing(pp):
    proposal = pp.submitted()
    assert invalid(proposals.proposal_file, actor=pp.alice, proposal=proposal, lead_department=pp.dept_b) == {
        "lead_department": ["乙市交通运输局 is not an active department of this committee."]}
    after = reload(proposal)
    assert (after.status, after.number, Case.objects.count()) == (ProposalStatus.SUBMITTED, None, 0)


# --- review: not filing, returning, merging --------------------------------------------------------------


def test_not_filing_needs_a_reason_the_proposer_sees(pp):
    proposal = pp.submitted()
    assert invalid(proposals.proposal_not_file, actor=pp.alice, proposal=proposal, reason=" ") == {
        "reason": ["This field is required."]}
    assert invalid(proposals.proposal_not_file, actor=pp.alice, proposal=proposal, reason="不妥") == {
        "reason": ["At least 4 characters."]}
    assert reload(proposal).status == ProposalStatus.SUBMITTED
    not_filed = proposals.proposal_not_file(actor=pp.alice, proposal=proposal, reason="属于个人诉求，不属于提案范围。",
                                            conversion=Conversion.INFORMATION)
    assert (not_filed.status, not_filed.review_note, not_filed.conversion, not_filed.number, not_filed.case_id) == (
        ProposalStatus.NOT_FILED, "属于个人诉求，不属于提案范围。", Conversion.INFORMATION, None, None)
    assert list(Notification.objects.filter(recipient=pp.bob).values_list("title", "body")) == [
        (f"Your proposal was not filed: {pp.TEXT['title']}", "属于个人诉求，不属于提案范围。")]


def test_sending_for_reference_needs_departments_of_the_committee_and_tells_them(pp):
    proposal = pp.submitted()
    reason = "建议已在实施中，转有关部门参考。"
    assert invalid(proposals.proposal_not_file, actor=pp.alice, proposal=proposal, reason=reason,
                   conversion=Conversion.REFERENCE) == {
        "reference_departments": ["Choose the departments it is sent to for reference."]}
    assert invalid(proposals.proposal_not_file, actor=pp.alice, proposal=proposal, reason=reason,
                   conversion=Conversion.INFORMATION, reference_departments=[pp.dept_a]) == {
        "reference_departments": ["Departments are chosen only when sending for reference."]}
    assert invalid(proposals.proposal_not_file, actor=pp.alice, proposal=proposal, reason=reason,
                   conversion=Conversion.REFERENCE, reference_departments=[pp.dept_b]) == {
        "reference_departments": ["乙市交通运输局 is not an active department of this committee."]}
    assert invalid(proposals.proposal_not_file, actor=pp.alice, proposal=proposal, reason=reason,
                   conversion="letter") == {"conversion": ["Choose what the proposal becomes."]}
    assert reload(proposal).status == ProposalStatus.SUBMITTED

    proposals.proposal_not_file(actor=pp.alice, proposal=proposal, reason=reason, conversion=Conversion.REFERENCE,
                                reference_departments=[pp.dept_a, pp.dept_a3])
    assert list(reload(proposal).reference_departments.order_by("id")) == [pp.dept_a, pp.dept_a3]
    assert told(f"A proposal is sent to you for reference: {pp.TEXT['title']}") == ["carol", "ivan", "jack"]
    assert list(selectors.proposals_for(pp.jack)) == [proposal]
    assert list(selectors.proposals_for(pp.hank)) == []


def test_returned_for_revision_the_writer_edits_and_resubmits_and_the_number_comes_at_filing(pp):
    proposal = pp.submitted()
    assert invalid(proposals.proposal_return, actor=pp.alice, proposal=proposal, comment="") == {
        "comment": ["This field is required."]}
    returned = proposals.proposal_return(actor=pp.alice, proposal=proposal, comment="请补充资金测算。")
    assert (returned.status, returned.review_note, returned.number) == (ProposalStatus.REVISING, "请补充资金测算。", None)
    assert list(Notification.objects.filter(recipient=pp.bob).values_list("title", "body")) == [
        (f"Please revise your proposal: {pp.TEXT['title']}", "请补充资金测算。")]

    proposals.proposal_draft_save(actor=pp.bob, proposal=proposal, category=pp.cat_city,
                                  **{**pp.TEXT, "suggestions": pp.TEXT["suggestions"] + "预计每台补贴10万元。"})
    resubmitted = proposals.proposal_submit(actor=pp.bob, proposal=proposal)
    assert (resubmitted.status, resubmitted.number) == (ProposalStatus.SUBMITTED, None)
    assert list(AuditEntry.objects.filter(target_id=proposal.pk, action__startswith="proposal.").order_by(
        "id").values_list("action", flat=True)) == [
        "proposal.draft", "proposal.submit", "proposal.return", "proposal.edit", "proposal.resubmit"]
    filed = proposals.proposal_file(actor=pp.alice, proposal=proposal)
    assert filed.number == 1


def test_merged_into_a_submitted_proposal_they_join_its_handling_at_filing(pp):
    main = pp.submitted()
    other = pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯财政补贴的建议")
    proposals.proposal_merge(actor=pp.alice, main=main, others=[other], note="同题并案")
    other = reload(other)
    assert (other.status, other.merged_into, other.case_id, other.review_note) == (
        ProposalStatus.MERGED, main, None, "同题并案")
    assert titles_for(pp.cindy) == [f"Your proposal was merged with {pp.TEXT['title']} for handling"]

    filed = proposals.proposal_file(actor=pp.alice, proposal=main, lead_department=pp.dept_a3)
    assert (reload(other).case_id, reload(other).number) == (filed.case_id, None)
    assert list(filed.case.co_submitters.all()) == [pp.cindy_seat]
    assert told(f"Your proposal was filed as No. 0001: {pp.TEXT['title']}") == ["bob", "cindy"]
    # A merged proposal cannot be withdrawn or filed on its own.
    assert conflict(proposals.proposal_withdraw, actor=pp.cindy, proposal=other) == (
        "This proposal is Merged (并案); that step is not possible now.")


def test_merged_into_a_filed_proposal_it_joins_the_handling_at_once(pp):
    main = pp.filed(lead=pp.dept_a3)
    other = pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯财政补贴的建议")
    proposals.proposal_merge(actor=pp.alice, main=main, others=[other])
    assert (reload(other).status, reload(other).case_id) == (ProposalStatus.MERGED, main.case_id)
    assert list(Case.objects.get(pk=main.case_id).co_submitters.all()) == [pp.cindy_seat]
    assert list(selectors.proposals_for(pp.jack).order_by("id")) == [main, other]


def test_merging_across_committees_merges_nothing(pp):
    main, same = pp.submitted(), pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯财政补贴的建议")
    ben = proposals.proposal_draft_save(actor=pp.ben, member=pp.ben_seat, category=pp.cat_b, **PARKING)
    proposals.proposal_submit(actor=pp.ben, proposal=ben)
    assert invalid(proposals.proposal_merge, actor=pp.root, main=main, others=[same, ben]) == {
        "others": ["Only proposals of the same committee can be merged."]}
    assert [reload(p).status for p in (main, same, ben)] == [ProposalStatus.SUBMITTED] * 3
    assert reload(same).merged_into_id is None


def test_merging_needs_a_submitted_or_filed_main_without_chains(pp):
    main, other = pp.submitted(), pp.submitted(**PARKING)
    assert invalid(proposals.proposal_merge, actor=pp.alice, main=main, others=[main]) == {
        "others": ["Choose the proposals to merge into this one."]}
    withdrawn = pp.submitted(title="关于老旧小区加装电梯运维管理的建议")
    proposals.proposal_withdraw(actor=pp.bob, proposal=withdrawn)
    assert conflict(proposals.proposal_merge, actor=pp.alice, main=withdrawn, others=[other]) == (
        "Proposals are merged into one that is submitted or filed.")
    proposals.proposal_merge(actor=pp.alice, main=main, others=[other])
    third = pp.submitted(title="关于老旧小区加装电梯安全监管的建议")
    assert invalid(proposals.proposal_merge, actor=pp.alice, main=third, others=[main]) == {
        "others": [f"{pp.TEXT['title']} has proposals merged into it."]}
    assert reload(main).status == ProposalStatus.SUBMITTED
    # One with merged proposals is filed, not refused or returned, and not withdrawn.
    assert conflict(proposals.proposal_return, actor=pp.alice, proposal=main, comment="请补充数据。") == (
        "Proposals were merged into this one; it cannot be returned for revision.")
    assert conflict(proposals.proposal_not_file, actor=pp.alice, proposal=main, reason="不属于提案范围。") == (
        "Proposals were merged into this one; file it, or undo the merge first.")
    assert conflict(proposals.proposal_withdraw, actor=pp.bob, proposal=main) == (
        "Other proposals were merged into this one; it can no longer be withdrawn.")


def staff_b(pp):
    user = UserFactory(username="bea", full_name="白雅")
    CommitteeRoleFactory(user=user, committee=pp.b, role=CommitteeRoleKind.STAFF)
    return user


REVIEW_STEPS = {
    "file": lambda pp, actor, p: proposals.proposal_file(actor=actor, proposal=p, lead_department=pp.dept_a3),
    "not_file": lambda pp, actor, p: proposals.proposal_not_file(actor=actor, proposal=p, reason="不属于提案范围。"),
    "return": lambda pp, actor, p: proposals.proposal_return(actor=actor, proposal=p, comment="请补充数据。"),
    "merge": lambda pp, actor, p: proposals.proposal_merge(actor=actor, main=p, others=[pp.other]),
}


@pytest.mark.parametrize("step", list(REVIEW_STEPS))
@pytest.mark.parametrize("role", ["bob", "cindy", "lily", "carol", "dave", "eve", "bea"])
def test_only_staff_of_the_committee_take_review_steps(pp, step, role):
    proposal = pp.submitted()
    pp.other = pp.submitted(**PARKING)
    actor = staff_b(pp) if role == "bea" else getattr(pp, role)
    with pytest.raises(PermissionDenied) as caught:
        REVIEW_STEPS[step](pp, actor, proposal)
    assert str(caught.value) == STAFF_ONLY
    assert [reload(p).status for p in (proposal, pp.other)] == [ProposalStatus.SUBMITTED] * 2
    assert (Case.objects.count(), ProposalSequence.objects.count()) == (0, 0)


@pytest.mark.parametrize("role", ["fiona", "root"])
def test_staff_with_reach_and_the_superuser_review(pp, role):
    filed = proposals.proposal_file(actor=getattr(pp, role), proposal=pp.submitted())
    assert (filed.status, filed.reviewed_by) == (ProposalStatus.FILED, getattr(pp, role))


# --- key proposals (重点提案) ------------------------------------------------------------------------


def test_only_a_filed_proposal_becomes_key_under_leaders_of_the_committee(pp):
    submitted = pp.submitted()
    assert conflict(proposals.proposal_mark_key, actor=pp.alice, proposal=submitted, leaders=[pp.lily],
                    plan="召开督办座谈会。") == "Only a filed proposal can be a key proposal."
    filed = pp.filed(**PARKING)
    assert invalid(proposals.proposal_mark_key, actor=pp.alice, proposal=filed, leaders=[], plan="召开督办座谈会。") == {
        "leaders": ["Choose at least one supervising leader."]}
    assert invalid(proposals.proposal_mark_key, actor=pp.alice, proposal=filed, leaders=[pp.bob],
                   plan="召开督办座谈会。") == {"leaders": ["Choose leaders of this committee."]}
    assert invalid(proposals.proposal_mark_key, actor=pp.alice, proposal=filed, leaders=[pp.lily], plan="") == {
        "plan": ["This field is required."]}
    assert denied(proposals.proposal_mark_key, actor=pp.lily, proposal=filed, leaders=[pp.lily],
                  plan="召开督办座谈会。") == STAFF_ONLY
    assert (reload(filed).is_key, Follow.objects.count()) == (False, 0)


def test_a_key_proposals_leaders_supervise_its_handling(pp):
    filed = pp.filed(lead=pp.dept_a3)
    key = proposals.proposal_mark_key(actor=pp.alice, proposal=filed, leaders=[pp.lily], plan="召开督办座谈会。")
    assert (key.is_key, key.key_plan, list(key.key_leaders.all())) == (True, "召开督办座谈会。", [pp.lily])
    assert key.key_marked_at is not None
    assert list(Follow.objects.values_list("case_id", "user__username", "kind")) == [
        (filed.case_id, "lily", FollowKind.SUPERVISE)]
    assert titles_for(pp.lily) == [f"You supervise a key proposal: {pp.TEXT['title']}"]
    assert f"Your proposal is a key proposal: {pp.TEXT['title']}" in titles_for(pp.bob)
    assert list(selectors.supervised_proposals(pp.lily)) == [key]


def test_changing_the_leaders_ends_the_old_leaders_supervision(pp):
    leo = leader(pp)
    filed = pp.filed(lead=pp.dept_a3)
    proposals.proposal_mark_key(actor=pp.alice, proposal=filed, leaders=[pp.lily], plan="召开督办座谈会。")
    marked_at = reload(filed).key_marked_at
    proposals.proposal_mark_key(actor=pp.alice, proposal=filed, leaders=[leo], plan="开展实地视察。")
    after = reload(filed)
    assert (list(after.key_leaders.all()), after.key_plan, after.key_marked_at) == ([leo], "开展实地视察。", marked_at)
    assert list(Follow.objects.values_list("user__username", "kind")) == [("leo", FollowKind.SUPERVISE)]
    assert AuditEntry.objects.get(action="proposal.key_update", target_id=filed.pk).changes == {
        "key_leaders": {"before": [pp.lily.pk], "after": [leo.pk]}}
    assert Notification.objects.filter(title__startswith="Your proposal is a key proposal").count() == 1

    proposals.proposal_unmark_key(actor=pp.alice, proposal=filed)
    after = reload(filed)
    assert (after.is_key, list(after.key_leaders.all()), after.key_marked_at, Follow.objects.count()) == (
        False, [], None, 0)
    assert conflict(proposals.proposal_unmark_key, actor=pp.alice, proposal=filed) == "This is not a key proposal."


def test_supervision_is_recorded_by_staff_or_a_supervising_leader_of_a_key_proposal(pp):
    leo = leader(pp)
    filed = pp.filed(lead=pp.dept_a3)
    today = timezone.localdate()
    record = {"kind": SupervisionKind.MEETING, "held_on": today, "summary": "督办座谈会，明确年底前完成审批改革。"}
    assert conflict(proposals.supervision_record, actor=pp.alice, proposal=filed, **record) == (
        "Supervision is recorded for key proposals.")
    proposals.proposal_mark_key(actor=pp.alice, proposal=filed, leaders=[pp.lily], plan="召开督办座谈会。")

    by_leader = proposals.supervision_record(actor=pp.lily, proposal=filed, place="市住建局", **record)
    by_staff = proposals.supervision_record(actor=pp.alice, proposal=filed, **{**record, "kind": SupervisionKind.SITE_VISIT})
    assert [(a.kind, a.created_by) for a in SupervisionActivity.objects.order_by("id")] == [
        (SupervisionKind.MEETING, pp.lily), (SupervisionKind.SITE_VISIT, pp.alice)]
    assert (by_leader.place, by_staff.held_on) == ("市住建局", today)
    # Each activity is told to the handling department and the proposers, never to the one recording it.
    assert told(f"Supervision of a key proposal: {pp.TEXT['title']}") == ["bob", "bob", "jack", "jack"]
    for user in (leo, pp.bob, pp.carol, pp.jack):
        assert denied(proposals.supervision_record, actor=user, proposal=filed, **record) == (
            "Only committee staff or a supervising leader may record supervision.")
    assert invalid(proposals.supervision_record, actor=pp.lily, proposal=filed,
                   **{**record, "held_on": today + dt.timedelta(days=1)}) == {
        "held_on": ["Record an activity once it has taken place."]}
    assert invalid(proposals.supervision_record, actor=pp.lily, proposal=filed, **{**record, "kind": "party"}) == {
        "kind": ["Choose the kind of activity."]}
    assert SupervisionActivity.objects.count() == 2


def test_supervision_tells_the_handling_departments_and_the_proposers(pp):
    filed = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2])
    proposals.proposal_mark_key(actor=pp.alice, proposal=filed, leaders=[pp.lily], plan="召开督办座谈会。")
    proposals.supervision_record(actor=pp.lily, proposal=filed, kind=SupervisionKind.MEETING,
                                 held_on=timezone.localdate(), summary="督办座谈会。")
    assert told(f"Supervision of a key proposal: {pp.TEXT['title']}") == ["bob", "hank", "jack"]


# --- the procuratorate --------------------------------------------------------------------------------


def procuratorate(pp):
    dept = directory.department_create(actor=pp.alice, committee=pp.a, name="甲市人民检察院",
                                       kind=DepartmentKind.PROCURATORATE)
    pat = directory.liaison_create(actor=pp.alice, department=dept, name="潘特", phone="13600000009", username="pat")
    return dept, pat.user


def test_a_filed_proposal_is_passed_once_to_the_committees_procuratorate(pp):
    dept, pat = procuratorate(pp)
    submitted = pp.submitted()
    clue = "老旧小区电梯安全隐患涉及公共利益。"
    assert conflict(proposals.procuratorate_transfer, actor=pp.alice, proposal=submitted, procuratorate=dept,
                    clue=clue) == "Only a filed proposal can be transferred."
    filed = pp.filed(**PARKING)
    assert invalid(proposals.procuratorate_transfer, actor=pp.alice, proposal=filed, procuratorate=pp.dept_a,
                   clue=clue) == {"procuratorate": ["Choose this committee's procuratorate."]}
    b_dept = directory.department_create(actor=pp.root, committee=pp.b, name="乙市人民检察院",
                                         kind=DepartmentKind.PROCURATORATE)
    assert invalid(proposals.procuratorate_transfer, actor=pp.alice, proposal=filed, procuratorate=b_dept,
                   clue=clue) == {"procuratorate": ["Choose this committee's procuratorate."]}
    assert invalid(proposals.procuratorate_transfer, actor=pp.alice, proposal=filed, procuratorate=dept, clue=clue,
                   transferred_on=timezone.localdate() + dt.timedelta(days=1)) == {
        "transferred_on": ["The date cannot be in the future."]}
    assert denied(proposals.procuratorate_transfer, actor=pat, proposal=filed, procuratorate=dept, clue=clue) == STAFF_ONLY
    assert ProcuratorateTransfer.objects.count() == 0

    transfer = proposals.procuratorate_transfer(actor=pp.alice, proposal=filed, procuratorate=dept, clue=clue)
    assert (transfer.status, transfer.transferred_on, transfer.procuratorate) == (
        ProcuratorateStatus.TRANSFERRED, timezone.localdate(), dept)
    assert told(f"A proposal passed to the procuratorate as a clue: {PARKING['title']}") == ["bob", "pat"]
    assert list(selectors.proposals_for(pat)) == [filed]
    assert conflict(proposals.procuratorate_transfer, actor=pp.alice, proposal=filed, procuratorate=dept,
                    clue=clue) == "This proposal was already transferred."


def test_the_procuratorates_outcome_is_recorded_by_staff_or_its_liaison(pp):
    dept, pat = procuratorate(pp)
    filed = pp.filed()
    transferred_on = timezone.localdate() - dt.timedelta(days=10)
    transfer = proposals.procuratorate_transfer(actor=pp.alice, proposal=filed, procuratorate=dept,
                                                clue="电梯安全隐患涉及公共利益。", transferred_on=transferred_on)
    outcome = {"status": ProcuratorateStatus.RECOMMENDATION, "outcome": "已向市市场监管局发出检察建议。"}
    for user in (pp.carol, pp.bob, pp.lily):
        assert denied(proposals.procuratorate_outcome, actor=user, transfer=transfer, **outcome) == (
            "Only committee staff or the procuratorate may record the outcome.")
    assert invalid(proposals.procuratorate_outcome, actor=pat, transfer=transfer,
                   **{**outcome, "status": ProcuratorateStatus.TRANSFERRED}) == {
        "status": ["Choose what the procuratorate did."]}
    for day in (transferred_on - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)):
        assert invalid(proposals.procuratorate_outcome, actor=pat, transfer=transfer, outcome_on=day, **outcome) == {
            "outcome_on": ["The date must lie between the transfer and today."]}
    assert ProcuratorateTransfer.objects.get().status == ProcuratorateStatus.TRANSFERRED

    recorded = proposals.procuratorate_outcome(actor=pat, transfer=transfer, outcome_on=transferred_on, **outcome)
    assert (recorded.status, recorded.outcome, recorded.outcome_on) == (
        ProcuratorateStatus.RECOMMENDATION, "已向市市场监管局发出检察建议。", transferred_on)
    assert told(f"The procuratorate's outcome on: {pp.TEXT['title']}") == ["alice", "bob", "fiona"]
    concluded = proposals.procuratorate_outcome(actor=pp.alice, transfer=transfer, status=ProcuratorateStatus.CONCLUDED,
                                                outcome="已办结。")
    assert (concluded.status, concluded.outcome_on) == (ProcuratorateStatus.CONCLUDED, timezone.localdate())
