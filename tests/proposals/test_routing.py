"""Routing a micro-suggestion: the committee's rules by priority, then the recommendation
learned from staff decisions when it is confident enough, else staff triage. Every decision
says why; staff route and re-route by hand; a redelivered routing message changes nothing.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cppcc_portal.core import workdays
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry, Notification, OutboxMessage
from members import services as directory
from proposals.choices import AssignmentRole, AssignmentStatus, CaseStatus, HandlingMode, RoutingMethod
from proposals.models import Assignment, Case, RoutingDecision, RoutingDepartmentStat
from proposals.services import config, handling

STREETLIGHT = ("幸福小区路灯不亮", "幸福小区的路灯坏了三个月，晚上老人孩子出行很不方便。")
STREETLIGHT_AGAIN = ("幸福小区路灯维修", "幸福小区路灯损坏，夜间照明不足，老人出行不便。")


def assignments(case: Case) -> list[tuple]:
    return sorted(
        (a.department.name, a.role, a.status, a.round, a.due_date)
        for a in Assignment.objects.filter(case=case).select_related("department")
    )


def decision_of(case: Case) -> RoutingDecision:
    return RoutingDecision.objects.get(case=case)


def titles_for(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def train(h, department, title=STREETLIGHT[0], content=STREETLIGHT[1]) -> Case:
    """A staff decision the recommendation learns from."""
    case = h.submit(title, content)
    return handling.case_route(actor=h.alice, case=case, lead_department=department)


# --- rules ----------------------------------------------------------------------------------------


def test_category_rule_routes_to_its_department_and_names_the_rule(h, clock):
    case = h.route(h.submit(category=h.cat_edu))

    due = workdays.add_workdays(clock.start, 10)
    assert (case.status, case.handling_mode, case.due_date, case.round) == (
        CaseStatus.HANDLING, HandlingMode.SINGLE, due, 1)
    assert case.routed_at is not None
    assert assignments(case) == [("甲市教育局", AssignmentRole.LEAD, AssignmentStatus.ASSIGNED, 1, due)]
    decision = decision_of(case)
    assert (decision.method, decision.rule, decision.lead_department, decision.score, decision.decided_by) == (
        RoutingMethod.RULE, h.rule_school, h.dept_a, 1.0, None)
    assert list(decision.co_departments.all()) == []
    assert decision.reason == "Rule “学校与教育” (priority 10) matched: category 教育."
    route = AuditEntry.objects.get(action="case.route", target_id=case.pk)
    assert (route.actor, route.note) == (None, decision.reason)
    assert route.changes == {"status": {"before": "routing", "after": "handling"},
                             "departments": {"before": None, "after": "甲市教育局"}}


def test_routing_tells_the_department_and_the_submitter(h, clock):
    case = h.route(h.submit(category=h.cat_edu))

    due = workdays.add_workdays(clock.start, 10)
    assigned = Notification.objects.get(recipient=h.carol)
    assert (assigned.title, assigned.body, assigned.url) == (
        "New item assigned: 社区图书室照明不足", f"Lead unit (主办), due {due.isoformat()}.",
        f"/micro-suggestions/{case.pk}/")
    assert titles_for(h.ivan) == ["New item assigned: 社区图书室照明不足"]
    told = Notification.objects.get(recipient=h.bob)
    assert (told.title, told.body) == ("Your item has been assigned to 甲市教育局",
                                       "Rule “学校与教育” (priority 10) matched: category 教育.")
    assert titles_for(h.hank) == []


def test_keyword_rule_assigns_lead_and_co_handling_units(h, clock):
    case = h.route(h.submit("看病排队太久", "市人民医院挂号窗口排长队，老年人等候时间过长，建议增加自助机。"))

    lead_due = workdays.add_workdays(clock.start, 10)
    co_due = workdays.add_workdays(clock.start, 5)
    assert (case.status, case.handling_mode, case.due_date) == (CaseStatus.HANDLING, HandlingMode.LEAD, lead_due)
    assert assignments(case) == [
        ("甲市住房和城乡建设局", AssignmentRole.CO, AssignmentStatus.ASSIGNED, 1, co_due),
        ("甲市卫生健康委员会", AssignmentRole.LEAD, AssignmentStatus.ASSIGNED, 1, lead_due),
    ]
    decision = decision_of(case)
    assert (decision.rule, decision.lead_department, list(decision.co_departments.all())) == (
        h.rule_hospital, h.dept_a2, [h.dept_a3])
    assert decision.reason == "Rule “医院就医” (priority 5) matched: keywords 医院、挂号."


def test_place_rule_matches_the_place_and_nothing_above_it(h):
    city = h.route(h.submit(place=h.a))  # first: rule decisions teach the recommendation
    east = h.route(h.submit(place=h.a1))

    assert decision_of(east).reason == "Rule “东区事务” (priority 1) matched: place 甲市东区政协."
    assert assignments(east)[0][:2] == ("甲市住房和城乡建设局", AssignmentRole.LEAD)
    assert (city.status, decision_of(city).method) == (CaseStatus.TRIAGE, RoutingMethod.TRIAGE)


def test_higher_priority_rule_wins_when_several_match(h):
    case = h.route(h.submit("学校医务室缺医生", "学校医务室没有专职校医，学生在校生病只能去医院。", category=h.cat_edu))

    decision = decision_of(case)
    assert (decision.rule, decision.lead_department) == (h.rule_school, h.dept_a)
    assert decision.reason == "Rule “学校与教育” (priority 10) matched: category 教育."


def test_among_rules_of_equal_priority_the_older_wins(h, alice):
    config.routing_rule_create(actor=alice, committee=h.a, name="校园卫生", priority=10, keywords="学校",
                               lead_department=h.dept_a2)

    case = h.route(h.submit("学校食堂卫生", "学校食堂卫生条件差，建议加强检查和公示。", category=h.cat_edu))

    assert decision_of(case).rule == h.rule_school


def test_inactive_rule_is_ignored(h, alice):
    config.routing_rule_update(actor=alice, rule=h.rule_school, is_active=False)

    case = h.route(h.submit("学校医务室缺医生", "学校医务室没有专职校医，学生在校生病只能去医院。", category=h.cat_edu))

    decision = decision_of(case)
    assert (decision.rule, decision.lead_department) == (h.rule_hospital, h.dept_a2)
    assert decision.reason == "Rule “医院就医” (priority 5) matched: keywords 医院."


def test_rule_whose_lead_department_is_inactive_is_skipped(h, alice):
    directory.department_update(actor=alice, department=h.dept_a, is_active=False)

    case = h.route(h.submit("学校医务室缺医生", "学校医务室没有专职校医，学生在校生病只能去医院。", category=h.cat_edu))

    assert decision_of(case).rule == h.rule_hospital


def test_every_condition_of_a_rule_must_match(h, alice):
    parking = config.routing_rule_create(actor=alice, committee=h.a, name="小区停车", priority=20,
                                         category=h.cat_city, keywords="停车", lead_department=h.dept_a3)

    without_keyword = h.route(h.submit("小区道路破损", "小区主干道坑洼不平，雨天积水严重，建议修补。", category=h.cat_city))
    both = h.route(h.submit("小区停车难", "老旧小区没有停车位，车辆乱停占用消防通道。", category=h.cat_city))

    assert without_keyword.status == CaseStatus.TRIAGE
    assert decision_of(both).rule == parking
    assert decision_of(both).reason == "Rule “小区停车” (priority 20) matched: category 城乡建设; keywords 停车."


def test_rules_of_another_committee_are_not_used(h, root):
    config.routing_rule_create(actor=root, committee=h.b, name="乙市路灯", keywords="路灯", lead_department=h.dept_b)

    case = h.route(h.submit(*STREETLIGHT))

    assert case.status == CaseStatus.TRIAGE


# --- no rule: triage, or the learned recommendation ----------------------------------------------------


def test_item_no_rule_fits_goes_to_staff_triage(h):
    case = h.route(h.submit(*STREETLIGHT))

    assert (case.status, case.due_date, case.handling_mode) == (CaseStatus.TRIAGE, None, "")
    assert Assignment.objects.filter(case=case).count() == 0
    decision = decision_of(case)
    assert (decision.method, decision.rule, decision.lead_department, decision.score, decision.candidates) == (
        RoutingMethod.TRIAGE, None, None, None, [])
    assert decision.reason == "No rule matched and there is no routing history to learn from yet: staff decide."
    assert AuditEntry.objects.get(action="case.triage", target_id=case.pk).note == decision.reason
    # staff of A, including fiona whose grant reaches below A; not the leader, not the member
    assert titles_for(h.alice) == ["An item awaits triage: 幸福小区路灯不亮"]
    assert titles_for(h.fiona) == ["An item awaits triage: 幸福小区路灯不亮"]
    assert titles_for(h.lily) == []
    assert titles_for(h.bob) == []


def test_confident_recommendation_learned_from_staff_decisions_routes_the_item(h):
    train(h, h.dept_a3)
    train(h, h.dept_a3, "幸福小区路灯坏了", "晚上幸福小区一片漆黑，路灯需要维修。")
    learned_before = RoutingDepartmentStat.objects.get(department=h.dept_a3).documents

    case = h.route(h.submit(*STREETLIGHT_AGAIN))

    decision = decision_of(case)
    assert (case.status, decision.method, decision.lead_department, decision.score, decision.rule) == (
        CaseStatus.HANDLING, RoutingMethod.LEARNED, h.dept_a3, 1.0, None)
    assert decision.candidates == [{"department_id": h.dept_a3.pk, "department": "甲市住房和城乡建设局", "confidence": 1.0}]
    assert decision.reason == ("No rule matched; the recommendation learned from past routing chose "
                               "甲市住房和城乡建设局 with confidence 100% (threshold 80%).")
    assert [a[:3] for a in assignments(case)] == [("甲市住房和城乡建设局", AssignmentRole.LEAD, AssignmentStatus.ASSIGNED)]
    # the model does not learn from its own decisions
    assert (learned_before, RoutingDepartmentStat.objects.get(department=h.dept_a3).documents) == (2, 2)


def test_recommendation_below_the_threshold_sends_the_item_to_triage_with_candidates(h):
    train(h, h.dept_a3)
    train(h, h.dept_a2)

    case = h.route(h.submit(*STREETLIGHT_AGAIN))

    decision = decision_of(case)
    assert (case.status, decision.method, decision.score, decision.lead_department) == (
        CaseStatus.TRIAGE, RoutingMethod.TRIAGE, 0.5, None)
    assert sorted(decision.candidates, key=lambda c: c["department_id"]) == [
        {"department_id": h.dept_a2.pk, "department": "甲市卫生健康委员会", "confidence": 0.5},
        {"department_id": h.dept_a3.pk, "department": "甲市住房和城乡建设局", "confidence": 0.5},
    ]
    best = decision.candidates[0]["department"]
    assert decision.reason == f"No rule matched and the best recommendation, {best} at 50%, is below the 80% threshold: staff decide."


def test_threshold_comes_from_the_committee_policy(h, alice):
    train(h, h.dept_a3)
    train(h, h.dept_a2)
    config.policy_set(actor=alice, committee=h.a, kind="micro_suggestion", routing_confidence=0.5)

    case = h.route(h.submit(*STREETLIGHT_AGAIN))

    decision = decision_of(case)
    assert (case.status, decision.method, decision.score) == (CaseStatus.HANDLING, RoutingMethod.LEARNED, 0.5)
    assert decision.reason.endswith("with confidence 50% (threshold 50%).")


def test_staff_route_an_item_from_triage_and_the_model_learns_it(h, alice):
    case = h.route(h.submit(*STREETLIGHT))

    routed = handling.case_route(actor=alice, case=case, lead_department=h.dept_a3)

    assert (routed.status, routed.handling_mode) == (CaseStatus.HANDLING, HandlingMode.SINGLE)
    manual = RoutingDecision.objects.get(case=case, method=RoutingMethod.MANUAL)
    assert (manual.lead_department, manual.decided_by, manual.reason, manual.rule) == (
        h.dept_a3, alice, "Routed by committee staff.", None)
    assert RoutingDepartmentStat.objects.get(department=h.dept_a3).documents == 1
    entry = AuditEntry.objects.get(action="case.route", target_id=case.pk)
    assert (entry.actor, entry.changes["status"]) == (alice, {"before": "triage", "after": "handling"})


def test_rerouting_withdraws_the_open_assignments(h, alice, clock):
    case = h.route(h.submit(category=h.cat_edu))
    clock.move_to(workdays.add_workdays(clock.start, 1))

    handling.case_route(actor=alice, case=case, lead_department=h.dept_a2, co_departments=[h.dept_a3],
                        reason="涉及医疗卫生，改由卫健委主办")

    case.refresh_from_db()
    first_due = workdays.add_workdays(clock.start, 10)
    lead_due = workdays.add_workdays(clock.today, 10)
    assert assignments(case) == sorted([
        ("甲市教育局", AssignmentRole.LEAD, AssignmentStatus.WITHDRAWN, 1, first_due),
        ("甲市卫生健康委员会", AssignmentRole.LEAD, AssignmentStatus.ASSIGNED, 1, lead_due),
        ("甲市住房和城乡建设局", AssignmentRole.CO, AssignmentStatus.ASSIGNED, 1, workdays.add_workdays(clock.today, 5)),
    ])
    assert (case.status, case.handling_mode, case.due_date) == (CaseStatus.HANDLING, HandlingMode.LEAD, lead_due)
    assert list(RoutingDecision.objects.filter(case=case).values_list("method", "reason")) == [
        (RoutingMethod.RULE, "Rule “学校与教育” (priority 10) matched: category 教育."),
        (RoutingMethod.MANUAL, "涉及医疗卫生，改由卫健委主办"),
    ]
    assert AuditEntry.objects.get(action="case.reroute", target_id=case.pk).note == "涉及医疗卫生，改由卫健委主办"


def test_separate_handling_gives_every_department_its_own_reply(h, alice):
    case = h.route(h.submit(*STREETLIGHT))

    handling.case_route(actor=alice, case=case, lead_department=h.dept_a2, co_departments=[h.dept_a3],
                        handling_mode=HandlingMode.SEPARATE)

    assert sorted(Assignment.objects.filter(case=case).values_list("department__name", "role")) == [
        ("甲市住房和城乡建设局", AssignmentRole.SEPARATE), ("甲市卫生健康委员会", AssignmentRole.SEPARATE)]


def test_redelivered_routing_message_changes_nothing(h):
    case = h.route(h.submit(category=h.cat_edu))
    before = (assignments(case), RoutingDecision.objects.count(), AuditEntry.objects.count(),
              Notification.objects.count(), RoutingDepartmentStat.objects.get(department=h.dept_a).documents)

    again = h.route(case)

    assert again.status == CaseStatus.HANDLING
    assert (assignments(case), RoutingDecision.objects.count(), AuditEntry.objects.count(),
            Notification.objects.count(), RoutingDepartmentStat.objects.get(department=h.dept_a).documents) == before
    assert OutboxMessage.objects.get().status == "done"


def test_routing_message_of_a_vanished_item_is_marked_done(h):
    case = h.submit(category=h.cat_edu)
    message = OutboxMessage.objects.get()
    Case.objects.filter(pk=case.pk).delete()

    assert handling.case_route_automatically(case_id=case.pk, outbox_id=message.pk) is None

    message.refresh_from_db()
    assert message.status == "done"


# --- who routes, and what they may choose ------------------------------------------------------------


@pytest.mark.parametrize("role", ["bob", "cindy", "carol", "hank", "lily", "dave", "eve"])
def test_only_staff_route_an_item(h, role):
    case = h.route(h.submit(*STREETLIGHT))

    with pytest.raises(PermissionDenied) as caught:
        handling.case_route(actor=getattr(h, role), case=case, lead_department=h.dept_a3)

    assert str(caught.value) == "Only staff of this committee may route this item."
    assert Case.objects.get(pk=case.pk).status == CaseStatus.TRIAGE


@pytest.mark.parametrize("role", ["alice", "fiona", "root"])
def test_staff_and_superuser_route_an_item(h, role):
    case = h.route(h.submit(*STREETLIGHT))

    routed = handling.case_route(actor=getattr(h, role), case=case, lead_department=h.dept_a3)

    assert routed.status == CaseStatus.HANDLING


@pytest.mark.parametrize(
    ("choice", "errors"),
    [
        (lambda h: {"lead_department": h.dept_b},
         {"lead_department": ["乙市交通运输局 is not an active department of this committee."]}),
        (lambda h: {"lead_department": h.dept_a2, "co_departments": [h.dept_a2]},
         {"co_departments": ["The lead department cannot also be a co-handling department."]}),
        (lambda h: {"lead_department": h.dept_a2, "co_departments": [h.dept_a3, h.dept_a3]},
         {"co_departments": ["A department is listed twice."]}),
        (lambda h: {"lead_department": h.dept_a2, "co_departments": [h.dept_a3], "handling_mode": HandlingMode.SINGLE},
         {"co_departments": ["Single handling has no co-handling departments."]}),
    ],
    ids=["other-committee", "lead-as-co", "co-twice", "single-with-co"],
)
def test_staff_routing_choices_are_checked(h, alice, choice, errors):
    case = h.route(h.submit(*STREETLIGHT))

    with pytest.raises(ValidationError) as caught:
        handling.case_route(actor=alice, case=case, **choice(h))

    assert caught.value.message_dict == errors
    assert (Case.objects.get(pk=case.pk).status, Assignment.objects.filter(case=case).count()) == (CaseStatus.TRIAGE, 0)


def test_closed_item_cannot_be_routed(h, alice):
    case = h.replied()
    handling.case_rate(actor=h.bob, reply=case.replies.get(), rating="satisfied")

    with pytest.raises(Conflict) as caught:
        handling.case_route(actor=alice, case=case, lead_department=h.dept_a2)

    assert caught.value.message == "This item is Closed; it can no longer be routed."
