"""The API of social-conditions and public-opinion information (社情民意信息), its bulletins and
information officers × every role: drafts with co-authors and shares, review, sign-off,
adoption, instructions, passing to departments, credits, and numbered bulletin issues."""

from __future__ import annotations

import pytest
from django.utils import timezone

from consultations.choices import InformationStatus
from consultations.models import BulletinIssue, InformationItem, InformationOfficer
from consultations.services import information as info
from proposals.choices import Conversion
from proposals.services import proposals as ps
from tests.conftest import client_for
from tests.consultations.test_api import (
    API,
    HOSTILE,
    INVALID,
    NOT_FOUND,
    ROLES,
    STAFF_ONLY,
    client,
    codes,
    expect,
    malformed,
    rows,
    seen,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTENT = "部分乡镇留守老人就餐困难，村级助餐点覆盖不足，建议统筹建设村级老年食堂。"
ITEM_ROLES = (*ROLES, "ada", "olga")


@pytest.fixture
def iw(cw):
    """- ``draft``: bob's, cindy co-author, not submitted
    - ``submitted``: bob's, cindy co-author, awaiting review
    - ``signed``: bob's, approved and signed off
    - ``passed``: bob's, signed off and passed to 甲市教育局 (carol's)
    - ``in_a1``: ada's, submitted to the county committee A1
    """
    w = cw
    w.drafted = w.information(title="草稿：农村助餐服务", co_authors=[w.cindy_seat], submit=False)
    w.awaiting = w.information(title="已提交：农村留守老人助餐", co_authors=[w.cindy_seat])
    w.signed = w.signed_off(w.information(title="已签发：社区养老服务"))
    w.passed = info.information_pass_to_department(actor=w.alice, item=w.signed_off(w.information(
        title="转办：校园周边交通")), lead_department=w.dept_a)
    w.in_a1 = w.information(actor=w.ada, committee=w.a1, title="东区：老旧小区加装电梯")
    return w


def item_names(w) -> dict:
    return {getattr(w, n).pk: n for n in ("drafted", "awaiting", "signed", "passed", "in_a1")}


ITEMS = {
    "root": {"awaiting", "signed", "passed", "in_a1"}, "alice": {"awaiting", "signed", "passed"},
    "fiona": {"awaiting", "signed", "passed", "in_a1"}, "lily": {"signed", "passed"},
    "bob": {"drafted", "awaiting", "signed", "passed"}, "cindy": {"awaiting"}, "carol": {"passed"},
    "ada": {"in_a1"},
}


def payload(w, **overrides) -> dict:
    return {"committee": w.a.pk, "title": "城区学校周边交通拥堵", "content": CONTENT, **overrides}


# --- seeing ------------------------------------------------------------------------------------------------


def test_items_listed_are_exactly_those_each_role_may_see(iw):
    assert seen(iw, f"{API}/information/", item_names(iw), ITEM_ROLES) == expect(ITEMS, ITEM_ROLES)


def test_an_item_outside_the_roles_scope_is_404(iw):
    answers, expected = {}, {}
    for role in ITEM_ROLES:
        for pk, name in item_names(iw).items():
            answers[(role, name)] = client(iw, role).get(f"{API}/information/{pk}/").status_code
            expected[(role, name)] = 403 if role is None else 200 if name in ITEMS.get(role, ()) else 404
    assert answers == expected


def test_item_representations(iw):
    row = next(r for r in rows(client(iw, "alice").get(f"{API}/information/")) if r["id"] == iw.awaiting.pk)
    detail = client(iw, "carol").get(f"{API}/information/{iw.passed.pk}/").json()

    assert {k: v for k, v in row.items() if not k.endswith("_at")} == {
        "id": iw.awaiting.pk, "committee": {"id": iw.a.pk, "name": "甲市政协"}, "title": "已提交：农村留守老人助餐",
        "display_title": "已提交：农村留守老人助餐", "status": "submitted", "status_display": "Submitted",
        "category": None, "authors": [
            {"id": row["authors"][0]["id"], "member": {"id": iw.bob_seat.pk, "name": "王博"}, "name": "王博",
             "order": 1, "share": "0.500"},
            {"id": row["authors"][1]["id"], "member": {"id": iw.cindy_seat.pk, "name": "崔欣"}, "name": "崔欣",
             "order": 2, "share": "0.500"}],
        "adoptions": [], "issue": None, "received_from": None}
    assert (detail["handling"]["id"], detail["handling"]["status"]) == (iw.passed.case_id, "handling")
    assert (detail["content"], detail["display_content"], detail["instructions"]) == (CONTENT, CONTENT, [])


# --- writing -----------------------------------------------------------------------------------------------


def test_members_and_officers_write_drafts_others_may_not(iw):
    url = f"{API}/information/"

    member = client(iw, "bob").post(url, payload(iw, co_authors=[iw.cindy_seat.pk], shares=["0.7", "0.3"]),
                                    format="json")
    officer = client(iw, "olga").post(url, payload(iw), format="json")
    staff = client(iw, "alice").post(url, payload(iw), format="json")
    outside = codes(iw, ("dave", "ben", "eve"), "post", url, payload(iw))

    assert member.status_code == 201
    assert (member.json()["status"], [(a["name"], a["share"]) for a in member.json()["authors"]]) == (
        "draft", [("王博", "0.700"), ("崔欣", "0.300")])
    assert officer.status_code == 201
    assert [(a["member"], a["name"], a["share"]) for a in officer.json()["authors"]] == [(None, "欧佳", "1.000")]
    assert staff.json() == {"detail": "Members and information officers of this committee submit information."}
    assert outside == {"dave": 400, "ben": 400, "eve": 400}
    assert client(iw, "eve").post(url, payload(iw), format="json").json()["errors"] == {"committee": NOT_FOUND}


def test_draft_input_is_checked(iw):
    api = client(iw, "bob")
    url = f"{API}/information/"

    assert malformed(api, url).json()["detail"] == INVALID
    assert api.post(url, payload(iw, co_authors=[iw.ben_seat.pk]), format="json").json()["errors"] == {
        "co_authors": [f"Not found: {iw.ben_seat.pk}."]}
    assert api.post(url, payload(iw, co_authors=[iw.cindy_seat.pk], shares=["0.5", "0.4"]),
                    format="json").json()["errors"] == {
        "shares": ["Give every author a share from 0 to 1; the shares add up to 1."]}
    assert list(api.post(url, payload(iw, shares=["lots"]), format="json").json()["errors"]) == ["shares"]
    assert api.post(url, payload(iw, content="太短了"), format="json").json()["errors"] == {
        "content": ["At least 20 characters."]}
    assert api.post(url, payload(iw, title="题" * 121), format="json").json()["errors"] == {
        "title": ["Ensure this field has no more than 120 characters."]}
    assert api.post(url, payload(iw, co_authors=list(range(1, 11))), format="json").json()["errors"] == {
        "co_authors": ["Ensure this field has no more than 9 elements."]}
    assert list(api.post(url, payload(iw, category="教育"), format="json").json()["errors"]) == ["category"]
    hostile = api.post(url, payload(iw, title=f"信息{HOSTILE}"), format="json")
    assert InformationItem.objects.get(pk=hostile.json()["id"]).title == f"信息{HOSTILE}"


def test_a_draft_submitted_twice_with_one_key_is_saved_once(iw):
    api = client(iw, "bob")
    before = InformationItem.objects.count()

    first = api.post(f"{API}/information/", payload(iw), format="json", HTTP_IDEMPOTENCY_KEY="info-7")
    second = api.post(f"{API}/information/", payload(iw), format="json", HTTP_IDEMPOTENCY_KEY="info-7")
    other_user = client(iw, "cindy").post(f"{API}/information/", payload(iw), format="json",
                                          HTTP_IDEMPOTENCY_KEY="info-7")

    assert (first.status_code, second.status_code, second.json()) == (201, 201, first.json())
    assert other_user.status_code == 201  # a key is the caller's own
    assert InformationItem.objects.count() == before + 2


def test_the_writer_changes_and_deletes_drafts(iw):
    item = info.information_draft_save(actor=iw.bob, committee=iw.a, title="城区学校周边交通拥堵", content=CONTENT,
                                       co_authors=[iw.cindy_seat], shares=["0.7", "0.3"])
    url = f"{API}/information/{item.pk}/"

    retitled = client(iw, "bob").patch(url, {"title": "城区学校周边交通拥堵亟待治理"}, format="json")
    by_co_author = client(iw, "cindy").patch(url, {"title": "我来改"}, format="json")
    alone = client(iw, "bob").patch(url, {"co_authors": []}, format="json")
    on_submitted = client(iw, "bob").patch(f"{API}/information/{iw.awaiting.pk}/", {"title": "提交后再改"},
                                           format="json")
    co_author_on_submitted = client(iw, "cindy").patch(f"{API}/information/{iw.awaiting.pk}/", {"title": "我来改"},
                                                       format="json")
    delete_submitted = client(iw, "bob").delete(f"{API}/information/{iw.awaiting.pk}/")
    delete_by_staff = client(iw, "alice").delete(f"{API}/information/{iw.awaiting.pk}/")
    deleted = client(iw, "bob").delete(url)

    assert (retitled.json()["title"], [a["share"] for a in retitled.json()["authors"]]) == (
        "城区学校周边交通拥堵亟待治理", ["0.700", "0.300"])
    assert by_co_author.status_code == 404
    assert [(a["name"], a["share"]) for a in alone.json()["authors"]] == [("王博", "1.000")]
    assert on_submitted.status_code == 409
    assert co_author_on_submitted.json() == {"detail": "You can only change your own drafts."}
    assert delete_submitted.json() == {"detail": "Only a draft can be deleted."}
    assert delete_by_staff.json() == {"detail": "You can only delete your own drafts."}
    assert deleted.status_code == 204
    assert not InformationItem.objects.filter(pk=item.pk).exists()


# --- review ----------------------------------------------------------------------------------------------


def test_submit_and_withdraw_are_the_writers(iw):
    url = f"{API}/information/{iw.drafted.pk}/"

    submitted = client(iw, "bob").post(f"{url}submit/")
    again = client(iw, "bob").post(f"{url}submit/")
    by_staff = client(iw, "alice").post(f"{url}withdraw/")
    withdrawn = client(iw, "bob").post(f"{url}withdraw/")

    assert (submitted.json()["status"], again.status_code) == ("submitted", 409)
    assert by_staff.json() == {"detail": "You can only withdraw your own items."}
    assert withdrawn.json()["status"] == "draft"


def test_staff_reject_or_approve_and_a_leader_signs_off(iw):
    url = f"{API}/information/{iw.awaiting.pk}/"

    no_reason = client(iw, "alice").post(f"{url}reject/", {"reason": ""}, format="json")
    by_member = client(iw, "bob").post(f"{url}approve/", {}, format="json")
    bad_shares = client(iw, "alice").post(f"{url}approve/", {"shares": ["1", "1"]}, format="json")
    approved = client(iw, "alice").post(f"{url}approve/", {
        "edited_title": "关于加强农村留守老人助餐服务的建议", "shares": ["0.6", "0.4"], "note": "文字已编辑"},
        format="json")
    signed_by_member = client(iw, "bob").post(f"{url}sign-off/")
    signed = client(iw, "lily").post(f"{url}sign-off/")
    reopened = client(iw, "alice").post(f"{url}reopen/", {"note": "需要补充数据"}, format="json")
    reject_now = client(iw, "alice").post(f"{url}reject/", {"reason": "内容与已采用信息重复"}, format="json")

    assert no_reason.json()["errors"] == {"reason": ["This field may not be blank."]}
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert bad_shares.json()["errors"] == {"shares": ["Give every author a share from 0 to 1; the shares add up to 1."]}
    body = approved.json()
    assert (body["status"], body["title"], body["display_title"], body["review_note"]) == (
        "approved", "已提交：农村留守老人助餐", "关于加强农村留守老人助餐服务的建议", "文字已编辑")
    assert [a["share"] for a in body["authors"]] == ["0.600", "0.400"]
    assert signed_by_member.json() == {"detail": "Only staff or leaders of this committee may do this."}
    assert signed.json()["status"] == "signed_off"
    assert reopened.json()["status"] == "approved"
    assert reject_now.status_code == 409


def test_a_rejected_item_tells_its_reason(iw):
    response = client(iw, "alice").post(f"{API}/information/{iw.awaiting.pk}/reject/",
                                        {"reason": "内容与已采用信息重复"}, format="json")

    assert (response.json()["status"], response.json()["review_note"]) == ("not_adopted", "内容与已采用信息重复")
    assert client(iw, "cindy").get(f"{API}/information/{iw.awaiting.pk}/").json()["review_note"] == "内容与已采用信息重复"


def test_adoptions_and_instructions_are_recorded_on_signed_off_items(iw):
    url = f"{API}/information/{iw.signed.pk}/"
    today = timezone.localdate().isoformat()
    adoption = {"level": "provincial", "adopted_on": today, "adopted_by": "省政协《社情民意》第12期"}

    on_submitted = client(iw, "alice").post(f"{API}/information/{iw.awaiting.pk}/adopt/", adoption, format="json")
    adopted = client(iw, "alice").post(f"{url}adopt/", adoption, format="json")
    twice = client(iw, "alice").post(f"{url}adopt/", adoption, format="json")
    by_member = client(iw, "bob").post(f"{url}adopt/", {**adoption, "level": "national"}, format="json")
    instructed = client(iw, "lily").post(f"{url}instruct/", {"leader_name": "李书记", "level": "party",
                                                             "instructed_on": today, "text": "请民政局研究解决。"},
                                         format="json")

    assert on_submitted.json() == {"detail": "Adoption is recorded once the item is signed off."}
    assert adopted.status_code == 201
    assert [(a["level"], a["adopted_by"]) for a in adopted.json()["adoptions"]] == [("provincial",
                                                                                    "省政协《社情民意》第12期")]
    assert twice.json()["errors"] == {"level": ["Adoption at this level is already recorded."]}
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert [(i["leader_name"], i["level"]) for i in instructed.json()["instructions"]] == [("李书记", "party")]


def test_staff_pass_an_item_to_departments(iw):
    url = f"{API}/information/{iw.signed.pk}/pass/"

    foreign = client(iw, "alice").post(url, {"lead_department": iw.dept_b.pk}, format="json")
    by_member = client(iw, "bob").post(url, {"lead_department": iw.dept_a.pk}, format="json")
    passed = client(iw, "alice").post(url, {"lead_department": iw.dept_a2.pk, "note": "请卫健委办理"}, format="json")
    again = client(iw, "alice").post(url, {"lead_department": iw.dept_a.pk}, format="json")

    assert foreign.json()["errors"] == {"lead_department": NOT_FOUND}
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert passed.json()["handling"]["id"] == InformationItem.objects.get(pk=iw.signed.pk).case_id
    assert again.json() == {"detail": "This item is already with departments."}
    assert client(iw, "hank").get(f"{API}/information/{iw.signed.pk}/").status_code == 200


# --- lists ----------------------------------------------------------------------------------------------------


def test_mine_and_the_review_queue(iw):
    names = item_names(iw)

    assert seen(iw, f"{API}/information/mine/", names, ("bob", "cindy", "alice", "ada")) == {
        "bob": {"drafted", "awaiting", "signed", "passed"}, "cindy": {"awaiting"}, "alice": set(),
        "ada": {"in_a1"}}
    assert seen(iw, f"{API}/information/review-queue/", names, ("alice", "fiona", "lily", "bob")) == {
        "alice": {"awaiting", "signed", "passed"}, "fiona": {"awaiting", "signed", "passed", "in_a1"},
        "lily": {"signed", "passed"}, "bob": set()}
    queue = rows(client(iw, "alice").get(f"{API}/information/review-queue/"))
    assert [r["id"] for r in queue] == sorted(r["id"] for r in queue)  # oldest first


def test_filters_of_the_list(iw):
    def ids(query):
        return {item_names(iw).get(r["id"]) for r in rows(client(iw, "alice").get(f"{API}/information/?{query}"))}

    assert ids("status=signed_off") == {"signed", "passed"}
    assert ids("q=转办") == {"passed"}
    assert ids("q=崔欣") == {"awaiting"}
    assert ids(f"year={timezone.localdate().year}") == {"awaiting", "signed", "passed"}
    assert client(iw, "alice").get(f"{API}/information/?status=nonsense").status_code == 400


def test_credits_list_what_the_callers_items_earned(iw):
    issue = info.issue_create(actor=iw.alice, bulletin=iw.bulletin_a)
    info.issue_add_items(actor=iw.alice, issue=issue, items=[iw.signed])
    info.issue_send(actor=iw.alice, issue=issue, recipients=["party"])
    year = timezone.localdate().year

    mine = client(iw, "bob").get(f"{API}/information/credits/").json()
    last_year = client(iw, "bob").get(f"{API}/information/credits/?year={year - 1}").json()

    assert [(r["member"], r["item"], r["event"], r["level"], r["share"]) for r in mine] == [
        (iw.bob_seat.pk, {"id": iw.signed.pk, "name": "已签发：社区养老服务"}, "adoption", "committee", "1.000")]
    assert last_year == []
    assert client(iw, "alice").get(f"{API}/information/credits/").json() == []
    assert client(iw, "bob").get(f"{API}/information/credits/?year=twenty").json() == {
        "detail": INVALID, "errors": {"year": ["Enter a year from 2000 to 2100."]}}


def test_staff_take_in_proposals_converted_to_information(iw):
    proposal = iw.submitted(title="关于改善社区养老服务的建议")
    ps.proposal_not_file(actor=iw.alice, proposal=proposal, reason="内容更适合以社情民意信息反映",
                         conversion=Conversion.INFORMATION)
    url = f"{API}/information/intake/"

    by_member = client(iw, "bob").post(url, {"committee": iw.a.pk}, format="json")
    outsider = client(iw, "eve").post(url, {"committee": iw.a.pk}, format="json")
    taken = client(iw, "alice").post(url, {"committee": iw.a.pk}, format="json")
    again = client(iw, "alice").post(url, {"committee": iw.a.pk}, format="json")

    assert by_member.json() == {"detail": STAFF_ONLY}
    assert outsider.json()["errors"] == {"committee": NOT_FOUND}
    assert (taken.json(), again.json()) == ({"taken": 1}, {"taken": 0})
    assert InformationItem.objects.get(source_proposal=proposal).status == InformationStatus.SUBMITTED


# --- bulletins and issues ----------------------------------------------------------------------------------


def test_bulletins_are_the_committees_staff_and_leaders(iw):
    names = {iw.bulletin_a.pk: "A", iw.bulletin_a1.pk: "A1"}
    url = f"{API}/bulletins/"

    created = client(iw, "alice").post(url, {"committee": iw.a.pk, "name": "政协信息"}, format="json")
    duplicate = client(iw, "alice").post(url, {"committee": iw.a.pk, "name": "政协信息"}, format="json")
    by_member = client(iw, "bob").post(url, {"committee": iw.a.pk, "name": "委员信息"}, format="json")
    retired = client(iw, "alice").patch(f"{url}{iw.bulletin_a.pk}/", {"is_active": False}, format="json")

    assert seen(iw, url, names, ("root", "alice", "fiona", "lily", "bob", "eve")) == {
        "root": {"A", "A1", created.json()["id"]}, "alice": {"A", created.json()["id"]}, "fiona": {"A", "A1", created.json()["id"]},
        "lily": {"A", created.json()["id"]}, "bob": set(), "eve": set()}
    assert created.status_code == 201
    assert duplicate.json()["errors"] == {"name": ["This committee already has a bulletin of that name."]}
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert (retired.json()["name"], retired.json()["is_active"]) == ("社情民意", False)


def test_an_issue_is_compiled_and_sent(iw):
    url = f"{API}/bulletin-issues/"
    year = timezone.localdate().year

    created = client(iw, "alice").post(url, {"bulletin": iw.bulletin_a.pk, "title": "养老服务专刊"}, format="json")
    issue_url = f"{url}{created.json()['id']}/"
    by_leader = client(iw, "lily").post(url, {"bulletin": iw.bulletin_a.pk}, format="json")
    by_member = client(iw, "bob").post(url, {"bulletin": iw.bulletin_a.pk}, format="json")
    before_send = {role: client(iw, role).get(issue_url).status_code for role in ("lily", "bob")}
    empty = client(iw, "alice").post(f"{issue_url}send/", {"recipients": ["party"]}, format="json")
    unsigned = client(iw, "alice").post(f"{issue_url}add-items/", {"items": [iw.awaiting.pk]}, format="json")
    foreign = client(iw, "alice").post(f"{issue_url}add-items/", {"items": [iw.in_a1.pk]}, format="json")
    nothing = client(iw, "alice").post(f"{issue_url}add-items/", {"items": []}, format="json")
    added = client(iw, "alice").post(f"{issue_url}add-items/", {"items": [iw.signed.pk, iw.passed.pk]},
                                     format="json")
    not_in_it = client(iw, "alice").post(f"{issue_url}remove-item/", {"item": iw.awaiting.pk}, format="json")
    removed = client(iw, "alice").post(f"{issue_url}remove-item/", {"item": iw.signed.pk}, format="json")
    no_higher = client(iw, "alice").post(f"{issue_url}send/", {"recipients": ["higher"]}, format="json")
    delivered = client(iw, "alice").post(f"{issue_url}send/", {"recipients": ["party", "government"],
                                                               "signed_by": "市政协主席", "editor": "信息科"},
                                         format="json")
    again = client(iw, "alice").post(f"{issue_url}send/", {"recipients": ["party"]}, format="json")

    assert created.status_code == 201
    assert (created.json()["number"], created.json()["label"], created.json()["status"]) == (
        1, f"{year}年第1期", "draft")
    assert by_leader.json() == {"detail": STAFF_ONLY}
    assert by_member.json()["errors"] == {"bulletin": NOT_FOUND}
    assert before_send == {"lily": 200, "bob": 404}
    assert empty.json()["errors"] == {"items": ["The issue has no items."]}
    assert unsigned.status_code == 409
    assert foreign.json()["errors"] == {"items": [f"Not found: {iw.in_a1.pk}."]}
    assert nothing.json()["errors"] == {"items": ["This list may not be empty."]}
    assert [(i["issue_position"], i["display_title"], i["authors"]) for i in added.json()["items"]] == [
        (1, "已签发：社区养老服务", ["王博"]), (2, "转办：校园周边交通", ["王博"])]
    assert not_in_it.json()["errors"] == {"item": ["The item is not in this issue."]}
    assert [(i["issue_position"], i["display_title"]) for i in removed.json()["items"]] == [(1, "转办：校园周边交通")]
    assert no_higher.json()["errors"] == {"recipients": ["This committee has no higher committee in the portal."]}
    body = delivered.json()
    assert (body["status"], body["recipients"], body["signed_by"], body["editor"], body["item_count"]) == (
        "sent", ["party", "government"], "市政协主席", "信息科", 1)
    assert again.status_code == 409
    assert client(iw, "bob").get(issue_url).status_code == 200
    assert [a["level"] for a in client(iw, "bob").get(f"{API}/information/{iw.passed.pk}/").json()["adoptions"]] == [
        "committee"]


def test_issues_are_listed_by_role_and_print_as_pdf(iw):
    draft = info.issue_create(actor=iw.alice, bulletin=iw.bulletin_a, title="编辑中")
    sent = info.issue_create(actor=iw.alice, bulletin=iw.bulletin_a, title="已报送")
    info.issue_add_items(actor=iw.alice, issue=sent, items=[iw.signed])
    info.issue_send(actor=iw.alice, issue=sent, recipients=["party"])
    names = {draft.pk: "draft", sent.pk: "sent"}

    listed = seen(iw, f"{API}/bulletin-issues/", names)
    pdf = client(iw, "bob").get(f"{API}/bulletin-issues/{sent.pk}/pdf/")

    assert listed == expect({"root": {"draft", "sent"}, "alice": {"draft", "sent"}, "fiona": {"draft", "sent"},
                             "lily": {"draft", "sent"}, "bob": {"sent"}, "cindy": {"sent"}})
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")
    assert client(iw, "eve").get(f"{API}/bulletin-issues/{sent.pk}/pdf/").status_code == 404
    assert client(iw, "bob").get(f"{API}/bulletin-issues/{draft.pk}/pdf/").status_code == 404
    assert BulletinIssue.objects.get(pk=sent.pk).number == 2


# --- information officers ---------------------------------------------------------------------------------


def test_staff_manage_information_officers(iw):
    url = f"{API}/information-officers/"
    zoe = UserFactory(username="zoe", full_name="邹月")

    listed = {role: [r["id"] for r in rows(client(iw, role).get(url))] for role in ("alice", "lily", "bob", "eve")}
    created = client(iw, "alice").post(url, {"committee": iw.a.pk, "user": zoe.pk, "organisation": "甲市日报社"},
                                       format="json")
    unknown = client(iw, "alice").post(url, {"committee": iw.a.pk, "user": 999999}, format="json")
    by_member = client(iw, "bob").post(url, {"committee": iw.a.pk, "user": zoe.pk}, format="json")
    retired = client(iw, "alice").patch(f"{url}{iw.olga_desk.pk}/", {"is_active": False}, format="json")
    writes_after = client_for(iw.olga, "en").post(f"{API}/information/", payload(iw), format="json")

    assert listed == {"alice": [iw.olga_desk.pk], "lily": [], "bob": [], "eve": []}
    assert created.status_code == 201
    assert (created.json()["user"], created.json()["organisation"], created.json()["is_active"]) == (
        {"id": zoe.pk, "name": "邹月"}, "甲市日报社", True)
    assert unknown.json()["errors"] == {"user": NOT_FOUND}
    assert by_member.json() == {"detail": STAFF_ONLY}
    assert (retired.json()["is_active"], retired.json()["organisation"]) == (False, "甲市社科院")
    assert writes_after.json()["errors"] == {"committee": NOT_FOUND}
    assert InformationOfficer.objects.filter(committee=iw.a).count() == 2
