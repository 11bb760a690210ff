"""Seed the benchmark database: a province-scale organisation and a million micro-suggestions.

    DJANGO_SETTINGS_MODULE=cppcc_portal.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cppcc_bench \\
    .venv/bin/python benchmarks/seed.py --items 1000000

Creates the database if it is missing (its name must contain "bench"), migrates it, loads the
official holiday calendar, and builds, once, one province, ten cities and twenty counties
(31 committees) with 5,000 members, 100 handling departments with two liaison officers each,
committee staff and leaders, twelve categories per committee and a few keyword routing rules.
Then it loads ``--items`` micro-suggestions in chunks of 50,000 with their assignments, in a
realistic mix of states by age (the old ones closed and rated, recent ones handling, replied
or waiting for triage), and a learned routing model from a sample of them.

For speed the items bypass the services: they are written with PostgreSQL COPY (foreign-key
triggers off for the chunk's transaction, checked once at the end) with explicit ids, but
each row is what ``micro_suggestion_submit`` and the routing/handling services would have
left: statuses and timestamps in order, deadlines computed with the working-day calendar,
the same deadline log, one lead assignment per case and round. Not written: audit entries,
routing decisions, notifications and replies of the seeded items (no list reads them).

Each chunk commits on its own, so an interrupted run resumes where it stopped. ``--reset``
drops and recreates the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import json
import random
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import benchlib
import corpus

CHUNK = 50_000
SEED = "cppcc-bench"
SPAN_DAYS = 3 * 365
PASSWORD = "bench12345"
EMAIL_DOMAIN = "bench.example.org"
MODEL_SAMPLE = 20_000
_T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:7.1f}s] {message}", flush=True)


# --- database ------------------------------------------------------------------------------


def _admin_connection(url: str):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    conn = psycopg2.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                            user=urllib.parse.unquote(parts.username or "postgres"),
                            password=urllib.parse.unquote(parts.password or "") or None, dbname="postgres")
    conn.autocommit = True
    return conn


def ensure_database(url: str, *, reset: bool) -> None:
    name = benchlib.check_bench_database(url)
    conn = _admin_connection(url)
    try:
        with conn.cursor() as cur:
            if reset:
                log(f"dropping database {name}")
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                log(f"creating database {name}")
                cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


STATE_TABLE = "bench_seed_state"


def state_get(key: str):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)")
        cur.execute(f"SELECT value FROM {STATE_TABLE} WHERE key = %s", [key])
        row = cur.fetchone()
    return None if row is None else (json.loads(row[0]) if isinstance(row[0], str) else row[0])


def state_set(key: str, value) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {STATE_TABLE} (key, value) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, json.dumps(value)])


# --- organisation --------------------------------------------------------------------------


@dataclass
class Place:
    committee_id: int
    name: str
    level: str
    member_ids: list[int] = field(default_factory=list)
    member_user_ids: list[int] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)
    leads: dict[str, list[int]] = field(default_factory=dict)
    cos: dict[str, list[int]] = field(default_factory=dict)
    departments: list[int] = field(default_factory=list)
    below: list[tuple[int, str]] = field(default_factory=list)  # places the items may concern


def build_organisation(rng: random.Random) -> None:
    """One transaction: either the whole organisation exists or none of it."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from members.choices import CommitteeLevel, CommitteeRoleKind, Gender, MemberRole, Party
    from members.models import Committee, CommitteeRole, Department, Liaison, Member, Sector, Term, User
    from proposals.models import Category, RoutingRule

    password = make_password(PASSWORD)
    with transaction.atomic():
        def committee(name, level, code, parent=None):
            c = Committee.objects.create(name=f"中国人民政治协商会议{name}委员会", short_name=f"{name}政协",
                                         level=level, parent=parent, region_code=code)
            c.path = f"{parent.path if parent else '/'}{c.pk}/"
            c.save(update_fields=["path"])
            return c

        province = committee(corpus.PROVINCE[0], CommitteeLevel.PROVINCIAL, corpus.PROVINCE[1])
        layout = [(province, corpus.PROVINCE[0], corpus.PROVINCE_DEPARTMENTS)]
        for i, (city_name, code, counties) in enumerate(corpus.CITIES):
            city = committee(city_name, CommitteeLevel.MUNICIPAL, code, province)
            layout.append((city, city_name, corpus.CITY_DEPARTMENTS))
            for j, county_name in enumerate(counties):
                county = committee(county_name, CommitteeLevel.COUNTY, f"{code[:4]}{j + 2:02d}", city)
                table = corpus.COUNTY_DEPARTMENTS_TWO if i % 2 == 0 else corpus.COUNTY_DEPARTMENTS_ONE
                layout.append((county, county_name, table))

        users, members, liaisons, roles = [], [], [], []
        next_user = [0]

        def user(prefix, name, email_share):
            next_user[0] += 1
            n = next_user[0]
            email = f"{prefix}{n:05d}@{EMAIL_DOMAIN}" if rng.random() < email_share else ""
            u = User(username=f"bench-{prefix}{n:05d}", password=password, full_name=name, email=email,
                     phone=f"13{rng.randrange(10**9):09d}")
            users.append(u)
            return u

        sector_names = [s[0] for s in corpus.SECTORS]
        for c, place_name, departments in layout:
            term = Term.objects.create(committee=c, number=13 if c.level == CommitteeLevel.PROVINCIAL else 10,
                                       start_date=dt.date(2023, 1, 10), is_current=True)
            sectors = Sector.objects.bulk_create([
                Sector(committee=c, name=name, kind=kind, order=k)
                for k, (name, kind) in enumerate(corpus.SECTORS[:20] if c.level == CommitteeLevel.COUNTY else corpus.SECTORS)
            ])
            weights = [9 if s.name == sector_names[0] else 1 for s in sectors]
            for k in range(corpus.SEATS[c.level]):
                name = corpus.person_name(rng)
                u = user("m", name, 0.5)
                members.append(Member(
                    user=u, committee=c, term=term, sector=rng.choices(sectors, weights)[0], name=name,
                    gender=rng.choice([Gender.MALE, Gender.FEMALE]), party=rng.choice(list(Party.values)),
                    role=MemberRole.STANDING if k % 10 == 0 else MemberRole.MEMBER,
                    workplace=rng.choice(corpus.WORKPLACES), phone=u.phone, started_on=term.start_date,
                ))
            for dept_name, _, _ in departments:
                d = Department(committee=c, name=f"{place_name}{dept_name}", short_name=dept_name[:40],
                               kind="enterprise" if "公司" in dept_name else "government",
                               email=f"dept{c.pk}-{len(liaisons)}@{EMAIL_DOMAIN}")
                d.save()
                for head in (True, False):
                    u = user("l", corpus.person_name(rng), 1.0)
                    liaisons.append(Liaison(user=u, department=d, is_head=head, title="联络员"))
            for k in range(2):
                roles.append(CommitteeRole(user=user("s", corpus.person_name(rng), 1.0), committee=c,
                                           role=CommitteeRoleKind.STAFF,
                                           includes_subordinates=(c.level != CommitteeLevel.COUNTY and k == 0)))
            roles.append(CommitteeRole(user=user("g", corpus.person_name(rng), 1.0), committee=c,
                                       role=CommitteeRoleKind.LEADER, includes_subordinates=False))
            Category.objects.bulk_create([Category(committee=c, name=name, order=k)
                                          for k, (name, *_rest) in enumerate(corpus.CATEGORIES)])
        User.objects.bulk_create(users, batch_size=2000)
        # The staff login the list benchmark uses: province staff who sees every committee below.
        province_staff = next(r for r in roles if r.committee_id == province.pk and r.includes_subordinates)
        User.objects.filter(pk=province_staff.user.pk).update(username="bench-staff-province")
        Member.objects.bulk_create(members, batch_size=2000)
        Liaison.objects.bulk_create(liaisons)
        CommitteeRole.objects.bulk_create(roles)
        for c, _, departments in layout:
            by_short = {d.short_name: d for d in Department.objects.filter(committee=c)}
            categories = {cat.name: cat for cat in Category.objects.filter(committee=c)}
            for rule_name, keywords, category in corpus.RULES:
                lead = next((by_short[n[:40]] for n, leads, _ in departments if category in leads), None)
                if lead is not None:
                    RoutingRule.objects.create(committee=c, name=rule_name, keywords=keywords, priority=10,
                                               lead_department=lead, category=None)
            # One category rule too, as staff set them up: everything about elderly care.
            lead = next((by_short[n[:40]] for n, leads, _ in departments if "养老服务" in leads), None)
            if lead is not None:
                RoutingRule.objects.create(committee=c, name="养老服务归口", category=categories["养老服务"],
                                           priority=5, lead_department=lead)


