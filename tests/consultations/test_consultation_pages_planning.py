"""Planning pages: the committee's kinds of consultation, topics from three sources and their
review, and the annual plan month by month. Each page per role, each action's effect and
refusal, and bad input."""

from __future__ import annotations

import pytest
from django.utils import timezone

from consultations.choices import ConsultationForm, PlanStatus, TopicSource, TopicStatus
from consultations.models import ConsultationKind, ConsultationPlan, Topic
from consultations.services import consultations as cs
from tests.consultations.test_consultation_pages import client, flashed

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


# --- kinds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("fiona", 200), ("root", 200), ("lily", 403),
                                              ("bob", 403), ("carol", 403), ("eve", 403)])
def test_kind_list_is_for_staff(cw, role, status):
    assert client(getattr(cw, role)).get("/consultations/kinds/").status_code == status


def test_kind_list_shows_the_committees_the_user_works_for(cw):
    groups = client(cw.alice).get("/consultations/kinds/").context["groups"]
    assert [(g["committee"], len(g["kinds"])) for g in groups] == [(cw.a, 11)]
    groups = client(cw.fiona).get("/consultations/kinds/").context["groups"]
    assert [(g["committee"], len(g["kinds"])) for g in groups] == [(cw.a, 11), (cw.a1, 11)]
    assert groups[0]["kinds"][-1].steps == ["征集议题", "确定议题", "调查研究", "制定方案", "组织协商", "形成成果",
                                            "成果报送", "跟踪落实"]


def test_staff_install_the_standard_kinds_once(cw):
    response = client(cw.root).post("/consultations/kinds/install/", {"committee": cw.b.pk})
    assert (response["Location"], flashed(response)) == ("/consultations/kinds/", ["11 standard kinds added."])
    response = client(cw.alice).post("/consultations/kinds/install/", {"committee": cw.a.pk})
    assert flashed(response) == ["All the standard kinds are already there."]
    assert ConsultationKind.objects.filter(committee=cw.b).count() == 11


@pytest.mark.parametrize(("role", "committee", "status"), [("alice", "b", 404), ("alice", "a1", 404),
                                                           ("bob", "a", 404), ("lily", "a", 404)])
def test_installing_for_a_committee_one_does_not_run_is_not_found(cw, role, committee, status):
    response = client(getattr(cw, role)).post("/consultations/kinds/install/", {"committee": getattr(cw, committee).pk})
    assert response.status_code == status
    assert client(cw.alice).post("/consultations/kinds/install/", {"committee": "x"}).status_code == 404


def test_staff_add_a_grassroots_kind_with_its_own_steps(cw):
    response = client(cw.alice).post("/consultations/kinds/new/", {
        "committee": cw.a.pk, "name": "村级议事会", "form": ConsultationForm.GRASSROOTS,
        "steps": "提出议题\n\n审核议题\n召开议事会\n公示结果", "order": "5", "is_active": "on"})
    kind = ConsultationKind.objects.get(name="村级议事会")
    assert (response.status_code, response["Location"]) == (302, "/consultations/kinds/")
    assert (kind.committee, kind.form, kind.steps, kind.order, kind.is_active) == (
        cw.a, "grassroots", ["提出议题", "审核议题", "召开议事会", "公示结果"], 5, True)


@pytest.mark.parametrize(("data", "errors"), [
    ({"name": "专题协商"}, {"name": ["This committee already has a kind of that name."]}),
    ({"name": "协"}, {"name": ["At least 2 characters."]}),
    ({"name": "协" * 61}, {"name": ["Ensure this value has at most 60 characters (it has 61)."]}),
    ({"form": "party"}, {"form": ["Select a valid choice. party is not one of the available choices."]}),
    ({"steps": "同一步\n同一步"}, {"steps": ["Each step is named once."]}),
    ({"steps": "步" * 41}, {"steps": ["At most 20 steps of at most 40 characters each."]}),
    ({"committee": "b"}, {"committee": ["Select a valid choice. That choice is not one of the available choices."]}),
])
def test_bad_kinds_are_refused_at_the_field(cw, data, errors):
    if data.get("committee") == "b":
        data = {**data, "committee": cw.b.pk}
    response = client(cw.alice).post("/consultations/kinds/new/", {
        "committee": cw.a.pk, "name": "新的协商形式", "form": ConsultationForm.SPECIAL, **data})
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert ConsultationKind.objects.filter(committee=cw.a).count() == 11


