"""What proposals and micro-suggestions put in members' duty records (members.duty): each
source reads this app's own rows for a year and yields the facts, one per member and action.
Registered in ProposalsConfig.ready()."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import timezone

from members.choices import DutyKind, DutyRole
from members.duty import Fact, register_source

from .choices import CaseKind, CaseStatus, CoSignerStatus, ProposalStatus, Rating
from .models import Case, CoSigner, Proposal

SUBMITTED = [ProposalStatus.SUBMITTED, ProposalStatus.REVISING, ProposalStatus.FILED, ProposalStatus.NOT_FILED,
             ProposalStatus.MERGED]


def _people(q: Q, member_ids, committee_ids) -> Q:
    if member_ids is not None:
        q &= Q(proposer_id__in=member_ids) | Q(cosigners__member_id__in=member_ids,
                                                cosigners__status=CoSignerStatus.CONFIRMED)
    if committee_ids is not None:
        q &= Q(committee_id__in=committee_ids)
    return q


def _proposal_facts(proposals, kind: str, date_of) -> list[Fact]:
    facts = []
    for p in proposals:
        cosigners = [c.member for c in p.confirmed]
        size = 1 + len(cosigners)
        day = timezone.localdate(date_of(p))
        label = f"{p.number_label} {p.title}" if p.number else p.title
        url = f"/proposals/{p.pk}/"
        facts.append(Fact(member_id=p.proposer_id, committee_id=p.proposer.committee_id, kind=kind, occurred_on=day,
                          source=p, label=label, url=url, role=DutyRole.FIRST, group_size=size))
        facts += [Fact(member_id=m.pk, committee_id=m.committee_id, kind=kind, occurred_on=day, source=p, label=label,
                       url=url, role=DutyRole.CO, group_size=size) for m in cosigners]
    return facts


def proposal_facts(*, year: int, member_ids=None, committee_ids=None) -> list[Fact]:
    """Submitted (first proposer and confirmed co-signers), filed, and key proposals. A
    collective proposal (by a body) has no member proposer and counts for nobody here."""
    base = Proposal.objects.filter(proposer__isnull=False).select_related("proposer").prefetch_related(
        Prefetch("cosigners", queryset=CoSigner.objects.filter(status=CoSignerStatus.CONFIRMED)
                 .select_related("member"), to_attr="confirmed"))
    submitted = base.filter(_people(Q(status__in=SUBMITTED, submitted_at__year=year), member_ids, committee_ids))
    filed = base.filter(_people(Q(status=ProposalStatus.FILED, reviewed_at__year=year), member_ids, committee_ids))
    key = base.filter(_people(Q(is_key=True, key_marked_at__year=year), member_ids, committee_ids))
    return (_proposal_facts(submitted.distinct(), DutyKind.PROPOSAL_SUBMITTED, lambda p: p.submitted_at)
            + _proposal_facts(filed.distinct(), DutyKind.PROPOSAL_FILED, lambda p: p.reviewed_at)
            + _proposal_facts(key.distinct(), DutyKind.PROPOSAL_KEY, lambda p: p.key_marked_at))


def micro_suggestion_facts(*, year: int, member_ids=None, committee_ids=None) -> list[Fact]:
    """Submitted (submitter first, co-submitters), answered by a department, closed as
    satisfied."""
    q = Q(kind=CaseKind.MICRO_SUGGESTION, submitter__isnull=False)
    if member_ids is not None:
        q &= Q(submitter_id__in=member_ids) | Q(co_submitters__in=member_ids)
    if committee_ids is not None:
        q &= Q(committee_id__in=committee_ids)
    cases = Case.objects.filter(q).filter(
        Q(created_at__year=year) | Q(replied_at__year=year) | Q(closed_at__year=year)
    ).select_related("submitter").prefetch_related("co_submitters").distinct()
    facts = []
    for case in cases:
        people = [(case.submitter, DutyRole.FIRST)] + [(m, DutyRole.CO) for m in case.co_submitters.all()]
        size = len(people)
        url = f"/micro-suggestions/{case.pk}/"
        events = [(DutyKind.MICRO_SUBMITTED, case.created_at)]
        if case.replied_at:
            events.append((DutyKind.MICRO_REPLIED, case.replied_at))
        if case.status == CaseStatus.CLOSED and case.rating == Rating.SATISFIED and case.closed_at:
            events.append((DutyKind.MICRO_SATISFIED, case.closed_at))
        for kind, when in events:
            day = timezone.localdate(when)
            if day.year != year:
                continue
            facts += [Fact(member_id=m.pk, committee_id=m.committee_id, kind=kind, occurred_on=day, source=case,
                           label=case.title, url=url, role=role, group_size=size) for m, role in people]
    return facts


def register() -> None:
    register_source("proposals.proposals", proposal_facts)
    register_source("proposals.micro_suggestions", micro_suggestion_facts)