def load_organisation() -> dict[int, Place]:
    from members.models import Committee, Department, Member
    from proposals.models import Category

    places: dict[int, Place] = {}
    tables = {"provincial": corpus.PROVINCE_DEPARTMENTS, "municipal": corpus.CITY_DEPARTMENTS}
    committees = list(Committee.objects.order_by("id"))
    for c in committees:
        place_name = c.short_name.removesuffix("政协")
        places[c.pk] = Place(committee_id=c.pk, name=place_name, level=c.level)
    for c in committees:
        place = places[c.pk]
        place.below = [(d.pk, places[d.pk].name) for d in committees if d.path.startswith(c.path) and d.pk != c.pk]
        members = Member.objects.filter(committee=c).order_by("id").values_list("pk", "user_id")
        place.member_ids = [m for m, _ in members]
        place.member_user_ids = [u for _, u in members]
        place.categories = dict(Category.objects.filter(committee=c).values_list("name", "pk"))
        departments = dict(Department.objects.filter(committee=c).values_list("short_name", "pk"))
        place.departments = sorted(departments.values())
        if c.level == "county":
            table = corpus.COUNTY_DEPARTMENTS_TWO if len(departments) == 2 else corpus.COUNTY_DEPARTMENTS_ONE
        else:
            table = tables[c.level]
        for name, leads, cos in table:
            for category in leads:
                place.leads.setdefault(category, []).append(departments[name[:40]])
            for category in cos:
                place.cos.setdefault(category, []).append(departments[name[:40]])
    return places