def test_staff_rename_or_retire_a_kind_but_not_change_the_form_of_a_used_one(cw):
    kind = cw.kinds_a[ConsultationForm.MICRO]
    response = client(cw.alice).post(f"/consultations/kinds/{kind.pk}/edit/", {
        "name": "主席“微协商”", "form": ConsultationForm.MICRO, "order": "80"})
    kind.refresh_from_db()
    assert (response.status_code, kind.name, kind.is_active) == (302, "主席“微协商”", False)
    cw.session(form=ConsultationForm.SPECIAL)
    special = cw.kinds_a[ConsultationForm.SPECIAL]
    response = client(cw.alice).post(f"/consultations/kinds/{special.pk}/edit/", {
        "name": "专题协商", "form": ConsultationForm.EXPERT, "is_active": "on"})
    assert (response.status_code, flashed(response)) == (
        200, ["Sessions of this kind exist; its form can no longer change."])
    special.refresh_from_db()
    assert special.form == ConsultationForm.SPECIAL


@pytest.mark.parametrize(("role", "status"), [("alice", 404), ("bob", 404), ("fiona", 200)])
def test_a_kind_is_edited_by_staff_of_its_committee(cw, role, status):
    kind = cw.kinds_a1[ConsultationForm.SPECIAL]
    assert client(getattr(cw, role)).get(f"/consultations/kinds/{kind.pk}/edit/").status_code == status


# --- topics --------------------------------------------------------------------------------------------


def _topics(cw):
    proposed = cw.topic(title="城区停车难问题协商", status="proposed")
    approved = cw.topic(title="加快发展普惠托育服务")
    recommended = cs.topic_propose(actor=cw.bob, committee=cw.a, year=YEAR, title="社区居家养老服务提质",
                                   description="社区居家养老服务供给不足，建议开展专题协商。",
                                   source=TopicSource.MEMBER)
    return proposed, approved, recommended


@pytest.mark.parametrize(("role", "visible"), [
    ("alice", ["proposed", "approved", "recommended"]), ("lily", ["proposed", "approved", "recommended"]),
    ("bob", ["approved", "recommended"]), ("cindy", ["approved"]), ("carol", []), ("dave", []), ("eve", []),
])
def test_topic_list_shows_each_role_its_scope(cw, role, visible):
    topics = dict(zip(["proposed", "approved", "recommended"], _topics(cw), strict=True))
    response = client(getattr(cw, role)).get("/consultations/topics/")
    assert response.status_code == 200
    assert sorted(t.pk for t in response.context["object_list"]) == sorted(topics[v].pk for v in visible)


def test_topic_list_filters_by_source_and_status(cw):
    proposed, approved, recommended = _topics(cw)
    c = client(cw.alice)
    assert [t.pk for t in c.get("/consultations/topics/?source=member").context["object_list"]] == [recommended.pk]
    assert [t.pk for t in c.get("/consultations/topics/?status=approved").context["object_list"]] == [approved.pk]
    assert c.get("/consultations/topics/").context["queue_count"] == 2


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("root", 200), ("lily", 403), ("bob", 403),
                                              ("eve", 403)])
def test_review_queue_is_for_staff(cw, role, status):
    assert client(getattr(cw, role)).get("/consultations/topics/review/").status_code == status


def test_review_queue_holds_the_proposed_topics_oldest_first(cw):
    proposed, _approved, recommended = _topics(cw)
    response = client(cw.alice).get("/consultations/topics/review/")
    assert [t.pk for t in response.context["object_list"]] == [proposed.pk, recommended.pk]
    assert response.context["object_list"][0].review_form.auto_id == f"t{proposed.pk}_%s"


def test_member_recommends_a_topic(cw):
    form = client(cw.bob).get("/consultations/topics/new/").context["form"]
    assert ("source" in form.fields, form.initial["committee"], form.initial["year"]) == (False, cw.a.pk, YEAR)
    response = client(cw.bob).post("/consultations/topics/new/", {
        "committee": cw.a.pk, "year": YEAR, "title": "社区居家养老服务提质",
        "description": "社区居家养老服务供给不足，建议开展专题协商。", "kind": cw.kinds_a["special"].pk})
    topic = Topic.objects.get()
    assert (response["Location"], flashed(response)) == (
        f"/consultations/topics/{topic.pk}/",
        ["Thank you: your recommended topic is sent to the committee staff for review."])
    assert (topic.source, topic.recommended_by, topic.status, topic.kind) == (
        TopicSource.MEMBER, cw.bob_seat, TopicStatus.PROPOSED, cw.kinds_a["special"])
    assert cw.alice.notifications.filter(title="A member recommends a consultation topic: 社区居家养老服务提质").count() == 1


