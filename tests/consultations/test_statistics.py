"""The statistics of consultation work: exact figures of a small year built through the
services, counted only within what each user may see, a fixed number of queries with 1 and 10
rows, the page per role, bad filters, and the Excel export of the same figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from consultations.choices import (
    AdoptionLevel,
    ConsultationForm,
    InstructionLevel,
    Recipient,
    SpeechKind,
    TopicSource,
)
from consultations.services import consultations as cs, information as info, supervision as sv
from consultations.statistics import consultation_statistics

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def client(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


def an_hour_ago() -> dt.datetime:
    now = timezone.localtime()
    return max(now - dt.timedelta(hours=1), now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0))


def later_this_year() -> dt.datetime:
    now = timezone.localtime()
    later = now + dt.timedelta(days=1)
    return later if later.year == now.year else now + dt.timedelta(minutes=30)


def held_session(cw, *, form=ConsultationForm.SPECIAL, title="普惠托育专题协商会", starts_at=None, members=None):
    session = cw.session(form=form, title=title, starts_at=starts_at or an_hour_ago(),
                         **({"departments": [cw.dept_a]} if form == ConsultationForm.COUNTERPART else {}))
    return cw.held(session) if members is None else session


def task(cw, *, category="supervision", kind="follow_up", title="黄河流域生态保护跟踪监督", start=True, years=(YEAR, YEAR)):
    t = sv.task_save(actor=cw.alice, committee=cw.a, category=category, title=title, start_year=years[0],
                     end_year=years[1], supervision_kind=kind if category == "supervision" else "",
                     partners=[cw.dept_a] if kind == "collaborative" else [])
    if start:
        sv.team_set(actor=cw.alice, task=t, lead=cw.bob_seat, members=[cw.cindy_seat])
        t = sv.task_start(actor=cw.alice, task=t)
    return t


def held_activity(cw, t, title="实地视察"):
    start = an_hour_ago()
    return sv.activity_save(actor=cw.bob, task=t, kind="visit", title=title, starts_at=start,
                            ends_at=start + dt.timedelta(hours=1))


@pytest.fixture
def year(cw):
    """A year of committee A, with a little of A1, B and last year around it."""
    today = timezone.localdate()
    # a special consultation: bob present and speaking, cindy excused with a written opinion,
    # an expert absent
    s1 = cw.session(title="普惠托育专题协商会", starts_at=an_hour_ago())
    cs.participants_invite(actor=cw.alice, event=s1, members=[cw.bob_seat, cw.cindy_seat],
                           guests=[{"name": "李教授", "organisation": "甲市大学", "role": "expert"}])
    s1 = cs.consultation_announce(actor=cw.alice, consultation=s1)
    bob, cindy = s1.participants.get(member=cw.bob_seat), s1.participants.get(member=cw.cindy_seat)
    cs.invitation_respond(actor=cw.cindy, participant=cindy, accept=False, note="出差在外")
    speech = cs.speech_register(actor=cw.bob, consultation=s1, kind=SpeechKind.ORAL, title="关于托育补贴的建议",
                                text_="建议对普惠托育机构按托位给予运营补贴。")
    cs.speech_register(actor=cw.cindy, consultation=s1, kind=SpeechKind.WRITTEN, title="书面意见：托育人才培养",
                       text_="建议职业院校开设婴幼儿托育专业。")
    withdrawn = cs.speech_register(actor=cw.bob, consultation=s1, kind=SpeechKind.ORAL, title="撤回的发言稿",
                                   text_="这份发言稿后来撤回了，不应计入统计。")
    cs.speech_withdraw(actor=cw.bob, speech=withdrawn)
    s1 = cs.consultation_open(actor=cw.alice, consultation=s1)
    cs.participant_check_in(actor=cw.bob, participant=bob)
    cs.speech_record(actor=cw.alice, speech=speech)
    s1 = cs.consultation_close(actor=cw.alice, consultation=s1, summary="会议形成共识。")
    # a micro-consultation held, bob and cindy absent; one announced, one cancelled, one prepared
    s2 = held_session(cw, form=ConsultationForm.MICRO, title="主席微协商：老旧小区停车")
    cw.invited(cw.session(title="即将召开的协商会", starts_at=later_this_year()))
    cancelled = cw.session(title="取消的协商会", starts_at=later_this_year())
    cs.consultation_cancel(actor=cw.alice, consultation=cancelled, reason="议题调整，另行安排")
    cw.session(title="筹备中的协商会", starts_at=later_this_year())
    # last year's, and committee B's: not this year's figures of A
    held_session(cw, title="去年的专题协商会", starts_at=timezone.now() - dt.timedelta(days=400))
    kinds_b = {k.form: k for k in cs.consultation_kinds_install(actor=cw.root, committee=cw.b)}
    start = an_hour_ago()
    b = cs.consultation_save(actor=cw.root, committee=cw.b, kind=kinds_b["special"], title="乙市专题协商会",
                             starts_at=start, ends_at=start + dt.timedelta(hours=2), place="乙市政协")
    cs.consultation_close(actor=cw.root, consultation=cs.consultation_open(
        actor=cw.root, consultation=cs.consultation_announce(actor=cw.root, consultation=b)))

    # topics from the three sources
    cw.topic(title="加快发展普惠托育服务")
    cs.topic_propose(actor=cw.bob, committee=cw.a, year=YEAR, title="改善老旧小区停车难问题",
                     description="老旧小区停车位严重不足，建议开展协商。", source=TopicSource.MEMBER)
    public = cw.topic(title="群众反映的噪声扰民问题", status="proposed", source=TopicSource.PUBLIC)
    cs.topic_review(actor=cw.alice, topic=public, approve=False, note="已转有关部门处理")
    cw.topic(title="明年的协商议题", year=YEAR + 1)

    # results: one closed after an instruction, one draft
    r1 = cs.result_save(actor=cw.alice, consultation=s1, title="关于加快发展普惠托育服务的协商报告",
                        text_="一、现状与问题……二、对策建议：加大财政补贴，扩大普惠托位供给。", departments=[cw.dept_a])
    r1 = cs.result_approve(actor=cw.lily, result=r1)
    r1 = cs.result_send(actor=cw.alice, result=r1, recipients=[Recipient.PARTY, Recipient.GOVERNMENT])
    cs.instruction_record(actor=cw.lily, target=r1, leader_name="王市长", level=InstructionLevel.GOVERNMENT,
                          instructed_on=today, text_="请市教育局牵头研究落实。")
    cs.follow_up_add(actor=cw.alice, target=r1, noted_on=today, implemented=True, text_="各项建议均已落实。")
    cs.result_save(actor=cw.alice, consultation=s2, title="关于老旧小区停车问题的协商报告",
                   text_="建议挖潜增设停车泊位，推行错时共享停车，加强小区停车秩序管理。")

    # information: one sent in an issue and adopted by the province too (and instructed), one
    # not adopted, one passed to a department, one draft, and a copy received from A1
    i1 = cw.signed_off(cw.information(title="农村留守老人助餐服务亟待加强"))
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a)
    info.issue_add_items(actor=cw.alice, issue=issue, items=[i1])
    info.issue_send(actor=cw.alice, issue=issue, recipients=[Recipient.PARTY])
    i1.refresh_from_db()
    info.adoption_record(actor=cw.alice, item=i1, level=AdoptionLevel.PROVINCIAL, adopted_on=today,
                         adopted_by="省政协《社情民意》")
    cs.instruction_record(actor=cw.alice, target=i1, leader_name="李书记", level=InstructionLevel.PARTY,
                          instructed_on=today, text_="请民政局研究解决。")
    info.information_reject(actor=cw.alice, item=cw.information(actor=cw.cindy, title="建议增设社区篮球场地"),
                            reason="已有相关部门在推进")
    i3 = cw.signed_off(cw.information(title="校园周边交通拥堵问题突出"))
    info.information_pass_to_department(actor=cw.alice, item=i3, lead_department=cw.dept_a)
    cw.information(title="尚未提交的草稿信息", submit=False)
    i5 = cw.signed_off(cw.information(actor=cw.ada, committee=cw.a1, title="东区老旧小区加装电梯推进缓慢"),
                       staff=cw.fiona, leader=cw.fiona)
    issue_a1 = info.issue_create(actor=cw.fiona, bulletin=cw.bulletin_a1)
    info.issue_add_items(actor=cw.fiona, issue=issue_a1, items=[i5])
    info.issue_send(actor=cw.fiona, issue=issue_a1, recipients=[Recipient.HIGHER])

    # tasks: a follow-up supervision with an activity held and its year's report (instructed), a
    # research task with one activity held and one to come, an inspection not started, and a
    # collaborative supervision of next year
    k1 = task(cw)
    held_activity(cw, k1, title="沿黄湿地实地视察")
    sv.task_report_submit(actor=cw.bob, task=k1, year=YEAR, kind="annual", title=f"{YEAR}年度监督报告",
                          text_="湿地保护取得进展，但部分河段仍有违规占用问题，建议持续跟踪。")
    cs.instruction_record(actor=cw.lily, target=k1, leader_name="孙主席", level=InstructionLevel.COMMITTEE,
                          instructed_on=today, text_="请继续跟踪监督。")
    k2 = task(cw, category="research", title="普惠托育专题调研")
    held_activity(cw, k2, title="托育机构走访")
    start = later_this_year()
    sv.activity_save(actor=cw.alice, task=k2, kind="seminar", title="托育服务座谈会", starts_at=start,
                     ends_at=start + dt.timedelta(hours=2))
    task(cw, category="inspection", title="城市安全生产视察", start=False)
    task(cw, kind="collaborative", title="明年的协同监督", start=False, years=(YEAR + 1, YEAR + 1))


def test_the_years_figures_for_staff(cw, year):
    figures = consultation_statistics(cw.alice, year=YEAR)
    assert figures["committee_ids"] == [cw.a.pk]
    assert figures["sessions"] == {
        "held": 2, "upcoming": 2, "cancelled": 1,
        "by_kind": [
            {"name": "专题协商", "form": "special", "form_label": "Special consultation (专题协商)", "held": 1,
             "upcoming": 2, "cancelled": 1},
            {"name": "主席微协商", "form": "micro", "form_label": "Micro-consultation (微协商)", "held": 1,
             "upcoming": 0, "cancelled": 0},
        ],
        "participants": 5, "member_participants": 4, "present": 1, "excused": 1, "absent": 3,
        "attendance_percent": 20.0,
        "speeches": 1, "speeches_delivered": 1, "written_opinions": 1,
    }
    assert figures["topics"] == {
        "total": 3,
        "by_source": [{"source": "assigned", "label": "Assigned by the party committee and government (党政点题)",
                       "count": 1},
                      {"source": "member", "label": "Recommended by members (委员荐题)", "count": 1},
                      {"source": "public", "label": "Raised by the public (群众出题)", "count": 1}],
        "by_status": [{"status": "proposed", "label": "Proposed", "count": 1},
                      {"status": "approved", "label": "Approved", "count": 1},
                      {"status": "rejected", "label": "Not adopted", "count": 1},
                      {"status": "scheduled", "label": "In the plan", "count": 0},
                      {"status": "done", "label": "Consulted", "count": 0}],
    }
    assert figures["results"] == {"written": 2, "draft": 1, "approved": 0, "sent": 1, "closed": 1}
    assert figures["instructions"] == {
        "total": 3,
        "by_level": [{"level": "committee", "label": "CPPCC leader", "count": 1},
                     {"level": "party", "label": "Party committee leader", "count": 1},
                     {"level": "government", "label": "Government leader", "count": 1},
                     {"level": "higher", "label": "Higher-level leader", "count": 0}],
        "by_target": [{"target": "result", "label": "Consultation results", "count": 1},
                      {"target": "information", "label": "Information items", "count": 1},
                      {"target": "task", "label": "Supervision and research", "count": 1}],
    }
    assert figures["information"] == {
        "submitted": 4, "received": 1, "not_adopted": 1, "adopted": 1, "instructed": 1, "passed": 1, "sent": 1,
        "adopted_by_level": [{"level": "committee", "label": "This committee", "count": 1},
                             {"level": "higher", "label": "Higher committee", "count": 0},
                             {"level": "provincial", "label": "Provincial", "count": 1},
                             {"level": "national", "label": "National", "count": 0}],
    }
    assert figures["bulletins"] == {"issues_sent": 1, "items": 1}
    assert figures["tasks"] == {
        "total": 3, "concluded": 0, "activities": 2, "reports": 1,
        "by_kind": [
            {"category": "supervision", "supervision_kind": "inquiry", "label": "Inquiry (询问式)", "tasks": 0,
             "concluded": 0, "activities": 0, "reports": 0},
            {"category": "supervision", "supervision_kind": "investigative", "label": "Investigative (调研视察式)",
             "tasks": 0, "concluded": 0, "activities": 0, "reports": 0},
            {"category": "supervision", "supervision_kind": "follow_up", "label": "Follow-up across years (跟踪式)",
             "tasks": 1, "concluded": 0, "activities": 1, "reports": 1},
            {"category": "supervision", "supervision_kind": "collaborative", "label": "Collaborative (协同式)",
             "tasks": 0, "concluded": 0, "activities": 0, "reports": 0},
            {"category": "research", "supervision_kind": "", "label": "Research (调研)", "tasks": 1, "concluded": 0,
             "activities": 1, "reports": 0},
            {"category": "inspection", "supervision_kind": "", "label": "Inspection (视察)", "tasks": 1,
             "concluded": 0, "activities": 0, "reports": 0},
        ],
    }
    assert figures["activities_held"] == 4


def test_a_leader_counts_only_what_leaders_see(cw, year):
    figures = consultation_statistics(cw.lily, year=YEAR)
    # a session being prepared is staff's alone; leaders see information once it is reviewed
    assert (figures["sessions"]["held"], figures["sessions"]["upcoming"], figures["sessions"]["cancelled"]) == (2, 1, 1)
    assert {k: figures["information"][k] for k in ("submitted", "received", "not_adopted", "adopted", "passed")} == {
        "submitted": 2, "received": 0, "not_adopted": 0, "adopted": 1, "passed": 1}
    assert figures["activities_held"] == 4


def test_the_figures_of_one_committee_among_several(cw, year):
    a1 = consultation_statistics(cw.fiona, year=YEAR, committee=cw.a1)
    assert a1["committee_ids"] == [cw.a1.pk]
    assert (a1["information"]["submitted"], a1["information"]["sent"], a1["bulletins"]) == (
        1, 1, {"issues_sent": 1, "items": 1})
    assert [r["count"] for r in a1["information"]["adopted_by_level"]] == [1, 0, 0, 0]
    assert (a1["sessions"]["held"], a1["tasks"]["total"]) == (0, 0)
    both = consultation_statistics(cw.fiona, year=YEAR)
    assert both["committee_ids"] == sorted([cw.a.pk, cw.a1.pk])
    assert (both["information"]["submitted"], both["bulletins"]["issues_sent"]) == (5, 2)


def test_nobody_counts_what_they_do_not_oversee(cw, year):
    for user in (cw.bob, cw.carol, cw.eve, cw.dave):
        figures = consultation_statistics(user, year=YEAR)
        assert (figures["committee_ids"], figures["activities_held"], figures["information"]["submitted"],
                figures["topics"]["total"]) == ([], 0, 0, 0)
    outside = consultation_statistics(cw.alice, year=YEAR, committee=cw.b)
    assert (outside["committee_ids"], outside["sessions"]["held"]) == ([], 0)
    everything = consultation_statistics(cw.root, year=YEAR)
    assert (everything["committee_ids"], everything["sessions"]["held"]) == (None, 3)


def test_another_year_has_its_own_figures(cw, year):
    last = consultation_statistics(cw.alice, year=YEAR - 1)
    assert (last["sessions"]["held"], last["sessions"]["participants"], last["activities_held"]) == (1, 2, 1)
    following = consultation_statistics(cw.alice, year=YEAR + 1)
    assert (following["topics"]["total"], following["tasks"]["total"],
            following["tasks"]["by_kind"][3]["tasks"]) == (1, 1, 1)


# --- a fixed number of queries ---------------------------------------------------------------------------


def _grow(cw, start: int, n: int) -> None:
    for i in range(start, start + n):
        session = held_session(cw, title=f"第{i}次专题协商会")
        cs.result_save(actor=cw.alice, consultation=session, title=f"第{i}号协商报告",
                       text_="建议挖潜增设停车泊位，推行错时共享停车，加强小区停车秩序管理。")
        cw.topic(title=f"第{i}号协商议题")
        item = cw.signed_off(cw.information(title=f"第{i}条社情民意信息"))
        cs.instruction_record(actor=cw.lily, target=item, leader_name="李书记", level=InstructionLevel.PARTY,
                              instructed_on=timezone.localdate(), text_="请研究。")
        held_activity(cw, task(cw, title=f"第{i}号跟踪监督"))


def _measure(cw) -> dict[str, int]:
    result = {}
    for role in ("alice", "lily"):
        user = getattr(cw, role)
        consultation_statistics(user, year=YEAR)
        with CaptureQueriesContext(connection) as queries:
            consultation_statistics(user, year=YEAR)
        result[role] = len(queries.captured_queries)
        c = client(user)
        c.get("/consultations/statistics/")
        with CaptureQueriesContext(connection) as queries:
            assert c.get(f"/consultations/statistics/?year={YEAR}").status_code == 200
        result[f"{role} page"] = len(queries.captured_queries)
    return result


def test_statistics_query_count_does_not_grow_from_1_to_10_rows(cw):
    _grow(cw, 0, 1)
    one = _measure(cw)
    _grow(cw, 1, 9)
    ten = _measure(cw)
    assert ten == one
    assert one["alice"] <= 12
    figures = consultation_statistics(cw.alice, year=YEAR)
    assert (figures["sessions"]["held"], figures["results"]["written"], figures["information"]["instructed"],
            figures["tasks"]["activities"]) == (10, 10, 10, 10)


# --- the page and the export -----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("alice", 200), ("fiona", 200), ("lily", 200), ("root", 200),
    ("bob", 403), ("cindy", 403), ("carol", 403), ("dave", 403), ("eve", 403),
])
def test_statistics_page_per_role(cw, role, status):
    c = client(getattr(cw, role))
    assert c.get("/consultations/statistics/").status_code == status
    assert c.get("/consultations/statistics.xlsx").status_code == status


def test_statistics_need_login(cw):
    for url in ("/consultations/statistics/", "/consultations/statistics.xlsx"):
        response = client().get(url)
        assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_statistics_page_shows_the_figures_of_the_chosen_year_and_committee(cw, year):
    response = client(cw.fiona).get(f"/consultations/statistics/?year={YEAR}&committee={cw.a1.pk}")
    assert (response.context["year"], response.context["committee"]) == (YEAR, cw.a1)
    assert response.context["stats"]["information"]["submitted"] == 1
    response = client(cw.alice).get(f"/consultations/statistics/?year={YEAR}")
    assert response.context["stats"]["activities_held"] == 4
    content = response.content.decode()
    assert '<span class="value">4</span><span class="label">Activities held</span>' in content


@pytest.mark.parametrize(("query", "errors"), [
    ("year=abc", {"year": ["Select a valid choice. abc is not one of the available choices."]}),
    ("year=1999", {"year": ["Select a valid choice. 1999 is not one of the available choices."]}),
    ("committee=999999", {"committee": ["Select a valid choice. That choice is not one of the available choices."]}),
    ("committee=<script>", {"committee": ["Select a valid choice. That choice is not one of the available choices."]}),
])
def test_statistics_page_refuses_bad_filters_and_shows_this_year(cw, year, query, errors):
    response = client(cw.alice).get(f"/consultations/statistics/?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert (response.context["year"], response.context["committee"]) == (YEAR, None)
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_another_committees_figures_are_not_offered(cw, year):
    response = client(cw.alice).get(f"/consultations/statistics/?committee={cw.b.pk}")
    assert response.context["form"].errors == {
        "committee": ["Select a valid choice. That choice is not one of the available choices."]}
    assert list(response.context["form"].fields["committee"].queryset) == [cw.a]
    assert response.context["stats"]["committee_ids"] == [cw.a.pk]


def test_the_excel_export_holds_the_same_figures(cw, year):
    response = client(cw.alice).get(f"/consultations/statistics.xlsx?year={YEAR}&committee={cw.a.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''Consultation%20statistics%20%E7%94%B2%E5%B8%82%20" + f"{YEAR}.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows[0] == ("Section", "Item", "Figure")
    figures = {(section, item): value for section, item, value in rows[1:]}
    assert figures[("Consultation sessions", "Sessions held")] == 2
    assert figures[("Consultation sessions", "Held: 专题协商")] == 1
    assert figures[("Consultation sessions", "Attendance rate (%)")] == 20
    assert figures[("Social-conditions information", "Adopted: Provincial")] == 1
    assert figures[("Supervision, research and inspection", "Follow-up across years (跟踪式): activities held")] == 1
    assert figures[("Total", "Activities held (sessions and task activities)")] == 4
    # sessions 14, topics 9, results 5, instructions 8, information 13, tasks 22, the total 1
    assert len(rows) == 1 + 72