# --- cases ---------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _row(values) -> str:
    return "\t".join(_copy_value(v) for v in values) + "\n"


CASE_COLUMNS = ("id", "kind", "title", "content", "address", "status", "handling_mode", "round", "due_date", "rating",
                "created_at", "routed_at", "replied_at", "closed_at", "updated_at", "committee_id", "place_id",
                "submitted_by_id", "submitter_id", "category_id")
ASSIGNMENT_COLUMNS = ("id", "role", "round", "status", "assigned_at", "accepted_at", "replied_at", "clock_start",
                      "clock_workdays", "paused_at", "due_date", "objection_until", "extended_workdays",
                      "deadline_log", "department_id", "case_id")


class Deadlines:
    """Working-day deadlines and their explanations, computed once per (start, days)."""

    def __init__(self):
        from django.utils.translation import gettext

        self.event = gettext("assigned")
        self._cache: dict[tuple[dt.date, int], tuple[dt.date, str]] = {}

    def __call__(self, start: dt.date, days: int) -> tuple[dt.date, str]:
        key = (start, days)
        if key not in self._cache:
            from cppcc_portal.core import workdays

            explanation = workdays.explain_workdays(start, days)
            self._cache[key] = (explanation.due, explanation.summary())
        return self._cache[key]

    def log(self, start: dt.date, days: int) -> str:
        due, summary = self(start, days)
        return json.dumps([{"on": start.isoformat(), "event": self.event, "from": start.isoformat(),
                            "workdays": days, "due": due.isoformat(), "explanation": summary}], ensure_ascii=False)


def _status_for(rng: random.Random, age_days: float) -> str:
    r = rng.random()
    if age_days > 120:
        return "closed" if r < 0.99 else ("replied" if r < 0.995 else "handling")
    if age_days > 30:
        return "closed" if r < 0.70 else ("replied" if r < 0.85 else ("handling" if r < 0.99 else "triage"))
    return "closed" if r < 0.10 else ("replied" if r < 0.30 else ("handling" if r < 0.90 else "triage"))


