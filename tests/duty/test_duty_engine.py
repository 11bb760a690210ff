"""Every rule of the duty engine (members.duty): the points of one entry under each way several
authors share, a member-year's score (caps on bonuses and penalties, base and highest total,
grades at their boundaries, minimums), the rule services (validation field by field, copying
to another year, publishing, who may), syncing the record (idempotent, entries following their
source, manual entries), the dirty marks written with the action and swept after it, and the
full recompute job (progress, a second delivery, "again", a stale job, a failure).

Cast (tests/consultations/conftest.py): alice staff of 甲市 (A), fiona staff of A and A1, lily
leader of A, bob and cindy members of A, ada member of A1, carol liaison of 甲市教育局, dave
liaison in B, eve an outsider.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from consultations.choices import Attendance
from consultations.models import Participant
from consultations.services import consultations as cs
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import OutboxMessage
from members import duty
from members.choices import DutyKind, DutyRole, JobStatus, RuleSetStatus, SplitMode
from members.models import (
    AssessmentRule,
    AssessmentRuleSet,
    DutyDirty,
    DutyEntry,
    DutyEvidence,
    DutyScore,
    RecomputeJob,
)
from proposals.models import Proposal
from proposals.services import proposals as ps

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
STAFF_ONLY = "Only staff of this committee may do this."
TWO_DECIMALS = "Give a number from -1000 to 1000 with at most two decimals."
D = Decimal


def invalid(service, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        service(**kwargs)
    return caught.value.message_dict


def denied(service, **kwargs) -> str:
    with pytest.raises(PermissionDenied) as caught:
        service(**kwargs)
    return str(caught.value)


def conflict(service, **kwargs) -> str:
    with pytest.raises(Conflict) as caught:
        service(**kwargs)
    return caught.value.message


def rule(points, split=SplitMode.FULL, first_share="0.5", cap=None, kind=DutyKind.PROPOSAL_FILED) -> AssessmentRule:
    return AssessmentRule(kind=kind, points=D(str(points)), split=split, first_share=D(first_share),
                          cap=None if cap is None else D(str(cap)))


def points(r, *, role=DutyRole.NONE, n=1, share="1") -> Decimal:
    return duty.entry_points(r, role=role, group_size=n, share=D(share))


def entry(kind, role=DutyRole.NONE, n=1, share="1"):
    return SimpleNamespace(kind=kind, role=role, group_size=n, share=D(share))


GRADES = [{"grade": "合格", "min": 60}, {"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}]  # any order


def rule_set(base="60", top="120", grades=GRADES, minimums=()) -> AssessmentRuleSet:
    return AssessmentRuleSet(base_score=D(base), max_score=None if top is None else D(top), grades=list(grades),
                             minimums=list(minimums))


# --- the points of one entry ----------------------------------------------------------------------------


def test_full_split_gives_every_author_the_whole_points():
    r = rule(10, SplitMode.FULL)
    assert [points(r, role=DutyRole.FIRST, n=3), points(r, role=DutyRole.CO, n=3), points(r)] == [
        D("10.00"), D("10.00"), D("10.00")]


def test_equal_split_divides_by_the_authors_rounding_half_up():
    r = rule(10, SplitMode.EQUAL)
    assert [points(r, n=1), points(r, n=3), points(r, n=4), points(r, n=0)] == [
        D("10.00"), D("3.33"), D("2.50"), D("10.00")]
    # a penalty shared by three: −3.333… rounds to −3.33; 0.005 rounds away from zero
    assert points(rule(-10, SplitMode.EQUAL), n=3) == D("-3.33")
    assert points(rule("0.01", SplitMode.EQUAL), n=2) == D("0.01")
    assert points(rule("-0.01", SplitMode.EQUAL), n=2) == D("-0.01")


def test_first_share_gives_the_first_author_a_share_and_the_rest_in_equal_parts():
    half = rule(10, SplitMode.FIRST_SHARE, first_share="0.5")
    assert [points(half, role=DutyRole.FIRST, n=3), points(half, role=DutyRole.CO, n=3),
            points(half, role=DutyRole.FIRST, n=2), points(half, role=DutyRole.CO, n=2)] == [
        D("5.00"), D("2.50"), D("5.00"), D("5.00")]
    sixty = rule(10, SplitMode.FIRST_SHARE, first_share="0.6")
    assert [points(sixty, role=DutyRole.FIRST, n=4), points(sixty, role=DutyRole.CO, n=4)] == [D("6.00"), D("1.33")]
    # a sole author takes everything whatever the share; an entry without a role is not the first
    assert [points(sixty, role=DutyRole.FIRST, n=1), points(sixty, role=DutyRole.NONE, n=3)] == [
        D("10.00"), D("2.00")]


def test_first_only_scores_the_first_author_alone():
    r = rule(15, SplitMode.FIRST_ONLY)
    assert [points(r, role=DutyRole.FIRST, n=2), points(r, role=DutyRole.CO, n=2), points(r, role=DutyRole.CO)] == [
        D("15.00"), D("0.00"), D("15.00")]


def test_recorded_split_uses_the_share_recorded_on_the_item():
    r = rule(10, SplitMode.RECORDED)
    assert [points(r, n=3, share="0.334"), points(r, n=3, share="0.333"), points(r, n=2, share="0.7")] == [
        D("3.34"), D("3.33"), D("7.00")]
    assert points(rule(15, SplitMode.RECORDED), n=2, share="0.667") == D("10.01")  # 10.005 rounds half up
    assert points(r, n=1, share="0.5") == D("10.00")  # one author: the whole points


def test_no_rule_for_the_kind_scores_nothing():
    assert points(None, role=DutyRole.FIRST, n=2) == D("0")


# --- a member-year's score ------------------------------------------------------------------------------


def test_caps_hold_bonuses_and_penalties_within_their_limit():
    rules = {DutyKind.MEETING_PRESENT: rule(2, cap=20, kind=DutyKind.MEETING_PRESENT),
             DutyKind.MEETING_ABSENT: rule(-10, cap=25, kind=DutyKind.MEETING_ABSENT),
             DutyKind.INFORMATION_SUBMITTED: rule(2, kind=DutyKind.INFORMATION_SUBMITTED),
             DutyKind.SPEECH: rule(3, cap=0, kind=DutyKind.SPEECH)}
    entries = ([entry(DutyKind.MEETING_PRESENT)] * 12 + [entry(DutyKind.MEETING_ABSENT)] * 3
               + [entry(DutyKind.INFORMATION_SUBMITTED), entry(DutyKind.SPEECH), entry(DutyKind.OTHER)])
    result = duty.score(rule_set(), rules, entries)
    # 60 + min(24, 20) + max(−30, −25) + 2 + 0 (capped at 0); "other" has no rule: counted, not scored
    assert (result.total, result.by_kind, result.counts) == (D("57.00"), {
        DutyKind.MEETING_PRESENT: D("20.00"), DutyKind.MEETING_ABSENT: D("-25.00"),
        DutyKind.INFORMATION_SUBMITTED: D("2.00"), DutyKind.SPEECH: D("0.00")}, {
        DutyKind.MEETING_PRESENT: 12, DutyKind.MEETING_ABSENT: 3, DutyKind.INFORMATION_SUBMITTED: 1,
        DutyKind.SPEECH: 1, DutyKind.OTHER: 1})
    assert result.grade == ""
    # under the caps the sums stand as they are
    result = duty.score(rule_set(), rules, [entry(DutyKind.MEETING_PRESENT)] * 9 + [entry(DutyKind.MEETING_ABSENT)] * 2)
    assert (result.total, result.by_kind[DutyKind.MEETING_PRESENT], result.by_kind[DutyKind.MEETING_ABSENT]) == (
        D("58.00"), D("18.00"), D("-20.00"))


def test_the_total_starts_at_the_base_and_stops_at_the_highest_total():
    rules = {DutyKind.PROPOSAL_FILED: rule(25)}
    filed = [entry(DutyKind.PROPOSAL_FILED)] * 3
    assert duty.score(rule_set(base="60", top="120"), rules, filed).total == D("120.00")  # 135 capped
    assert duty.score(rule_set(base="60", top=None), rules, filed).total == D("135.00")
    nothing = duty.score(rule_set(base="70", top="120"), rules, [])
    # every kind the rules score shows, at 0 when the member has none of it
    assert (nothing.total, nothing.by_kind, nothing.counts, nothing.grade, nothing.unmet) == (
        D("70.00"), {DutyKind.PROPOSAL_FILED: D("0.00")}, {}, "合格", [])
    # penalties may take the total below zero: there is no floor
    absent = {DutyKind.MEETING_ABSENT: rule(-30, kind=DutyKind.MEETING_ABSENT)}
    assert duty.score(rule_set(base="70"), absent, [entry(DutyKind.MEETING_ABSENT)] * 3).total == D("-20.00")


@pytest.mark.parametrize(("total", "grade"), [
    ("120", "优秀"), ("90", "优秀"), ("89.99", "良好"), ("80", "良好"), ("79.99", "合格"), ("60", "合格"),
    ("59.99", ""), ("-5", "")])
def test_the_grade_is_the_highest_whose_minimum_the_total_reaches(total, grade):
    assert duty.score(rule_set(base=total, top=None), {}, []).grade == grade
    # the grades as the rule service stores them (minimums as strings, highest first) read the same
    stored = [{"grade": "优秀", "min": "90"}, {"grade": "良好", "min": "80"}, {"grade": "合格", "min": "60"}]
    assert duty.score(rule_set(base=total, top=None, grades=stored), {}, []).grade == grade


def test_minimums_not_met_are_listed_and_met_ones_are_not():
    minimums = [{"kind": DutyKind.PROPOSAL_SUBMITTED, "count": 1}, {"kind": DutyKind.MEETING_PRESENT, "count": 3}]
    result = duty.score(rule_set(minimums=minimums), {}, [entry(DutyKind.PROPOSAL_SUBMITTED)]
                        + [entry(DutyKind.MEETING_PRESENT)] * 2)
    assert result.unmet == [{"kind": DutyKind.MEETING_PRESENT, "count": 3}]
    result = duty.score(rule_set(minimums=minimums), {}, [entry(DutyKind.PROPOSAL_SUBMITTED)]
                        + [entry(DutyKind.MEETING_PRESENT)] * 3)
    assert result.unmet == []
    assert duty.score(rule_set(minimums=minimums), {}, []).unmet == minimums


def test_a_joint_proposal_scores_each_author_by_the_split():
    rules = {DutyKind.PROPOSAL_FILED: rule(15, SplitMode.FIRST_SHARE, first_share="0.5")}
    first = duty.score(rule_set(base="0"), rules, [entry(DutyKind.PROPOSAL_FILED, DutyRole.FIRST, 4)])
    co = duty.score(rule_set(base="0"), rules, [entry(DutyKind.PROPOSAL_FILED, DutyRole.CO, 4)])
    assert (first.total, co.total) == (D("7.50"), D("2.50"))


# --- the rule services ----------------------------------------------------------------------------------


def save_rules(cw, **overrides) -> AssessmentRuleSet:
    args = {"actor": cw.alice, "committee": cw.a, "year": YEAR, "title": f"{YEAR}年度委员履职量化考核办法",
            "base_score": 60, "max_score": 120, "grades": GRADES,
            "minimums": [{"kind": DutyKind.INFORMATION_SUBMITTED, "count": 1}], **overrides}
    return duty.rule_set_save(**args)


def test_a_rule_set_is_stored_with_grades_highest_first(cw):
    rules = save_rules(cw, base_score="70.5", max_score="")
    rules.refresh_from_db()
    assert (rules.committee, rules.year, rules.title, rules.base_score, rules.max_score, rules.status) == (
        cw.a, YEAR, f"{YEAR}年度委员履职量化考核办法", D("70.50"), None, RuleSetStatus.DRAFT)
    assert rules.grades == [{"grade": "优秀", "min": "90"}, {"grade": "良好", "min": "80"},
                            {"grade": "合格", "min": "60"}]
    assert rules.minimums == [{"kind": DutyKind.INFORMATION_SUBMITTED, "count": 1}]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("base_score", "abc", "Give a number."),
    ("base_score", None, "Give a number."),
    ("base_score", "60.125", TWO_DECIMALS),
    ("base_score", "1000.01", TWO_DECIMALS),
    ("base_score", "NaN", TWO_DECIMALS),
    ("base_score", "Infinity", TWO_DECIMALS),
    ("max_score", "-1000.5", TWO_DECIMALS),
    ("max_score", "一百", "Give a number."),
])
def test_rule_set_numbers_are_checked_by_field(cw, field, value, message):
    assert invalid(save_rules, cw=cw, **{field: value}) == {field: [message]}
    assert AssessmentRuleSet.objects.count() == 0


GRADE_ERROR = "Each grade has a name of at most 20 characters, once."


@pytest.mark.parametrize(("grades", "message"), [
    ([{"grade": "", "min": 90}], GRADE_ERROR),
    ([{"grade": "   ", "min": 90}], GRADE_ERROR),
    ([{"min": 90}], GRADE_ERROR),
    ([{"grade": "优" * 21, "min": 90}], GRADE_ERROR),
    ([{"grade": "优秀", "min": 90}, {"grade": "优秀", "min": 80}], GRADE_ERROR),
    ([{"grade": "优秀", "min": "九十"}], "Give a number."),
    ([{"grade": "优秀"}], "Give a number."),
    ([{"grade": "优秀", "min": "89.999"}], TWO_DECIMALS),
    ([{"grade": f"等级{n}", "min": n} for n in range(9)], "At most 8 grades."),
])
def test_grades_malformed_or_duplicate_are_refused(cw, grades, message):
    assert invalid(save_rules, cw=cw, grades=grades) == {"grades": [message]}


@pytest.mark.parametrize(("field", "message"), [
    ("grades", "Give each grade as a name and a lowest score."),
    ("minimums", "Give each minimum as a kind of duty and a count.")])
def test_grades_and_minimums_that_are_not_objects_are_refused(cw, field, message):
    for value in (["优秀:90"], [90], [["优秀", 90]], "优秀"):
        assert invalid(save_rules, cw=cw, **{field: value}) == {field: [message]}
    assert AssessmentRuleSet.objects.count() == 0


def test_a_grade_keeps_its_decimals_without_trailing_zeros(cw):
    rules = save_rules(cw, grades=[{"grade": "良好", "min": "87.50"}, {"grade": "优秀", "min": "95"},
                                   {"grade": "合格", "min": 60.0}])
    assert rules.grades == [{"grade": "优秀", "min": "95"}, {"grade": "良好", "min": "87.5"},
                            {"grade": "合格", "min": "60"}]


@pytest.mark.parametrize(("minimums", "message"), [
    ([{"kind": "speeches", "count": 1}], "Choose a kind of duty for each minimum."),
    ([{"count": 1}], "Choose a kind of duty for each minimum."),
    ([{"kind": DutyKind.SPEECH, "count": 0}], "A minimum is from 1 to 100."),
    ([{"kind": DutyKind.SPEECH, "count": 101}], "A minimum is from 1 to 100."),
    ([{"kind": DutyKind.SPEECH, "count": "一"}], "Give each minimum as a whole number."),
    ([{"kind": DutyKind.SPEECH}], "Give each minimum as a whole number."),
    ([{"kind": DutyKind.SPEECH, "count": 1}, {"kind": DutyKind.SPEECH, "count": 2}], "Each kind has one minimum."),
])
def test_minimums_with_an_unknown_kind_or_a_bad_count_are_refused(cw, minimums, message):
    assert invalid(save_rules, cw=cw, minimums=minimums) == {"minimums": [message]}


def test_rule_set_title_and_year_are_checked(cw):
    assert invalid(save_rules, cw=cw, title="考核") == {"title": ["Give a title of 4 to 120 characters."]}
    assert invalid(save_rules, cw=cw, title="考" * 121) == {"title": ["Give a title of 4 to 120 characters."]}
    for year in (1999, 2101, str(YEAR), None):
        assert invalid(save_rules, cw=cw, year=year) == {"year": ["Give the year."]}
    save_rules(cw)
    assert invalid(save_rules, cw=cw) == {"year": [f"This committee already has rules for {YEAR}."]}
    # another committee may have its own rules for the year
    assert save_rules(cw, actor=cw.fiona, committee=cw.a1).committee == cw.a1
    assert AssessmentRuleSet.objects.count() == 2


def test_changing_a_rule_set_keeps_its_committee_and_year(cw):
    rules = save_rules(cw)
    changed = duty.rule_set_save(actor=cw.alice, rule_set=rules, title="年度考核办法（修订）", base_score=70,
                                 max_score=None, grades=[], minimums=[])
    changed.refresh_from_db()
    assert (changed.pk, changed.year, changed.title, changed.base_score, changed.max_score, changed.grades,
            changed.minimums) == (rules.pk, YEAR, "年度考核办法（修订）", D("70.00"), None, [], [])


@pytest.mark.parametrize("who", ["bob", "cindy", "lily", "carol", "dave", "eve", "ada"])
def test_only_staff_of_the_committee_write_its_rules(cw, who):
    user = getattr(cw, who)
    assert denied(save_rules, cw=cw, actor=user) == STAFF_ONLY
    rules = save_rules(cw)
    assert denied(duty.rule_save, actor=user, rule_set=rules, kind=DutyKind.SPEECH, points=3) == STAFF_ONLY
    speech = duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.SPEECH, points=3)
    assert denied(duty.rule_delete, actor=user, rule=speech) == STAFF_ONLY
    assert denied(duty.rule_set_publish, actor=user, rule_set=rules) == STAFF_ONLY
    assert denied(duty.rule_set_copy, actor=user, rule_set=rules, year=YEAR + 1) == STAFF_ONLY
    assert denied(duty.duty_recompute_start, actor=user, committee=cw.a, year=YEAR) == STAFF_ONLY
    assert (AssessmentRule.objects.count(), AssessmentRuleSet.objects.count(), RecomputeJob.objects.count()) == (
        1, 1, 0)


def test_staff_reach_below_only_with_the_grant(cw):
    # alice is staff of A only; fiona of A and the committees below it
    assert denied(save_rules, cw=cw, committee=cw.a1) == STAFF_ONLY
    assert save_rules(cw, actor=cw.fiona, committee=cw.a1).committee == cw.a1
    assert save_rules(cw, actor=cw.root, committee=cw.b).committee == cw.b


@pytest.mark.parametrize(("args", "errors"), [
    ({"kind": "speeches", "points": 3}, {"kind": ["Choose a kind of duty."]}),
    ({"kind": DutyKind.SPEECH, "points": 3, "split": "half"}, {"split": ["Choose how several authors share."]}),
    ({"kind": DutyKind.SPEECH, "points": "3.005"}, {"points": [TWO_DECIMALS]}),
    ({"kind": DutyKind.SPEECH, "points": "三"}, {"points": ["Give a number."]}),
    ({"kind": DutyKind.SPEECH, "points": 3, "cap": -5},
     {"cap": ["Give a number from 0 to 1000 with at most two decimals."]}),
    ({"kind": DutyKind.SPEECH, "points": 3, "first_share": "1.5"},
     {"first_share": ["Give a number from 0 to 1 with at most three decimals."]}),
    ({"kind": DutyKind.SPEECH, "points": 3, "first_share": "0.5555"},
     {"first_share": ["Give a number from 0 to 1 with at most three decimals."]}),
])
def test_a_rule_with_bad_values_is_refused_by_field(cw, args, errors):
    rules = save_rules(cw)
    assert invalid(duty.rule_save, actor=cw.alice, rule_set=rules, **args) == errors
    assert AssessmentRule.objects.count() == 0


def test_saving_a_kind_again_changes_its_rule_and_deleting_removes_it(cw):
    rules = save_rules(cw)
    first = duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.PROPOSAL_FILED, points=10,
                           split=SplitMode.FIRST_SHARE, first_share="0.6", cap="")
    again = duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.PROPOSAL_FILED, points="12.5", cap=50,
                           split=SplitMode.EQUAL)
    again.refresh_from_db()
    assert (again.pk, again.points, again.cap, again.split, again.first_share) == (
        first.pk, D("12.50"), D("50.00"), SplitMode.EQUAL, D("0.500"))
    duty.rule_delete(actor=cw.alice, rule=again)
    assert AssessmentRule.objects.count() == 0


def test_publishing_needs_rules_and_happens_once(cw):
    rules = save_rules(cw)
    assert invalid(duty.rule_set_publish, actor=cw.alice, rule_set=rules) == {
        "rules": ["Score at least one kind of duty before publishing."]}
    duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.SPEECH, points=3)
    published = duty.rule_set_publish(actor=cw.alice, rule_set=rules)
    assert AssessmentRuleSet.objects.get(pk=rules.pk).status == published.status == RuleSetStatus.PUBLISHED
    assert conflict(duty.rule_set_publish, actor=cw.alice, rule_set=rules) == "These rules are already published."


def test_a_year_is_copied_to_the_next_as_a_draft_with_its_rules(cw):
    rules = save_rules(cw)
    duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.PROPOSAL_FILED, points=10,
                   split=SplitMode.FIRST_SHARE, first_share="0.6", cap=30)
    duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.MEETING_ABSENT, points=-10)
    duty.rule_set_publish(actor=cw.alice, rule_set=rules)

    copy = duty.rule_set_copy(actor=cw.alice, rule_set=rules, year=YEAR + 1)
    copy.refresh_from_db()
    assert (copy.committee, copy.year, copy.title, copy.status, copy.copied_from, copy.base_score, copy.max_score,
            copy.grades, copy.minimums) == (
        cw.a, YEAR + 1, f"{YEAR + 1}年度委员履职量化考核办法", RuleSetStatus.DRAFT, rules, D("60.00"), D("120.00"),
        rules.grades, [{"kind": DutyKind.INFORMATION_SUBMITTED, "count": 1}])
    assert sorted(copy.rules.values_list("kind", "points", "cap", "split", "first_share")) == [
        (DutyKind.MEETING_ABSENT, D("-10.00"), None, SplitMode.FULL, D("0.500")),
        (DutyKind.PROPOSAL_FILED, D("10.00"), D("30.00"), SplitMode.FIRST_SHARE, D("0.600"))]
    # the original is untouched
    assert (rules.rules.count(), AssessmentRuleSet.objects.get(pk=rules.pk).status) == (2, RuleSetStatus.PUBLISHED)

    # a year that has rules already is refused, and so is a year out of range
    assert invalid(duty.rule_set_copy, actor=cw.alice, rule_set=rules, year=YEAR + 1) == {
        "year": [f"This committee already has rules for {YEAR + 1}."]}
    assert invalid(duty.rule_set_copy, actor=cw.alice, rule_set=copy, year=YEAR) == {
        "year": [f"This committee already has rules for {YEAR}."]}
    assert invalid(duty.rule_set_copy, actor=cw.alice, rule_set=rules, year=1999) == {"year": ["Give the year."]}
    assert AssessmentRuleSet.objects.filter(committee=cw.a).count() == 2


def test_a_title_without_the_year_gets_the_new_year_in_front(cw):
    rules = save_rules(cw, title="委员履职量化考核办法")
    assert duty.rule_set_copy(actor=cw.alice, rule_set=rules, year=YEAR + 1).title == f"{YEAR + 1} 委员履职量化考核办法"


def test_copying_to_a_year_that_is_not_a_number_is_refused(cw):
    rules = save_rules(cw)
    assert invalid(duty.rule_set_copy, actor=cw.alice, rule_set=rules, year="明年") == {"year": ["Give the year."]}


def test_changing_the_rules_queues_one_recompute_after_commit(cw, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rules = save_rules(cw)
    with django_capture_on_commit_callbacks(execute=True):
        duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.SPEECH, points=3)
    with django_capture_on_commit_callbacks(execute=True):
        duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.SPEECH, points=4)
    job = RecomputeJob.objects.get()
    message = OutboxMessage.objects.get(key=f"duty-recompute:{job.pk}")
    assert (job.committee, job.year, job.status, job.requested_by, job.again) == (
        cw.a, YEAR, JobStatus.QUEUED, None, False)
    assert [m for m in sent if m["task"] == duty.RECOMPUTE_TASK] == [
        {"task": "members.duty_recompute", "kwargs": {"job_id": job.pk, "outbox_id": message.pk}}]


def test_nothing_is_queued_when_the_change_is_rolled_back(cw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        save_rules(cw)
        raise RuntimeError("the request failed")
    assert (AssessmentRuleSet.objects.count(), RecomputeJob.objects.count()) == (0, 0)


# --- syncing the record ---------------------------------------------------------------------------------


def rows(member, year=YEAR) -> list[tuple]:
    return sorted((e.kind, e.role, e.group_size, e.share, e.source_id, e.is_manual)
                  for e in DutyEntry.objects.filter(member=member, year=year))


def test_the_sync_is_idempotent_and_follows_changes_of_the_source(cw):
    from proposals.choices import ProposalKind

    proposal = cw.draft(kind=ProposalKind.JOINT)
    ps.proposal_invite(actor=cw.bob, proposal=proposal, members=[cw.cindy_seat])
    ps.cosign_respond(actor=cw.cindy, cosigner=proposal.cosigners.get(), accept=True)
    ps.proposal_submit(actor=cw.bob, proposal=proposal)
    assert duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk]) == {"created": 2, "updated": 0, "deleted": 0,
                                                                  "scored": 0}
    assert duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk]) == {"created": 0, "updated": 0, "deleted": 0,
                                                                  "scored": 0}
    submitted = DutyEntry.objects.get(member=cw.bob_seat, kind=DutyKind.PROPOSAL_SUBMITTED)
    assert (submitted.label, submitted.url, submitted.committee) == (proposal.title, f"/proposals/{proposal.pk}/",
                                                                     cw.a)

    # filing adds the filed entries and gives the submitted ones their number: updated, not replaced
    ps.proposal_file(actor=cw.alice, proposal=proposal)
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert duty.duty_sync(year=YEAR, member_ids=[cw.bob_seat.pk, cw.cindy_seat.pk]) == {
        "created": 2, "updated": 2, "deleted": 0, "scored": 0}
    again = DutyEntry.objects.get(member=cw.bob_seat, kind=DutyKind.PROPOSAL_SUBMITTED)
    assert (again.pk, again.label) == (submitted.pk, f"{proposal.number_label} {proposal.title}")
    assert rows(cw.cindy_seat) == [(DutyKind.PROPOSAL_FILED, DutyRole.CO, 2, D("1.000"), proposal.pk, False),
                                   (DutyKind.PROPOSAL_SUBMITTED, DutyRole.CO, 2, D("1.000"), proposal.pk, False)]


def test_a_withdrawn_proposal_leaves_the_record(cw):
    proposal = cw.submitted()
    duty.duty_sync_dirty()
    assert rows(cw.bob_seat) == [(DutyKind.PROPOSAL_SUBMITTED, DutyRole.FIRST, 1, D("1.000"), proposal.pk, False)]
    ps.proposal_withdraw(actor=cw.bob, proposal=proposal, reason="内容需要重新调研")
    assert DutyDirty.objects.filter(member=cw.bob_seat, year=YEAR).count() == 1
    assert duty.duty_sync_dirty() == 1
    assert rows(cw.bob_seat) == []


def test_a_corrected_attendance_replaces_the_entry(cw):
    session = cw.held(cw.session(starts_at=timezone.make_aware(dt.datetime(YEAR, 3, 10, 9))))
    duty.duty_sync_dirty()
    bob = Participant.objects.get(consultation=session, member=cw.bob_seat)
    assert rows(cw.bob_seat) == [(DutyKind.MEETING_ABSENT, "", 1, D("1.000"), bob.pk, False)]
    cs.attendance_record(actor=cw.alice, participant=bob, attendance=Attendance.EXCUSED, note="出差在外，已请假")
    assert duty.duty_sync_dirty() == 1
    assert rows(cw.bob_seat) == [(DutyKind.MEETING_EXCUSED, "", 1, D("1.000"), bob.pk, False)]
    entry = DutyEntry.objects.get(member=cw.bob_seat)
    assert (entry.occurred_on, entry.label, entry.url) == (dt.date(YEAR, 3, 10), session.title,
                                                           f"/consultations/{session.pk}/")
    assert duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])["created"] == 0


def pdf(name="活动照片.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
                              content_type="application/pdf")


def test_staff_add_an_offline_duty_with_evidence_and_the_score_follows(cw):
    rules = save_rules(cw, minimums=[])
    duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.OTHER, points=5)
    day = TODAY
    entry = duty.duty_entry_add(actor=cw.alice, member=cw.bob_seat, kind=DutyKind.OTHER, occurred_on=day,
                                label="  参加社区议事会  ", note="线下活动，社区出具证明", evidence=[pdf()])
    assert (entry.year, entry.committee, entry.is_manual, entry.created_by, entry.label, entry.source_type) == (
        day.year, cw.a, True, cw.alice, "参加社区议事会", None)
    assert list(DutyEvidence.objects.values_list("entry", "original_name", "content_type", "uploaded_by")) == [
        (entry.pk, "活动照片.pdf", "application/pdf", cw.alice.pk)]
    assert DutyScore.objects.get(member=cw.bob_seat, year=day.year).total == D("65.00")

    # the sync keeps what staff entered, and refuses to let them delete what the portal saw
    cw.held(cw.session(starts_at=timezone.make_aware(dt.datetime(YEAR, 3, 10, 9))))
    duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])
    assert [e[0] for e in rows(cw.bob_seat)] == [DutyKind.MEETING_ABSENT, DutyKind.OTHER]
    assert duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])["deleted"] == 0
    automatic = DutyEntry.objects.get(member=cw.bob_seat, kind=DutyKind.MEETING_ABSENT)
    assert conflict(duty.duty_entry_delete, actor=cw.alice, entry=automatic) == (
        "This entry comes from the portal's own records; change the record it comes from.")
    assert denied(duty.duty_entry_delete, actor=cw.bob, entry=entry) == STAFF_ONLY
    duty.duty_entry_delete(actor=cw.alice, entry=entry)
    assert [e[0] for e in rows(cw.bob_seat)] == [DutyKind.MEETING_ABSENT]
    assert DutyScore.objects.get(member=cw.bob_seat, year=YEAR).total == D("60.00")


def test_an_offline_duty_is_checked_field_by_field(cw):
    args = {"actor": cw.alice, "member": cw.bob_seat, "kind": DutyKind.OTHER, "occurred_on": TODAY,
            "label": "参加社区议事会"}
    assert invalid(duty.duty_entry_add, **{**args, "kind": "party"}) == {"kind": ["Choose a kind of duty."]}
    for day in (TODAY + dt.timedelta(days=1), "2026-01-01", None):
        assert invalid(duty.duty_entry_add, **{**args, "occurred_on": day}) == {
            "occurred_on": ["Give the day (not in the future)."]}
    for label in ("", " 议 ", "议" * 201):
        assert invalid(duty.duty_entry_add, **{**args, "label": label}) == {
            "label": ["Say what the member did in 2 to 200 characters."]}
    assert invalid(duty.duty_entry_add, note="注" * 501, **args) == {"note": ["At most 500 characters."]}
    assert invalid(duty.duty_entry_add, evidence=[pdf(f"{n}.pdf") for n in range(6)], **args) == {
        "evidence": ["At most 5 files."]}
    bad = SimpleUploadedFile("setup.exe", b"MZ\x90\x00 not a picture", content_type="image/png")
    assert invalid(duty.duty_entry_add, evidence=[pdf(), bad], **args) == {"evidence": [
        "setup.exe is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint "
        "document."]}
    for who in (cw.bob, cw.lily, cw.carol, cw.eve, cw.dave):
        assert denied(duty.duty_entry_add, **{**args, "actor": who}) == STAFF_ONLY
    assert denied(duty.duty_entry_add, **{**args, "member": cw.ada_seat}) == STAFF_ONLY  # alice is not staff of A1
    assert (DutyEntry.objects.count(), DutyEvidence.objects.count()) == (0, 0)
    # a hostile label is stored as text (pages escape it)
    entry = duty.duty_entry_add(**{**args, "label": "<script>alert(1)</script>"})
    assert entry.label == "<script>alert(1)</script>"


def test_scores_exist_only_under_rules_and_go_when_the_rules_go(cw):
    cw.held(cw.session(starts_at=timezone.make_aware(dt.datetime(YEAR, 3, 10, 9))))
    assert duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])["scored"] == 0
    assert DutyScore.objects.count() == 0
    rules = save_rules(cw, minimums=[{"kind": DutyKind.PROPOSAL_SUBMITTED, "count": 1}])
    duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.MEETING_ABSENT, points=-10)
    assert duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])["scored"] == 2
    bob = DutyScore.objects.get(member=cw.bob_seat)
    assert (bob.committee, bob.year, bob.total, bob.by_kind, bob.counts, bob.grade, bob.unmet_minimums) == (
        cw.a, YEAR, D("50.00"), {DutyKind.MEETING_ABSENT: "-10.00"}, {DutyKind.MEETING_ABSENT: 1}, "",
        [{"kind": DutyKind.PROPOSAL_SUBMITTED, "count": 1}])
    rules.delete()
    duty.score_members(year=YEAR, member_ids=[cw.bob_seat.pk, cw.cindy_seat.pk])
    assert DutyScore.objects.count() == 0


# --- marks written with the action, swept after it ------------------------------------------------------


def test_the_mark_commits_with_the_action_or_not_at_all(cw):
    session = cw.held(cw.session(starts_at=timezone.make_aware(dt.datetime(YEAR, 3, 10, 9))))
    duty.duty_sync_dirty()
    bob = Participant.objects.get(consultation=session, member=cw.bob_seat)
    with pytest.raises(RuntimeError), transaction.atomic():
        cs.attendance_record(actor=cw.alice, participant=bob, attendance=Attendance.PRESENT)
        assert list(DutyDirty.objects.values_list("member", "year")) == [(cw.bob_seat.pk, YEAR)]
        raise RuntimeError("the request failed after the service")
    assert (DutyDirty.objects.count(), Participant.objects.get(pk=bob.pk).attendance) == (0, Attendance.ABSENT)
    assert rows(cw.bob_seat)[0][0] == DutyKind.MEETING_ABSENT

    cs.attendance_record(actor=cw.alice, participant=bob, attendance=Attendance.PRESENT)
    assert list(DutyDirty.objects.values_list("member", "year")) == [(cw.bob_seat.pk, YEAR)]
    assert duty.duty_sync_dirty() == 1
    assert (DutyDirty.objects.count(), rows(cw.bob_seat)[0][0]) == (0, DutyKind.MEETING_PRESENT)
    assert duty.duty_sync_dirty() == 0


def test_touching_marks_each_member_year_once_and_publishes_after_commit(cw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        duty.duty_touch(member_ids=[cw.bob_seat.pk, cw.bob_seat.pk, cw.cindy_seat.pk], year=YEAR)
        duty.duty_touch(member_ids=[cw.bob_seat.pk], year=YEAR)
        duty.duty_touch(member_ids=[cw.bob_seat.pk], year=YEAR - 1)
        duty.duty_touch(member_ids=[cw.ada_seat.pk])  # no year: this year
        duty.duty_touch(member_ids=[None, 0])  # nobody: no mark, nothing published
    assert sorted(DutyDirty.objects.values_list("member", "year")) == sorted([
        (cw.bob_seat.pk, YEAR), (cw.cindy_seat.pk, YEAR), (cw.bob_seat.pk, YEAR - 1), (cw.ada_seat.pk, YEAR)])
    # one publish for the transaction, however many actions in it touched the record
    assert callbacks == [duty._publish_sync]


def test_a_broker_that_is_down_does_not_fail_the_action(monkeypatch):
    from members import tasks

    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.duty_sync_dirty, "delay", down)
    assert duty._publish_sync() is None


def test_the_sweep_takes_the_marks_in_batches_up_to_its_limit(cw, monkeypatch):
    monkeypatch.setattr(duty, "BATCH", 1)
    duty.duty_touch(member_ids=[cw.bob_seat.pk, cw.cindy_seat.pk, cw.ada_seat.pk], year=YEAR)
    assert duty.duty_sync_dirty(limit=2) == 2
    assert DutyDirty.objects.count() == 1
    assert duty.duty_sync_dirty(limit=2) == 1
    assert DutyDirty.objects.count() == 0


def test_the_sweep_syncs_each_year_marked(cw):
    last_year = timezone.make_aware(dt.datetime(YEAR - 1, 11, 5, 9))
    session = cw.held(cw.session(starts_at=last_year))
    assert sorted(DutyDirty.objects.values_list("member", "year")) == sorted([
        (cw.bob_seat.pk, YEAR - 1), (cw.cindy_seat.pk, YEAR - 1)])
    assert duty.duty_sync_dirty() == 2
    bob = Participant.objects.get(consultation=session, member=cw.bob_seat)
    assert (rows(cw.bob_seat, YEAR - 1), rows(cw.bob_seat)) == (
        [(DutyKind.MEETING_ABSENT, "", 1, D("1.000"), bob.pk, False)], [])


# --- the full recompute ---------------------------------------------------------------------------------


def start(cw):
    return duty.duty_recompute_start(actor=cw.alice, committee=cw.a, year=YEAR)


def test_a_recompute_runs_every_member_in_batches_showing_its_progress(cw, monkeypatch):
    rules = save_rules(cw)
    duty.rule_save(actor=cw.alice, rule_set=rules, kind=DutyKind.MEETING_ABSENT, points=-10)
    cw.held(cw.session(starts_at=timezone.make_aware(dt.datetime(YEAR, 3, 10, 9))))
    job = start(cw)
    message = OutboxMessage.objects.get(key=f"duty-recompute:{job.pk}")
    assert (job.status, job.requested_by, job.total, job.done, job.percent, job.started_at) == (
        JobStatus.QUEUED, cw.alice, 0, 0, 0, None)

    monkeypatch.setattr(duty, "BATCH", 1)
    seen = []
    real_sync = duty.duty_sync

    def watching(**kwargs):
        seen.append((RecomputeJob.objects.values_list("status", "done", "total").get(pk=job.pk),
                     sorted(kwargs["member_ids"])))
        return real_sync(**kwargs)

    monkeypatch.setattr(duty, "duty_sync", watching)
    done = duty.duty_recompute_run(job_id=job.pk, outbox_id=message.pk)
    members = sorted([cw.bob_seat.pk, cw.cindy_seat.pk])
    assert seen == [((JobStatus.RUNNING, 0, 2), members[:1]), ((JobStatus.RUNNING, 1, 2), members[1:])]
    job.refresh_from_db()
    assert (done.pk, job.status, job.done, job.total, job.percent, job.error, job.again) == (
        job.pk, JobStatus.DONE, 2, 2, 100, "", False)
    assert job.started_at <= job.finished_at
    assert AssessmentRuleSet.objects.get(pk=rules.pk).computed_at == job.finished_at
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.DONE
    assert sorted(DutyScore.objects.values_list("member", "total")) == sorted([
        (cw.bob_seat.pk, D("50.00")), (cw.cindy_seat.pk, D("50.00"))])


def test_a_second_delivery_of_a_job_does_nothing(cw, monkeypatch):
    job = start(cw)
    duty.duty_recompute_run(job_id=job.pk)
    finished = RecomputeJob.objects.get(pk=job.pk)
    calls = []
    monkeypatch.setattr(duty, "duty_sync", lambda **kwargs: calls.append(kwargs))
    message = OutboxMessage.objects.get(key=f"duty-recompute:{job.pk}")
    assert duty.duty_recompute_run(job_id=job.pk, outbox_id=message.pk).status == JobStatus.DONE
    assert (calls, RecomputeJob.objects.get(pk=job.pk).finished_at) == ([], finished.finished_at)
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.DONE
    # a job that no longer exists is a quiet no-op
    assert duty.duty_recompute_run(job_id=job.pk + 1000) is None


def test_asking_again_while_queued_is_the_same_job_and_after_it_is_done_a_new_one(cw):
    job = start(cw)
    assert (start(cw).pk, RecomputeJob.objects.get(pk=job.pk).again) == (job.pk, False)
    duty.duty_recompute_run(job_id=job.pk)
    second = start(cw)
    assert (second.pk != job.pk, second.status, RecomputeJob.objects.count()) == (True, JobStatus.QUEUED, 2)
    # another committee's job is its own
    other = duty.duty_recompute_start(actor=cw.fiona, committee=cw.a1, year=YEAR)
    assert (other.committee, RecomputeJob.objects.count()) == (cw.a1, 3)


def test_a_change_while_the_job_runs_makes_it_run_once_more(cw, monkeypatch):
    job = start(cw)
    real_sync = duty.duty_sync
    loops = []

    def sync_while_rules_change(**kwargs):
        if not loops:  # the rules change while the first pass runs
            again = start(cw)
            assert (again.pk, again.status, again.again) == (job.pk, JobStatus.RUNNING, True)
            assert start(cw).again is True  # asked twice: still once more
        loops.append(RecomputeJob.objects.values_list("again", "done").get(pk=job.pk))
        return real_sync(**kwargs)

    monkeypatch.setattr(duty, "duty_sync", sync_while_rules_change)
    duty.duty_recompute_run(job_id=job.pk)
    job.refresh_from_db()
    assert loops == [(True, 0), (False, 0)]
    assert (job.status, job.again, job.done, job.total, RecomputeJob.objects.count()) == (
        JobStatus.DONE, False, 2, 2, 1)


def test_a_job_left_running_by_a_dead_worker_is_taken_up_once_stale(cw):
    job = start(cw)
    RecomputeJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=1, total=2,
                                                  started_at=timezone.now() - dt.timedelta(minutes=5))
    assert duty.duty_recompute_run(job_id=job.pk).status == JobStatus.RUNNING  # another worker may be on it
    assert RecomputeJob.objects.values_list("status", "done").get(pk=job.pk) == (JobStatus.RUNNING, 1)
    RecomputeJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - duty.STALE_JOB - dt.timedelta(seconds=1))
    duty.duty_recompute_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)
    assert job.started_at > timezone.now() - dt.timedelta(minutes=1)


def test_a_failing_job_records_the_error(cw, monkeypatch):
    job = start(cw)

    def broken(**kwargs):
        raise RuntimeError("source unavailable")

    monkeypatch.setattr(duty, "duty_sync", broken)
    message = OutboxMessage.objects.get(key=f"duty-recompute:{job.pk}")
    with pytest.raises(RuntimeError):
        duty.duty_recompute_run(job_id=job.pk, outbox_id=message.pk)
    job.refresh_from_db()
    assert (job.status, job.error, job.finished_at is not None) == (JobStatus.FAILED, "RuntimeError: source unavailable",
                                                                   True)
    # the message is not done (the task records the failure for a retry); a new request starts afresh
    assert OutboxMessage.objects.get(pk=message.pk).status != OutboxMessage.Status.DONE
    assert start(cw).pk != job.pk
