"""Every object endpoint of the consultation, supervision and information API, read or write,
answers 404 to a role that cannot see the object (never a 403 that would confirm it exists)
and 403 to an anonymous caller; and every endpoint needs a login."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations.services import consultations as cs, information as info, supervision as sv
from tests.consultations.test_api import API, PDF, build, client

pytestmark = pytest.mark.django_db

OUTSIDERS = ("eve", "dave", "ben", "ada", None)


@pytest.fixture
def ow(cw):
    """One object of every kind in committee A."""
    w = build(cw)
    year = timezone.localdate().year
    w.topic_obj = w.topic(title="普惠托育服务")
    w.plan = cs.plan_save(actor=w.alice, committee=w.a, year=year, title=f"{year}年度协商计划")
    cs.plan_schedule(actor=w.alice, plan=w.plan, topic=w.topic_obj, month=6)
    w.plan = cs.plan_publish(actor=w.alice, plan=w.plan)
    w.material = cs.material_add(actor=w.alice, consultation=w.announced, title="调研报告",
                                 upload=SimpleUploadedFile("report.pdf", PDF, "application/pdf"))
    w.speech = cs.speech_register(actor=w.bob, consultation=w.announced, kind="oral", title="关于托育补贴的建议",
                                  text_="建议对普惠托育机构按托位给予运营补贴。")
    online = w.invited(w.session(form="online", title="网络议政：城市停车", place=""))
    online = cs.consultation_open(actor=w.alice, consultation=online)
    w.post = cs.post_add(actor=w.bob, consultation=online, text_="建议增加夜间共享车位")
    held = cs.consultation_close(actor=w.alice, consultation=online)
    result = cs.result_save(actor=w.alice, consultation=held, title="关于城市停车的协商报告",
                            text_="一、现状与问题；二、对策建议：挖潜共享车位，规范路内停车。", departments=[w.dept_a])
    w.result = cs.result_send(actor=w.alice, result=cs.result_approve(actor=w.lily, result=result),
                              recipients=["party"])
    w.instruction = cs.instruction_record(actor=w.lily, target=w.result, leader_name="王市长", level="government",
                                          instructed_on=timezone.localdate(), text_="请研究落实。")
    w.task = sv.task_save(actor=w.alice, committee=w.a, category="research", title="乡村振兴专题调研",
                          start_year=year, end_year=year + 1)
    sv.team_set(actor=w.alice, task=w.task, lead=w.bob_seat)
    w.task = sv.task_start(actor=w.alice, task=w.task)
    when = timezone.now() + dt.timedelta(days=2)
    w.activity = sv.activity_save(actor=w.alice, task=w.task, kind="visit", title="实地走访调研",
                                  starts_at=when, ends_at=when + dt.timedelta(hours=2))
    w.item = w.signed_off(w.information(title="农村留守老人助餐服务亟待加强"))
    w.issue = info.issue_create(actor=w.alice, bulletin=w.bulletin_a)
    return w


def endpoints(w) -> list[tuple[str, str]]:
    kind = w.kinds_a["special"].pk
    c = f"{API}/consultations/{w.announced.pk}/"
    p = f"{API}/participants/{w.bob_place.pk}/"
    r = f"{API}/consultation-results/{w.result.pk}/"
    t = f"{API}/duty-tasks/{w.task.pk}/"
    i = f"{API}/information/{w.item.pk}/"
    b = f"{API}/bulletin-issues/{w.issue.pk}/"
    return [
        ("get", f"{API}/consultation-kinds/{kind}/"), ("patch", f"{API}/consultation-kinds/{kind}/"),
        ("get", f"{API}/consultation-topics/{w.topic_obj.pk}/"),
        ("post", f"{API}/consultation-topics/{w.topic_obj.pk}/review/"),
        ("get", f"{API}/consultation-plans/{w.plan.pk}/"), ("patch", f"{API}/consultation-plans/{w.plan.pk}/"),
        *[("post", f"{API}/consultation-plans/{w.plan.pk}/{a}/") for a in ("schedule", "unschedule", "publish")],
        ("get", c), ("patch", c),
        *[("post", f"{c}{a}/") for a in ("announce", "open", "close", "cancel", "invite", "steps", "discussion")],
        ("get", f"{c}materials/"), ("post", f"{c}materials/"), ("get", f"{c}timeline/"),
        ("get", f"{c}materials/{w.material.pk}/"), ("delete", f"{c}materials/{w.material.pk}/"),
        ("get", p), ("delete", p), *[("post", f"{p}{a}/") for a in ("respond", "check-in", "attendance")],
        ("get", f"{API}/speeches/{w.speech.pk}/"),
        *[("post", f"{API}/speeches/{w.speech.pk}/{a}/") for a in ("record", "withdraw")],
        ("get", f"{API}/posts/{w.post.pk}/"), *[("post", f"{API}/posts/{w.post.pk}/{a}/") for a in ("hide", "show")],
        ("get", r), ("patch", r), *[("post", f"{r}{a}/") for a in ("approve", "return", "send", "instruct",
                                                                    "follow-up")],
        ("get", f"{API}/instructions/{w.instruction.pk}/"),
        ("get", t), ("patch", t), ("get", f"{t}activities/"),
        *[("post", f"{t}{a}/") for a in ("team", "start", "findings", "report", "carry-over", "conclude", "return",
                                         "instruct", "follow-up")],
        ("get", f"{API}/task-activities/{w.activity.pk}/"), ("patch", f"{API}/task-activities/{w.activity.pk}/"),
        ("get", i), ("patch", i), ("delete", i),
        *[("post", f"{i}{a}/") for a in ("submit", "withdraw", "reject", "approve", "sign-off", "reopen", "adopt",
                                         "instruct", "pass")],
        ("get", f"{API}/bulletins/{w.bulletin_a.pk}/"), ("patch", f"{API}/bulletins/{w.bulletin_a.pk}/"),
        ("get", b), ("get", f"{b}pdf/"), *[("post", f"{b}{a}/") for a in ("add-items", "remove-item", "send")],
        ("get", f"{API}/information-officers/{w.olga_desk.pk}/"),
        ("patch", f"{API}/information-officers/{w.olga_desk.pk}/"),
    ]


def test_every_object_endpoint_is_404_outside_the_roles_scope_and_403_anonymous(ow):
    answers, expected = {}, {}
    for method, url in endpoints(ow):
        for role in OUTSIDERS:
            answers[(role or "anonymous", method, url)] = getattr(client(ow, role), method)(url, {},
                                                                                          format="json").status_code
            expected[(role or "anonymous", method, url)] = 403 if role is None else 404
    assert answers == expected


def test_the_objects_are_there_for_the_committee(ow):
    reads = [url for method, url in endpoints(ow) if method == "get" and "/timeline/" not in url]

    assert {url: client(ow, "alice").get(url).status_code for url in reads} == dict.fromkeys(reads, 200)


@pytest.mark.parametrize("url", [
    "consultation-kinds/", "consultation-topics/", "consultation-topics/queue/", "consultation-plans/",
    "consultations/", "consultations/mine/", "participants/", "speeches/", "posts/", "consultation-results/",
    "instructions/", "duty-tasks/", "task-activities/", "information/", "information/mine/",
    "information/review-queue/", "information/credits/", "bulletins/", "bulletin-issues/", "information-officers/",
    "calendar/?start=2026-01-01&end=2026-02-01", "calendar-feed/", "consultation-statistics/",
])
def test_every_list_needs_a_login_and_shows_an_outsider_nothing(ow, url):
    anonymous = client(ow, None).get(f"{API}/{url}")
    outsider = client(ow, "eve").get(f"{API}/{url}")

    assert anonymous.status_code == 403
    if url.startswith("consultation-statistics/"):
        assert outsider.status_code == 403
    elif url.startswith("calendar-feed/"):
        assert list(outsider.json()) == ["url"]
    else:
        body = outsider.json()
        assert (body["results"] if isinstance(body, dict) else body) == []


@pytest.mark.parametrize("url", ["information/?ordering=get_status_display", "consultations/?ordering=-kind__form",
                                 "consultation-results/?ordering=instruction_count"])
def test_unknown_ordering_is_ignored(ow, url):
    assert client(ow, "alice").get(f"{API}/{url}").status_code == 200
