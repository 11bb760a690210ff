"""Load demo micro-suggestions (微建议) for 濮阳市政协 and, a few, for 范县政协, in every state of the
handling engine, spread over the last six months.

Run after ``demo_data``. It configures each committee through ``proposals.services.config``
(categories, a handling policy, routing rules) and then drives about 400 items through the
real services, one transaction per item: ``micro_suggestion_submit``, ``case_route_automatically``
(the routing worker's service, called with the item's outbox message so the message ends
``done``), ``case_route`` for staff triage, and the departments', staff's, members' and
leaders' steps (accept, contact, return request, extension, co-handler opinion, reply, rating,
follow). A few items are left in ``routing`` with their outbox message pending, for the demo's
Celery worker to route when it starts. Finally ``sweep_unrated`` and ``sweep_deadlines`` run
once, so unrated replies close and overdue items carry reminders and escalations.

The services work on today's date; only timestamps are backdated, after an item has been
driven. Each step of an item is given a simulated time in the past (a few minutes to six months
ago; office hours on working days for departments and staff), and the rows the step wrote get
that time: the item's submitted/routed/replied/closed times, assignment, reply, rating, request,
follow and routing-decision times, its outbox message, audit entries and notifications. The
deadline columns (clock start, working days left, due date, objection window, pause, and the
item's due date) are then recomputed from the backdated clock with the working-day calendar
(``add_workdays``), replaying each assignment's deadline log, so due dates and overdue items
agree with the calendar. The sweeps' reminders, escalations and closings are dated when the
sweep would first have found them. Inputs that name a day (a contact's date, the date under a
reply letter) are given the simulated day when the step runs. Nothing else is written outside
the services: no status, count or text.

Notifications of this history stay in the in-app inbox (no mail is queued for them); those older
than two weeks are marked read through the notifications service, their read time backdated too.
The configuration this run creates is dated 200 days back, before the first item.

Deterministic: texts, people and scenarios come from ``random.Random`` seeded with a fixed
string; step times depend on the seed and on when it runs. Idempotent: an item whose title
already exists in its committee is skipped, and configuration is looked up before it is
created, so a second run creates nothing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import workdays
from cppcc_portal.core.models import AuditEntry, Notification, OutboxMessage
from cppcc_portal.core.notifications import notifications_mark_read
from members.models import Committee, Department, Liaison, Member, User
from proposals.choices import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    CaseKind,
    CaseStatus,
    EscalationLevel,
    FollowKind,
    Rating,
)
from proposals.management import demo_texts as texts
from proposals.models import (
    Assignment,
    Case,
    Category,
    ContactRecord,
    Escalation,
    ExtensionRequest,
    Feedback,
    Follow,
    HandlingPolicy,
    MicroSuggestion,
    ObjectionRequest,
    Reply,
    RoutingDecision,
    RoutingRule,
)
from proposals.services import config, handling
from proposals.services.handling import case_url, policy_for
from proposals.services.micro_suggestions import micro_suggestion_submit, route_key

SEED = "cppcc-portal-demo:micro-suggestions"
CATEGORIES = ("城乡建设", "交通出行", "教育", "医疗卫生", "生态环境", "社会保障", "农业农村", "市场监管", "公共安全",
              "文化旅游", "其他")
POLICY = {
    "reply_workdays": 10, "co_opinion_workdays": 5, "objection_workdays": 3, "rating_workdays": 7, "max_rounds": 2,
    "max_extension_workdays": 10, "reminder_workdays": 2, "escalate_head_after": 2, "escalate_staff_after": 5,
    "escalate_leader_after": 10, "routing_confidence": 0.8,
}
# The committees the demo fills: key → (committee name, staff login).
COMMITTEES = {"puyang": ("政协濮阳市委员会", "staff"), "fanxian": ("政协范县委员会", "county_staff")}


@dataclass(frozen=True)
class Rule:
    name: str
    lead: str
    co: tuple[str, ...] = ()
    keywords: str = ""
    category: str = ""
    place: str = ""  # a committee below this one, by name
    priority: int = 0


RULES = {
    "puyang": (
        Rule("校园周边交通秩序", "教育局", ("公安局",), "校门口,学校门口,上下学,接送学生", priority=70),
        Rule("考试招生服务", "教育局", (), "录取通知书,中考,高考,招生", priority=65),
        Rule("老旧小区改造和物业服务", "住房和城乡建设局", (), "老旧小区,加装电梯,小区改造,物业", priority=60),
        Rule("停车和充电设施", "住房和城乡建设局", ("城市管理局",), "停车,车位,充电桩", priority=55),
        Rule("城市照明", "住房和城乡建设局", ("城市管理局",), "路灯", priority=52),
        Rule("供水供暖燃气", "住房和城乡建设局", (), "供暖,暖气,供水,水压,燃气", priority=50),
        Rule("公共阅读服务", "文化广电和旅游局", (), "阅览室,图书室,农家书屋", priority=48),
        Rule("学校教育", "教育局", (), "学校,学生,课后服务,校车,幼儿园,学位,教师", priority=45),
        Rule("医疗卫生服务", "卫生健康委员会", (), "医院,卫生院,卫生服务中心,药品,医保,家庭医生,急救,母婴室", priority=44),
        Rule("公共交通和农村公路", "交通运输局", (), "公交,站牌,候车亭,班车,客运,农村公路,坑洼", priority=42),
        Rule("道路交通秩序", "交通运输局", ("公安局",), "红绿灯,信号灯,斑马线,行人过街", priority=40),
        Rule("占道经营", "城市管理局", ("市场监督管理局",), "占道经营,流动摊贩,马路市场", priority=38),
        Rule("市场秩序和食品安全", "市场监督管理局", (), "食品安全,三无,缺斤短两,价格,计量", priority=35),
        Rule("生态环境", "生态环境局", ("城市管理局",), "污水,垃圾,噪音,噪声,油烟,黑臭", priority=30),
        Rule("社会保险", "人力资源和社会保障局", (), "社保,养老保险,灵活就业,失业保险", priority=25),
        Rule("清丰县农田灌溉", "水利局", ("农业农村局",), "灌溉,机井", place="政协清丰县委员会", priority=20),
        Rule("农业农村（按类别）", "农业农村局", (), category="农业农村", priority=15),
        Rule("文化旅游（按类别）", "文化广电和旅游局", (), category="文化旅游", priority=12),
        Rule("公共安全（按类别）", "公安局", (), category="公共安全", priority=10),
    ),
    "fanxian": (
        Rule("学校教育", "教育局", (), "学校,学生,幼儿园,课后服务,校车,教师", priority=50),
        Rule("农业生产", "农业农村局", (), "灌溉,机井,种植,农技,病虫害", priority=40),
        Rule("住房和市政设施", "住房和城乡建设局", (), "路灯,停车,小区,道路,公路,迁建社区", priority=30),
        Rule("农业农村（按类别）", "农业农村局", (), category="农业农村", priority=10),
    ),
}

# States an item is driven to.
ROUTING, TRIAGE = "routing", "triage"
ASSIGNED, ASSIGNED_OVERDUE, ACCEPTED, ACCEPTED_OVERDUE = "assigned", "assigned_overdue", "accepted", "accepted_overdue"
OBJECTING, EXTENSION, REOPENED, REPLIED = "objecting", "extension", "reopened", "replied"
SATISFIED, BASICALLY, UNSATISFIED, UNRATED = "closed_satisfied", "closed_basically", "closed_unsatisfied", "closed_unrated"
CLOSED = (SATISFIED, BASICALLY, UNSATISFIED, UNRATED)
SCENARIOS = {
    "puyang": {ROUTING: 5, TRIAGE: 16, ASSIGNED: 26, ASSIGNED_OVERDUE: 8, ACCEPTED: 38, ACCEPTED_OVERDUE: 23,
               OBJECTING: 7, EXTENSION: 7, REOPENED: 5, REPLIED: 30, SATISFIED: 127, BASICALLY: 47, UNSATISFIED: 13,
               UNRATED: 12},
    "fanxian": {ROUTING: 1, TRIAGE: 1, ASSIGNED: 2, ACCEPTED: 3, ACCEPTED_OVERDUE: 2, OBJECTING: 1, REPLIED: 3,
                SATISFIED: 5, BASICALLY: 2, UNSATISFIED: 1},
}
# The demo member 杨明明 (login ``member``): one item in each state she can see.
MEMBER_SCENARIOS = (ROUTING, TRIAGE, ASSIGNED, ACCEPTED, ACCEPTED_OVERDUE, EXTENSION, REOPENED, REPLIED, REPLIED,
                    REPLIED, SATISFIED, SATISFIED, BASICALLY, UNSATISFIED, UNRATED)
DEMO_MEMBER = "member"
# Where staff send an item no rule caught, by category, when its topic names no department.
TRIAGE_DEPARTMENTS = {
    "puyang": {"城乡建设": "住房和城乡建设局", "交通出行": "交通运输局", "教育": "教育局", "医疗卫生": "卫生健康委员会",
               "生态环境": "生态环境局", "社会保障": "民政局", "农业农村": "农业农村局", "市场监管": "市场监督管理局",
               "公共安全": "公安局", "文化旅游": "文化广电和旅游局"},
    # The county has only these three departments.
    "fanxian": {"教育": "教育局", "农业农村": "农业农村局"},
}
# Categories that some rule needs: a member choosing the topic always gives it.
RULED_CATEGORIES = ("农业农村", "文化旅游", "公共安全")
ESCALATION_HOUR = dt.time(0, 5)


@dataclass
class Plan:
    index: int
    committee: str
    scenario: str
    topic: texts.Topic
    title: str
    content: str
    values: dict
    category: str
    address: str
    submitter: Member
    co_submitters: list[Member] = field(default_factory=list)
    objection: str = ""  # "", "pending", "approved", "rejected"
    extension: str = ""  # "", "pending", "approved", "rejected"
    late: bool = False
    second_round: bool = False  # a closed item that was handled twice
    contacts: tuple[str, ...] = ()
    co_opinion: bool = True
    leader_follow: str = ""  # FollowKind for the leader login
    member_lead: Member | None = None  # another member who takes the item up (领办)


# --- working days -----------------------------------------------------------------------------


def back(day: dt.date, n: int) -> dt.date:
    """The n-th working day before ``day`` (``day`` itself when n is 0)."""
    cal = workdays.snapshot()
    while n > 0:
        day -= dt.timedelta(days=1)
        if workdays.is_workday(day, cal):
            n -= 1
    return day


def on_or_after(day: dt.date) -> dt.date:
    return day if workdays.is_workday(day) else workdays.add_workdays(day, 1)


# --- planning ----------------------------------------------------------------------------------


def _content(rng: random.Random, topic: texts.Topic, values: dict) -> str:
    problem = rng.choice(topic.problems).format(**values)
    count = min(len(topic.suggestions), rng.choice((1, 2, 2, 3, 3)))
    chosen = sorted(rng.sample(range(len(topic.suggestions)), count))
    suggestions = [topic.suggestions[i] for i in chosen]
    if len(suggestions) == 1:
        advice = f"建议{suggestions[0]}。"
    else:
        advice = "为此建议：" + "；".join(f"{'一二三'[i]}是{s}" for i, s in enumerate(suggestions)) + "。"
    return f"{problem}{advice}{rng.choice(texts.CLOSINGS)}".strip()


def _topic(rng: random.Random, committee: str, scenario: str, for_member: bool) -> texts.Topic:
    if scenario == TRIAGE:
        pools = ("novel",)
    elif scenario == ROUTING:
        pools = ("rule",)
    else:
        pools = ("rule", "triage")
    options = [t for t in texts.TOPICS if t.pool in pools
               and (not for_member or t.for_member)
               and (committee != "fanxian" or t.fanxian or t.pool == "novel" or t.key == "village_garbage")]
    return rng.choices(options, weights=[t.weight for t in options])[0]


def plan_items(members: dict[str, list[Member]], demo_member: Member | None) -> list[Plan]:
    rng = random.Random(SEED)
    plans: list[Plan] = []
    for committee, counts in SCENARIOS.items():
        used: set[str] = set()
        roster = members[committee]
        others = [m for m in roster if demo_member is None or m.pk != demo_member.pk]
        activity = [rng.uniform(0.3, 3.0) for _ in others]
        slots = [(s, False) for s, n in counts.items() for _ in range(n)]
        if committee == "puyang" and demo_member is not None:
            slots += [(s, True) for s in MEMBER_SCENARIOS]
        rng.shuffle(slots)
        areas = texts.PUYANG_AREAS if committee == "puyang" else texts.FANXIAN_AREAS
        for scenario, mine in slots:
            for _attempt in range(50):
                topic = _topic(rng, committee, scenario, mine)
                values = texts.fill(rng, topic.site, areas)
                title = rng.choice(topic.titles).format(**values)
                if title not in used:
                    break
            else:  # titles identify the items on the next run: they must differ
                raise CommandError(f"No new title for a {scenario} item of {committee}; add topics or places.")
            used.add(title)
            submitter = demo_member if mine else rng.choices(others, weights=activity)[0]
            plan = Plan(
                index=len(plans), committee=committee, scenario=scenario, topic=topic, title=title,
                content=_content(rng, topic, values), values=values,
                category=topic.category if rng.random() < 0.85 or topic.pool != "rule"
                or topic.category in RULED_CATEGORIES else "",
                address=values["where"] if topic.site not in ("area", "town") else "", submitter=submitter,
            )
            if rng.random() < 0.15:
                pool = [m for m in roster if m.pk != submitter.pk]
                plan.co_submitters = rng.sample(pool, k=rng.choice((1, 1, 2)))
            history = scenario in CLOSED or scenario in (REPLIED, ACCEPTED_OVERDUE, REOPENED)
            roll = rng.random()
            if scenario == OBJECTING:
                plan.objection = "pending"
            elif history and roll < 0.06:
                plan.objection = "approved"
            elif history and roll < 0.10:
                plan.objection = "rejected"
            roll = rng.random()
            if scenario == EXTENSION:
                plan.extension = "pending"
            elif scenario in CLOSED and roll < 0.07:
                plan.extension = "approved"
            elif scenario in CLOSED and roll < 0.09:
                plan.extension = "rejected"
            plan.late = scenario in CLOSED + (REPLIED,) and not plan.extension and rng.random() < 0.12
            plan.second_round = scenario in (SATISFIED, BASICALLY) and rng.random() < 0.06
            methods = ("phone", "phone", "phone", "meeting", "meeting", "online", "forum", "letter")
            plan.contacts = tuple(rng.choice(methods) for _ in range(rng.choice((0, 1, 1, 1, 2))))
            plan.co_opinion = rng.random() < 0.85
            if committee == "puyang":
                follow_rate = 0.35 if scenario in (ACCEPTED_OVERDUE, ASSIGNED_OVERDUE) else 0.05
                if rng.random() < follow_rate:
                    plan.leader_follow = FollowKind.SUPERVISE if rng.random() < 0.7 else FollowKind.LEAD
            if scenario not in (ROUTING, TRIAGE) and rng.random() < 0.03:
                plan.member_lead = rng.choice([m for m in roster if m.pk != submitter.pk])
            plans.append(plan)
    return plans


# --- simulated time ----------------------------------------------------------------------------


def save_columns(model, objs: list, fields: list[str]) -> None:
    """Write ``fields`` of ``objs`` back, one UPDATE statement run once per row: no signals and
    no ``auto_now``, which is all backdating needs (``bulk_update`` builds a slow CASE per column)."""
    if not objs:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = (f"UPDATE {quote(meta.db_table)} SET " + ", ".join(f"{quote(c.column)} = %s" for c in columns)
           + f" WHERE {quote(meta.pk.column)} = %s")
    params = [[c.get_db_prep_save(getattr(obj, c.attname), connection) for c in columns] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


class Clock:
    """The simulated times of one item's steps and the real times the steps ran at, so that
    whatever a step wrote can be given its simulated time afterwards."""

    def __init__(self, now: dt.datetime, rng: random.Random) -> None:
        self.now, self.rng = now, rng
        self.marks: list[tuple[dt.datetime, dt.datetime]] = []  # (real start, simulated time)
        self.lengths: list[dict[int, int]] = []  # deadline-log lengths after each step
        self.case_id: int | None = None
        self.touched: set[type] = set()  # kinds of rows the steps created, besides the item's own
        self._deadlines = False  # the step running may add to a deadline log

    @property
    def last(self) -> dt.datetime | None:
        return self.marks[-1][1] if self.marks else None

    def _log_lengths(self) -> dict[int, int]:
        if self.case_id is None:
            return {}
        return {pk: len(log) for pk, log in Assignment.objects.filter(case_id=self.case_id).values_list("pk", "deadline_log")}

    def _snapshot(self) -> None:
        self.lengths.append(self._log_lengths() if self._deadlines else (self.lengths[-1] if self.lengths else {}))

    @contextmanager
    def at(self, when: dt.datetime, *, creates: tuple[type, ...] = (), deadlines: bool = False):
        """Run a step at ``when`` (moved after the previous step if need be). ``creates``: the
        kinds of rows it writes; ``deadlines``: whether it may start, pause or change a clock."""
        if self.last is not None and when <= self.last:
            when = self.last + dt.timedelta(minutes=self.rng.randint(2, 25))
        if self.marks:
            self._snapshot()
        self._deadlines = deadlines
        self.touched.update(creates)
        self.marks.append((timezone.now(), when))
        yield when

    def finish(self) -> None:
        self._snapshot()
        overshoot = self.last - (self.now - dt.timedelta(minutes=2))
        if overshoot > dt.timedelta(0):  # never in the future: move the whole story back
            self.marks = [(real, sim - overshoot - dt.timedelta(minutes=5)) for real, sim in self.marks]

    def sim(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None or value < self.marks[0][0]:
            return value
        index = bisect.bisect_right([real for real, _ in self.marks], value) - 1
        return self.marks[index][1]

    def step_of(self, value: dt.datetime) -> int:
        return bisect.bisect_right([real for real, _ in self.marks], value) - 1


def _local(when: dt.datetime) -> dt.date:
    return timezone.localdate(when)


# --- the loader -------------------------------------------------------------------------------


class Loader:
    def __init__(self, write) -> None:
        self.write = write
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        latest = self.today if timezone.localtime(self.now).hour >= 12 else self.today - dt.timedelta(days=1)
        self.last_workday = latest if workdays.is_workday(latest) else back(latest, 1)
        self.created: Counter = Counter()
        self.present: Counter = Counter()
        self.outcomes: Counter = Counter()
        self.committees: dict[str, Committee] = {}
        self.staff: dict[str, User] = {}
        self.departments: dict[str, dict[str, Department]] = {}
        self.categories: dict[str, dict[str, Category]] = {}
        self.policies: dict[str, HandlingPolicy] = {}
        self.liaisons: dict[int, User] = {}
        self.leader: User | None = None
        self.case_types = [ContentType.objects.get_for_model(Case).pk,
                           ContentType.objects.get_for_model(MicroSuggestion, for_concrete_model=False).pk]
        self.new_case_ids: list[int] = []
        self.places: dict[str, Committee] = {}

    # configuration

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"The login {username!r} is missing: run `manage.py demo_data` first.")
        return user

    def configure(self) -> None:
        """Categories, the micro-suggestion policy and routing rules of each committee, all
        written by its staff login; what this run creates is dated before the first item."""
        config_time = timezone.make_aware(dt.datetime.combine(self.today - dt.timedelta(days=200), dt.time(10, 12)))
        started = timezone.now()
        for key, (name, staff_login) in COMMITTEES.items():
            committee = Committee.objects.filter(name=name).first()
            if committee is None:
                raise CommandError(f"The committee {name} is missing: run `manage.py demo_data` first.")
            self.committees[key] = committee
            staff = self.staff[key] = self.user(staff_login)
            self.departments[key] = {texts.role_key(d.name): d for d in Department.objects.filter(committee=committee,
                                                                                                 is_active=True)}
            found = {c.name: c for c in Category.objects.filter(committee=committee)}
            for order, category_name in enumerate(CATEGORIES, start=1):
                self.count("categories", category_name not in found)
                if category_name not in found:
                    found[category_name] = config.category_create(actor=staff, committee=committee, name=category_name,
                                                                   order=order)
            self.categories[key] = found
            policy = HandlingPolicy.objects.filter(committee=committee, kind=CaseKind.MICRO_SUGGESTION,
                                                   category__isnull=True).first()
            self.count("handling policies", policy is None)
            if policy is None:
                policy = config.policy_set(actor=staff, committee=committee, kind=CaseKind.MICRO_SUGGESTION, **POLICY)
            self.policies[key] = policy
            rules = set(RoutingRule.objects.filter(committee=committee, kind=CaseKind.MICRO_SUGGESTION)
                        .values_list("name", flat=True))
            for rule in RULES[key]:
                self.count("routing rules", rule.name not in rules)
                if rule.name in rules:
                    continue
                config.routing_rule_create(
                    actor=staff, committee=committee, name=rule.name, kind=CaseKind.MICRO_SUGGESTION,
                    priority=rule.priority, lead_department=self.department(key, rule.lead),
                    co_departments=[self.department(key, d) for d in rule.co], keywords=rule.keywords,
                    category=found[rule.category] if rule.category else None,
                    place=Committee.objects.get(name=rule.place) if rule.place else None,
                )
        RoutingRule.objects.filter(created_at__gte=started).update(created_at=config_time, updated_at=config_time)
        AuditEntry.objects.filter(created_at__gte=started, action__in=["category.create", "policy.create",
                                                                       "routing_rule.create"]).update(created_at=config_time)
        self.leader = self.user("leader")
        for liaison in Liaison.objects.filter(is_active=True, user__is_active=True).select_related("user").order_by("id"):
            self.liaisons.setdefault(liaison.department_id, liaison.user)

    def department(self, committee: str, role: str) -> Department:
        try:
            return self.departments[committee][role]
        except KeyError:
            raise CommandError(f"No department {role} in {COMMITTEES[committee][0]}: run `manage.py demo_data` first.") from None

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.present)[kind] += 1

    # helpers for the steps

    def office(self, rng: random.Random, day: dt.date) -> dt.datetime:
        minute = rng.randint(8 * 60 + 30, 17 * 60 + 20)
        if rng.random() < 0.45:  # mornings are busier
            minute = rng.randint(8 * 60 + 30, 11 * 60 + 40)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randint(0, 59))))

    def anytime(self, rng: random.Random, day: dt.date) -> dt.datetime:
        minute = rng.randint(7 * 60, 22 * 60 + 30)
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randint(0, 59))))
        return min(when, self.now - dt.timedelta(minutes=rng.randint(20, 90)))

    def latest(self, day: dt.date) -> dt.date:
        return min(day, self.last_workday)

    @staticmethod
    def lead_of(case: Case) -> Assignment | None:
        return (case.assignments.filter(round=case.round, role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE],
                                         status__in=OPEN_ASSIGNMENT_STATUSES).select_related("department").first())

    @staticmethod
    def co_of(case: Case) -> list[Assignment]:
        return list(case.assignments.filter(round=case.round, role=AssignmentRole.CO, status__in=OPEN_ASSIGNMENT_STATUSES)
                    .select_related("department"))

    def reply_text(self, plan: Plan, rng: random.Random, department: Department, day: dt.date, *, planned: bool,
                   second: bool = False) -> str:
        topic, values = plan.topic, plan.values
        action = (topic.planned if planned else topic.done).format(**values)
        contact = texts.CONTACT_SENTENCES[plan.contacts[0] if plan.contacts else "phone"]
        us = texts.we(department.name)
        if second:
            opening = f"针对您对首次答复提出的意见，{us}再次组织人员到现场核实，并与您当面沟通。"
        else:
            opening = f"您提出的《{plan.title}》收悉。{us}高度重视，{contact}。"
        return (f"{plan.submitter.name}委员：\n{opening}现将办理情况答复如下：\n{action}。\n{rng.choice(texts.FUTURES)}"
                f"感谢您对{us}工作的关心和支持。\n\n{department.name}\n{day.year}年{day.month}月{day.day}日").replace("\n\n\n", "\n\n")

    # one item

    def submission(self, plan: Plan) -> tuple[dt.date, dt.datetime]:
        """When the departments got the item (for the open states counted back from today) and
        when the member submitted it."""
        rng = random.Random(f"{SEED}:{plan.index}:when")
        scenario, lw, r = plan.scenario, self.last_workday, rng.randint
        anchor = {
            ASSIGNED: lambda: back(lw, r(0, 2)), ASSIGNED_OVERDUE: lambda: back(lw, r(12, 30)),
            ACCEPTED: lambda: back(lw, r(2, 7)), ACCEPTED_OVERDUE: lambda: back(lw, r(12, 70)),
            OBJECTING: lambda: back(lw, r(0, 2)), EXTENSION: lambda: back(lw, r(7, 9)),
            REPLIED: lambda: back(back(lw, r(0, 5)), r(4, 9)), REOPENED: lambda: back(lw, r(11, 15)),
            UNSATISFIED: lambda: self.today - dt.timedelta(days=r(55, 178)),
            UNRATED: lambda: self.today - dt.timedelta(days=r(35, 178)),
        }.get(scenario, lambda: self.today - dt.timedelta(days=r(28, 178)))
        day = anchor() if scenario not in (ROUTING, TRIAGE) else self.today - dt.timedelta(days=r(0, 4))
        if scenario == ROUTING:
            submitted = self.now - dt.timedelta(minutes=r(8, 600))
        elif plan.topic.pool != "rule" and scenario != TRIAGE:  # staff route it on a working day
            day = on_or_after(day)
            submitted = self.anytime(rng, day - dt.timedelta(days=r(1, 3)))
        else:
            submitted = self.anytime(rng, day)
        return day, submitted

    def drive(self, plan: Plan, day: dt.date, submitted: dt.datetime) -> Case:
        rng = random.Random(f"{SEED}:{plan.index}:steps")
        clock = Clock(self.now, rng)
        key, scenario = plan.committee, plan.scenario
        staff = self.staff[key]
        member_user = plan.submitter.user
        r = rng.randint
        categories = self.categories[key]
        place = self.place(plan)
        with transaction.atomic():
            with clock.at(submitted):
                case = micro_suggestion_submit(
                    actor=member_user, member=plan.submitter, title=plan.title, content=plan.content,
                    category=categories.get(plan.category), place=place, address=plan.address,
                    co_submitters=plan.co_submitters,
                )
            clock.case_id = case.pk
            if scenario != ROUTING:
                message = OutboxMessage.objects.get(key=route_key(case.pk))
                with clock.at(submitted + dt.timedelta(minutes=r(1, 6), seconds=r(0, 59)), deadlines=True):
                    case = handling.case_route_automatically(case_id=case.pk, outbox_id=message.pk)
                self.outcomes[f"first routing: {case.routing_decisions.last().method}"] += 1
                if case.status == CaseStatus.TRIAGE and scenario != TRIAGE:
                    lead = self.triage_department(plan)
                    with clock.at(self.office(rng, on_or_after(max(day, _local(clock.last)))), deadlines=True):
                        case = handling.case_route(actor=staff, case=case, lead_department=lead,
                                                   reason=f"经研究，该事项由{lead.name}负责办理。")
                elif case.status != CaseStatus.TRIAGE and scenario == TRIAGE:
                    self.outcomes["meant for triage but routed"] += 1
                if case.status == CaseStatus.HANDLING:
                    case = self.handle(plan, case, clock, rng)
            clock.finish()
            self.stamp(case, clock, self.policies[key])
        return case

    def place(self, plan: Plan) -> Committee | None:
        """The committee whose area the item concerns, where the demo has one: 范县, 清丰县 and
        their township work offices."""
        if not self.places:
            self.places = {c.name: c for c in Committee.objects.filter(path__startswith=self.committees["puyang"].path)}
        county, town = plan.values["county"], plan.values["town"]
        return self.places.get(f"{county}{town}政协工作室") or self.places.get(f"政协{county}委员会") if county in (
            "范县", "清丰县") else None

    def triage_department(self, plan: Plan) -> Department:
        if plan.committee == "puyang" and plan.topic.department:
            return self.department("puyang", plan.topic.department)
        fallback = "住房和城乡建设局" if plan.committee == "fanxian" else "城市管理局"
        return self.department(plan.committee, TRIAGE_DEPARTMENTS[plan.committee].get(plan.topic.category, fallback))

    def handle(self, plan: Plan, case: Case, clock: Clock, rng: random.Random) -> Case:
        """The departments', staff's and the member's steps after routing."""
        scenario, r = plan.scenario, rng.randint
        staff = self.staff[plan.committee]
        start = on_or_after(_local(clock.last))
        last_wd = self.last_workday
        open_state = scenario in (ASSIGNED, ASSIGNED_OVERDUE, ACCEPTED, ACCEPTED_OVERDUE, OBJECTING, EXTENSION)
        if scenario == TRIAGE:  # meant for staff, but the learned recommendation was confident
            return case

        def day(offset: int, base: dt.date | None = None) -> dt.date:
            target = workdays.add_workdays(base or start, max(offset, 0))
            return self.latest(target) if open_state or scenario == REOPENED else target

        def at_office(target: dt.date, **kinds):
            return clock.at(self.office(rng, max(target, _local(clock.last))), **kinds)

        if plan.member_lead is not None:
            with clock.at(self.anytime(rng, day(r(0, 3))), creates=(Follow,)):
                handling.case_follow(actor=plan.member_lead.user, case=case, kind=FollowKind.LEAD)
        if plan.leader_follow and scenario not in (ASSIGNED_OVERDUE, ACCEPTED_OVERDUE):
            with at_office(day(r(1, 4)), creates=(Follow,)):
                handling.case_follow(actor=self.leader, case=case, kind=plan.leader_follow)
        if scenario == OBJECTING:
            lead = self.lead_of(case)
            if rng.random() < 0.3:
                with at_office(start):
                    handling.assignment_accept(actor=self.liaisons[lead.department_id], assignment=lead)
                lead = self.lead_of(case)
            self.request_return(plan, case, lead, clock, rng, day(r(0, 2)))
            return case
        if scenario == ASSIGNED:
            self.co_steps(plan, case, clock, rng, day, opinion=False)
            return case

        # The lead unit signs for it, then maybe asks to return it or for more time.
        rounds = 2 if scenario in (UNSATISFIED, REOPENED) or plan.second_round else 1
        for handling_round in range(1, rounds + 1):
            lead = self.lead_of(case)
            if handling_round == 1 and plan.objection in ("approved", "rejected"):
                self.request_return(plan, case, lead, clock, rng, day(r(0, 1)))
                objection = ObjectionRequest.objects.filter(assignment=lead).latest("id")
                approve = plan.objection == "approved"
                new = self.return_target(case, lead) if approve else None
                with at_office(day(r(1, 2)), deadlines=True):
                    handling.objection_decide(
                        actor=staff, objection=objection, approve=approve, new_department=new,
                        note=f"经核实，同意退回，改由{new.name}办理。" if approve else
                        f"经研究，该事项属于{lead.department.name}职责范围，请按期办理。",
                    )
                lead = self.lead_of(case)
                start = on_or_after(_local(clock.last))
            if scenario != ASSIGNED_OVERDUE:
                with at_office(day(r(0, 1), start)):
                    handling.assignment_accept(actor=self.liaisons[lead.department_id], assignment=lead)
            if handling_round == 1:
                self.co_steps(plan, case, clock, rng, day, opinion=plan.co_opinion and scenario != ASSIGNED_OVERDUE)
            if scenario == ASSIGNED_OVERDUE:
                break
            lead = self.lead_of(case)
            contacts = plan.contacts if handling_round == 1 else ("meeting",)
            for n, method in enumerate(contacts, start=1):
                target = day(r(n, n + 2), start)
                if open_state and target > last_wd:
                    break
                with at_office(target, creates=(ContactRecord,)) as when:
                    # The service refuses a contact before the (not yet backdated) assignment:
                    # record it today, then give it its simulated date like every timestamp.
                    record = handling.contact_record(actor=self.liaisons[lead.department_id], assignment=lead,
                                                     method=method, contacted_on=self.today,
                                                     note=rng.choice(texts.CONTACTS[method]))
                    simulated = min(_local(when), self.today)
                    ContactRecord.objects.filter(pk=record.pk).update(contacted_on=simulated)
                    entry = AuditEntry.objects.filter(action="assignment.contact", target_id=case.pk).latest("id")
                    AuditEntry.objects.filter(pk=entry.pk).update(
                        note=entry.note.replace(self.today.isoformat(), simulated.isoformat(), 1))
            if scenario == ACCEPTED:
                return case
            if scenario == ACCEPTED_OVERDUE:
                break
            if handling_round == 1 and plan.extension:
                self.ask_for_time(plan, case, lead, clock, rng, day(r(6, 8)) if plan.extension != "pending"
                                  else max(back(last_wd, r(0, 1)), _local(clock.last)))
                if plan.extension == "pending":
                    return case
            if scenario == REOPENED and handling_round == 2:
                return case
            # The reply.
            if scenario == REPLIED:
                target = max(back(last_wd, r(0, 5)), _local(clock.last))
            elif scenario == REOPENED:
                target = max(back(last_wd, r(3, 5)), _local(clock.last))
            elif plan.late:
                target = day(r(11, 15), start)
            elif plan.extension == "approved" and handling_round == 1:
                target = day(r(11, 14), start)
            else:
                target = day(r(3, 10), start)
            # Result B (being solved) where the member is not (yet) content, else A (solved).
            planned = handling_round < rounds or scenario in (BASICALLY, REOPENED) or (
                scenario == UNSATISFIED and rng.random() < 0.5) or (scenario == REPLIED and rng.random() < 0.3)
            with at_office(target, creates=(Reply,)) as when:
                handling.assignment_reply(actor=self.liaisons[lead.department_id], assignment=lead,
                                          text=self.reply_text(plan, rng, lead.department, _local(when), planned=planned,
                                                               second=handling_round == 2))
            if scenario in (REPLIED, UNRATED):
                return case
            # The member rates it.
            reply = Reply.objects.get(assignment=lead, round=case.round)
            rating, comment = self.rating(plan, rng, handling_round, rounds)
            rated = self.anytime(rng, _local(clock.last) + dt.timedelta(days=r(0, 4)))
            if scenario == REOPENED:
                rated = self.anytime(rng, max(back(last_wd, r(1, 2)), _local(clock.last)))
            with clock.at(rated, creates=(Feedback,), deadlines=True):
                handling.case_rate(actor=plan.submitter.user, reply=reply, rating=rating, comment=comment)
            case.refresh_from_db()
            start = on_or_after(_local(clock.last))
        if plan.leader_follow and scenario in (ASSIGNED_OVERDUE, ACCEPTED_OVERDUE):
            lead = self.lead_of(case)
            due = workdays.add_workdays(_local(clock.sim(lead.assigned_at)), POLICY["reply_workdays"])
            with at_office(self.latest(workdays.add_workdays(due, r(1, 4))), creates=(Follow,)):
                handling.case_follow(actor=self.leader, case=case, kind=plan.leader_follow)
        return case

    def rating(self, plan: Plan, rng: random.Random, handling_round: int, rounds: int) -> tuple[str, str]:
        if handling_round < rounds:
            return Rating.UNSATISFIED, rng.choice(texts.UNSATISFIED_COMMENTS)
        if plan.scenario == UNSATISFIED:
            return Rating.UNSATISFIED, rng.choice(texts.FINAL_UNSATISFIED)
        if plan.scenario == BASICALLY:
            return Rating.BASICALLY, rng.choice(texts.BASICALLY_COMMENTS)
        return Rating.SATISFIED, rng.choice(texts.SATISFIED_COMMENTS)

    def co_steps(self, plan: Plan, case: Case, clock: Clock, rng: random.Random, day, *, opinion: bool) -> None:
        for co in self.co_of(case):
            liaison = self.liaisons[co.department_id]
            if rng.random() < 0.8:
                with clock.at(self.office(rng, max(day(rng.randint(0, 2)), _local(clock.last)))):
                    handling.assignment_accept(actor=liaison, assignment=co)
            if opinion:
                target = max(day(rng.randint(2, 4)), _local(clock.last))
                if target > self.last_workday:
                    continue
                lead = self.lead_of(case)
                text = texts.CO_OPINIONS.get(texts.role_key(co.department.name), "我单位将积极配合主办单位做好相关工作")
                with clock.at(self.office(rng, target), creates=(Reply,)):
                    handling.assignment_reply(
                        actor=liaison, assignment=Assignment.objects.get(pk=co.pk),
                        text=f"关于《{plan.title}》，{texts.we(co.department.name)}的会办意见如下：{text}。"
                             f"建议由{lead.department.name}牵头统筹推进，我们将及时向主办单位反馈工作进展。",
                    )

    def return_target(self, case: Case, assignment: Assignment) -> Department:
        busy = set(case.assignments.filter(round=case.round, status__in=OPEN_ASSIGNMENT_STATUSES)
                   .values_list("department_id", flat=True))
        key = "fanxian" if assignment.department.name.startswith("范县") else "puyang"
        options = [*texts.RETURN_TO.get(texts.role_key(assignment.department.name), ()), "城市管理局",
                   "住房和城乡建设局", "农业农村局", "教育局"]
        for role in options:
            department = self.departments[key].get(role)
            if department is not None and department.pk not in busy:
                return department
        raise CommandError(f"No department to return {case} to.")

    def request_return(self, plan: Plan, case: Case, lead: Assignment, clock: Clock, rng: random.Random,
                       target: dt.date) -> None:
        other = self.return_target(case, lead)
        reason = rng.choice(texts.RETURN_REASONS).format(other=other.name, we=texts.we(lead.department.name))
        window = workdays.add_workdays(_local(lead.assigned_at) if lead.assigned_at < clock.marks[0][0]
                                       else _local(clock.sim(lead.assigned_at)), POLICY["objection_workdays"])
        with clock.at(self.office(rng, min(max(target, _local(clock.last)), window)), creates=(ObjectionRequest,),
                      deadlines=True):
            handling.assignment_object(actor=self.liaisons[lead.department_id], assignment=lead, reason=reason,
                                       suggested_department=other)

    def ask_for_time(self, plan: Plan, case: Case, lead: Assignment, clock: Clock, rng: random.Random,
                     target: dt.date) -> None:
        reason = f"{rng.choice(texts.EXTENSION_REASONS)}，难以在规定期限内办结，申请延期5个工作日。"
        with clock.at(self.office(rng, max(target, _local(clock.last))), creates=(ExtensionRequest,)):
            request = handling.extension_request(actor=self.liaisons[lead.department_id], assignment=lead,
                                                 workdays_requested=5, reason=reason)
        if plan.extension in ("approved", "rejected"):
            approve = plan.extension == "approved"
            with clock.at(self.office(rng, workdays.add_workdays(_local(clock.last), 1)), deadlines=True):
                handling.extension_decide(actor=self.staff[plan.committee], extension=request, approve=approve,
                                          note="同意延期，请在延长期限内办结并答复委员。" if approve
                                          else "该事项不属于确需延期的情形，请按原期限办结。")

    # backdating

    def stamp(self, case: Case, clock: Clock, policy: HandlingPolicy) -> None:
        """Give everything the item's steps wrote the steps' simulated times, and recompute the
        deadline columns from the backdated clocks."""
        sim = clock.sim
        case = Case.objects.get(pk=case.pk)
        for name in ("created_at", "routed_at", "replied_at", "closed_at"):
            setattr(case, name, sim(getattr(case, name)))
        case.updated_at = clock.last
        assignments = list(case.assignments.all()) if case.routed_at else []
        for a in assignments:
            a.assigned_at, a.accepted_at, a.replied_at = sim(a.assigned_at), sim(a.accepted_at), sim(a.replied_at)
            self.replay_deadline(a, clock, policy)
        save_columns(Assignment, assignments, ["assigned_at", "accepted_at", "replied_at", "clock_start",
                                               "clock_workdays", "paused_at", "due_date", "objection_until",
                                               "deadline_log"])
        dues = [a.due_date for a in assignments if a.round == case.round and a.status in OPEN_ASSIGNMENT_STATUSES
                and a.role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE) and a.due_date]
        case.due_date = min(dues) if dues and case.status != CaseStatus.CLOSED else None
        save_columns(Case, [case], ["created_at", "routed_at", "replied_at", "closed_at", "updated_at", "due_date"])
        kinds = clock.touched | ({RoutingDecision} if case.routed_at or case.status == CaseStatus.TRIAGE else set())
        for model, fields, lookup in (
            (Reply, ("created_at",), "case"), (Feedback, ("created_at",), "case"),
            (ContactRecord, ("created_at",), "assignment__case"),
            (ObjectionRequest, ("requested_at", "decided_at"), "assignment__case"),
            (ExtensionRequest, ("requested_at", "decided_at"), "assignment__case"),
            (RoutingDecision, ("created_at",), "case"), (Follow, ("created_at",), "case"),
        ):
            if model not in kinds:
                continue
            rows = list(model.objects.filter(**{lookup: case}))
            for row in rows:
                for name in fields:
                    setattr(row, name, sim(getattr(row, name)))
            save_columns(model, rows, list(fields))
        self.stamp_log(case, clock, clock.marks[0][0])
        messages = list(OutboxMessage.objects.filter(key=route_key(case.pk)))
        for message in messages:
            message.created_at, message.published_at = sim(message.created_at), sim(message.published_at)
            message.done_at = sim(message.done_at)
        save_columns(OutboxMessage, messages, ["created_at", "published_at", "done_at"])

    def stamp_log(self, case: Case, clock: Clock, since: dt.datetime, url: str | None = None) -> None:
        """The item's audit entries and notifications written since ``since``."""
        entries = list(AuditEntry.objects.filter(target_type_id__in=self.case_types, target_id=case.pk,
                                                 created_at__gte=since).only("pk", "created_at"))
        for entry in entries:
            entry.created_at = clock.sim(entry.created_at)
        save_columns(AuditEntry, entries, ["created_at"])
        notes = list(Notification.objects.filter(url=url or case_url(case), created_at__gte=since).only("pk", "created_at"))
        for note in notes:
            note.created_at = clock.sim(note.created_at)
        save_columns(Notification, notes, ["created_at"])

    def replay_deadline(self, assignment: Assignment, clock: Clock, policy: HandlingPolicy) -> None:
        """Recompute the deadline clock from its log, each entry on the simulated day of the step
        that wrote it (the services wrote every entry on today's date)."""
        steps = []
        for index in range(len(assignment.deadline_log)):
            step = next((i for i, lengths in enumerate(clock.lengths) if lengths.get(assignment.pk, 0) > index),
                        len(clock.marks) - 1)
            steps.append(step)
        if not steps:
            return
        start = allowed = paused = due = None
        real_previous = 0
        log = []
        for entry, step in zip(assignment.deadline_log, steps, strict=True):
            on = _local(clock.marks[step][1])
            entry = dict(entry, on=on.isoformat())
            if "from" in entry:
                if start is None:
                    start, allowed = on, entry["workdays"]
                elif paused is not None:
                    start, paused = on, None
                else:  # an extension (the services add the working days to the clock)
                    allowed += entry["workdays"] - real_previous
                real_previous = entry["workdays"]
                explanation = workdays.explain_workdays(start, allowed)
                due = explanation.due
                entry.update({"from": start.isoformat(), "workdays": allowed, "due": due.isoformat(),
                              "explanation": explanation.summary()})
            elif paused is None:  # paused: what is left of the clock on the day it stopped
                used = max(workdays.workdays_between(start, on), 0)
                allowed, start, paused = max(allowed - used, 0), on, on
                real_previous = entry["remaining"]
                entry.update({"remaining": allowed,
                              "explanation": _("Deadline paused with %(n)d working days left.") % {"n": allowed}})
            else:  # an extension approved while paused
                allowed += entry["remaining"] - real_previous
                real_previous = entry["remaining"]
                entry["remaining"] = allowed
            log.append(entry)
        assignment.deadline_log = log
        assignment.clock_start, assignment.clock_workdays, assignment.paused_at = start, allowed, paused
        assignment.due_date = due
        assignment.objection_until = workdays.add_workdays(_local(assignment.assigned_at), policy.objection_workdays)

    # after all items

    def sweeps(self) -> dict[str, int]:
        """The periodic sweeps, once; what they write is dated when they would have fired."""
        started = timezone.now()
        closed = handling.sweep_unrated()
        for case in Case.objects.filter(status=CaseStatus.CLOSED, closed_at__gte=started).select_related("committee"):
            policy = policy_for(case)
            fired = workdays.add_workdays(_local(case.replied_at), policy.rating_workdays) + dt.timedelta(days=1)
            when = min(timezone.make_aware(dt.datetime.combine(fired, dt.time(0, 35))), self.now)
            Case.objects.filter(pk=case.pk).update(closed_at=when, updated_at=when)
            Feedback.objects.filter(case=case, created_at__gte=started).update(created_at=when)
            clock = Clock(self.now, random.Random(0))
            clock.marks = [(started, when)]
            self.stamp_log(case, clock, started)
        started = timezone.now()
        sent = handling.sweep_deadlines()
        escalations = list(Escalation.objects.filter(created_at__gte=started)
                           .select_related("assignment__case__committee", "assignment__department"))
        policies: dict[tuple, HandlingPolicy] = {}
        for escalation in escalations:
            assignment, case = escalation.assignment, escalation.assignment.case
            key = (case.committee_id, case.kind, case.category_id)
            policy = policies.get(key) or policies.setdefault(key, policy_for(case))
            due = escalation.due_date
            fires = {
                EscalationLevel.REMINDER: back(due, policy.reminder_workdays),
                EscalationLevel.LIAISON: due + dt.timedelta(days=1),
                EscalationLevel.HEAD: workdays.add_workdays(due, policy.escalate_head_after),
                EscalationLevel.STAFF: workdays.add_workdays(due, policy.escalate_staff_after),
                EscalationLevel.LEADER: workdays.add_workdays(due, policy.escalate_leader_after),
            }
            when = timezone.make_aware(dt.datetime.combine(fires[escalation.level], ESCALATION_HOUR))
            when = min(max(when, assignment.assigned_at + dt.timedelta(minutes=5)), self.now)
            escalation.created_at = when
            body = _("%(dept)s, %(level)s.") % {"dept": assignment.department,
                                                "level": EscalationLevel(escalation.level).label}
            AuditEntry.objects.filter(target_type_id__in=self.case_types, target_id=case.pk, created_at__gte=started,
                                      action="case.escalate", note=body).update(created_at=when)
            Notification.objects.filter(url=case_url(case), body=body, created_at__gte=started).update(created_at=when)
        save_columns(Escalation, escalations, ["created_at"])
        return {"closed unrated": closed, **{f"escalations: {k}": v for k, v in sent.items() if v}}

    def read_old_notifications(self, since: dt.datetime) -> int:
        """Notifications of steps more than two weeks ago have long been read."""
        cutoff = self.now - dt.timedelta(days=14)
        rows = Notification.objects.filter(pk__gt=since, created_at__lt=cutoff, read_at__isnull=True)
        by_user: dict[int, list[int]] = {}
        for pk, user_id in rows.values_list("pk", "recipient_id"):
            by_user.setdefault(user_id, []).append(pk)
        users = User.objects.in_bulk(list(by_user))
        for user_id, ids in by_user.items():
            notifications_mark_read(actor=users[user_id], ids=ids)
        read = list(Notification.objects.filter(pk__in=[pk for ids in by_user.values() for pk in ids])
                    .only("pk", "created_at", "read_at"))
        for note in read:
            note.read_at = note.created_at + dt.timedelta(hours=random.Random(note.pk).randint(1, 40))
        save_columns(Notification, read, ["read_at"])
        return len(read)

    def run(self) -> None:
        self.configure()
        members = {
            key: list(Member.active_seats().filter(committee=committee).select_related("user", "committee")
                      .order_by("name", "pk"))
            for key, committee in self.committees.items()
        }
        demo = next((m for m in members["puyang"] if m.user.username == DEMO_MEMBER), None)
        plans = plan_items(members, demo)
        existing = {(c, t) for c, t in Case.objects.filter(kind=CaseKind.MICRO_SUGGESTION).values_list("committee_id", "title")}
        last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        todo = []
        for plan in plans:
            done = (self.committees[plan.committee].pk, plan.title) in existing
            self.count("micro-suggestions", not done)
            if not done:
                todo.append(plan)
        # In the order they were submitted, so the learned recommendation grows as it would have;
        # the items left for the worker come last (newest ids).
        timing = {plan.index: self.submission(plan) for plan in todo}
        todo.sort(key=lambda p: (p.scenario == ROUTING, timing[p.index][1], p.index))
        for number, plan in enumerate(todo, start=1):
            case = self.drive(plan, *timing[plan.index])
            self.new_case_ids.append(case.pk)
            if number % 100 == 0:
                self.write(f"  {number} of {len(todo)} items driven")
        if todo:
            for name, count in self.sweeps().items():
                self.outcomes[name] += count
            self.outcomes["notifications marked read"] = self.read_old_notifications(last_notification)


