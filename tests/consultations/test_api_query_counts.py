"""Every list endpoint of the consultation, supervision and information API costs the same
number of queries for 1 row as for 10, and so does a detail with more rows inside it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Result
from consultations.services import consultations as cs, information as info, supervision as sv
from tests.conftest import client_for
from tests.consultations.test_api import API
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LISTS = {
    "kinds": ("alice", "consultation-kinds/"),
    "topics": ("alice", "consultation-topics/"),
    "topic queue": ("alice", "consultation-topics/queue/"),
    "plans": ("alice", "consultation-plans/"),
    "consultations (staff)": ("alice", "consultations/"),
    "consultations (member)": ("bob", "consultations/"),
    "mine": ("bob", "consultations/mine/"),
    "participants (staff)": ("alice", "participants/"),
    "participants (member)": ("bob", "participants/"),
    "speeches": ("cindy", "speeches/"),
    "posts": ("alice", "posts/"),
    "results": ("alice", "consultation-results/"),
    "results (liaison)": ("carol", "consultation-results/"),
    "instructions": ("lily", "instructions/"),
    "tasks": ("alice", "duty-tasks/"),
    "tasks (member)": ("cindy", "duty-tasks/"),
    "activities": ("alice", "task-activities/"),
    "information (staff)": ("alice", "information/"),
    "information (member)": ("bob", "information/"),
    "information mine": ("cindy", "information/mine/"),
    "review queue": ("alice", "information/review-queue/"),
    "credits": ("bob", "information/credits/"),
    "bulletins": ("alice", "bulletins/"),
    "issues": ("alice", "bulletin-issues/"),
    "issues (member)": ("bob", "bulletin-issues/"),
    "officers": ("alice", "information-officers/"),
    "calendar": ("bob", "calendar/?start={start}&end={end}"),
}


def grow(w, start: int, n: int) -> None:
    """``n`` more of everything each list shows, each through the services."""
    year = timezone.localdate().year
    for i in range(start, start + n):
        # a held online session with speeches, posts, a sent result and an instruction
        when = timezone.now() + dt.timedelta(days=1, hours=i)
        session = cs.consultation_save(actor=w.alice, committee=w.a, kind=w.kinds_a["online"], title=f"网络议政第{i}次",
                                       starts_at=when, ends_at=when + dt.timedelta(hours=2))
        cs.participants_invite(actor=w.alice, event=session, members=[w.bob_seat, w.cindy_seat])
        cs.consultation_announce(actor=w.alice, consultation=session)
        cs.consultation_open(actor=w.alice, consultation=session)
        cs.speech_register(actor=w.bob, consultation=session, kind="oral", title=f"发言第{i}号",
                           text_="建议加快推进普惠托育服务体系建设。")
        cs.post_add(actor=w.cindy, consultation=session, text_=f"第{i}条讨论意见")
        session = cs.consultation_close(actor=w.alice, consultation=session)
        result = cs.result_save(actor=w.alice, consultation=session, title=f"协商报告第{i}号",
                                text_="一、现状与问题；二、对策建议：加大财政补贴，扩大普惠托位供给。", departments=[w.dept_a])
        cs.result_approve(actor=w.lily, result=result)
        cs.result_send(actor=w.alice, result=result, recipients=["party", "departments"])
        cs.instruction_record(actor=w.lily, target=result, leader_name=f"领导{i}", level="party",
                              instructed_on=timezone.localdate(), text_="请抓紧落实。")

        # topics (proposed, in the queue) and a plan
        cs.topic_propose(actor=w.alice, committee=w.a, year=year, title=f"协商议题第{i}号", source="assigned",
                         description="全市托育机构供给不足，收费偏高，建议政协开展专题协商。")
        cs.plan_save(actor=w.alice, committee=w.a, year=2000 + i, title=f"{2000 + i}年度协商计划")

        # a started task with an activity (its team on the list)
        task = sv.task_save(actor=w.alice, committee=w.a, category="research", title=f"专题调研第{i}号",
                            start_year=year, end_year=year + 1, partners=[w.dept_a])
        sv.team_set(actor=w.alice, task=task, lead=w.bob_seat, members=[w.cindy_seat])
        sv.task_start(actor=w.alice, task=task)
        sv.activity_save(actor=w.alice, task=task, kind="visit", title=f"实地走访第{i}次", starts_at=when,
                         ends_at=when + dt.timedelta(hours=2))

        # information: one compiled and sent in an issue, one waiting for review; a bulletin, an officer
        item = info.information_draft_save(actor=w.bob, committee=w.a, title=f"社情民意第{i}号",
                                           content="部分乡镇留守老人就餐困难，建议统筹建设村级老年食堂。",
                                           co_authors=[w.cindy_seat])
        item = info.information_submit(actor=w.bob, item=item)
        item = info.information_approve(actor=w.alice, item=item)
        item = info.information_sign_off(actor=w.lily, item=item)
        issue = info.issue_create(actor=w.alice, bulletin=w.bulletin_a, title=f"第{i}期专刊")
        info.issue_add_items(actor=w.alice, issue=issue, items=[item])
        info.issue_send(actor=w.alice, issue=issue, recipients=["party"])
        waiting = info.information_draft_save(actor=w.cindy, committee=w.a, title=f"待审信息第{i}号",
                                              content="城区学校周边交通拥堵，建议错峰放学并设置临时停车区。")
        info.information_submit(actor=w.cindy, item=waiting)
        info.bulletin_save(actor=w.alice, committee=w.a, name=f"简报{i}")
        info.information_officer_save(actor=w.alice, committee=w.a, user=UserFactory(username=f"officer{i}"))


def measure(w) -> dict[str, tuple[int, int]]:
    today = timezone.localdate()
    window = {"start": today.isoformat(), "end": (today + dt.timedelta(days=60)).isoformat()}
    result = {}
    for label, (role, endpoint) in LISTS.items():
        api = client_for(getattr(w, role))
        url = f"{API}/{endpoint.format(**window)}"
        api.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url)
        assert response.status_code == 200, (label, response.content[:300])
        body = response.json()
        found = body["results"] if isinstance(body, dict) else body
        result[label] = (len(queries.captured_queries), len(found))
    return result


def test_list_query_count_does_not_grow_from_1_to_10_rows(cw):
    grow(cw, 1, 1)
    one = measure(cw)
    grow(cw, 2, 9)
    ten = measure(cw)

    def rows(n):
        return {"kinds": 11, "topics": n, "topic queue": n, "plans": n, "consultations (staff)": n,
                "consultations (member)": n, "mine": 2 * n, "participants (staff)": 4 * n,
                "participants (member)": 2 * n, "speeches": n, "posts": n, "results": n, "results (liaison)": n,
                "instructions": n, "tasks": n, "tasks (member)": n, "activities": n, "information (staff)": 2 * n,
                "information (member)": n, "information mine": 2 * n, "review queue": n, "credits": n,
                "bulletins": 1 + n, "issues": n, "issues (member)": n, "officers": 1 + n, "calendar": 2 * n}

    assert {label: r for label, (_, r) in one.items()} == rows(1)
    assert {label: r for label, (_, r) in ten.items()} == rows(10)
    assert {label: q for label, (q, _) in ten.items()} == {label: q for label, (q, _) in one.items()}


def test_detail_query_count_does_not_grow_with_what_is_inside(cw):
    grow(cw, 1, 1)
    when = timezone.now() + dt.timedelta(days=3)
    session = cs.consultation_save(actor=cw.alice, committee=cw.a, kind=cw.kinds_a["special"], title="细节协商会",
                                   starts_at=when, ends_at=when + dt.timedelta(hours=2), place="市政协")
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a, title="细节专刊")
    result = Result.objects.get(title="协商报告第1号")
    urls = {"session": f"{API}/consultations/{session.pk}/", "issue": f"{API}/bulletin-issues/{issue.pk}/",
            "result": f"{API}/consultation-results/{result.pk}/"}

    def count(url):
        api = client_for(cw.alice)
        api.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries.captured_queries)

    def add(n, tag):
        for i in range(n):
            cs.participants_invite(actor=cw.alice, event=session, guests=[{"name": f"专家{tag}{i}", "role": "expert"}])
            item = info.information_draft_save(actor=cw.bob, committee=cw.a, title=f"细节信息{tag}{i}",
                                               content="部分乡镇留守老人就餐困难，建议统筹建设村级老年食堂。",
                                               co_authors=[cw.cindy_seat])
            item = info.information_approve(actor=cw.alice, item=info.information_submit(actor=cw.bob, item=item))
            info.issue_add_items(actor=cw.alice, issue=issue, items=[info.information_sign_off(actor=cw.lily,
                                                                                               item=item)])
            cs.follow_up_add(actor=cw.carol, target=result, noted_on=timezone.localdate(), department=cw.dept_a,
                             text_=f"落实进展第{tag}{i}条")
            cs.instruction_record(actor=cw.lily, target=result, leader_name=f"领导{tag}{i}", level="party",
                                  instructed_on=timezone.localdate(), text_="请抓紧落实。")

    add(1, "a")
    before = {name: count(url) for name, url in urls.items()}
    add(5, "b")
    assert {name: count(url) for name, url in urls.items()} == before
