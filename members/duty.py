"""The duty record (履职档案) and its assessment (履职量化考核).

Every app that sees a member act registers a *source* here: a function that, for a year and
a set of members (or committees), yields the facts it knows (attended this session, first
proposer of that filed proposal, co-author of an item adopted by the province …). The record
of a member-year is the union of those facts, kept as ``DutyEntry`` rows by ``duty_sync``,
plus what staff enter by hand. Sources live with the data they read, so this module knows
nothing of proposals or consultations (dependencies point one way).

*Incremental*: a service that changes what a member did calls ``duty_touch`` inside its
transaction; a row in ``DutyDirty`` records the member-year, and ``duty_sync_dirty`` (after
commit, and from the beat every minute, so nothing is lost) syncs those members again.
*Full*: ``duty_recompute_start`` queues a job that a Celery worker runs in batches, showing
its progress. Scores follow the committee's rules for the year (``AssessmentRuleSet``), which
are data: points per kind, caps, how several authors share, base score, the total's cap,
grades and minimums. Changing the rules recomputes the year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import audit, outbox
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.uploads import clean_upload

from .choices import DutyKind, DutyRole, JobStatus, RuleSetStatus, SplitMode
from .models import (
    AssessmentRule,
    AssessmentRuleSet,
    Committee,
    DutyDirty,
    DutyEntry,
    DutyEvidence,
    DutyScore,
    Member,
    RecomputeJob,
)
from .selectors import scope_for

ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")
BATCH = 500
SYNC_TASK = "members.duty_sync_dirty"
RECOMPUTE_TASK = "members.duty_recompute"
MAX_EVIDENCE = 5
STALE_JOB = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Fact:
    """One thing a source knows a member did."""

    member_id: int
    committee_id: int
    kind: str
    occurred_on: dt.date
    source: Model
    label: str
    url: str = ""
    role: str = DutyRole.NONE
    group_size: int = 1
    share: Decimal = ONE


# A source: (year, member_ids or None, committee_ids or None) → facts of that year. With both
# None it yields every member's facts of the year.
Source = Callable[..., Iterable[Fact]]
_sources: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    """Register (or replace) a source of duty facts; apps call this in ``AppConfig.ready()``."""
    _sources[name] = source


def sources() -> dict[str, Source]:
    return dict(_sources)


# --- scoring (pure) -------------------------------------------------------------------------------


def entry_points(rule: AssessmentRule | None, *, role: str, group_size: int, share: Decimal) -> Decimal:
    """The points one entry earns under ``rule`` (no rule: none)."""
    if rule is None:
        return ZERO
    points, n = rule.points, max(group_size, 1)
    if n == 1 or rule.split == SplitMode.FULL:
        value = points
    elif rule.split == SplitMode.EQUAL:
        value = points / n
    elif rule.split == SplitMode.FIRST_ONLY:
        value = points if role == DutyRole.FIRST else ZERO
    elif rule.split == SplitMode.RECORDED:
        value = points * share
    else:  # FIRST_SHARE: the first author a share, the others the rest in equal parts
        value = points * rule.first_share if role == DutyRole.FIRST else points * (ONE - rule.first_share) / (n - 1)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Score:
    total: Decimal
    by_kind: dict[str, Decimal]
    counts: dict[str, int]
    grade: str
    unmet: list[dict]


def score(rule_set: AssessmentRuleSet, rules: dict[str, AssessmentRule], entries: Iterable) -> Score:
    """A member-year's score: base + each kind's points (within its cap), the total within the
    rule set's cap; the first grade whose minimum it reaches; the minimums it does not meet.
    ``entries`` have ``kind``, ``role``, ``group_size`` and ``share``."""
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        counts[entry.kind] += 1
        by_kind[entry.kind] += entry_points(rules.get(entry.kind), role=entry.role, group_size=entry.group_size,
                                            share=entry.share)
    for kind in rules:  # every scored kind shows, with 0 when the member has none of it
        by_kind.setdefault(kind, ZERO)
    for kind, value in by_kind.items():
        cap = rules[kind].cap if kind in rules else None
        if cap is not None:
            by_kind[kind] = max(min(value, abs(cap)), -abs(cap))
    total = rule_set.base_score + sum(by_kind.values(), ZERO)
    if rule_set.max_score is not None:
        total = min(total, rule_set.max_score)
    grade = ""
    for step in sorted(rule_set.grades or [], key=lambda g: -Decimal(str(g["min"]))):
        if total >= Decimal(str(step["min"])):
            grade = step["grade"]
            break
    unmet = [m for m in rule_set.minimums or [] if counts.get(m["kind"], 0) < int(m["count"])]
    return Score(total=total.quantize(CENT), by_kind={k: v.quantize(CENT) for k, v in by_kind.items() if v or k in rules},
                 counts=dict(counts), grade=grade, unmet=unmet)


# --- syncing the record ---------------------------------------------------------------------------


def collect(*, year: int, member_ids: set[int] | None = None, committee_ids: set[int] | None = None) -> list[Fact]:
    facts = []
    for source in _sources.values():
        facts.extend(f for f in source(year=year, member_ids=member_ids, committee_ids=committee_ids)
                     if f.occurred_on.year == year and (member_ids is None or f.member_id in member_ids))
    return facts


def _key(member_id, kind, type_id, source_id) -> tuple:
    return (member_id, kind, type_id, source_id)  # the year is the sync's own


def duty_sync(*, year: int, member_ids: Iterable[int] | None = None,
              committee_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Bring the portal's entries of these members (or committees) for ``year`` in line with
    what the sources know, then score them. Idempotent; returns what changed."""
    member_ids = set(member_ids) if member_ids is not None else None
    committee_ids = set(committee_ids) if committee_ids is not None else None
    facts = collect(year=year, member_ids=member_ids, committee_ids=committee_ids)
    types = ContentType.objects.get_for_models(*{type(f.source) for f in facts}) if facts else {}
    wanted = {}
    for f in facts:
        type_id = types[type(f.source)].pk
        wanted[_key(f.member_id, f.kind, type_id, f.source.pk)] = DutyEntry(
            member_id=f.member_id, committee_id=f.committee_id, year=year, kind=f.kind, occurred_on=f.occurred_on,
            role=f.role, group_size=f.group_size, share=f.share, source_type_id=type_id, source_id=f.source.pk,
            label=f.label[:200], url=f.url[:300])
    scope = Q(year=year, is_manual=False)
    if member_ids is not None:
        scope &= Q(member_id__in=member_ids)
    if committee_ids is not None:
        scope &= Q(committee_id__in=committee_ids)
    fields = ("committee_id", "occurred_on", "role", "group_size", "share", "label", "url")
    with transaction.atomic():
        existing = {_key(e.member_id, e.kind, e.source_type_id, e.source_id): e
                    for e in DutyEntry.objects.select_for_update().filter(scope)}
        stale = [e.pk for k, e in existing.items() if k not in wanted]
        changed = []
        for k, e in existing.items():
            new = wanted.get(k)
            if new is not None and any(getattr(e, f) != getattr(new, f) for f in fields):
                for f in fields:
                    setattr(e, f, getattr(new, f))
                changed.append(e)
        fresh = [e for k, e in wanted.items() if k not in existing]
        DutyEntry.objects.filter(pk__in=stale).delete()
        DutyEntry.objects.bulk_update(changed, ["committee", *fields[1:]], batch_size=1000)
        DutyEntry.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
        touched = member_ids if member_ids is not None else set(
            Member.objects.filter(committee_id__in=committee_ids).values_list("pk", flat=True)
            if committee_ids is not None else {f.member_id for f in facts} | {k[0] for k in existing})
        scored = score_members(year=year, member_ids=touched)
    return {"created": len(fresh), "updated": len(changed), "deleted": len(stale), "scored": scored}


