"""Load demo proposals (提案) for 濮阳市政协: this year's published topic guide, three proposing
bodies with a login each, the proposal handling policy, and about 125 proposals in every
state, from drafts and co-sign invitations through review (立案, 不立案, 并案, returned for
revision, withdrawn) to the handling engine's states (awaiting assignment, assigned, return
requested, accepted, overdue, extension requested, replied A/B/C, re-handled, closed by
rating or without one), with progress notes on B replies, five key proposals supervised by
the demo leader and one procuratorate transfer with its outcome.

Run after ``demo_data`` (and best after ``demo_micro_suggestions``, whose categories it shares;
missing ones are created). Every write goes through ``proposals.services`` and the handling
engine, one transaction per proposal, so the timelines, audit trail and notifications are the
real ones. Like ``demo_micro_suggestions`` (whose ``Clock`` and backdating it reuses) the
services run on today's date and each step's rows are given the step's simulated time
afterwards; the deadline columns are replayed on the working-day calendar from the backdated
clock, so overdue proposals are overdue by the calendar. Inputs that name a day (a contact, a
progress note, a supervision activity, a procuratorate transfer) are given the simulated day
the same way. The deadline and rating sweeps run once at the end.

Deterministic (seeded), and idempotent: a proposal whose title already exists in the committee
is skipped and the configuration is looked up before it is created, so a second run creates
nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from cppcc_portal.core import workdays
from cppcc_portal.core.models import AuditEntry, Notification
from members.choices import DepartmentKind
from members.models import Committee, Department, Liaison, Member, Session, Term, User
from proposals.choices import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    BodyKind,
    CaseKind,
    CaseStatus,
    Conversion,
    CoSignerStatus,
    GuideStatus,
    HandlingMode,
    ProcuratorateStatus,
    ProposalKind,
    ProposalStatus,
    ProposalTiming,
    Rating,
)
from proposals.management import demo_texts, proposal_texts as texts
from proposals.management.commands.demo_micro_suggestions import (
    DEMO_MEMBER,
    Clock,
    Loader as MicroLoader,
    _local,
    back,
    on_or_after,
    save_columns,
)
from proposals.models import (
    Assignment,
    Case,
    Category,
    ContactRecord,
    CoSigner,
    ExtensionRequest,
    Feedback,
    Follow,
    GuideTopic,
    HandlingPolicy,
    ObjectionRequest,
    ProgressNote,
    Proposal,
    ProposalBody,
    Reply,
    SupervisionActivity,
    TopicGuide,
)
from proposals.services import config, handling, proposals as services
from proposals.services.proposals import proposal_url

SEED = "cppcc-portal-demo:proposals"
PASSWORD = "demo12345"
COMMITTEE = "政协濮阳市委员会"
STAFF, LEADER = "staff", "leader"
# The proposal policy: the engine's proposal defaults (60 working days ≈ three months, 60 more
# by extension, co-handlers 20, objection window 5), results A/B/C, replies released directly.
POLICY = {"result_categories": "ABC", "review_replies": False}
# name → (kind, sector name, login, the login's full name)
BODIES = {
    "民盟濮阳市委": (BodyKind.DEMOCRATIC_PARTY, "民盟", "minmeng", "民盟濮阳市委提案工作组"),
    "濮阳市工商联": (BodyKind.PEOPLES_ORGANISATION, "工商联", "gongshanglian", "濮阳市工商联提案工作组"),
    "提案委员会": (BodyKind.SPECIAL_COMMITTEE, "", "tiwei", "市政协提案委员会办公室"),
}
PROPOSALS_COMMITTEE = "提案委员会"

# The states a proposal is driven to.
DRAFT, SUBMITTED, REVISING, NOT_FILED, WITHDRAWN = "draft", "submitted", "revising", "not_filed", "withdrawn"
TRIAGE, ASSIGNED, OBJECTING, ACCEPTED, OVERDUE, EXTENSION = (
    "triage", "assigned", "objecting", "accepted", "overdue", "extension")
REPLIED, REOPENED = "replied", "reopened"
SATISFIED, BASICALLY, UNSATISFIED, UNRATED = "satisfied", "basically", "unsatisfied", "unrated"
CLOSED = (SATISFIED, BASICALLY, UNSATISFIED, UNRATED)
FILED = (TRIAGE, ASSIGNED, OBJECTING, ACCEPTED, OVERDUE, EXTENSION, REPLIED, REOPENED, *CLOSED)
SCENARIOS = {DRAFT: 6, SUBMITTED: 9, REVISING: 4, NOT_FILED: 7, WITHDRAWN: 3, TRIAGE: 4, ASSIGNED: 5, OBJECTING: 3,
             ACCEPTED: 11, OVERDUE: 5, EXTENSION: 3, REPLIED: 7, REOPENED: 3, SATISFIED: 20, BASICALLY: 9,
             UNSATISFIED: 2, UNRATED: 2}
# The demo member 杨明明 (login ``member``) and the bodies write these besides.
MEMBER_SCENARIOS = (DRAFT, SUBMITTED, REVISING, NOT_FILED, ACCEPTED, REPLIED, SATISFIED, BASICALLY)
BODY_SCENARIOS = (SATISFIED, SATISFIED, BASICALLY, ACCEPTED, ACCEPTED, REPLIED, SUBMITTED, DRAFT)
# Proposals with one similar proposal merged into them (并案), by the main one's state.
MERGE_INTO = (SATISFIED, SATISFIED, BASICALLY, SATISFIED, SUBMITTED, ACCEPTED)
KEY_SCENARIOS = (SATISFIED, SATISFIED, BASICALLY, ACCEPTED, OVERDUE)
CONVERSIONS = (Conversion.INFORMATION, Conversion.INFORMATION, Conversion.INFORMATION, Conversion.REFERENCE,
               Conversion.REFERENCE, Conversion.REFERENCE, Conversion.NONE, Conversion.NONE)


@dataclass
class Plan:
    index: int
    scenario: str
    subject: texts.Subject
    title: str
    reason: str
    analysis: str
    suggestions: str
    writer: User
    member: Member | None = None
    body: ProposalBody | None = None
    kind: str = ProposalKind.INDIVIDUAL
    timing: str = ProposalTiming.INTERSESSION
    cosigners: list[tuple[Member, str]] = field(default_factory=list)  # (member, confirmed|declined|invited)
    mode: str = HandlingMode.SINGLE
    result: str = "A"
    conversion: str = Conversion.NONE
    objection: str = ""  # "", "pending", "approved", "rejected"
    extension: str = ""  # "", "pending", "approved"
    key: bool = False
    procuratorate: bool = False
    merged: list[Plan] = field(default_factory=list)
    contact: str = "phone"


class Loader:
    def __init__(self, write) -> None:
        self.write = write
        self.micro = MicroLoader(write)  # its backdating and sweeps
        self.now, self.today, self.last_workday = self.micro.now, self.micro.today, self.micro.last_workday
        self.created: Counter = Counter()
        self.present: Counter = Counter()
        self.outcomes: Counter = Counter()
        self.proposal_type = ContentType.objects.get_for_model(Proposal).pk
        self.departments: dict[str, Department] = {}
        self.liaisons: dict[int, User] = {}
        self.categories: dict[str, Category] = {}
        self.topics: dict[str, GuideTopic] = {}
        self.bodies: dict[str, ProposalBody] = {}

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.present)[kind] += 1

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"The login {username!r} is missing: run `manage.py demo_data` first.")
        return user

    # --- configuration ------------------------------------------------------------------------

    def configure(self) -> None:
        """Categories, the proposal policy, the topic guide and the proposing bodies, written by
        the staff login and dated before this year's plenary session."""
        committee = Committee.objects.filter(name=COMMITTEE).first()
        if committee is None:
            raise CommandError(f"The committee {COMMITTEE} is missing: run `manage.py demo_data` first.")
        self.committee = committee
        self.staff, self.leader = self.user(STAFF), self.user(LEADER)
        self.term = Term.objects.get(committee=committee, is_current=True)
        self.session = (Session.objects.filter(term=self.term, start_date__year=self.today.year).first()
                        or Session.objects.filter(term=self.term, start_date__lte=self.today).order_by("-number").first())
        if self.session is None:
            raise CommandError(f"{COMMITTEE} has no plenary session this term: run `manage.py demo_data` first.")
        self.year = self.session.start_date.year
        started = timezone.now()
        for department in Department.objects.filter(committee=committee, is_active=True):
            self.departments[demo_texts.role_key(department.name)] = department
        for liaison in Liaison.objects.filter(is_active=True, user__is_active=True).select_related("user").order_by("id"):
            self.liaisons.setdefault(liaison.department_id, liaison.user)
        found = {c.name: c for c in Category.objects.filter(committee=committee)}
        for name in sorted({s.category for s in texts.SUBJECTS}):
            self.count("categories", name not in found)
            if name not in found:
                found[name] = config.category_create(actor=self.staff, committee=committee, name=name, order=20)
        self.categories = found
        policy = HandlingPolicy.objects.filter(committee=committee, kind=CaseKind.PROPOSAL, category__isnull=True).first()
        self.count("handling policies", policy is None)
        if policy is None:
            config.policy_set(actor=self.staff, committee=committee, kind=CaseKind.PROPOSAL, **POLICY)
        self.guide()
        self.proposing_bodies()
        # Configuration is dated a month before the session opens.
        when = timezone.make_aware(dt.datetime.combine(self.session.start_date - dt.timedelta(days=30), dt.time(10, 5)))
        AuditEntry.objects.filter(created_at__gte=started).update(created_at=when)
        Notification.objects.filter(created_at__gte=started, url="/proposals/guide/").update(created_at=when)
        TopicGuide.objects.filter(published_at__gte=started).update(published_at=when, created_at=when)
        self.procuratorate = Department.objects.filter(committee=committee, kind=DepartmentKind.PROCURATORATE,
                                                       is_active=True).first()

    def guide(self) -> None:
        guide = TopicGuide.objects.filter(committee=self.committee, year=self.year).first()
        self.count("topic guides", guide is None)
        if guide is None:
            guide = services.topic_guide_save(actor=self.staff, committee=self.committee, year=self.year,
                                              title=texts.GUIDE_TITLE.format(year=self.year),
                                              introduction=texts.GUIDE_INTRODUCTION.format(year=self.year))
        existing = {t.title: t for t in guide.topics.all()}
        for order, (key, (title, description, category)) in enumerate(texts.GUIDE_TOPICS.items(), start=1):
            self.count("guide topics", title not in existing)
            if title not in existing:
                existing[title] = services.guide_topic_save(actor=self.staff, guide=guide, title=title,
                                                            description=description,
                                                            category=self.categories[category], order=order)
            self.topics[key] = existing[title]
        if guide.status != GuideStatus.PUBLISHED:
            services.topic_guide_publish(actor=self.staff, guide=guide)
        fresh = GuideTopic.objects.select_related("guide").in_bulk([t.pk for t in self.topics.values()])
        self.topics = {key: fresh[t.pk] for key, t in self.topics.items()}

    def proposing_bodies(self) -> None:
        found = {b.name: b for b in ProposalBody.objects.filter(committee=self.committee)}
        for name, (kind, sector_name, username, full_name) in BODIES.items():
            user = User.objects.filter(username=username).first()
            self.count("logins", user is None)
            if user is None:  # as demo_data creates its role logins
                user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name,
                                                email=f"{username}@example.org")
            body = found.get(name)
            self.count("proposing bodies", body is None)
            if body is None:
                sector = self.committee.sectors.filter(name=sector_name).first() if sector_name else None
                special = (self.committee.special_committees.filter(name=PROPOSALS_COMMITTEE).first()
                           if kind == BodyKind.SPECIAL_COMMITTEE else None)
                body = services.proposal_body_save(actor=self.staff, committee=self.committee, name=name, kind=kind,
                                                   sector=sector, special_committee=special, authorised_users=[user])
            self.bodies[name] = body

    # --- planning ----------------------------------------------------------------------------

    def plan(self, members: list[Member], demo: Member | None) -> list[Plan]:
        rng = random.Random(SEED)
        others = [m for m in members if demo is None or m.pk != demo.pk]
        slots = [(s, "member") for s, n in SCENARIOS.items() for _ in range(n)]
        if demo is not None:
            slots += [(s, "demo") for s in MEMBER_SCENARIOS]
        slots += [(s, "body") for s in BODY_SCENARIOS]
        rng.shuffle(slots)
        used: set[str] = set()
        plans: list[Plan] = []
        bodies = list(self.bodies.values())

        def new(scenario: str, who: str, subject: texts.Subject | None = None) -> Plan:
            for _attempt in range(200):
                pool = [s for s in texts.SUBJECTS if who != "demo" or s.for_member]
                chosen = subject or rng.choices(pool, weights=[s.weight for s in pool])[0]
                qualifier = rng.choice(chosen.qualifiers)
                title = rng.choice(chosen.titles).format(q=qualifier)
                if title not in used:
                    break
            else:
                raise CommandError(f"No new title for a {scenario} proposal; add subjects or qualifiers.")
            used.add(title)
            reason, analysis, suggestions = texts.paragraphs(rng, chosen, qualifier)
            plan = Plan(index=len(plans), scenario=scenario, subject=chosen, title=title, reason=reason,
                        analysis=analysis, suggestions=suggestions, writer=self.staff)
            if who == "body":
                plan.body = bodies[len([p for p in plans if p.body]) % len(bodies)]
                plan.writer = plan.body.authorised_users.order_by("pk").first()
                plan.kind = ProposalKind.COLLECTIVE
            else:
                plan.member = demo if who == "demo" else rng.choice(others)
                plan.writer = plan.member.user
                if rng.random() < 0.3 or (who == "demo" and scenario == DRAFT):
                    plan.kind = ProposalKind.JOINT
                    pool = [m for m in members if m.pk != plan.member.pk and (demo is None or m.pk != demo.pk)]
                    signers = rng.sample(pool, k=rng.choice((1, 2, 3)))
                    answers = ["confirmed"] * len(signers)
                    if scenario == DRAFT:
                        answers[-1] = "invited"
                    elif len(signers) > 1 and rng.random() < 0.4:
                        answers[-1] = "declined"
                    plan.cosigners = list(zip(signers, answers, strict=True))
            plenary = scenario in CLOSED or (scenario in (NOT_FILED, WITHDRAWN) and rng.random() < 0.5)
            plan.timing = ProposalTiming.PLENARY if plenary else ProposalTiming.INTERSESSION
            if scenario in FILED:
                roll = rng.random()
                if subject is None and chosen.co and scenario not in (REOPENED, UNSATISFIED) and roll < 0.15:
                    plan.mode = HandlingMode.SEPARATE
                elif chosen.co and roll < 0.5:
                    plan.mode = HandlingMode.LEAD
                plan.result = {SATISFIED: rng.choice("AAAB"), BASICALLY: rng.choice("BBBC"),
                               UNSATISFIED: rng.choice("BC"), REOPENED: rng.choice("BC")}.get(scenario,
                                                                                              rng.choice("AABC"))
                if scenario in (SATISFIED, BASICALLY) and rng.random() < 0.12:
                    plan.extension = "approved"
                if scenario in (SATISFIED, ACCEPTED) and rng.random() < 0.08:
                    plan.objection = rng.choice(("approved", "rejected"))
                plan.contact = rng.choice(("phone", "phone", "meeting", "meeting", "forum", "letter"))
            if scenario == OBJECTING:
                plan.objection = "pending"
            if scenario == EXTENSION:
                plan.extension = "pending"
            plans.append(plan)
            return plan

        for scenario, who in slots:
            new(scenario, who)
        # The demo member is invited to co-sign another member's draft, still unanswered.
        if demo is not None:
            draft = next(p for p in plans if p.scenario == DRAFT and p.member and p.member.pk != demo.pk)
            draft.kind = ProposalKind.JOINT
            draft.cosigners = [(m, a) for m, a in draft.cosigners if m.pk != demo.pk] + [(demo, "invited")]
        not_filed = [p for p in plans if p.scenario == NOT_FILED]
        for plan, conversion in zip(not_filed, CONVERSIONS, strict=False):
            plan.conversion = conversion
        for scenario in KEY_SCENARIOS:
            plan = next(p for p in plans if p.scenario == scenario and not p.key and p.body is None
                        and p.objection != "approved")
            plan.key = True
        transfer = next(p for p in plans if p.scenario == SATISFIED and not p.key and p.body is None)
        transfer.procuratorate = True
        subject = texts.SUBJECT["groundwater"]
        transfer.subject = subject
        used.discard(transfer.title)
        for title in subject.titles:
            candidate = title.format(q=subject.qualifiers[0])
            if candidate not in used:
                transfer.title = candidate
                break
        used.add(transfer.title)
        transfer.reason, transfer.analysis, transfer.suggestions = texts.paragraphs(rng, subject, subject.qualifiers[0])
        transfer.mode = HandlingMode.LEAD
        for scenario in MERGE_INTO:
            main = next(p for p in plans if p.scenario == scenario and not p.merged and p.body is None
                        and p.mode != HandlingMode.SEPARATE and not p.procuratorate)
            other = new("merged", "member", main.subject)
            plans.remove(other)
            other.timing, other.kind, other.cosigners = main.timing, ProposalKind.INDIVIDUAL, []
            if other.member.pk == main.member.pk:
                other.member = next(m for m in others if m.pk != main.member.pk)
                other.writer = other.member.user
            main.merged.append(other)
        return plans

    # --- driving ------------------------------------------------------------------------------

    def office(self, rng: random.Random, day: dt.date) -> dt.datetime:
        return self.micro.office(rng, on_or_after(day) if day < self.last_workday else day)

    def cap(self, day: dt.date) -> dt.date:
        return min(day, self.last_workday)

    def anchor(self, plan: Plan, rng: random.Random) -> tuple[dt.date, dt.date]:
        """(submitted day, reviewed or filed day) of the proposal."""
        r, lw, scenario = rng.randint, self.last_workday, plan.scenario
        if plan.timing == ProposalTiming.PLENARY:
            session = self.session
            submitted = session.start_date + dt.timedelta(days=r(0, max((session.end_date - session.start_date).days, 0)))
            return submitted, workdays.add_workdays(session.end_date, r(8, 20))
        filed = {
            TRIAGE: lambda: back(lw, r(0, 4)), ASSIGNED: lambda: back(lw, r(0, 3)), OBJECTING: lambda: back(lw, r(0, 2)),
            ACCEPTED: lambda: back(lw, r(5, 45)), OVERDUE: lambda: back(lw, r(64, 90)),
            EXTENSION: lambda: back(lw, r(52, 56)), REPLIED: lambda: back(lw, r(25, 55)),
            REOPENED: lambda: back(lw, r(40, 55)), NOT_FILED: lambda: back(lw, r(10, 120)),
            WITHDRAWN: lambda: back(lw, r(5, 100)), REVISING: lambda: back(lw, r(0, 8)),
            SUBMITTED: lambda: lw, DRAFT: lambda: lw,
        }[scenario]()
        if scenario in (SUBMITTED, DRAFT):
            return back(lw, r(0, 8)), filed
        return back(filed, r(4, 12)), filed

    def drive(self, plan: Plan) -> list[Proposal]:
        rng = random.Random(f"{SEED}:{plan.index}:steps")
        clock = Clock(self.now, rng)
        r = rng.randint
        submitted_day, review_day = self.anchor(plan, rng)
        written = []
        with transaction.atomic():
            main = self.write_proposal(plan, clock, rng, submitted_day, written)
            others = [self.write_proposal(other, clock, rng, submitted_day, written) for other in plan.merged]
            if plan.scenario == DRAFT:
                return self.finish(clock, written, None)
            with clock.at(self.micro.anytime(rng, max(submitted_day, _local(clock.last)))):
                main = services.proposal_submit(actor=plan.writer, proposal=main)
            for other, other_plan in zip(others, plan.merged, strict=True):
                with clock.at(self.micro.anytime(rng, max(submitted_day, _local(clock.last)))):
                    services.proposal_submit(actor=other_plan.writer, proposal=other)
            if plan.merged:
                merge_day = self.cap(workdays.add_workdays(submitted_day, 1)) if plan.scenario == SUBMITTED else review_day
                with clock.at(self.office(rng, merge_day)):
                    main = services.proposal_merge(actor=self.staff, main=main, others=others,
                                                   note=rng.choice(texts.MERGE_NOTES))
            case = self.review(plan, main, clock, rng, review_day)
            if case is not None:
                clock.case_id = case.pk
                main = Proposal.objects.get(pk=main.pk)
                self.handle(plan, main, case, clock, rng, review_day)
                case = Case.objects.get(pk=case.pk)
                if case.status == CaseStatus.CLOSED and case.result_category == "B" and r(0, 2):
                    self.progress(plan, case, clock, rng)
            return self.finish(clock, written, case)

    def write_proposal(self, plan: Plan, clock: Clock, rng: random.Random, submitted_day: dt.date,
                       written: list[Proposal]) -> Proposal:
        day = back(submitted_day, rng.randint(1, 6))
        category = self.categories[plan.subject.category]
        topic = self.topics.get(plan.subject.guide) if rng.random() < 0.7 else None
        with clock.at(self.micro.anytime(rng, day)):
            proposal = services.proposal_draft_save(
                actor=plan.writer, member=plan.member, body=plan.body, kind=plan.kind, timing=plan.timing,
                session=self.session if plan.timing == ProposalTiming.PLENARY else None, title=plan.title,
                reason=plan.reason, analysis=plan.analysis, suggestions=plan.suggestions, category=category,
                topic=topic,
            )
        written.append(proposal)
        if plan.cosigners:
            with clock.at(self.micro.anytime(rng, day)):
                invitations = services.proposal_invite(actor=plan.writer, proposal=proposal,
                                                       members=[m for m, _answer in plan.cosigners])
            for invitation, (member, answer) in zip(invitations, plan.cosigners, strict=True):
                if answer == "invited":
                    continue
                with clock.at(self.micro.anytime(rng, day + dt.timedelta(days=rng.randint(0, 2)))):
                    services.cosign_respond(actor=member.user, cosigner=invitation, accept=answer == "confirmed",
                                            note="" if answer == "confirmed" else "对该领域了解不多，暂不联名。")
        return proposal

    def review(self, plan: Plan, proposal: Proposal, clock: Clock, rng: random.Random, day: dt.date) -> Case | None:
        """Staff review; returns the handling case of a filed proposal."""
        scenario = plan.scenario
        if scenario == SUBMITTED:
            return None
        if scenario == WITHDRAWN:
            with clock.at(self.micro.anytime(rng, day)):
                services.proposal_withdraw(actor=plan.writer, proposal=proposal,
                                           reason=rng.choice(texts.WITHDRAW_REASONS))
            return None
        at = clock.at(self.office(rng, max(day, _local(clock.last))))
        if scenario == REVISING:
            with at:
                services.proposal_return(actor=self.staff, proposal=proposal, comment=rng.choice(texts.RETURN_COMMENTS))
            return None
        if scenario == NOT_FILED:
            departments = []
            if plan.conversion == Conversion.REFERENCE:
                departments = [self.department(plan.subject.lead)]
            with at:
                services.proposal_not_file(actor=self.staff, proposal=proposal,
                                           reason=rng.choice(texts.NOT_FILED_REASONS[plan.conversion]),
                                           conversion=plan.conversion, reference_departments=departments)
            return None
        lead = self.department(plan.subject.lead)
        co = [self.department(d) for d in plan.subject.co] if plan.mode != HandlingMode.SINGLE else []
        with clock.at(self.office(rng, max(day, _local(clock.last))), deadlines=True):
            proposal = services.proposal_file(
                actor=self.staff, proposal=proposal, note=rng.choice(texts.FILE_NOTES),
                lead_department=None if scenario == TRIAGE else lead, co_departments=co,
                handling_mode=None if scenario == TRIAGE else plan.mode,
            )
        return proposal.case

    def department(self, role: str) -> Department:
        try:
            return self.departments[role]
        except KeyError:
            raise CommandError(f"No department {role} in {COMMITTEE}: run `manage.py demo_data` first.") from None

    def assignments(self, case: Case, roles) -> list[Assignment]:
        return list(case.assignments.filter(round=case.round, role__in=roles, status__in=OPEN_ASSIGNMENT_STATUSES)
                    .select_related("department").order_by("pk"))

    def handle(self, plan: Plan, proposal: Proposal, case: Case, clock: Clock, rng: random.Random,
               start: dt.date) -> None:
        scenario, r = plan.scenario, rng.randint
        open_state = scenario in (ASSIGNED, OBJECTING, ACCEPTED, OVERDUE, EXTENSION, REPLIED, REOPENED)

        def day(offset: int, base: dt.date | None = None) -> dt.date:
            target = workdays.add_workdays(base or start, max(offset, 0))
            return self.cap(target) if open_state else min(target, self.last_workday)

        def office(target: dt.date, **kinds):
            return clock.at(self.office(rng, max(target, _local(clock.last))), **kinds)

        if scenario == TRIAGE:
            return
        if plan.key:
            with office(day(r(2, 8)), creates=(Follow,)):
                services.proposal_mark_key(actor=self.staff, proposal=proposal, leaders=[self.leader],
                                           plan=rng.choice(texts.KEY_PLANS))
        members_side = (AssignmentRole.LEAD, AssignmentRole.SEPARATE)
        if plan.objection:
            lead = self.assignments(case, members_side)[0]
            busy = {a.department_id for a in self.assignments(case, members_side + (AssignmentRole.CO,))}
            other = next(d for d in map(self.department, ("城市管理局", "住房和城乡建设局", "民政局", "农业农村局"))
                         if d.pk not in busy)
            reason = rng.choice(texts.OBJECTION_REASONS).format(other=other.name, we=demo_texts.we(lead.department.name))
            with office(day(r(0, 2)), creates=(ObjectionRequest,), deadlines=True):
                objection = handling.assignment_object(actor=self.liaisons[lead.department_id], assignment=lead,
                                                       reason=reason, suggested_department=other)
            if plan.objection == "pending":
                return
            approve = plan.objection == "approved"
            with office(day(r(3, 4)), deadlines=True):
                handling.objection_decide(actor=self.staff, objection=objection, approve=approve,
                                          new_department=other if approve else None,
                                          note=f"同意退回，改由{other.name}主办。" if approve
                                          else f"经研究，该提案属于{lead.department.name}职责范围，请按期办理。")
        if scenario == ASSIGNED:
            return
        for assignment in self.assignments(case, members_side + (AssignmentRole.CO,)):
            with office(day(r(0, 3))):
                handling.assignment_accept(actor=self.liaisons[assignment.department_id], assignment=assignment)
        for co in self.assignments(case, (AssignmentRole.CO,)):
            target = day(r(8, 18))
            if scenario == ACCEPTED and target >= self.last_workday and r(0, 1):
                continue
            with office(target, creates=(Reply,)):
                handling.assignment_reply(
                    actor=self.liaisons[co.department_id], assignment=co,
                    text=rng.choice(texts.CO_OPINION).format(subject=plan.subject.category))
        if plan.key and scenario != OVERDUE:
            self.supervise(proposal, clock, rng, day(r(15, 30)))
        if plan.procuratorate and self.procuratorate is not None:
            self.transfer(proposal, clock, rng, day(r(5, 12)))
        leads = self.assignments(case, members_side)
        for assignment in leads:
            with office(day(r(3, 10)), creates=(ContactRecord,)) as when:
                record = handling.contact_record(actor=self.liaisons[assignment.department_id], assignment=assignment,
                                                 method=plan.contact, contacted_on=self.today,
                                                 note=texts.CONTACT_NOTES[plan.contact])
                self.redate(ContactRecord, record.pk, "contacted_on", "assignment.contact", case, when)
        if scenario in (ACCEPTED, OVERDUE):
            if scenario == OVERDUE and plan.key:
                self.supervise(proposal, clock, rng, day(r(62, 70)))
            return
        if plan.extension:
            lead = leads[0]
            target = self.cap(back(self.last_workday, r(0, 2))) if scenario == EXTENSION else day(r(48, 55))
            with office(target, creates=(ExtensionRequest,)):
                request = handling.extension_request(
                    actor=self.liaisons[lead.department_id], assignment=lead, workdays_requested=30,
                    reason=f"{rng.choice(texts.EXTENSION_REASONS)}，难以在三个月内办结，申请延期30个工作日。")
            if scenario == EXTENSION:
                return
            with office(workdays.add_workdays(_local(clock.last), 1), deadlines=True):
                handling.extension_decide(actor=self.staff, extension=request, approve=True,
                                          note="同意延期，请在延长期限内办结并答复提案者。")
        rounds = 2 if scenario in (REOPENED, UNSATISFIED) else 1
        for handling_round in range(1, rounds + 1):
            if scenario == REPLIED:
                target = max(back(self.last_workday, r(0, 10)), _local(clock.last))
            elif scenario == REOPENED:
                target = max(back(self.last_workday, r(8, 12)), _local(clock.last))
            elif handling_round == 2:
                target = workdays.add_workdays(_local(clock.last), r(15, 30))
            elif plan.extension == "approved":
                target = day(r(62, 85))
            else:
                target = day(r(25, 58))
            if open_state:
                target = self.cap(target)
            result = plan.result if handling_round == rounds else "C"
            replies = []
            for assignment in self.assignments(case, members_side):
                if handling_round == 2:
                    with office(target):
                        handling.assignment_accept(actor=self.liaisons[assignment.department_id], assignment=assignment)
                    if scenario == REOPENED:
                        continue
                with office(target, creates=(Reply,)) as when:
                    body = {"A": plan.subject.done, "B": plan.subject.planned, "C": plan.subject.reference}[result]
                    author = plan.body.name if plan.body else f"{plan.member.name}委员"
                    replies.append(handling.assignment_reply(
                        actor=self.liaisons[assignment.department_id], assignment=assignment,
                        text=texts.reply_letter(author, plan.title, assignment.department.name,
                                                demo_texts.we(assignment.department.name), body, result, _local(when)),
                        result_category=result, may_publish=result != "C"))
            if scenario in (REPLIED, UNRATED):
                return
            if scenario == REOPENED and handling_round == 2:
                return
            rated = workdays.add_workdays(_local(clock.last), r(1, 8))
            if scenario == REOPENED:
                rated = max(back(self.last_workday, r(1, 4)), _local(clock.last))
            for reply in replies:
                rating, comment = self.rating(scenario, handling_round, rounds, rng)
                with clock.at(self.micro.anytime(rng, rated), creates=(Feedback,), deadlines=True):
                    handling.case_rate(actor=plan.writer, reply=reply, rating=rating, comment=comment)
            case.refresh_from_db()

    @staticmethod
    def rating(scenario: str, handling_round: int, rounds: int, rng: random.Random) -> tuple[str, str]:
        if handling_round < rounds:
            return Rating.UNSATISFIED, rng.choice(texts.UNSATISFIED)
        if scenario == UNSATISFIED:
            return Rating.UNSATISFIED, rng.choice(texts.FINAL_UNSATISFIED)
        if scenario == BASICALLY:
            return Rating.BASICALLY, rng.choice(texts.BASICALLY)
        return Rating.SATISFIED, rng.choice(texts.SATISFIED)

    def supervise(self, proposal: Proposal, clock: Clock, rng: random.Random, target: dt.date) -> None:
        kind = rng.choice(list(texts.SUPERVISION))
        place, summary = texts.SUPERVISION[kind]
        with clock.at(self.office(rng, max(self.cap(target), _local(clock.last)))) as when:
            activity = services.supervision_record(actor=self.leader, proposal=proposal, kind=kind, held_on=self.today,
                                                   summary=summary, place=f"{place}现场",
                                                   participants="市政协领导、提案者、承办单位负责同志")
            self.redate(SupervisionActivity, activity.pk, "held_on", "proposal.supervise", proposal, when)
            self.redate(None, None, "", "case.supervise", proposal.case, when)

    def transfer(self, proposal: Proposal, clock: Clock, rng: random.Random, target: dt.date) -> None:
        with clock.at(self.office(rng, max(self.cap(target), _local(clock.last)))) as when:
            transfer = services.procuratorate_transfer(actor=self.staff, proposal=proposal,
                                                       procuratorate=self.procuratorate, clue=texts.PROCURATORATE_CLUE)
            transfer_day = min(_local(when), self.today)
        outcome_day = self.cap(workdays.add_workdays(transfer_day, rng.randint(25, 45)))
        with clock.at(self.office(rng, max(outcome_day, _local(clock.last)))) as when:
            services.procuratorate_outcome(actor=self.staff, transfer=transfer, status=ProcuratorateStatus.RECOMMENDATION,
                                           outcome=texts.PROCURATORATE_OUTCOME)
            type(transfer).objects.filter(pk=transfer.pk).update(
                transferred_on=transfer_day, outcome_on=max(min(_local(when), self.today), transfer_day))

    def progress(self, plan: Plan, case: Case, clock: Clock, rng: random.Random) -> None:
        """A B reply's follow-up: a progress note by the lead unit, and maybe implemented."""
        lead = case.assignments.filter(round=case.round, role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE],
                                       status=AssignmentStatus.REPLIED).order_by("pk").first()
        target = self.cap(workdays.add_workdays(_local(clock.last), rng.randint(15, 45)))
        with clock.at(self.office(rng, max(target, _local(clock.last)))) as when:
            note = handling.progress_note_add(actor=self.liaisons[lead.department_id], case=case, noted_on=self.today,
                                              text=plan.subject.progress + "。")
            self.redate(ProgressNote, note.pk, "noted_on", "case.progress", case, when)
        self.outcomes["progress notes"] += 1
        target = self.cap(workdays.add_workdays(_local(clock.last), rng.randint(20, 50)))
        if rng.random() < 0.5 and target < self.last_workday:
            with clock.at(self.office(rng, max(target, _local(clock.last)))) as when:
                note = handling.progress_note_add(actor=self.staff, case=case, noted_on=self.today, implemented=True,
                                                  text="经核实，提案所提建议已全部落实。")
                self.redate(ProgressNote, note.pk, "noted_on", "case.implemented", case, when)
                Case.objects.filter(pk=case.pk).update(implemented_on=min(_local(when), self.today))
            self.outcomes["implemented"] += 1

    def redate(self, model, pk, field_name: str, action: str, target, when: dt.datetime) -> None:
        """A step that names a day ran with today's date: give it the simulated day, in the row
        and in the timeline note that quotes it."""
        day = min(_local(when), self.today)
        if model is not None:
            model.objects.filter(pk=pk).update(**{field_name: day})
        entry = AuditEntry.objects.filter(action=action, target_id=target.pk).order_by("-id").first()
        if entry is not None:
            AuditEntry.objects.filter(pk=entry.pk).update(note=entry.note.replace(self.today.isoformat(),
                                                                                  day.isoformat(), 1))

    def finish(self, clock: Clock, written: list[Proposal], case: Case | None) -> list[Proposal]:
        """Give every row the steps wrote its simulated time (the case's through the
        micro-suggestion loader's ``stamp``)."""
        clock.finish()
        sim, since = clock.sim, clock.marks[0][0]
        if case is not None:
            policy = handling.policy_for(case)
            self.micro.stamp(case, clock, policy)
            for model in (ProgressNote, Reply):
                rows = list(model.objects.filter(case=case))
                fields = ["created_at"] + (["reviewed_at"] if model is Reply else [])
                for row in rows:
                    for name in fields:
                        setattr(row, name, sim(getattr(row, name)))
                save_columns(model, rows, fields)
        ids = [p.pk for p in written]
        rows = list(Proposal.objects.filter(pk__in=ids))
        for p in rows:
            p.created_at, p.submitted_at, p.reviewed_at = sim(p.created_at), sim(p.submitted_at), sim(p.reviewed_at)
            p.key_marked_at, p.updated_at = sim(p.key_marked_at), clock.last
        save_columns(Proposal, rows, ["created_at", "submitted_at", "reviewed_at", "key_marked_at", "updated_at"])
        cosigners = list(CoSigner.objects.filter(proposal_id__in=ids))
        for c in cosigners:
            c.invited_at, c.responded_at = sim(c.invited_at), sim(c.responded_at)
        save_columns(CoSigner, cosigners, ["invited_at", "responded_at"])
        activities = list(SupervisionActivity.objects.filter(proposal_id__in=ids))
        for a in activities:
            a.created_at = sim(a.created_at)
        save_columns(SupervisionActivity, activities, ["created_at"])
        entries = list(AuditEntry.objects.filter(target_type_id=self.proposal_type, target_id__in=ids,
                                                 created_at__gte=since).only("pk", "created_at"))
        for entry in entries:
            entry.created_at = sim(entry.created_at)
        save_columns(AuditEntry, entries, ["created_at"])
        notes = list(Notification.objects.filter(url__in=[proposal_url(p) for p in rows], created_at__gte=since)
                     .only("pk", "created_at"))
        for note in notes:
            note.created_at = sim(note.created_at)
        save_columns(Notification, notes, ["created_at"])
        return written

    def run(self) -> None:
        self.configure()
        members = list(Member.active_seats().filter(committee=self.committee, term=self.term)
                       .select_related("user").order_by("name", "pk"))
        demo = next((m for m in members if m.user.username == DEMO_MEMBER), None)
        plans = self.plan(members, demo)
        existing = set(Proposal.objects.filter(committee=self.committee).values_list("title", flat=True))
        last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        todo = []
        for plan in plans:
            done = plan.title in existing
            for _p in [plan, *plan.merged]:
                self.count("proposals", not done)
            if not done:
                todo.append(plan)
        # Filed in the order they were reviewed, so the numbers run with the dates.
        order = {plan.index: self.anchor(plan, random.Random(f"{SEED}:{plan.index}:steps"))[1] for plan in todo}
        todo.sort(key=lambda p: (order[p.index], p.index))
        for plan in todo:
            self.drive(plan)
        if todo:
            for name, count in self.micro.sweeps().items():
                self.outcomes[name] += count
            self.outcomes["notifications marked read"] = self.micro.read_old_notifications(last_notification)


