"""Load a year of demo consultation, supervision and information work for 濮阳市政协 (and some
for 范县政协 below it): the standard consultation kinds, about thirty topics from the three
sources in every state, the year's published plan, about thirty sessions of every kind and
status (being prepared, announced with the demo member's invitation open, one online
consultation open now with its discussion, many held with attendance, speeches and written
opinions, one cancelled), their results from draft to implemented with leader instructions and
follow-up, supervision, research and inspection tasks (one carried over from last year), and
about ninety social-conditions items in every state with two bulletins, their numbered issues,
three-level linkage from the county, adoptions up to the national level, instructions, items
passed to departments and the proposals converted to information.

Run after ``demo_data`` and ``demo_proposals``. Every write goes through the services
(``consultations.services``), so the rules, timelines and notifications are the real ones.
Like the proposal demo, each story (a session, a task, an issue, an item) runs its steps on
today's clock inside one transaction, and the rows and timeline entries it wrote are then given
the step's simulated time (``Story``); inputs that name a day (an instruction, a follow-up, a
step of the checklist, an adoption) are given the simulated day directly.

Deterministic (seeded, and relative to today) and idempotent: a story whose session, task,
issue or item already exists is skipped, so a second run creates nothing.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from consultations.choices import (
    AdoptionLevel,
    Attendance,
    ConsultationForm,
    InformationStatus,
    IssueStatus,
    ParticipantRole,
    Recipient,
    ReportKind,
    ResultStatus,
    SessionStatus,
    SpeechKind,
    SupervisionKind,
    TaskCategory,
    TaskStatus,
    TopicSource,
)
from consultations.management import consultation_texts as texts
from consultations.models import (
    Activity,
    Adoption,
    Bulletin,
    BulletinIssue,
    Consultation,
    ConsultationKind,
    ConsultationPlan,
    FollowUp,
    InformationItem,
    InformationOfficer,
    Instruction,
    Participant,
    Post,
    Result,
    Speech,
    Task,
    TaskReport,
    Topic,
)
from consultations.services import consultations as cs, information as info, supervision as sv
from cppcc_portal.core import workdays
from cppcc_portal.core.models import AuditEntry, Notification
from members.models import Committee, Department, Liaison, Member, Session, Term, User
from proposals.choices import Conversion, ProposalStatus
from proposals.management.commands.demo_micro_suggestions import Loader as MicroLoader, back, on_or_after, save_columns
from proposals.management.demo_texts import role_key
from proposals.models import Assignment, Case, Category, Proposal
from proposals.services import handling

SEED = "cppcc-portal-demo:consultations"
PASSWORD = "demo12345"
CITY, COUNTY = "政协濮阳市委员会", "政协范县委员会"
DEMO_MEMBER = "member"
# The information officer (信息员) login the demo adds: (username, full name, organisation).
OFFICER = ("xinxi", "周晓雯", "濮阳日报社")
LEADER_NAME, STAFF_NAME = "李卫东", "赵静"
PARTY_AND_GOVERNMENT = (Recipient.PARTY, Recipient.GOVERNMENT)

# Rows a story writes, and the columns that take the step's simulated time.
STAMPED = (
    (ConsultationPlan, ("published_at", "created_at")),
    (Topic, ("reviewed_at", "created_at")),
    (Consultation, ("created_at", "held_at", "updated_at")),
    (Activity, ("created_at",)),
    (Participant, ("responded_at", "checked_in_at", "created_at")),
    (Speech, ("registered_at", "delivered_at")),
    (Post, ("created_at",)),
    (Result, ("approved_at", "sent_at", "closed_at", "created_at", "updated_at")),
    (Instruction, ("created_at",)),
    (FollowUp, ("created_at",)),
    (Task, ("concluded_at", "created_at", "updated_at")),
    (TaskReport, ("submitted_at",)),
    (InformationItem, ("submitted_at", "reviewed_at", "signed_off_at", "created_at", "updated_at")),
    (BulletinIssue, ("sent_at", "created_at")),
    (Adoption, ("created_at",)),
    (InformationOfficer, ("created_at",)),
    (Case, ("created_at", "updated_at")),
    (AuditEntry, ("created_at",)),
    (Notification, ("created_at",)),
)

F = ConsultationForm


@dataclass(frozen=True)
class SessionPlan:
    title: str
    form: str
    offset: int  # days from today to the session day
    status: str
    topic: str = ""  # key of texts.TOPICS
    result: str = ""  # "", or the result's final status
    committee: str = "city"
    instructions: tuple[int, ...] = ()  # indexes of texts.INSTRUCTIONS (a county result: its own leader)
    with_member: str = ""  # the demo member: "present", "excused", "pending", "accepted", "speaks"
    size: int = 12  # members invited
    hours: int = 3


H, OPEN, A, P, C = (SessionStatus.HELD, SessionStatus.OPEN, SessionStatus.ANNOUNCED, SessionStatus.PLANNED,
                    SessionStatus.CANCELLED)
SESSIONS: tuple[SessionPlan, ...] = (
    SessionPlan("全体会议协商：政府工作报告和国民经济发展计划", F.PLENARY, 0, H, "plenary", size=24, hours=4,
                with_member="present"),
    SessionPlan("专题议政性常委会议：加快黄河流域生态保护和高质量发展", F.STANDING, -250, H, "yellow_river", "closed",
                instructions=(0, 2), size=16),
    SessionPlan("农村人居环境整治提升专题协商会", F.SPECIAL, -225, H, "rural_living", "closed", instructions=(1,),
                with_member="excused"),
    SessionPlan("推进普惠托育服务体系建设专题协商会", F.SPECIAL, -200, H, "childcare", "closed", instructions=(1, 3),
                with_member="speaks"),
    SessionPlan("城市内涝治理与海绵城市建设专家协商会", F.EXPERT, -165, H, "waterlogging", "closed", instructions=(2,),
                size=8),
    SessionPlan("基层卫生人才队伍建设对口协商会", F.COUNTERPART, -160, H, "health_talent", with_member="speaks",
                size=10),
    SessionPlan("主席会议协商：优化营商环境 助力民营经济发展", F.CHAIRMAN, -150, H, "business", "sent", instructions=(1,),
                size=10),
    SessionPlan("网络议政：全民健身设施布局", F.ONLINE, -140, H, "fitness", with_member="present", size=14, hours=72),
    SessionPlan("老旧小区改造和既有住宅加装电梯对口协商会", F.COUNTERPART, -120, H, "elevator", "sent",
                instructions=(2,)),
    SessionPlan("界别协商：乡村教师队伍建设", F.SECTOR, -110, H, "rural_teachers", size=10),
    SessionPlan("专题议政性常委会议：推动制造业数字化转型", F.STANDING, -95, H, "digital", "sent", size=16),
    SessionPlan("新能源产业链培育专家座谈会", F.EXPERT, -88, H, "new_energy", size=8),
    SessionPlan("请你来协商：胜利路街道背街小巷改造", F.GRASSROOTS, -80, H, "back_streets", "sent", size=6),
    SessionPlan("主席微协商：社区居家养老服务中心运营", F.MICRO, -70, H, "home_care", "approved", size=8,
                with_member="present"),
    SessionPlan("中小学课后服务提质增效对口协商会", F.COUNTERPART, -60, H, "after_school", "approved",
                with_member="speaks"),
    SessionPlan("发展夜间经济 提振消费专题协商会", F.SPECIAL, -50, C, "night_economy"),
    SessionPlan("重点提案办理协商会", F.PROPOSAL_HANDLING, -40, H, "proposal_handling", "draft", size=8),
    SessionPlan("界别协商：民营企业用工难问题", F.SECTOR, -35, H, "labour", "draft", size=10),
    SessionPlan("主席微协商：城市书房运营", F.MICRO, -28, H, "city_study", size=6),
    SessionPlan("主席微协商：校园周边交通安全", F.MICRO, -18, H, "school_traffic", size=6, with_member="present"),
    SessionPlan("网络议政·远程协商：县域医共体建设", F.ONLINE, -2, OPEN, "county_health", size=16, hours=7 * 24,
                with_member="speaks"),
    SessionPlan("界别协商：慢性病健康管理", F.SECTOR, 4, A, "chronic", with_member="accepted", size=10),
    SessionPlan("发展银发经济专题协商会", F.SPECIAL, 7, A, "silver_economy", with_member="pending"),
    SessionPlan("专题议政性常委会议：文旅融合 擦亮杂技文化品牌", F.STANDING, 12, A, "acrobatics", with_member="pending",
                size=16),
    SessionPlan("城乡公交一体化对口协商会", F.COUNTERPART, 25, P, "bus", size=6),
    SessionPlan("地下水超采综合治理专家协商会", F.EXPERT, 30, P, "groundwater", size=0),
    SessionPlan("主席会议协商：县域经济高质量发展", F.CHAIRMAN, 38, P, "county_economy", size=0),
    # 范县政协
    SessionPlan("黄河滩区迁建社区产业发展专题协商会", F.SPECIAL, -130, H, "", "sent", committee="county",
                instructions=(0,), size=10),
    SessionPlan("请你来协商：龙王庄镇农村道路养护", F.GRASSROOTS, -45, H, "", committee="county", size=6),
    SessionPlan("主席微协商：县城停车难", F.MICRO, -25, H, "", committee="county", size=6),
    SessionPlan("请你来协商：濮城镇集贸市场改造", F.GRASSROOTS, 10, A, "", committee="county", size=6),
)
# What the county sessions are about (they have no topic in the city's plan).
COUNTY_TOPICS = {
    "黄河滩区迁建社区产业发展专题协商会": texts.Topic(
        "county_flood", "黄河滩区迁建社区产业发展", "assigned", "中共范县县委", "special", "经济和农业农村委员会",
        ("农业农村局",), "滩区迁建社区产业发展",
        "范县黄河滩区迁建社区已全部建成入住，群众“稳得住、能致富”的关键在产业。",
        ("迁建社区产业项目规模小，带动就业能力弱。", "部分群众离土后就业技能不足。"),
        ("每个迁建社区培育一个主导产业，建设扶贫车间和特色种养基地。", "开展订单式技能培训，推动就近就业。"),
        ("县农业农村局在迁建社区新建特色种养基地6个。",)),
    "请你来协商：龙王庄镇农村道路养护": texts.Topic(
        "county_roads", "龙王庄镇农村道路养护", "public", "龙王庄镇委员联络站", "grassroots", "经济和农业农村委员会",
        ("住房和城乡建设局",), "农村道路养护",
        "龙王庄镇部分村组道路建成多年，破损严重，群众出行不便。",
        ("道路养护责任不清。", "养护资金不足。"), ("落实“路长制”，明确养护责任。", "设立村级道路养护公益岗位。")),
    "主席微协商：县城停车难": texts.Topic(
        "county_parking", "县城停车难", "public", "城关镇委员联络站", "micro", "经济和农业农村委员会",
        ("住房和城乡建设局",), "县城停车",
        "县城机动车保有量快速增长，老城区停车难问题突出。",
        ("停车泊位缺口大。", "占道停车影响通行。"), ("利用闲置地块建设公共停车场。", "推行机关单位停车场错时开放。")),
    "请你来协商：濮城镇集贸市场改造": texts.Topic(
        "county_market", "濮城镇集贸市场改造", "public", "濮城镇委员联络站", "grassroots", "经济和农业农村委员会",
        ("住房和城乡建设局",), "集贸市场改造",
        "濮城镇集贸市场设施陈旧，逢集日占道经营、交通拥堵。",
        ("市场设施陈旧。", "逢集日交通拥堵。"), ("实施集贸市场提升改造。", "规范逢集日交通秩序。")),
}
COUNTY_INSTRUCTION = ("郭书记", "县委书记", "party", "请县政府研究落实，县农业农村局牵头。")

# Information: (bulletin, days from today it is sent, title, own items, county copies taken in, recipients)
CITY_ISSUES = (
    ("社情民意", -300, "民生关注", 5, 0, PARTY_AND_GOVERNMENT),
    ("社情民意", -240, "乡村振兴专刊", 5, 0, PARTY_AND_GOVERNMENT),
    ("政协信息", -200, "医疗卫生专刊", 4, 0, PARTY_AND_GOVERNMENT),
    ("社情民意", -160, "县区报送", 3, 2, PARTY_AND_GOVERNMENT),
    ("政协信息", -120, "营商环境专刊", 5, 0, PARTY_AND_GOVERNMENT),
    ("社情民意", -80, "基层治理专刊", 4, 1, PARTY_AND_GOVERNMENT),
    ("政协信息", -45, "教育专刊", 5, 0, (*PARTY_AND_GOVERNMENT, Recipient.HIGHER)),
    ("社情民意", -15, "生态环境专刊", 5, 0, PARTY_AND_GOVERNMENT),
)
DRAFT_ISSUE = ("社情民意", -3, "年终综合", 5)
COUNTY_ISSUES = (
    ("社情民意", -200, "滩区民生", 3, (Recipient.PARTY, Recipient.HIGHER)),
    ("社情民意", -100, "乡村振兴", 3, (Recipient.PARTY, Recipient.GOVERNMENT, Recipient.HIGHER)),
)
# Items outside issues, by final state: how many, and which of them the demo member / officer writes.
LOOSE_ITEMS = {
    InformationStatus.DRAFT: 6,
    InformationStatus.SUBMITTED: 6,
    InformationStatus.NOT_ADOPTED: 7,
    InformationStatus.APPROVED: 5,
    InformationStatus.SIGNED_OFF: 5,
}
# (issue index, item index) → what happens after the issue is sent
ITEM_INSTRUCTIONS = {(0, 1): 0, (1, 2): 1, (2, 0): 3, (4, 0): 1, (6, 3): 4}
ITEM_ADOPTIONS = {(0, 0): (AdoptionLevel.PROVINCIAL,), (1, 0): (AdoptionLevel.PROVINCIAL,),
                  (2, 1): (AdoptionLevel.PROVINCIAL,), (4, 2): (AdoptionLevel.PROVINCIAL, AdoptionLevel.NATIONAL)}
# (issue index, item index) → (department it is passed to, subject it is written on, accepted by the department?)
ITEM_PASSED = {(6, 4): ("住房和城乡建设局", "flying_wire", False), (7, 0): ("卫生健康委员会", "pediatrics", True)}
# (issue index, item index) written by the demo member / co-authored by her / written by the officer
MEMBER_ITEMS = {(1, 0), (4, 0)}
MEMBER_CO_AUTHORED = {(6, 1)}
OFFICER_ITEMS = {(0, 4), (3, 2)}


@dataclass
class ItemPlan:
    """A social-conditions item as planned: what it says and who writes it."""

    title: str
    content: str
    category: str
    writer: Member | User  # a seat, or the information officer's login
    co_authors: list[Member]
    status: str = ""  # the state an item outside the issues is taken to
    spot: tuple[int, int] | None = None  # (issue, position) of a city issue's item


def _count_day(today: dt.date, offset: int) -> dt.date:
    """The working day ``offset`` days from today (the one before for the past, after for the future)."""
    day = today + dt.timedelta(days=offset)
    if offset > 0:
        return on_or_after(day)
    return day if workdays.is_workday(day) else back(day, 1)


class Story:
    """One story's steps: the simulated time of each and the real time it ran at, so whatever a
    step wrote can be given its simulated time afterwards (see ``finish``)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.marks: list[tuple[dt.datetime, dt.datetime]] = []  # (real start, simulated time)

    @property
    def last(self) -> dt.datetime | None:
        return self.marks[-1][1] if self.marks else None

    @contextmanager
    def at(self, when: dt.datetime):
        """Run a step at ``when``: after the previous step, and never later than a minute ago."""
        latest = self.now - dt.timedelta(minutes=1)
        if self.last is not None and when <= self.last:
            when = self.last + dt.timedelta(minutes=3)
        when = min(when, latest)
        if self.last is not None:
            when = max(when, self.last)
        self.marks.append((timezone.now(), when))
        yield when

    def day(self) -> dt.date:
        return timezone.localdate(self.last)

    def sim(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None or not self.marks or value < self.marks[0][0]:
            return value
        index = bisect.bisect_right([real for real, _ in self.marks], value) - 1
        return self.marks[index][1]

    def finish(self) -> None:
        """Give the rows written during the story their steps' simulated times."""
        if not self.marks:
            return
        start = self.marks[0][0]
        for model, fields in STAMPED:
            rows = list(model.objects.filter(functools.reduce(operator.or_, [Q(**{f"{f}__gte": start})
                                                                             for f in fields])))
            for row in rows:
                for name in fields:
                    setattr(row, name, self.sim(getattr(row, name)))
            save_columns(model, rows, list(fields))
        # an issue sent by the service records its adoptions today: they date from the sending
        adoptions = list(Adoption.objects.filter(created_at__gte=self.marks[0][1] - dt.timedelta(seconds=1),
                                                 adopted_on=timezone.localdate(self.now)))
        for adoption in adoptions:
            adoption.adopted_on = timezone.localdate(adoption.created_at)
        save_columns(Adoption, adoptions, ["adopted_on"])


class Loader:
    def __init__(self, write) -> None:
        self.write = write
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.year = self.today.year
        self.created: Counter = Counter()
        self.present: Counter = Counter()
        self.departments: dict[str, dict[str, Department]] = {}
        self.liaisons: dict[int, User] = {}

    # --- helpers ------------------------------------------------------------------------------

    def count(self, kind: str, created: bool, n: int = 1) -> None:
        (self.created if created else self.present)[kind] += n

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"The login {username!r} is missing: run `manage.py demo_data` first.")
        return user

    def day(self, offset: int) -> dt.date:
        return _count_day(self.today, offset)

    @staticmethod
    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def office(self, rng: random.Random, day: dt.date) -> dt.datetime:
        minute = rng.randint(8 * 60 + 30, 17 * 60 + 20)
        return self.at(day, minute // 60, minute % 60)

    def anytime(self, rng: random.Random, day: dt.date) -> dt.datetime:
        minute = rng.randint(7 * 60, 22 * 60 + 30)
        return self.at(day, minute // 60, minute % 60)

    def department(self, committee: str, role: str) -> Department | None:
        return self.departments[committee].get(role)

    def topic_departments(self, committee: str, topic: texts.Topic) -> list[Department]:
        return [d for d in (self.department(committee, r) for r in topic.departments) if d is not None]

    @contextmanager
    def story(self):
        story = Story(self.now)
        with transaction.atomic():
            yield story
            story.finish()

    # --- configuration ------------------------------------------------------------------------

    def configure(self) -> None:
        city = Committee.objects.filter(name=CITY).first()
        county = Committee.objects.filter(name=COUNTY).first()
        if city is None or county is None:
            raise CommandError(f"The committees {CITY} and {COUNTY} are missing: run `manage.py demo_data` first.")
        self.committees = {"city": city, "county": county}
        self.staff = {"city": self.user("staff"), "county": self.user("county_staff")}
        self.leader, self.liaison = self.user("leader"), self.user("liaison")
        self.members = {
            key: list(Member.active_seats().filter(committee=c).select_related("user", "sector").order_by("name", "pk"))
            for key, c in self.committees.items()
        }
        self.demo = next((m for m in self.members["city"] if m.user.username == DEMO_MEMBER), None)
        if self.demo is None:
            raise CommandError("The demo member (login 'member') is missing: run `manage.py demo_data` first.")
        self.others = {key: [m for m in seats if m.pk != self.demo.pk] for key, seats in self.members.items()}
        for key, committee in self.committees.items():
            self.departments[key] = {role_key(d.name): d for d in Department.objects.filter(committee=committee,
                                                                                           is_active=True)}
        for liaison in Liaison.objects.filter(is_active=True, user__is_active=True).select_related("user").order_by("id"):
            self.liaisons.setdefault(liaison.department_id, liaison.user)
        self.specials = {key: {s.name: s for s in c.special_committees.all()} for key, c in self.committees.items()}
        self.categories = {key: {c.name: c for c in Category.objects.filter(committee=committee)}
                           for key, committee in self.committees.items()}
        started = Story(self.now)
        with transaction.atomic(), started.at(self.at(self.day(-330), 9, 30)):
            self.kinds = {}
            for key, committee in self.committees.items():
                added = cs.consultation_kinds_install(actor=self.staff[key], committee=committee)
                kinds = ConsultationKind.objects.filter(committee=committee)
                self.count("consultation kinds", True, len(added))
                self.count("consultation kinds", False, kinds.count() - len(added))
                self.kinds[key] = {k.form: k for k in kinds.order_by("-order")}
            self.bulletins = {}
            for key, names in (("city", ("社情民意", "政协信息")), ("county", ("社情民意",))):
                found = {b.name: b for b in Bulletin.objects.filter(committee=self.committees[key])}
                for name in names:
                    self.count("bulletins", name not in found)
                    if name not in found:
                        found[name] = info.bulletin_save(actor=self.staff[key], committee=self.committees[key],
                                                         name=name)
                self.bulletins[key] = found
            username, full_name, organisation = OFFICER
            officer = User.objects.filter(username=username).first()
            self.count("logins", officer is None)
            if officer is None:  # as demo_data creates its role logins
                officer = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name,
                                                   email=f"{username}@example.org")
            self.officer = officer
            desk = InformationOfficer.objects.filter(user=officer, committee=city).exists()
            self.count("information officers", not desk)
            if not desk:
                info.information_officer_save(actor=self.staff["city"], committee=city, user=officer,
                                              organisation=organisation)
            started.finish()

    # --- topics and the plan ------------------------------------------------------------------

    def plan_topics(self) -> None:
        """Topics of the city committee: those of the sessions go into the plan of the session's
        year in its month; the rest stay proposed, not adopted, approved, or only scheduled."""
        self.topics: dict[str, Topic] = {}
        sessions = {s.topic: s for s in SESSIONS if s.topic}
        city = self.committees["city"]
        next_year = self.year + 1 if self.today.month >= 9 else self.year
        schedule: dict[str, tuple[int, int]] = {}  # topic key → (year, month)
        for key, plan in sessions.items():
            day = self.session_day(plan)
            schedule[key] = (day.year, day.month)
        schedule["vocational"] = (self.year, 12)
        years = sorted({y for y, _ in schedule.values()})
        plans = {}
        for year in years:
            plans[year] = self.plan(city, year)
        for index, topic in enumerate(texts.TOPICS):
            existing = Topic.objects.filter(committee=city, title=topic.title).first()
            self.count("topics", existing is None)
            if existing is not None:
                self.topics[topic.key] = existing
                continue
            rng = random.Random(f"{SEED}:topic:{topic.key}")
            year, month = schedule.get(topic.key, (next_year, None))
            if topic.key in ("ferris_wheel", "pet_management", "night_market", "courier"):
                year = self.year
            entered = self.at(dt.date(year - 1, 11, 3) + dt.timedelta(days=index), 10)
            if topic.key in ("birth_defects", "ebike_charging", "prepared_food"):
                entered = self.office(rng, self.day(-rng.randint(5, 25)))
            self.topics[topic.key] = self.topic(topic, plans.get(year), year, month, entered, rng)
        for year, plan in plans.items():
            plan.refresh_from_db()
            if plan.status != "published" and plan.topics.exists():
                with self.story() as story, story.at(self.at(dt.date(year, 1, 15), 10)):
                    cs.plan_publish(actor=self.staff["city"], plan=plan)

    def plan(self, city: Committee, year: int) -> ConsultationPlan:
        plan = ConsultationPlan.objects.filter(committee=city, year=year).first()
        self.count("consultation plans", plan is None)
        if plan is None:
            with self.story() as story, story.at(self.at(dt.date(year - 1, 10, 28), 15)):
                plan = cs.plan_save(actor=self.staff["city"], committee=city, year=year,
                                    title=texts.PLAN_TITLE.format(year=year),
                                    introduction=texts.PLAN_INTRODUCTION.format(year=year))
        return plan

    def topic(self, topic: texts.Topic, plan: ConsultationPlan | None, year: int, month: int | None,
              entered: dt.datetime, rng: random.Random) -> Topic:
        city, staff = self.committees["city"], self.staff["city"]
        kind = self.kinds["city"][topic.form]
        organiser = self.specials["city"].get(topic.organiser)
        if topic.source == TopicSource.MEMBER:
            writer = self.demo if topic.key in ("birth_defects", "health_talent") else rng.choice(self.others["city"])
            actor, detail = writer.user, ""
        else:
            actor, detail = staff, topic.source_detail
        with self.story() as story:
            with story.at(entered):
                row = cs.topic_propose(actor=actor, committee=city, year=year, title=topic.title,
                                       description=topic.description, source=topic.source, source_detail=detail,
                                       kind=kind, organiser=organiser)
            if topic.key in ("birth_defects", "ebike_charging", "prepared_food"):
                return row
            reviewed = entered + dt.timedelta(days=rng.randint(8, 14))
            with story.at(reviewed.replace(hour=10)):
                if topic.key in texts.TOPIC_NOT_ADOPTED:
                    return cs.topic_review(actor=staff, topic=row, approve=False,
                                           note=texts.TOPIC_NOT_ADOPTED[topic.key])
                row = cs.topic_review(actor=staff, topic=row, approve=True, note=rng.choice(texts.TOPIC_APPROVE_NOTES))
            if plan is None or month is None:
                return row
            with story.at(reviewed + dt.timedelta(days=rng.randint(4, 9))):
                return cs.plan_schedule(actor=staff, plan=plan, topic=row, month=month, kind=kind, organiser=organiser)

    # --- sessions -----------------------------------------------------------------------------

    def session_day(self, plan: SessionPlan) -> dt.date:
        if plan.form == F.PLENARY:
            city = self.committees["city"]
            term = Term.objects.filter(committee=city, is_current=True).first()
            session = (Session.objects.filter(term=term, start_date__lte=self.today - dt.timedelta(days=20))
                       .order_by("-start_date").first() if term else None)
            if session is not None and session.start_date.year >= self.year - 1:
                return session.start_date + dt.timedelta(days=1)
            return self.day(-290)
        return self.day(plan.offset)

    def sessions(self) -> None:
        filed = list(Proposal.objects.filter(committee=self.committees["city"], status=ProposalStatus.FILED)
                     .order_by("-is_key", "number")[:3])
        for index, plan in enumerate(SESSIONS):
            committee = self.committees[plan.committee]
            exists = Consultation.objects.filter(committee=committee, title=plan.title).exists()
            if plan.form == F.PROPOSAL_HANDLING and not filed:
                continue  # demo_proposals has not run: no filed proposals to consult on
            self.count("sessions", not exists)
            if not exists:
                self.session(plan, random.Random(f"{SEED}:session:{index}"), filed)

    def guests(self, plan: SessionPlan, topic: texts.Topic, rng: random.Random, committee: str) -> list[dict]:
        guests = []
        for department in self.topic_departments(committee, topic)[:2]:
            guests.append({"name": department.head_name or department.short_name, "role": ParticipantRole.OFFICIAL,
                           "organisation": f"{department.name}{rng.choice(texts.OFFICIAL_TITLES)}",
                           "department": department})
        if plan.form in (F.EXPERT, F.SPECIAL, F.STANDING, F.ONLINE):
            for name, organisation in rng.sample(texts.EXPERTS, k=2 if plan.form == F.EXPERT else 1):
                guests.append({"name": name, "organisation": organisation, "role": ParticipantRole.EXPERT})
        if plan.form in (F.GRASSROOTS, F.MICRO, F.ONLINE):
            for name, organisation in rng.sample(texts.PUBLIC, k=2):
                guests.append({"name": name, "organisation": organisation, "role": ParticipantRole.PUBLIC})
        if plan.topic == "elevator":  # the department's own liaison officer, with his login
            department = self.department("city", "住房和城乡建设局")
            guests.append({"name": self.liaison.full_name, "organisation": f"{department.name}办公室主任",
                           "role": ParticipantRole.OFFICIAL, "department": department, "user": self.liaison})
        return guests

    def session(self, plan: SessionPlan, rng: random.Random, filed: list[Proposal]) -> None:
        key = plan.committee
        committee, staff = self.committees[key], self.staff[key]
        topic = texts.TOPIC.get(plan.topic) or COUNTY_TOPICS[plan.title]
        kind = self.kinds[key][plan.form]
        day = self.session_day(plan)
        if plan.status == OPEN:
            starts = self.at(self.today - dt.timedelta(days=2), 9)
        else:
            starts = self.at(day, 14 if plan.form in (F.MICRO, F.GRASSROOTS) else 9, 30 if plan.form == F.MICRO else 0)
        ends = starts + dt.timedelta(hours=plan.hours)
        departments = self.topic_departments(key, topic) if plan.form in (F.COUNTERPART,) else []
        prepared = min(starts - dt.timedelta(days=25 if plan.form != F.GRASSROOTS else 42),
                       self.now - dt.timedelta(days=6))
        with self.story() as story:
            with story.at(self.office(rng, timezone.localdate(prepared))):
                session = cs.consultation_save(
                    actor=staff, committee=committee, kind=kind, title=plan.title, starts_at=starts, ends_at=ends,
                    place=self.place(plan, topic, committee, rng),
                    organiser=self.specials[key].get(topic.organiser), description=topic.description,
                    topics=[self.topics[plan.topic]] if plan.topic in self.topics else [],
                    departments=departments, proposals=filed if plan.form == F.PROPOSAL_HANDLING else [])
            if plan.form == F.GRASSROOTS:
                self.steps(story, session, starts, (0, 1, 2, 3))
            if plan.status == P:
                if plan.size:
                    with story.at(story.last + dt.timedelta(days=1)):
                        cs.participants_invite(actor=staff, event=session,
                                               members=rng.sample(self.others[key], k=plan.size))
                return
            members = rng.sample(self.others[key], k=min(plan.size, len(self.others[key])))
            if plan.with_member:
                members.insert(rng.randint(0, len(members)), self.demo)
            invited = min(starts - dt.timedelta(days=20), self.now - dt.timedelta(days=5))
            with story.at(self.office(rng, timezone.localdate(invited))):
                cs.participants_invite(actor=staff, event=session, members=members,
                                       guests=self.guests(plan, topic, rng, key))
            announced = min(starts - dt.timedelta(days=14), self.now - dt.timedelta(days=4))
            with story.at(self.office(rng, timezone.localdate(announced))):
                session = cs.consultation_announce(actor=staff, consultation=session)
            places = list(session.participants.select_related("member__user", "user").order_by("id"))
            fates = self.fates(plan, places, rng)
            # answers come in between the notice and the day before (or a few hours ago)
            opened, closing = story.last, min(starts - dt.timedelta(days=1), self.now - dt.timedelta(hours=3))
            answers = sorted(((opened + (closing - opened) * rng.random(), place) for place in places
                              if place.member_id or place.user_id), key=lambda a: a[0])
            for when, place in answers:
                fate = fates[place.pk]
                if fate in ("none", "present"):
                    continue
                declines = fate in ("decline", "written")
                with story.at(when):
                    cs.invitation_respond(actor=place.member.user if place.member_id else place.user,
                                          participant=place, accept=not declines,
                                          note=rng.choice(texts.DECLINE_REASONS) if declines else "")
            speakers = [p for p in places if fates[p.pk] in ("speak", "written")]
            speeches = []
            for place in speakers:
                written = fates[place.pk] == "written"
                title, body = texts.speech(rng, topic, written=written, speaker=place.organisation.split(" ")[0])
                with story.at(min(starts - dt.timedelta(days=1), self.now - dt.timedelta(hours=2))
                              - dt.timedelta(hours=rng.randint(1, 8))):
                    actor = place.member.user if place.member_id else staff
                    speeches.append(cs.speech_register(
                        actor=actor, consultation=session, kind=SpeechKind.WRITTEN if written else SpeechKind.ORAL,
                        title=title, text_=body, participant=None if place.member_id else place))
            if plan.status == C:
                with story.at(starts - dt.timedelta(days=7)):
                    cs.consultation_cancel(actor=staff, consultation=session, reason=texts.CANCEL_REASON)
                return
            if plan.status == A:
                return
            with story.at(starts):
                session = cs.consultation_open(actor=staff, consultation=session)
            for offset, place in enumerate(places):
                if fates[place.pk] in ("present", "present_accept", "speak"):
                    with story.at(starts + dt.timedelta(minutes=2 + offset // 3)):
                        own = plan.status == OPEN and place.member_id
                        cs.participant_check_in(actor=place.member.user if own else staff, participant=place)
            order = 0
            for speech in speeches:
                if speech.kind == SpeechKind.ORAL:
                    order += 1
                    with story.at(starts + dt.timedelta(minutes=20 * order)):
                        cs.speech_record(actor=staff, speech=speech, order=order)
            if plan.form == F.ONLINE:
                self.posts(story, session, places, fates, topic, starts, rng)
            if plan.status == OPEN:
                return
            summary = texts.SUMMARY.format(
                chair=rng.choice(texts.CHAIRS) if key == "city" else "县政协主席", count=len(speeches),
                officials="、".join(d.short_name for d in self.topic_departments(key, topic)) or "有关部门",
                short=topic.short, n=len(speeches) + 3, organiser=topic.organiser)
            with story.at(ends):
                session = cs.consultation_close(actor=staff, consultation=session, summary=summary)
            absent = list(session.participants.filter(attendance=Attendance.ABSENT, member__isnull=False)
                      .order_by("id"))
            if absent and rng.random() < 0.5:
                with story.at(ends + dt.timedelta(days=1)):
                    cs.attendance_record(actor=staff, participant=absent[0], attendance=Attendance.EXCUSED,
                                         note=rng.choice(texts.EXCUSE_NOTES))
            if plan.form == F.GRASSROOTS:
                self.steps(story, session, starts, (4, 5))
            if plan.result:
                self.result(story, plan, session, topic, ends, rng)
            if plan.form == F.GRASSROOTS:
                self.steps(story, session, starts, (6, 7))

    @staticmethod
    def place(plan: SessionPlan, topic: texts.Topic, committee: Committee, rng: random.Random) -> str:
        if plan.form == F.ONLINE:
            return ""
        if plan.form == F.GRASSROOTS:
            return topic.source_detail
        if plan.form == F.PLENARY:
            return "濮阳市人民会堂"
        return f"{committee.short_name}机关会议室" if plan.committee == "county" else rng.choice(texts.PLACES)

    def fates(self, plan: SessionPlan, places: list[Participant], rng: random.Random) -> dict[int, str]:
        """What each invitee does. ``accept`` / ``decline``: answers (a decline gives a reason);
        ``present_accept``: accepts and signs in; ``present``: does not answer but signs in;
        ``speak``: accepts, registers a speech, signs in and speaks; ``written``: declines and hands
        in a written opinion; ``none``: neither answers nor comes."""
        upcoming = plan.status in (A, P, C)
        fates: dict[int, str] = {}
        for place in places:
            roll = rng.random()
            if place.user_id and not place.member_id:  # a guest with a login answers for himself
                fates[place.pk] = "present_accept"
            elif place.member_id is None:
                fates[place.pk] = "present" if roll < 0.85 else "none"
            else:
                fates[place.pk] = ("present_accept" if roll < 0.6 else "decline" if roll < 0.72
                                   else "present" if roll < 0.88 else "none")
        members = [p for p in places if p.member_id and p.member_id != self.demo.pk]
        for place in rng.sample(members, k=min(len(members), 2 if plan.size < 10 else 3)):
            fates[place.pk] = "speak"
        decliners = [p for p in members if fates[p.pk] == "decline"]
        if decliners and not upcoming:
            fates[decliners[0].pk] = "written"
        for place in places:  # an expert or a department official takes the floor too
            if place.role in (ParticipantRole.EXPERT, ParticipantRole.OFFICIAL) and not place.user_id \
                    and not upcoming and rng.random() < 0.5:
                fates[place.pk] = "speak"
        demo = next((p for p in places if p.member_id == self.demo.pk), None)
        if demo is not None:
            fates[demo.pk] = {"present": "present_accept", "excused": "decline", "pending": "none",
                              "accepted": "accept", "speaks": "speak"}[plan.with_member]
        if upcoming:  # nobody has signed in yet
            fates = {pk: {"present": "none", "present_accept": "accept"}.get(fate, fate) for pk, fate in fates.items()}
        return fates

    def posts(self, story: Story, session: Consultation, places: list[Participant], fates: dict[int, str],
              topic: texts.Topic, starts: dt.datetime, rng: random.Random) -> None:
        writers = [p for p in places if p.member_id and fates[p.pk] in ("present", "present_accept", "speak")]
        demo = next((p for p in writers if p.member_id == self.demo.pk), None)
        lines = texts.POSTS.get(topic.key, ())
        span = min(self.now - dt.timedelta(hours=2), starts + dt.timedelta(hours=60)) - starts
        for index, line in enumerate(lines):
            place = demo if (index == 0 and demo is not None) else writers[(index * 3 + 1) % len(writers)]
            with story.at(starts + span * (index + 1) / (len(lines) + 1)):
                cs.post_add(actor=place.member.user, consultation=session, text_=line)

    def steps(self, story: Story, session: Consultation, starts: dt.datetime, indexes: tuple[int, ...]) -> None:
        """Tick steps of the grassroots checklist (the eight-step method): the first four before
        the session, deliberation and its result on the day and after, the report and follow-up
        once the result is sent."""
        names = [s["step"] for s in session.steps]
        offsets = {0: -40, 1: -35, 2: -30, 3: -23, 4: 0, 5: 3, 6: 15, 7: 40}
        for index, name in enumerate(names):
            if index not in indexes:
                continue
            day = timezone.localdate(starts) + dt.timedelta(days=offsets.get(index, 0))
            if day >= self.today:
                continue
            with story.at(self.at(day, 16)):
                cs.step_complete(actor=self.staff["city" if session.committee_id == self.committees["city"].pk
                                                  else "county"], consultation=session, step=name, done_on=day,
                                 note=texts.STEP_NOTES.get(name, ""))

    def result(self, story: Story, plan: SessionPlan, session: Consultation, topic: texts.Topic, ends: dt.datetime,
               rng: random.Random) -> None:
        key = plan.committee
        staff = self.staff[key]
        title, body = texts.result(topic)
        departments = self.topic_departments(key, topic)
        with story.at(self.office(rng, timezone.localdate(ends) + dt.timedelta(days=6))):
            result = cs.result_save(actor=staff, consultation=session, title=title, text_=body,
                                    departments=departments)
        if plan.result == "draft":
            return
        with story.at(self.office(rng, timezone.localdate(ends) + dt.timedelta(days=10))):
            result = cs.result_approve(actor=self.leader if key == "city" else staff, result=result,
                                       note="同意报送。")
        if plan.result == "approved":
            return
        recipients = [*PARTY_AND_GOVERNMENT, Recipient.DEPARTMENTS] if departments else list(PARTY_AND_GOVERNMENT)
        with story.at(self.office(rng, timezone.localdate(ends) + dt.timedelta(days=13))):
            result = cs.result_send(actor=staff, result=result, recipients=recipients)
        lead = departments[0].short_name if departments else "有关部门"
        for number, index in enumerate(plan.instructions):
            name, position, level, text = COUNTY_INSTRUCTION if key == "county" else texts.INSTRUCTIONS[index]
            day = timezone.localdate(ends) + dt.timedelta(days=20 + 6 * number)
            if day >= self.today:
                continue
            with story.at(self.office(rng, day)):
                cs.instruction_record(actor=self.leader if key == "city" else staff, target=result, leader_name=name,
                                      leader_title=position, level=level, instructed_on=day,
                                      text_=text.format(dept=lead))
        progress = list(topic.progress) or [t.format(dept=lead) for t in texts.PROGRESS_GENERIC]
        for number, line in enumerate(progress):
            day = timezone.localdate(ends) + dt.timedelta(days=45 + 35 * number)
            if day >= self.today:
                continue
            department = departments[0] if departments else None
            actor = staff
            if department is not None and plan.topic == "elevator":
                actor = self.liaisons.get(department.pk, staff)  # the department reports its own progress
            with story.at(self.office(rng, day)):
                cs.follow_up_add(actor=actor, target=result, noted_on=day, text_=line, department=department)
        if plan.result == "closed":
            day = timezone.localdate(ends) + dt.timedelta(days=140)
            with story.at(self.office(rng, min(day, self.today - dt.timedelta(days=3)))):
                cs.follow_up_add(actor=staff, target=result, noted_on=story.day(), text_=texts.IMPLEMENTED,
                                 implemented=True)

    # --- supervision, research and inspection -----------------------------------------------------

    def tasks(self) -> None:
        city = self.committees["city"]
        for key, task in texts.TASKS.items():
            exists = Task.objects.filter(committee=city, title=task.title).exists()
            self.count("tasks", not exists)
            if not exists:
                getattr(self, f"task_{key}")(task, random.Random(f"{SEED}:task:{key}"))

    def new_task(self, story: Story, task: texts.Task, rng: random.Random, *, category: str, kind: str = "",
                 first: dt.date, last: dt.date, lead: Member | None = None, team: int = 5, with_member: bool = False,
                 organiser: str = "", partners: tuple[str, ...] = ()) -> Task:
        staff, city = self.staff["city"], self.committees["city"]
        created = min(first - dt.timedelta(days=20), self.today - dt.timedelta(days=2))
        with story.at(self.office(rng, created)):
            row = sv.task_save(actor=staff, committee=city, category=category, supervision_kind=kind, title=task.title,
                               description=task.description, plan=task.plan,
                               organiser=self.specials["city"].get(organiser),
                               partners=[d for d in (self.department("city", p) for p in partners) if d],
                               start_year=first.year, end_year=last.year,
                               deadline=dt.date(last.year, 12, 31))
        pool = self.others["city"]
        lead = lead or rng.choice(pool)
        members = [m for m in rng.sample(pool, k=team + 1) if m.pk != lead.pk][:team]
        if with_member and lead.pk != self.demo.pk:
            members.append(self.demo)
        with story.at(story.last + dt.timedelta(days=2)):
            sv.team_set(actor=staff, task=row, lead=lead, members=members)
        return row

    def start(self, story: Story, row: Task) -> Task:
        with story.at(story.last + dt.timedelta(days=3)):
            return sv.task_start(actor=self.staff["city"], task=row)

    def activity(self, story: Story, row: Task, spec: tuple[str, str, str, str], day: dt.date,
                 rng: random.Random) -> Activity:
        """An activity recorded by the team lead (as leads do) with the team as its list, and the
        attendance staff then record (signed in, excused or absent)."""
        kind, title, place, summary = spec
        starts = self.at(day, 9)
        staff = self.staff["city"]
        lead = row.team.select_related("member__user").get(role="lead").member.user
        with story.at(min(starts - dt.timedelta(days=5), self.now - dt.timedelta(days=1))):
            activity = sv.activity_save(actor=lead, task=row, kind=kind, title=title, starts_at=starts,
                                        ends_at=starts + dt.timedelta(hours=3), place=place,
                                        summary=summary if day < self.today else "")
        if day >= self.today:
            return activity
        for place in activity.participants.order_by("id"):
            roll = rng.random()
            with story.at(starts + dt.timedelta(minutes=5)):
                if roll < 0.8 or place.member_id == self.demo.pk:
                    cs.participant_check_in(actor=staff, participant=place)
                elif roll < 0.9:
                    cs.attendance_record(actor=staff, participant=place, attendance=Attendance.EXCUSED,
                                         note=rng.choice(texts.DECLINE_REASONS))
                else:
                    cs.attendance_record(actor=staff, participant=place, attendance=Attendance.ABSENT)
        return activity

    def report(self, story: Story, row: Task, kind: str, year: int, title: str, body: str, day: dt.date,
               actor: User | None = None) -> None:
        with story.at(self.office(random.Random(f"{row.pk}:{kind}:{year}"), day)):
            sv.task_report_submit(actor=actor or self.staff["city"], task=row, year=year, kind=kind, title=title,
                                  text_=body)

    def instruct(self, story: Story, target, day: dt.date, index: int, text: str = "") -> None:
        if day >= self.today:
            return
        name, position, level, default = texts.INSTRUCTIONS[index]
        with story.at(self.at(day, 11)):
            cs.instruction_record(actor=self.leader, target=target, leader_name=name, leader_title=position,
                                  level=level, instructed_on=day, text_=text or default.format(dept="有关部门"))

    def findings(self, story: Story, row: Task, text: str, actor: User | None = None) -> None:
        with story.at(story.last + dt.timedelta(days=2)):
            sv.task_findings_save(actor=actor or self.staff["city"], task=row, findings=text)

    def task_inquiry(self, task: texts.Task, rng: random.Random) -> None:
        days = [self.day(-220), self.day(-205)]
        with self.story() as story:
            row = self.new_task(story, task, rng, category=TaskCategory.SUPERVISION, kind=SupervisionKind.INQUIRY,
                                first=days[0], last=days[-1], organiser=texts.SOCIETY,
                                partners=("城市管理局", "住房和城乡建设局"))
            row = self.start(story, row)
            for spec, day in zip(task.activities, days, strict=True):
                self.activity(story, row, spec, day, rng)
            self.findings(story, row, task.findings)
            self.report(story, row, ReportKind.FINAL, days[-1].year, f"{task.title}报告", task.report,
                        days[-1] + dt.timedelta(days=12))
            self.instruct(story, row, days[-1] + dt.timedelta(days=20), 1, task.instruction)
            with story.at(self.at(days[-1] + dt.timedelta(days=30), 10)):
                sv.task_conclude(actor=self.staff["city"], task=row, note="监督报告已报送，监督工作完成。")

    def task_investigative(self, task: texts.Task, rng: random.Random) -> None:
        days = [self.day(-150), self.day(-140), self.day(-130)]
        with self.story() as story:
            row = self.new_task(story, task, rng, category=TaskCategory.SUPERVISION,
                                kind=SupervisionKind.INVESTIGATIVE, first=days[0], last=days[-1],
                                organiser=texts.AGRICULTURE, team=6)
            row = self.start(story, row)
            for spec, day in zip(task.activities, days, strict=True):
                self.activity(story, row, spec, day, rng)
            self.findings(story, row, task.findings)
            self.report(story, row, ReportKind.FINAL, days[-1].year, f"{task.title}报告", task.report,
                        days[-1] + dt.timedelta(days=10))

    def task_follow_up(self, task: texts.Task, rng: random.Random) -> None:
        """Follow-up supervision over last year and this one: carried over after last year's report."""
        last_year = self.year - 1
        days = [on_or_after(dt.date(last_year, 9, 16)), on_or_after(dt.date(last_year, 11, 12))]
        this_year = self.day(-60)
        with self.story() as story:
            row = self.new_task(story, task, rng, category=TaskCategory.SUPERVISION, kind=SupervisionKind.FOLLOW_UP,
                                first=days[0], last=days[-1], organiser=texts.AGRICULTURE, with_member=True)
            row = self.start(story, row)
            for spec, day in zip(task.activities[:2], days, strict=True):
                self.activity(story, row, spec, day, rng)
            self.findings(story, row, task.findings)
            self.report(story, row, ReportKind.ANNUAL, last_year, f"{last_year}年度{task.title}报告", task.report,
                        dt.date(last_year, 12, 18))
            with story.at(self.at(dt.date(self.year, 1, 12), 10)):
                row = sv.task_carry_over(actor=self.staff["city"], task=row,
                                         note="上年度问题清单尚未全部整改到位，经主席会议研究，今年继续跟踪监督。")
            self.instruct(story, row, dt.date(self.year, 1, 20), 0,
                          "跟踪监督抓住了滩区群众关心的问题，请有关县区对照问题清单逐项整改。")
            if this_year.year == self.year:
                self.activity(story, row, task.activities[2], this_year, rng)
                with story.at(self.at(this_year + dt.timedelta(days=7), 15)):
                    department = self.department("city", "农业农村局")
                    cs.follow_up_add(actor=self.staff["city"], target=row, noted_on=this_year + dt.timedelta(days=7),
                                     department=department, text_="问题清单12项中已整改9项，其余3项列入明年计划。")

    def task_collaborative(self, task: texts.Task, rng: random.Random) -> None:
        days = [self.day(-100), self.day(-55)]
        with self.story() as story:
            row = self.new_task(story, task, rng, category=TaskCategory.SUPERVISION,
                                kind=SupervisionKind.COLLABORATIVE, first=days[0], last=days[-1],
                                organiser=texts.SOCIETY, partners=("人民检察院", "中级人民法院"))
            row = self.start(story, row)
            prosecutor = self.department("city", "人民检察院")
            for spec, day in zip(task.activities, days, strict=True):
                self.activity(story, row, spec, day, rng)
            self.findings(story, row, task.findings)
            with story.at(self.at(days[-1] + dt.timedelta(days=10), 10)):
                cs.follow_up_add(actor=self.staff["city"], target=row, noted_on=days[-1] + dt.timedelta(days=10),
                                 department=prosecutor, text_=task.report)

    def task_research(self, task: texts.Task, rng: random.Random) -> None:
        """Research led by the demo member: she records the activities and submits the report."""
        days = [self.day(-90), self.day(-75), self.day(-62)]
        lead = self.demo.user
        with self.story() as story:
            row = self.new_task(story, task, rng, category=TaskCategory.RESEARCH, first=days[0], last=days[-1],
                                lead=self.demo, team=6, organiser=texts.EDUCATION)
            row = self.start(story, row)
            for spec, day in zip(task.activities, days, strict=True):
                self.activity(story, row, spec, day, rng)
            self.findings(story, row, task.findings, actor=lead)
            self.report(story, row, ReportKind.FINAL, days[-1].year, f"{task.title}报告", task.report,
                        days[-1] + dt.timedelta(days=14), actor=lead)
            self.instruct(story, row, days[-1] + dt.timedelta(days=24), 1, task.instruction)
            with story.at(self.at(days[-1] + dt.timedelta(days=30), 10)):
                sv.task_conclude(actor=self.staff["city"], task=row, note="调研报告已报送市委、市政府。")

    def task_inspection(self, task: texts.Task, rng: random.Random) -> None:
        days = [self.day(-40), self.day(15)]
        with self.story() as story:
            row = self.new_task(story, task, rng, category=TaskCategory.INSPECTION, first=days[0], last=days[-1],
                                organiser=texts.SOCIETY, with_member=True)
            row = self.start(story, row)
            self.activity(story, row, task.activities[0], days[0], rng)
            self.report(story, row, ReportKind.INTERIM, days[0].year, f"{task.title}（第一次）", "视察的十项民生实事中，"
                        "七项进度符合计划，三项进度滞后，建议加快推进学校建设和老旧小区改造项目。",
                        days[0] + dt.timedelta(days=7))
            self.activity(story, row, task.activities[1], days[1], rng)  # the next visit, on the calendar

    def task_planned(self, task: texts.Task, rng: random.Random) -> None:
        day = self.day(30)
        with self.story() as story:
            self.new_task(story, task, rng, category=TaskCategory.RESEARCH, first=day, last=day,
                          organiser=texts.SOCIETY, team=4)

    # --- social-conditions information ---------------------------------------------------------

    def plan_information(self) -> None:
        """Every item's title, text and authors, decided before anything is written, so that a
        rerun plans the same items and finds them in place."""
        rng = random.Random(f"{SEED}:information")
        subjects = list(texts.INFO_SUBJECTS)
        rng.shuffle(subjects)
        places = {s.key: rng.sample(s.places, k=len(s.places)) for s in subjects}
        # every subject once before any subject twice
        pool = [(s, places[s.key][r]) for r in range(max(map(len, places.values()))) for s in subjects
                if r < len(places[s.key])]
        taken: set[tuple[str, str]] = set()  # (subject, place) combinations used

        def item(key: str, *, spot=None, subject: str = "", writer=None, co_authors=(), status: str = "") -> ItemPlan:
            for s, place in pool:
                if subject and s.key != subject or writer is self.demo and not s.for_member or (s.key, place) in taken:
                    continue
                if key == "county" and place not in texts.COUNTIES:
                    continue
                taken.add((s.key, place))
                if key == "county":  # the county writes about its own townships
                    place = rng.choice(("范县龙王庄镇", "范县陈庄镇", "范县濮城镇", "范县辛庄镇", "范县杨集乡"))
                title, content = texts.information(random.Random(f"{s.key}:{place}"), s, place)
                break
            else:
                raise CommandError("No fresh information title left; add subjects or places.")
            others = self.others[key]
            writer = writer or rng.choice(others)
            co_authors = list(co_authors)
            if not co_authors and isinstance(writer, Member) and rng.random() < 0.3:
                co_authors = rng.sample([m for m in others if m.pk != writer.pk], k=rng.choice((1, 1, 2)))
            return ItemPlan(title=title, content=content, category=s.category, writer=writer, co_authors=co_authors,
                            status=status, spot=spot)

        def writer_of(spot):
            return self.demo if spot in MEMBER_ITEMS else self.officer if spot in OFFICER_ITEMS else None

        self.county_items = [[item("county") for _ in range(spec[3])] for spec in COUNTY_ISSUES]
        self.city_items = [
            [item("city", spot=(index, n), writer=writer_of((index, n)),
                  co_authors=[self.demo] if (index, n) in MEMBER_CO_AUTHORED else (),
                  subject=ITEM_PASSED.get((index, n), ("", ""))[1]) for n in range(spec[3])]
            for index, spec in enumerate(CITY_ISSUES)]
        self.draft_items = [item("city") for _ in range(DRAFT_ISSUE[3])]
        self.loose_plan = []
        for status, n in LOOSE_ITEMS.items():
            for number in range(n):
                writer = None
                if number == 0 and status != InformationStatus.SIGNED_OFF:
                    writer = self.demo
                elif number == 1 and status in (InformationStatus.DRAFT, InformationStatus.SUBMITTED,
                                                 InformationStatus.NOT_ADOPTED):
                    writer = self.officer
                co_authors = [self.demo] if status == InformationStatus.SIGNED_OFF and number == 1 else ()
                self.loose_plan.append(item("city", writer=writer, co_authors=co_authors, status=status))

    def write_item(self, story: Story, key: str, plan: ItemPlan, when: dt.datetime, *,
                   submit: bool = True) -> InformationItem:
        """Draft (and submit) a planned item as its writer (a seat, or the officer's login)."""
        actor = plan.writer if isinstance(plan.writer, User) else plan.writer.user
        with story.at(when):
            item = info.information_draft_save(actor=actor, committee=self.committees[key], title=plan.title,
                                               content=plan.content, category=self.categories[key].get(plan.category),
                                               co_authors=plan.co_authors)
        if submit:
            rng = random.Random(plan.title)
            with story.at(when + dt.timedelta(hours=rng.randint(1, 30))):
                item = info.information_submit(actor=actor, item=item)
        return item

    def review(self, story: Story, key: str, item: InformationItem, rng: random.Random, when: dt.datetime, *,
               sign: bool = True) -> InformationItem:
        """Staff edit and approve the item; a leader (the county: its staff) signs it off."""
        staff = self.staff[key]
        edited = texts.headline(item.title) if rng.random() < 0.5 else ""
        with story.at(when):
            item = info.information_approve(actor=staff, item=item, edited_title=edited,
                                            note="已编辑，同意采用。" if edited else "")
        if not sign:
            return item
        with story.at(when + dt.timedelta(days=rng.randint(1, 3), hours=2)):
            return info.information_sign_off(actor=self.leader if key == "city" else staff, item=item)

    def information(self) -> None:
        self.plan_information()
        for index, spec in enumerate(COUNTY_ISSUES):
            self.issue("county", index, spec[0], spec[1], spec[2], self.county_items[index], 0, spec[4])
        self.reject_copy()
        for index, (bulletin, offset, title, _own, copies, recipients) in enumerate(CITY_ISSUES):
            self.issue("city", index, bulletin, offset, title, self.city_items[index], copies, recipients)
        self.draft_issue()
        for number, plan in enumerate(self.loose_plan):
            exists = InformationItem.objects.filter(committee=self.committees["city"], title=plan.title).exists()
            self.count("information items", not exists)
            if not exists:
                self.loose(plan, random.Random(f"{SEED}:loose:{number}"))
        self.converted()

    def copies_waiting(self) -> list[InformationItem]:
        """Items the county sent up, in the city's review queue."""
        return list(InformationItem.objects.filter(committee=self.committees["city"], status=InformationStatus.SUBMITTED,
                                                   forwarded_from__committee=self.committees["county"]).order_by("id"))

    def issue(self, key: str, index: int, bulletin_name: str, offset: int, title: str, plans: list[ItemPlan],
              copies: int, recipients) -> None:
        """One numbered issue, from its items' drafts to its sending and what followed."""
        bulletin = self.bulletins[key][bulletin_name]
        exists = BulletinIssue.objects.filter(bulletin=bulletin, title=title).exists()
        self.count("bulletin issues", not exists)
        self.count("information items", not exists, len(plans))
        if exists:
            return
        rng = random.Random(f"{SEED}:issue:{key}:{index}")
        sent = self.office(rng, self.day(offset))
        staff = self.staff[key]
        with self.story() as story:
            items = [self.write_item(story, key, plan, self.anytime(rng, timezone.localdate(sent) - dt.timedelta(
                days=30 - number * 2))) for number, plan in enumerate(plans)]
            if copies:
                items += self.copies_waiting()[:copies]
            reviewed = [self.review(story, key, item, rng, self.office(rng, timezone.localdate(sent)
                                                                       - dt.timedelta(days=12 - number)))
                        for number, item in enumerate(items)]
            with story.at(self.office(rng, timezone.localdate(sent) - dt.timedelta(days=3))):
                issue = info.issue_create(actor=staff, bulletin=bulletin, title=title,
                                          year=timezone.localdate(sent).year)
            with story.at(story.last + dt.timedelta(hours=3)):
                info.issue_add_items(actor=staff, issue=issue, items=reviewed)
            with story.at(sent):
                info.issue_send(actor=staff, issue=issue, recipients=list(recipients),
                                signed_by=LEADER_NAME if key == "city" else "范县政协主席",
                                editor=STAFF_NAME if key == "city" else "孙丽萍")
            if key == "city":
                for number, item in enumerate(reviewed):
                    self.after_sending(story, (index, number), item, sent, rng)

    def after_sending(self, story: Story, spot: tuple[int, int], item: InformationItem, sent: dt.datetime,
                      rng: random.Random) -> None:
        """Leader instructions, adoptions the portal did not see, and items passed to departments."""
        staff = self.staff["city"]
        item.refresh_from_db()
        if spot in ITEM_INSTRUCTIONS or item.forwarded_from_id and spot[0] == 5:
            name, position, level, text = texts.INFO_INSTRUCTIONS[ITEM_INSTRUCTIONS.get(spot, 2)]
            day = timezone.localdate(sent) + dt.timedelta(days=rng.randint(5, 12))
            if day < self.today:
                with story.at(self.office(rng, day)):
                    cs.instruction_record(actor=self.leader, target=item, leader_name=name, leader_title=position,
                                          level=level, instructed_on=day, text_=text.format(dept="有关部门"))
        for number, level in enumerate(ITEM_ADOPTIONS.get(spot, ())):
            day = timezone.localdate(sent) + dt.timedelta(days=25 + 20 * number)
            if day >= self.today:
                continue
            where = "河南省政协《社情民意》" if level == AdoptionLevel.PROVINCIAL else "全国政协《社情民意信息》"
            with story.at(self.office(rng, day)):
                info.adoption_record(actor=staff, item=item, level=level, adopted_on=day,
                                     adopted_by=f"{where}{day.year}年第{rng.randint(8, 60)}期",
                                     note="经省政协报送全国政协。" if level == AdoptionLevel.NATIONAL else "")
        if spot in ITEM_PASSED:
            role, _subject, accepted = ITEM_PASSED[spot]
            department = self.department("city", role)
            if department is None:
                return
            with story.at(self.office(rng, back(self.today, 1))):
                item = info.information_pass_to_department(actor=staff, item=item, lead_department=department,
                                                           note="请研究办理并答复信息作者。")
            if accepted and department.pk in self.liaisons:
                assignment = Assignment.objects.filter(case=item.case, department=department).first()
                with story.at(story.last + dt.timedelta(hours=3)):
                    handling.assignment_accept(actor=self.liaisons[department.pk], assignment=assignment)

    def reject_copy(self) -> None:
        """The city does not adopt one of the items the county sent up first."""
        waiting = self.copies_waiting()
        city = self.committees["city"]
        if len(waiting) < 3 or InformationItem.objects.filter(committee=city, status=InformationStatus.NOT_ADOPTED,
                                                              forwarded_from__isnull=False).exists():
            return
        with self.story() as story, story.at(self.office(random.Random(SEED), self.day(-170))):
            info.information_reject(actor=self.staff["city"], item=waiting[2], reason=texts.INFO_NOT_ADOPTED[2])

    def draft_issue(self) -> None:
        """The issue being compiled: signed-off items in it, not sent yet."""
        bulletin_name, offset, title, _own = DRAFT_ISSUE
        bulletin = self.bulletins["city"][bulletin_name]
        exists = BulletinIssue.objects.filter(bulletin=bulletin, title=title).exists()
        self.count("bulletin issues", not exists)
        self.count("information items", not exists, len(self.draft_items))
        if exists:
            return
        rng = random.Random(f"{SEED}:issue:draft")
        day = self.day(offset)
        with self.story() as story:
            items = [self.write_item(story, "city", plan, self.anytime(rng, day - dt.timedelta(days=20 - n)))
                     for n, plan in enumerate(self.draft_items)]
            items = [self.review(story, "city", item, rng, self.office(rng, day - dt.timedelta(days=6)))
                     for item in items]
            with story.at(self.office(rng, day)):
                issue = info.issue_create(actor=self.staff["city"], bulletin=bulletin, title=title, year=day.year)
            with story.at(story.last + dt.timedelta(hours=2)):
                info.issue_add_items(actor=self.staff["city"], issue=issue, items=items)

    def loose(self, plan: ItemPlan, rng: random.Random) -> None:
        """An item outside any issue, taken to its planned state."""
        status = plan.status
        low, high = {InformationStatus.DRAFT: (2, 12), InformationStatus.SUBMITTED: (2, 9),
                     InformationStatus.NOT_ADOPTED: (20, 280), InformationStatus.APPROVED: (6, 14),
                     InformationStatus.SIGNED_OFF: (8, 20)}[status]
        day = self.day(-rng.randint(low, high))
        with self.story() as story:
            item = self.write_item(story, "city", plan, self.anytime(rng, day), submit=status != InformationStatus.DRAFT)
            if status in (InformationStatus.DRAFT, InformationStatus.SUBMITTED):
                return
            reviewed = self.office(rng, timezone.localdate(story.last) + dt.timedelta(days=rng.randint(2, 5)))
            if status == InformationStatus.NOT_ADOPTED:
                with story.at(reviewed):
                    info.information_reject(actor=self.staff["city"], item=item,
                                            reason=rng.choice(texts.INFO_NOT_ADOPTED))
                return
            self.review(story, "city", item, rng, reviewed, sign=status == InformationStatus.SIGNED_OFF)

    def converted(self) -> None:
        """Proposals not filed and converted to information, taken in by the sweep's service one
        by one at the time of their review; the first is then edited and approved."""
        city = self.committees["city"]
        pending = list(Proposal.objects.filter(committee=city, status=ProposalStatus.NOT_FILED,
                                               conversion=Conversion.INFORMATION, information_item__isnull=True)
                       .order_by("id"))
        taken = []
        for proposal in pending:
            with self.story() as story, story.at((proposal.reviewed_at or self.now) + dt.timedelta(minutes=5)):
                info.information_intake_converted(committee_id=city.pk, limit=1)
            item = InformationItem.objects.filter(source_proposal=proposal).first()
            if item is not None:
                taken.append(item)
        self.count("information items", True, len(taken))
        if taken:
            rng = random.Random(f"{SEED}:converted")
            with self.story() as story:
                self.review(story, "city", taken[0], rng, self.office(rng, back(self.today, 2)), sign=False)

    # --- the run -------------------------------------------------------------------------------

    def run(self) -> None:
        self.configure()
        last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.plan_topics()
        self.sessions()
        self.tasks()
        self.information()
        if sum(self.created.values()):
            MicroLoader(self.write).read_old_notifications(last_notification)


def summary(loader: Loader) -> list[str]:
    city = loader.committees["city"]
    sessions = Consultation.objects.filter(committee__in=loader.committees.values())
    lines = ["  sessions: " + ", ".join(f"{s} {sessions.filter(status=s).count()}" for s in SessionStatus.values)
             + f" ({len(set(sessions.values_list('kind__form', flat=True)))} forms)"]
    results = Result.objects.filter(committee__in=loader.committees.values())
    lines.append("  results: " + ", ".join(f"{s} {results.filter(status=s).count()}" for s in ResultStatus.values)
                 + f"; instructions {Instruction.objects.filter(committee__in=loader.committees.values()).count()}")
    tasks = Task.objects.filter(committee=city)
    lines.append("  tasks: " + ", ".join(f"{s} {tasks.filter(status=s).count()}" for s in TaskStatus.values))
    items = InformationItem.objects.filter(committee=city)
    lines.append("  information (city): " + ", ".join(f"{s} {items.filter(status=s).count()}"
                                                      for s in InformationStatus.values))
    adoptions = Adoption.objects.filter(item__committee__in=loader.committees.values())
    lines.append("  adoptions: " + ", ".join(f"{level} {adoptions.filter(level=level).count()}"
                                             for level in AdoptionLevel.values)
                 + f"; issues sent {BulletinIssue.objects.filter(committee__in=loader.committees.values(), status=IssueStatus.SENT).count()}")
    lines.append(f"  member: {Participant.objects.filter(member=loader.demo, invitation='pending').count()} open "
                 f"invitation(s), {items.filter(authors__member=loader.demo).count()} information items")
    lines.append(f"  {OFFICER[0]} ({OFFICER[1]}, information officer, password {PASSWORD}): "
                 f"{InformationItem.objects.filter(submitted_by__username=OFFICER[0]).count()} items")
    return lines


LOGIN_LINE = (f"  {OFFICER[0]:<13} {PASSWORD:<10} information officer {OFFICER[1]} ({OFFICER[2]}, 濮阳市政协)\n"
              f"  {'':<13} {'':<10} sees her own social-conditions information items\n")


class Command(BaseCommand):
    help = (
        "Load a year of demo consultation, supervision and information work for 濮阳市政协 (and some for 范县政协): "
        "topics, the plan, sessions, results, tasks, information items and bulletins, driven through the services. "
        "Run after demo_data and demo_proposals; safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only the summary line.")
        parser.add_argument("--logins-file", default="",
                            help="Add the information officer's login to this table of demo logins.")

    def handle(self, *args, quiet: bool = False, logins_file: str = "", **options) -> None:
        started = time.monotonic()
        loader = Loader(write=(lambda line: None) if quiet else self.stdout.write)
        if not quiet:
            self.stdout.write("Loading demo consultations, supervision and information…")
        # The demo's history is not mailed to anyone: notifications go to the in-app inbox only.
        with override_settings(NOTIFICATION_CHANNELS=[]):
            loader.run()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo consultations ready in {elapsed:.1f}s: {sum(loader.created.values())} objects created, "
            f"{sum(loader.present.values())} already present."
        ))
        if logins_file:
            path = Path(logins_file)
            table = path.read_text(encoding="utf-8") if path.exists() else ""
            if f"  {OFFICER[0]} " not in table:
                path.write_text(table + LOGIN_LINE, encoding="utf-8")
        if quiet:
            return
        for kind in sorted(set(loader.created) | set(loader.present)):
            self.stdout.write(f"  {kind:<20} {loader.created.get(kind, 0):>4} created  {loader.present.get(kind, 0):>4} present")
        for line in summary(loader):
            self.stdout.write(line)
