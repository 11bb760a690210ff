"""The proposals API (提案) under /api/v1/ × every role.

- a list holds exactly what the role may see; an object outside it is 404, never 403;
- workflow steps call the services: the allowed role succeeds, a role that sees the proposal
  but may not act gets 403 with the service's message, bad input is 400 {detail, errors},
  a step the state forbids is 409;
- every list costs the same number of queries for 1 row as for 10;
- the OpenAPI schema describes every endpoint without generator warnings.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from proposals.choices import CoSignerStatus, ProposalKind, ProposalStatus
from proposals.models import CoSigner, Proposal
from proposals.services import handling, proposals
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

API = "/api/v1"
ROLES = ("root", "alice", "fiona", "lily", "bob", "cindy", "carol", "hank", "jack", "dave", "ben", "eve", None)
INVALID = "The input is not valid."


def client(w, role, language: str | None = "en"):
    return client_for(getattr(w, role) if role else None, language)


def name_of(role) -> str:
    return role or "anonymous"


def attempt(w, roles, method: str, url: str, data=None) -> dict:
    return {name_of(role): getattr(client(w, role), method)(url, data, format="json").status_code for role in roles}


def payload(pp, **overrides) -> dict:
    return {**pp.TEXT, "category": pp.cat_city.pk, **overrides}


@pytest.fixture
def pw(pp):
    """- ``filed``: bob's, filed and assigned to 甲市教育局 (carol)
    - ``submitted``: bob's, awaiting review
    - ``draft``: bob's joint draft, cindy invited to co-sign
    - ``in_b``: ben's in committee B, submitted
    """
    w = pp
    w.filed = pp.filed(lead=pp.dept_a, title="关于加快推进城区老旧小区加装电梯的建议")
    w.submitted = pp.submitted(title="关于完善城区停车设施规划建设的建议")
    w.draft = pp.draft(kind=ProposalKind.JOINT, title="关于加强社区养老服务设施建设的建议")
    [w.invitation] = proposals.proposal_invite(actor=pp.bob, proposal=w.draft, members=[pp.cindy_seat])
    w.in_b = proposals.proposal_submit(actor=pp.ben, proposal=proposals.proposal_draft_save(
        actor=pp.ben, member=pp.ben_seat, **{**pp.TEXT, "title": "关于优化新区公交线路的建议"}))
    return w


VISIBLE = {
    "root": {"filed", "submitted", "in_b"},
    "alice": {"filed", "submitted"}, "fiona": {"filed", "submitted"}, "lily": {"filed", "submitted"},
    "bob": {"filed", "submitted", "draft"}, "cindy": {"filed", "draft"}, "carol": {"filed"},
    "hank": set(), "jack": set(), "dave": set(), "ben": {"in_b"}, "eve": set(),
}


def test_list_holds_exactly_what_each_role_may_see(pw):
    names = {getattr(pw, n).pk: n for n in ("filed", "submitted", "draft", "in_b")}
    seen = {}
    for role in ROLES:
        response = client(pw, role).get(f"{API}/proposals/")
        if role is None:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        seen[role] = {names[row["id"]] for row in response.json()["results"]}
    assert seen == VISIBLE


def test_object_outside_the_roles_scope_is_404(pw):
    answers, expected = {}, {}
    for role in ROLES:
        for name in ("filed", "submitted", "draft", "in_b"):
            code = client(pw, role).get(f"{API}/proposals/{getattr(pw, name).pk}/").status_code
            answers[(name_of(role), name)] = code
            expected[(name_of(role), name)] = 403 if role is None else 200 if name in VISIBLE[role] else 404
    assert answers == expected


def test_list_representation_is_compact(pw):
    body = client(pw, "alice").get(f"{API}/proposals/").json()

    row = next(r for r in body["results"] if r["id"] == pw.filed.pk)
    assert {k: v for k, v in row.items() if not k.endswith("_at") and k != "due_date"} == {
        "id": pw.filed.pk, "number": 1, "number_label": "No. 0001", "title": "关于加快推进城区老旧小区加装电梯的建议",
        "status": "filed", "status_display": "Filed (立案)", "kind": "individual",
        "kind_display": "Individual proposal (个人提案)", "timing": "intersession", "year": pw.filed.year,
        "committee": {"id": pw.a.pk, "name": "甲市政协"}, "category": {"id": pw.cat_city.pk, "name": "城乡建设"},
        "author": {"kind": "member", "id": pw.bob_seat.pk, "name": "王博"}, "is_key": False,
        "handling_status": "handling",
    }


def test_detail_shows_the_handling_cosigners_and_key_information(pw):
    proposals.proposal_mark_key(actor=pw.alice, proposal=pw.filed, leaders=[pw.lily], plan="年内督办两次。")
    body = client(pw, "bob").get(f"{API}/proposals/{pw.filed.pk}/").json()
    draft = client(pw, "bob").get(f"{API}/proposals/{pw.draft.pk}/").json()

    assert (body["handling"]["status"], body["handling"]["handling_mode"]) == ("handling", "single")
    assert [(a["department"]["name"], a["role"], a["status"]) for a in body["handling"]["assignments"]] == [
        ("甲市教育局", "lead", "assigned")]
    assert (body["is_key"], body["key_leaders"], body["key_plan"]) == (
        True, [{"id": pw.lily.pk, "name": "孙丽丽"}], "年内督办两次。")
    assert (body["merged_into"], body["merged"], body["procuratorate_transfer"]) == (None, [], None)
    assert (draft["pending_cosigners"][0]["member"], draft["confirmed_cosigners"], draft["handling"]) == (
        {"id": pw.cindy_seat.pk, "name": "崔欣"}, [], None)


# --- writing ---------------------------------------------------------------------------------------


def test_members_write_drafts_and_others_are_told_only_members_can(pw):
    before = Proposal.objects.count()

    codes = attempt(pw, ("alice", "lily", "carol", "dave", "eve", "root", None), "post", f"{API}/proposals/",
                    pw.TEXT)
    refused = client(pw, "alice").post(f"{API}/proposals/", payload(pw), format="json")
    created = client(pw, "bob").post(f"{API}/proposals/", payload(pw), format="json")

    assert codes == {"alice": 404, "lily": 404, "carol": 404, "dave": 404, "eve": 404, "root": 404, "anonymous": 403}
    assert refused.json() == {"detail": "Only serving members or authorised proposing bodies can write proposals."}
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["author"], body["committee"], body["kind"]) == (
        "draft", {"kind": "member", "id": pw.bob_seat.pk, "name": "王博"}, {"id": pw.a.pk, "name": "甲市政协"},
        "individual")
    assert Proposal.objects.count() == before + 1


def test_idempotency_key_replays_the_first_answer(pw):
    api = client(pw, "bob")
    first = api.post(f"{API}/proposals/", payload(pw), format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    second = api.post(f"{API}/proposals/", payload(pw), format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    other = api.post(f"{API}/proposals/", payload(pw, title="关于另一件事情的建议"), format="json",
                     HTTP_IDEMPOTENCY_KEY="draft-1")

    assert (first.status_code, second.status_code, other.status_code) == (201, 201, 422)
    assert second.json()["id"] == first.json()["id"]
    assert second["Idempotent-Replayed"] == "true"


def test_bad_input_is_a_bad_request_field_by_field(pw):
    api = client(pw, "bob")

    empty = api.post(f"{API}/proposals/", {}, format="json")
    oversized = api.post(f"{API}/proposals/", payload(pw, title="电" * 201), format="json")
    short = api.post(f"{API}/proposals/", payload(pw, reason="太短"), format="json")
    foreign = api.post(f"{API}/proposals/", payload(pw, category=pw.cat_b.pk), format="json")
    not_mine = api.post(f"{API}/proposals/", payload(pw, member=pw.cindy_seat.pk), format="json")

    required = ["This field is required."]
    assert empty.status_code == 400
    assert empty.json() == {"detail": INVALID, "errors": {"title": required, "reason": required,
                                                          "analysis": required, "suggestions": required}}
    assert oversized.json() == {"detail": INVALID,
                                "errors": {"title": ["Ensure this field has no more than 200 characters."]}}
    assert short.json() == {"detail": INVALID, "errors": {"reason": ["At least 10 characters."]}}
    assert foreign.json()["errors"] == {"category": [f'Invalid pk "{pw.cat_b.pk}" - object does not exist.']}
    assert not_mine.json()["errors"] == {"member": ["This is not your seat."]}


def test_hostile_text_is_stored_verbatim_and_returned_as_json_text(pw):
    hostile = '<script>alert("x")</script>关于加装电梯的建议'

    response = client(pw, "bob").post(f"{API}/proposals/", payload(pw, title=hostile), format="json")

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["title"] == hostile
    assert Proposal.objects.get(pk=response.json()["id"]).title == hostile


def test_writer_changes_a_draft_and_others_may_not(pw):
    url = f"{API}/proposals/{pw.draft.pk}/"

    cindy = client(pw, "cindy").patch(url, {"title": "关于加强社区养老服务的建议"}, format="json")
    changed = client(pw, "bob").patch(url, {"title": "关于加强社区养老服务的建议"}, format="json")
    filed = client(pw, "bob").patch(f"{API}/proposals/{pw.filed.pk}/", {"title": "关于改一改标题的建议"},
                                       format="json")

    assert (cindy.status_code, cindy.json()) == (403, {"detail": "Only the writer may change this proposal."})
    assert (changed.status_code, changed.json()["title"], changed.json()["kind"]) == (
        200, "关于加强社区养老服务的建议", "joint")
    assert (filed.status_code, filed.json()) == (
        409, {"detail": "A proposal can be changed only as a draft or when returned for revision."})


def test_only_a_never_submitted_draft_is_deleted(pw):
    denied = client(pw, "cindy").delete(f"{API}/proposals/{pw.draft.pk}/")
    submitted = client(pw, "bob").delete(f"{API}/proposals/{pw.submitted.pk}/")
    deleted = client(pw, "bob").delete(f"{API}/proposals/{pw.draft.pk}/")

    assert (denied.status_code, submitted.status_code, deleted.status_code) == (403, 409, 204)
    assert not Proposal.objects.filter(pk=pw.draft.pk).exists()


def test_joint_proposal_is_cosigned_through_the_api_and_submitted(pw):
    invitations = client(pw, "cindy").get(f"{API}/cosign-invitations/").json()
    respond = f"{API}/cosign-invitations/{pw.invitation.pk}/respond/"
    others = attempt(pw, ("bob", "alice", "eve"), "post", respond, {"accept": True})
    accepted = client(pw, "cindy").post(respond, {"accept": True, "note": "同意联名"}, format="json")
    again = client(pw, "cindy").post(respond, {"accept": False}, format="json")
    submitted = client(pw, "bob").post(f"{API}/proposals/{pw.draft.pk}/submit/")

    assert [(i["id"], i["proposal"]["id"], i["status"]) for i in invitations] == [
        (pw.invitation.pk, pw.draft.pk, "invited")]
    assert others == {"bob": 404, "alice": 404, "eve": 404}
    assert (accepted.status_code, accepted.json()["status"], accepted.json()["note"]) == (200, "confirmed", "同意联名")
    assert (again.status_code, again.json()) == (409, {"detail": "This invitation is no longer open."})
    assert submitted.status_code == 200
    assert (submitted.json()["status"], [c["member"]["name"] for c in submitted.json()["confirmed_cosigners"]]) == (
        "submitted", ["崔欣"])


def test_invite_needs_a_joint_proposal_and_members_of_the_committee(pw):
    individual = proposals.proposal_draft_save(actor=pw.bob, member=pw.bob_seat,
                                               **{**pw.TEXT, "title": "关于个人提案的一个建议"})
    api = client(pw, "bob")

    not_joint = api.post(f"{API}/proposals/{individual.pk}/invite/", {"members": [pw.cindy_seat.pk]},
                         format="json")
    foreign = api.post(f"{API}/proposals/{pw.draft.pk}/invite/", {"members": [pw.ben_seat.pk]}, format="json")

    assert not_joint.json() == {"detail": INVALID, "errors": {
        "kind": ["Only a joint proposal has co-signers; make it a joint proposal first."]}}
    assert foreign.json()["errors"] == {"members": [f'Invalid pk "{pw.ben_seat.pk}" - object does not exist.']}


# --- review ----------------------------------------------------------------------------------------


def test_only_staff_file_and_filing_twice_is_a_conflict(pw):
    url = f"{API}/proposals/{pw.submitted.pk}/file/"
    data = {"lead_department": pw.dept_a2.pk, "co_departments": [pw.dept_a3.pk], "handling_mode": "lead",
            "note": "符合立案条件"}

    denied = attempt(pw, ("bob", "lily", "carol", "cindy", "dave", "eve", None), "post", url, data)
    refused = client(pw, "lily").post(url, data, format="json")
    filed = client(pw, "alice").post(url, data, format="json")
    again = client(pw, "fiona").post(url, data, format="json")

    assert denied == {"bob": 403, "lily": 403, "carol": 404, "cindy": 404, "dave": 404, "eve": 404, "anonymous": 403}
    assert refused.json() == {"detail": "Only staff of this committee may do this."}
    body = filed.json()
    assert (filed.status_code, body["status"], body["number_label"], body["handling"]["handling_mode"]) == (
        200, "filed", "No. 0002", "lead")
    assert sorted((a["department"]["name"], a["role"]) for a in body["handling"]["assignments"]) == [
        ("甲市住房和城乡建设局", "co"), ("甲市卫生健康委员会", "lead")]
    assert (again.status_code, again.json()) == (
        409, {"detail": "This proposal is Filed (立案); that step is not possible now."})


def test_file_with_a_department_of_another_committee_is_a_field_error(pw):
    response = client(pw, "alice").post(f"{API}/proposals/{pw.submitted.pk}/file/",
                                           {"lead_department": pw.dept_b.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "lead_department": [f'Invalid pk "{pw.dept_b.pk}" - object does not exist.']}


def test_not_filed_with_a_reason_the_proposer_reads(pw):
    response = client(pw, "alice").post(f"{API}/proposals/{pw.submitted.pk}/not-file/",
                                           {"reason": "属于个案诉求，建议通过信访渠道反映。", "conversion": "reference",
                                            "reference_departments": [pw.dept_a3.pk]}, format="json")
    missing = client(pw, "alice").post(f"{API}/proposals/{pw.filed.pk}/not-file/", {}, format="json")
    seen = client(pw, "bob").get(f"{API}/proposals/{pw.submitted.pk}/").json()

    assert response.status_code == 200
    assert (seen["status"], seen["review_note"], seen["conversion"], seen["reference_departments"]) == (
        "not_filed", "属于个案诉求，建议通过信访渠道反映。", "reference", [{"id": pw.dept_a3.pk, "name": "甲市住房和城乡建设局"}])
    assert missing.json() == {"detail": INVALID, "errors": {"reason": ["This field is required."]}}


def test_return_for_revision_and_withdraw(pw):
    returned = client(pw, "alice").post(f"{API}/proposals/{pw.submitted.pk}/return/",
                                           {"comment": "请补充具体数据。"}, format="json")
    by_other = client(pw, "alice").post(f"{API}/proposals/{pw.submitted.pk}/withdraw/", {}, format="json")
    withdrawn = client(pw, "bob").post(f"{API}/proposals/{pw.submitted.pk}/withdraw/", {"reason": "再调研"},
                                          format="json")

    assert (returned.status_code, returned.json()["status"], returned.json()["review_note"]) == (
        200, "revising", "请补充具体数据。")
    assert (by_other.status_code, by_other.json()) == (403, {"detail": "Only the writer may withdraw this proposal."})
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")


def test_merge_refuses_duplicates_and_merging_twice(pw):
    url = f"{API}/proposals/{pw.filed.pk}/merge/"
    api = client(pw, "alice")

    duplicate = api.post(url, {"others": [pw.submitted.pk, pw.submitted.pk]}, format="json")
    itself = api.post(url, {"others": [pw.filed.pk]}, format="json")
    merged = api.post(url, {"others": [pw.submitted.pk], "note": "内容相近"}, format="json")
    twice = api.post(url, {"others": [pw.submitted.pk]}, format="json")
    foreign = api.post(url, {"others": [pw.in_b.pk]}, format="json")

    assert duplicate.json() == {"detail": INVALID, "errors": {"others": ["Each proposal may be named only once."]}}
    assert itself.json() == {"detail": INVALID,
                             "errors": {"others": ["Choose the proposals to merge into this one."]}}
    assert merged.status_code == 200
    assert [(m["id"], m["status"]) for m in merged.json()["merged"]] == [(pw.submitted.pk, "merged")]
    assert (twice.status_code, twice.json()) == (
        409, {"detail": "This proposal is Merged (并案); that step is not possible now."})
    assert foreign.json()["errors"] == {"others": [f'Invalid pk "{pw.in_b.pk}" - object does not exist.']}
    child = client(pw, "bob").get(f"{API}/proposals/{pw.submitted.pk}/").json()
    assert child["merged_into"] == {"id": pw.filed.pk, "number_label": "No. 0001",
                                    "title": "关于加快推进城区老旧小区加装电梯的建议", "status": "filed"}


# --- key proposals, supervision, procuratorate -----------------------------------------------------


def test_key_proposal_supervision_by_staff_and_its_leader(pw, clock):
    url = f"{API}/proposals/{pw.filed.pk}/"
    not_leader = client(pw, "alice").post(f"{url}mark-key/", {"leaders": [pw.bob.pk], "plan": "督办"},
                                             format="json")
    by_member = client(pw, "bob").post(f"{url}mark-key/", {"leaders": [pw.lily.pk], "plan": "督办"},
                                          format="json")
    marked = client(pw, "alice").post(f"{url}mark-key/", {"leaders": [pw.lily.pk], "plan": "年内督办两次。"},
                                         format="json")
    activity = {"kind": "site_visit", "held_on": clock.today.isoformat(), "place": "幸福小区", "summary": "实地查看加装进度。"}
    by_bob = client(pw, "bob").post(f"{url}supervision/", activity, format="json")
    by_lily = client(pw, "lily").post(f"{url}supervision/", activity, format="json")
    supervised = {role: [r["id"] for r in client(pw, role).get(f"{API}/proposals/supervised/").json()["results"]]
                  for role in ("lily", "alice", "bob")}
    unmarked = client(pw, "alice").post(f"{url}unmark-key/", {}, format="json")
    again = client(pw, "alice").post(f"{url}unmark-key/", {}, format="json")

    assert not_leader.json() == {"detail": INVALID, "errors": {"leaders": ["Choose leaders of this committee."]}}
    assert (by_member.status_code, by_member.json()) == (403, {"detail": "Only staff of this committee may do this."})
    assert marked.status_code == 200
    assert (by_bob.status_code, by_bob.json()) == (
        403, {"detail": "Only committee staff or a supervising leader may record supervision."})
    assert by_lily.status_code == 200
    assert [(a["kind"], a["place"]) for a in by_lily.json()["supervision_activities"]] == [("site_visit", "幸福小区")]
    assert supervised == {"lily": [pw.filed.pk], "alice": [pw.filed.pk], "bob": []}
    assert (unmarked.status_code, unmarked.json()["is_key"]) == (200, False)
    assert (again.status_code, again.json()) == (409, {"detail": "This is not a key proposal."})


def test_procuratorate_transfer_and_its_outcome(pw, clock):
    from members import services as directory
    from members.choices import DepartmentKind

    procuratorate = directory.department_create(actor=pw.alice, committee=pw.a, name="甲市人民检察院",
                                                kind=DepartmentKind.PROCURATORATE)
    url = f"{API}/proposals/{pw.filed.pk}/"
    early = client(pw, "alice").post(f"{url}procuratorate-outcome/", {"status": "accepted", "outcome": "已立案"},
                                        format="json")
    wrong = client(pw, "alice").post(f"{url}procuratorate/", {"procuratorate": pw.dept_a.pk, "clue": "线索"},
                                        format="json")
    sent = client(pw, "alice").post(f"{url}procuratorate/", {"procuratorate": procuratorate.pk,
                                                                "clue": "加装电梯中存在公共安全隐患。"}, format="json")
    outcome = client(pw, "alice").post(f"{url}procuratorate-outcome/",
                                          {"status": "recommendation", "outcome": "已向住建部门发出检察建议。"},
                                          format="json")

    assert (early.status_code, early.json()) == (409, {"detail": "This proposal was not passed to the procuratorate."})
    assert wrong.json() == {"detail": INVALID, "errors": {"procuratorate": ["Choose this committee's procuratorate."]}}
    assert sent.status_code == 200
    transfer = outcome.json()["procuratorate_transfer"]
    assert (transfer["procuratorate"], transfer["status"], transfer["outcome"], transfer["outcome_on"]) == (
        {"id": procuratorate.pk, "name": "甲市人民检察院"}, "recommendation", "已向住建部门发出检察建议。",
        clock.today.isoformat())


# --- after the reply ---------------------------------------------------------------------------------


def replied(w):
    from proposals.models import Assignment

    assignment = Assignment.objects.get(case=w.filed.case, department=w.dept_a)
    return handling.assignment_reply(actor=w.carol, assignment=assignment, text="已列入明年城市更新计划。",
                                     result_category="B", may_publish=True)


def test_proposer_rates_the_reply_and_staff_record_progress(pw, clock):
    reply = replied(pw)
    url = f"{API}/proposals/{pw.filed.pk}/"

    early = client(pw, "alice").post(f"{API}/proposals/{pw.submitted.pk}/progress/",
                                        {"noted_on": clock.today.isoformat(), "text": "进展"}, format="json")
    denied = attempt(pw, ("alice", "cindy", "carol"), "post", f"{url}rate/",
                     {"reply": reply.pk, "rating": "satisfied"})
    rated = client(pw, "bob").post(f"{url}rate/", {"reply": reply.pk, "rating": "basically"}, format="json")
    progress = client(pw, "carol").post(f"{url}progress/", {"noted_on": clock.today.isoformat(),
                                                               "text": "已完成10栋加装。"}, format="json")
    done = client(pw, "alice").post(f"{url}progress/", {"noted_on": clock.today.isoformat(), "text": "全部完成。",
                                                           "implemented": True}, format="json")
    by_member = client(pw, "bob").post(f"{url}progress/", {"noted_on": clock.today.isoformat(), "text": "好"},
                                          format="json")

    assert (early.status_code, early.json()) == (409, {"detail": "This proposal has not been filed."})
    assert denied == {"alice": 403, "cindy": 403, "carol": 403}
    assert rated.status_code == 200
    handling_body = done.json()["handling"]
    assert (handling_body["status"], handling_body["rating"], handling_body["result_category"]) == (
        "closed", "basically", "B")
    assert [(r["result_category"], r["may_publish"], r["feedback"]["rating"]) for r in handling_body["replies"]] == [
        ("B", True, "basically")]
    assert progress.status_code == 200
    assert [(n["text"], n["implemented"]) for n in handling_body["progress_notes"]] == [
        ("已完成10栋加装。", False), ("全部完成。", True)]
    assert handling_body["implemented_on"] == clock.today.isoformat()
    assert (by_member.status_code, by_member.json()) == (
        403, {"detail": "Only committee staff or a department that handled this item may add progress."})


def test_timeline_merges_the_proposal_and_its_handling(pw):
    url = f"{API}/proposals/{pw.filed.pk}/timeline/"

    codes = attempt(pw, ("root", "alice", "lily", "bob", "cindy", "carol", "eve"), "get", url)
    entries = client(pw, "alice").get(url).json()

    assert codes == {"root": 200, "alice": 200, "lily": 200, "bob": 200, "cindy": 403, "carol": 403, "eve": 404}
    assert [e["action"] for e in entries] == ["case.route", "case.file", "proposal.file", "proposal.submit",
                                              "proposal.draft"]


def test_letters_are_pdf(pw):
    reply = replied(pw)
    letter = client(pw, "bob").get(f"{API}/proposals/{pw.filed.pk}/letter/")
    reply_letter = client(pw, "bob").get(f"{API}/proposals/{pw.filed.pk}/reply-letter/", {"reply": reply.pk})
    unknown = client(pw, "bob").get(f"{API}/proposals/{pw.filed.pk}/reply-letter/", {"reply": 999999})

    assert (letter.status_code, letter["Content-Type"], letter.content[:5]) == (200, "application/pdf", b"%PDF-")
    assert (reply_letter.status_code, reply_letter.content[:5]) == (200, b"%PDF-")
    assert unknown.status_code == 404


# --- lists for a purpose ------------------------------------------------------------------------------


def test_review_queue_mine_and_similar(pw):
    queue = {role: [r["id"] for r in client(pw, role).get(f"{API}/proposals/review-queue/").json()["results"]]
             for role in ("alice", "lily", "bob")}
    mine = [r["id"] for r in client(pw, "bob").get(f"{API}/proposals/mine/").json()["results"]]
    similar = client(pw, "alice").get(f"{API}/proposals/similar/", {"q": pw.TEXT["analysis"] + "加装电梯"})
    too_long = client(pw, "alice").get(f"{API}/proposals/similar/", {"q": "电" * 20001})
    empty = client(pw, "alice").get(f"{API}/proposals/similar/", {"q": " "})

    assert queue == {"alice": [pw.submitted.pk], "lily": [], "bob": []}
    assert mine == [pw.draft.pk, pw.submitted.pk, pw.filed.pk]
    assert similar.status_code == 200
    rows = similar.json()
    assert [r["id"] for r in rows] == sorted([pw.filed.pk, pw.submitted.pk], key=lambda pk: [
        r["id"] for r in rows].index(pk))
    assert {r["id"] for r in rows} == {pw.filed.pk, pw.submitted.pk}
    first = next(r for r in rows if r["id"] == pw.filed.pk)
    assert (first["number_label"], first["author"], first["url"]) == ("No. 0001", "王博", f"/proposals/{pw.filed.pk}/")
    assert too_long.json() == {"detail": INVALID, "errors": {"q": ["At most 20000 characters."]}}
    assert empty.json() == {"detail": INVALID, "errors": {"q": ["This field is required."]}}


def test_export_and_statistics_hold_what_the_role_sees(pw):
    def exported(role):
        response = client(pw, role).get(f"{API}/proposals/export/")
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return load_workbook(io.BytesIO(response.content)).active.max_row

    assert exported("alice") > exported("carol")
    stats = client(pw, "alice").get(f"{API}/proposals/statistics/", {"year": pw.filed.year,
                                                                        "committee": pw.a.pk})
    assert stats.status_code == 200
    assert client(pw, "alice").get(f"{API}/proposals/statistics/", {"committee": pw.b.pk}).status_code == 400


# --- topic guides and proposing bodies -----------------------------------------------------------------


def test_staff_write_and_publish_the_topic_guide_members_read_it(pw):
    api = client(pw, "alice")
    created = api.post(f"{API}/topic-guides/", {"committee": pw.a.pk, "year": 2031, "title": "2031年提案选题指南"},
                       format="json")
    guide = created.json()["id"]
    by_member = client(pw, "bob").post(f"{API}/topic-guides/", {"committee": pw.a.pk, "year": 2032,
                                                                   "title": "委员自拟指南"}, format="json")
    empty = api.post(f"{API}/topic-guides/{guide}/publish/")
    hidden = client(pw, "bob").get(f"{API}/topic-guides/{guide}/").status_code
    topic = api.post(f"{API}/topic-guides/{guide}/topics/", {"title": "老旧小区改造", "category": pw.cat_city.pk},
                     format="json")
    duplicate = api.post(f"{API}/topic-guides/{guide}/topics/", {"title": "老旧小区改造"}, format="json")
    published = api.post(f"{API}/topic-guides/{guide}/publish/")
    again = api.post(f"{API}/topic-guides/{guide}/publish/")
    read = client(pw, "bob").get(f"{API}/topic-guides/{guide}/")
    renamed = api.patch(f"{API}/guide-topics/{topic.json()['id']}/", {"title": "老旧小区加装电梯"}, format="json")
    by_bob = client(pw, "bob").delete(f"{API}/guide-topics/{topic.json()['id']}/")
    dave = client(pw, "dave").get(f"{API}/topic-guides/{guide}/").status_code

    assert created.status_code == 201
    assert (by_member.status_code, by_member.json()) == (403, {"detail": "Only staff of this committee may do this."})
    assert empty.json() == {"detail": INVALID, "errors": {"topics": ["Add at least one topic before publishing."]}}
    assert hidden == 404
    assert topic.status_code == 201
    assert duplicate.json() == {"detail": INVALID, "errors": {"title": ["The guide already has this topic."]}}
    assert (published.status_code, published.json()["status"]) == (200, "published")
    assert (again.status_code, again.json()) == (409, {"detail": "This guide is already published."})
    assert [t["title"] for t in read.json()["topics"]] == ["老旧小区改造"]
    assert (renamed.status_code, renamed.json()["title"]) == (200, "老旧小区加装电梯")
    assert by_bob.status_code == 403
    assert dave == 404


def test_staff_manage_proposing_bodies_and_authorised_users_write_collective_proposals(pw):
    created = client(pw, "alice").post(f"{API}/proposal-bodies/", {
        "committee": pw.a.pk, "name": "民盟甲市委", "kind": "democratic_party", "authorised_users": [pw.bob.pk]},
        format="json")
    by_member = client(pw, "bob").post(f"{API}/proposal-bodies/", {
        "committee": pw.a.pk, "name": "自封团体", "kind": "sector"}, format="json")
    body = created.json()["id"]
    lists = {role: [b["id"] for b in client(pw, role).get(f"{API}/proposal-bodies/").json()["results"]]
             for role in ("alice", "bob", "cindy", "dave")}
    collective = client(pw, "bob").post(f"{API}/proposals/", payload(pw, body=body, title="关于集体提案的建议"),
                                           format="json")
    renamed = client(pw, "alice").patch(f"{API}/proposal-bodies/{body}/", {"name": "民盟甲市委员会"},
                                           format="json")

    assert created.status_code == 201
    assert created.json()["authorised_users"] == [{"id": pw.bob.pk, "name": "王博"}]
    assert (by_member.status_code, by_member.json()) == (403, {"detail": "Only staff of this committee may do this."})
    assert lists == {"alice": [body], "bob": [body], "cindy": [], "dave": []}
    assert collective.status_code == 201
    assert (collective.json()["kind"], collective.json()["author"]) == (
        "collective", {"kind": "body", "id": body, "name": "民盟甲市委"})
    assert (renamed.status_code, renamed.json()["name"], renamed.json()["authorised_users"]) == (
        200, "民盟甲市委员会", [{"id": pw.bob.pk, "name": "王博"}])


# --- query counts -------------------------------------------------------------------------------------

LISTS = {
    "proposals (staff)": ("alice", "proposals"),
    "proposals (member)": ("bob", "proposals"),
    "proposals (liaison)": ("carol", "proposals"),
    "mine": ("bob", "proposals/mine"),
    "review-queue": ("alice", "proposals/review-queue"),
    "supervised": ("lily", "proposals/supervised"),
    "cosign-invitations": ("cindy", "cosign-invitations"),
    "topic-guides": ("bob", "topic-guides"),
    "guide-topics": ("bob", "guide-topics"),
    "proposal-bodies": ("alice", "proposal-bodies"),
}


def grow(w, n: int, start: int) -> None:
    """Per row: a filed key proposal led by 甲市教育局, a submitted one, a joint draft inviting
    cindy, a published guide with a topic, and a proposing body."""
    from proposals.models import TopicGuide

    for i in range(start, start + n):
        filed = w.filed(lead=w.dept_a, title=f"关于加快推进老旧小区加装电梯的建议{i}")
        proposals.proposal_mark_key(actor=w.alice, proposal=filed, leaders=[w.lily], plan="督办")
        w.submitted(title=f"关于完善城区停车设施规划的建议{i}")
        draft = w.draft(kind=ProposalKind.JOINT, title=f"关于加强社区养老服务的建议{i}")
        proposals.proposal_invite(actor=w.bob, proposal=draft, members=[w.cindy_seat])
        guide = proposals.topic_guide_save(actor=w.alice, committee=w.a, year=2000 + i, title=f"{2000 + i}年选题指南")
        proposals.guide_topic_save(actor=w.alice, guide=guide, title=f"选题{i}", category=w.cat_city)
        proposals.topic_guide_publish(actor=w.alice, guide=TopicGuide.objects.get(pk=guide.pk))
        proposals.proposal_body_save(actor=w.alice, committee=w.a, name=f"团体{i}", kind="sector",
                                     authorised_users=[w.bob])


def measure(w) -> dict[str, tuple[int, int]]:
    result = {}
    for label, (role, endpoint) in LISTS.items():
        api = client_for(getattr(w, role))
        api.get(f"{API}/{endpoint}/")
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/{endpoint}/")
        assert response.status_code == 200, label
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        result[label] = (len(queries.captured_queries), len(rows))
    return result


def test_list_query_count_does_not_grow_from_1_to_10_rows(pp):
    grow(pp, 1, 0)
    one = measure(pp)
    grow(pp, 9, 1)
    ten = measure(pp)

    def rows(n):
        return {"proposals (staff)": 2 * n, "proposals (member)": 3 * n, "proposals (liaison)": n, "mine": 3 * n,
                "review-queue": n, "supervised": n, "cosign-invitations": n, "topic-guides": n, "guide-topics": n,
                "proposal-bodies": n}

    assert {label: r for label, (_, r) in one.items()} == rows(1)
    assert {label: r for label, (_, r) in ten.items()} == rows(10)
    assert {label: q for label, (q, _) in ten.items()} == {label: q for label, (q, _) in one.items()}


def test_detail_query_count_does_not_grow_with_cosigners_and_replies(pw):
    def count():
        api = client_for(pw.bob)
        api.get(f"{API}/proposals/{pw.draft.pk}/")
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{API}/proposals/{pw.draft.pk}/").status_code == 200
        return len(queries.captured_queries)

    before = count()
    from members import services as directory

    for i in range(3):
        seat = directory.member_create(actor=pw.alice, committee=pw.a, term=pw.term_a,
                                       sector=pw.sector_a, name=f"委员{i}", phone=f"1380000010{i}")
        proposals.proposal_invite(actor=pw.bob, proposal=pw.draft, members=[seat])
    assert count() == before
    assert CoSigner.objects.filter(proposal=pw.draft, status=CoSignerStatus.INVITED).count() == 4


# --- OpenAPI --------------------------------------------------------------------------------------------

# Named enums for the proposal choice sets that share a field name (``status``, ``kind``):
# the schema test runs with them until they are in the project settings.
ENUMS = {
    "ProposalStatusEnum": "proposals.choices.ProposalStatus",
    "CoSignerStatusEnum": "proposals.choices.CoSignerStatus",
    "ProposalKindEnum": "proposals.choices.ProposalKind",
    "SupervisionKindEnum": "proposals.choices.SupervisionKind",
    "BodyKindEnum": "proposals.choices.BodyKind",
}


def test_schema_describes_every_proposal_endpoint(db):
    paths = client_for(None).get("/api/schema/?format=json").json()["paths"]
    prefixes = ("/api/v1/proposals/", "/api/v1/cosign-invitations/", "/api/v1/topic-guides/", "/api/v1/guide-topics/",
                "/api/v1/proposal-bodies/")
    described = {path: sorted(paths[path]) for path in paths if path.startswith(prefixes)}
    post = ["post"]
    assert described == {
        "/api/v1/proposals/": ["get", "post"],
        "/api/v1/proposals/{id}/": ["delete", "get", "patch"],
        **{f"/api/v1/proposals/{{id}}/{step}/": post for step in (
            "submit", "withdraw", "invite", "file", "not-file", "return", "merge", "mark-key", "unmark-key",
            "supervision", "procuratorate", "procuratorate-outcome", "progress", "rate")},
        **{f"/api/v1/proposals/{{id}}/{view}/": ["get"] for view in ("timeline", "letter", "reply-letter")},
        **{f"/api/v1/proposals/{view}/": ["get"] for view in (
            "review-queue", "mine", "supervised", "similar", "export", "statistics")},
        "/api/v1/cosign-invitations/": ["get"],
        "/api/v1/cosign-invitations/{id}/": ["get"],
        "/api/v1/cosign-invitations/{id}/respond/": post,
        "/api/v1/topic-guides/": ["get", "post"],
        "/api/v1/topic-guides/{id}/": ["get", "patch"],
        "/api/v1/topic-guides/{id}/publish/": post,
        "/api/v1/topic-guides/{id}/topics/": post,
        "/api/v1/guide-topics/": ["get"],
        "/api/v1/guide-topics/{id}/": ["delete", "get", "patch"],
        "/api/v1/proposal-bodies/": ["get", "post"],
        "/api/v1/proposal-bodies/{id}/": ["get", "patch"],
    }
    letter = paths["/api/v1/proposals/{id}/letter/"]["get"]["responses"]["200"]["content"]
    assert list(letter) == ["application/pdf"]


def test_schema_generation_has_no_warnings(tmp_path, monkeypatch):
    from drf_spectacular.plumbing import _load_enum_name_overrides
    from drf_spectacular.settings import spectacular_settings

    monkeypatch.setattr(spectacular_settings, "ENUM_NAME_OVERRIDES",
                        {**ENUMS, **settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]}, raising=False)
    _load_enum_name_overrides.cache_clear()  # cached per language, across settings changes
    try:
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    finally:
        _load_enum_name_overrides.cache_clear()

    assert (tmp_path / "schema.yml").read_text(encoding="utf-8").startswith("openapi: 3")


def test_status_values_are_the_proposal_states():
    assert ProposalStatus.values == ["draft", "submitted", "revising", "filed", "not_filed", "merged", "withdrawn"]
