"""Replies with a result category, and staff review of replies before release, through the API:
a reply awaiting review is read only by the committee's staff and the department that wrote it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals.choices import ReplyReview
from proposals.models import Assignment, Reply
from proposals.services import config, handling
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"
INVALID = "The input is not valid."


def client(w, role):
    return client_for(getattr(w, role) if role else None, "en")


@pytest.fixture
def rw(pp):
    """Committee A reviews proposal replies; bob's proposal is filed to 甲市教育局 (carol)."""
    config.policy_set(actor=pp.alice, committee=pp.a, kind="proposal", review_replies=True)
    pp.proposal = pp.filed(lead=pp.dept_a)
    pp.lead = Assignment.objects.get(case=pp.proposal.case, department=pp.dept_a)
    return pp


def reply_through_api(w, **data):
    return client(w, "carol").post(f"{API}/assignments/{w.lead.pk}/reply/",
                                   {"text": "已研究，列入明年计划。", **data}, format="json")


def test_reply_reports_a_result_category_and_may_publish(rw):
    missing = reply_through_api(rw)
    unknown = reply_through_api(rw, result_category="E")
    replied = reply_through_api(rw, result_category="B", may_publish=True)

    assert missing.json() == {"detail": INVALID, "errors": {"result_category": ["Choose the result category: A、B、C."]}}
    assert unknown.json() == {"detail": INVALID, "errors": {"result_category": ['"E" is not a valid choice.']}}
    assert (replied.status_code, replied.json()["status"]) == (200, "replied")
    reply = Reply.objects.get(assignment=rw.lead)
    assert (reply.result_category, reply.may_publish, reply.review_status) == ("B", True, ReplyReview.PENDING)


def test_pending_reply_is_read_by_staff_and_the_replying_department_only(rw):
    reply_through_api(rw, result_category="B")

    def replies(role):
        response = client(rw, role).get(f"{API}/proposals/{rw.proposal.pk}/")
        if response.status_code != 200:
            return response.status_code
        return [(r["text"], r["review_status"]) for r in response.json()["handling"]["replies"]]

    pending = [("已研究，列入明年计划。", "pending")]
    assert {role: replies(role) for role in ("root", "alice", "fiona", "carol", "lily", "bob", "cindy", "hank")} == {
        "root": pending, "alice": pending, "fiona": pending, "carol": pending, "lily": [], "bob": [], "cindy": [],
        "hank": 404}


def test_reply_reviews_list_holds_the_staffs_pending_replies(rw):
    reply_through_api(rw, result_category="B")
    reply = Reply.objects.get(assignment=rw.lead)

    lists = {}
    for role in ("root", "alice", "fiona", "lily", "bob", "carol", "dave", "eve"):
        response = client(rw, role).get(f"{API}/reply-reviews/")
        lists[role] = [r["id"] for r in response.json()["results"]]
    anonymous = client(rw, None).get(f"{API}/reply-reviews/").status_code

    assert lists == {"root": [reply.pk], "alice": [reply.pk], "fiona": [reply.pk], "lily": [], "bob": [], "carol": [],
                     "dave": [], "eve": []}
    assert anonymous == 403
    row = client(rw, "alice").get(f"{API}/reply-reviews/{reply.pk}/").json()
    assert (row["department"], row["result_category"], row["case"]["id"], row["review_status"]) == (
        {"id": rw.dept_a.pk, "name": "甲市教育局"}, "B", rw.proposal.case_id, "pending")


def test_staff_return_then_release_a_reply(rw):
    reply_through_api(rw, result_category="C")
    first = Reply.objects.get(assignment=rw.lead)
    url = f"{API}/reply-reviews/{first.pk}/review/"

    outsiders = {role: client(rw, role).post(url, {"approve": True}, format="json").status_code
                 for role in ("lily", "carol", "bob", "dave")}
    no_note = client(rw, "alice").post(url, {"approve": False}, format="json")
    returned = client(rw, "alice").post(url, {"approve": False, "note": "请补充具体措施。"}, format="json")
    again = client(rw, "alice").post(url, {"approve": True}, format="json")
    reply_through_api(rw, result_category="B")
    second = Reply.objects.get(assignment=rw.lead, review_status=ReplyReview.PENDING)
    released = client(rw, "fiona").post(f"{API}/reply-reviews/{second.pk}/review/", {"approve": True}, format="json")
    seen = client(rw, "bob").get(f"{API}/proposals/{rw.proposal.pk}/").json()["handling"]

    assert outsiders == {"lily": 404, "carol": 404, "bob": 404, "dave": 404}
    assert no_note.json() == {"detail": INVALID, "errors": {"note": ["This field is required."]}}
    assert (returned.status_code, returned.json()["review_status"], returned.json()["review_note"]) == (
        200, "returned", "请补充具体措施。")
    assert (again.status_code, again.json()) == (409, {"detail": "This reply is not waiting for review."})
    assert (released.status_code, released.json()["review_status"], released.json()["reviewed_by"]) == (
        200, "released", "周菲")
    assert (seen["status"], seen["result_category"], [r["result_category"] for r in seen["replies"]]) == (
        "replied", "B", ["B"])


def test_micro_suggestion_detail_hides_a_pending_reply_from_its_submitter(h):
    config.policy_set(actor=h.alice, committee=h.a, kind="micro_suggestion", review_replies=True)
    case = h.submit_routed()
    handling.assignment_reply(actor=h.carol, assignment=h.open_assignment(case, h.dept_a), text="已安排整改。")

    def replies(role):
        body = client(h, role).get(f"{API}/micro-suggestions/{case.pk}/").json()
        return [(r["text"], r["review_status"]) for r in body["replies"]]

    assert {role: replies(role) for role in ("alice", "carol", "bob", "lily")} == {
        "alice": [("已安排整改。", "pending")], "carol": [("已安排整改。", "pending")], "bob": [], "lily": []}


def test_reply_reviews_query_count_does_not_grow_from_1_to_10_rows(rw):
    def grow(n):
        for i in range(n):
            proposal = rw.filed(lead=rw.dept_a, title=f"关于加快推进老旧小区加装电梯的建议{i}")
            assignment = Assignment.objects.get(case=proposal.case, department=rw.dept_a)
            handling.assignment_reply(actor=rw.carol, assignment=assignment, text="已研究。", result_category="A")

    def measure():
        api = client_for(rw.alice)
        api.get(f"{API}/reply-reviews/")
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/reply-reviews/")
        return len(queries.captured_queries), len(response.json()["results"])

    grow(1)
    one = measure()
    grow(9)
    ten = measure()

    assert (one[1], ten[1]) == (1, 10)
    assert ten[0] == one[0]
