"""Duty records and assessment at a province's scale: recompute a year's duty records and
scores for 5,000 members from the actions the portal holds (consultation_bench.py's year:
130,200 invitations, 77,500 information items with 108,264 authors and their adoptions and
instructions, 775 tasks with their teams and activities, speeches) under published rules for
each of the 31 committees, made through the members.duty services.

Per run, in-process:

(a) full recompute: the year's entries and scores are deleted, then for every committee
    ``duty_recompute_start`` + ``duty_recompute_run`` (what the Celery worker runs); total
    seconds, entries created, members/s, and the time spent in each source and in scoring;
(b) the same again with nothing changed (idempotent: nothing created);
(c) incremental: for 50 members, ``duty_touch`` in a transaction, then ``duty_sync_dirty``
    (median ms), and the queries of one such sync;
(d) the floor: ``Member.objects.filter(pk=…).exists()`` for the same 50 members (median ms).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench_consult
    .venv/bin/python benchmarks/duty_bench.py --runs 3

The database name must contain "bench" (the year's duty entries and scores are deleted at the
start of each run). Nothing reaches a broker: the outbox's publishing and the after-commit
sync are replaced by no-ops, the script runs the work itself.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402
import seed  # noqa: E402
from consultation_bench import seed_consultations  # noqa: E402

INCREMENTAL_MEMBERS = 50


def rules_table():
    from members.choices import DutyKind as K, SplitMode as S

    return [
        (K.MEETING_PRESENT, 2, 20, S.FULL),
        (K.MEETING_ABSENT, -10, None, S.FULL),
        (K.SPEECH, 3, None, S.FULL),
        (K.INFORMATION_SUBMITTED, 2, None, S.FULL),
        (K.INFORMATION_ADOPTED, 5, None, S.RECORDED),
        (K.INFORMATION_ADOPTED_HIGHER, 10, None, S.RECORDED),
        (K.INFORMATION_ADOPTED_PROVINCIAL, 15, None, S.RECORDED),
        (K.INFORMATION_ADOPTED_NATIONAL, 20, None, S.RECORDED),
        (K.INFORMATION_INSTRUCTED, 10, None, S.RECORDED),
        (K.TASK_LEAD, 8, None, S.FULL),
        (K.TASK_MEMBER, 4, None, S.FULL),
    ]


def staff_of_committees() -> dict:
    from members.models import CommitteeRole

    staff = {}
    for role in CommitteeRole.objects.filter(role="staff").select_related("user").order_by("id"):
        staff.setdefault(role.committee_id, role.user)
    return staff


def ensure_rules(year: int, staff: dict) -> int:
    """Published rules for every committee of the year, through the services (once)."""
    from members import duty
    from members.choices import DutyKind
    from members.models import AssessmentRuleSet, Committee

    made = 0
    for committee in Committee.objects.order_by("id"):
        if AssessmentRuleSet.objects.filter(committee=committee, year=year).exists():
            continue
        actor = staff[committee.pk]
        rule_set = duty.rule_set_save(
            actor=actor, committee=committee, year=year, title=f"{year}年度委员履职量化考核办法", base_score=60,
            max_score=120, grades=[{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80},
                                   {"grade": "合格", "min": 60}],
            minimums=[{"kind": DutyKind.INFORMATION_SUBMITTED, "count": 1}])
        for kind, points, cap, split in rules_table():
            duty.rule_save(actor=actor, rule_set=rule_set, kind=kind, points=points, cap=cap, split=split)
        duty.rule_set_publish(actor=actor, rule_set=rule_set)
        made += 1
    return made


class SourceTimer:
    """Wraps every registered source and ``score_members`` to add up where the time goes."""

    def __init__(self):
        from members import duty

        self.duty = duty
        self.seconds: dict[str, float] = defaultdict(float)
        self.original_sources = duty.sources()
        self.original_score = duty.score_members
        for name, source in self.original_sources.items():
            duty.register_source(name, self._timed(name, source))
        duty.score_members = self._timed("scoring", self.original_score)

    def _timed(self, name, fn):
        def wrapper(**kwargs):
            began = time.perf_counter()
            try:
                return fn(**kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - began
        return wrapper

    def reset(self) -> dict[str, float]:
        out = dict(self.seconds)
        self.seconds.clear()
        return out

    def restore(self) -> None:
        for name, source in self.original_sources.items():
            self.duty.register_source(name, source)
        self.duty.score_members = self.original_score


def full_recompute(year: int, staff: dict) -> dict:
    from cppcc_portal.core.models import OutboxMessage
    from members import duty
    from members.choices import JobStatus
    from members.models import Committee, DutyEntry

    before = DutyEntry.objects.filter(year=year).count()
    began = time.perf_counter()
    for committee in Committee.objects.order_by("id"):
        job = duty.duty_recompute_start(actor=staff[committee.pk], committee=committee, year=year)
        message = OutboxMessage.objects.filter(key=f"duty-recompute:{job.pk}").values_list("pk", flat=True).first()
        job = duty.duty_recompute_run(job_id=job.pk, outbox_id=message)
        if job.status != JobStatus.DONE:
            raise SystemExit(f"job {job.pk} of {committee}: {job.status} {job.error}")
    seconds = time.perf_counter() - began
    after = DutyEntry.objects.filter(year=year).count()
    return {"seconds": seconds, "created": after - before, "entries": after}


def incremental(year: int, member_ids: list[int]) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from members import duty
    from members.models import Member

    times, floor = [], []
    queries = None
    for member_id in member_ids:
        began = time.perf_counter()
        with transaction.atomic():
            duty.duty_touch(member_ids=[member_id], year=year)
        if queries is None:
            with CaptureQueriesContext(connection) as captured:
                duty.duty_sync_dirty()
            queries = len(captured)
        else:
            duty.duty_sync_dirty()
        times.append(time.perf_counter() - began)
    for member_id in member_ids:
        began = time.perf_counter()
        Member.objects.filter(pk=member_id).exists()
        floor.append(time.perf_counter() - began)
    return {"median_ms": statistics.median(times) * 1000, "floor_median_ms": statistics.median(floor) * 1000,
            "queries": queries, "runs_ms": [t * 1000 for t in times]}


SOURCE_TABLES = ("members_member", "proposals_proposal", "proposals_cosigner", "proposals_case",
                 "consultations_consultation", "consultations_participant", "consultations_speech",
                 "consultations_activity", "consultations_task", "consultations_teammember",
                 "consultations_informationitem", "consultations_informationauthor", "consultations_adoption",
                 "consultations_instruction", "consultations_dutyshift", "consultations_concern",
                 "consultations_studioactivity")
DUTY_TABLES = ("members_dutyentry", "members_dutyscore", "members_dutydirty")


def analyze(tables) -> None:
    """What autovacuum does in production after bulk changes (the benchmark server runs with
    autovacuum off, and the consultation seed analyses none of its tables)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def clear_year(year: int) -> None:
    from members.models import DutyDirty, DutyEntry, DutyScore

    DutyEntry.objects.filter(year=year, is_manual=False)._raw_delete("default")
    DutyScore.objects.filter(year=year)._raw_delete("default")
    DutyDirty.objects.all().delete()