def test_staff_enter_an_assigned_topic(cw):
    form = client(cw.alice).get("/consultations/topics/new/").context["form"]
    assert [c[0] for c in form.fields["source"].choices] == ["assigned", "public"]
    response = client(cw.alice).post("/consultations/topics/new/", {
        "committee": cw.a.pk, "year": YEAR + 1, "source": "assigned", "source_detail": "市委办公室",
        "title": "营商环境优化", "description": "市委点题：优化营商环境，开展专题协商。", "organiser": cw.sc_a.pk})
    topic = Topic.objects.get()
    assert (response.status_code, flashed(response)) == (302, ["The topic is entered and waits for review."])
    assert (topic.source, topic.source_detail, topic.year, topic.organiser, topic.recommended_by) == (
        "assigned", "市委办公室", YEAR + 1, cw.sc_a, None)


@pytest.mark.parametrize(("data", "errors"), [
    ({"description": "太短了"}, {"description": ["At least 10 characters."]}),
    ({"title": "议" * 121}, {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
    ({"year": "1999"}, {"year": ["Select a valid choice. 1999 is not one of the available choices."]}),
    ({"year": "明年"}, {"year": ["Select a valid choice. 明年 is not one of the available choices."]}),
    ({"title": ""}, {"title": ["This field is required."]}),
])
def test_bad_topics_are_refused_at_the_field(cw, data, errors):
    response = client(cw.bob).post("/consultations/topics/new/", {
        "committee": cw.a.pk, "year": YEAR, "title": "社区居家养老服务提质",
        "description": "社区居家养老服务供给不足，建议开展专题协商。", **data})
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert Topic.objects.count() == 0


def test_a_member_cannot_pick_another_committees_kind(cw):
    response = client(cw.bob).post("/consultations/topics/new/", {
        "committee": cw.a.pk, "year": YEAR, "title": "社区居家养老服务提质",
        "description": "社区居家养老服务供给不足，建议开展专题协商。", "kind": cw.kinds_a1["special"].pk})
    assert response.context["form"].errors == {
        "kind": ["Select a valid choice. That choice is not one of the available choices."]}


@pytest.mark.parametrize(("role", "status"), [("bob", 200), ("alice", 200), ("carol", 403), ("lily", 403),
                                              ("eve", 403)])
def test_topic_form_per_role(cw, role, status):
    assert client(getattr(cw, role)).get("/consultations/topics/new/").status_code == status


def test_a_hostile_topic_is_escaped(cw):
    cw.topic(title="<script>alert(1)</script>议题", status="proposed")
    for url in ("/consultations/topics/", "/consultations/topics/review/"):
        content = client(cw.alice).get(url).content.decode()
        assert "<script>alert(1)" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;议题" in content


@pytest.mark.parametrize(("role", "status"), [("bob", 200), ("alice", 200), ("lily", 200), ("cindy", 404),
                                              ("carol", 404), ("dave", 404), ("eve", 404)])
def test_a_recommended_topic_per_role(cw, role, status):
    _proposed, _approved, recommended = _topics(cw)
    assert client(getattr(cw, role)).get(f"/consultations/topics/{recommended.pk}/").status_code == status


def test_staff_approve_a_topic_from_the_queue(cw):
    proposed, _approved, _recommended = _topics(cw)
    response = client(cw.alice).post(f"/consultations/topics/{proposed.pk}/review/", {
        "decision": "approve", "note": "列入年度计划", "next": "/consultations/topics/review/"})
    assert (response["Location"], flashed(response)) == ("/consultations/topics/review/",
                                                         ["The topic is approved."])
    proposed.refresh_from_db()
    assert (proposed.status, proposed.review_note, proposed.reviewed_by) == (TopicStatus.APPROVED, "列入年度计划",
                                                                             cw.alice)


def test_not_adopting_needs_a_reason_the_proposer_reads(cw):
    _proposed, _approved, recommended = _topics(cw)
    response = client(cw.alice).post(f"/consultations/topics/{recommended.pk}/review/", {"decision": "reject"})
    assert (response.status_code, response.context["review_form"].errors) == (
        200, {"note": ["This field is required."]})
    response = client(cw.alice).post(f"/consultations/topics/{recommended.pk}/review/", {
        "decision": "reject", "note": "与已列入计划的议题重复"})
    assert (response["Location"], flashed(response)) == (
        f"/consultations/topics/{recommended.pk}/", ["The topic is not adopted; whoever proposed it is told why."])
    page = client(cw.bob).get(f"/consultations/topics/{recommended.pk}/")
    assert (page.context["shows_review_note"], page.context["review_form"]) == (True, None)
    assert "与已列入计划的议题重复" in page.content.decode()


def test_a_decision_not_possible_now_is_a_message(cw):
    _proposed, approved, _recommended = _topics(cw)
    response = client(cw.alice).post(f"/consultations/topics/{approved.pk}/review/", {"decision": "approve"})
    assert flashed(response) == ["This is Approved; that step is not possible now."]
    plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=YEAR, title=f"{YEAR}年度协商工作计划")
    cs.plan_schedule(actor=cw.alice, plan=plan, topic=approved, month=5)
    assert client(cw.alice).get(f"/consultations/topics/{approved.pk}/").context["review_form"] is None
    response = client(cw.alice).post(f"/consultations/topics/{approved.pk}/review/", {"decision": "reject",
                                                                                      "note": "不再协商"})
    assert flashed(response) == ["This topic is in the plan; take it out of the plan first."]


def test_only_staff_review_topics(cw):
    _proposed, _approved, recommended = _topics(cw)
    assert client(cw.bob).post(f"/consultations/topics/{recommended.pk}/review/",
                               {"decision": "approve"}).status_code == 403
    assert client(cw.lily).post(f"/consultations/topics/{recommended.pk}/review/",
                                {"decision": "approve"}).status_code == 403
    assert client(cw.dave).post(f"/consultations/topics/{recommended.pk}/review/",
                                {"decision": "approve"}).status_code == 404
    assert client(cw.alice).post(f"/consultations/topics/{recommended.pk}/review/",
                                 {"decision": "maybe"}).context["review_form"].errors == {
        "decision": ["Select a valid choice. maybe is not one of the available choices."]}
    recommended.refresh_from_db()
    assert recommended.status == TopicStatus.PROPOSED


# --- the annual plan -------------------------------------------------------------------------------------


def _plan(cw, **fields) -> ConsultationPlan:
    return cs.plan_save(actor=cw.alice, committee=cw.a, year=fields.pop("year", YEAR),
                        title=fields.pop("title", f"{YEAR}年度协商工作计划"), **fields)


@pytest.mark.parametrize(("role", "visible"), [("alice", ["draft", "published"]), ("lily", ["published"]),
                                               ("bob", ["published"]), ("carol", []), ("ben", []), ("eve", [])])
def test_plan_list_shows_published_plans_to_members_and_leaders(cw, role, visible):
    draft = _plan(cw, year=YEAR + 1, title=f"{YEAR + 1}年度协商工作计划")
    published = _plan(cw)
    cs.plan_schedule(actor=cw.alice, plan=published, topic=cw.topic(), month=5)
    cs.plan_publish(actor=cw.alice, plan=published)
    plans = {"draft": draft, "published": published}
    response = client(getattr(cw, role)).get("/consultations/plans/")
    assert response.status_code == 200
    assert [p.pk for p in response.context["plans"]] == [plans[v].pk for v in visible]


def test_staff_create_a_plan_and_a_second_for_the_year_is_refused(cw):
    response = client(cw.alice).post("/consultations/plans/new/", {
        "committee": cw.a.pk, "year": YEAR, "title": f"{YEAR}年度协商工作计划", "introduction": "全年安排协商议题"})
    plan = ConsultationPlan.objects.get()
    assert (response["Location"], plan.status, plan.introduction) == (f"/consultations/plans/{plan.pk}/",
                                                                      PlanStatus.DRAFT, "全年安排协商议题")
    response = client(cw.alice).post("/consultations/plans/new/", {
        "committee": cw.a.pk, "year": YEAR, "title": "另一份计划"})
    assert response.context["form"].errors == {"year": [f"This committee already has a plan for {YEAR}."]}
    response = client(cw.alice).post("/consultations/plans/new/", {"committee": cw.a.pk, "year": "3000",
                                                                   "title": "计划"})
    assert response.context["form"].errors == {"year": ["Ensure this value is less than or equal to 2100."]}
    response = client(cw.alice).post("/consultations/plans/new/", {"committee": cw.a.pk, "year": YEAR + 1,
                                                                   "title": "计划"})
    assert response.context["form"].errors == {"title": ["At least 4 characters."]}


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 403), ("bob", 403), ("eve", 403)])
def test_new_plan_page_is_for_staff(cw, role, status):
    assert client(getattr(cw, role)).get("/consultations/plans/new/").status_code == status


