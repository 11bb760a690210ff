"""The demo studio work and duty-record scores: loaded through the services on top of the other
demos, they show every state a concern can be in, a roster with the demo member on duty, studio
activities with attendance, the year's published rules with scores, and a second run creates
nothing. Also the admin of the duty and studio models: read-only where the state moves through
services, and the rules and the roster edited through the services."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.choices import Attendance, ConcernConversion, ConcernStatus, DutyPeriod, StudioActivityKind
from consultations.management import studio_texts as texts
from consultations.models import Concern, DutyShift, InformationItem, Participant, StudioActivity
from consultations.services import studios
from cppcc_portal.core import workdays
from cppcc_portal.core.models import AuditEntry, Notification
from members import duty
from members.choices import DutyKind, JobStatus, RuleSetStatus
from members.models import (
    AssessmentRule,
    AssessmentRuleSet,
    Committee,
    DutyEntry,
    DutyScore,
    Member,
    RecomputeJob,
    Studio,
    User,
)
from proposals.choices import CaseStatus, ProposalStatus, Rating
from proposals.models import Assignment, Case, Proposal

pytestmark = pytest.mark.django_db
CITY = "政协濮阳市委员会"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def counts() -> tuple:
    return tuple(model.objects.count() for model in (
        Concern, DutyShift, StudioActivity, Participant, AssessmentRuleSet, AssessmentRule, RecomputeJob, DutyEntry,
        DutyScore, Case, Proposal, InformationItem, AuditEntry, Notification))


def test_demo_studios_show_every_state_score_the_year_and_a_second_run_creates_nothing(tmp_path):
    run("demo_data", "--quiet")
    run("demo_proposals", "--quiet")
    run("demo_consultations", "--quiet")
    logins = tmp_path / "logins.txt"
    logins.write_text("Demo logins:\n", encoding="utf-8")

    output = run("demo_studios", "--quiet", "--logins-file", str(logins))

    now, today = timezone.now(), timezone.localdate()
    year = today.year
    city = Committee.objects.get(name=CITY)
    member, liaison = User.objects.get(username="member"), User.objects.get(username="liaison")
    demo = Member.objects.get(user=member, committee=city)
    studio_list = list(Studio.objects.filter(committee=city, name__in=texts.STUDIOS.values()))
    by_key = {key: next(s for s in studio_list if s.name == name) for key, name in texts.STUDIOS.items()}
    shifts = DutyShift.objects.filter(studio__in=studio_list)
    created = shifts.count() + 40 + 20 + 2 + 3
    assert output.startswith("Demo studios ready in ")
    assert output.splitlines()[0].split(": ", 1)[1] == f"{created} objects created, 0 already present."

    # the roster: each studio's duty days from eight weeks back to four ahead, morning and afternoon,
    # nobody in two places on one day, the demo member on duty in her studio this week and next
    start, end = today - dt.timedelta(days=56), today + dt.timedelta(days=28)
    expected = {(s.pk, start + dt.timedelta(days=n)) for key, s in by_key.items() for n in range(85)
                if (start + dt.timedelta(days=n)).weekday() in texts.DUTY_DAYS[key]
                and workdays.is_workday(start + dt.timedelta(days=n))}
    assert Counter(shifts.values_list("studio_id", "date")) == dict.fromkeys(expected, 2)
    assert set(shifts.values_list("period", flat=True)) == {DutyPeriod.MORNING, DutyPeriod.AFTERNOON}
    assert (min(shifts.values_list("date", flat=True)) >= start, max(shifts.values_list("date", flat=True)) <= end) \
        == (True, True)
    assert max(Counter(shifts.values_list("member_id", "date")).values()) == 1
    monday = today - dt.timedelta(days=today.weekday())
    for week in (0, 1):
        assert shifts.filter(studio=by_key["yang"], member=demo, date__gte=monday + dt.timedelta(weeks=week),
                             date__lte=monday + dt.timedelta(weeks=week, days=6)).exists()
    assert studios.is_studio_member(member, by_key["yang"])

    # concerns from the public in every state, taken up in each way
    concerns = Concern.objects.filter(studio__in=studio_list)
    assert Counter(concerns.values_list("status", flat=True)) == {
        ConcernStatus.NEW: 5, ConcernStatus.ASSIGNED: 5, ConcernStatus.REPLIED: 11, ConcernStatus.CONVERTED: 10,
        ConcernStatus.CLOSED: 9}
    assert Counter(concerns.values_list("conversion", flat=True)) == {
        "": 29, ConcernConversion.MICRO_SUGGESTION: 7, ConcernConversion.PROPOSAL: 2, ConcernConversion.INFORMATION: 2}
    assert Counter(concerns.values_list("studio__name", flat=True)) == {
        "杨明明委员工作室": 12, "农工党界别委员工作室": 10, "医药卫生界委员工作室": 10, "工商联界别委员工作室": 8}
    phones = list(concerns.values_list("phone", flat=True))
    assert (all(studios.PHONE.match(p) for p in phones), len(set(phones))) == (True, 40)
    assert not concerns.filter(Q(created_at__gt=now) | Q(created_at__lt=now - dt.timedelta(days=92))).exists()
    assert not concerns.exclude(status=ConcernStatus.NEW).filter(assigned_to__isnull=True).exists()
    assert set(concerns.filter(status=ConcernStatus.CLOSED, reply="").values_list("close_note", flat=True)) == {
        s.close_note for s in texts.CONCERNS if s.fate == texts.DISMISSED} | {
        s.close_note for s in texts.CONCERNS if s.fate == texts.MICRO and s.close_note}
    cases = Case.objects.filter(concern__studio__in=studio_list)
    assert Counter(cases.values_list("status", flat=True)) == {CaseStatus.CLOSED: 3, CaseStatus.REPLIED: 1,
                                                               CaseStatus.HANDLING: 3}
    assert Counter(cases.filter(status=CaseStatus.CLOSED).values_list("rating", flat=True)) == {
        Rating.SATISFIED: 2, Rating.BASICALLY: 1}
    assert sorted(Assignment.objects.filter(case__in=cases, department__liaisons__user=liaison)
                  .values_list("status", flat=True)) == ["accepted", "replied"]
    assert Counter(Proposal.objects.filter(concern__studio__in=studio_list).values_list("status", flat=True)) == {
        ProposalStatus.DRAFT: 2}
    assert Counter(InformationItem.objects.filter(concern__studio__in=studio_list)
                   .values_list("status", flat=True)) == {"draft": 2}
    # the lamp-post concern: taken up by the demo member, answered by the liaison's department, rated
    lamps = concerns.get(description=texts.CONCERNS[0].description)
    public = studios.concern_public_status(lamps.tracking_code)
    assert (lamps.converted_by, lamps.converted_case.rating, public["closed"]) == (demo, Rating.SATISFIED, True)
    assert [r["department"] for r in public["replies"]] == ["濮阳市住房和城乡建设局"]
    assert public["replies"][0]["text"].startswith("杨明明委员：\n您提出的《关于尽快修复建业小区南门至昆吾路段损坏路灯的建议》收悉。")
    assert (lamps.phone in str(public), texts.CONCERNS[0].name in str(public),
            texts.CONCERNS[0].place in str(public)) == (False, False, False)
    # the concerns a member answered or took up are in her duty record
    handled = set(concerns.filter(assigned_to=demo, replied_at__year=year).exclude(reply="").values_list("pk", flat=True)) \
        | set(concerns.filter(assigned_to=demo, converted_at__year=year).values_list("pk", flat=True))
    assert set(DutyEntry.objects.filter(member=demo, year=year, kind=DutyKind.CONCERN_HANDLED)
               .values_list("source_id", flat=True)) == handled
    assert len(handled) >= 4

    # studio activities with attendance, the follow-up of last quarter, a few still to come
    activities = StudioActivity.objects.filter(studio__in=studio_list)
    assert Counter(activities.values_list("kind", flat=True)) == {
        StudioActivityKind.RECEPTION: 7, StudioActivityKind.VISIT: 4, StudioActivityKind.SEMINAR: 5,
        StudioActivityKind.FOLLOW_UP: 4}
    quarter = (today.month - 1) // 3
    last_quarter = f"{year}Q{quarter}" if quarter else f"{year - 1}Q4"
    follow_ups = activities.filter(kind=StudioActivityKind.FOLLOW_UP)
    assert set(follow_ups.values_list("quarter", flat=True)) == {last_quarter}
    assert all(a.summary.startswith("会议") and a.starts_at < now for a in follow_ups)
    held = Participant.objects.filter(studio_activity__in=activities.filter(ends_at__lt=now), member__isnull=False)
    coming = Participant.objects.filter(studio_activity__in=activities.filter(starts_at__gt=now))
    assert set(held.values_list("attendance", flat=True)) == {Attendance.PRESENT, Attendance.EXCUSED,
                                                              Attendance.ABSENT}
    assert set(held.filter(member=demo, studio_activity__studio=by_key["yang"]).values_list("attendance",
                                                                                           flat=True)) == {"present"}
    assert (activities.filter(starts_at__gt=now).count(), set(coming.values_list("attendance", flat=True))) == (
        3, {Attendance.UNKNOWN})
    assert sorted(coming.filter(member__isnull=True).values_list("name", flat=True)) == ["刘秀兰", "王建国"]

    # the year's rules, published; last year's a draft copy; both years recomputed in full
    rules = AssessmentRuleSet.objects.get(committee=city, year=year)
    assert (rules.status, rules.title, rules.base_score, rules.max_score, rules.grades, rules.minimums) == (
        RuleSetStatus.PUBLISHED, f"{year}年度委员履职量化考核办法", Decimal("60.00"), Decimal("120.00"),
        [{"grade": "优秀", "min": "90"}, {"grade": "良好", "min": "80"}, {"grade": "合格", "min": "60"}],
        [{"kind": "proposal_submitted", "count": 1}, {"kind": "information_submitted", "count": 1}])
    assert sorted(rules.rules.values_list("kind", flat=True)) == sorted(DutyKind.values)
    absent = rules.rules.get(kind=DutyKind.MEETING_ABSENT)
    filed = rules.rules.get(kind=DutyKind.PROPOSAL_FILED)
    assert (absent.points, absent.cap, filed.split, filed.first_share) == (
        Decimal("-10.00"), Decimal("30.00"), "first_share", Decimal("0.500"))
    copy = AssessmentRuleSet.objects.get(committee=city, year=year - 1)
    assert (copy.status, copy.copied_from, copy.title, copy.rules.count()) == (
        RuleSetStatus.DRAFT, rules, f"{year - 1}年度委员履职量化考核办法", 25)
    seats = Member.objects.filter(committee=city).count()
    assert sorted(RecomputeJob.objects.filter(committee=city).values_list("year", "status", "done", "total")) == [
        (year - 1, JobStatus.DONE, seats, seats), (year, JobStatus.DONE, seats, seats)]
    scores = DutyScore.objects.filter(committee=city, year=year)
    assert scores.count() == seats
    assert set(scores.values_list("grade", flat=True)) <= {"优秀", "良好", "合格", ""}
    mine = scores.get(member=demo)
    assert {DutyKind.STUDIO_DUTY, DutyKind.STUDIO_ACTIVITY, DutyKind.CONCERN_HANDLED} <= set(mine.counts)
    expected_score = duty.score(rules, {r.kind: r for r in rules.rules.all()},
                                DutyEntry.objects.filter(member=demo, year=year))
    assert (mine.total, mine.grade) == (expected_score.total, expected_score.grade)

    # what staff recorded by hand, each with a certificate as evidence
    manual = DutyEntry.objects.filter(committee=city, is_manual=True)
    assert Counter(manual.values_list("kind", flat=True)) == {DutyKind.OTHER: 2, DutyKind.PROPOSAL_EXCELLENT: 1}
    assert manual.get(member=demo).label == "赴濮阳县王称堌镇开展“健康义诊进乡村”活动"
    assert sorted((e.evidence.get().content_type, e.evidence.get().original_name.split("-")[0]) for e in manual) == [
        ("application/pdf", "优秀提案通报"), ("application/pdf", "情况证明"), ("application/pdf", "结业证明")]
    assert all(e.created_by.username == "staff" and e.occurred_on < today for e in manual)

    # nothing dated in the future; the public pages and three codes in the logins table
    assert not AuditEntry.objects.filter(created_at__gt=now).exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    table = logins.read_text(encoding="utf-8")
    line = table.splitlines()[-1]
    assert line.startswith(f"Member studios (no login): {reverse('studio_index')} · status page "
                           f"{reverse('concern_status_lookup')}, try ")
    codes = re.findall(r"\b[A-Z2-9]{10}\b", line)
    assert [studios.concern_public_status(code)["studio"] for code in codes] == [
        "杨明明委员工作室", "杨明明委员工作室", "医药卫生界委员工作室"]

    before = counts()

    again = run("demo_studios", "--quiet", "--logins-file", str(logins))

    assert again.splitlines()[0].split(": ", 1)[1] == f"0 objects created, {created} already present."
    assert counts() == before
    assert logins.read_text(encoding="utf-8").count(reverse("concern_status_lookup")) == 1


# --- the admin ---------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(cw) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(cw.root)
    return client


@pytest.fixture
def rule_set(cw):
    year = timezone.localdate().year
    rule_set = duty.rule_set_save(actor=cw.alice, committee=cw.a, year=year, title=f"{year}年度委员履职量化考核办法",
                                  base_score=60, max_score=120, grades=[{"grade": "优秀", "min": 90}])
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.MEETING_PRESENT, points=2, cap=20)
    return rule_set


def management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def rule_set_form(rule_set, **changes) -> dict:
    data = {"title": rule_set.title, "base_score": "60", "max_score": "120",
            "grades": json.dumps(rule_set.grades, ensure_ascii=False), "minimums": "[]",
            **management("rules", 2, 1)}
    rule = rule_set.rules.get()
    data.update({"rules-0-id": str(rule.pk), "rules-0-rule_set": str(rule_set.pk), "rules-0-kind": rule.kind,
                 "rules-0-points": str(rule.points), "rules-0-cap": str(rule.cap), "rules-0-split": rule.split,
                 "rules-0-first_share": str(rule.first_share),
                 "rules-1-rule_set": str(rule_set.pk), "rules-1-kind": "", "rules-1-points": "", "rules-1-cap": "",
                 "rules-1-split": "full", "rules-1-first_share": "0.5"})
    data.update(changes)
    return data


def test_admin_adds_a_rule_set_through_the_service_and_audits_it(cw, admin_client):
    year = timezone.localdate().year + 1
    response = admin_client.post("/admin/members/assessmentruleset/add/", {
        "committee": str(cw.a.pk), "year": str(year), "title": f"{year}年度委员履职量化考核办法", "base_score": "70",
        "max_score": "", "grades": '[{"grade": "优秀", "min": 90}]', "minimums": '[{"kind": "speech", "count": 1}]'})

    created = AssessmentRuleSet.objects.get(committee=cw.a, year=year)
    assert response.status_code == 302
    assert (created.base_score, created.max_score, created.grades, created.minimums, created.status) == (
        Decimal("70.00"), None, [{"grade": "优秀", "min": "90"}], [{"kind": "speech", "count": 1}],
        RuleSetStatus.DRAFT)
    assert list(AuditEntry.objects.filter(target_id=created.pk, action__startswith="rule_set.")
                .values_list("action", "actor")) == [("rule_set.create", cw.root.pk)]


def test_admin_changes_the_rules_of_a_kind_through_rule_save(cw, admin_client, rule_set):
    response = admin_client.post(f"/admin/members/assessmentruleset/{rule_set.pk}/change/", rule_set_form(
        rule_set, **{"rules-0-points": "3", "rules-1-kind": DutyKind.MEETING_ABSENT, "rules-1-points": "-10",
                     "rules-1-cap": "30"}))

    assert response.status_code == 302
    assert sorted(rule_set.rules.values_list("kind", "points", "cap")) == [
        (DutyKind.MEETING_ABSENT, Decimal("-10.00"), Decimal("30.00")),
        (DutyKind.MEETING_PRESENT, Decimal("3.00"), Decimal("20.00"))]
    assert sorted(AuditEntry.objects.filter(action="rule.save", actor=cw.root).values_list("note", flat=True)) == [
        "Attended a meeting or consultation: 3", "Unexcused absence from a meeting: -10"]


def test_admin_deletes_a_rule_through_rule_delete(cw, admin_client, rule_set):
    response = admin_client.post(f"/admin/members/assessmentruleset/{rule_set.pk}/change/",
                                 rule_set_form(rule_set, **{"rules-0-DELETE": "on"}))

    assert response.status_code == 302
    assert not rule_set.rules.exists()
    assert AuditEntry.objects.filter(action="rule.delete", actor=cw.root).count() == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"rules-0-points": "5000"}, "points", "the service's"),
    ({"rules-0-first_share": "0.3333"}, "first_share", "Ensure that there are no more than 3 decimal places."),
    ({"rules-1-kind": DutyKind.MEETING_PRESENT, "rules-1-points": "1"}, None,
     "Please correct the duplicate data for kind."),
])
def test_admin_refuses_bad_rules_by_the_field_and_saves_nothing(cw, admin_client, rule_set, changes, field, message):
    response = admin_client.post(f"/admin/members/assessmentruleset/{rule_set.pk}/change/",
                                 rule_set_form(rule_set, **changes))

    if message == "the service's":  # the admin shows rule_save's own message, word for word
        with pytest.raises(ValidationError) as refused:
            duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.MEETING_PRESENT, points=5000)
        message = refused.value.message_dict["points"][0]
    formset = response.context["inline_admin_formsets"][0].formset
    errors = [e for form in formset.forms for e in form.errors.get(field or "__all__", [])] \
        if field else formset.non_form_errors()
    assert response.status_code == 200
    assert list(errors) == [message]
    assert list(rule_set.rules.values_list("kind", "points")) == [(DutyKind.MEETING_PRESENT, Decimal("2.00"))]
    assert not AuditEntry.objects.filter(actor=cw.root, action__startswith="rule").exists()


@pytest.mark.parametrize(("grades", "message"), [
    ('"oops"', 'Give a list like [{"grade": "优秀", "min": 90}].'),
    ('[{"grade": "优秀", "min": 90, "extra": 1}]', 'Give a list like [{"grade": "优秀", "min": 90}].'),
    ('[{"grade": "优秀", "min": "abc"}]', "Give a number."),
    ("{not json", "Enter a valid JSON."),
])
def test_admin_refuses_malformed_grades_and_saves_nothing(cw, admin_client, rule_set, grades, message):
    response = admin_client.post(f"/admin/members/assessmentruleset/{rule_set.pk}/change/",
                                 rule_set_form(rule_set, grades=grades, title="<script>alert(1)</script>考核办法"))

    rule_set.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"grades": [message]}
    assert (rule_set.grades, rule_set.title) == ([{"grade": "优秀", "min": "90"}],
                                                 f"{timezone.localdate().year}年度委员履职量化考核办法")
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;考核办法" in response.content.decode()


def test_admin_actions_publish_copy_and_recompute_through_the_services(cw, admin_client, rule_set):
    url = "/admin/members/assessmentruleset/"
    said = []
    for action in ("publish_selected", "copy_to_next_year", "recompute_selected", "publish_selected"):
        response = admin_client.post(url, {"action": action, "_selected_action": [str(rule_set.pk)]}, follow=True)
        said.append([str(m) for m in response.context["messages"]])

    rule_set.refresh_from_db()
    copy = AssessmentRuleSet.objects.get(copied_from=rule_set)
    assert (rule_set.status, copy.year, copy.status, copy.rules.count()) == (
        RuleSetStatus.PUBLISHED, rule_set.year + 1, RuleSetStatus.DRAFT, 1)
    assert list(RecomputeJob.objects.filter(committee=cw.a).values_list("year", "status")) == [
        (rule_set.year, JobStatus.QUEUED)]
    assert said == [["1 rule sets published."], ["1 rule sets copied."], ["1 recomputes queued."],
                    [f"{rule_set}: These rules are already published."]]


def test_admin_adds_and_removes_shifts_through_the_services(cw, admin_client):
    day = timezone.localdate() + dt.timedelta(days=3)
    data = {"studio": str(cw.studio_a.pk), "member": str(cw.bob_seat.pk), "date": day.isoformat(),
            "period": DutyPeriod.MORNING, "note": "<b>接待来访群众</b>"}

    added = admin_client.post("/admin/consultations/dutyshift/add/", data)
    twice = admin_client.post("/admin/consultations/dutyshift/add/", data)
    stranger = admin_client.post("/admin/consultations/dutyshift/add/", {**data, "member": str(cw.cindy_seat.pk)})

    shift = DutyShift.objects.get()
    assert (added.status_code, shift.member, shift.date, shift.note) == (302, cw.bob_seat, day, "<b>接待来访群众</b>")
    assert twice.context["adminform"].form.errors == {"date": ["This member is already on duty then."]}
    assert stranger.context["adminform"].form.errors == {"member": ["Choose a serving member of this studio."]}
    assert AuditEntry.objects.filter(action="shift.add", actor=cw.root).count() == 1

    removed = admin_client.post(f"/admin/consultations/dutyshift/{shift.pk}/delete/", {"post": "yes"})

    assert (removed.status_code, DutyShift.objects.exists()) == (302, False)
    assert AuditEntry.objects.filter(action="shift.remove", actor=cw.root).count() == 1


def test_records_the_services_keep_are_read_only_in_the_admin(cw, admin_client, rule_set):
    concern = studios.concern_submit(studio=cw.studio_a, phone="13912345678", client="198.51.100.3",
                                     description="小区门口路灯坏了一个多月没人修。", seconds_to_fill=30)
    entry = duty.duty_entry_add(actor=cw.alice, member=cw.bob_seat, kind=DutyKind.OTHER,
                                occurred_on=timezone.localdate(), label="参加社区议事会")
    score = DutyScore.objects.get(member=cw.bob_seat)
    job = duty.duty_recompute_start(actor=cw.alice, committee=cw.a, year=rule_set.year)
    activity = studios.studio_activity_save(actor=cw.alice, studio=cw.studio_a, kind=StudioActivityKind.RECEPTION,
                                            title="委员接待日", starts_at=timezone.now(),
                                            ends_at=timezone.now() + dt.timedelta(hours=2))
    pages = {"members/dutyentry": entry, "members/dutyscore": score, "members/recomputejob": job,
             "consultations/concern": concern, "consultations/studioactivity": activity}

    for path, obj in pages.items():
        assert admin_client.get(f"/admin/{path}/").status_code == 200
        assert admin_client.get(f"/admin/{path}/{obj.pk}/change/").status_code == 200
        assert admin_client.get(f"/admin/{path}/add/").status_code == 403
        assert admin_client.post(f"/admin/{path}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert "198.51.100.3" not in admin_client.get(f"/admin/consultations/concern/{concern.pk}/change/").content.decode()
    assert concern.client_hash not in admin_client.get(
        f"/admin/consultations/concern/{concern.pk}/change/").content.decode()


def _changelist_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/admin/{path}/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["members/dutyentry", "consultations/concern", "consultations/dutyshift",
                                  "consultations/studioactivity"])
def test_admin_lists_cost_the_same_queries_for_one_row_and_ten(cw, admin_client, path):
    today = timezone.localdate()

    def add(n: int) -> None:
        if path == "members/dutyentry":
            duty.duty_entry_add(actor=cw.alice, member=cw.bob_seat, kind=DutyKind.OTHER,
                                occurred_on=today - dt.timedelta(days=n), label=f"社区议事会第{n}次")
        elif path == "consultations/concern":
            studios.concern_submit(studio=cw.studio_a, phone="13912345678", client=f"198.51.100.{n}",
                                   description=f"第{n}个问题：小区门口路灯坏了很久。", seconds_to_fill=30)
        elif path == "consultations/dutyshift":
            studios.shift_add(actor=cw.alice, studio=cw.studio_a, member=cw.bob_seat,
                              date=today + dt.timedelta(days=n), period=DutyPeriod.MORNING)
        else:
            studios.studio_activity_save(actor=cw.alice, studio=cw.studio_a, kind=StudioActivityKind.VISIT,
                                         title=f"走访企业第{n}次", starts_at=timezone.now() - dt.timedelta(days=n),
                                         ends_at=timezone.now() - dt.timedelta(days=n, hours=-2))

    add(0)
    one = _changelist_queries(admin_client, path)
    for n in range(1, 10):
        add(n)
    assert _changelist_queries(admin_client, path) == one
