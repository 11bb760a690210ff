"""Issue 6's second journey through the services: a committee defines its year's scoring and
gets scores, grades, minimums and a recompute from the live data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from members import duty
from members.choices import DutyKind, JobStatus, SplitMode
from members.models import DutyEntry, DutyScore, RecomputeJob

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def rules(cw):
    rule_set = duty.rule_set_save(actor=cw.alice, committee=cw.a, year=YEAR, title=f"{YEAR}年度委员履职量化考核办法",
                                  base_score=70, max_score=120,
                                  grades=[{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80},
                                          {"grade": "合格", "min": 60}],
                                  minimums=[{"kind": DutyKind.PROPOSAL_SUBMITTED, "count": 1}])
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.PROPOSAL_FILED, points=10,
                   split=SplitMode.FIRST_SHARE, first_share="0.5")
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.PROPOSAL_SUBMITTED, points=2)
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.MEETING_ABSENT, points=-30)
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.MEETING_PRESENT, points=3, cap=6)
    return rule_set


def test_scores_follow_the_committees_rules_from_live_data(cw, rules):
    from proposals.choices import ProposalKind
    from proposals.services import proposals as ps

    proposal = cw.draft(kind=ProposalKind.JOINT)
    ps.proposal_invite(actor=cw.bob, proposal=proposal, members=[cw.cindy_seat])
    ps.cosign_respond(actor=cw.cindy, cosigner=proposal.cosigners.get(), accept=True)
    ps.proposal_submit(actor=cw.bob, proposal=proposal)
    ps.proposal_file(actor=cw.alice, proposal=proposal)
    for _ in range(3):
        cw.held(cw.session())  # bob and cindy invited; nobody signs in: absent
    duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])

    bob = DutyScore.objects.get(member=cw.bob_seat, year=YEAR)
    cindy = DutyScore.objects.get(member=cw.cindy_seat, year=YEAR)
    # bob: base 70 + submitted 2 + filed 10×0.5 − 3 absences × 30 = −13
    assert (bob.total, bob.counts[DutyKind.MEETING_ABSENT], bob.unmet_minimums) == (Decimal("-13.00"), 3, [])
    assert (cindy.total, cindy.unmet_minimums) == (Decimal("-13.00"), [])
    entries = DutyEntry.objects.filter(member=cw.bob_seat, year=YEAR).values_list("kind", flat=True)
    assert sorted(entries) == sorted([DutyKind.PROPOSAL_SUBMITTED, DutyKind.PROPOSAL_FILED]
                                     + [DutyKind.MEETING_ABSENT] * 3)

    # the committee softens the penalty: the change recomputes (here run by hand, as a worker would)
    absent = rules.rules.get(kind=DutyKind.MEETING_ABSENT)
    duty.rule_save(actor=cw.alice, rule_set=rules, kind=absent.kind, points=-10)
    job = duty.duty_recompute_start(actor=cw.alice, committee=cw.a, year=YEAR)
    duty.duty_recompute_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)  # bob and cindy
    bob.refresh_from_db()
    assert (bob.total, bob.grade) == (Decimal("47.00"), "")
    assert sync_is_idempotent(cw)


def sync_is_idempotent(cw) -> bool:
    again = duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])
    return (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)


def test_touch_marks_and_the_sweep_syncs(cw, rules):
    from members.models import DutyDirty

    session = cw.held(cw.session())
    assert DutyDirty.objects.filter(member=cw.bob_seat, year=YEAR).exists()
    assert duty.duty_sync_dirty() >= 1
    assert DutyEntry.objects.filter(member=cw.bob_seat, kind=DutyKind.MEETING_ABSENT,
                                    source_id=session.participants.get(member=cw.bob_seat).pk).count() == 1
    assert RecomputeJob.objects.count() >= 0