def summary(loader: Loader) -> list[str]:
    proposals = Proposal.objects.filter(committee=loader.committee)
    by_status = Counter(proposals.values_list("status", flat=True))
    lines = ["  proposals: " + ", ".join(f"{s} {by_status.get(s, 0)}" for s in ProposalStatus.values)]
    cases = Case.objects.filter(committee=loader.committee, kind=CaseKind.PROPOSAL)
    by_case = Counter(cases.values_list("status", flat=True))
    overdue = cases.filter(status=CaseStatus.HANDLING, due_date__lt=loader.today).count()
    lines.append("  handling: " + ", ".join(f"{s} {by_case.get(s, 0)}" for s in CaseStatus.values)
                 + f", overdue {overdue}")
    results = Counter(cases.exclude(result_category="").values_list("result_category", flat=True))
    lines.append("  results: " + ", ".join(f"{k} {results.get(k, 0)}" for k in "ABC")
                 + f"; key proposals {proposals.filter(is_key=True).count()}")
    member = User.objects.filter(username=DEMO_MEMBER).first()
    if member is not None:
        mine = Counter(proposals.filter(submitted_by=member).values_list("status", flat=True))
        invited = CoSigner.objects.filter(member__user=member, status=CoSignerStatus.INVITED).count()
        lines.append(f"  member: {sum(mine.values())} own proposals ({', '.join(f'{k} {v}' for k, v in sorted(mine.items()))}),"
                     f" {invited} co-sign invitation(s) open")
    for login in ("liaison", "liaison2"):
        user = User.objects.filter(username=login).first()
        if user is not None:
            inbox = Assignment.objects.filter(department__liaisons__user=user, status__in=OPEN_ASSIGNMENT_STATUSES,
                                              case__kind=CaseKind.PROPOSAL, case__status=CaseStatus.HANDLING).count()
            lines.append(f"  {login}: {inbox} open proposal assignments")
    return lines


class Command(BaseCommand):
    help = (
        "Load demo proposals for 濮阳市政协: a published topic guide, proposing bodies, the proposal policy and "
        "about 125 proposals in every state, driven through the services. Run after demo_data; safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only the summary.")

    def handle(self, *args, quiet: bool = False, **options) -> None:
        started = time.monotonic()
        loader = Loader(write=(lambda line: None) if quiet else self.stdout.write)
        if not quiet:
            self.stdout.write("Loading demo proposals…")
        # The demo's history is not mailed to anyone: notifications go to the in-app inbox only.
        with override_settings(NOTIFICATION_CHANNELS=[]):
            loader.run()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo proposals ready in {elapsed:.1f}s: {sum(loader.created.values())} objects created, "
            f"{sum(loader.present.values())} already present."
        ))
        for kind in sorted(set(loader.created) | set(loader.present)):
            self.stdout.write(f"  {kind:<20} {loader.created.get(kind, 0):>4} created  {loader.present.get(kind, 0):>4} present")
        for name, count in sorted(loader.outcomes.items()):
            self.stdout.write(f"  {name:<32} {count:>5}")
        for line in summary(loader):
            self.stdout.write(line)
