"""HTTP benchmark: the staff list, a department inbox and submission against the floor.

    DJANGO_SETTINGS_MODULE=cppcc_portal.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench \\
    .venv/bin/python benchmarks/http_bench.py --runs 5

Starts gunicorn (2 sync workers, test settings with DEBUG off, persistent database
connections) on a free loopback port and measures, with a closed-loop load generator of
``--concurrency`` client threads (loopback only; every measurement bounded by ``--duration``
seconds and ``--max-requests``):

* floor: ``GET /api/v1/health/`` (DRF, no database, no authentication);
* staff list: ``GET /api/v1/micro-suggestions/?status=closed&page_size=50`` as province staff
  (who sees every committee), page 1 and page ``--deep-page`` (default 1000), reached by
  following the ``next`` cursors once before measuring; the same for a city's staff;
* inbox: ``GET /api/v1/assignments/inbox/?page_size=50`` as a liaison of the department with
  the most open work, page 1 and its deepest page (at most ``--deep-page``);
* submission: ``POST /api/v1/micro-suggestions/`` as members (token auth). No worker runs, so
  the items stay waiting for routing; they are deleted afterwards.

Every scenario runs once per run, in the same order, ``--runs`` times; the report gives the
median over runs of requests/s, p50 and p95, and of each run's ratio to that run's floor.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import time
import urllib.parse

import benchlib
import corpus

STAFF_LIST = "/api/v1/micro-suggestions/?status=closed&page_size=50"
INBOX = "/api/v1/assignments/inbox/?page_size=50"
HEALTH = "/api/v1/health/"
SUBMIT = "/api/v1/micro-suggestions/"

TARGETS = {  # scenario → minimum share of the floor's throughput (the targets)
    "staff list p1": 0.25, "staff list deep": 0.25, "inbox p1": 0.25, "inbox deep": 0.25, "submit": 0.20,
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- fixtures ------------------------------------------------------------------------------


def token_for(user) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def prepare(members: int) -> dict:
    """Tokens for the logins the scenarios act as, and the submission bodies' members."""
    from django.db.models import Count

    from members.models import Committee, CommitteeRole, Liaison, Member, User
    from proposals.models import Assignment, Case, Category

    if not Case.objects.exists():
        raise SystemExit("the benchmark database is empty: run benchmarks/seed.py first")
    staff = User.objects.get(username="bench-staff-province")
    city = Committee.objects.filter(level="municipal").order_by("id").first()
    city_staff = CommitteeRole.objects.filter(committee=city, role="staff", includes_subordinates=True).first().user
    busiest = (Assignment.objects.filter(status__in=["assigned", "accepted", "objecting"], case__status="handling")
               .values("department").annotate(n=Count("id")).order_by("-n").first())
    liaison = Liaison.objects.filter(department_id=busiest["department"]).order_by("id").first()
    seats = list(Member.objects.filter(committee__level__in=["provincial", "municipal"])
                 .select_related("user", "committee").order_by("id")[::97][:members])
    categories = {}
    for seat in seats:
        categories.setdefault(seat.committee_id, list(Category.objects.filter(committee_id=seat.committee_id)
                                                      .values_list("name", "pk")))
    return {
        "staff": token_for(staff),
        "city_staff": token_for(city_staff),
        "city": city.short_name,
        "liaison": token_for(liaison.user),
        "department": f"{liaison.department} ({busiest['n']} open assignments)",
        "members": [(token_for(s.user), s.committee.short_name.removesuffix("政协"), categories[s.committee_id])
                    for s in seats],
    }


def submission_requests(fixtures: dict, count: int, seed: str) -> list[bytes]:
    rng = random.Random(seed)
    names, weights = corpus.category_weights()
    requests = []
    members = itertools.cycle(fixtures["members"])
    for _ in range(count):
        token, place, categories = next(members)
        category = rng.choices(names, weights)[0]
        title, content, address = corpus.suggestion_text(rng, category, place)
        body = {"title": title, "content": content, "address": address, "category": dict(categories)[category]}
        requests.append(benchlib.build_post(SUBMIT, body, token))
    return requests