def score_members(*, year: int, member_ids: Iterable[int]) -> int:
    """Score these members' year under their committees' rules (no rules: no score)."""
    member_ids = set(member_ids)
    if not member_ids:
        return 0
    committees = dict(Member.objects.filter(pk__in=member_ids).values_list("pk", "committee_id"))
    rule_sets = {r.committee_id: r for r in AssessmentRuleSet.objects.filter(
        year=year, committee_id__in=set(committees.values())).prefetch_related("rules")}
    entries = defaultdict(list)
    for e in DutyEntry.objects.filter(member_id__in=member_ids, year=year).only(
            "member_id", "kind", "role", "group_size", "share"):
        entries[e.member_id].append(e)
    rows = []
    for member_id, committee_id in committees.items():
        rule_set = rule_sets.get(committee_id)
        if rule_set is None:
            continue
        rules = {r.kind: r for r in rule_set.rules.all()}
        result = score(rule_set, rules, entries.get(member_id, []))
        rows.append(DutyScore(member_id=member_id, committee_id=committee_id, year=year, total=result.total,
                              by_kind={k: str(v) for k, v in result.by_kind.items()}, counts=result.counts,
                              grade=result.grade, unmet_minimums=result.unmet))
    DutyScore.objects.filter(member_id__in=member_ids, year=year).exclude(
        committee_id__in=set(rule_sets)).delete()
    DutyScore.objects.bulk_create(rows, batch_size=1000, update_conflicts=True, unique_fields=["member", "year"],
                                  update_fields=["committee", "total", "by_kind", "counts", "grade", "unmet_minimums",
                                                 "computed_at"])
    return len(rows)


