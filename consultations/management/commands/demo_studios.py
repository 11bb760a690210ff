"""Load three months of demo studio work for 濮阳市政协's four member studios (委员工作室) and the
city committee's duty-record assessment (履职量化考核):

- a duty roster (委员值班) from eight weeks back to four weeks ahead: each studio keeps its own
  weekdays, a morning and an afternoon shift, its members taking turns (the `member` login,
  杨明明, is on duty in her own studio this week and next);
- about forty concerns (群众诉求) raised by the public on the studios' pages, in every state:
  new, with a member, answered by the studio, closed (after an answer, or without one with the
  reason), and taken up as micro-suggestions (routed to departments on the handling engine; one
  answered by the `liaison` login's 住房和城乡建设局 and rated, so its public status page shows
  the department's reply), proposal drafts and social-conditions drafts;
- studio activities (receptions, visits, seminars) with attendance, a few still to come, and
  each studio's follow-up meeting on last quarter's concerns;
- three duty-record entries staff record by hand (an offline activity, a training course, an
  excellent proposal), each with a certificate as evidence;
- the city committee's assessment rules of this year (a table per kind of duty, base 60,
  highest total 120, grades 优秀 90 / 良好 80 / 合格 60, minimums), published, and a draft copy
  for last year; then the duty records are synced and a full recompute runs for both years, so
  scores, grades and rankings exist.

Run after ``demo_data`` (and best after ``demo_micro_suggestions``, ``demo_proposals`` and
``demo_consultations``, whose work lands in the duty records too). Every write goes through the
services (``consultations.services.studios``, ``consultations.services.consultations``,
``proposals.services.handling``, ``members.duty``); like the other demos, each story runs its
steps on today's clock inside one transaction and then gives the rows it wrote the steps'
simulated times (``demo_micro_suggestions.Clock``; an item taken up as a micro-suggestion also
gets its handling deadlines replayed on the working-day calendar).

Deterministic (seeded, relative to today) and idempotent: a shift, concern, activity or rule set
that exists is skipped, and the recompute runs only when something was created, so a second run
creates nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import random
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from consultations.choices import (
    Attendance,
    ConcernConversion,
    ConcernStatus,
    DutyPeriod,
    ParticipantRole,
    StudioActivityKind,
)
from consultations.management import studio_texts as texts
from consultations.models import Concern, DutyShift, InformationItem, Participant, StudioActivity
from consultations.services import consultations as cs, studios as ss
from cppcc_portal.core import workdays
from cppcc_portal.core.models import AuditEntry, Notification, OutboxMessage
from members import duty
from members.choices import JobStatus
from members.management.commands.demo_data import MOBILE_PREFIXES
from members.models import (
    AssessmentRuleSet,
    Committee,
    Department,
    DutyEntry,
    DutyEvidence,
    DutyScore,
    Liaison,
    Member,
    RecomputeJob,
    Studio,
    User,
)
from members.services import studio_update
from proposals.choices import CaseStatus, ProposalStatus, Rating, ReplyReview
from proposals.letters import _build, _para, _paragraphs
from proposals.management.commands.demo_micro_suggestions import (
    Clock,
    Loader as MicroLoader,
    back,
    on_or_after,
    save_columns,
)
from proposals.management.demo_texts import role_key, we
from proposals.models import Assignment, Case, Category, Feedback, Proposal, Reply
from proposals.services import handling
from proposals.services.handling import policy_for
from proposals.services.micro_suggestions import route_key

SEED = "cppcc-portal-demo:studios"
CITY = "政协濮阳市委员会"
DEMO_MEMBER = "member"
ROSTER_BACK, ROSTER_AHEAD = 56, 28  # days of the roster before and after today

# Rows a story writes and the columns that take the step's simulated time (an item taken up as
# a micro-suggestion is backdated by demo_micro_suggestions' Loader.stamp, deadlines included).
STAMPED = (
    (Concern, ("created_at", "assigned_at", "replied_at", "converted_at", "closed_at", "updated_at")),
    (StudioActivity, ("created_at",)),
    (Participant, ("created_at", "responded_at", "checked_in_at")),
    (Proposal, ("created_at", "updated_at")),
    (InformationItem, ("created_at", "updated_at")),
    (AssessmentRuleSet, ("created_at", "updated_at")),
    (DutyEntry, ("created_at",)),
    (DutyEvidence, ("created_at",)),
    (AuditEntry, ("created_at",)),
    (Notification, ("created_at",)),
)
# How a concern stands, in the words of a follow-up meeting's minutes.
STANDING = {ConcernStatus.NEW: "待处理", ConcernStatus.ASSIGNED: "委员正在跟进", ConcernStatus.REPLIED: "已答复群众",
            ConcernStatus.CLOSED: "已办结"}
TAKEN_UP = {ConcernConversion.MICRO_SUGGESTION: "已转为微建议", ConcernConversion.PROPOSAL: "已转为提案（草稿）",
            ConcernConversion.INFORMATION: "已形成社情民意信息（草稿）"}
CASE_STANDING = {CaseStatus.ROUTING: "交办中", CaseStatus.TRIAGE: "待分办", CaseStatus.HANDLING: "承办单位办理中",
                 CaseStatus.REPLIED: "承办单位已答复", CaseStatus.CLOSED: "已办结"}
KIND_HOURS = {StudioActivityKind.RECEPTION: ((9, 0), (11, 30)), StudioActivityKind.VISIT: ((14, 30), (17, 0)),
              StudioActivityKind.SEMINAR: ((15, 0), (17, 0)), StudioActivityKind.FOLLOW_UP: ((9, 30), (11, 30))}
QUARTER_NAMES = "一二三四"


def _local(when: dt.datetime) -> dt.date:
    return timezone.localdate(when)


class Loader:
    def __init__(self, write) -> None:
        self.write = write
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.year = self.today.year
        self.created: Counter = Counter()
        self.present: Counter = Counter()
        self.cases = MicroLoader(write)  # backdates the micro-suggestions, reads old notifications

    # --- helpers ------------------------------------------------------------------------------

    def count(self, kind: str, created: bool, n: int = 1) -> None:
        (self.created if created else self.present)[kind] += n

    def user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"The login {username!r} is missing: run `manage.py demo_data` first.")
        return user

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def before_now(self, when: dt.datetime, rng: random.Random) -> dt.datetime:
        return min(when, self.now - dt.timedelta(minutes=rng.randint(15, 80)))

    def office(self, rng: random.Random, day: dt.date) -> dt.datetime:
        minute = rng.randint(8 * 60 + 30, 17 * 60 + 20)
        return self.before_now(self.at(on_or_after(day), minute // 60, minute % 60), rng)

    def anytime(self, rng: random.Random, day: dt.date) -> dt.datetime:
        minute = rng.randint(7 * 60, 22 * 60 + 30)
        return self.before_now(self.at(day, minute // 60, minute % 60), rng)

    def later(self, rng: random.Random, after: dt.datetime, low: int, high: int, *, office: bool = True,
              workdays_only: bool = True) -> dt.datetime:
        """A time ``low`` to ``high`` (working) days after ``after``, never in the future."""
        n = rng.randint(low, high)
        day = workdays.add_workdays(_local(after), n) if workdays_only and n else _local(after) + dt.timedelta(days=n)
        return self.office(rng, day) if office else self.anytime(rng, day)

    @contextmanager
    def story(self, seed: str):
        """One story in one transaction; what it wrote is then given its steps' simulated times."""
        clock = Clock(self.now, random.Random(f"{SEED}:{seed}:clock"))
        with transaction.atomic():
            yield clock
            if not clock.marks:
                return
            clock.finish()
            start = clock.marks[0][0]
            for model, fields in STAMPED:
                rows = list(model.objects.filter(functools.reduce(
                    operator.or_, [Q(**{f"{f}__gte": start}) for f in fields])))
                for row in rows:
                    for name in fields:
                        setattr(row, name, clock.sim(getattr(row, name)))
                save_columns(model, rows, list(fields))
            if clock.case_id:
                case = Case.objects.get(pk=clock.case_id)
                self.cases.stamp(case, clock, policy_for(case))

    # --- configuration ------------------------------------------------------------------------

    def configure(self) -> None:
        city = Committee.objects.filter(name=CITY).first()
        if city is None:
            raise CommandError(f"The committee {CITY} is missing: run `manage.py demo_data` first.")
        self.city = city
        self.staff, self.liaison = self.user("staff"), self.user("liaison")
        self.demo = Member.active_seats().filter(committee=city, user__username=DEMO_MEMBER).select_related(
            "user").first()
        if self.demo is None:
            raise CommandError("The demo member (login 'member') is missing: run `manage.py demo_data` first.")
        self.studios: dict[str, Studio] = {}
        for key, name in texts.STUDIOS.items():
            studio = Studio.objects.filter(committee=city, name=name).select_related("lead_member__user").first()
            if studio is None:
                raise CommandError(f"The studio {name} is missing: run `manage.py demo_data` first.")
            self.studios[key] = studio
        own = self.studios["yang"]
        joined = own.lead_member_id == self.demo.pk or own.members.filter(pk=self.demo.pk).exists()
        if not joined:  # the demo member works in the studio named after her
            self.count("studio members", True)
            with transaction.atomic():
                studio_update(actor=self.staff, studio=own, members=[*own.members.all(), self.demo])
        active = set(Member.active_seats().filter(committee=city).values_list("pk", flat=True))
        self.rosters: dict[str, list[Member]] = {}
        for key, studio in self.studios.items():
            people = [m for m in studio.members.select_related("user").order_by("name", "pk") if m.pk in active]
            if studio.lead_member_id in active:
                people = [studio.lead_member, *[m for m in people if m.pk != studio.lead_member_id]]
            self.rosters[key] = people
        self.departments = {role_key(d.name): d for d in Department.objects.filter(committee=city, is_active=True)}
        self.liaisons: dict[int, User] = {}
        for liaison in Liaison.objects.filter(is_active=True, user__is_active=True, department__committee=city) \
                .select_related("user").order_by("id"):
            self.liaisons.setdefault(liaison.department_id, liaison.user)
        self.categories = {c.name: c for c in Category.objects.filter(committee=city, is_active=True)}

    def runner(self, studio: Studio) -> User:
        """Who hands concerns out and enters the studio's work: its lead member, else committee staff."""
        return studio.lead_member.user if studio.lead_member_id else self.staff

    # --- the duty roster ----------------------------------------------------------------------

    def roster(self) -> None:
        """Each studio's duty days from ROSTER_BACK days ago to ROSTER_AHEAD ahead, its members taking
        turns; nobody is on duty in two studios on one day. The roster of a month is entered by
        staff a few working days before it starts."""
        start, end = self.today - dt.timedelta(days=ROSTER_BACK), self.today + dt.timedelta(days=ROSTER_AHEAD)
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        monday = self.today - dt.timedelta(days=self.today.weekday())
        busy = set(DutyShift.objects.filter(studio__committee=self.city, date__gte=start, date__lte=end)
                   .values_list("member_id", "date"))
        order = ["yang", *[k for k in self.studios if k != "yang"]]  # the demo member's own studio first
        plans: dict[str, list[list]] = {}
        for key in order:
            people, plan, turn = self.rosters[key], [], 0
            for day in days:
                if day.weekday() not in texts.DUTY_DAYS[key] or not workdays.is_workday(day):
                    continue
                for period in (DutyPeriod.MORNING, DutyPeriod.AFTERNOON):
                    for step in range(len(people)):
                        member = people[(turn + step) % len(people)]
                        if (member.pk, day) not in busy:
                            turn += step
                            break
                    plan.append([day, period, member])
                    turn += 1
                    busy.add((member.pk, day))
            if key == "yang":  # the demo member is on duty this week and next
                for week in (0, 1):
                    first, last = monday + dt.timedelta(weeks=week), monday + dt.timedelta(weeks=week, days=6)
                    shifts = [p for p in plan if first <= p[0] <= last]
                    if shifts and not any(p[2].pk == self.demo.pk for p in shifts):
                        shifts[0][2] = self.demo
                        busy.add((self.demo.pk, shifts[0][0]))
            plans[key] = plan
        for key, studio in self.studios.items():
            taken = set(DutyShift.objects.filter(studio=studio).values_list("date", "period"))
            months: dict[tuple[int, int], list] = {}
            for day, period, member in plans[key]:
                exists = (day, period) in taken
                self.count("duty shifts", not exists)
                if not exists:
                    months.setdefault((day.year, day.month), []).append((day, period, member))
            for (year, month), shifts in sorted(months.items()):
                rng = random.Random(f"{SEED}:roster:{key}:{year}-{month}")
                entered = self.office(rng, back(min(shifts[0][0], self.today), 3))
                with self.story(f"roster:{key}:{year}-{month}") as clock, clock.at(entered):
                    for day, period, member in shifts:
                        ss.shift_add(actor=self.staff, studio=studio, member=member, date=day, period=period,
                                     note=rng.choice(texts.SHIFT_NOTES))

    def on_duty(self, key: str, day: dt.date, rng: random.Random) -> Member:
        """The member on duty at the studio on that day (or the next duty day), else anyone of it."""
        shift = DutyShift.objects.filter(studio=self.studios[key], date__gte=day,
                                         date__lte=day + dt.timedelta(days=7)).select_related("member__user") \
            .order_by("date", "period").first()
        if shift is not None and shift.member.is_active:
            return shift.member
        return rng.choice(self.rosters[key])

    # --- concerns -----------------------------------------------------------------------------

    def concerns(self) -> None:
        existing = set(Concern.objects.filter(studio__in=self.studios.values()).values_list("studio_id", "description"))
        for index, spec in enumerate(texts.CONCERNS):
            exists = (self.studios[spec.studio].pk, spec.description) in existing
            self.count("concerns", not exists)
            if not exists:
                self.concern(index, spec)

    @staticmethod
    def phone(rng: random.Random, landline: bool) -> str:
        if landline:
            return f"0393-{rng.choice('4678')}{rng.randrange(10 ** 6):06d}"
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"

    def concern(self, index: int, spec: texts.ConcernText) -> None:
        rng = random.Random(f"{SEED}:concern:{index}")
        studio = self.studios[spec.studio]
        received = self.anytime(rng, self.today - dt.timedelta(days=spec.days_ago))
        with self.story(f"concern:{index}") as clock:
            with clock.at(received):
                concern = ss.concern_submit(
                    studio=studio, phone=self.phone(rng, spec.landline), description=spec.description,
                    name=spec.name, place=spec.place, seconds_to_fill=rng.randint(45, 420),
                    client=f"223.{rng.randint(88, 91)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
            if spec.fate == texts.NEW:
                return
            handler = studio.lead_member if spec.to_lead and studio.lead_member_id else \
                self.on_duty(spec.studio, _local(received), rng)
            with clock.at(self.later(rng, received, 0, 1)):
                concern = ss.concern_assign(actor=self.runner(studio), concern=concern, member=handler)
            if spec.fate == texts.ASSIGNED:
                return
            user = handler.user
            if spec.fate in (texts.REPLIED, texts.CLOSED):
                with clock.at(self.later(rng, clock.last, 1, 3)):
                    concern = ss.concern_reply(actor=user, concern=concern, reply=spec.reply)
                if spec.fate == texts.CLOSED:
                    with clock.at(self.later(rng, clock.last, 5, 10)):
                        ss.concern_close(actor=user, concern=concern, note=spec.close_note)
            elif spec.fate == texts.DISMISSED:
                with clock.at(self.later(rng, clock.last, 0, 2)):
                    ss.concern_close(actor=user, concern=concern, note=spec.close_note)
            elif spec.fate in (texts.PROPOSAL, texts.INFORMATION):
                to = ConcernConversion.PROPOSAL if spec.fate == texts.PROPOSAL else ConcernConversion.INFORMATION
                with clock.at(self.later(rng, clock.last, 1, 4, office=False)):
                    ss.concern_convert(actor=user, concern=concern, to=to, title=spec.title,
                                       category=self.categories.get(spec.category))
            else:
                self.micro(spec, concern, handler, clock, rng)

    def micro(self, spec: texts.ConcernText, concern: Concern, handler: Member, clock: Clock,
              rng: random.Random) -> None:
        """The member takes the concern up as a micro-suggestion; the routing worker (or staff)
        routes it, and the department signs for it, replies, and the member rates the reply."""
        with clock.at(self.later(rng, clock.last, 0, 2, office=False)):
            concern = ss.concern_convert(actor=handler.user, concern=concern, to=ConcernConversion.MICRO_SUGGESTION,
                                         title=spec.title, category=self.categories.get(spec.category))
        case = concern.converted_case
        clock.case_id = case.pk
        message = OutboxMessage.objects.get(key=route_key(case.pk))
        with clock.at(clock.last + dt.timedelta(minutes=rng.randint(1, 6)), deadlines=True):
            case = handling.case_route_automatically(case_id=case.pk, outbox_id=message.pk)
        department = self.departments.get(spec.department)
        if case.status == CaseStatus.TRIAGE and department is not None:
            with clock.at(self.later(rng, clock.last, 0, 1), deadlines=True):
                case = handling.case_route(actor=self.staff, case=case, lead_department=department,
                                           reason=f"经研究，该事项由{department.name}负责办理。")
        lead = MicroLoader.lead_of(case)
        if spec.outcome == texts.ROUTED or lead is None or lead.department_id not in self.liaisons:
            return
        liaison = self.liaisons[lead.department_id]
        with clock.at(self.later(rng, clock.last, 0, 1)):
            handling.assignment_accept(actor=liaison, assignment=lead)
        if spec.outcome == texts.ACCEPTED:
            return
        with clock.at(self.later(rng, clock.last, 3, 6), creates=(Reply,)) as when:
            day, name = _local(when), lead.department.name
            text = spec.department_reply.format(member=handler.name, we=we(name)) + \
                f"\n\n{name}\n{day.year}年{day.month}月{day.day}日"
            reply = handling.assignment_reply(actor=liaison, assignment=Assignment.objects.get(pk=lead.pk), text=text)
        if reply.review_status == ReplyReview.PENDING:  # the committee reviews replies first
            with clock.at(self.later(rng, clock.last, 0, 1)):
                reply = handling.reply_review(actor=self.staff, reply=reply, approve=True)
        if spec.outcome == texts.ANSWERED:
            return
        rating, comments = ((Rating.BASICALLY, texts.BASICALLY_COMMENTS) if spec.outcome == texts.BASICALLY
                            else (Rating.SATISFIED, texts.SATISFIED_COMMENTS))
        with clock.at(self.later(rng, clock.last, 1, 2, office=False), creates=(Feedback,), deadlines=True):
            handling.case_rate(actor=handler.user, reply=reply, rating=rating, comment=rng.choice(comments))
        if spec.close_note:
            with clock.at(self.later(rng, clock.last, 1, 2)):
                ss.concern_close(actor=handler.user, concern=concern, note=spec.close_note)

    # --- studio activities --------------------------------------------------------------------

    def day(self, offset: int) -> dt.date:
        day = self.today + dt.timedelta(days=offset)
        if offset > 0:
            return on_or_after(day)
        return day if workdays.is_workday(day) else back(day, 1)

    def activities(self) -> None:
        for index, spec in enumerate(texts.ACTIVITIES):
            self.activity(f"activity:{index}", spec.studio, spec.kind, spec.title, self.day(spec.offset), spec.place,
                          summary=spec.summary, guests=spec.guests)
        # each studio's follow-up of last quarter's concerns, early in this quarter
        this = (self.today.month - 1) // 3
        year, quarter = (self.year, this) if this else (self.year - 1, 4)
        start = dt.date(self.year, 3 * this + 1, 1)
        held = on_or_after(start + dt.timedelta(days=14))
        if held >= self.today:
            held = back(self.today, 1)
        label = f"{year}年第{QUARTER_NAMES[quarter - 1]}季度"
        for key in self.studios:
            self.activity(f"follow-up:{key}", key, StudioActivityKind.FOLLOW_UP,
                          texts.FOLLOW_UP_TITLE.format(label=label), held, texts.FOLLOW_UP_PLACE[key],
                          quarter=f"{year}Q{quarter}", label=label)

    def minutes(self, studio: Studio, quarter: str, label: str) -> str:
        """The follow-up meeting's minutes: what the studio received in the quarter and how each stands."""
        items = list(ss.quarter_concerns(studio, quarter))
        if not items:
            return f"会议回顾了{label}工作室的工作，本季度未受理群众诉求。"
        lines = [f"会议逐件回顾了{label}工作室受理的{len(items)}件群众诉求的办理情况："]
        for number, concern in enumerate(items, start=1):
            if concern.conversion:
                stand = TAKEN_UP[concern.conversion]
                if concern.converted_case_id:
                    stand += "，" + CASE_STANDING.get(concern.converted_case.status, "办理中")
            else:
                stand = STANDING.get(concern.status, "")
            lines.append(f"{number}. {concern.description[:28]}……（{stand}）")
        lines.append("会议明确，对尚未办结的事项由值班委员继续跟踪，并在下季度跟踪会上通报进展。")
        return "\n".join(lines)

    def activity(self, seed: str, key: str, kind: str, title: str, day: dt.date, place: str, *, summary: str = "",
                 guests: tuple = (), quarter: str = "", label: str = "") -> None:
        studio = self.studios[key]
        exists = StudioActivity.objects.filter(studio=studio, title=title).exists()
        self.count("studio activities", not exists)
        if exists:
            return
        rng = random.Random(f"{SEED}:{seed}")
        (h1, m1), (h2, m2) = KIND_HOURS[kind]
        starts, ends = self.at(day, h1, m1), self.at(day, h2, m2)
        people = self.rosters[key]
        with self.story(seed) as clock:
            planned = self.office(rng, back(min(day, self.today), rng.randint(4, 8)))
            with clock.at(planned):
                if quarter:
                    summary = self.minutes(studio, quarter, label)
                activity = ss.studio_activity_save(actor=self.runner(studio), studio=studio, kind=kind, title=title,
                                                   starts_at=starts, ends_at=ends, place=place, summary=summary,
                                                   quarter=quarter, members=people)
            if guests:
                with clock.at(clock.last + dt.timedelta(minutes=rng.randint(10, 40))):
                    cs.participants_invite(actor=self.staff, event=activity, guests=[
                        {"name": name, "organisation": organisation, "role": ParticipantRole.PUBLIC}
                        for name, organisation in guests])
            if ends >= self.now:
                return
            places = list(activity.participants.filter(member__isnull=False).select_related("member")
                          .order_by("id"))
            fates = {}
            for place_ in places:
                roll = rng.random()
                lead = place_.member_id == studio.lead_member_id
                fates[place_.pk] = "present" if lead or roll < 0.8 else "excused" if roll < 0.93 else "absent"
            for n, place_ in enumerate(p for p in places if fates[p.pk] == "present"):
                with clock.at(starts + dt.timedelta(minutes=n + rng.randint(0, 3))):
                    cs.participant_check_in(actor=self.staff, participant=place_)
            for place_ in places:
                if fates[place_.pk] == "present":
                    continue
                excused = fates[place_.pk] == "excused"
                with clock.at(ends + dt.timedelta(minutes=rng.randint(20, 90))):
                    cs.attendance_record(actor=self.staff, participant=place_,
                                         attendance=Attendance.EXCUSED if excused else Attendance.ABSENT,
                                         note=rng.choice(texts.EXCUSE_NOTES) if excused else "")

    # --- the assessment rules and scores ------------------------------------------------------

    def rules(self) -> None:
        rule_sets = {r.year: r for r in AssessmentRuleSet.objects.filter(committee=self.city,
                                                                          year__in=[self.year, self.year - 1])}
        current = rule_sets.get(self.year)
        self.count("assessment rule sets", current is None)
        if current is None:
            rng = random.Random(f"{SEED}:rules:{self.year}")
            with self.story(f"rules:{self.year}") as clock:
                with clock.at(self.office(rng, dt.date(self.year, 1, 12))):
                    current = duty.rule_set_save(
                        actor=self.staff, committee=self.city, year=self.year,
                        title=texts.RULES_TITLE.format(year=self.year), base_score=texts.BASE_SCORE,
                        max_score=texts.MAX_SCORE, grades=list(texts.GRADES), minimums=list(texts.MINIMUMS))
                with clock.at(clock.last + dt.timedelta(minutes=25)):
                    for kind, (points, cap, split, first_share) in texts.RULES.items():
                        duty.rule_save(actor=self.staff, rule_set=current, kind=kind, points=points, cap=cap,
                                       split=split, first_share=first_share)
                with clock.at(self.office(rng, dt.date(self.year, 1, 20))):
                    current = duty.rule_set_publish(actor=self.staff, rule_set=current)
        exists = self.year - 1 in rule_sets
        self.count("assessment rule sets", not exists)
        if not exists:
            rng = random.Random(f"{SEED}:rules:{self.year - 1}")
            with self.story(f"rules:{self.year - 1}") as clock, clock.at(self.office(rng, back(self.today, 2))):
                duty.rule_set_copy(actor=self.staff, rule_set=current, year=self.year - 1)

    def manual_entries(self) -> None:
        """What staff record by hand because the portal cannot see it, each with a scanned
        certificate as evidence (a PDF)."""
        seats = [m for m in Member.active_seats().filter(committee=self.city).select_related("user").order_by("name", "pk")
                 if m.pk != self.demo.pk]
        filed = Proposal.objects.filter(committee=self.city, status=ProposalStatus.FILED, proposer__in=seats) \
            .select_related("proposer").order_by("number", "pk").first()
        rng = random.Random(f"{SEED}:manual")
        others = rng.sample(seats, k=min(3, len(seats)))
        for index, spec in enumerate(texts.MANUAL_ENTRIES):
            if spec.who == "demo":
                member, title = self.demo, ""
            elif spec.who == "proposer":
                if filed is None:
                    continue  # demo_proposals has not run
                member, title = filed.proposer, filed.title
            else:
                member, title = others[index % len(others)], ""
            label = spec.label.format(title=title)[:200]
            exists = DutyEntry.objects.filter(member=member, is_manual=True, label=label).exists()
            self.count("manual duty entries", not exists)
            if exists:
                continue
            day = self.today - dt.timedelta(days=spec.days_ago)
            text = spec.evidence.format(name=member.name, date=f"{day.year}年{day.month}月{day.day}日", title=title)
            pdf = _build([_para(spec.evidence_title, "title"), *_paragraphs(text),
                          _para(f"{spec.issuer}\n{day.year}年{day.month}月{day.day}日", "right")],
                         title=spec.evidence_title)
            evidence = SimpleUploadedFile(f"{spec.evidence_title}-{member.name}.pdf", pdf, content_type="application/pdf")
            with self.story(f"manual:{index}") as clock, \
                    clock.at(self.office(random.Random(f"{SEED}:manual:{index}"), on_or_after(day + dt.timedelta(days=3)))):
                duty.duty_entry_add(actor=self.staff, member=member, kind=spec.kind, occurred_on=day, label=label,
                                    note=spec.note, evidence=[evidence])

    def recompute(self) -> list[RecomputeJob]:
        """Sync what the demos marked, then recompute both years as the worker would."""
        fresh = bool(sum(self.created.values()))
        jobs = []
        if fresh:
            duty.duty_sync_dirty(limit=100_000)
        for year in (self.year, self.year - 1):
            done = RecomputeJob.objects.filter(committee=self.city, year=year, status=JobStatus.DONE).exists()
            if done and not fresh:
                continue
            job = duty.duty_recompute_start(actor=self.staff, committee=self.city, year=year)
            message = OutboxMessage.objects.filter(key=f"duty-recompute:{job.pk}").first()
            jobs.append(duty.duty_recompute_run(job_id=job.pk, outbox_id=message.pk if message else None))
        return jobs

    # --- the run -------------------------------------------------------------------------------

    def run(self) -> None:
        self.configure()
        last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.roster()
        self.concerns()
        self.activities()
        self.rules()
        self.manual_entries()
        self.jobs = self.recompute()
        if sum(self.created.values()):
            self.cases.read_old_notifications(last_notification)

    def tracking_codes(self) -> list[tuple[str, str]]:
        """Three concerns to look up on the public status page, with what it shows."""
        picks = (
            (lambda s: s.outcome == texts.SATISFIED and s.studio == "yang",
             "taken up as a micro-suggestion, answered by 濮阳市住房和城乡建设局"),
            (lambda s: s.fate == texts.REPLIED and s.studio == "yang", "answered by the studio"),
            (lambda s: s.fate == texts.PROPOSAL, "taken up as a proposal draft"),
        )
        codes = []
        for match, what in picks:
            spec = next(s for s in texts.CONCERNS if match(s))
            concern = Concern.objects.filter(studio=self.studios[spec.studio], description=spec.description).first()
            if concern is not None:
                codes.append((concern.tracking_code, what))
        return codes


def summary(loader: Loader) -> list[str]:
    studios = list(loader.studios.values())
    shifts = DutyShift.objects.filter(studio__in=studios)
    monday = loader.today - dt.timedelta(days=loader.today.weekday())
    mine = shifts.filter(member=loader.demo, date__gte=monday, date__lte=monday + dt.timedelta(days=6))
    lines = [f"  roster: {shifts.filter(date__lte=loader.today).count()} shifts held, "
             f"{shifts.filter(date__gt=loader.today).count()} to come; 杨明明 on duty this week on "
             + ", ".join(f"{s.date:%m-%d} {s.period} ({s.studio.name})"
                         for s in mine.select_related("studio").order_by("date", "period"))]
    concerns = Concern.objects.filter(studio__in=studios)
    statuses = Counter(concerns.values_list("status", flat=True))
    taken = Counter(concerns.exclude(conversion="").values_list("conversion", flat=True))
    lines.append("  concerns: " + ", ".join(f"{s} {statuses.get(s, 0)}" for s in ConcernStatus.values)
                 + "; taken up as " + ", ".join(f"{c} {taken.get(c, 0)}" for c in ConcernConversion.values))
    activities = StudioActivity.objects.filter(studio__in=studios)
    kinds = Counter(activities.values_list("kind", flat=True))
    attendance = Counter(Participant.objects.filter(studio_activity__in=activities, member__isnull=False)
                         .values_list("attendance", flat=True))
    lines.append("  studio activities: " + ", ".join(f"{k} {kinds.get(k, 0)}" for k in StudioActivityKind.values)
                 + "; attendance " + ", ".join(f"{a or 'to come'} {n}" for a, n in sorted(attendance.items())))
    for rule_set in AssessmentRuleSet.objects.filter(committee=loader.city).order_by("-year"):
        scores = DutyScore.objects.filter(committee=loader.city, year=rule_set.year)
        grades = Counter(scores.values_list("grade", flat=True))
        below = sum(1 for unmet in scores.values_list("unmet_minimums", flat=True) if unmet)
        lines.append(f"  {rule_set.year} rules ({rule_set.status}, {rule_set.rules.count()} kinds): "
                     f"{scores.count()} members scored; " + ", ".join(f"{g or 'no grade'} {grades[g]}"
                                                                       for g in sorted(grades, key=lambda g: g == ""))
                     + f"; {below} below the minimums")
    scores = DutyScore.objects.filter(committee=loader.city, year=loader.year).select_related("member")
    top = list(scores.order_by("-total", "member_id")[:3])
    if top:
        lines.append("  top of " + str(loader.year) + ": " + ", ".join(f"{s.member.name} {s.total}" for s in top))
    own = scores.filter(member=loader.demo).first()
    if own is not None:
        rank = scores.filter(total__gt=own.total).count() + 1
        lines.append(f"  member 杨明明: {own.total} ({own.grade or 'no grade'}), rank {rank} of {scores.count()}")
    lines.append(f"  public pages (no login): {reverse('studio_index')} "
                 + " ".join(reverse("studio_public", args=[s.pk]) for s in studios))
    for code, what in loader.tracking_codes():
        lines.append(f"  status page {reverse('concern_status', args=[code])}: {what}")
    return lines


class Command(BaseCommand):
    help = (
        "Load three months of demo studio work for 濮阳市政协's member studios (duty roster, concerns from the public "
        "in every state, activities with attendance, quarterly follow-up) and the city committee's assessment rules "
        "with scores, driven through the services. Run after demo_data (best after the other demos); safe to run "
        "again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print only the summary line.")
        parser.add_argument("--logins-file", default="",
                            help="Add the public studio pages and three tracking codes to this table of demo logins.")

    def handle(self, *args, quiet: bool = False, logins_file: str = "", **options) -> None:
        started = time.monotonic()
        loader = Loader(write=(lambda line: None) if quiet else self.stdout.write)
        if not quiet:
            self.stdout.write("Loading demo studio work and duty records…")
        # The demo's history is not mailed to anyone: notifications go to the in-app inbox only.
        with override_settings(NOTIFICATION_CHANNELS=[]):
            loader.run()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Demo studios ready in {elapsed:.1f}s: {sum(loader.created.values())} objects created, "
            f"{sum(loader.present.values())} already present."
        ))
        if logins_file:
            path = Path(logins_file)
            table = path.read_text(encoding="utf-8") if path.exists() else ""
            lookup = reverse("concern_status_lookup")
            if lookup not in table:
                codes = ", ".join(code for code, _what in loader.tracking_codes())
                path.write_text(table + f"Member studios (no login): {reverse('studio_index')} · status page {lookup}, "
                                        f"try {codes}\n", encoding="utf-8")
        if quiet:
            return
        for kind in sorted(set(loader.created) | set(loader.present)):
            self.stdout.write(f"  {kind:<20} {loader.created.get(kind, 0):>4} created  {loader.present.get(kind, 0):>4} present")
        for line in summary(loader):
            self.stdout.write(line)
