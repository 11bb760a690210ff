"""The demo proposals: loaded through the services on top of ``demo_data``, every proposal state
and every state a proposal's handling can be in, the demo logins' own work, and a second run
that creates nothing. (``demo_micro_suggestions`` is not needed: the command creates the
categories it misses.)"""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cppcc_portal.core.models import AuditEntry, Notification
from members.models import Committee, User
from proposals.choices import (
    OPEN_ASSIGNMENT_STATUSES,
    AssignmentRole,
    CaseKind,
    CaseStatus,
    CoSignerStatus,
    ProposalStatus,
    Rating,
)
from proposals.models import Assignment, Case, CoSigner, ProcuratorateTransfer, Proposal, SupervisionActivity

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_proposals_cover_every_state_and_a_second_run_creates_nothing():
    run("demo_data", "--quiet")

    output = run("demo_proposals", "--quiet")

    assert output.startswith("Demo proposals ready in ")
    committee = Committee.objects.get(name="政协濮阳市委员会")
    proposals = Proposal.objects.filter(committee=committee)
    assert Counter(proposals.values_list("status", flat=True)) == {
        ProposalStatus.DRAFT: 8, ProposalStatus.SUBMITTED: 11, ProposalStatus.REVISING: 5, ProposalStatus.FILED: 84,
        ProposalStatus.NOT_FILED: 8, ProposalStatus.MERGED: 6, ProposalStatus.WITHDRAWN: 3,
    }
    # Numbers run without gaps in the order of filing.
    assert sorted(proposals.exclude(number=None).values_list("number", flat=True)) == list(range(1, 85))
    cases = Case.objects.filter(committee=committee, kind=CaseKind.PROPOSAL)
    # Filing creates the handling in triage: a proposal is never in the routing worker's queue.
    assert Counter(cases.values_list("status", flat=True)) == {
        CaseStatus.TRIAGE: 4, CaseStatus.HANDLING: 33, CaseStatus.REPLIED: 9, CaseStatus.CLOSED: 38,
    }
    assert cases.filter(status=CaseStatus.HANDLING, due_date__lt=timezone.localdate()).count() == 5
    assert Counter(cases.filter(status=CaseStatus.CLOSED).values_list("rating", flat=True)) == {
        Rating.SATISFIED: 23, Rating.BASICALLY: 11, Rating.UNSATISFIED: 2, Rating.NONE: 2,
    }
    assert set(cases.exclude(result_category="").values_list("result_category", flat=True)) == {"A", "B", "C"}
    assert set(cases.exclude(handling_mode="").values_list("handling_mode", flat=True)) == {"single", "lead", "separate"}
    assert cases.exclude(implemented_on=None).count() == 4
    assert Counter(proposals.filter(status=ProposalStatus.NOT_FILED).values_list("conversion", flat=True)) == {
        "information": 3, "reference": 3, "": 2,
    }
    assert set(CoSigner.objects.filter(proposal__committee=committee).values_list("status", flat=True)) == {
        CoSignerStatus.INVITED, CoSignerStatus.CONFIRMED, CoSignerStatus.DECLINED,
    }
    assert proposals.filter(merged_into__isnull=False).exclude(case=None).count() == 5  # one main not filed yet

    member, liaison, leader = (User.objects.get(username=u) for u in ("member", "liaison", "leader"))
    assert Counter(proposals.filter(submitted_by=member).values_list("status", flat=True)) == {
        ProposalStatus.DRAFT: 1, ProposalStatus.SUBMITTED: 1, ProposalStatus.REVISING: 1, ProposalStatus.NOT_FILED: 1,
        ProposalStatus.FILED: 4,
    }
    assert CoSigner.objects.filter(member__user=member, status=CoSignerStatus.INVITED).count() == 1
    assert Assignment.objects.filter(department__liaisons__user=liaison, case__kind=CaseKind.PROPOSAL,
                                     role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE],
                                     status__in=OPEN_ASSIGNMENT_STATUSES, case__status=CaseStatus.HANDLING).count() == 9
    assert sorted(proposals.filter(is_key=True).values_list("key_leaders__username", flat=True)) == ["leader"] * 5
    assert SupervisionActivity.objects.filter(proposal__committee=committee, created_by=leader).count() == 5
    assert list(ProcuratorateTransfer.objects.values_list("status", flat=True)) == ["recommendation"]
    counts = (Proposal.objects.count(), Case.objects.count(), AuditEntry.objects.count(), Notification.objects.count())

    again = run("demo_proposals", "--quiet")

    assert again.startswith("Demo proposals ready in ")
    assert again.splitlines()[0].split(": ", 1)[1] == "0 objects created, 152 already present."
    assert (Proposal.objects.count(), Case.objects.count(), AuditEntry.objects.count(),
            Notification.objects.count()) == counts