def duty_touch(*, member_ids: Iterable[int], year: int | None = None) -> None:
    """Mark these members' year for syncing (call inside the transaction of the action): the
    mark commits with the action or not at all, and is synced after commit or by the sweep."""
    year = year or timezone.localdate().year
    rows = [DutyDirty(member_id=m, year=year) for m in set(member_ids) if m]
    if not rows:
        return
    DutyDirty.objects.bulk_create(rows, ignore_conflicts=True)
    # one publish per transaction, however many actions in it touched the record
    connection = transaction.get_connection()
    if not any(func is _publish_sync for _sids, func, *_rest in connection.run_on_commit):
        transaction.on_commit(_publish_sync)


def _publish_sync() -> None:
    from .tasks import duty_sync_dirty as task

    try:
        task.delay()
    except Exception:  # noqa: BLE001 - the broker being down is what the beat sweep is for
        return


def duty_sync_dirty(*, limit: int = 2000) -> int:
    """Sync the member-years marked dirty (claimed with SKIP LOCKED, so workers share them)."""
    done = 0
    while True:
        with transaction.atomic():
            claimed = list(DutyDirty.objects.select_for_update(skip_locked=True).order_by("id")[:BATCH])
            if not claimed:
                return done
            DutyDirty.objects.filter(pk__in=[d.pk for d in claimed]).delete()
            by_year = defaultdict(set)
            for d in claimed:
                by_year[d.year].add(d.member_id)
            for year, members in by_year.items():
                duty_sync(year=year, member_ids=members)
        done += len(claimed)
        if done >= limit:
            return done


# --- the full recompute ---------------------------------------------------------------------------


def _ensure_staff(actor, committee: Committee) -> None:
    scope = scope_for(actor)
    if not (scope.is_superuser or committee.pk in scope.staff_committee_ids):
        raise PermissionDenied(_("Only staff of this committee may do this."))


