"""Every rule of social-conditions and public-opinion information (社情民意信息) through the
services: drafting with co-authors and shares of credit, submitting and withdrawing, review
(not adopted / edited and approved), sign-off, bulletin issues numbered per bulletin and year,
sending (adoption per level, copies up the committee tree), recording adoptions, passing to
departments on the handling engine, leader instructions, proposals converted to information,
and the credit each author earns.

Cast (tests/consultations/conftest.py): bob and cindy members of A, ada member of A1, olga an
information officer of A, alice staff of A, fiona staff of A and A1, lily leader of A, carol
liaison of 甲市教育局, ben member of B, dave liaison in B, eve an outsider; bea (made here) is
staff of B.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consultations.choices import AdoptionLevel, InformationStatus, InstructionLevel, IssueStatus, Recipient
from consultations.models import Adoption, BulletinIssue, InformationAuthor, InformationItem, Instruction
from consultations.selectors import credit_shares
from consultations.services import consultations as cs, information as info
from cppcc_portal.core.audit import timeline
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry, Notification
from members.choices import CommitteeLevel, CommitteeRoleKind
from proposals.choices import CaseKind, CaseStatus, Conversion, ProposalKind
from proposals.models import Assignment, Case
from proposals.services import proposals as ps
from tests.factories import CommitteeFactory, CommitteeRoleFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF_ONLY = "Only staff of this committee may do this."
STAFF_OR_LEADER = "Only staff or leaders of this committee may do this."
WRITERS_ONLY = "Members and information officers of this committee submit information."
TITLE = "农村留守老人助餐服务亟待加强"
CONTENT = "部分乡镇留守老人就餐困难，村级助餐点覆盖不足，建议统筹建设村级老年食堂。"
TODAY = timezone.localdate()
YEAR = TODAY.year


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


def told(title: str) -> list[str]:
    return sorted(Notification.objects.filter(title=title).values_list("recipient__username", flat=True))


def actions(obj) -> list[str]:
    return [e.action for e in reversed(timeline(obj))]


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def bea(cw):
    user = UserFactory(username="bea", full_name="白雅")
    CommitteeRoleFactory(user=user, committee=cw.b, role=CommitteeRoleKind.STAFF)
    return user


def member(cw, name: str, username: str, phone: str):
    from members import services as directory

    return directory.member_create(actor=cw.alice, committee=cw.a, term=cw.term_a, sector=cw.sector_a, name=name,
                                   phone=phone, username=username)


def draft(cw, **overrides):
    args = {"actor": cw.bob, "committee": cw.a, "title": TITLE, "content": CONTENT, **overrides}
    return info.information_draft_save(**args)


def shares(item) -> list[tuple[str, Decimal]]:
    return [(a.name, a.share) for a in item.authors.all()]


def compiled(cw, *items, bulletin=None, actor=None):
    issue = info.issue_create(actor=actor or cw.alice, bulletin=bulletin or cw.bulletin_a)
    return info.issue_add_items(actor=actor or cw.alice, issue=issue, items=list(items))


def where(cw, issue) -> str:
    return f"{issue.committee}《{issue.bulletin.name}》{issue.label}"


# --- drafting ----------------------------------------------------------------------------------------


def test_a_member_writes_a_draft_with_co_authors_sharing_the_credit_equally(cw):
    item = draft(cw, co_authors=[cw.cindy_seat, cw.bob_seat, cw.cindy_seat])
    assert (item.status, item.committee, item.submitted_by, item.submitted_at, item.display_title) == (
        InformationStatus.DRAFT, cw.a, cw.bob, None, TITLE)
    assert [(a.member, a.user, a.name, a.order, a.share) for a in item.authors.all()] == [
        (cw.bob_seat, cw.bob, "王博", 1, Decimal("0.5")), (cw.cindy_seat, cw.cindy, "崔欣", 2, Decimal("0.5"))]
    assert actions(item) == ["information.create"]
    dan = member(cw, "邓丹", "dan", "13800000011")
    three = draft(cw, co_authors=[cw.cindy_seat, dan])
    assert [a.share for a in three.authors.all()] == [Decimal("0.334"), Decimal("0.333"), Decimal("0.333")]
    assert sum(a.share for a in three.authors.all()) == 1


def test_shares_of_credit_may_be_given_and_must_add_up_to_one(cw):
    item = draft(cw, co_authors=[cw.cindy_seat], shares=["0.7", 0.3])
    assert shares(item) == [("王博", Decimal("0.7")), ("崔欣", Decimal("0.3"))]
    bad = {"shares": ["Give every author a share from 0 to 1; the shares add up to 1."]}
    for wrong in (["0.6", "0.3"], ["1"], ["1.2", "-0.2"], ["0.5", "0.5", "0"]):
        assert invalid(draft, cw=cw, co_authors=[cw.cindy_seat], shares=wrong) == bad
    assert invalid(draft, cw=cw, co_authors=[cw.cindy_seat], shares=["一半", "一半"]) == {
        "shares": ["Give each author's share as a number."]}
    assert InformationItem.objects.count() == 1


def test_an_information_officer_writes_in_their_own_name(cw):
    item = draft(cw, actor=cw.olga, co_authors=[cw.bob_seat])
    assert [(a.member, a.user, a.name, a.share) for a in item.authors.all()] == [
        (None, cw.olga, "欧佳", Decimal("0.5")), (cw.bob_seat, cw.bob, "王博", Decimal("0.5"))]
    info.information_officer_save(actor=cw.alice, committee=cw.a, user=cw.olga, is_active=False)
    assert denied(draft, cw=cw, actor=cw.olga) == WRITERS_ONLY
    assert info.information_writer_committees(cw.olga) == []
    info.information_officer_save(actor=cw.alice, committee=cw.a, user=cw.olga, organisation="甲市社科院")
    assert info.information_writer_committees(cw.olga) == [cw.a.pk]
    assert denied(info.information_officer_save, actor=cw.bob, committee=cw.a, user=cw.eve) == STAFF_ONLY


def test_only_members_and_officers_of_the_committee_write_information(cw):
    for outsider in (cw.alice, cw.lily, cw.carol, cw.eve, cw.dave, cw.ben, cw.ada, bea(cw)):
        assert denied(draft, cw=cw, actor=outsider) == WRITERS_ONLY
    assert info.information_writer_committees(cw.bob) == [cw.a.pk]
    assert info.information_writer_committees(cw.eve) == []
    assert InformationItem.objects.count() == 0


def test_the_text_co_authors_and_category_of_a_draft_are_checked(cw, monkeypatch):
    assert invalid(draft, cw=cw, title="  ") == {"title": ["This field is required."]}
    assert invalid(draft, cw=cw, title="助餐") == {"title": ["At least 4 characters."]}
    assert invalid(draft, cw=cw, title="题" * 121) == {"title": ["At most 120 characters."]}
    assert invalid(draft, cw=cw, content="留守老人吃饭难") == {"content": ["At least 20 characters."]}
    assert invalid(draft, cw=cw, content="文" * 20001) == {"content": ["At most 20000 characters."]}
    for seat in (cw.ada_seat, cw.ben_seat):
        assert invalid(draft, cw=cw, co_authors=[seat]) == {
            "co_authors": ["Co-authors are serving members of this committee."]}
    assert invalid(draft, cw=cw, category=cw.cat_b) == {"category": ["Choose a category of this committee."]}
    monkeypatch.setattr(info, "MAX_AUTHORS", 2)
    dan = member(cw, "邓丹", "dan", "13800000011")
    assert invalid(draft, cw=cw, co_authors=[cw.cindy_seat, dan]) == {"co_authors": ["At most 2 authors."]}
    assert (InformationItem.objects.count(), InformationAuthor.objects.count()) == (0, 0)
    hostile = draft(cw, title="<script>alert('x')</script>", category=cw.cat_edu)
    assert (hostile.title, hostile.category) == ("<script>alert('x')</script>", cw.cat_edu)


def test_only_the_writer_changes_or_deletes_a_draft_and_only_as_a_draft(cw):
    item = draft(cw, co_authors=[cw.cindy_seat])
    assert denied(info.information_draft_save, actor=cw.cindy, item=item, title=TITLE, content=CONTENT) == (
        "You can only change your own drafts.")
    assert denied(info.information_delete, actor=cw.cindy, item=item) == "You can only delete your own drafts."
    edited = info.information_draft_save(actor=cw.bob, item=item, title="农村留守老人助餐服务需加强", content=CONTENT)
    assert (edited.title, shares(edited)) == ("农村留守老人助餐服务需加强", [("王博", Decimal("1"))])
    info.information_submit(actor=cw.bob, item=item)
    assert conflict(info.information_draft_save, actor=cw.bob, item=item, title=TITLE, content=CONTENT) == (
        "Only a draft can be changed; withdraw it first if it is not yet reviewed.")
    assert conflict(info.information_delete, actor=cw.bob, item=item) == "Only a draft can be deleted."
    assert reload(item).title == "农村留守老人助餐服务需加强"
    spare = draft(cw, title="另一条草稿信息")
    info.information_delete(actor=cw.bob, item=spare)
    assert list(InformationItem.objects.values_list("pk", flat=True)) == [item.pk]
    assert actions(item) == ["information.create", "information.update", "information.submit"]


# --- submitting, withdrawing, review -------------------------------------------------------------------


def test_the_writer_submits_once_and_staff_hear_of_it(cw):
    item = draft(cw, co_authors=[cw.cindy_seat])
    assert denied(info.information_submit, actor=cw.cindy, item=item) == "You can only submit your own drafts."
    submitted = info.information_submit(actor=cw.bob, item=item)
    assert (submitted.status, submitted.submitted_at is not None) == (InformationStatus.SUBMITTED, True)
    assert told(f"Information submitted: {TITLE}") == ["alice", "fiona"]
    assert conflict(info.information_submit, actor=cw.bob, item=item) == (
        "This is Submitted; that step is not possible now.")
    assert told(f"Information submitted: {TITLE}") == ["alice", "fiona"]


def test_a_submitted_item_is_withdrawn_by_its_writer_until_it_is_reviewed(cw):
    item = cw.information()
    assert denied(info.information_withdraw, actor=cw.alice, item=item) == "You can only withdraw your own items."
    back = info.information_withdraw(actor=cw.bob, item=item)
    assert (back.status, back.submitted_at) == (InformationStatus.DRAFT, None)
    assert conflict(info.information_withdraw, actor=cw.bob, item=item) == "This is Draft; that step is not possible now."
    info.information_submit(actor=cw.bob, item=item)
    info.information_approve(actor=cw.alice, item=item)
    assert conflict(info.information_withdraw, actor=cw.bob, item=item) == (
        "This is Edited and approved; that step is not possible now.")


def test_staff_do_not_adopt_an_item_with_a_reason_the_authors_see(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    Notification.objects.all().delete()
    assert invalid(info.information_reject, actor=cw.alice, item=item, reason="重复") == {
        "reason": ["At least 4 characters."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(info.information_reject, actor=outsider, item=item, reason="内容与已报信息重复") == STAFF_ONLY
    rejected = info.information_reject(actor=cw.alice, item=item, reason="内容与已报信息重复")
    assert (rejected.status, rejected.review_note, rejected.reviewed_by) == (
        InformationStatus.NOT_ADOPTED, "内容与已报信息重复", cw.alice)
    assert list(Notification.objects.order_by("recipient__username").values_list("recipient__username", "title",
                                                                                   "body")) == [
        ("bob", f"Your information was not adopted: {TITLE}", "内容与已报信息重复"),
        ("cindy", f"Your information was not adopted: {TITLE}", "内容与已报信息重复")]
    assert conflict(info.information_reject, actor=cw.alice, item=item, reason="再拒绝一次") == (
        "This is Not adopted; that step is not possible now.")
    assert conflict(info.information_approve, actor=cw.alice, item=item) == (
        "This is Not adopted; that step is not possible now.")
    a_draft = cw.information(title="尚未提交的信息", submit=False)
    assert conflict(info.information_reject, actor=cw.alice, item=a_draft, reason="草稿不能拒绝") == (
        "This is Draft; that step is not possible now.")


def test_staff_edit_and_approve_keeping_the_authors_text_and_may_correct_the_shares(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    for outsider in (cw.bob, cw.lily, cw.carol):
        assert denied(info.information_approve, actor=outsider, item=item) == STAFF_ONLY
    assert invalid(info.information_approve, actor=cw.alice, item=item, category=cw.cat_b) == {
        "category": ["Choose a category of this committee."]}
    assert invalid(info.information_approve, actor=cw.alice, item=item, edited_title="题" * 121) == {
        "edited_title": ["At most 120 characters."]}
    # bad shares are refused after the status moved: the whole step is undone
    assert invalid(info.information_approve, actor=cw.alice, item=item, shares=["0.9", "0.2"]) == {
        "shares": ["Give every author a share from 0 to 1; the shares add up to 1."]}
    assert (reload(item).status, shares(item)) == (InformationStatus.SUBMITTED,
                                                    [("王博", Decimal("0.5")), ("崔欣", Decimal("0.5"))])
    assert AuditEntry.objects.filter(action="information.approve").count() == 0

    approved = info.information_approve(actor=cw.alice, item=item, edited_title="留守老人助餐服务亟待补短板",
                                        edited_content="编辑后的正文：建议统筹建设村级老年食堂，完善助餐补贴。",
                                        category=cw.cat_health, shares=["0.8", "0.2"], note="经编辑采用")
    assert (approved.status, approved.title, approved.display_title, approved.content, approved.display_content,
            approved.category, approved.review_note, approved.reviewed_by) == (
        InformationStatus.APPROVED, TITLE, "留守老人助餐服务亟待补短板", CONTENT,
        "编辑后的正文：建议统筹建设村级老年食堂，完善助餐补贴。", cw.cat_health, "经编辑采用", cw.alice)
    assert shares(approved) == [("王博", Decimal("0.8")), ("崔欣", Decimal("0.2"))]
    assert AuditEntry.objects.get(action="information.approve").changes == {
        "status": {"before": "submitted", "after": "approved"},
        "title": {"before": TITLE, "after": "留守老人助餐服务亟待补短板"},
        "content": {"before": "…", "after": "edited"}}
    assert conflict(info.information_approve, actor=cw.alice, item=item) == (
        "This is Edited and approved; that step is not possible now.")


def test_re_approving_without_an_edit_restores_the_authors_text(cw):
    item = cw.information()
    info.information_approve(actor=cw.alice, item=item, edited_title="留守老人助餐服务亟待补短板",
                             edited_content="编辑后的正文：建议统筹建设村级老年食堂，完善助餐补贴。")
    info.information_reopen(actor=cw.alice, item=item, note="编辑过度，恢复原文")
    again = info.information_approve(actor=cw.alice, item=item, edited_title=TITLE)
    assert (again.edited_title, again.edited_content, again.display_title, again.display_content) == (
        "", "", TITLE, CONTENT)
    assert AuditEntry.objects.filter(action="information.approve").first().changes == {
        "status": {"before": "submitted", "after": "approved"},
        "title": {"before": "留守老人助餐服务亟待补短板", "after": TITLE},
        "content": {"before": "…", "after": "as written"}}


def test_a_leader_or_staff_sign_an_approved_item_off(cw):
    item = cw.information()
    assert conflict(info.information_sign_off, actor=cw.lily, item=item) == (
        "This is Submitted; that step is not possible now.")
    info.information_approve(actor=cw.alice, item=item)
    for outsider in (cw.bob, cw.carol, cw.eve, bea(cw)):
        assert denied(info.information_sign_off, actor=outsider, item=item) == STAFF_OR_LEADER
    signed = info.information_sign_off(actor=cw.lily, item=item)
    assert (signed.status, signed.signed_off_by, signed.signed_off_at is not None) == (
        InformationStatus.SIGNED_OFF, cw.lily, True)
    assert conflict(info.information_sign_off, actor=cw.lily, item=item) == (
        "This is Signed off; that step is not possible now.")
    assert actions(item) == ["information.create", "information.submit", "information.approve",
                             "information.sign_off"]


def test_staff_take_an_item_one_step_back_with_a_reason(cw):
    item = cw.signed_off()
    assert invalid(info.information_reopen, actor=cw.alice, item=item, note="退回") == {
        "note": ["At least 4 characters."]}
    assert denied(info.information_reopen, actor=cw.lily, item=item, note="领导想退回") == STAFF_ONLY
    approved = info.information_reopen(actor=cw.alice, item=item, note="签发人有修改意见")
    assert (approved.status, approved.signed_off_by, approved.signed_off_at) == (InformationStatus.APPROVED, None, None)
    submitted = info.information_reopen(actor=cw.alice, item=item, note="需要重新审核")
    assert submitted.status == InformationStatus.SUBMITTED
    assert conflict(info.information_reopen, actor=cw.alice, item=item, note="再退一步") == (
        "This is Submitted; that step is not possible now.")


# --- bulletins and issues ---------------------------------------------------------------------------


def test_bulletins_are_named_once_per_committee_by_staff(cw):
    assert invalid(info.bulletin_save, actor=cw.alice, committee=cw.a, name="社情民意") == {
        "name": ["This committee already has a bulletin of that name."]}
    assert invalid(info.bulletin_save, actor=cw.alice, committee=cw.a, name="刊") == {
        "name": ["At least 2 characters."]}
    assert denied(info.bulletin_save, actor=cw.bob, committee=cw.a, name="委员快报") == STAFF_ONLY
    assert denied(info.bulletin_save, actor=cw.lily, committee=cw.a, name="领导快报") == STAFF_ONLY
    renamed = info.bulletin_save(actor=cw.alice, bulletin=cw.bulletin_a, name="甲市社情民意")
    assert renamed.name == "甲市社情民意"


def test_issues_are_numbered_per_bulletin_and_year(cw):
    other = info.bulletin_save(actor=cw.alice, committee=cw.a, name="政协信息")
    numbers = [
        (i.bulletin.name, i.year, i.number) for i in (
            info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a),
            info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a, title="养老专刊"),
            info.issue_create(actor=cw.alice, bulletin=other),
            info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a, year=YEAR - 1),
            info.issue_create(actor=cw.alice, bulletin=other, year=YEAR - 1),
            info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a),
            info.issue_create(actor=cw.fiona, bulletin=cw.bulletin_a1),
        )]
    assert numbers == [("社情民意", YEAR, 1), ("社情民意", YEAR, 2), ("政协信息", YEAR, 1), ("社情民意", YEAR - 1, 1),
                       ("政协信息", YEAR - 1, 1), ("社情民意", YEAR, 3), ("社情民意", YEAR, 1)]
    latest = BulletinIssue.objects.get(bulletin=cw.bulletin_a, year=YEAR, number=3)
    assert (str(latest), latest.label, latest.status, latest.created_by) == (
        f"社情民意 {YEAR}年第3期", f"{YEAR}年第3期", IssueStatus.DRAFT, cw.alice)


def test_an_issue_is_opened_by_staff_of_an_active_bulletin(cw):
    assert invalid(info.issue_create, actor=cw.alice, bulletin=cw.bulletin_a, year=1999) == {"year": ["Give the year."]}
    assert invalid(info.issue_create, actor=cw.alice, bulletin=cw.bulletin_a, title="题" * 121) == {
        "title": ["At most 120 characters."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(info.issue_create, actor=outsider, bulletin=cw.bulletin_a) == STAFF_ONLY
    assert denied(info.issue_create, actor=cw.alice, bulletin=cw.bulletin_a1) == STAFF_ONLY
    info.bulletin_save(actor=cw.alice, bulletin=cw.bulletin_a, name="社情民意", is_active=False)
    assert invalid(info.issue_create, actor=cw.alice, bulletin=reload(cw.bulletin_a)) == {
        "bulletin": ["This bulletin is no longer published."]}
    assert BulletinIssue.objects.count() == 0


def test_only_signed_off_items_of_the_committee_are_compiled_in_order(cw):
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    first = cw.signed_off()
    second = cw.signed_off(cw.information(title="城区学校周边交通拥堵"))
    unsigned = info.information_approve(actor=cw.alice, item=cw.information(title="社区卫生服务站人手不足"))
    assert invalid(info.issue_add_items, actor=cw.alice, issue=issue, items=[]) == {
        "items": ["Choose the items to compile."]}
    # one unsigned item refuses the whole step: the signed-off one before it is not compiled
    assert conflict(info.issue_add_items, actor=cw.alice, issue=issue, items=[first, unsigned]) == (
        "This is Edited and approved; that step is not possible now.")
    assert (reload(first).status, reload(first).issue, issue.items.count()) == (InformationStatus.SIGNED_OFF, None, 0)
    county = cw.signed_off(cw.information(actor=cw.ada, committee=cw.a1, title="东区老旧小区加装电梯"),
                           staff=cw.fiona, leader=cw.fiona)
    assert invalid(info.issue_add_items, actor=cw.alice, issue=issue, items=[county]) == {
        "items": ["Choose items of this committee."]}
    assert denied(info.issue_add_items, actor=cw.lily, issue=issue, items=[first]) == STAFF_ONLY

    info.issue_add_items(actor=cw.alice, issue=issue, items=[second, first, second])
    assert list(issue.items.order_by("issue_position").values_list("title", "issue_position", "status")) == [
        ("城区学校周边交通拥堵", 1, InformationStatus.COMPILED), (TITLE, 2, InformationStatus.COMPILED)]
    assert conflict(info.issue_add_items, actor=cw.alice, issue=issue, items=[first]) == (
        "This is In a bulletin issue; that step is not possible now.")
    assert timeline(first).first().note == f"社情民意 {YEAR}年第1期"
    assert timeline(issue).first().note == f"城区学校周边交通拥堵、{TITLE}"


def test_an_issue_holds_at_most_the_maximum_of_items(cw, monkeypatch):
    monkeypatch.setattr(info, "MAX_ISSUE_ITEMS", 1)
    issue = compiled(cw, cw.signed_off())
    extra = cw.signed_off(cw.information(title="城区学校周边交通拥堵"))
    assert invalid(info.issue_add_items, actor=cw.alice, issue=issue, items=[extra]) == {
        "items": ["An issue holds at most 1 items."]}
    assert reload(extra).status == InformationStatus.SIGNED_OFF


def test_an_item_is_taken_out_of_an_issue_and_the_rest_close_ranks(cw):
    items = [cw.signed_off(cw.information(title=f"第{n}条社情民意信息")) for n in (1, 2, 3)]
    issue = compiled(cw, *items)
    outside = cw.signed_off(cw.information(title="未编入本期的信息"))
    assert invalid(info.issue_remove_item, actor=cw.alice, issue=issue, item=outside) == {
        "item": ["The item is not in this issue."]}
    assert denied(info.issue_remove_item, actor=cw.bob, issue=issue, item=items[0]) == STAFF_ONLY
    info.issue_remove_item(actor=cw.alice, issue=issue, item=items[0])
    assert (reload(items[0]).status, reload(items[0]).issue, reload(items[0]).issue_position) == (
        InformationStatus.SIGNED_OFF, None, None)
    assert list(issue.items.order_by("issue_position").values_list("title", "issue_position")) == [
        ("第2条社情民意信息", 1), ("第3条社情民意信息", 2)]
    info.issue_send(actor=cw.alice, issue=issue, recipients=[Recipient.PARTY])
    assert conflict(info.issue_remove_item, actor=cw.alice, issue=issue, item=items[1]) == "This issue has been sent."
    assert conflict(info.issue_add_items, actor=cw.alice, issue=issue, items=[outside]) == "This issue has been sent."


def test_sending_an_issue_adopts_its_items_once_and_tells_the_authors(cw):
    empty = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    assert invalid(info.issue_send, actor=cw.alice, issue=empty, recipients=[Recipient.PARTY]) == {
        "items": ["The issue has no items."]}
    item = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    issue = compiled(cw, item)
    assert invalid(info.issue_send, actor=cw.alice, issue=issue, recipients=[]) == {
        "recipients": ["Choose where the issue is sent."]}
    assert invalid(info.issue_send, actor=cw.alice, issue=issue, recipients=["newspaper"]) == {
        "recipients": ["Choose where the issue is sent."]}
    assert invalid(info.issue_send, actor=cw.alice, issue=issue, recipients=[Recipient.HIGHER]) == {
        "recipients": ["This committee has no higher committee in the portal."]}
    assert invalid(info.issue_send, actor=cw.alice, issue=issue, recipients=[Recipient.PARTY], signed_by="签" * 61) == {
        "signed_by": ["At most 60 characters."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(info.issue_send, actor=outsider, issue=issue, recipients=[Recipient.PARTY]) == STAFF_ONLY
    assert (reload(issue).status, reload(item).status, Adoption.objects.count()) == (
        IssueStatus.DRAFT, InformationStatus.COMPILED, 0)
    Notification.objects.all().delete()

    sent = info.issue_send(actor=cw.alice, issue=issue, recipients=[Recipient.PARTY, Recipient.GOVERNMENT],
                           signed_by="甲市政协秘书长", editor="张爱丽")
    assert (sent.status, sent.recipients, sent.signed_by, sent.editor, sent.sent_at is not None) == (
        IssueStatus.SENT, ["party", "government"], "甲市政协秘书长", "张爱丽", True)
    assert reload(item).status == InformationStatus.SENT
    assert list(item.adoptions.values_list("level", "adopted_on", "adopted_by", "recorded_by")) == [
        (AdoptionLevel.COMMITTEE, TODAY, f"甲市政协《社情民意》{YEAR}年第2期", cw.alice.pk)]
    assert told(f"Your information was adopted: {TITLE}") == ["bob", "cindy"]
    assert InformationItem.objects.filter(forwarded_from=item).count() == 0
    assert conflict(info.issue_send, actor=cw.alice, issue=issue, recipients=[Recipient.PARTY]) == (
        "This issue has been sent.")
    assert (Adoption.objects.count(), Notification.objects.count()) == (1, 2)
    assert actions(item)[-2:] == ["information.compile", "information.adopt"]
    assert timeline(issue).first().note == "Party committee、Government"


def test_sending_up_gives_the_higher_committee_one_copy_per_item(cw):
    item = cw.signed_off(cw.information(actor=cw.ada, committee=cw.a1, title="东区老旧小区加装电梯推进缓慢"),
                         staff=cw.fiona, leader=cw.fiona)
    issue = compiled(cw, item, bulletin=cw.bulletin_a1, actor=cw.fiona)
    Notification.objects.all().delete()
    info.issue_send(actor=cw.fiona, issue=issue, recipients=[Recipient.HIGHER])
    copy = InformationItem.objects.get(forwarded_from=item)
    assert (copy.committee, copy.status, copy.title, copy.content, copy.submitted_by, copy.issue) == (
        cw.a, InformationStatus.SUBMITTED, "东区老旧小区加装电梯推进缓慢", CONTENT, cw.ada, None)
    assert [(a.member, a.share) for a in copy.authors.all()] == [(cw.ada_seat, Decimal("1"))]
    # fiona sent it, so alice alone hears
    assert told("Information sent up by 甲市东区政协: 东区老旧小区加装电梯推进缓慢") == ["alice"]
    assert actions(copy) == ["information.receive"]
    # a second forwarding of the same item adds no copy
    assert info._forward_up(reload(item), actor=cw.fiona) is None
    assert InformationItem.objects.filter(forwarded_from=item).count() == 1
    # the copy is reviewed as it came: its writer cannot take it back
    assert conflict(info.information_withdraw, actor=cw.ada, item=copy) == (
        "This item came from elsewhere; it is reviewed as it is.")


def test_the_chain_county_city_province_records_adoption_at_each_level_on_the_original(cw):
    province = CommitteeFactory(name="某省政协", level=CommitteeLevel.PROVINCIAL)
    city = CommitteeFactory(name="某市政协", level=CommitteeLevel.MUNICIPAL, parent=province)
    county = CommitteeFactory(name="某县政协", level=CommitteeLevel.COUNTY, parent=city)
    staff = {}
    for committee, username in ((province, "pat"), (city, "cal"), (county, "kay")):
        staff[committee.pk] = UserFactory(username=username)
        CommitteeRoleFactory(user=staff[committee.pk], committee=committee, role=CommitteeRoleKind.STAFF)
    seat = MemberFactory(committee=county, name="县委员", user=UserFactory(username="kim"))
    bulletins = {c.pk: info.bulletin_save(actor=staff[c.pk], committee=c, name="社情民意")
                 for c in (province, city, county)}

    def send(item, committee, recipients):
        actor = staff[committee.pk]
        item = info.information_sign_off(actor=actor, item=info.information_approve(actor=actor, item=item))
        issue = info.issue_create(actor=actor, bulletin=bulletins[committee.pk])
        info.issue_add_items(actor=actor, issue=issue, items=[item])
        return info.issue_send(actor=actor, issue=issue, recipients=recipients)

    original = info.information_submit(actor=seat.user, item=info.information_draft_save(
        actor=seat.user, committee=county, title="县域养老机构护理员短缺", content=CONTENT))
    send(original, county, [Recipient.HIGHER])
    city_copy = InformationItem.objects.get(forwarded_from=original)
    send(city_copy, city, [Recipient.HIGHER, Recipient.GOVERNMENT])
    province_copy = InformationItem.objects.get(forwarded_from=city_copy)
    send(province_copy, province, [Recipient.PARTY])

    levels = lambda item: sorted(item.adoptions.values_list("level", "adopted_by"))  # noqa: E731
    assert levels(original) == [(AdoptionLevel.COMMITTEE, f"某县政协《社情民意》{YEAR}年第1期"),
                                (AdoptionLevel.HIGHER, f"某市政协《社情民意》{YEAR}年第1期"),
                                (AdoptionLevel.PROVINCIAL, f"某省政协《社情民意》{YEAR}年第1期")]
    assert levels(city_copy) == [(AdoptionLevel.COMMITTEE, f"某市政协《社情民意》{YEAR}年第1期"),
                                 (AdoptionLevel.PROVINCIAL, f"某省政协《社情民意》{YEAR}年第1期")]
    assert levels(province_copy) == [(AdoptionLevel.COMMITTEE, f"某省政协《社情民意》{YEAR}年第1期")]
    # the province sent it to no one above: no copy further up
    assert (province_copy.committee, InformationItem.objects.filter(forwarded_from=province_copy).count()) == (
        province, 0)
    # the writer heard of each adoption of the original and of each copy (as author of all three)
    assert Notification.objects.filter(recipient=seat.user, title="Your information was adopted: 县域养老机构护理员短缺") \
        .count() == 6
    credits = credit_shares(member_ids=[seat.pk], year=YEAR)
    assert sorted((r["item"].committee.name, r["level"]) for r in credits) == [
        ("某县政协", "committee"), ("某县政协", "higher"), ("某县政协", "provincial"), ("某市政协", "committee"),
        ("某市政协", "provincial"), ("某省政协", "committee")]


# --- adoptions, instructions, departments --------------------------------------------------------------


def test_staff_record_an_adoption_the_portal_did_not_see_once_per_level(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    args = {"level": AdoptionLevel.NATIONAL, "adopted_on": TODAY, "adopted_by": "全国政协《社情民意》第88期"}
    assert conflict(info.adoption_record, actor=cw.alice, item=item, **args) == (
        "Adoption is recorded once the item is signed off.")
    item = cw.signed_off(item)
    assert invalid(info.adoption_record, actor=cw.alice, item=item, **{**args, "level": "global"}) == {
        "level": ["Choose the level."]}
    assert invalid(info.adoption_record, actor=cw.alice, item=item,
                   **{**args, "adopted_on": TODAY + dt.timedelta(days=1)}) == {
        "adopted_on": ["Give the day (not in the future)."]}
    assert invalid(info.adoption_record, actor=cw.alice, item=item, **{**args, "adopted_by": "全"}) == {
        "adopted_by": ["At least 2 characters."]}
    assert invalid(info.adoption_record, actor=cw.alice, item=item, note="注" * 301, **args) == {
        "note": ["At most 300 characters."]}
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(info.adoption_record, actor=outsider, item=item, **args) == STAFF_ONLY
    Notification.objects.all().delete()
    adoption = info.adoption_record(actor=cw.alice, item=item, note="全国政协采用", **args)
    assert (adoption.level, adoption.adopted_on, adoption.adopted_by, adoption.note, adoption.recorded_by) == (
        AdoptionLevel.NATIONAL, TODAY, "全国政协《社情民意》第88期", "全国政协采用", cw.alice)
    assert told(f"Your information was adopted: {TITLE}") == ["bob", "cindy"]
    assert invalid(info.adoption_record, actor=cw.alice, item=item, **args) == {
        "level": ["Adoption at this level is already recorded."]}
    assert (Adoption.objects.count(), Notification.objects.count()) == (1, 2)
    # sending the issue later adds this committee's own adoption, the national one stays single
    info.issue_send(actor=cw.alice, issue=compiled(cw, item), recipients=[Recipient.PARTY])
    assert sorted(item.adoptions.values_list("level", flat=True)) == [AdoptionLevel.COMMITTEE, AdoptionLevel.NATIONAL]


def test_instructions_on_an_item_once_it_is_signed_off_and_the_authors_hear(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    args = {"leader_name": "李书记", "level": InstructionLevel.PARTY, "instructed_on": TODAY,
            "text_": "请民政局研究解决。"}
    assert conflict(cs.instruction_record, actor=cw.lily, target=item, **args) == (
        "Instructions are recorded on an item once it is signed off.")
    info.information_approve(actor=cw.alice, item=item)
    assert conflict(cs.instruction_record, actor=cw.lily, target=item, **args) == (
        "Instructions are recorded on an item once it is signed off.")
    item = info.information_sign_off(actor=cw.lily, item=item)
    for outsider in (cw.bob, cw.carol, cw.eve):
        assert denied(cs.instruction_record, actor=outsider, target=item, **args) == STAFF_OR_LEADER
    Notification.objects.all().delete()
    instruction = cs.instruction_record(actor=cw.lily, target=item, **args)
    assert (instruction.information, instruction.committee, instruction.recorded_by) == (item, cw.a, cw.lily)
    assert list(Notification.objects.order_by("recipient__username").values_list("recipient__username", "title",
                                                                                   "body")) == [
        ("bob", f"A leader instructed on your information: {TITLE}", "请民政局研究解决。"),
        ("cindy", f"A leader instructed on your information: {TITLE}", "请民政局研究解决。")]
    assert Instruction.objects.count() == 1


def test_a_signed_off_item_is_passed_to_departments_once(cw):
    item = cw.information()
    assert conflict(info.information_pass_to_department, actor=cw.alice, item=item, lead_department=cw.dept_a) == (
        "An item is passed to departments once it is signed off.")
    item = cw.signed_off(item)
    for outsider in (cw.bob, cw.lily, cw.carol, bea(cw)):
        assert denied(info.information_pass_to_department, actor=outsider, item=item,
                      lead_department=cw.dept_a) == STAFF_ONLY
    assert invalid(info.information_pass_to_department, actor=cw.alice, item=item, lead_department=cw.dept_b) == {
        "lead_department": ["乙市交通运输局 is not an active department of this committee."]}
    assert (Case.objects.filter(kind=CaseKind.INFORMATION).count(), reload(item).case) == (0, None)

    passed = info.information_pass_to_department(actor=cw.alice, item=item, lead_department=cw.dept_a,
                                                 co_departments=[cw.dept_a2], note="请尽快研究")
    case = Case.objects.get(pk=passed.case_id)
    assert (case.kind, case.committee, case.title, case.status, case.submitter, case.submitted_by) == (
        CaseKind.INFORMATION, cw.a, TITLE, CaseStatus.HANDLING, cw.bob_seat, cw.bob)
    assert sorted(Assignment.objects.filter(case=case).values_list("department__name", "role")) == [
        ("甲市卫生健康委员会", "co"), ("甲市教育局", "lead")]
    assert timeline(item).first().note == "甲市教育局 请尽快研究"
    assert conflict(info.information_pass_to_department, actor=cw.alice, item=item, lead_department=cw.dept_a2) == (
        "This item is already with departments.")
    assert Case.objects.filter(kind=CaseKind.INFORMATION).count() == 1


def test_an_officers_item_is_passed_on_without_a_member_submitter(cw):
    item = cw.signed_off(cw.information(actor=cw.olga))
    case = info.information_pass_to_department(actor=cw.alice, item=item, lead_department=cw.dept_a).case
    assert (case.submitter, case.submitted_by, list(case.co_submitters.all())) == (None, cw.olga, [])


# --- proposals converted to information -----------------------------------------------------------------


def not_filed(cw, proposal, conversion=Conversion.INFORMATION):
    return ps.proposal_not_file(actor=cw.alice, proposal=proposal, reason="内容更适合以社情民意信息反映",
                                conversion=conversion)


def test_a_converted_proposal_becomes_a_submitted_item_once(cw):
    proposal = not_filed(cw, cw.submitted())
    kept = not_filed(cw, cw.submitted(title="关于规范城区占道经营的建议"), conversion=Conversion.NONE)
    Notification.objects.all().delete()
    assert info.information_intake_converted() == 1
    item = InformationItem.objects.get(source_proposal=proposal)
    assert (item.committee, item.status, item.title, item.category, item.submitted_by,
            item.submitted_at is not None) == (cw.a, InformationStatus.SUBMITTED, proposal.title, cw.cat_city,
                                               cw.bob, True)
    assert item.content == "\n\n".join([cw.TEXT["reason"], cw.TEXT["analysis"], cw.TEXT["suggestions"]])
    assert [(a.member, a.user, a.name, a.order, a.share) for a in item.authors.all()] == [
        (cw.bob_seat, cw.bob, "王博", 1, Decimal("1"))]
    assert told(f"A proposal not filed became information: {proposal.title}") == ["alice", "fiona"]
    assert actions(item) == ["information.from_proposal"]
    assert AuditEntry.objects.get(action="information.from_proposal").actor is None
    assert info.information_intake_converted() == 0
    assert (InformationItem.objects.count(), InformationItem.objects.filter(source_proposal=kept).count()) == (1, 0)
    assert conflict(info.information_withdraw, actor=cw.bob, item=item) == (
        "This item came from elsewhere; it is reviewed as it is.")


def test_a_converted_joint_proposal_makes_its_confirmed_cosigners_co_authors_with_equal_shares(cw):
    dan = member(cw, "邓丹", "dan", "13800000011")
    eli = member(cw, "易力", "eli", "13800000012")
    joint = cw.draft(kind=ProposalKind.JOINT)
    invites = {c.member_id: c for c in ps.proposal_invite(actor=cw.bob, proposal=joint,
                                                          members=[cw.cindy_seat, dan, eli])}
    ps.cosign_respond(actor=cw.cindy, cosigner=invites[cw.cindy_seat.pk], accept=True)
    ps.cosign_respond(actor=dan.user, cosigner=invites[dan.pk], accept=True)
    ps.cosign_respond(actor=eli.user, cosigner=invites[eli.pk], accept=False)
    not_filed(cw, ps.proposal_submit(actor=cw.bob, proposal=joint))
    assert info.information_intake_converted() == 1
    item = InformationItem.objects.get(source_proposal=joint)
    assert [(a.member, a.order, a.share) for a in item.authors.all()] == [
        (cw.bob_seat, 1, Decimal("0.334")), (cw.cindy_seat, 2, Decimal("0.333")), (dan, 3, Decimal("0.333"))]


def test_a_converted_collective_proposal_is_authored_by_its_body(cw):
    body = ps.proposal_body_save(actor=cw.alice, committee=cw.a, name="民革甲市委员会", kind="democratic_party",
                                 authorised_users=[cw.eve])
    collective = ps.proposal_draft_save(actor=cw.eve, body=body, kind=ProposalKind.COLLECTIVE, category=cw.cat_city,
                                        **cw.TEXT)
    not_filed(cw, ps.proposal_submit(actor=cw.eve, proposal=collective))
    assert info.information_intake_converted() == 1
    item = InformationItem.objects.get(source_proposal=collective)
    assert (item.submitted_by, [(a.member, a.user, a.name, a.share) for a in item.authors.all()]) == (
        cw.eve, [(None, cw.eve, "民革甲市委员会", Decimal("1"))])


def test_the_intake_is_limited_to_a_committee_and_a_batch_size(cw):
    first = not_filed(cw, cw.submitted())
    second = not_filed(cw, cw.submitted(title="关于规范城区占道经营的建议"))
    assert info.information_intake_converted(committee_id=cw.b.pk) == 0
    assert info.information_intake_converted(committee_id=cw.a.pk, limit=1) == 1
    assert list(InformationItem.objects.values_list("source_proposal", flat=True)) == [first.pk]
    assert info.information_intake_converted() == 1
    assert sorted(InformationItem.objects.values_list("source_proposal", flat=True)) == [first.pk, second.pk]


# --- credit --------------------------------------------------------------------------------------------


def test_each_author_earns_their_share_of_every_adoption_and_instruction_of_the_year(cw):
    item = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    last_year = dt.date(YEAR - 1, 12, 30)
    info.adoption_record(actor=cw.alice, item=item, level=AdoptionLevel.PROVINCIAL, adopted_on=last_year,
                         adopted_by="省政协《社情民意》")
    info.issue_send(actor=cw.alice, issue=compiled(cw, item), recipients=[Recipient.PARTY])
    cs.instruction_record(actor=cw.lily, target=item, leader_name="王市长", level=InstructionLevel.GOVERNMENT,
                          instructed_on=TODAY, text_="请研究落实。")
    other = cw.signed_off(cw.information(actor=cw.cindy, title="社区卫生服务站人手不足"))
    info.adoption_record(actor=cw.alice, item=other, level=AdoptionLevel.HIGHER, adopted_on=TODAY,
                         adopted_by="省政协")

    rows = credit_shares(member_ids=[cw.bob_seat.pk, cw.cindy_seat.pk], year=YEAR)
    assert sorted((r["member_id"], r["item"].pk, r["event"], r["level"], r["share"]) for r in rows) == sorted([
        (cw.bob_seat.pk, item.pk, "adoption", "committee", Decimal("0.5")),
        (cw.cindy_seat.pk, item.pk, "adoption", "committee", Decimal("0.5")),
        (cw.bob_seat.pk, item.pk, "instruction", "government", Decimal("0.5")),
        (cw.cindy_seat.pk, item.pk, "instruction", "government", Decimal("0.5")),
        (cw.cindy_seat.pk, other.pk, "adoption", "higher", Decimal("1")),
    ])
    assert [(r["event"], r["level"], r["share"]) for r in credit_shares(member_ids=[cw.bob_seat.pk],
                                                                         year=YEAR - 1)] == [
        ("adoption", "provincial", Decimal("0.5"))]
    assert credit_shares(member_ids=[cw.ada_seat.pk], year=YEAR) == []


def test_shares_finer_than_the_stored_precision_are_refused(cw):
    dan = member(cw, "邓丹", "dan", "13800000011")
    try:
        item = draft(cw, co_authors=[cw.cindy_seat, dan], shares=["0.3333", "0.3333", "0.3334"])
    except ValidationError as exc:
        assert list(exc.message_dict) == ["shares"]
        return
    assert sum(a.share for a in reload(item).authors.all()) == 1
