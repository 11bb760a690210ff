"""Routing benchmark: a real Celery worker routing micro-suggestions, against a no-op floor.

    DJANGO_SETTINGS_MODULE=cppcc_portal.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench \\
    .venv/bin/python benchmarks/routing_bench.py --runs 3

Starts one Celery worker (``celery -A cppcc_portal worker --pool=prefork --concurrency=2``,
the portal's own settings: acks_late, prefetch 1) on the benchmark's Redis database and
gunicorn (2 sync workers), then, in each run:

1. floor: with the worker's consumer paused, ``--items`` ``core.noop`` tasks are queued; the
   consumer resumes and the clock runs until the queue and the worker's unacknowledged set are
   both empty: no-op tasks per second;
2. routing throughput: with the consumer paused, ``--items`` suggestions are submitted through
   ``micro_suggestion_submit`` (the outbox publishes each after commit); the consumer resumes
   and the clock runs until none of them is still waiting for routing: routed per second,
   and its ratio to the floor of the same run;
3. end to end: ``--items`` suggestions POSTed through gunicorn by 4 clients while the worker
   routes them; the time from the first POST to the last item routed;
4. latency: POSTs paced at ``--rate`` per second for ``--latency-seconds``; for each item the
   time from submission (``created_at``) to the routing decision being written (the case's
   ``updated_at``; the transaction commits a few milliseconds later): p50, p95, max.

Everything a run created (items, assignments, decisions, audit entries, notifications,
deliveries, outbox messages) is deleted after it, and the queue purged; the learned model
keeps what rule-routed items taught it. ``--profile`` first routes a sample in-process and
breaks the cost of one routing down (SQL statements, time in SQL, word segmentation).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import itertools
import json
import random
import re
import socket
import threading
import time

import benchlib
import corpus
from http_bench import git_revision, log, submission_requests, token_for

QUEUE = "celery"


# --- broker --------------------------------------------------------------------------------


class Worker:
    def __init__(self, concurrency: int, pool: str):
        from cppcc_portal.celery import app

        self.app = app
        self.name = f"bench@{socket.gethostname()}"
        self.group = benchlib.start_worker(concurrency=concurrency, pool=pool, name="bench")
        self.redis = app.connection_for_write().default_channel.client
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if not self.group.alive():
                raise RuntimeError(f"worker exited:\n{self.group.tail()}")
            if app.control.ping(destination=[self.name], timeout=1.0):
                return
        raise RuntimeError(f"worker did not answer within 90s:\n{self.group.tail()}")

    def pause(self) -> None:
        self.app.control.cancel_consumer(QUEUE, destination=[self.name], reply=True, timeout=5)
        # let the (at most concurrency × prefetch) messages already reserved finish
        self.wait_drained(timeout=60, queue_too=False)

    def resume(self) -> None:
        self.app.control.add_consumer(QUEUE, destination=[self.name], reply=True, timeout=5)

    def backlog(self) -> tuple[int, int]:
        pipe = self.redis.pipeline()
        pipe.llen(QUEUE)
        pipe.hlen("unacked")
        queued, unacked = pipe.execute()
        return queued, unacked

    def wait_drained(self, *, timeout: float, queue_too: bool = True) -> float:
        """Until nothing is queued (if ``queue_too``) and nothing is unacknowledged, seen
        twice in a row 2 ms apart; returns the time it happened."""
        deadline = time.perf_counter() + timeout
        clear = 0
        while time.perf_counter() < deadline:
            queued, unacked = self.backlog()
            clear = clear + 1 if (unacked == 0 and (queued == 0 or not queue_too)) else 0
            if clear >= 2:
                return time.perf_counter()
            time.sleep(0.002)
        raise TimeoutError(f"queue not drained within {timeout:.0f}s: {self.backlog()}")

    def purge(self) -> None:
        self.app.control.purge()

    def stop(self) -> None:
        self.group.stop()


# --- data ----------------------------------------------------------------------------------


class Markers:
    """Ids before a run; everything above them was created by the run."""

    MODELS = ("proposals.Case", "core.AuditEntry", "core.Notification", "core.OutboxMessage",
              "core.IdempotencyRecord")

    def __init__(self):
        from django.apps import apps

        self.models = [apps.get_model(m) for m in self.MODELS]
        self.ids = {m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) for m in self.models}

    @property
    def case(self) -> int:
        return self.ids[self.models[0]]

    def cleanup(self) -> None:
        for model in self.models:  # cases first: their assignments, decisions go with them
            model.objects.filter(pk__gt=self.ids[model]).delete()


def submitters(count: int) -> list[tuple]:
    from members.models import Member
    from proposals.models import Category

    seats = list(Member.objects.select_related("user", "committee").order_by("id")[::13][:count])
    categories = {}
    for seat in seats:
        categories.setdefault(seat.committee_id, {c.name: c for c in Category.objects.filter(committee_id=seat.committee_id)})
    return [(seat, categories[seat.committee_id]) for seat in seats]


def submit_via_service(count: int, seats: list[tuple], seed: str) -> float:
    from proposals.services.micro_suggestions import micro_suggestion_submit

    rng = random.Random(seed)
    names, weights = corpus.category_weights()
    cycle = itertools.cycle(seats)
    began = time.perf_counter()
    for _ in range(count):
        seat, categories = next(cycle)
        category = rng.choices(names, weights)[0]
        title, content, address = corpus.suggestion_text(rng, category, seat.committee.short_name.removesuffix("政协"))
        micro_suggestion_submit(actor=seat.user, member=seat, title=title, content=content,
                                category=categories[category], address=address)
    return time.perf_counter() - began


def waiting(marker: int) -> int:
    from proposals.models import Case

    return Case.objects.filter(pk__gt=marker, status="routing").count()


def wait_routed(marker: int, *, timeout: float, poll: float = 0.05) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if waiting(marker) == 0:
            return time.perf_counter()
        time.sleep(poll)
    raise TimeoutError(f"{waiting(marker)} items still waiting for routing after {timeout:.0f}s")


def routing_outcomes(marker: int) -> dict:
    from django.db.models import Count

    from proposals.models import Case

    return dict(Case.objects.filter(pk__gt=marker).values_list("status").annotate(n=Count("id")).order_by())


# --- scenarios -----------------------------------------------------------------------------


def noop_floor(worker: Worker, items: int) -> dict:
    worker.pause()
    worker.purge()
    with worker.app.producer_or_acquire() as producer:
        for _ in range(items):
            worker.app.send_task("core.noop", producer=producer)
    worker.resume()
    began = time.perf_counter()
    done = worker.wait_drained(timeout=600)
    return {"items": items, "seconds": round(done - began, 3), "per_second": round(items / (done - began), 1)}


def routing_throughput(worker: Worker, items: int, seats: list, run: int) -> dict:
    markers = Markers()
    worker.pause()
    submit_seconds = submit_via_service(items, seats, f"routing-{run}")
    worker.resume()
    began = time.perf_counter()
    routed = wait_routed(markers.case, timeout=1800)
    drained = worker.wait_drained(timeout=600)
    outcome = routing_outcomes(markers.case)
    markers.cleanup()
    return {
        "items": items, "submit_seconds_in_process": round(submit_seconds, 1),
        "seconds": round(routed - began, 2), "per_second": round(items / (routed - began), 1),
        "queue_drained_seconds": round(drained - began, 2), "outcome": outcome,
    }


def end_to_end(worker: Worker, port: int, fixtures: dict, items: int, run: int) -> dict:
    markers = Markers()
    requests = submission_requests(fixtures, items, f"e2e-{run}")
    began = time.perf_counter()
    posted = benchlib.closed_loop(port, requests, concurrency=4, duration=1800, max_requests=items, expect=201)
    posted_at = time.perf_counter()
    routed = wait_routed(markers.case, timeout=1800)
    outcome = routing_outcomes(markers.case)
    worker.wait_drained(timeout=600)
    markers.cleanup()
    return {
        "items": items, "post_errors": posted.errors, "post_seconds": round(posted_at - began, 1),
        "post_per_second": round(posted.throughput, 1), "seconds": round(routed - began, 1),
        "per_second": round(items / (routed - began), 1), "outcome": outcome,
    }


def paced_latency(worker: Worker, port: int, fixtures: dict, rate: float, seconds: float, run: int) -> dict:
    """Open loop: request i is sent at start + i/rate whatever the answers before it."""
    from proposals.models import Case

    markers = Markers()
    count = int(rate * seconds)
    requests = submission_requests(fixtures, count, f"latency-{run}")
    post_latencies, statuses, lock = [], {}, threading.Lock()

    def send(request):
        t0 = time.perf_counter()
        try:
            status, _ = benchlib.raw_request(port, request)
        except OSError:
            status = 0
        with lock:
            post_latencies.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1

    began = time.perf_counter()
    late = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        for i, request in enumerate(requests):
            delay = began + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            elif delay < -0.1:
                late += 1
            pool.submit(send, request)
    wait_routed(markers.case, timeout=600)
    rows = list(Case.objects.filter(pk__gt=markers.case).values_list("created_at", "updated_at", "status"))
    worker.wait_drained(timeout=600)
    markers.cleanup()
    latencies = [(u - c).total_seconds() for c, u, _ in rows]
    return {
        "rate": rate, "items": len(rows), "statuses": {str(k): v for k, v in statuses.items()}, "sent_late": late,
        "p50_ms": round(benchlib.percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(benchlib.percentile(latencies, 95) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "under_1s": round(sum(1 for x in latencies if x < 1) / len(latencies), 4) if latencies else None,
        "post_p50_ms": round(benchlib.percentile(post_latencies, 50) * 1000, 1),
        "post_p95_ms": round(benchlib.percentile(post_latencies, 95) * 1000, 1),
    }


def profile(seats: list, items: int) -> dict:
    """Route ``items`` in this process (no broker) and split one routing's cost."""
    from django.db import connection

    from proposals import text
    from proposals.models import Case
    from proposals.services import handling, routing

    markers = Markers()
    worker_broker = benchlib.portal_env()["CELERY_BROKER_URL"]
    assert worker_broker  # submissions publish; the messages are purged below
    submit_via_service(items, seats, "profile")
    cases = list(Case.objects.filter(pk__gt=markers.case).order_by("pk"))
    text.words("预热分词词典")  # jieba loads its dictionary once per process
    words_time = sum(_timed(lambda c=c: routing.case_words(c)) for c in cases)
    propose_time = sum(_timed(lambda c=c: routing.propose(c, threshold=0.8)) for c in cases)
    statements: list[tuple[str, float]] = []

    def timed(execute, sql, params, many, context):  # CaptureQueriesContext rounds to 1 ms
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((sql, time.perf_counter() - began))

    with connection.execute_wrapper(timed):
        began = time.perf_counter()
        for case in cases:
            handling.case_route_automatically(case_id=case.pk)
        total = time.perf_counter() - began
    sql = sum(t for _, t in statements)
    outcome = routing_outcomes(markers.case)
    markers.cleanup()
    from cppcc_portal.celery import app

    app.control.purge()
    groups: dict[str, list[float]] = {}
    for statement, seconds in statements:
        groups.setdefault(_statement_kind(statement), []).append(seconds)
    by_kind = sorted(groups.items(), key=lambda kv: sum(kv[1]), reverse=True)
    return {
        "items": len(cases), "ms_per_routing": round(total / len(cases) * 1000, 2),
        "queries_per_routing": round(len(statements) / len(cases), 1),
        "sql_ms_per_routing": round(sql / len(cases) * 1000, 2),
        "segmentation_ms_per_item": round(words_time / len(cases) * 1000, 2),
        "propose_ms_per_item": round(propose_time / len(cases) * 1000, 2),
        "outcome": outcome,
        "sql_by_statement": [{"statement": kind, "per_routing": round(len(times) / len(cases), 2),
                              "ms_per_routing": round(sum(times) / len(cases) * 1000, 2)} for kind, times in by_kind],
    }