def duty_recompute_start(*, actor, committee: Committee, year: int) -> RecomputeJob:
    """Queue a full recompute of the committee's year (a worker runs it; the page shows its
    progress). With one already queued or running, that one is asked to run once more."""
    if actor is not None:
        _ensure_staff(actor, committee)
    with transaction.atomic():
        running = RecomputeJob.objects.select_for_update().filter(
            committee=committee, year=year, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
        if running is not None:
            if running.status == JobStatus.RUNNING and not running.again:
                running.again = True
                running.save(update_fields=["again"])
            return running
        job = RecomputeJob.objects.create(committee=committee, year=year,
                                          requested_by=actor if getattr(actor, "pk", None) else None)
        outbox.enqueue(task_name=RECOMPUTE_TASK, key=f"duty-recompute:{job.pk}", job_id=job.pk)
    return job


def duty_recompute_run(*, job_id: int, outbox_id: int | None = None) -> RecomputeJob | None:
    """Run a queued job: every member of the committee, in batches, progress saved per batch.
    A second delivery of a job already running or done does nothing."""
    with transaction.atomic():
        job = RecomputeJob.objects.select_for_update().filter(pk=job_id).first()
        # a job left running by a worker that died is taken up again once it is clearly stale
        stale = job is not None and job.status == JobStatus.RUNNING and job.started_at is not None \
            and job.started_at < timezone.now() - STALE_JOB
        if job is None or (job.status != JobStatus.QUEUED and not stale):
            outbox.mark_done(outbox_id)
            return job
        members = list(Member.objects.filter(committee_id=job.committee_id).order_by("pk").values_list("pk", flat=True))
        job.status, job.started_at, job.total, job.done = JobStatus.RUNNING, timezone.now(), len(members), 0
        job.save()
    try:
        while True:
            for start in range(0, len(members), BATCH):
                duty_sync(year=job.year, member_ids=members[start:start + BATCH])
                RecomputeJob.objects.filter(pk=job.pk).update(done=min(start + BATCH, len(members)))
            with transaction.atomic():
                job = RecomputeJob.objects.select_for_update().get(pk=job.pk)
                if not job.again:
                    job.status, job.finished_at, job.done = JobStatus.DONE, timezone.now(), job.total
                    job.save()
                    AssessmentRuleSet.objects.filter(committee_id=job.committee_id, year=job.year).update(
                        computed_at=job.finished_at)
                    break
                job.again, job.done = False, 0
                job.save()
    except Exception as exc:
        RecomputeJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000],
                                                      finished_at=timezone.now())
        raise
    outbox.mark_done(outbox_id)
    return job


# --- the rules ------------------------------------------------------------------------------------


def _decimal(value, field: str, *, allow_none: bool = False, low=Decimal("-1000"), high=Decimal("1000"),
             places: Decimal = CENT) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    try:
        value = Decimal(str(value))
    except Exception as exc:  # noqa: BLE001 - any unreadable number is the same error
        raise ValidationError({field: _("Give a number.")}) from exc
    if not value.is_finite() or not low <= value <= high or value != value.quantize(places):
        message = (_("Give a number from %(a)s to %(b)s with at most two decimals.") if places == CENT
                   else _("Give a number from %(a)s to %(b)s with at most three decimals."))
        raise ValidationError({field: message % {"a": low, "b": high}})
    return value


def _clean_grades(grades) -> list[dict]:
    cleaned, seen = [], set()
    for step in grades or []:
        if not isinstance(step, dict):
            raise ValidationError({"grades": _("Give each grade as a name and a lowest score.")})
        name = str(step.get("grade", "")).strip()
        if not name or len(name) > 20 or name in seen:
            raise ValidationError({"grades": _("Each grade has a name of at most 20 characters, once.")})
        seen.add(name)
        lowest = _decimal(step.get("min"), "grades", low=Decimal("-1000"))
        cleaned.append({"grade": name, "min": f"{lowest:.2f}".rstrip("0").rstrip(".")})  # "90", "87.5"
    if len(cleaned) > 8:
        raise ValidationError({"grades": _("At most 8 grades.")})
    return sorted(cleaned, key=lambda g: -Decimal(g["min"]))


def _clean_minimums(minimums) -> list[dict]:
    cleaned = []
    for item in minimums or []:
        if not isinstance(item, dict):
            raise ValidationError({"minimums": _("Give each minimum as a kind of duty and a count.")})
        kind, count = item.get("kind"), item.get("count")
        if kind not in DutyKind.values:
            raise ValidationError({"minimums": _("Choose a kind of duty for each minimum.")})
        try:
            count = int(count)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"minimums": _("Give each minimum as a whole number.")}) from exc
        if not 1 <= count <= 100:
            raise ValidationError({"minimums": _("A minimum is from 1 to 100.")})
        cleaned.append({"kind": kind, "count": count})
    if len({m["kind"] for m in cleaned}) != len(cleaned):
        raise ValidationError({"minimums": _("Each kind has one minimum.")})
    return cleaned