def profile_one(year: int, staff: dict, top: int) -> str:
    """cProfile of one committee's recompute with nothing to change (sources + diff + scores)."""
    from members import duty
    from members.models import Committee, Member

    committee = Committee.objects.filter(level="municipal").order_by("id").first()
    members = list(Member.objects.filter(committee=committee).values_list("pk", flat=True))
    profiler = cProfile.Profile()
    profiler.enable()
    duty.duty_sync(year=year, member_ids=members)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions of one committee's sync")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    url = benchlib.database_url()
    seed.ensure_database(url, reset=False)
    benchlib.setup_django()

    from django.db.models import Count
    from django.utils import timezone

    from cppcc_portal.core import outbox
    from cppcc_portal.core.models import CalendarDay
    from cppcc_portal.core.services import calendar_seed_from_package
    from members import duty
    from members.models import Committee, DutyEntry, DutyScore, Member

    # nothing leaves for a broker: the script runs the work itself
    outbox._send = lambda message: None
    duty._publish_sync = lambda: None

    applied = benchlib.migrate_if_needed()
    if applied:
        seed.log(f"migrated: {', '.join(applied)}")
    if not CalendarDay.objects.exists():
        calendar_seed_from_package()
    if not Committee.objects.exists():
        seed.build_organisation(random.Random(f"{seed.SEED}-org"))
    year = timezone.localdate().year
    began = time.perf_counter()
    counts = seed_consultations(year)
    seed.log(f"seed: {counts} in {time.perf_counter() - began:.1f}s")
    analyze(SOURCE_TABLES + DUTY_TABLES)
    staff = staff_of_committees()
    made = ensure_rules(year, staff)
    seed.log(f"rules: {made} rule sets made ({Committee.objects.count()} committees)")

    rng = random.Random(f"{seed.SEED}-duty")
    sample = rng.sample(sorted(Member.objects.values_list("pk", flat=True)), INCREMENTAL_MEMBERS)
    timer = SourceTimer()
    runs = []
    try:
        for n in range(args.runs):
            clear_year(year)
            timer.reset()
            full = full_recompute(year, staff)
            full["split"] = timer.reset()
            analyze(DUTY_TABLES)
            seed.log(f"run {n + 1}: full {full['seconds']:.1f}s, {full['created']} entries created")
            again = full_recompute(year, staff)
            again["split"] = timer.reset()
            seed.log(f"run {n + 1}: again {again['seconds']:.1f}s, {again['created']} created")
            step = incremental(year, sample)
            timer.reset()
            seed.log(f"run {n + 1}: incremental {step['median_ms']:.1f} ms (floor {step['floor_median_ms']:.2f} ms)")
            runs.append({"full": full, "again": again, "incremental": step})
    finally:
        timer.restore()
    profile = profile_one(year, staff, args.profile) if args.profile else ""

    members = Member.objects.count()
    scored = DutyScore.objects.filter(year=year).count()
    kinds = dict(DutyEntry.objects.filter(year=year).order_by("kind").values_list("kind").annotate(n=Count("id")))
    med = statistics.median
    full_s = med(r["full"]["seconds"] for r in runs)
    again_s = med(r["again"]["seconds"] for r in runs)
    inc_ms = med(r["incremental"]["median_ms"] for r in runs)
    floor_ms = med(r["incremental"]["floor_median_ms"] for r in runs)
    split = {name: med(r["full"]["split"].get(name, 0) for r in runs) for name in runs[0]["full"]["split"]}
    split_again = {name: med(r["again"]["split"].get(name, 0) for r in runs) for name in runs[0]["again"]["split"]}
    print(f"\n{members} members, {scored} scored, {DutyEntry.objects.filter(year=year).count()} entries: {kinds}\n")
    print("| measurement | median | note |")
    print("| --- | ---: | --- |")
    print(f"| (a) full recompute, 31 committees | {full_s:.1f} s | {runs[0]['full']['created']} entries created, "
          f"{members / full_s:.0f} members/s |")
    print(f"| (b) full recompute, nothing changed | {again_s:.1f} s | "
          f"{max(r['again']['created'] for r in runs)} created |")
    print(f"| (c) incremental: touch + sync one member | {inc_ms:.1f} ms | "
          f"{runs[0]['incremental']['queries']} queries |")
    print(f"| (d) floor: Member exists() | {floor_ms:.2f} ms | (c) = {inc_ms / floor_ms:.0f}× floor |")
    print("\nwhere (a) spends its time (s): " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(split.items())))
    print("where (b) spends its time (s): " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(split_again.items())))
    if profile:
        print("\n" + profile)
    out = benchlib.save_results("duty", {
        "runs": runs, "counts": counts, "members": members, "scored": scored, "kinds": kinds,
        "medians": {"full_s": full_s, "again_s": again_s, "incremental_ms": inc_ms, "floor_ms": floor_ms,
                    "split_full_s": split, "split_again_s": split_again},
        "machine": benchlib.machine(), "taken": dt.datetime.now().isoformat(timespec="seconds")})
    print(f"\nfull results: {out.relative_to(benchlib.ROOT)}")


if __name__ == "__main__":
    main()
