"""The issue's journeys through the API alone, each role with its own client: a consultation
from a member's topic to an implemented result, and an information item from a county member
to adoption by the city committee (three-level linkage)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.consultations.test_api import API, client, rows

pytestmark = pytest.mark.django_db


def ok(response, code=200) -> dict:
    assert response.status_code == code, response.content[:500]
    return response.json() if response.content else {}


def test_a_consultation_from_a_members_topic_to_an_implemented_result(cw):
    year = timezone.localdate().year
    today = timezone.localdate().isoformat()
    alice, bob, cindy, lily, carol = (client(cw, r) for r in ("alice", "bob", "cindy", "lily", "carol"))

    topic = ok(bob.post(f"{API}/consultation-topics/", {
        "committee": cw.a.pk, "year": year, "title": "加快发展普惠托育服务", "source": "member",
        "description": "全市托育机构供给不足，收费偏高，建议开展专题协商。"}, format="json"), 201)
    assert [t["id"] for t in rows(alice.get(f"{API}/consultation-topics/queue/"))] == [topic["id"]]
    ok(alice.post(f"{API}/consultation-topics/{topic['id']}/review/", {"approve": True, "note": "列入计划"},
                  format="json"))
    plan = ok(alice.post(f"{API}/consultation-plans/", {"committee": cw.a.pk, "year": year,
                                                        "title": f"{year}年度协商计划"}, format="json"), 201)
    ok(alice.post(f"{API}/consultation-plans/{plan['id']}/schedule/", {
        "topic": topic["id"], "month": 6, "kind": cw.kinds_a["special"].pk}, format="json"))
    ok(alice.post(f"{API}/consultation-plans/{plan['id']}/publish/"))
    assert [t["status"] for t in ok(bob.get(f"{API}/consultation-plans/{plan['id']}/"))["topics"]] == ["scheduled"]

    start = timezone.now() - dt.timedelta(minutes=30)
    session = ok(alice.post(f"{API}/consultations/", {
        "committee": cw.a.pk, "kind": cw.kinds_a["special"].pk, "title": "普惠托育专题协商会",
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "place": "市政协三楼会议室", "topics": [topic["id"]], "departments": [cw.dept_a.pk]}, format="json"), 201)
    url = f"{API}/consultations/{session['id']}/"
    ok(alice.post(f"{url}invite/", {"members": [cw.bob_seat.pk, cw.cindy_seat.pk],
                                    "guests": [{"name": "李教授", "organisation": "甲市大学"}]}, format="json"))
    ok(alice.post(f"{url}announce/"))
    places = {r["event"]["id"]: r["id"] for r in rows(bob.get(f"{API}/consultations/mine/"))}
    ok(bob.post(f"{API}/participants/{places[session['id']]}/respond/", {"accept": True}, format="json"))
    cindy_place = rows(cindy.get(f"{API}/consultations/mine/"))[0]["id"]
    ok(cindy.post(f"{API}/participants/{cindy_place}/respond/", {"accept": False, "note": "出差在外"}, format="json"))
    speech = ok(bob.post(f"{API}/speeches/", {"consultation": session["id"], "kind": "oral",
                                              "title": "关于托育补贴的建议",
                                              "text": "建议对普惠托育机构按托位给予运营补贴。"}, format="json"), 201)
    ok(alice.post(f"{url}open/"))
    ok(bob.post(f"{API}/participants/{places[session['id']]}/check-in/"))
    ok(alice.post(f"{API}/speeches/{speech['id']}/record/", {"order": 1}, format="json"))
    held = ok(alice.post(f"{url}close/", {"summary": "会议形成共识。"}, format="json"))
    assert held["attendance"] == {"invited": 3, "accepted": 1, "declined": 1, "present": 1, "excused": 1,
                                  "absent": 1}
    assert ok(alice.get(f"{API}/consultation-topics/{topic['id']}/"))["status"] == "done"

    result = ok(alice.post(f"{API}/consultation-results/", {
        "consultation": session["id"], "title": "关于加快发展普惠托育服务的协商报告",
        "text": "一、现状与问题……二、对策建议：加大财政补贴，扩大普惠托位供给。", "departments": [cw.dept_a.pk]},
        format="json"), 201)
    r_url = f"{API}/consultation-results/{result['id']}/"
    ok(lily.post(f"{r_url}approve/", {}, format="json"))
    ok(alice.post(f"{r_url}send/", {"recipients": ["party", "government", "departments"]}, format="json"))
    ok(lily.post(f"{r_url}instruct/", {"leader_name": "王市长", "leader_title": "市长", "level": "government",
                                       "instructed_on": today, "text": "请市教育局牵头研究落实。"}, format="json"), 201)
    ok(carol.post(f"{r_url}follow-up/", {"noted_on": today, "department": cw.dept_a.pk,
                                         "text": "已制定普惠托育补贴办法，新增托位800个。"}, format="json"), 201)
    ok(alice.post(f"{r_url}follow-up/", {"noted_on": today, "implemented": True,
                                         "text": "各项建议均已落实，成果办结。"}, format="json"), 201)

    final = ok(bob.get(r_url))
    assert (final["status"], final["instruction_count"], len(final["follow_ups"])) == ("closed", 1, 2)
    assert [i["leader_name"] for i in rows(lily.get(f"{API}/instructions/?on=result"))] == ["王市长"]


def test_an_information_item_from_a_county_member_to_adoption_by_the_city(cw):
    ada, fiona, alice, lily = (client(cw, r) for r in ("ada", "fiona", "alice", "lily"))

    item = ok(ada.post(f"{API}/information/", {"committee": cw.a1.pk, "title": "东区老旧小区加装电梯推进缓慢",
                                               "content": "老旧小区加装电梯审批环节多，资金分摊难，建议简化流程。"},
                       format="json", HTTP_IDEMPOTENCY_KEY="ada-1"), 201)
    ok(ada.post(f"{API}/information/{item['id']}/submit/"))
    ok(fiona.post(f"{API}/information/{item['id']}/approve/", {"edited_title": "关于加快老旧小区加装电梯的建议"},
                  format="json"))
    ok(fiona.post(f"{API}/information/{item['id']}/sign-off/"))
    issue = ok(fiona.post(f"{API}/bulletin-issues/", {"bulletin": cw.bulletin_a1.pk, "title": "城市更新专刊"},
                          format="json"), 201)
    ok(fiona.post(f"{API}/bulletin-issues/{issue['id']}/add-items/", {"items": [item["id"]]}, format="json"))
    ok(fiona.post(f"{API}/bulletin-issues/{issue['id']}/send/", {"recipients": ["party", "higher"],
                                                                 "signed_by": "东区政协主席"}, format="json"))

    queue = rows(alice.get(f"{API}/information/review-queue/"))
    copy = next(r for r in queue if r["received_from"] == {"id": cw.a1.pk, "name": "甲市东区政协"})
    assert (copy["title"], copy["status"], [a["name"] for a in copy["authors"]]) == (
        "关于加快老旧小区加装电梯的建议", "submitted", ["吴艾达"])
    ok(alice.post(f"{API}/information/{copy['id']}/approve/", {}, format="json"))
    ok(lily.post(f"{API}/information/{copy['id']}/sign-off/"))
    city_issue = ok(alice.post(f"{API}/bulletin-issues/", {"bulletin": cw.bulletin_a.pk}, format="json"), 201)
    ok(alice.post(f"{API}/bulletin-issues/{city_issue['id']}/add-items/", {"items": [copy["id"]]}, format="json"))
    ok(alice.post(f"{API}/bulletin-issues/{city_issue['id']}/send/", {"recipients": ["party", "government"]},
                  format="json"))
    ok(lily.post(f"{API}/information/{copy['id']}/instruct/", {
        "leader_name": "李书记", "level": "party", "instructed_on": timezone.localdate().isoformat(),
        "text": "请住建局研究解决。"}, format="json"), 201)

    original = ok(ada.get(f"{API}/information/{item['id']}/"))
    assert sorted(a["level"] for a in original["adoptions"]) == ["committee", "higher"]
    credits = ok(ada.get(f"{API}/information/credits/"))
    assert sorted((r["event"], r["level"], r["share"]) for r in credits) == [
        ("adoption", "committee", "1.000"), ("adoption", "committee", "1.000"), ("adoption", "higher", "1.000"),
        ("instruction", "party", "1.000")]