def test_staff_schedule_move_and_take_out_topics(cw):
    plan = _plan(cw)
    topic = cw.topic()
    form = client(cw.alice).get(f"/consultations/plans/{plan.pk}/").context["schedule_form"]
    assert list(form.fields["topic"].queryset) == [topic]
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/schedule/", {
        "topic": topic.pk, "month": "6", "kind": cw.kinds_a["special"].pk, "organiser": cw.sc_a.pk})
    assert (response["Location"], flashed(response)) == (f"/consultations/plans/{plan.pk}/",
                                                         ["加快发展普惠托育服务 is in the plan for month 6."])
    topic.refresh_from_db()
    assert (topic.status, topic.plan, topic.planned_month, topic.organiser) == (TopicStatus.SCHEDULED, plan, 6,
                                                                                cw.sc_a)
    months = client(cw.alice).get(f"/consultations/plans/{plan.pk}/").context["months"]
    assert [(m["month"], [t.pk for t in m["topics"]]) for m in months if m["topics"]] == [(6, [topic.pk])]
    client(cw.alice).post(f"/consultations/plans/{plan.pk}/schedule/", {"topic": topic.pk, "month": "9"})
    topic.refresh_from_db()
    assert topic.planned_month == 9
    for bad in ("x", "99999999999999999999", ""):
        assert client(cw.alice).post(f"/consultations/plans/{plan.pk}/unschedule/", {"topic": bad}).status_code \
            == 404
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/unschedule/", {"topic": topic.pk})
    assert flashed(response) == ["加快发展普惠托育服务 is taken out of the plan."]
    topic.refresh_from_db()
    assert (topic.status, topic.plan) == (TopicStatus.APPROVED, None)