def summary(loader: Loader) -> list[str]:
    lines = []
    statuses = list(CaseStatus.values)
    header = f"  {'committee':<16}" + "".join(f"{s:>10}" for s in statuses) + f"{'overdue':>10}{'total':>8}"
    lines.append(header)
    for key, committee in loader.committees.items():
        cases = Case.objects.filter(committee=committee, kind=CaseKind.MICRO_SUGGESTION)
        by_status = Counter(dict(cases.order_by().values_list("status").annotate(n=Count("id"))))
        overdue = cases.filter(status=CaseStatus.HANDLING, due_date__lt=loader.today).count()
        lines.append(f"  {committee.short_name or key:<16}" + "".join(f"{by_status.get(s, 0):>10}" for s in statuses)
                     + f"{overdue:>10}{sum(by_status.values()):>8}")
    ratings = Counter(Case.objects.filter(committee__in=loader.committees.values(), kind=CaseKind.MICRO_SUGGESTION,
                                          status=CaseStatus.CLOSED).values_list("rating", flat=True))
    lines.append("  closed by rating: " + ", ".join(f"{k} {ratings.get(k, 0)}" for k in Rating.values))
    for login in ("member", "liaison", "liaison2"):
        user = User.objects.filter(username=login).first()
        if user is None:
            continue
        if login == "member":
            mine = Case.objects.filter(submitted_by=user, kind=CaseKind.MICRO_SUGGESTION)
            lines.append(f"  {login}: {mine.count()} own items ("
                         + ", ".join(f"{s} {n}" for s, n in sorted(Counter(mine.values_list('status', flat=True)).items()))
                         + ")")
        else:
            inbox = Assignment.objects.filter(department__liaisons__user=user, status__in=OPEN_ASSIGNMENT_STATUSES,
                                              case__status=CaseStatus.HANDLING)
            lines.append(f"  {login}: {inbox.count()} open assignments in the inbox ("
                         + ", ".join(f"{s} {n}" for s, n in sorted(Counter(inbox.values_list('status', flat=True)).items()))
                         + f"), {Assignment.objects.filter(department__liaisons__user=user).count()} in all")
    return lines


class Command(BaseCommand):
    help = (
        "Load demo micro-suggestions for 濮阳市政协 (and a few for 范县政协): categories, a handling policy, routing "
        "rules and about 400 items in every state, driven through the handling services. Run after demo_data; "
        "safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only the summary.")

    def handle(self, *args, quiet: bool = False, **options) -> None:
        started = time.monotonic()
        loader = Loader(write=(lambda line: None) if quiet else self.stdout.write)
        if not quiet:
            self.stdout.write("Loading demo micro-suggestions…")
        # The demo's history is not mailed to anyone: notifications go to the in-app inbox only.
        with override_settings(NOTIFICATION_CHANNELS=[]):
            loader.run()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo micro-suggestions ready in {elapsed:.1f}s: {sum(loader.created.values())} objects created, "
            f"{sum(loader.present.values())} already present."
        ))
        for kind in sorted(set(loader.created) | set(loader.present)):
            self.stdout.write(f"  {kind:<20} {loader.created.get(kind, 0):>4} created  {loader.present.get(kind, 0):>4} present")
        for name, count in sorted(loader.outcomes.items()):
            self.stdout.write(f"  {name:<32} {count:>5}")
        for line in summary(loader):
            self.stdout.write(line)