def _changed(rule_set: AssessmentRuleSet, actor) -> None:
    transaction.on_commit(lambda: duty_recompute_start(actor=None, committee=rule_set.committee, year=rule_set.year))


def rule_set_save(*, actor, rule_set: AssessmentRuleSet | None = None, committee: Committee | None = None,
                  year: int | None = None, title: str, base_score=0, max_score=None, grades=(),
                  minimums=()) -> AssessmentRuleSet:
    """Create or change a year's rules (the scores are recomputed after commit)."""
    committee = rule_set.committee if rule_set else committee
    _ensure_staff(actor, committee)
    title = (title or "").strip()
    if not 4 <= len(title) <= 120:
        raise ValidationError({"title": _("Give a title of 4 to 120 characters.")})
    fields = {"title": title, "base_score": _decimal(base_score, "base_score"),
              "max_score": _decimal(max_score, "max_score", allow_none=True),
              "grades": _clean_grades(grades), "minimums": _clean_minimums(minimums)}
    with transaction.atomic():
        if rule_set is None:
            if not isinstance(year, int) or not 2000 <= year <= 2100:
                raise ValidationError({"year": _("Give the year.")})
            if AssessmentRuleSet.objects.filter(committee=committee, year=year).exists():
                raise ValidationError({"year": _("This committee already has rules for %(y)d.") % {"y": year}})
            rule_set = AssessmentRuleSet.objects.create(committee=committee, year=year, **fields)
            audit.record(actor=actor, action="rule_set.create", target=rule_set)
        else:
            rule_set = AssessmentRuleSet.objects.select_for_update().get(pk=rule_set.pk)
            before = {k: str(getattr(rule_set, k)) for k in fields}
            for k, v in fields.items():
                setattr(rule_set, k, v)
            rule_set.save()
            audit.record(actor=actor, action="rule_set.update", target=rule_set,
                         changes={k: {"before": before[k], "after": str(v)} for k, v in fields.items()
                                  if before[k] != str(v)})
        _changed(rule_set, actor)
    return rule_set


def rule_save(*, actor, rule_set: AssessmentRuleSet, kind: str, points, cap=None, split: str = SplitMode.FULL,
              first_share="0.5") -> AssessmentRule:
    """Set the points of one kind of duty (creating or changing its rule)."""
    _ensure_staff(actor, rule_set.committee)
    if kind not in DutyKind.values:
        raise ValidationError({"kind": _("Choose a kind of duty.")})
    if split not in SplitMode.values:
        raise ValidationError({"split": _("Choose how several authors share.")})
    values = {"points": _decimal(points, "points"), "cap": _decimal(cap, "cap", allow_none=True, low=ZERO),
              "split": split, "first_share": _decimal(first_share, "first_share", low=ZERO, high=ONE, places=Decimal("0.001"))}
    with transaction.atomic():
        rule, created = AssessmentRule.objects.select_for_update().get_or_create(rule_set=rule_set, kind=kind,
                                                                                defaults=values)
        if not created:
            for k, v in values.items():
                setattr(rule, k, v)
            rule.save()
        audit.record(actor=actor, action="rule.save", target=rule_set,
                     note=f"{rule.get_kind_display()}: {rule.points}")
        _changed(rule_set, actor)
    return rule


def rule_delete(*, actor, rule: AssessmentRule) -> None:
    _ensure_staff(actor, rule.rule_set.committee)
    with transaction.atomic():
        audit.record(actor=actor, action="rule.delete", target=rule.rule_set, note=rule.get_kind_display())
        rule.delete()
        _changed(rule.rule_set, actor)


