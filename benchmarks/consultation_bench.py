"""Consultation, supervision and information pages at a province's scale: one year of work for
31 committees (a province, 10 cities, 20 counties, 5,000 members) — 3,720 sessions with
≈130,000 invitations, 775 supervision/research tasks with 4,650 activities, 77,500
social-conditions items with their authors, adoptions, bulletin issues and instructions.

Each page is requested in-process through Django's test client as a signed-in user (the
middleware, session, templates and queries are all real; no network), several times, and
reported as the median time and its ratio to a floor measured in the same run: the bare DRF
health endpoint through the same client.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench_consult
    .venv/bin/python benchmarks/consultation_bench.py --runs 7        # seeds once (~2 min), then measures

The database name must contain "bench": the seed bypasses the services (bulk inserts of what
the services would have left) and is only for measuring.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import seed  # noqa: E402

SESSIONS_PER_COMMITTEE = 120
INVITED_PER_SESSION = 35
TASKS_PER_COMMITTEE = 25
ACTIVITIES_PER_TASK = 6
ITEMS_PER_COMMITTEE = 2500
BATCH = 5000


def _year_time(rng: random.Random, year: int) -> dt.datetime:
    from django.utils import timezone

    day = dt.date(year, 1, 2) + dt.timedelta(days=rng.randrange(0, 355))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice([9, 14, 15]))))


def seed_consultations(year: int) -> dict:
    """Bulk-load a year of consultation work (once; a second call finds it and returns)."""
    from django.db import transaction

    from consultations.choices import (
        GRASSROOTS_STEPS,
        AdoptionLevel,
        Attendance,
        InformationStatus,
        InstructionLevel,
        InvitationStatus,
        IssueStatus,
        ResultStatus,
        SessionStatus,
        SpeechKind,
        SpeechStatus,
        SupervisionKind,
        TaskCategory,
        TaskStatus,
        TeamRole,
        TopicSource,
        TopicStatus,
    )
    from consultations.models import (
        Activity,
        Adoption,
        Bulletin,
        BulletinIssue,
        Consultation,
        ConsultationKind,
        InformationAuthor,
        InformationItem,
        Instruction,
        Participant,
        Result,
        Speech,
        Task,
        TeamMember,
        Topic,
    )
    from consultations.services.consultations import DEFAULT_KINDS
    from members.models import Committee, CommitteeRole, Member

    if Consultation.objects.exists():
        return {"seeded": "already"}
    rng = random.Random(f"{seed.SEED}-consult")
    staff_user = {r.committee_id: r.user_id for r in CommitteeRole.objects.filter(role="staff")}
    counts: dict[str, int] = {}
    with transaction.atomic():
        for committee in Committee.objects.order_by("id"):
            members = list(Member.objects.filter(committee=committee).values_list("pk", "user_id", "name"))
            author = staff_user[committee.pk]
            kinds = ConsultationKind.objects.bulk_create([
                ConsultationKind(committee=committee, name=name, form=form, order=k,
                                 steps=list(GRASSROOTS_STEPS) if form == "grassroots" else [])
                for k, (name, form) in enumerate(DEFAULT_KINDS)])
            topics = Topic.objects.bulk_create([
                Topic(committee=committee, year=year, title=f"协商议题{k}", description="议题说明" * 10,
                      source=rng.choice(TopicSource.values), submitted_by_id=author,
                      status=TopicStatus.DONE, planned_month=rng.randrange(1, 13))
                for k in range(40)])
            sessions = []
            for k in range(SESSIONS_PER_COMMITTEE):
                start = _year_time(rng, year)
                status = SessionStatus.HELD if k % 20 else rng.choice([SessionStatus.ANNOUNCED, SessionStatus.PLANNED,
                                                                       SessionStatus.CANCELLED])
                sessions.append(Consultation(
                    committee=committee, kind=rng.choice(kinds), title=f"{committee.short_name}协商会{k}",
                    starts_at=start, ends_at=start + dt.timedelta(hours=3), place="政协会议室", status=status,
                    created_by_id=author, held_at=start if status == SessionStatus.HELD else None))
            sessions = Consultation.objects.bulk_create(sessions)
            Consultation.topics.through.objects.bulk_create([
                Consultation.topics.through(consultation_id=s.pk, topic_id=rng.choice(topics).pk) for s in sessions])
            invitations = []
            for s in sessions:
                held = s.status == SessionStatus.HELD
                for member_id, user_id, name in rng.sample(members, min(INVITED_PER_SESSION, len(members))):
                    roll = rng.random()
                    invitations.append(Participant(
                        consultation=s, member_id=member_id, user_id=user_id, name=name,
                        invitation=InvitationStatus.ACCEPTED if roll < 0.85 else InvitationStatus.DECLINED,
                        attendance=(Attendance.PRESENT if roll < 0.8 else Attendance.EXCUSED if roll < 0.93
                                    else Attendance.ABSENT) if held else Attendance.UNKNOWN))
            invitations = Participant.objects.bulk_create(invitations, batch_size=BATCH)
            Speech.objects.bulk_create([
                Speech(consultation_id=p.consultation_id, participant=p, kind=rng.choice(SpeechKind.values),
                       title="发言题目", text="发言内容" * 20, status=SpeechStatus.DELIVERED)
                for p in invitations if p.attendance == Attendance.PRESENT and rng.random() < 0.12],
                batch_size=BATCH)
            held = [s for s in sessions if s.status == SessionStatus.HELD]
            results = Result.objects.bulk_create([
                Result(consultation=s, committee=committee, title=f"协商成果{s.pk}", text="成果正文" * 50,
                       status=rng.choice([ResultStatus.SENT, ResultStatus.CLOSED, ResultStatus.APPROVED]),
                       created_by_id=author) for s in held[::2]])
            tasks = []
            for k in range(TASKS_PER_COMMITTEE):
                category = [TaskCategory.SUPERVISION, TaskCategory.RESEARCH, TaskCategory.INSPECTION][k % 3]
                tasks.append(Task(
                    committee=committee, category=category, title=f"监督调研课题{k}",
                    supervision_kind=rng.choice(SupervisionKind.values[1:]) if category == TaskCategory.SUPERVISION
                    else "", start_year=year - (k % 4 == 0), end_year=year, status=TaskStatus.ACTIVE,
                    created_by_id=author))
            tasks = Task.objects.bulk_create(tasks)
            TeamMember.objects.bulk_create([
                TeamMember(task=t, member_id=m[0], role=TeamRole.LEAD if i == 0 else TeamRole.MEMBER)
                for t in tasks for i, m in enumerate(rng.sample(members, 6))])
            activities = []
            for t in tasks:
                for _k in range(ACTIVITIES_PER_TASK):
                    start = _year_time(rng, year)
                    activities.append(Activity(task=t, kind="visit", title="实地视察", starts_at=start,
                                               ends_at=start + dt.timedelta(hours=4), created_by_id=author))
            activities = Activity.objects.bulk_create(activities)
            Participant.objects.bulk_create([
                Participant(activity=a, member_id=m[0], user_id=m[1], name=m[2], invitation=InvitationStatus.ACCEPTED,
                            attendance=Attendance.PRESENT) for a in activities for m in rng.sample(members, 8)],
                batch_size=BATCH)
            bulletin = Bulletin.objects.create(committee=committee, name="社情民意")
            issues = BulletinIssue.objects.bulk_create([
                BulletinIssue(bulletin=bulletin, committee=committee, year=year, number=n, status=IssueStatus.SENT,
                              created_by_id=author) for n in range(1, 25)])
            items = []
            for k in range(ITEMS_PER_COMMITTEE):
                roll = rng.random()
                status = (InformationStatus.SENT if roll < 0.35 else InformationStatus.NOT_ADOPTED if roll < 0.6
                          else InformationStatus.SUBMITTED if roll < 0.75 else rng.choice(InformationStatus.values))
                submitted = _year_time(rng, year)
                items.append(InformationItem(
                    committee=committee, title=f"社情民意信息{k}", content="信息正文" * 60, status=status,
                    submitted_by_id=members[k % len(members)][1], submitted_at=submitted,
                    issue=rng.choice(issues) if status == InformationStatus.SENT else None))
            items = InformationItem.objects.bulk_create(items, batch_size=BATCH)
            authors = []
            for k, item in enumerate(items):
                people = [members[k % len(members)]] + (rng.sample(members, 1) if rng.random() < 0.4 else [])
                people = list(dict.fromkeys(people))
                shares = [1] if len(people) == 1 else [0.5, 0.5]
                authors += [InformationAuthor(item=item, member_id=m[0], user_id=m[1], name=m[2], order=i + 1,
                                              share=shares[i]) for i, m in enumerate(people)]
            InformationAuthor.objects.bulk_create(authors, batch_size=BATCH)
            sent = [i for i in items if i.status == InformationStatus.SENT]
            Adoption.objects.bulk_create(
                [Adoption(item=i, level=AdoptionLevel.COMMITTEE, adopted_on=i.submitted_at.date(), adopted_by="本会")
                 for i in sent]
                + [Adoption(item=i, level=AdoptionLevel.HIGHER, adopted_on=i.submitted_at.date(), adopted_by="上级")
                   for i in sent[::7]], batch_size=BATCH)
            Instruction.objects.bulk_create(
                [Instruction(result=r, committee=committee, leader_name="王书记", level=InstructionLevel.PARTY,
                             instructed_on=dt.date(year, 6, 1), text="请研究落实", recorded_by_id=author)
                 for r in results[::2]]
                + [Instruction(information=i, committee=committee, leader_name="李市长",
                               level=InstructionLevel.GOVERNMENT, instructed_on=dt.date(year, 6, 1),
                               text="请相关部门办理", recorded_by_id=author) for i in sent[::10]],
                batch_size=BATCH)
            for name, n in (("sessions", len(sessions)), ("invitations", len(invitations)), ("tasks", len(tasks)),
                            ("activities", len(activities)), ("items", len(items)), ("authors", len(authors))):
                counts[name] = counts.get(name, 0) + n
    seed.vacuum_analyze()
    return counts


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm: templates, the session, the user's scope
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.append(time.perf_counter() - began)
    return {"median_ms": statistics.median(times) * 1000, "runs_ms": [t * 1000 for t in times],
            "queries": len(queries), "bytes": len(response.content)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = benchlib.database_url()
    seed.ensure_database(url, reset=False)
    benchlib.setup_django()

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from consultations.services.consultations import calendar_feed_token
    from cppcc_portal.core.models import CalendarDay
    from cppcc_portal.core.services import calendar_seed_from_package
    from members.models import Committee, Member, User

    call_command("migrate", interactive=False, verbosity=0)
    if not CalendarDay.objects.exists():
        calendar_seed_from_package()
    if not Committee.objects.exists():
        seed.build_organisation(random.Random(f"{seed.SEED}-org"))
    year = timezone.localdate().year
    began = time.perf_counter()
    counts = seed_consultations(year)
    seed.log(f"seed: {counts} in {time.perf_counter() - began:.1f}s")

    staff = User.objects.get(username="bench-staff-province")
    member = Member.objects.filter(committee__level="municipal").order_by("id").first().user
    staff_client, member_client = Client(HTTP_HOST=benchlib.LOOPBACK), Client(HTTP_HOST=benchlib.LOOPBACK)
    staff_client.force_login(staff)
    member_client.force_login(member)
    token = calendar_feed_token(actor=member)
    scenarios = [
        ("floor: GET /api/v1/health/", staff_client, "/api/v1/health/"),
        ("reference: GET /api/v1/me/ (signed in, the user's scope)", staff_client, "/api/v1/me/"),
        ("staff: statistics page (31 committees)", staff_client, f"/consultations/statistics/?year={year}"),
        ("staff: statistics API", staff_client, f"/api/v1/consultation-statistics/?year={year}"),
        ("staff: consultation list, page 1", staff_client, "/consultations/"),
        ("staff: information list, page 1", staff_client, "/information/"),
        ("staff: information review queue", staff_client, "/information/review/"),
        ("staff: calendar, this month", staff_client, "/consultations/calendar/"),
        ("staff: information API list", staff_client, "/api/v1/information/"),
        ("member: my meetings", member_client, "/consultations/mine/"),
        ("member: my information", member_client, "/information/mine/"),
        ("member: calendar feed (.ics, 14 months)", Client(HTTP_HOST=benchlib.LOOPBACK), f"/consultations/calendar/{token}.ics"),
    ]
    rows = []
    for label, client, path in scenarios:
        rows.append({"scenario": label, "path": path, **measure(client, path, args.runs)})
    floor = rows[0]["median_ms"]
    print(f"\n{counts}\n")
    reference = rows[1]["median_ms"]
    print("| scenario | median ms | × floor | × /me/ | queries |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['scenario']} | {row['median_ms']:.1f} | {row['median_ms'] / floor:.0f} | "
              f"{row['median_ms'] / reference:.1f} | {row['queries']} |")
    out = benchlib.RESULTS_DIR / f"consultation-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"runs": args.runs, "counts": counts, "rows": rows}, ensure_ascii=False, indent=1))
    print(f"\nfull results: {out.relative_to(benchlib.ROOT)}")


if __name__ == "__main__":
    main()