def walk(port: int, start: str, token: str, pages: int) -> tuple[dict[int, str], list[float]]:
    """Follow ``next`` from ``start`` for up to ``pages`` pages, sequentially; returns the
    path of every page and each page's latency."""
    paths, latencies, path = {}, [], start
    for page in range(1, pages + 1):
        paths[page] = path
        began = time.perf_counter()
        status, data = benchlib.get_json(port, path, token)
        latencies.append(time.perf_counter() - began)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {str(data)[:300]}")
        if not data.get("next"):
            break
        parts = urllib.parse.urlsplit(data["next"])
        path = f"{parts.path}?{parts.query}"
    return paths, latencies


def walk_summary(latencies: list[float]) -> list[dict]:
    """Sequential page latency by blocks of pages, to show it does not grow with depth."""
    block = max(len(latencies) // 10, 1)
    out = []
    for i in range(0, len(latencies), block):
        chunk = latencies[i:i + block]
        out.append({"pages": f"{i + 1}-{i + len(chunk)}", "p50_ms": round(benchlib.percentile(chunk, 50) * 1000, 1),
                    "p95_ms": round(benchlib.percentile(chunk, 95) * 1000, 1)})
    return out


def cleanup(case_marker: int, audit_marker: int, outbox_marker: int) -> int:
    """Delete what the submissions created (the benchmark database returns to its seed)."""
    from cppcc_portal.celery import app
    from cppcc_portal.core.models import AuditEntry, OutboxMessage
    from proposals.models import Case

    deleted = Case.objects.filter(pk__gt=case_marker).delete()[0]
    AuditEntry.objects.filter(pk__gt=audit_marker).delete()
    OutboxMessage.objects.filter(pk__gt=outbox_marker).delete()
    app.control.purge()  # the routing messages no worker consumed (the benchmark's own Redis db)
    return deleted


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=benchlib.ROOT, capture_output=True,
                             text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=benchlib.ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per scenario per run")
    parser.add_argument("--max-requests", type=int, default=20000, help="cap per scenario per run")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (2 per gunicorn worker)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--deep-page", type=int, default=1000)
    parser.add_argument("--members", type=int, default=40, help="members whose tokens submit")
    parser.add_argument("--no-submit", action="store_true", help="skip the submission scenario")
    args = parser.parse_args()

    benchlib.setup_django()
    applied = benchlib.migrate_if_needed()
    if applied:
        log(f"applied pending migrations: {', '.join(applied)}")
    from cppcc_portal.core.models import AuditEntry, OutboxMessage
    from proposals.models import Case

    info = benchlib.machine()
    info["git"] = git_revision()
    if benchlib.APP_ROOT != benchlib.ROOT:
        info["app_root"] = str(benchlib.APP_ROOT)
        info["app_revision"] = os.environ.get("BENCH_APP_REVISION", "")
    fixtures = prepare(args.members)
    case_marker = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    audit_marker = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    outbox_marker = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    log(f"{Case.objects.count()} cases; inbox of {fixtures['department']}")

    gunicorn, port = benchlib.start_gunicorn(args.workers)
    results: dict = {"args": vars(args), "machine": info, "walks": {}, "runs": []}
    try:
        log(f"gunicorn with {args.workers} workers on 127.0.0.1:{port}")
        walks = {
            "staff list": (STAFF_LIST, fixtures["staff"]),
            "city staff list": (STAFF_LIST, fixtures["city_staff"]),
            "inbox": (INBOX, fixtures["liaison"]),
        }
        deep_paths = {}
        for name, (path, token) in walks.items():
            began = time.perf_counter()
            pages, latencies = walk(port, path, token, args.deep_page)
            deep = max(pages)
            if deep < args.deep_page and deep > 1:
                deep -= 1  # the list ended: its last page is short, so measure the last full one
            deep_paths[name] = (pages[1], pages[deep], deep)
            results["walks"][name] = {"pages": max(pages), "measured_deep_page": deep, "seconds": round(time.perf_counter() - began, 1),
                                      "by_block": walk_summary(latencies)}
            log(f"walked {name}: {deep} pages in {time.perf_counter() - began:.1f}s")

        def get(path, token):
            return [benchlib.build_get(path, token)]

        scenarios = {
            "floor (health)": (get(HEALTH, None), 200),
            "staff list p1": (get(deep_paths["staff list"][0], fixtures["staff"]), 200),
            "staff list deep": (get(deep_paths["staff list"][1], fixtures["staff"]), 200),
            "city staff list p1": (get(deep_paths["city staff list"][0], fixtures["city_staff"]), 200),
            "city staff list deep": (get(deep_paths["city staff list"][1], fixtures["city_staff"]), 200),
            "inbox p1": (get(deep_paths["inbox"][0], fixtures["liaison"]), 200),
            "inbox deep": (get(deep_paths["inbox"][1], fixtures["liaison"]), 200),
        }
        if not args.no_submit:
            scenarios["submit"] = (None, 201)
        # warm every path (and the workers' caches) before the first measurement
        for requests, expect in scenarios.values():
            if requests:
                benchlib.closed_loop(port, requests, concurrency=args.workers, duration=1.0, max_requests=40,
                                     expect=expect)
        for run in range(1, args.runs + 1):
            row = {}
            for name, (requests, expect) in scenarios.items():
                if requests is None:  # fresh bodies each run: every POST is a new suggestion
                    requests = submission_requests(fixtures, args.max_requests, f"http-{run}")
                outcome = benchlib.closed_loop(port, requests, concurrency=args.concurrency, duration=args.duration,
                                               max_requests=args.max_requests, expect=expect)
                row[name] = outcome.summary()
                if outcome.errors:
                    log(f"  {name}: {outcome.errors} unexpected answers {outcome.statuses}")
            row["loadavg"] = benchlib.loadavg()
            floor = row["floor (health)"]["rps"]
            for name in row:
                if name == "loadavg":
                    continue
                row[name]["ratio"] = round(row[name]["rps"] / floor, 3) if floor else None
            results["runs"].append(row)
            log(f"run {run} (load {row['loadavg']}): "
                + ", ".join(f"{n} {r['rps']}/s" for n, r in row.items() if n != "loadavg"))
    finally:
        gunicorn.stop()
        if not args.no_submit:
            log(f"cleanup: deleted {cleanup(case_marker, audit_marker, outbox_marker)} rows created by submissions")

    summary = {}
    for name in [n for n in results["runs"][0] if n != "loadavg"]:
        values = [run[name] for run in results["runs"]]
        summary[name] = {k: round(benchlib.median([v[k] for v in values]), 3 if k == "ratio" else 1)
                         for k in ("rps", "p50_ms", "p95_ms", "ratio")}
        summary[name]["errors"] = sum(v["errors"] for v in values)
        if name in TARGETS:
            summary[name]["target"] = TARGETS[name]
            summary[name]["met"] = summary[name]["ratio"] >= TARGETS[name]
    results["summary"] = summary
    results["pages"] = {name: depth for name, (_, _, depth) in deep_paths.items()}
    path = benchlib.save_results("http", results)

    rows = [[name, s["rps"], s["p50_ms"], s["p95_ms"], f"{s['ratio']:.3f}",
             f"≥ {s['target']:.2f}: {'met' if s['met'] else 'MISSED'}" if "target" in s else ""]
            for name, s in summary.items()]
    print()
    print(f"HTTP, median of {args.runs} runs, {args.concurrency} clients, gunicorn {args.workers} sync workers; "
          f"deep pages: {results['pages']}")
    print(benchlib.markdown_table(["scenario", "req/s", "p50 ms", "p95 ms", "ratio to floor", "target"], rows))
    print()
    print("sequential walk, page latency by block (ms):")
    for name, walk_result in results["walks"].items():
        blocks = ", ".join(f"{b['pages']}: {b['p50_ms']}/{b['p95_ms']}" for b in walk_result["by_block"])
        print(f"  {name} ({walk_result['pages']} pages): {blocks}")
    print(f"\nJSON: {path.relative_to(benchlib.ROOT)}")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