def rule_set_publish(*, actor, rule_set: AssessmentRuleSet) -> AssessmentRuleSet:
    """Publish the rules: members see their score and grade from now on."""
    _ensure_staff(actor, rule_set.committee)
    with transaction.atomic():
        rule_set = AssessmentRuleSet.objects.select_for_update().get(pk=rule_set.pk)
        if rule_set.status == RuleSetStatus.PUBLISHED:
            raise Conflict(_("These rules are already published."))
        if not rule_set.rules.exists():
            raise ValidationError({"rules": _("Score at least one kind of duty before publishing.")})
        rule_set.status = RuleSetStatus.PUBLISHED
        rule_set.save()
        audit.record(actor=actor, action="rule_set.publish", target=rule_set)
    return rule_set


def rule_set_copy(*, actor, rule_set: AssessmentRuleSet, year: int) -> AssessmentRuleSet:
    """Copy a year's rules to another year (a draft there), to revise them."""
    _ensure_staff(actor, rule_set.committee)
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give the year.")})
    with transaction.atomic():
        if AssessmentRuleSet.objects.filter(committee=rule_set.committee, year=year).exists():
            raise ValidationError({"year": _("This committee already has rules for %(y)d.") % {"y": year}})
        title = rule_set.title.replace(str(rule_set.year), str(year))
        if title == rule_set.title:
            title = f"{year} {title}"[:120]
        copy = AssessmentRuleSet.objects.create(
            committee=rule_set.committee, year=year, title=title, base_score=rule_set.base_score,
            max_score=rule_set.max_score, grades=rule_set.grades, minimums=rule_set.minimums, copied_from=rule_set)
        AssessmentRule.objects.bulk_create([
            AssessmentRule(rule_set=copy, kind=r.kind, points=r.points, cap=r.cap, split=r.split,
                           first_share=r.first_share) for r in rule_set.rules.all()])
        audit.record(actor=actor, action="rule_set.copy", target=copy, note=str(rule_set))
        _changed(copy, actor)
    return copy


# --- entries staff add by hand --------------------------------------------------------------------


def duty_entry_add(*, actor, member: Member, kind: str, occurred_on: dt.date, label: str, note: str = "",
                   evidence: Iterable = ()) -> DutyEntry:
    """Record a duty the portal cannot see (an offline activity), with evidence files."""
    _ensure_staff(actor, member.committee)
    if kind not in DutyKind.values:
        raise ValidationError({"kind": _("Choose a kind of duty.")})
    if not isinstance(occurred_on, dt.date) or occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("Give the day (not in the future).")})
    label = (label or "").strip()
    if not 2 <= len(label) <= 200:
        raise ValidationError({"label": _("Say what the member did in 2 to 200 characters.")})
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": 500}})
    evidence = list(evidence)
    if len(evidence) > MAX_EVIDENCE:
        raise ValidationError({"evidence": _("At most %(n)d files.") % {"n": MAX_EVIDENCE}})
    try:
        cleaned = [clean_upload(f) for f in evidence]
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from exc
    with transaction.atomic():
        entry = DutyEntry.objects.create(member=member, committee_id=member.committee_id, year=occurred_on.year,
                                         kind=kind, occurred_on=occurred_on, label=label, note=note, is_manual=True,
                                         created_by=actor)
        for c in cleaned:
            DutyEvidence.objects.create(entry=entry, file=c.file, original_name=c.name, content_type=c.content_type,
                                        size=c.size, uploaded_by=actor)
        audit.record(actor=actor, action="duty_entry.add", target=member, note=f"{entry.get_kind_display()}: {label}")
        score_members(year=entry.year, member_ids=[member.pk])
    return entry


def duty_entry_delete(*, actor, entry: DutyEntry) -> None:
    _ensure_staff(actor, entry.committee)
    if not entry.is_manual:
        raise Conflict(_("This entry comes from the portal's own records; change the record it comes from."))
    with transaction.atomic():
        audit.record(actor=actor, action="duty_entry.delete", target=entry.member,
                     note=f"{entry.get_kind_display()}: {entry.label}")
        year, member_id = entry.year, entry.member_id
        entry.delete()
        score_members(year=year, member_ids=[member_id])
