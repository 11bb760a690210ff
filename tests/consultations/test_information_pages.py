"""The pages of social-conditions information (社情民意): each page per role (404 outside the
user's scope), each POST's real effect through the services and its refusal, bad input, and
the lists' query counts with 1 and 10 rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.choices import AdoptionLevel, InformationStatus, InstructionLevel, IssueStatus, Recipient
from consultations.models import Adoption, Bulletin, BulletinIssue, InformationItem, InformationOfficer, Instruction
from consultations.services import consultations as cs, information as info
from proposals.choices import Conversion, Rating
from proposals.models import Assignment, Feedback
from proposals.services import handling, proposals as ps
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTENT = "部分乡镇留守老人就餐困难，村级助餐点覆盖不足，建议统筹建设村级老年食堂。"
HOSTILE = "<script>alert(1)</script>"


def client(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def titles(response) -> list[str]:
    return [item.display_title for item in response.context["object_list"]]


def post(user, url: str, data: dict):
    return client(user).post(url, data)


def detail(item) -> str:
    return f"/information/{item.pk}/"


def reload(item):
    return InformationItem.objects.get(pk=item.pk)


def sent_issue(cw, items, *, recipients=(Recipient.PARTY, Recipient.GOVERNMENT), staff=None, bulletin=None):
    staff = staff or cw.alice
    issue = info.issue_create(actor=staff, bulletin=bulletin or cw.bulletin_a)
    info.issue_add_items(actor=staff, issue=issue, items=items)
    return info.issue_send(actor=staff, issue=issue, recipients=list(recipients), signed_by="李主席")


def passed(cw, item=None):
    item = item or cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    return info.information_pass_to_department(actor=cw.alice, item=item, lead_department=cw.dept_a)


# --- who sees what ------------------------------------------------------------------------------


@pytest.fixture
def spread(cw):
    """bob's draft, bob's submitted item (co-written with cindy), an approved item, an item
    passed to 甲市教育局, olga's submitted item and ada's item in the county committee."""
    cw.information(title="草稿：社区食堂选址问题", submit=False)
    cw.information(title="已提交：农村留守老人助餐服务", co_authors=[cw.cindy_seat])
    info.information_approve(actor=cw.alice, item=cw.information(title="已审核：城区停车难问题"))
    passed(cw, cw.signed_off(cw.information(title="已转办：校园周边交通安全")))
    cw.information(actor=cw.olga, title="信息员：社区养老服务需求")
    cw.information(actor=cw.ada, committee=cw.a1, title="东区：老旧小区加装电梯")
    return cw


@pytest.mark.parametrize(("role", "expected"), [
    ("alice", ["信息员：社区养老服务需求", "已转办：校园周边交通安全", "已审核：城区停车难问题", "已提交：农村留守老人助餐服务"]),
    ("fiona", ["东区：老旧小区加装电梯", "信息员：社区养老服务需求", "已转办：校园周边交通安全", "已审核：城区停车难问题",
               "已提交：农村留守老人助餐服务"]),
    ("lily", ["已转办：校园周边交通安全", "已审核：城区停车难问题"]),
    ("bob", ["已转办：校园周边交通安全", "已审核：城区停车难问题", "已提交：农村留守老人助餐服务", "草稿：社区食堂选址问题"]),
    ("cindy", ["已提交：农村留守老人助餐服务"]),
    ("olga", ["信息员：社区养老服务需求"]),
    ("carol", ["已转办：校园周边交通安全"]),
    ("ada", ["东区：老旧小区加装电梯"]),
    ("dave", []), ("ben", []), ("eve", []),
])
def test_information_list_shows_each_role_its_scope(spread, role, expected):
    response = client(getattr(spread, role)).get("/information/")
    assert response.status_code == 200
    assert titles(response) == expected


def test_pages_need_login(cw):
    for url in ("/information/", "/information/mine/", "/information/new/", "/information/issues/"):
        response = client().get(url)
        assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


@pytest.mark.parametrize(("url", "allowed"), [
    ("/information/review/", {"alice", "fiona", "lily", "root"}),
    ("/information/officers/", {"alice", "fiona", "root"}),
    ("/information/bulletins/", {"alice", "fiona", "root"}),
    ("/information/new/", {"bob", "cindy", "olga", "ada", "ben"}),
    ("/information/mine/", {"alice", "fiona", "lily", "bob", "cindy", "olga", "ada", "ben", "carol", "dave", "eve",
                            "root"}),
    ("/information/issues/", {"alice", "fiona", "lily", "bob", "cindy", "olga", "ada", "ben", "carol", "dave", "eve",
                              "root"}),
])
def test_role_pages_answer_each_role(cw, url, allowed):
    for role in ("alice", "fiona", "lily", "bob", "cindy", "olga", "ada", "ben", "carol", "dave", "eve", "root"):
        status = client(getattr(cw, role)).get(url).status_code
        assert status == (200 if role in allowed else 403), (role, status)


@pytest.mark.parametrize(("role", "status"), [
    ("alice", 200), ("fiona", 200), ("bob", 200), ("cindy", 200), ("lily", 404), ("carol", 404), ("olga", 404),
    ("ada", 404), ("dave", 404), ("ben", 404), ("eve", 404),
])
def test_a_submitted_item_is_seen_by_its_authors_and_staff_only(cw, role, status):
    item = cw.information(co_authors=[cw.cindy_seat])
    assert client(getattr(cw, role)).get(detail(item)).status_code == status


def test_a_draft_is_the_writers_alone(cw):
    item = cw.information(co_authors=[cw.cindy_seat], submit=False)
    assert [client(getattr(cw, r)).get(detail(item)).status_code for r in ("bob", "cindy", "alice", "root")] == [
        200, 404, 404, 404]


def test_leader_reads_approved_items_and_liaison_the_one_passed_to_them(cw):
    approved = info.information_approve(actor=cw.alice, item=cw.information(title="已审核：城区停车难问题"))
    handled = passed(cw)
    assert client(cw.lily).get(detail(approved)).status_code == 200
    assert [client(cw.carol).get(detail(i)).status_code for i in (approved, handled)] == [404, 200]
    assert [client(cw.hank).get(detail(handled)).status_code, client(cw.dave).get(detail(handled)).status_code] == [
        404, 404]


def test_missing_item_is_404(cw):
    assert client(cw.alice).get("/information/999999/").status_code == 404


# --- query counts -------------------------------------------------------------------------------------


LIST_PAGES = {
    "list (staff)": ("alice", "/information/"), "list (member)": ("bob", "/information/"),
    "list (leader)": ("lily", "/information/"), "mine": ("bob", "/information/mine/"),
    "mine (co-author)": ("cindy", "/information/mine/"), "mine (officer)": ("olga", "/information/mine/"),
    "review (staff)": ("alice", "/information/review/"), "review (leader)": ("lily", "/information/review/"),
    "issues (staff)": ("alice", "/information/issues/"), "issues (member)": ("bob", "/information/issues/"),
    "officers": ("alice", "/information/officers/"), "bulletins": ("alice", "/information/bulletins/"),
}


def _grow(cw, start: int, n: int) -> None:
    for i in range(start, start + n):
        item = cw.signed_off(cw.information(title=f"第{i}条：农村留守老人助餐服务", co_authors=[cw.cindy_seat]))
        bulletin = info.bulletin_save(actor=cw.alice, committee=cw.a, name=f"专报{i}")
        sent_issue(cw, [item], bulletin=bulletin)
        cs.instruction_record(actor=cw.lily, target=item, leader_name="李书记", level=InstructionLevel.PARTY,
                              instructed_on=timezone.localdate(), text_="请民政局研究。")
        cw.information(title=f"第{i}条：社区养老服务需求")
        info.information_approve(actor=cw.alice, item=cw.information(title=f"第{i}条：城区停车难问题"))
        cw.information(actor=cw.olga, title=f"第{i}条：信息员反映的问题")
        info.issue_create(actor=cw.alice, bulletin=bulletin)
        officer = UserFactory(username=f"officer{i}")
        info.information_officer_save(actor=cw.alice, committee=cw.a, user=officer, organisation=f"单位{i}")
        proposal = cw.submitted(title=f"关于改善第{i}社区养老服务的建议")
        ps.proposal_not_file(actor=cw.alice, proposal=proposal, reason="更适合以社情民意信息反映",
                             conversion=Conversion.INFORMATION)


def _measure(cw) -> dict[str, int]:
    result = {}
    for label, (role, url) in LIST_PAGES.items():
        c = client(getattr(cw, role))
        c.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = c.get(url)
        assert response.status_code == 200, label
        result[label] = len(queries.captured_queries)
    return result


def test_list_pages_query_count_does_not_grow_from_1_to_10_rows(cw):
    _grow(cw, 0, 1)
    one = _measure(cw)
    _grow(cw, 1, 9)
    ten = _measure(cw)
    assert ten == one
    assert len(client(cw.alice).get("/information/").context["object_list"]) == 20
    assert len(client(cw.bob).get("/information/mine/").context["object_list"]) == 20
    assert len(client(cw.alice).get("/information/issues/").context["object_list"]) == 20
    assert client(cw.alice).get("/information/review/").context["intake"][0]["count"] == 10


def test_issue_page_query_count_does_not_grow_with_its_items(cw):
    def measure(issue):
        c = client(cw.alice)
        c.get(f"/information/issues/{issue.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert c.get(f"/information/issues/{issue.pk}/").status_code == 200
        return len(queries.captured_queries)

    small = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    info.issue_add_items(actor=cw.alice, issue=small, items=[cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))])
    cw.signed_off(cw.information(title="待编入的另一条信息"))
    large = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    info.issue_add_items(actor=cw.alice, issue=large, items=[
        cw.signed_off(cw.information(title=f"第{i}条：留守老人助餐", co_authors=[cw.cindy_seat])) for i in range(10)])
    cw.signed_off(cw.information(title="再一条待编入的信息"))
    assert measure(large) == measure(small)


# --- my information -----------------------------------------------------------------------------------


def test_mine_shows_status_adoptions_instructions_share_and_the_years_credits(cw):
    item = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    sent_issue(cw, [item])
    cs.instruction_record(actor=cw.lily, target=item, leader_name="李书记", level=InstructionLevel.PARTY,
                          instructed_on=timezone.localdate(), text_="请民政局研究解决。")
    draft = cw.information(title="草稿：社区食堂选址问题", submit=False)
    response = client(cw.cindy).get("/information/mine/")
    [row] = response.context["object_list"]
    assert (row.pk, row.status, row.my_share, row.adoption_levels, row.instruction_count) == (
        item.pk, InformationStatus.SENT, Decimal("0.500"), ["This committee"], 1)
    today = timezone.localdate()
    assert [(r["event"], r["level_label"], r["share"], r["date"]) for r in response.context["credits"]] == [
        ("adoption", "This committee", Decimal("0.500"), today), ("instruction", "Party committee leader",
                                                                    Decimal("0.500"), today)]
    assert response.context["credit_totals"] == {"adoption": Decimal("0.500"), "instruction": Decimal("0.500")}
    bob = client(cw.bob).get("/information/mine/")
    assert [r.pk for r in bob.context["object_list"]] == [draft.pk, item.pk]
    last_year = client(cw.cindy).get(f"/information/mine/?year={today.year - 1}")
    assert (last_year.context["credit_year"], last_year.context["credits"]) == (today.year - 1, [])


def test_officer_sees_her_items_without_credits(cw):
    item = cw.information(actor=cw.olga)
    response = client(cw.olga).get("/information/mine/")
    assert [(r.pk, r.my_share) for r in response.context["object_list"]] == [(item.pk, Decimal("1.000"))]
    assert (response.context["credits"], response.context["is_member"]) == ([], False)
    assert b"Credits count for members" in response.content


# --- writing --------------------------------------------------------------------------------------


def form(**fields) -> dict:
    return {"title": "农村留守老人助餐服务亟待加强", "content": CONTENT, **fields}


def test_member_writes_a_draft_with_a_co_author_and_shares(cw):
    response = post(cw.bob, "/information/new/", form(co_authors=[cw.cindy_seat.pk], shares="0.7，0.3",
                                                      category=cw.cat_city.pk))
    item = InformationItem.objects.get()
    assert (response.status_code, response["Location"]) == (302, detail(item))
    assert (item.status, item.committee, item.submitted_by, item.category, item.title) == (
        InformationStatus.DRAFT, cw.a, cw.bob, cw.cat_city, "农村留守老人助餐服务亟待加强")
    assert [(a.name, a.member, a.order, a.share) for a in item.authors.all()] == [
        ("王博", cw.bob_seat, 1, Decimal("0.700")), ("崔欣", cw.cindy_seat, 2, Decimal("0.300"))]
    assert flashed(response) == ["The draft is saved. Submit it when it is ready."]


def test_shares_are_split_equally_when_left_empty(cw):
    post(cw.bob, "/information/new/", form(co_authors=[cw.cindy_seat.pk]))
    assert [a.share for a in InformationItem.objects.get().authors.all()] == [Decimal("0.500"), Decimal("0.500")]


def test_information_officer_writes_by_name(cw):
    response = post(cw.olga, "/information/new/", form())
    item = InformationItem.objects.get()
    assert response.status_code == 302
    assert [(a.name, a.member, a.user, a.share) for a in item.authors.all()] == [("欧佳", None, cw.olga, Decimal("1"))]


def test_write_form_lists_the_committees_serving_members_as_co_authors(cw):
    response = client(cw.bob).get("/information/new/")
    assert [label for _v, label in response.context["form"].fields["co_authors"].choices] == ["崔欣（医药卫生界）"]


@pytest.mark.parametrize(("data", "errors"), [
    (form(shares="0.6, 0.6", co_authors=["CINDY"]), {"shares": ["Give every author a share from 0 to 1; the shares add "
                                                                "up to 1."]}),
    (form(shares="0.5"), {"shares": ["Give every author a share from 0 to 1; the shares add up to 1."]}),
    (form(shares="half, half", co_authors=["CINDY"]), {"shares": ["Give each author's share as a number."]}),
    (form(title="", content=""), {"title": ["This field is required."], "content": ["This field is required."]}),
    (form(title="助餐", content="太短了"), {"title": ["At least 4 characters."]}),
    (form(title="助" * 121), {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
    (form(content="长" * 20001), {"content": ["Ensure this value has at most 20000 characters (it has 20001)."]}),
    (form(co_authors=["ADA"]), {"co_authors": ["Select a valid choice. ADA is not one of the available choices."]}),
], ids=["shares-over-1", "shares-count", "shares-not-numbers", "empty", "too-short", "title-too-long",
        "content-too-long", "co-author-of-another-committee"])
def test_bad_input_shows_next_to_the_field_and_saves_nothing(cw, data, errors):
    ids = {"CINDY": cw.cindy_seat.pk, "ADA": cw.ada_seat.pk}
    data = {k: [ids.get(v, v) for v in val] if isinstance(val, list) else val for k, val in data.items()}
    response = post(cw.bob, "/information/new/", data)
    assert response.status_code == 200
    errors = {k: [m.replace("ADA", str(cw.ada_seat.pk)) for m in v] for k, v in errors.items()}
    assert response.context["form"].errors == errors
    assert InformationItem.objects.count() == 0


def test_hostile_text_is_escaped_on_every_page(cw):
    post(cw.bob, "/information/new/", form(title=HOSTILE, content=HOSTILE + CONTENT))
    item = InformationItem.objects.get()
    info.information_submit(actor=cw.bob, item=item)
    for user, url in ((cw.bob, detail(item)), (cw.bob, "/information/mine/"), (cw.alice, "/information/"),
                      (cw.alice, "/information/review/")):
        body = client(user).get(url).content
        assert HOSTILE.encode() not in body, url
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


def test_only_members_and_officers_write(cw):
    for role in ("alice", "lily", "carol", "eve"):
        assert post(getattr(cw, role), "/information/new/", form()).status_code == 403
    assert InformationItem.objects.count() == 0


def test_inactive_officer_no_longer_writes(cw):
    info.information_officer_save(actor=cw.alice, committee=cw.a, user=cw.olga, is_active=False)
    assert client(cw.olga).get("/information/new/").status_code == 403


def test_writer_changes_a_draft(cw):
    item = cw.information(co_authors=[cw.cindy_seat], submit=False)
    page = client(cw.bob).get(f"/information/{item.pk}/edit/")
    assert page.status_code == 200
    assert page.context["form"].initial == {"title": item.title, "content": item.content, "category": None,
                                            "co_authors": [cw.cindy_seat.pk], "shares": ""}
    response = post(cw.bob, f"/information/{item.pk}/edit/", form(title="农村留守老人就餐难问题", co_authors=[]))
    item = reload(item)
    assert (response.status_code, item.title, [a.name for a in item.authors.all()]) == (
        302, "农村留守老人就餐难问题", ["王博"])


def test_only_the_writer_changes_and_only_a_draft(cw):
    draft = cw.information(submit=False)
    submitted = cw.information(title="已提交：城区停车难问题", co_authors=[cw.cindy_seat])
    assert client(cw.alice).get(f"/information/{draft.pk}/edit/").status_code == 404
    assert client(cw.cindy).get(f"/information/{submitted.pk}/edit/").status_code == 403
    assert client(cw.bob).get(f"/information/{submitted.pk}/edit/").status_code == 403
    assert post(cw.bob, f"/information/{submitted.pk}/edit/", form(title="改了标题的信息")).status_code == 403
    assert reload(submitted).title == "已提交：城区停车难问题"


# --- the writer's steps ----------------------------------------------------------------------------


def test_writer_submits_withdraws_and_deletes(cw):
    item = cw.information(submit=False)
    response = post(cw.bob, detail(item), {"action": "submit"})
    assert (response.status_code, reload(item).status) == (302, InformationStatus.SUBMITTED)
    assert flashed(response) == ["Your information is submitted to the committee."]
    response = post(cw.bob, detail(item), {"action": "withdraw"})
    assert (reload(item).status, flashed(response)) == (
        InformationStatus.DRAFT, ["The item is back to draft: change it and submit it again."])
    response = post(cw.bob, detail(item), {"action": "delete"})
    assert (response["Location"], InformationItem.objects.filter(pk=item.pk).exists()) == ("/information/mine/", False)


def test_writers_steps_are_refused_when_not_possible(cw):
    item = info.information_approve(actor=cw.alice, item=cw.information(co_authors=[cw.cindy_seat]))
    assert flashed(post(cw.bob, detail(item), {"action": "withdraw"})) == [
        "This is Edited and approved; that step is not possible now."]
    assert flashed(post(cw.bob, detail(item), {"action": "delete"})) == ["Only a draft can be deleted."]
    assert flashed(post(cw.cindy, detail(item), {"action": "submit"})) == ["You can only submit your own drafts."]
    assert flashed(post(cw.bob, detail(item), {"action": "nonsense"})) == ["Unknown action."]
    assert reload(item).status == InformationStatus.APPROVED


def test_writer_page_offers_only_the_possible_steps(cw):
    item = cw.information(submit=False)
    can = client(cw.bob).get(detail(item)).context["can"]
    assert {k for k, v in can.items() if v} == {"edit", "submit", "delete"}
    info.information_submit(actor=cw.bob, item=item)
    can = client(cw.bob).get(detail(item)).context["can"]
    assert {k for k, v in can.items() if v} == {"withdraw"}


def test_each_role_is_offered_the_steps_it_may_take(cw):
    submitted = cw.information()
    approved = info.information_approve(actor=cw.alice, item=cw.information(title="已审核：城区停车难问题"))
    signed = cw.signed_off(cw.information(title="已签发：校园周边交通安全"))

    def offered(user, item):
        context = client(user).get(detail(item)).context
        return sorted(context["action_forms"]), sorted(k for k, v in context["can"].items() if v)

    assert offered(cw.alice, submitted) == (["approve", "reject"], ["approve", "reject"])
    assert offered(cw.alice, approved) == (["reopen"], ["reopen", "sign_off"])
    assert offered(cw.lily, approved) == ([], ["sign_off"])
    assert offered(cw.alice, signed) == (["adopt", "compile", "instruct", "pass", "reopen"],
                                         ["adopt", "compile", "instruct", "pass", "reopen"])
    assert offered(cw.lily, signed) == (["instruct"], ["instruct"])
    assert offered(cw.bob, signed) == ([], [])


def test_pages_render_in_chinese(cw):
    item = passed(cw)
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(cw.alice)
    for url in (detail(item), "/information/", "/information/review/", "/information/issues/"):
        response = c.get(url)
        assert (response.status_code, response.wsgi_request.LANGUAGE_CODE) == (200, "zh-hans"), url


# --- review ------------------------------------------------------------------------------------------


def test_review_queue_lists_waiting_items_oldest_first_with_leaders_seeing_theirs(cw):
    submitted = cw.information(title="已提交：农村留守老人助餐服务")
    approved = info.information_approve(actor=cw.alice, item=cw.information(title="已审核：城区停车难问题"))
    signed = cw.signed_off(cw.information(title="已签发：校园周边交通安全"))
    sent_issue(cw, [cw.signed_off(cw.information(title="已发送：社区养老服务"))])
    info.information_reject(actor=cw.alice, item=cw.information(title="未采用：重复反映的问题"), reason="内容与已采用信息重复")
    cw.information(actor=cw.ada, committee=cw.a1, title="东区：老旧小区加装电梯")
    assert [i.pk for i in client(cw.alice).get("/information/review/").context["object_list"]] == [
        submitted.pk, approved.pk, signed.pk]
    assert [i.pk for i in client(cw.lily).get("/information/review/").context["object_list"]] == [approved.pk, signed.pk]
    assert [i.pk for i in client(cw.alice).get("/information/review/?status=approved").context["object_list"]] == [
        approved.pk]


def test_staff_edit_and_approve_keeping_the_original(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    page = client(cw.alice).get(detail(item))
    assert page.context["action_forms"]["approve"].initial["shares"] == "0.5, 0.5"
    response = post(cw.alice, detail(item), {
        "action": "approve", "approve-edited_title": "关于加强农村留守老人助餐服务的建议",
        "approve-edited_content": "编辑后的正文：建议统筹建设村级老年食堂，完善助餐补贴。", "approve-shares": "0.6, 0.4",
        "approve-category": cw.cat_city.pk, "approve-note": "文字作了精简"})
    item = reload(item)
    assert (response.status_code, flashed(response)) == (302, ["Approved. A leader signs it off next."])
    assert (item.status, item.title, item.edited_title, item.category, item.review_note) == (
        InformationStatus.APPROVED, "农村留守老人助餐服务亟待加强", "关于加强农村留守老人助餐服务的建议", cw.cat_city, "文字作了精简")
    assert [a.share for a in item.authors.all()] == [Decimal("0.600"), Decimal("0.400")]
    page = client(cw.bob).get(detail(item))
    assert page.context["is_edited"] is True
    body = page.content.decode()
    assert "编辑后的正文：建议统筹建设村级老年食堂，完善助餐补贴。" in body and CONTENT in body


def test_approving_with_shares_unchanged_keeps_them(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    post(cw.alice, detail(item), {"action": "approve", "approve-edited_title": item.title,
                                  "approve-edited_content": item.content, "approve-shares": "0.5, 0.5"})
    item = reload(item)
    assert (item.status, item.edited_title, item.edited_content) == (InformationStatus.APPROVED, "", "")


def test_approve_with_bad_shares_shows_the_error_and_changes_nothing(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    response = post(cw.alice, detail(item), {"action": "approve", "approve-shares": "0.9, 0.3"})
    assert response.status_code == 200
    assert response.context["action_forms"]["approve"].errors == {
        "shares": ["Give every author a share from 0 to 1; the shares add up to 1."]}
    assert response.context["open_action"] == "approve"
    assert reload(item).status == InformationStatus.SUBMITTED


def test_staff_do_not_adopt_with_a_reason_the_authors_read(cw):
    item = cw.information(co_authors=[cw.cindy_seat])
    response = post(cw.alice, detail(item), {"action": "reject", "reject-reason": "内容与本月已采用信息重复"})
    item = reload(item)
    assert (item.status, item.review_note, flashed(response)) == (
        InformationStatus.NOT_ADOPTED, "内容与本月已采用信息重复", ["Not adopted; the authors are told why."])
    assert "内容与本月已采用信息重复" in client(cw.cindy).get(detail(item)).content.decode()


@pytest.mark.parametrize(("reason", "errors"), [
    ("", {"reason": ["This field is required."]}),
    ("重复", {"reason": ["At least 4 characters."]}),
    ("重" * 2001, {"reason": ["Ensure this value has at most 2000 characters (it has 2001)."]}),
])
def test_not_adopting_needs_a_reason(cw, reason, errors):
    item = cw.information()
    response = post(cw.alice, detail(item), {"action": "reject", "reject-reason": reason})
    assert response.context["action_forms"]["reject"].errors == errors
    assert reload(item).status == InformationStatus.SUBMITTED


@pytest.mark.parametrize("role", ["bob", "lily", "fiona"])
def test_review_by_others_is_refused(cw, role):
    item = cw.information(actor=cw.ada, committee=cw.a1) if role == "fiona" else cw.information()
    user = getattr(cw, role)
    response = post(user, detail(item), {"action": "reject", "reject-reason": "内容与本月已采用信息重复"})
    if role == "fiona":  # fiona is staff of the county committee too
        assert reload(item).status == InformationStatus.NOT_ADOPTED
        return
    expected = 404 if role == "lily" else 302
    assert response.status_code == expected
    if role == "bob":
        assert flashed(response) == ["Only staff of this committee may do this."]
    assert reload(item).status == InformationStatus.SUBMITTED


def test_leader_signs_off_and_staff_send_it_back(cw):
    item = info.information_approve(actor=cw.alice, item=cw.information())
    assert flashed(post(cw.bob, detail(item), {"action": "sign_off"})) == [
        "Only staff or leaders of this committee may do this."]
    response = post(cw.lily, detail(item), {"action": "sign_off"})
    item = reload(item)
    assert (item.status, item.signed_off_by, flashed(response)) == (InformationStatus.SIGNED_OFF, cw.lily,
                                                                    ["Signed off (签发)."])
    assert post(cw.lily, detail(item), {"action": "reopen", "reopen-note": "需要补充数据"}).status_code == 302
    assert reload(item).status == InformationStatus.SIGNED_OFF  # leaders do not send back
    response = post(cw.alice, detail(item), {"action": "reopen", "reopen-note": "需要补充数据"})
    item = reload(item)
    assert (item.status, item.signed_off_by, flashed(response)) == (
        InformationStatus.APPROVED, None, ["The item went back a step."])


def test_staff_compile_a_signed_off_item_into_an_issue_and_take_it_out(cw):
    item = cw.signed_off()
    page = client(cw.alice).get(detail(item))
    assert page.context["has_draft_issues"] is False
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    response = post(cw.alice, detail(item), {"action": "compile", "compile-issue": issue.pk})
    item = reload(item)
    assert (item.status, item.issue, item.issue_position, flashed(response)) == (
        InformationStatus.COMPILED, issue, 1, ["The item is compiled into the issue."])
    response = post(cw.alice, detail(item), {"action": "remove_from_issue"})
    item = reload(item)
    assert (item.status, item.issue, flashed(response)) == (
        InformationStatus.SIGNED_OFF, None, ["The item is taken out of the issue."])


def test_compiling_into_another_committees_or_a_sent_issue_is_refused(cw):
    item = cw.signed_off()
    other = info.issue_create(actor=cw.fiona, bulletin=cw.bulletin_a1)
    response = post(cw.alice, detail(item), {"action": "compile", "compile-issue": other.pk})
    assert response.context["action_forms"]["compile"].errors == {
        "issue": ["Select a valid choice. That choice is not one of the available choices."]}
    assert reload(item).status == InformationStatus.SIGNED_OFF


# --- adoption, instructions ---------------------------------------------------------------------------


def adoption(level=AdoptionLevel.PROVINCIAL, day=None, by="省政协《社情民意》2026年第12期"):
    return {"action": "adopt", "adopt-level": level, "adopt-adopted_on": (day or timezone.localdate()).isoformat(),
            "adopt-adopted_by": by, "adopt-note": ""}


def test_staff_record_an_adoption_by_hand(cw):
    item = sent_issue(cw, [cw.signed_off()]).items.get()
    response = post(cw.alice, detail(item), adoption())
    assert flashed(response) == ["The adoption is recorded; the authors are told."]
    assert list(item.adoptions.values_list("level", "adopted_by")) == [
        (AdoptionLevel.COMMITTEE, "甲市政协《社情民意》" + item.issue.label),
        (AdoptionLevel.PROVINCIAL, "省政协《社情民意》2026年第12期")]
    page = client(cw.bob).get(detail(item))
    assert [a.level for a in page.context["adoptions"]] == [AdoptionLevel.COMMITTEE, AdoptionLevel.PROVINCIAL]


@pytest.mark.parametrize(("data", "errors"), [
    (adoption(level=AdoptionLevel.COMMITTEE), {"level": ["Adoption at this level is already recorded."]}),
    (adoption(day=timezone.localdate() + dt.timedelta(days=1)), {"adopted_on": ["Give the day (not in the future)."]}),
    (adoption(by="省"), {"adopted_by": ["At least 2 characters."]}),
    ({**adoption(), "adopt-level": "galaxy"}, {"level": ["Select a valid choice. galaxy is not one of the available "
                                                         "choices."]}),
    ({**adoption(), "adopt-adopted_on": "2026-02-30"}, {"adopted_on": ["Enter a valid date."]}),
], ids=["duplicate-level", "future", "short-body", "unknown-level", "bad-date"])
def test_bad_adoptions_are_refused_next_to_the_field(cw, data, errors):
    item = sent_issue(cw, [cw.signed_off()]).items.get()
    response = post(cw.alice, detail(item), data)
    assert response.status_code == 200
    assert response.context["action_forms"]["adopt"].errors == errors
    assert item.adoptions.count() == 1


def test_adoption_before_sign_off_is_refused(cw):
    item = cw.information()
    response = post(cw.alice, detail(item), adoption())
    assert flashed(response) == ["Adoption is recorded once the item is signed off."]
    assert Adoption.objects.count() == 0


def test_leader_records_an_instruction_the_authors_see(cw):
    item = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    response = post(cw.lily, detail(item), {
        "action": "instruct", "instruct-leader_name": "李书记", "instruct-leader_title": "市委书记",
        "instruct-level": InstructionLevel.PARTY, "instruct-instructed_on": timezone.localdate().isoformat(),
        "instruct-text": "请民政局牵头研究解决。"})
    assert flashed(response) == ["The leader's instruction is recorded."]
    instruction = Instruction.objects.get()
    assert (instruction.information, instruction.leader_name, instruction.level, instruction.recorded_by) == (
        item, "李书记", InstructionLevel.PARTY, cw.lily)
    assert client(cw.cindy).get(detail(item)).context["instructions"] == [instruction]


def test_instruction_input_is_checked(cw):
    item = cw.signed_off()
    response = post(cw.alice, detail(item), {
        "action": "instruct", "instruct-leader_name": "李", "instruct-level": InstructionLevel.PARTY,
        "instruct-instructed_on": "", "instruct-text": ""})
    assert response.context["action_forms"]["instruct"].errors == {
        "instructed_on": ["This field is required."], "text": ["This field is required."]}
    response = post(cw.alice, detail(item), {
        "action": "instruct", "instruct-leader_name": "李", "instruct-level": InstructionLevel.PARTY,
        "instruct-instructed_on": timezone.localdate().isoformat(), "instruct-text": "同意"})
    assert response.context["action_forms"]["instruct"].errors == {"leader_name": ["At least 2 characters."]}
    assert Instruction.objects.count() == 0


def test_members_cannot_record_instructions_or_adoptions(cw):
    item = cw.signed_off()
    post(cw.bob, detail(item), adoption())
    response = post(cw.bob, detail(item), {
        "action": "instruct", "instruct-leader_name": "李书记", "instruct-level": InstructionLevel.PARTY,
        "instruct-instructed_on": timezone.localdate().isoformat(), "instruct-text": "请民政局研究。"})
    assert flashed(response) == ["Only staff or leaders of this committee may do this."]
    assert (Adoption.objects.count(), Instruction.objects.count()) == (0, 0)


# --- passing to departments and handling --------------------------------------------------------------


def test_staff_pass_an_item_to_departments_and_its_page_shows_the_handling(cw):
    item = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    response = post(cw.alice, detail(item), {"action": "pass", "pass-lead_department": cw.dept_a.pk,
                                             "pass-co_departments": [cw.dept_a2.pk], "pass-note": "请研究办理"})
    item = reload(item)
    assert flashed(response) == ["The item is passed to the departments for handling."]
    assert sorted(Assignment.objects.filter(case=item.case).values_list("department__name", "role")) == [
        ("甲市卫生健康委员会", "co"), ("甲市教育局", "lead")]
    page = client(cw.carol).get(detail(item))
    assert [a.department for a in page.context["my_assignments"]] == [cw.dept_a]
    assert [a.department for a in client(cw.bob).get(detail(item)).context["current_assignments"]] == [
        cw.dept_a2, cw.dept_a]  # by round, role (co before lead), id
    again = post(cw.alice, detail(item), {"action": "pass", "pass-lead_department": cw.dept_a.pk})
    assert flashed(again) == ["This item is already with departments."]


def test_passing_needs_a_lead_department_of_the_committee(cw):
    item = cw.signed_off()
    response = post(cw.alice, detail(item), {"action": "pass", "pass-lead_department": cw.dept_b.pk})
    assert response.context["action_forms"]["pass"].errors == {
        "lead_department": ["Select a valid choice. That choice is not one of the available choices."]}
    assert reload(item).case is None


def test_submitter_rates_the_released_reply_on_the_item_page(cw):
    item = passed(cw)
    assignment = Assignment.objects.get(case=item.case)
    reply = handling.assignment_reply(actor=cw.carol, assignment=assignment, text="已在三个村试点建设老年食堂。")
    page = client(cw.bob).get(detail(item))
    assert ([r.pk for r in page.context["replies"]], page.context["can_rate"]) == ([reply.pk], True)
    bad = post(cw.bob, detail(item), {"action": "rate", "reply": reply.pk, f"rate-{reply.pk}-rating": "unsatisfied"})
    assert bad.status_code == 200
    assert Feedback.objects.count() == 0
    response = post(cw.bob, detail(item), {"action": "rate", "reply": reply.pk,
                                           f"rate-{reply.pk}-rating": Rating.SATISFIED})
    assert flashed(response) == ["Thank you for your feedback on the reply."]
    assert Feedback.objects.get().rating == Rating.SATISFIED
    assert post(cw.cindy, detail(item), {"action": "rate", "reply": reply.pk,
                                         f"rate-{reply.pk}-rating": Rating.SATISFIED}).status_code == 302


def test_handling_link_leads_to_the_item_for_those_who_see_it(cw):
    item = passed(cw)
    response = client(cw.carol).get(f"/information/handling/{item.case_id}/")
    assert (response.status_code, response["Location"]) == (302, detail(item))
    assert client(cw.dave).get(f"/information/handling/{item.case_id}/").status_code == 404
    assert client(cw.carol).get("/information/handling/999999/").status_code == 404
    anonymous = client().get(f"/information/handling/{item.case_id}/")
    assert anonymous["Location"] == f"/accounts/login/?next=/information/handling/{item.case_id}/"


# --- three-level linkage and converted proposals ------------------------------------------------------


def test_item_sent_up_shows_in_the_higher_queue_marked_as_received(cw):
    item = cw.signed_off(cw.information(actor=cw.ada, committee=cw.a1, title="东区老旧小区加装电梯推进缓慢"),
                         staff=cw.fiona, leader=cw.fiona)
    sent_issue(cw, [item], recipients=[Recipient.PARTY, Recipient.HIGHER], staff=cw.fiona, bulletin=cw.bulletin_a1)
    copy = InformationItem.objects.get(forwarded_from=item)
    queue = client(cw.alice).get("/information/review/")
    assert [i.pk for i in queue.context["object_list"]] == [copy.pk]
    assert "received from 甲市东区政协" in queue.content.decode()
    page = client(cw.alice).get(detail(copy))
    assert (page.context["origin_visible"], page.context["can"]["withdraw"]) == (False, False)
    assert "Received from 甲市东区政协, which sent it up in its bulletin." in page.content.decode()
    original = client(cw.ada).get(detail(item))
    assert (original.context["forwarded_copy"], original.context["forwarded_copy"].visible) == (copy, True)
    assert client(cw.alice).get("/information/?forwarded=true").context["object_list"][0] == copy


def test_review_queue_takes_in_proposals_converted_to_information(cw):
    proposal = cw.submitted()
    ps.proposal_not_file(actor=cw.alice, proposal=proposal, reason="内容更适合以社情民意信息反映",
                         conversion=Conversion.INFORMATION)
    page = client(cw.alice).get("/information/review/")
    [group] = page.context["intake"]
    assert (group["committee"], group["count"], [p.title for p in group["proposals"]]) == (
        cw.a, 1, [proposal.title])
    assert client(cw.lily).get("/information/review/").context["intake"] == []
    assert post(cw.alice, "/information/review/", {"action": "intake", "committee": cw.b.pk}).status_code == 404
    assert post(cw.lily, "/information/review/", {"action": "intake", "committee": cw.a.pk}).status_code == 404
    response = post(cw.alice, "/information/review/", {"action": "intake", "committee": cw.a.pk})
    assert flashed(response) == ["1 proposal converted to information is now in the review queue."]
    item = InformationItem.objects.get(source_proposal=proposal)
    assert (item.status, [a.member for a in item.authors.all()]) == (InformationStatus.SUBMITTED, [cw.bob_seat])
    again = post(cw.alice, "/information/review/", {"action": "intake", "committee": cw.a.pk})
    assert flashed(again) == ["There was nothing to take in."]
    assert client(cw.alice).get("/information/review/").context["intake"] == []
    assert flashed(post(cw.bob, detail(item), {"action": "withdraw"})) == [
        "This item came from elsewhere; it is reviewed as it is."]


# --- bulletin issues -------------------------------------------------------------------------------


def test_staff_open_the_next_issue_numbered_per_bulletin_and_year(cw):
    year = timezone.localdate().year
    first = post(cw.alice, "/information/issues/", {"new-bulletin": cw.bulletin_a.pk, "new-year": year})
    second = post(cw.alice, "/information/issues/", {"new-bulletin": cw.bulletin_a.pk, "new-year": year,
                                                     "new-title": "养老服务专刊"})
    issues = list(BulletinIssue.objects.order_by("number"))
    assert [(i.number, i.year, i.title, i.status) for i in issues] == [
        (1, year, "", IssueStatus.DRAFT), (2, year, "养老服务专刊", IssueStatus.DRAFT)]
    assert (first["Location"], second["Location"]) == (f"/information/issues/{issues[0].pk}/",
                                                       f"/information/issues/{issues[1].pk}/")
    assert flashed(second) == [f"社情民意 {year}年第2期 is opened. Add its items, then send it."]


@pytest.mark.parametrize(("data", "errors"), [
    ({"new-year": "1999"}, {"year": ["Ensure this value is greater than or equal to 2000."]}),
    ({"new-bulletin": "OTHER"}, {"bulletin": ["Select a valid choice. That choice is not one of the available "
                                              "choices."]}),
    ({"new-bulletin": "INACTIVE"}, {"bulletin": ["Select a valid choice. That choice is not one of the available "
                                                 "choices."]}),
    ({"new-title": "题" * 121}, {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
], ids=["year", "other-committee", "inactive", "long-title"])
def test_opening_an_issue_with_bad_input(cw, data, errors):
    inactive = info.bulletin_save(actor=cw.alice, committee=cw.a, name="停刊的简报", is_active=False)
    ids = {"OTHER": cw.bulletin_a1.pk, "INACTIVE": inactive.pk}
    base = {"new-bulletin": cw.bulletin_a.pk, "new-year": timezone.localdate().year}
    response = post(cw.alice, "/information/issues/", {**base, **{k: ids.get(v, v) for k, v in data.items()}})
    assert response.status_code == 200
    assert response.context["create_form"].errors == errors
    assert BulletinIssue.objects.count() == 0


def test_only_staff_open_issues(cw):
    for role in ("lily", "bob"):
        response = post(getattr(cw, role), "/information/issues/", {"new-bulletin": cw.bulletin_a.pk,
                                                                     "new-year": timezone.localdate().year})
        assert response.status_code == 403
    assert BulletinIssue.objects.count() == 0


def test_staff_compile_and_send_an_issue(cw):
    first = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    second = cw.signed_off(cw.information(actor=cw.olga, title="信息员：社区养老服务需求"))
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    url = f"/information/issues/{issue.pk}/"
    page = client(cw.alice).get(url)
    assert [i.pk for i in page.context["add_form"].fields["items"].queryset] == [first.pk, second.pk]
    response = post(cw.alice, url, {"action": "add", "add-items": [second.pk, first.pk]})
    assert flashed(response) == ["The items are compiled into the issue."]
    assert [i.pk for i in client(cw.alice).get(url).context["items"]] == [first.pk, second.pk]
    response = post(cw.alice, url, {"action": "send", "send-recipients": [Recipient.PARTY, Recipient.GOVERNMENT],
                                    "send-signed_by": "李主席", "send-editor": "张编辑"})
    issue.refresh_from_db()
    assert flashed(response) == ["The issue is sent; its items are adopted by this committee."]
    assert (issue.status, issue.recipients, issue.signed_by, issue.editor) == (
        IssueStatus.SENT, ["party", "government"], "李主席", "张编辑")
    assert [(i.status, list(i.adoptions.values_list("level", flat=True))) for i in issue.items.order_by("id")] == [
        (InformationStatus.SENT, [AdoptionLevel.COMMITTEE]), (InformationStatus.SENT, [AdoptionLevel.COMMITTEE])]
    page = client(cw.bob).get(url)
    assert (page.context["can_edit"], page.context["recipients"]) == (False, ["Party committee", "Government"])
    assert page.context["items"][1].visible is False  # olga's item is hers and the staff's
    assert "Party committee、Government" in client(cw.bob).get(detail(first)).content.decode()


def test_staff_remove_an_item_from_an_issue_being_compiled(cw):
    items = [cw.signed_off(cw.information(title=f"第{i}条：留守老人助餐")) for i in range(3)]
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    info.issue_add_items(actor=cw.alice, issue=issue, items=items)
    response = post(cw.alice, f"/information/issues/{issue.pk}/", {"action": "remove", "item": items[0].pk})
    assert flashed(response) == ["第0条：留守老人助餐 is taken out of the issue."]
    assert list(issue.items.order_by("issue_position").values_list("pk", "issue_position")) == [
        (items[1].pk, 1), (items[2].pk, 2)]
    assert reload(items[0]).status == InformationStatus.SIGNED_OFF
    assert post(cw.alice, f"/information/issues/{issue.pk}/", {"action": "remove", "item": 999999}).status_code == 404


def test_sending_bad_or_twice_is_refused(cw):
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    url = f"/information/issues/{issue.pk}/"
    response = post(cw.alice, url, {"action": "send", "send-recipients": []})
    assert response.context["send_form"].errors == {"recipients": ["This field is required."]}
    response = post(cw.alice, url, {"action": "send", "send-recipients": ["moon"]})
    assert response.context["send_form"].errors == {
        "recipients": ["Select a valid choice. moon is not one of the available choices."]}
    response = post(cw.alice, url, {"action": "send", "send-recipients": [Recipient.PARTY]})
    assert response.context["send_form"].errors == {"__all__": ["The issue has no items."]}
    response = post(cw.alice, url, {"action": "add", "add-items": []})
    assert response.context["add_form"].errors == {"items": ["This field is required."]}
    info.issue_add_items(actor=cw.alice, issue=issue, items=[cw.signed_off()])
    post(cw.alice, url, {"action": "send", "send-recipients": [Recipient.PARTY]})
    again = post(cw.alice, url, {"action": "send", "send-recipients": [Recipient.GOVERNMENT]})
    assert flashed(again) == ["This issue has been sent."]
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (IssueStatus.SENT, ["party"])


def test_a_top_committee_cannot_send_to_a_higher_one(cw):
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    info.issue_add_items(actor=cw.alice, issue=issue, items=[cw.signed_off()])
    page = client(cw.alice).get(f"/information/issues/{issue.pk}/")
    assert [v for v, _label in page.context["send_form"].fields["recipients"].choices] == [
        "party", "government", "departments"]


@pytest.mark.parametrize(("role", "draft", "sent"), [
    ("alice", 200, 200), ("lily", 200, 200), ("fiona", 200, 200), ("bob", 404, 200), ("cindy", 404, 200),
    ("olga", 404, 404), ("carol", 404, 404), ("ada", 404, 404), ("ben", 404, 404), ("eve", 404, 404),
])
def test_issue_page_and_pdf_per_role(cw, role, draft, sent):
    being_compiled = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    done = sent_issue(cw, [cw.signed_off()])
    c = client(getattr(cw, role))
    for issue, status in ((being_compiled, draft), (done, sent)):
        assert c.get(f"/information/issues/{issue.pk}/").status_code == status
        assert c.get(f"/information/issues/{issue.pk}/pdf/").status_code == status


def test_only_staff_change_an_issue(cw):
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    item = cw.signed_off()
    assert post(cw.lily, f"/information/issues/{issue.pk}/", {"action": "add", "add-items": [item.pk]}).status_code == 403
    assert post(cw.bob, f"/information/issues/{issue.pk}/", {"action": "add", "add-items": [item.pk]}).status_code == 404
    assert reload(item).status == InformationStatus.SIGNED_OFF


def test_issue_pdf_is_sent_inline_with_its_name(cw):
    issue = sent_issue(cw, [cw.signed_off()])
    response = client(cw.bob).get(f"/information/issues/{issue.pk}/pdf/")
    assert (response["Content-Type"], response.content[:5], response["Cache-Control"]) == (
        "application/pdf", b"%PDF-", "private, no-store")
    assert response["Content-Disposition"] == (
        f"inline; filename*=utf-8''%E7%A4%BE%E6%83%85%E6%B0%91%E6%84%8F-{issue.year}-01.pdf")
    assert client().get(f"/information/issues/{issue.pk}/pdf/")["Location"] == (
        f"/accounts/login/?next=/information/issues/{issue.pk}/pdf/")


def test_issue_list_filters_by_status(cw):
    draft = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    done = sent_issue(cw, [cw.signed_off()])
    assert [i.pk for i in client(cw.alice).get("/information/issues/").context["object_list"]] == [done.pk, draft.pk]
    assert [i.pk for i in client(cw.alice).get("/information/issues/?status=draft").context["object_list"]] == [
        draft.pk]
    assert [i.pk for i in client(cw.bob).get("/information/issues/").context["object_list"]] == [done.pk]


# --- bulletins and officers ----------------------------------------------------------------------------


def test_staff_add_and_rename_bulletins(cw):
    response = post(cw.alice, "/information/bulletins/", {"new-committee": cw.a.pk, "new-name": "政协信息",
                                                          "new-is_active": "on"})
    assert (response.status_code, flashed(response)) == (302, ["The bulletin is saved."])
    bulletin = Bulletin.objects.get(name="政协信息")
    post(cw.alice, "/information/bulletins/", {"bulletin": bulletin.pk, f"b{bulletin.pk}-name": "政协信息专报"})
    bulletin.refresh_from_db()
    assert (bulletin.name, bulletin.is_active) == ("政协信息专报", False)
    page = client(cw.alice).get("/information/bulletins/")
    assert sorted((b.name, b.is_active, b.issue_count) for b in page.context["bulletins"]) == sorted([
        ("社情民意", True, 0), ("政协信息专报", False, 0)])


@pytest.mark.parametrize(("data", "errors"), [
    ({"new-name": "社情民意"}, {"name": ["This committee already has a bulletin of that name."]}),
    ({"new-name": "社"}, {"name": ["At least 2 characters."]}),
    ({"new-name": ""}, {"name": ["This field is required."]}),
    ({"new-committee": "B"}, {"committee": ["Select a valid choice. That choice is not one of the available "
                                            "choices."]}),
], ids=["duplicate", "short", "empty", "other-committee"])
def test_bad_bulletins_are_refused(cw, data, errors):
    data = {"new-committee": cw.a.pk, "new-name": "政协信息", **data}
    if data["new-committee"] == "B":
        data["new-committee"] = cw.b.pk
    response = post(cw.alice, "/information/bulletins/", data)
    assert response.context["new_form"].errors == errors
    assert Bulletin.objects.filter(committee=cw.a).count() == 1


def test_bulletins_of_other_committees_are_out_of_reach(cw):
    post(cw.alice, "/information/bulletins/", {"bulletin": cw.bulletin_a1.pk, f"b{cw.bulletin_a1.pk}-name": "改名"})
    assert post(cw.alice, "/information/bulletins/", {"bulletin": cw.bulletin_a1.pk}).status_code == 404
    assert post(cw.bob, "/information/bulletins/", {"new-committee": cw.a.pk, "new-name": "政协信息"}).status_code == 403
    assert Bulletin.objects.get(pk=cw.bulletin_a1.pk).name == "社情民意"


def test_staff_add_an_information_officer_by_login_and_change_them(cw):
    login = UserFactory(username="reporter", full_name="记者甲")
    response = post(cw.alice, "/information/officers/", {"new-committee": cw.a.pk, "new-username": " reporter ",
                                                         "new-organisation": "甲市日报社", "new-is_active": "on"})
    assert flashed(response) == ["记者甲 is saved as an information officer of 甲市政协."]
    officer = InformationOfficer.objects.get(user=login)
    assert (officer.committee, officer.organisation, officer.is_active) == (cw.a, "甲市日报社", True)
    post(cw.alice, "/information/officers/", {"new-committee": cw.a.pk, "new-username": "reporter",
                                              "new-organisation": "甲市广播电视台", "new-is_active": "on"})
    assert list(InformationOfficer.objects.filter(user=login).values_list("organisation", flat=True)) == ["甲市广播电视台"]
    post(cw.alice, "/information/officers/", {"officer": officer.pk, f"o{officer.pk}-organisation": "甲市日报社"})
    officer.refresh_from_db()
    assert (officer.organisation, officer.is_active) == ("甲市日报社", False)
    page = client(cw.alice).get("/information/officers/")
    assert [o.user.username for o in page.context["officers"]] == ["olga", "reporter"]


@pytest.mark.parametrize(("data", "errors"), [
    ({"new-username": "nobody"}, {"username": ["No active login has this name."]}),
    ({"new-username": ""}, {"username": ["This field is required."]}),
    ({"new-organisation": "单" * 121}, {"organisation": ["Ensure this value has at most 120 characters (it has 121)."]}),
    ({"new-committee": "B"}, {"committee": ["Select a valid choice. That choice is not one of the available "
                                            "choices."]}),
], ids=["unknown-login", "empty", "long-organisation", "other-committee"])
def test_bad_officers_are_refused(cw, data, errors):
    UserFactory(username="reporter")
    data = {"new-committee": cw.a.pk, "new-username": "reporter", **data}
    if data["new-committee"] == "B":
        data["new-committee"] = cw.b.pk
    response = post(cw.alice, "/information/officers/", data)
    assert response.context["new_form"].errors == errors
    assert InformationOfficer.objects.count() == 1


def test_officers_of_other_committees_are_out_of_reach(cw):
    desk = info.information_officer_save(actor=cw.fiona, committee=cw.a1, user=UserFactory(username="township"))
    assert post(cw.alice, "/information/officers/", {"officer": desk.pk}).status_code == 404
    assert post(cw.bob, "/information/officers/", {"officer": cw.olga_desk.pk}).status_code == 403
    assert [o.pk for o in client(cw.fiona).get("/information/officers/").context["officers"]] == [
        cw.olga_desk.pk, desk.pk]
