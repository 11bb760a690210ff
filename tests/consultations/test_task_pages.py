"""The pages of democratic supervision, research and inspection: the list per role (what
tasks_for lets each see, 404 outside it), writing a task, the task page's steps through the
services (a follow-up supervision across two years, from team to conclusion), each role's
refusals, bad input, and an activity's participants with their attendance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.choices import (
    Attendance,
    InstructionLevel,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
)
from consultations.models import Activity, FollowUp, Instruction, Participant, Task, TaskReport
from consultations.services import consultations as cs, supervision as sv
from members import services as directory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def client(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def make_task(cw, *, title="黄河流域生态保护跟踪监督", category=TaskCategory.SUPERVISION,
              kind=SupervisionKind.FOLLOW_UP, team=True, start=True, partners=(), committee=None, staff=None,
              lead=None, start_year=YEAR, end_year=None) -> Task:
    staff = staff or cw.alice
    task = sv.task_save(actor=staff, committee=committee or cw.a, category=category,
                        supervision_kind=kind if category == TaskCategory.SUPERVISION else "", title=title,
                        start_year=start_year, end_year=end_year or start_year + 1, partners=partners,
                        plan="每季度开展一次实地视察")
    if team:
        sv.team_set(actor=staff, task=task, lead=lead or cw.bob_seat,
                    members=[] if lead else [cw.cindy_seat])
    if start:
        task = sv.task_start(actor=staff, task=task)
    return task


def earlier_today() -> dt.datetime:
    """A start an hour ago (within this local year): a participant may still sign in."""
    now = timezone.localtime()
    new_year = now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return max(now - dt.timedelta(hours=1), new_year)


def held_activity(cw, task, *, title="沿黄湿地实地视察") -> Activity:
    """Recorded afterwards by the team lead (bob), the team on its list."""
    start = earlier_today()
    return sv.activity_save(actor=cw.bob, task=task, kind="inspection", title=title, starts_at=start,
                            ends_at=start + dt.timedelta(hours=1), place="黄河湿地公园")


def coming_activity(cw, task, *, title="湿地保护座谈会") -> Activity:
    """Scheduled ahead by staff (alice), the team on its list."""
    start = timezone.now() + dt.timedelta(days=1)
    if timezone.localtime(start).year > task.end_year:  # the last day of the task's last year
        start = timezone.now() + dt.timedelta(minutes=30)
    return sv.activity_save(actor=cw.alice, task=task, kind="seminar", title=title, starts_at=start,
                            ends_at=start + dt.timedelta(hours=2), place="市政协三楼会议室")


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# --- the list ---------------------------------------------------------------------------------------


@pytest.fixture
def four(cw):
    """planned (no team yet), started (bob leads), collaborative with 甲市教育局 (carol's
    department), and one of the county committee A1 (ada leads)."""
    return {
        "planned": make_task(cw, title="城区内涝治理民主监督", team=False, start=False),
        "started": make_task(cw, title="黄河流域生态保护跟踪监督"),
        "collaborative": make_task(cw, title="校园食品安全协同监督", kind=SupervisionKind.COLLABORATIVE,
                                   partners=[cw.dept_a]),
        "county": make_task(cw, title="东区养老服务调研", category=TaskCategory.RESEARCH, committee=cw.a1,
                            staff=cw.fiona, lead=cw.ada_seat),
    }


@pytest.mark.parametrize(("role", "visible"), [
    ("alice", ["planned", "started", "collaborative"]),
    ("fiona", ["planned", "started", "collaborative", "county"]),
    ("lily", ["planned", "started", "collaborative"]),
    ("bob", ["started", "collaborative"]),
    ("cindy", ["started", "collaborative"]),
    ("carol", ["collaborative"]),
    ("ada", ["county"]),
    ("dave", []), ("ben", []), ("eve", []),
])
def test_task_list_shows_each_role_its_scope(cw, four, role, visible):
    response = client(getattr(cw, role)).get("/consultations/tasks/")
    assert response.status_code == 200
    assert sorted(t.pk for t in response.context["object_list"]) == sorted(four[v].pk for v in visible)


def test_a_team_member_sees_a_task_before_it_starts(cw):
    planned = make_task(cw, start=False)
    assert [t.pk for t in client(cw.cindy).get("/consultations/tasks/").context["object_list"]] == [planned.pk]
    assert client(cw.cindy).get(f"/consultations/tasks/{planned.pk}/").status_code == 200


def test_task_list_needs_login(cw):
    response = client().get("/consultations/tasks/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/consultations/tasks/")


def test_a_task_spanning_two_years_shows_in_both_years(cw):
    both = make_task(cw, title="黄河流域生态保护跟踪监督", start_year=YEAR, end_year=YEAR + 1)
    this = make_task(cw, title="普惠托育专题调研", category=TaskCategory.RESEARCH, start_year=YEAR, end_year=YEAR)
    following = make_task(cw, title="明年的视察任务", category=TaskCategory.INSPECTION, start_year=YEAR + 1,
                          end_year=YEAR + 1)
    c = client(cw.alice)
    titles = {year: [t.pk for t in c.get(f"/consultations/tasks/?year={year}").context["object_list"]]
              for year in (YEAR, YEAR + 1)}
    assert titles == {YEAR: [this.pk, both.pk], YEAR + 1: [following.pk, both.pk]}


def test_task_list_filters_by_category_kind_and_status(cw, four):
    c = client(cw.alice)

    def pks(query):
        return sorted(t.pk for t in c.get(f"/consultations/tasks/?{query}").context["object_list"])

    assert pks("category=research") == []
    assert pks("category=supervision") == sorted([four["planned"].pk, four["started"].pk, four["collaborative"].pk])
    assert pks("supervision_kind=collaborative") == [four["collaborative"].pk]
    assert pks("status=planned") == [four["planned"].pk]
    assert pks("q=校园") == [four["collaborative"].pk]


def test_task_list_rows_show_lead_years_and_activities(cw):
    task = make_task(cw, start_year=YEAR, end_year=YEAR + 1)
    held_activity(cw, task)
    content = client(cw.alice).get("/consultations/tasks/").content.decode()
    row = content[content.index(f'href="/consultations/tasks/{task.pk}/"'):]
    row = row[:row.index("</tr>")]
    assert "王博" in row
    assert f"{YEAR}–{YEAR + 1}" in row
    assert '<td class="num" data-label="Activities">1</td>' in row


def _grow(cw, start: int, n: int) -> None:
    for i in range(start, start + n):
        task = make_task(cw, title=f"第{i}号跟踪监督任务", partners=[cw.dept_a])
        held_activity(cw, task, title=f"第{i}次实地视察")


def _measure(cw) -> dict[str, int]:
    result = {}
    for role in ("alice", "lily", "bob", "carol"):
        c = client(getattr(cw, role))
        c.get("/consultations/tasks/")
        with CaptureQueriesContext(connection) as queries:
            response = c.get(f"/consultations/tasks/?year={YEAR}")
        assert response.status_code == 200, role
        result[role] = len(queries.captured_queries)
    return result


def test_task_list_query_count_does_not_grow_from_1_to_10_rows(cw):
    _grow(cw, 0, 1)
    one = _measure(cw)
    _grow(cw, 1, 9)
    ten = _measure(cw)
    assert ten == one
    assert len(client(cw.carol).get("/consultations/tasks/").context["object_list"]) == 10


# --- writing a task ---------------------------------------------------------------------------------

FORM = {"committee": "", "category": "supervision", "supervision_kind": "follow_up", "title": "黄河流域生态保护跟踪监督",
        "description": "跟踪黄河流域生态保护规划落实情况。", "plan": "每季度开展一次实地视察", "organiser": "",
        "start_year": str(YEAR), "end_year": str(YEAR + 1), "deadline": ""}


def test_staff_create_a_task(cw):
    response = client(cw.alice).post("/consultations/tasks/new/", {**FORM, "committee": cw.a.pk,
                                                                    "organiser": cw.sc_a.pk})
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/consultations/tasks/{task.pk}/"
    assert (task.committee, task.category, task.supervision_kind, task.title, task.organiser, task.start_year,
            task.end_year, task.status, task.created_by) == (
        cw.a, "supervision", "follow_up", "黄河流域生态保护跟踪监督", cw.sc_a, YEAR, YEAR + 1, TaskStatus.PLANNED,
        cw.alice)
    assert flashed(response) == ["The task is created. Set its team, then start it."]


def test_a_collaborative_supervision_asks_for_its_partners(cw):
    c = client(cw.alice)
    data = {**FORM, "committee": cw.a.pk, "supervision_kind": "collaborative"}
    response = c.post("/consultations/tasks/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "partners": ["A collaborative supervision names the bodies it works with."]}
    assert Task.objects.count() == 0
    response = c.post("/consultations/tasks/new/", {**data, "partners": [cw.dept_a.pk, cw.dept_a2.pk]})
    assert response.status_code == 302
    assert sorted(Task.objects.get().partners.values_list("name", flat=True)) == ["甲市卫生健康委员会", "甲市教育局"]


@pytest.mark.parametrize(("change", "errors"), [
    ({"title": "监" * 121}, {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
    ({"title": "监督"}, {"title": ["At least 4 characters."]}),
    ({"start_year": "abc"}, {"start_year": ["Enter a whole number."]}),
    ({"end_year": str(YEAR - 1)}, {"end_year": ["The last year is from the first year to 4 years later."]}),
    ({"category": "research"}, {"supervision_kind": ["Only supervision topics have a kind of supervision."]}),
    ({"supervision_kind": ""}, {"supervision_kind": ["Choose one of the four kinds of supervision."]}),
    ({"category": "nonsense"}, {"category": ["Select a valid choice. nonsense is not one of the available choices."]}),
    ({"deadline": "2026-02-30"}, {"deadline": ["Enter a valid date."]}),
])
def test_task_form_refuses_bad_input(cw, change, errors):
    response = client(cw.alice).post("/consultations/tasks/new/", {**FORM, "committee": cw.a.pk, **change})
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert Task.objects.count() == 0


def test_task_form_offers_only_the_staffs_committees_and_their_records(cw):
    response = client(cw.alice).post("/consultations/tasks/new/", {**FORM, "committee": cw.b.pk,
                                                                    "partners": [cw.dept_b.pk]})
    assert response.context["form"].errors == {
        "committee": ["Select a valid choice. That choice is not one of the available choices."],
        "partners": [f"Select a valid choice. {cw.dept_b.pk} is not one of the available choices."]}
    form = client(cw.alice).get("/consultations/tasks/new/").context["form"]
    assert list(form.fields["committee"].queryset) == [cw.a]
    assert sorted(d.name for d in form.fields["partners"].queryset) == sorted(
        ["甲市教育局", "甲市卫生健康委员会", "甲市住房和城乡建设局"])


@pytest.mark.parametrize("role", ["lily", "bob", "carol", "eve"])
def test_only_staff_create_tasks(cw, role):
    c = client(getattr(cw, role))
    assert c.get("/consultations/tasks/new/").status_code == 403
    assert c.post("/consultations/tasks/new/", {**FORM, "committee": cw.a.pk}).status_code == 403
    assert Task.objects.count() == 0


def test_hostile_text_is_escaped(cw):
    client(cw.alice).post("/consultations/tasks/new/", {**FORM, "committee": cw.a.pk,
                                                         "title": "<script>alert(1)</script>监督"})
    task = Task.objects.get()
    assert task.title == "<script>alert(1)</script>监督"
    for url in ("/consultations/tasks/", f"/consultations/tasks/{task.pk}/"):
        content = client(cw.alice).get(url).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;监督" in content


def test_staff_edit_a_task_others_may_not(cw):
    task = make_task(cw, partners=[cw.dept_a])
    url = f"/consultations/tasks/{task.pk}/edit/"
    response = client(cw.alice).post(url, {**FORM, "title": "黄河流域生态保护和高质量发展跟踪监督",
                                           "supervision_kind": "collaborative", "partners": [cw.dept_a2.pk]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.supervision_kind, list(task.partners.all())) == (
        "黄河流域生态保护和高质量发展跟踪监督", "collaborative", [cw.dept_a2])
    assert client(cw.lily).get(url).status_code == 403
    assert client(cw.bob).get(url).status_code == 403
    assert client(cw.dave).get(url).status_code == 404
    assert client(cw.eve).post(url, FORM).status_code == 404


# --- one task: who sees it --------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "started", "planned"), [
    ("alice", 200, 200), ("fiona", 200, 200), ("lily", 200, 200), ("root", 200, 200),
    ("bob", 200, 404), ("cindy", 200, 404), ("carol", 200, 404), ("hank", 404, 404), ("ada", 404, 404),
    ("dave", 404, 404), ("ben", 404, 404), ("eve", 404, 404),
])
def test_task_page_per_role(cw, role, started, planned):
    running = make_task(cw, partners=[cw.dept_a])
    waiting = make_task(cw, title="城区内涝治理民主监督", team=False, start=False, partners=[cw.dept_a])
    c = client(getattr(cw, role))
    assert c.get(f"/consultations/tasks/{running.pk}/").status_code == started
    assert c.get(f"/consultations/tasks/{waiting.pk}/").status_code == planned


def test_task_page_needs_login(cw):
    task = make_task(cw)
    response = client().get(f"/consultations/tasks/{task.pk}/")
    assert response["Location"] == f"/accounts/login/?next=/consultations/tasks/{task.pk}/"


def test_task_page_shows_each_role_its_forms(cw):
    task = make_task(cw, partners=[cw.dept_a])
    forms = {role: sorted(client(getattr(cw, role)).get(f"/consultations/tasks/{task.pk}/").context["forms"])
             for role in ("alice", "lily", "bob", "cindy", "carol")}
    assert forms == {
        "alice": ["activity", "carry_over", "findings", "follow_up", "report", "team"],
        "lily": [],
        "bob": ["activity", "findings", "report"],
        "cindy": [],
        "carol": ["follow_up"],
    }
    page = client(cw.alice).get(f"/consultations/tasks/{task.pk}/")
    assert page.context["timeline"] is not None
    assert client(cw.bob).get(f"/consultations/tasks/{task.pk}/").context["timeline"] is None


# --- one task: a follow-up supervision across two years, through the page ----------------------------


def post(user, task, action, **data):
    return client(user).post(f"/consultations/tasks/{task.pk}/", {"action": action, **{
        f"{action}-{k}": v for k, v in data.items()}})


def test_follow_up_supervision_across_two_years_through_the_page(cw):
    task = make_task(cw, team=False, start=False, start_year=YEAR, end_year=YEAR, partners=[cw.dept_a])
    response = post(cw.alice, task, "team", lead=cw.bob_seat.pk, members=[cw.cindy_seat.pk, cw.bob_seat.pk])
    assert flashed(response) == ["The team is set; its members are told."]
    assert sorted(task.team.values_list("member__name", "role")) == [("崔欣", "member"), ("王博", "lead")]
    response = client(cw.alice).post(f"/consultations/tasks/{task.pk}/", {"action": "start"})
    assert flashed(response) == ["The task is under way."]

    # the lead records the activity afterwards, then its findings and the year's report
    start = earlier_today()
    response = post(cw.bob, task, "activity", kind="inspection", title="沿黄湿地实地视察", starts_at=local(start),
                    ends_at=local(start + dt.timedelta(hours=1)), place="黄河湿地公园", summary="")
    activity = Activity.objects.get()
    assert response["Location"] == f"/consultations/tasks/activities/{activity.pk}/"
    assert sorted(activity.participants.values_list("name", flat=True)) == ["崔欣", "王博"]
    post(cw.bob, task, "findings", findings="部分河段仍存在违规占用湿地问题，整改进度不一。")
    response = post(cw.bob, task, "report", year=YEAR, kind="annual", title=f"{YEAR}年度监督报告",
                    text="湿地保护取得进展，但部分河段仍有违规占用问题，建议持续跟踪。")
    assert flashed(response) == ["The report is submitted."]

    response = post(cw.alice, task, "carry_over", note="问题尚未整改到位，明年继续跟踪")
    assert flashed(response) == [f"The task goes on in {YEAR + 1}."]
    task.refresh_from_db()
    assert (task.start_year, task.end_year, task.status) == (YEAR, YEAR + 1, TaskStatus.ACTIVE)

    response = post(cw.bob, task, "report", year=YEAR + 1, kind="final", title="跟踪监督总报告",
                    text="两年跟踪监督，违规占用问题全部整改，湿地面积恢复。")
    assert flashed(response) == ["The final report is submitted; staff will conclude the task."]
    response = post(cw.alice, task, "return", note="请补充整改验收情况")
    assert flashed(response) == ["The final report is sent back; the task is under way again."]
    post(cw.bob, task, "report", year=YEAR + 1, kind="final", title="跟踪监督总报告（修改稿）",
         text="两年跟踪监督，违规占用问题全部整改并通过验收，湿地面积恢复。")

    response = post(cw.lily, task, "instruction", leader_name="李书记", leader_title="市委书记",
                    level=InstructionLevel.PARTY, instructed_on=timezone.localdate().isoformat(),
                    text="成效明显，请持续巩固。")
    assert flashed(response) == ["The instruction is recorded; the team is told."]
    post(cw.carol, task, "follow_up", noted_on=timezone.localdate().isoformat(), department=cw.dept_a.pk,
         text="已将湿地保护纳入校园环境教育。")
    post(cw.alice, task, "follow_up", noted_on=timezone.localdate().isoformat(), department="",
         text="整改情况已纳入年度督查。")
    response = post(cw.alice, task, "conclude", note="")
    assert flashed(response) == ["The task is concluded."]

    task.refresh_from_db()
    assert task.status == TaskStatus.CONCLUDED
    assert list(task.reports.order_by("id").values_list("year", "kind", "title")) == [
        (YEAR, "annual", f"{YEAR}年度监督报告"), (YEAR + 1, "interim", "跟踪监督总报告"),
        (YEAR + 1, "final", "跟踪监督总报告（修改稿）")]
    assert list(Instruction.objects.values_list("leader_name", "level", "task")) == [("李书记", "party", task.pk)]
    assert sorted(FollowUp.objects.values_list("department__name", flat=True), key=str) == [None, "甲市教育局"]

    page = client(cw.cindy).get(f"/consultations/tasks/{task.pk}/")
    sections = {s["year"]: s for s in page.context["sections"]}
    assert sorted(sections) == [YEAR, YEAR + 1]
    assert [r.title for r in sections[YEAR]["reports"]] == [f"{YEAR}年度监督报告"]
    assert [r.title for r in sections[YEAR + 1]["reports"]] == ["跟踪监督总报告", "跟踪监督总报告（修改稿）"]
    assert [a.title for a in sections[YEAR]["activities"]] == ["沿黄湿地实地视察"]
    assert sections[YEAR + 1]["activities"] == []
    assert [i.leader_name for i in sections[YEAR]["instructions"]] == ["李书记"]
    content = page.content.decode()
    assert f"Year {YEAR}" in content and f"Year {YEAR + 1}" in content
    assert page.context["forms"] == {}
    timeline = client(cw.alice).get(f"/consultations/tasks/{task.pk}/").context["timeline"]
    assert [row["changes"] for row in timeline if row["action"] == "Team set"] == [
        [{"label": "Team", "before": "—", "after": "崔欣、王博"}]]
    assert [row["changes"] for row in timeline if row["action"] == "Carried over into the next year"] == [
        [{"label": "Last year (planned)", "before": str(YEAR), "after": str(YEAR + 1)}]]


# --- one task: refusals and bad input ------------------------------------------------------------------


def test_members_and_leaders_cannot_take_staff_steps(cw):
    task = make_task(cw)
    start = earlier_today()
    response = post(cw.cindy, task, "activity", kind="visit", title="未经授权的走访活动", starts_at=local(start),
                    ends_at=local(start + dt.timedelta(hours=1)))
    assert flashed(response) == ["Staff and the team lead record activities."]
    response = post(cw.lily, task, "team", lead=cw.cindy_seat.pk)
    assert flashed(response) == ["Only staff of this committee may do this."]
    response = post(cw.bob, task, "carry_over", note="我想延期到明年")
    assert flashed(response) == ["Only staff of this committee may do this."]
    response = post(cw.carol, task, "instruction", leader_name="某领导", level="party",
                    instructed_on=timezone.localdate().isoformat(), text="同意")
    assert response.status_code == 404  # carol's department is no partner: she does not see the task
    assert Activity.objects.count() == 0
    assert task.team.get(role="lead").member == cw.bob_seat


def test_outsiders_posting_get_a_404(cw):
    task = make_task(cw)
    for role in ("eve", "dave", "ben"):
        response = post(getattr(cw, role), task, "findings", findings="外部人员试图写入的监督发现内容。")
        assert response.status_code == 404
    task.refresh_from_db()
    assert task.findings == ""


def test_a_step_out_of_turn_is_a_clear_message(cw):
    task = make_task(cw, start_year=YEAR, end_year=YEAR)
    response = post(cw.alice, task, "carry_over", note="明年继续跟踪")
    assert flashed(response) == [f"Submit the report for {YEAR} before carrying the task over."]
    response = client(cw.alice).post(f"/consultations/tasks/{task.pk}/", {"action": "start"})
    assert flashed(response) == ["This is Under way; that step is not possible now."]
    response = client(cw.alice).post(f"/consultations/tasks/{task.pk}/", {"action": "nonsense"})
    assert flashed(response) == ["Unknown action."]


def test_service_errors_show_next_to_the_fields(cw):
    task = make_task(cw, start_year=YEAR, end_year=YEAR + 1)
    response = post(cw.bob, task, "report", year=YEAR, kind="final", title="终期报告", text="太短")
    assert response.status_code == 200
    assert response.context["open_action"] == "report"
    assert response.context["forms"]["report"].errors == {"text": ["At least 20 characters."]}
    response = post(cw.bob, task, "report", year=YEAR, kind="final", title="终期报告",
                    text="最终报告的年份必须是任务的最后一年，这里写错了年份。")
    assert response.context["forms"]["report"].errors == {"year": [
        f"The final report is for the task's last year, {YEAR + 1}; carry the task over first if it goes on."]}
    assert TaskReport.objects.count() == 0


def test_a_year_has_one_annual_report(cw):
    task = make_task(cw)
    values = {"year": YEAR, "kind": "annual", "title": f"{YEAR}年度监督报告",
              "text": "湿地保护取得进展，但部分河段仍有违规占用问题，建议持续跟踪。"}
    post(cw.bob, task, "report", **values)
    response = post(cw.bob, task, "report", **values)
    assert response.context["forms"]["report"].errors == {"kind": [f"The report for {YEAR} is already in."]}
    assert TaskReport.objects.count() == 1


@pytest.mark.parametrize(("data", "errors"), [
    ({"year": "1999"}, {"year": ["Select a valid choice. 1999 is not one of the available choices."]}),
    ({"year": "abc"}, {"year": ["Select a valid choice. abc is not one of the available choices."]}),
    ({"kind": "weekly"}, {"kind": ["Select a valid choice. weekly is not one of the available choices."]}),
    ({"title": "报" * 121}, {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
])
def test_report_form_refuses_malformed_input(cw, data, errors):
    task = make_task(cw)
    values = {"year": YEAR, "kind": "interim", "title": "中期报告", "text": "湿地保护取得进展，但部分河段仍有违规占用问题。",
              **data}
    response = post(cw.bob, task, "report", **values)
    assert response.context["forms"]["report"].errors == errors
    assert TaskReport.objects.count() == 0


def test_activity_form_refuses_an_end_before_the_start_and_a_date_outside_the_years(cw):
    task = make_task(cw, start_year=YEAR, end_year=YEAR)
    start = earlier_today()
    response = post(cw.bob, task, "activity", kind="visit", title="实地走访调研", starts_at=local(start),
                    ends_at=local(start - dt.timedelta(hours=1)))
    assert response.context["forms"]["activity"].errors == {"ends_at": ["The end must not be before the start."]}
    before = start.replace(year=YEAR - 1)
    response = post(cw.bob, task, "activity", kind="visit", title="实地走访调研", starts_at=local(before),
                    ends_at=local(before + dt.timedelta(hours=1)))
    assert response.context["forms"]["activity"].errors == {"starts_at": [f"The task runs from {YEAR} to {YEAR}."]}
    response = post(cw.bob, task, "activity", kind="visit", title="实地走访调研", starts_at="yesterday",
                    ends_at="")
    assert response.context["forms"]["activity"].errors == {"starts_at": ["Enter a valid date/time."],
                                                            "ends_at": ["This field is required."]}
    assert Activity.objects.count() == 0


def test_team_form_refuses_members_of_other_committees_and_malformed_ids(cw):
    task = make_task(cw, team=False, start=False)
    response = post(cw.alice, task, "team", lead=cw.ben_seat.pk)
    assert response.context["forms"]["team"].errors == {
        "lead": ["Select a valid choice. That choice is not one of the available choices."]}
    response = post(cw.alice, task, "team", lead="", members=["x"])
    assert response.context["forms"]["team"].errors == {"lead": ["This field is required."],
                                                        "members": ["“x” is not a valid value."]}
    assert task.team.count() == 0


# --- an activity ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("alice", 200), ("lily", 200), ("bob", 200), ("cindy", 200), ("carol", 200), ("root", 200),
    ("hank", 404), ("ada", 404), ("dave", 404), ("ben", 404), ("eve", 404),
])
def test_activity_page_per_role(cw, role, status):
    activity = held_activity(cw, make_task(cw, partners=[cw.dept_a]))
    assert client(getattr(cw, role)).get(f"/consultations/tasks/activities/{activity.pk}/").status_code == status


def test_staff_record_attendance_as_for_a_session(cw):
    activity = held_activity(cw, make_task(cw))
    url = f"/consultations/tasks/activities/{activity.pk}/"
    cindy = activity.participants.get(member=cw.cindy_seat)
    response = client(cw.alice).post(url, {"action": "attendance", "participant": cindy.pk,
                                           f"att-{cindy.pk}-attendance": "excused"})
    assert response.status_code == 200
    assert response.context["places"][1].form.errors == {"note": ["Give the reason for the excused absence."]}
    response = client(cw.alice).post(url, {"action": "attendance", "participant": cindy.pk,
                                           f"att-{cindy.pk}-attendance": "excused",
                                           f"att-{cindy.pk}-note": "因公出差"})
    assert flashed(response) == ["Attendance of 崔欣 is recorded."]
    cindy.refresh_from_db()
    assert (cindy.attendance, cindy.response_note) == (Attendance.EXCUSED, "因公出差")

    bob = activity.participants.get(member=cw.bob_seat)
    response = client(cw.bob).post(url, {"action": "check_in", "participant": bob.pk})
    assert flashed(response) == ["王博 is signed in."]
    bob.refresh_from_db()
    assert bob.attendance == Attendance.PRESENT
    response = client(cw.bob).post(url, {"action": "check_in", "participant": bob.pk})
    assert flashed(response)[0].startswith("Already signed in at ")

    page = client(cw.alice).get(url)
    assert page.context["counts"] == {"": 0, "present": 1, "excused": 1, "absent": 0}
    recorded = [row for row in page.context["timeline"] if row["action"] == "Attendance recorded"]
    assert [(row["changes"], row["note"]) for row in recorded] == [
        ([{"label": "Attendance", "before": "Not recorded", "after": "Excused absence"}], "崔欣 因公出差")]
    assert client(cw.bob).get(url).context["timeline"] is None


def test_members_cannot_record_others_attendance(cw):
    activity = held_activity(cw, make_task(cw))
    url = f"/consultations/tasks/activities/{activity.pk}/"
    bob = activity.participants.get(member=cw.bob_seat)
    response = client(cw.cindy).post(url, {"action": "check_in", "participant": bob.pk})
    assert flashed(response) == ["You can only sign yourself in."]
    response = client(cw.bob).post(url, {"action": "attendance", "participant": bob.pk,
                                         f"att-{bob.pk}-attendance": "present"})
    assert flashed(response) == ["Only staff of this committee may do this."]
    response = client(cw.alice).post(url, {"action": "attendance", "participant": "abc"})
    assert response.status_code == 404
    other = held_activity(cw, make_task(cw, title="另一项监督任务"))
    response = client(cw.alice).post(url, {"action": "check_in",
                                           "participant": other.participants.first().pk})
    assert response.status_code == 404
    bob.refresh_from_db()
    assert (bob.attendance, bob.checked_in_at) == ("", None)


def test_staff_add_members_and_guests_to_a_coming_activity(cw):
    activity = coming_activity(cw, make_task(cw))
    url = f"/consultations/tasks/activities/{activity.pk}/"
    assert sorted(activity.participants.values_list("name", flat=True)) == ["崔欣", "王博"]
    dora_seat = directory.member_create(actor=cw.alice, committee=cw.a, term=cw.term_a, sector=cw.sector_a,
                                        name="杜拉", phone="13800000009", username="dora")
    response = client(cw.alice).post(url, {"action": "invite", "invite-members": [dora_seat.pk],
                                           "invite-guest_name": "<b>李教授</b>", "invite-guest_organisation": "甲市大学",
                                           "invite-guest_role": "expert"})
    assert flashed(response) == ["The participants are added."]
    assert list(activity.participants.order_by("id").values_list("name", "role")) == [
        ("王博", "member"), ("崔欣", "member"), ("杜拉", "member"), ("<b>李教授</b>", "expert")]
    content = client(cw.alice).get(url).content.decode()
    assert "&lt;b&gt;李教授&lt;/b&gt;" in content and "<b>李教授</b>" not in content

    response = client(cw.alice).post(url, {"action": "invite", "invite-guest_name": "名" * 61})
    assert response.context["invite_form"].errors == {
        "guest_name": ["Ensure this value has at most 60 characters (it has 61)."]}
    response = client(cw.alice).post(url, {"action": "invite"})
    assert response.context["invite_form"].errors == {"members": ["Choose whom to invite."]}
    response = client(cw.alice).post(url, {"action": "invite", "invite-members": [cw.ben_seat.pk]})
    assert response.context["invite_form"].errors == {
        "members": [f"Select a valid choice. {cw.ben_seat.pk} is not one of the available choices."]}
    assert activity.participants.count() == 4

    dora = activity.participants.get(member=dora_seat)
    response = client(cw.bob).post(url, {"action": "remove", "participant": dora.pk})
    assert flashed(response) == ["Only staff of this committee may do this."]
    response = client(cw.alice).post(url, {"action": "remove", "participant": dora.pk})
    assert flashed(response) == ["杜拉 is removed from the list."]
    assert sorted(activity.participants.values_list("name", flat=True)) == ["<b>李教授</b>", "崔欣", "王博"]


def test_the_list_of_an_activity_that_is_over_stays_as_it_was(cw):
    activity = held_activity(cw, make_task(cw))
    activity.ends_at = timezone.now() - dt.timedelta(minutes=1)
    activity.save()
    url = f"/consultations/tasks/activities/{activity.pk}/"
    page = client(cw.alice).get(url)
    assert (page.context["is_over"], page.context["invite_form"]) == (True, None)
    cindy = activity.participants.get(member=cw.cindy_seat)
    response = client(cw.alice).post(url, {"action": "remove", "participant": cindy.pk})
    assert flashed(response) == ["This is over; its list of participants stays as it was."]
    response = client(cw.alice).post(url, {"action": "invite", "invite-guest_name": "李教授"})
    assert flashed(response) == ["This is over; nobody more can be invited."]
    assert activity.participants.count() == 2


def test_the_lead_writes_what_an_activity_found(cw):
    activity = held_activity(cw, make_task(cw))
    url = f"/consultations/tasks/activities/{activity.pk}/"
    data = {"action": "edit", "edit-kind": "inspection", "edit-title": "沿黄湿地实地视察",
            "edit-starts_at": local(activity.starts_at), "edit-ends_at": local(activity.ends_at),
            "edit-place": "黄河湿地公园", "edit-summary": "发现两处违规养殖点，已现场交办属地整改。"}
    response = client(cw.bob).post(url, data)
    assert flashed(response) == ["The activity is saved."]
    activity.refresh_from_db()
    assert activity.summary == "发现两处违规养殖点，已现场交办属地整改。"
    response = client(cw.cindy).post(url, {**data, "edit-summary": "组员无权修改"})
    assert flashed(response) == ["Staff and the team lead record activities."]
    assert client(cw.cindy).get(url).context["edit_form"] is None
    activity.refresh_from_db()
    assert activity.summary == "发现两处违规养殖点，已现场交办属地整改。"


def test_participants_of_an_activity_count_once(cw):
    activity = coming_activity(cw, make_task(cw))
    cs.participants_invite(actor=cw.alice, event=activity, members=[cw.bob_seat, cw.cindy_seat])
    assert Participant.objects.filter(activity=activity).count() == 2