RATINGS = (["satisfied"] * 78) + (["basically"] * 15) + (["unsatisfied"] * 4) + (["none"] * 3)


def generate_chunk(index: int, first_id: int, count: int, total: int, places: list[Place], weights: list[float],
                   reference: dt.datetime, deadlines: Deadlines, tz: ZoneInfo) -> tuple[str, str, Counter]:
    rng = random.Random(f"{SEED}-cases-{index}")
    categories, category_weights = corpus.category_weights()
    place_cum = list(itertools.accumulate(weights))
    category_cum = list(itertools.accumulate(category_weights))
    start = reference - dt.timedelta(days=SPAN_DAYS)
    step = dt.timedelta(days=SPAN_DAYS) / total
    cases, assignments, mix = io.StringIO(), io.StringIO(), Counter()
    for case_id in range(first_id, first_id + count):
        place = rng.choices(places, cum_weights=place_cum)[0]
        created = start + step * (case_id - 1 + rng.random())
        age = (reference - created).total_seconds() / 86400
        status = _status_for(rng, age)
        mix[status] += 1
        # A fifth of the members write most of the suggestions.
        members = place.member_ids
        k = rng.randrange(len(members) // 5) if rng.random() < 0.6 else rng.randrange(len(members))
        category = rng.choices(categories, cum_weights=category_cum)[0]
        concerns = rng.choice(place.below) if place.below and rng.random() < 0.5 else None
        title, content, address = corpus.suggestion_text(rng, category, concerns[1] if concerns else place.name)
        routed = replied = closed = due = None
        mode, rating = "", ""
        updated = created
        if status != "triage":
            manual = rng.random() < 0.15  # went through triage first, then staff routed it
            routed = created + (dt.timedelta(hours=rng.uniform(4, 60)) if manual else dt.timedelta(seconds=rng.uniform(1, 90)))
            routed = min(routed, reference - dt.timedelta(minutes=1))
            leads = place.leads.get(category) or place.departments
            lead = rng.choice(place.departments) if rng.random() < 0.05 else rng.choice(leads)
            co = [d for d in place.cos.get(category, []) if d != lead]
            co = rng.sample(co, min(len(co), 1 + (rng.random() < 0.3))) if co and rng.random() < 0.25 else []
            mode = "lead" if co else "single"
            clock_start = routed.astimezone(tz).date()
            finished = status in ("replied", "closed")
            if finished:
                latest = reference - dt.timedelta(hours=1)
                replied = min(routed + dt.timedelta(days=rng.uniform(2, 14)), latest - (latest - routed) * 0.3)
                if status == "closed":
                    closed = min(replied + dt.timedelta(days=rng.uniform(0.5, 10)), latest)
                    rating = rng.choice(RATINGS)
            for j, (department, role) in enumerate([(lead, "lead"), *[(d, "co") for d in co]]):
                days = 10 if role == "lead" else 5
                a_due, _ = deadlines(clock_start, days)
                objection_until, _ = deadlines(clock_start, 3)
                accepted = a_replied = paused = None
                if finished:
                    a_status = "replied"
                    accepted = routed + (replied - routed) * 0.2
                    a_replied = replied if role == "lead" else accepted + (replied - accepted) * 0.5
                elif role == "co" and rng.random() < 0.4:  # a co-handler that already sent its opinion
                    a_status = "replied"
                    accepted = routed + (reference - routed) * 0.3
                    a_replied = routed + (reference - routed) * 0.6
                else:
                    r = rng.random()
                    a_status = "accepted" if r < 0.6 else ("assigned" if r < 0.95 else "objecting")
                    if a_status != "assigned":
                        accepted = min(routed + dt.timedelta(hours=rng.uniform(1, 48)), reference)
                    if a_status == "objecting":
                        paused = accepted.astimezone(tz).date()
                if role == "lead" and status == "handling":
                    due = a_due
                assignments.write(_row((
                    case_id * 4 + j, role, 1, a_status, routed, accepted, a_replied, clock_start, days, paused,
                    a_due, objection_until, 0, deadlines.log(clock_start, days), department, case_id,
                )))
            updated = closed or replied or routed
        cases.write(_row((
            case_id, "micro_suggestion", title, content, address, status, mode, 1, due, rating, created, routed,
            replied, closed, updated, place.committee_id, concerns[0] if concerns else None,
            place.member_user_ids[k], members[k], place.categories[category],
        )))
    return cases.getvalue(), assignments.getvalue(), mix


def load_cases(places: dict[int, Place], total: int, reference: dt.datetime) -> Counter:
    from django.conf import settings
    from django.db import connection, transaction

    tz = ZoneInfo(settings.TIME_ZONE)
    ordered = list(places.values())
    per_level = Counter(p.level for p in ordered)
    weights = [corpus.CASE_SHARE[p.level] / per_level[p.level] for p in ordered]
    deadlines = Deadlines()
    mix: Counter = Counter()
    chunks = (total + CHUNK - 1) // CHUNK
    for index in range(chunks):
        first = index * CHUNK + 1
        count = min(CHUNK, total - index * CHUNK)
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM proposals_case WHERE id BETWEEN %s AND %s", [first, first + count - 1])
            present = cur.fetchone()[0]
        if present == count:
            continue
        if present:
            raise SystemExit(f"chunk {index} (ids {first}..{first + count - 1}) is partly present ({present} rows): "
                             "this database holds another seed; rerun with --reset")
        started = time.perf_counter()
        case_rows, assignment_rows, chunk_mix = generate_chunk(index, first, count, total, ordered, weights,
                                                              reference, deadlines, tz)
        generated = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            # Bulk load: the rows are built consistent, so skip the per-row FK triggers for this
            # transaction; verify() checks every reference once at the end.
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.copy_expert(f"COPY proposals_case ({', '.join(CASE_COLUMNS)}) FROM STDIN", io.StringIO(case_rows))
            cur.copy_expert(f"COPY proposals_assignment ({', '.join(ASSIGNMENT_COLUMNS)}) FROM STDIN",
                            io.StringIO(assignment_rows))
        mix += chunk_mix
        log(f"chunk {index + 1}/{chunks}: {count} items generated in {generated - started:.1f}s, "
            f"copied in {time.perf_counter() - generated:.1f}s")
    return mix


def fix_sequences() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("proposals_case", "proposals_assignment"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"GREATEST((SELECT max(id) FROM {table}), 1))")


def learn_model(total: int) -> int:
    """The learned routing model as if staff and rules had routed a sample of the items
    (what ``routing.learn`` counts), in one bulk insert."""
    from django.db import connection, transaction

    from proposals import text
    from proposals.models import RoutingDepartmentStat, RoutingTermStat

    if RoutingDepartmentStat.objects.exists():
        return 0
    step = max(total // MODEL_SAMPLE, 1)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.committee_id, a.department_id, c.title, c.content FROM proposals_case c "
            "JOIN proposals_assignment a ON a.case_id = c.id AND a.role = 'lead' "
            "WHERE c.id %% %s = 0 AND c.id <= %s", [step, total])
        rows = cur.fetchall()
    terms: Counter = Counter()
    documents: Counter = Counter()
    term_totals: Counter = Counter()
    for committee_id, department_id, title, content in rows:
        words = text.words(f"{title}\n{content}")
        documents[(committee_id, department_id)] += 1
        term_totals[(committee_id, department_id)] += len(words)
        for w in words:
            terms[(committee_id, department_id, w)] += 1
    with transaction.atomic():
        RoutingTermStat.objects.bulk_create(
            [RoutingTermStat(committee_id=c, department_id=d, term=t, count=n) for (c, d, t), n in terms.items()],
            batch_size=5000)
        RoutingDepartmentStat.objects.bulk_create(
            [RoutingDepartmentStat(committee_id=c, department_id=d, documents=n, terms=term_totals[(c, d)])
             for (c, d), n in documents.items()])
    return len(rows)


def vacuum_analyze() -> None:
    """VACUUM sets the visibility map (index-only scans) and ANALYZE the planner's statistics,
    as autovacuum would have done in production. Runs outside a transaction (autocommit)."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in ("proposals_case", "proposals_assignment", "members_member", "members_user",
                      "members_department", "members_committee", "proposals_routingtermstat",
                      "proposals_routingdepartmentstat"):
            cur.execute(f"VACUUM ANALYZE {table}")


def verify(total: int) -> dict:
    """Counts, and every foreign key of the bulk-loaded rows resolves."""
    from django.db import connection

    checks = {
        "cases": "SELECT count(*) FROM proposals_case WHERE id <= %(n)s",
        "assignments": "SELECT count(*) FROM proposals_assignment WHERE case_id <= %(n)s",
        "dangling_case_refs": """SELECT count(*) FROM proposals_case c WHERE c.id <= %(n)s AND (
            NOT EXISTS (SELECT 1 FROM members_committee m WHERE m.id = c.committee_id)
            OR NOT EXISTS (SELECT 1 FROM members_user u WHERE u.id = c.submitted_by_id)
            OR NOT EXISTS (SELECT 1 FROM members_member m WHERE m.id = c.submitter_id)
            OR NOT EXISTS (SELECT 1 FROM proposals_category k WHERE k.id = c.category_id)
            OR (c.place_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM members_committee m WHERE m.id = c.place_id)))""",
        "dangling_assignment_refs": """SELECT count(*) FROM proposals_assignment a WHERE a.case_id <= %(n)s AND (
            NOT EXISTS (SELECT 1 FROM proposals_case c WHERE c.id = a.case_id)
            OR NOT EXISTS (SELECT 1 FROM members_department d WHERE d.id = a.department_id))""",
    }
    result = {}
    with connection.cursor() as cur:
        for name, sql in checks.items():
            cur.execute(sql, {"n": total})
            result[name] = cur.fetchone()[0]
        cur.execute("SELECT status, count(*) FROM proposals_case WHERE id <= %s GROUP BY status ORDER BY 2 DESC",
                    [total])
        result["status_mix"] = dict(cur.fetchall())
        cur.execute("SELECT pg_size_pretty(pg_total_relation_size('proposals_case')), "
                    "pg_size_pretty(pg_total_relation_size('proposals_assignment'))")
        result["case_table_size"], result["assignment_table_size"] = cur.fetchone()
    if result["dangling_case_refs"] or result["dangling_assignment_refs"]:
        raise SystemExit(f"bulk-loaded rows reference missing rows: {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="micro-suggestions to load (default 1,000,000)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the benchmark database first")
    args = parser.parse_args()
    url = benchlib.database_url()
    began = time.perf_counter()
    ensure_database(url, reset=args.reset)
    benchlib.setup_django()

    from django.core.management import call_command

    from cppcc_portal.core.models import CalendarDay
    from cppcc_portal.core.services import calendar_seed_from_package
    from members.models import Committee

    def step(name, fn):
        started = time.perf_counter()
        value = fn()
        log(f"{name}: {time.perf_counter() - started:.1f}s")
        return value

    step("migrate", lambda: call_command("migrate", interactive=False, verbosity=0))
    seeded = state_get("items")
    if seeded is not None and seeded != args.items:
        raise SystemExit(f"this database was seeded with --items {seeded}; rerun with that or with --reset")
    reference = state_get("reference_time")
    if reference is None:
        reference = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        state_set("reference_time", reference)
        state_set("items", args.items)
    reference = dt.datetime.fromisoformat(reference)
    if not CalendarDay.objects.exists():
        step("calendar", calendar_seed_from_package)
    if not Committee.objects.exists():
        step("organisation", lambda: build_organisation(random.Random(f"{SEED}-org")))
    places = step("load organisation", load_organisation)
    mix = step("cases and assignments", lambda: load_cases(places, args.items, reference))
    step("sequences", fix_sequences)
    learned = step("learned routing model", lambda: learn_model(args.items))
    if learned:
        log(f"  learned from {learned} sampled items")
    step("vacuum analyze", vacuum_analyze)
    summary = step("verify", lambda: verify(args.items))
    if mix:
        log(f"loaded now: {dict(mix)}")
    log(f"database: {summary}")
    log(f"total: {time.perf_counter() - began:.1f}s")


if __name__ == "__main__":
    main()