def _statement_kind(sql: str) -> str:
    """The verb and first table: SELECT proposals_routingtermstat, INSERT core_notification …"""
    verb = sql.split(None, 1)[0].upper()
    match = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"?([a-z_]+)"?', sql, re.IGNORECASE)
    table = match.group(1) if match else ""
    if verb == "SELECT" and "COUNT(" in sql.upper() and "DISTINCT" in sql.upper():
        verb = "SELECT COUNT DISTINCT"
    return f"{verb} {table}".strip()


def _timed(fn) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10000, help="tasks/suggestions per throughput measurement")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--pool", default="prefork")
    parser.add_argument("--rate", type=float, action="append",
                        help="submissions per second in the latency test (repeatable; default 50 and 10)")
    parser.add_argument("--latency-seconds", type=float, default=60.0)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--skip", action="append", default=[], choices=["floor", "routing", "e2e", "latency"],
                        help="leave out a scenario (repeatable)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="first profile N routings in-process")
    args = parser.parse_args()
    args.rate = args.rate or [50.0, 10.0]

    benchlib.setup_django()
    applied = benchlib.migrate_if_needed()
    if applied:
        log(f"applied pending migrations: {', '.join(applied)}")
    from http_bench import prepare

    info = benchlib.machine()
    info["git"] = git_revision()
    fixtures = prepare(args.members)
    seats = submitters(args.members)
    for seat, _ in seats:
        token_for(seat.user)
    results: dict = {"args": vars(args), "machine": info, "runs": []}
    if args.profile:
        results["profile"] = profile(seats, args.profile)
        log(f"profile: {json.dumps(results['profile'], ensure_ascii=False)}")

    worker = gunicorn = None
    if args.runs == 0:
        print(json.dumps(results.get("profile"), ensure_ascii=False, indent=2))
        return
    try:
        worker = Worker(args.concurrency, args.pool)
        gunicorn, port = benchlib.start_gunicorn(2)
        log(f"worker {worker.name} ({args.pool} × {args.concurrency}); gunicorn on 127.0.0.1:{port}")
        # warm up: the worker processes load jieba's dictionary on their first routing
        warm = Markers()
        submit_via_service(20, seats, "warm-up")
        wait_routed(warm.case, timeout=120)
        worker.wait_drained(timeout=60)
        warm.cleanup()
        for run in range(1, args.runs + 1):
            row = {}
            if "floor" not in args.skip:
                row["floor"] = noop_floor(worker, args.items)
                log(f"run {run} floor: {row['floor']}")
            if "routing" not in args.skip:
                row["routing"] = routing_throughput(worker, args.items, seats, run)
                if "floor" in row:
                    row["routing"]["ratio"] = round(row["routing"]["per_second"] / row["floor"]["per_second"], 4)
                log(f"run {run} routing: {row['routing']}")
            if "e2e" not in args.skip:
                row["e2e"] = end_to_end(worker, port, fixtures, args.items, run)
                log(f"run {run} end to end: {row['e2e']}")
            if "latency" not in args.skip:
                for rate in args.rate:
                    key = f"latency@{rate:g}/s"
                    row[key] = paced_latency(worker, port, fixtures, rate, args.latency_seconds, run)
                    log(f"run {run} {key}: {row[key]}")
            results["runs"].append(row)
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        if worker is not None:
            worker.stop()
            worker.purge()

    def med(scenario, key):
        values = [r[scenario][key] for r in results["runs"] if scenario in r and r[scenario].get(key) is not None]
        return round(benchlib.median(values), 4) if values else None

    summary = {
        "noop_per_second": med("floor", "per_second"),
        "routing_per_second": med("routing", "per_second"),
        "routing_ratio_to_noop": med("routing", "ratio"),
        "routing_target": 0.5,
        "e2e_seconds": med("e2e", "seconds"),
        "e2e_per_second": med("e2e", "per_second"),
    }
    for rate in args.rate:
        key = f"latency@{rate:g}/s"
        for stat in ("p50_ms", "p95_ms", "max_ms", "under_1s", "post_p95_ms"):
            summary[f"{key} {stat}"] = med(key, stat)
    summary["latency_target_p95_ms"] = 1000
    if summary["routing_ratio_to_noop"] is not None:
        summary["routing_met"] = summary["routing_ratio_to_noop"] >= 0.5
    if summary.get("latency@50/s p95_ms") is not None:
        summary["latency_met"] = summary["latency@50/s p95_ms"] < 1000
    results["summary"] = summary
    path = benchlib.save_results("routing", results)
    print()
    print(f"Routing, median of {args.runs} runs, worker {args.pool} × {args.concurrency}, {args.items} items")
    print(benchlib.markdown_table(["measure", "value"], [[k, v] for k, v in summary.items()]))
    print(f"\nJSON: {path.relative_to(benchlib.ROOT)}")


if __name__ == "__main__":
    main()