def test_only_approved_topics_of_the_year_are_scheduled(cw):
    plan = _plan(cw)
    proposed = cw.topic(title="城区停车难问题协商", status="proposed")
    next_year = cw.topic(title="营商环境优化", year=YEAR + 1)
    for topic in (proposed, next_year):
        response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/schedule/", {"topic": topic.pk, "month": "3"})
        assert response.context["schedule_form"].errors == {
            "topic": ["Select a valid choice. That choice is not one of the available choices."]}
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/schedule/", {"topic": cw.topic().pk,
                                                                                    "month": "13"})
    assert response.context["schedule_form"].errors == {
        "month": ["Select a valid choice. 13 is not one of the available choices."]}


def test_a_topic_with_a_session_stays_in_the_plan(cw):
    plan = _plan(cw)
    topic = cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=4)
    cw.session(topics=[topic])
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/unschedule/", {"topic": topic.pk})
    assert flashed(response) == ["A session on this topic exists; it stays in the plan."]


def test_publishing_needs_a_topic_then_members_see_the_plan(cw):
    plan = _plan(cw)
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/publish/")
    assert flashed(response) == ["Schedule at least one topic before publishing."]
    assert client(cw.bob).get(f"/consultations/plans/{plan.pk}/").status_code == 404
    cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=5)
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/publish/")
    assert flashed(response) == ["The plan is published: the committee's members and leaders see it."]
    page = client(cw.bob).get(f"/consultations/plans/{plan.pk}/")
    assert (page.status_code, page.context["schedule_form"], [m["month"] for m in page.context["months"]]) == (
        200, None, [5])
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/publish/")
    assert flashed(response) == ["The plan is already published."]


def test_members_do_not_change_the_plan(cw):
    plan = _plan(cw)
    topic = cs.plan_schedule(actor=cw.alice, plan=plan, topic=cw.topic(), month=5)
    cs.plan_publish(actor=cw.alice, plan=plan)
    for path, data in (("schedule/", {"topic": topic.pk, "month": "7"}), ("unschedule/", {"topic": topic.pk}),
                       ("publish/", {})):
        assert client(cw.bob).post(f"/consultations/plans/{plan.pk}/{path}", data).status_code == 403
        assert client(cw.dave).post(f"/consultations/plans/{plan.pk}/{path}", data).status_code == 404
    assert client(cw.bob).get(f"/consultations/plans/{plan.pk}/edit/").status_code == 403
    topic.refresh_from_db()
    assert topic.planned_month == 5


def test_staff_edit_the_plan(cw):
    plan = _plan(cw)
    response = client(cw.alice).post(f"/consultations/plans/{plan.pk}/edit/", {
        "title": f"{YEAR}年度协商工作计划（修订）", "introduction": "<script>x</script>"})
    plan.refresh_from_db()
    assert (response.status_code, plan.title, plan.year) == (302, f"{YEAR}年度协商工作计划（修订）", YEAR)
    content = client(cw.alice).get(f"/consultations/plans/{plan.pk}/").content.decode()
    assert "<script>x</script>" not in content and "&lt;script&gt;x&lt;/script&gt;" in content
