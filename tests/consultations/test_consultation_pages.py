"""The consultation session pages: the lists and a session's page per role (404 outside scope),
creating and changing a session, the workflow buttons, participants and attendance, and a
member's "My meetings" with answering and signing in. Every POST's real effect goes through
the services; bad input shows at the field, the wrong state as a message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from consultations.choices import Attendance, ConsultationForm, InvitationStatus, ParticipantRole, SessionStatus
from consultations.models import Consultation, Participant
from consultations.services import consultations as cs

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def local(value: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(value))


def in_progress(cw, **fields) -> Consultation:
    """A session that began half an hour ago, bob and cindy invited, in progress."""
    session = cw.session(starts_at=timezone.now() - dt.timedelta(minutes=30), **fields)
    return cs.consultation_open(actor=cw.alice, consultation=cw.invited(session))


def place_of(session, seat) -> Participant:
    return session.participants.get(member=seat)


# --- lists -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "visible"), [
    ("alice", ["planned", "counterpart"]), ("root", ["planned", "counterpart"]), ("lily", ["counterpart"]),
    ("bob", ["counterpart"]), ("carol", ["counterpart"]), ("hank", []), ("dave", []), ("ben", []), ("eve", []),
])
def test_session_list_shows_each_role_its_scope(cw, role, visible):
    cw.session(title="筹备中的专题协商会")
    counterpart = cw.session(form=ConsultationForm.COUNTERPART, title="教育对口协商会", departments=[cw.dept_a])
    cs.consultation_announce(actor=cw.alice, consultation=counterpart)
    response = client(getattr(cw, role)).get("/consultations/")
    assert response.status_code == 200
    titles = {"planned": "筹备中的专题协商会", "counterpart": "教育对口协商会"}
    assert sorted(c.title for c in response.context["object_list"]) == sorted(titles[v] for v in visible)


def test_session_list_needs_login(cw):
    response = client().get("/consultations/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/consultations/")


@pytest.mark.parametrize("path", ["/consultations/mine/", "/consultations/new/", "/consultations/{pk}/",
                                  "/consultations/topics/", "/consultations/plans/", "/consultations/results/",
                                  "/consultations/instructions/", "/consultations/kinds/"])
def test_pages_need_login(cw, path):
    url = path.format(pk=cw.invited().pk)
    response = client().get(url)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_actions_need_login(cw):
    session = cw.invited()
    response = client().post(f"/consultations/{session.pk}/open/")
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next=/consultations/{session.pk}"
                                                                 "/open/")
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED


def test_session_list_filters_by_status_and_kind(cw):
    cw.session(title="筹备中的专题协商会")
    announced = cw.invited(cw.session(form=ConsultationForm.MICRO, title="主席微协商会"))
    c = client(cw.alice)
    assert [x.pk for x in c.get("/consultations/?status=announced").context["object_list"]] == [announced.pk]
    kind = cw.kinds_a[ConsultationForm.MICRO]
    assert [x.pk for x in c.get(f"/consultations/?kind={kind.pk}").context["object_list"]] == [announced.pk]
    outside = c.get(f"/consultations/?kind={cw.kinds_a1['micro'].pk}").context["filter"]
    assert outside.errors == {"kind": ["Select a valid choice. That choice is not one of the available choices."]}


def test_only_staff_get_the_new_session_button(cw):
    assert client(cw.alice).get("/consultations/").context["can_create"] is True
    assert client(cw.lily).get("/consultations/").context["can_create"] is False


# --- one session --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [
    ("alice", 200), ("fiona", 200), ("root", 200), ("lily", 404), ("bob", 404), ("carol", 404), ("eve", 404),
])
def test_a_session_being_prepared_is_staffs_alone(cw, role, status):
    session = cw.session(form=ConsultationForm.COUNTERPART, departments=[cw.dept_a])
    assert client(getattr(cw, role)).get(f"/consultations/{session.pk}/").status_code == status


@pytest.mark.parametrize(("role", "status"), [
    ("alice", 200), ("lily", 200), ("bob", 200), ("cindy", 200), ("carol", 200),
    ("hank", 404), ("dave", 404), ("ben", 404), ("ada", 404), ("eve", 404),
])
def test_an_announced_counterpart_session_per_role(cw, role, status):
    session = cw.invited(cw.session(form=ConsultationForm.COUNTERPART, departments=[cw.dept_a]))
    assert client(getattr(cw, role)).get(f"/consultations/{session.pk}/").status_code == status


def test_session_page_shows_staff_the_workflow_and_the_member_their_invitation(cw):
    session = cw.invited()
    staff = client(cw.alice).get(f"/consultations/{session.pk}/").context
    assert (staff["can_open"], staff["can_cancel"], staff["can_invite"], staff["mine"]) == (True, True, True, None)
    assert "invite_form" in staff and "cancel_form" in staff
    member = client(cw.bob).get(f"/consultations/{session.pk}/").context
    assert (member["can_open"], member["can_invite"], member["mine"].member, member["can_answer"]) == (
        False, False, cw.bob_seat, True)
    assert member["timeline"] is None
    assert staff["timeline"][0]["action"] == "Notice sent (announced)"


def test_participants_answers_are_for_staff_and_leaders(cw):
    session = cw.invited()
    cs.invitation_respond(actor=cw.cindy, participant=place_of(session, cw.cindy_seat), accept=False,
                          note="家中有事需请假")
    assert "家中有事需请假" in client(cw.lily).get(f"/consultations/{session.pk}/").content.decode()
    assert "家中有事需请假" not in client(cw.bob).get(f"/consultations/{session.pk}/").content.decode()


# --- create and change ---------------------------------------------------------------------------------


def _form(cw, **fields) -> dict:
    data = {"committee": cw.a.pk, "kind": cw.kinds_a[ConsultationForm.SPECIAL].pk, "title": "普惠托育专题协商会",
            "starts_at": "2030-05-20T09:00", "ends_at": "2030-05-20T12:00", "place": "市政协三楼会议室",
            "organiser": cw.sc_a.pk, "description": "围绕普惠托育服务开展专题协商。"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("root", 200), ("lily", 403), ("bob", 403),
                                              ("carol", 403), ("eve", 403)])
def test_new_session_page_is_for_staff(cw, role, status):
    assert client(getattr(cw, role)).get("/consultations/new/").status_code == status


def test_staff_create_a_session_through_the_service(cw):
    topic = cw.topic()
    response = client(cw.alice).post("/consultations/new/", _form(cw, topics=[topic.pk], departments=[cw.dept_a.pk]))
    session = Consultation.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/consultations/{session.pk}/")
    assert (session.title, session.status, session.starts_at, session.ends_at, session.organiser, session.created_by) \
        == ("普惠托育专题协商会", SessionStatus.PLANNED, local("2030-05-20T09:00"), local("2030-05-20T12:00"),
            cw.sc_a, cw.alice)
    assert (list(session.topics.all()), list(session.departments.all())) == ([topic], [cw.dept_a])
    assert flashed(response) == ["The session is being prepared. Invite participants and add materials, then send "
                                 "the notice."]


def test_the_form_offers_what_the_kind_needs(cw):
    c = client(cw.alice)
    special = c.get(f"/consultations/new/?kind={cw.kinds_a['special'].pk}").context["form"]
    handling = c.get(f"/consultations/new/?kind={cw.kinds_a['proposal_handling'].pk}").context["form"]
    counterpart = c.get(f"/consultations/new/?kind={cw.kinds_a['counterpart'].pk}").context["form"]
    assert ("proposals" in special.fields, "proposals" in handling.fields) == (False, True)
    assert (handling.fields["proposals"].required, counterpart.fields["departments"].required) == (True, True)
    # the committee's own choices only: A's kinds, its active departments
    assert set(special.fields["kind"].queryset) == set(cw.kinds_a.values())
    assert set(special.fields["departments"].queryset) == {cw.dept_a, cw.dept_a2, cw.dept_a3}


def test_changing_the_kind_on_edit_offers_its_fields(cw):
    session = cw.session()
    handling = cw.kinds_a["proposal_handling"]
    form = client(cw.alice).get(f"/consultations/{session.pk}/edit/").context["form"]
    assert ("proposals" in form.fields, form.initial["kind"]) == (False, cw.kinds_a["special"].pk)
    form = client(cw.alice).get(f"/consultations/{session.pk}/edit/?kind={handling.pk}").context["form"]
    assert ("proposals" in form.fields, form.initial["kind"]) == (True, handling.pk)
    form = client(cw.alice).get(f"/consultations/{session.pk}/edit/?kind=x").context["form"]
    assert form.initial["kind"] == cw.kinds_a["special"].pk


def test_proposal_handling_session_names_filed_proposals(cw):
    filed = cw.filed(lead=cw.dept_a)
    submitted = cw.submitted(title="关于推进垃圾分类的建议")
    kind = cw.kinds_a[ConsultationForm.PROPOSAL_HANDLING]
    form = client(cw.alice).get(f"/consultations/new/?kind={kind.pk}").context["form"]
    assert list(form.fields["proposals"].queryset) == [filed]
    client(cw.alice).post("/consultations/new/", _form(cw, kind=kind.pk, proposals=[filed.pk]))
    assert list(Consultation.objects.get().proposals.all()) == [filed]
    response = client(cw.alice).post("/consultations/new/", _form(cw, kind=kind.pk, proposals=[submitted.pk]))
    assert response.context["form"].errors == {"proposals": [
        f"Select a valid choice. {submitted.pk} is not one of the available choices."]}


def test_service_errors_show_next_to_the_fields(cw):
    response = client(cw.alice).post("/consultations/new/", _form(cw, place=""))
    assert response.status_code == 200
    assert response.context["form"].errors == {"place": ["Give the place, or mark the session as online."]}
    response = client(cw.alice).post("/consultations/new/", _form(cw, title="协商", ends_at="2030-07-20T12:00"))
    assert response.context["form"].errors == {
        "title": ["Give a title of 4 to 120 characters."],
        "ends_at": ["A session lasts at most a month; make several for a longer activity."]}
    assert Consultation.objects.count() == 0


@pytest.mark.parametrize(("fields", "errors"), [
    ({"title": "协" * 121}, {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
    ({"starts_at": "next tuesday"}, {"starts_at": ["Enter a valid date/time."]}),
    ({"ends_at": "2030-05-20T08:00"}, {"ends_at": ["The end must not be before the start."]}),
    ({"title": ""}, {"title": ["This field is required."]}),
])
def test_malformed_and_oversized_input_is_refused(cw, fields, errors):
    response = client(cw.alice).post("/consultations/new/", _form(cw, **fields))
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert Consultation.objects.count() == 0


def test_another_committees_kind_or_department_is_refused(cw):
    response = client(cw.alice).post("/consultations/new/", _form(cw, kind=cw.kinds_a1["special"].pk,
                                                                  departments=[cw.dept_b.pk]))
    assert response.context["form"].errors == {
        "kind": ["Select a valid choice. That choice is not one of the available choices."],
        "departments": [f"Select a valid choice. {cw.dept_b.pk} is not one of the available choices."]}
    response = client(cw.alice).post("/consultations/new/", _form(cw, committee=cw.b.pk))
    assert response.context["form"].errors["committee"] == [
        "Select a valid choice. That choice is not one of the available choices."]


def test_a_counterpart_session_needs_its_departments(cw):
    response = client(cw.alice).post("/consultations/new/", _form(cw, kind=cw.kinds_a["counterpart"].pk))
    assert response.context["form"].errors == {"departments": ["This field is required."]}


def test_hostile_title_is_shown_escaped(cw):
    client(cw.alice).post("/consultations/new/", _form(cw, title="<script>alert('x')</script>协商会"))
    session = Consultation.objects.get()
    assert session.title == "<script>alert('x')</script>协商会"
    for url in (f"/consultations/{session.pk}/", "/consultations/"):
        content = client(cw.alice).get(url).content.decode()
        assert "<script>alert(" not in content
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;协商会" in content


def test_staff_change_a_session_and_invitees_are_told(cw):
    session = cw.invited()
    response = client(cw.alice).post(f"/consultations/{session.pk}/edit/", _form(
        cw, title="普惠托育专题协商会（改期）", starts_at="2030-06-02T14:30", ends_at="2030-06-02T17:00"))
    assert (response.status_code, response["Location"]) == (302, f"/consultations/{session.pk}/")
    session.refresh_from_db()
    assert (session.title, session.starts_at) == ("普惠托育专题协商会（改期）", local("2030-06-02T14:30"))
    assert cw.bob.notifications.filter(title__startswith="Changed: 普惠托育专题协商会（改期）").count() == 1


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 403), ("bob", 403), ("eve", 404)])
def test_edit_page_per_role(cw, role, status):
    session = cw.invited()
    assert client(getattr(cw, role)).get(f"/consultations/{session.pk}/edit/").status_code == status


def test_a_held_session_cannot_be_changed(cw):
    session = cw.held()
    assert client(cw.alice).get(f"/consultations/{session.pk}/edit/").status_code == 403


# --- the workflow -----------------------------------------------------------------------------------------


def test_staff_take_a_session_from_notice_to_held(cw):
    session = cw.session(starts_at=timezone.now() - dt.timedelta(minutes=30))
    cs.participants_invite(actor=cw.alice, event=session, members=[cw.bob_seat, cw.cindy_seat])
    response = client(cw.alice).post(f"/consultations/{session.pk}/announce/")
    assert (response.status_code, response["Location"], flashed(response)) == (
        302, f"/consultations/{session.pk}/", ["The notice is sent: the invitees are asked to answer."])
    cs.invitation_respond(actor=cw.cindy, participant=place_of(session, cw.cindy_seat), accept=False, note="出差在外")
    response = client(cw.alice).post(f"/consultations/{session.pk}/open/")
    assert flashed(response) == ["The session is in progress: participants can sign in."]
    cs.participant_check_in(actor=cw.bob, participant=place_of(session, cw.bob_seat))
    response = client(cw.alice).post(f"/consultations/{session.pk}/close/", {"close-summary": "会议形成三点共识。"})
    assert flashed(response) == ["The session is held. Attendance is settled; write its result next."]
    session.refresh_from_db()
    assert (session.status, session.summary) == (SessionStatus.HELD, "会议形成三点共识。")
    assert dict(session.participants.values_list("name", "attendance")) == {
        "王博": Attendance.PRESENT, "崔欣": Attendance.EXCUSED}


def test_a_step_not_possible_now_is_a_message(cw):
    session = cw.invited()
    response = client(cw.alice).post(f"/consultations/{session.pk}/announce/")
    assert (response.status_code, flashed(response)) == (302, ["This is Announced; that step is not possible now."])
    response = client(cw.alice).post(f"/consultations/{session.pk}/close/", {"close-summary": ""})
    assert flashed(response) == ["This is Announced; that step is not possible now."]


def test_cancelling_needs_a_reason(cw):
    session = cw.invited()
    response = client(cw.alice).post(f"/consultations/{session.pk}/cancel/", {"cancel-reason": ""})
    assert (response.status_code, response.context["cancel_form"].errors) == (
        200, {"reason": ["This field is required."]})
    response = client(cw.alice).post(f"/consultations/{session.pk}/cancel/", {"cancel-reason": "会"})
    assert response.context["cancel_form"].errors == {"reason": ["At least 4 characters."]}
    response = client(cw.alice).post(f"/consultations/{session.pk}/cancel/", {"cancel-reason": "议题调整，另行安排"})
    session.refresh_from_db()
    assert (session.status, flashed(response)) == (SessionStatus.CANCELLED, ["The session is cancelled."])
    assert cw.bob.notifications.filter(title="Cancelled: 普惠托育专题协商会").count() == 1


@pytest.mark.parametrize("action", ["announce", "open", "close", "cancel"])
def test_members_and_leaders_cannot_run_the_workflow(cw, action):
    session = cw.invited()
    for user in (cw.bob, cw.lily):
        assert client(user).post(f"/consultations/{session.pk}/{action}/", {"cancel-reason": "不想开了"}).status_code \
            == 403
    planned = cw.session(title="筹备中的协商会")
    assert client(cw.bob).post(f"/consultations/{planned.pk}/{action}/").status_code == 404
    assert client(cw.dave).post(f"/consultations/{session.pk}/{action}/").status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED


def test_actions_need_post(cw):
    session = cw.invited()
    assert client(cw.alice).get(f"/consultations/{session.pk}/open/").status_code == 405


# --- participants -------------------------------------------------------------------------------------------


def test_staff_invite_members_and_a_guest(cw):
    session = cw.session()
    form = client(cw.alice).get(f"/consultations/{session.pk}/").context["invite_form"]
    # serving members of the committee by sector, then name
    assert list(form.fields["members"].queryset) == [cw.cindy_seat, cw.bob_seat]
    response = client(cw.alice).post(f"/consultations/{session.pk}/invite/", {
        "invite-members": [cw.bob_seat.pk, cw.cindy_seat.pk], "invite-guest_name": "李教授",
        "invite-guest_organisation": "甲市大学", "invite-guest_role": ParticipantRole.EXPERT})
    assert (response.status_code, response["Location"], flashed(response)) == (
        302, f"/consultations/{session.pk}/#participants", ["3 invited."])
    assert list(session.participants.values_list("name", "role", "organisation", "invitation")) == [
        ("崔欣", "member", "", "pending"), ("王博", "member", "", "pending"),
        ("李教授", "expert", "甲市大学", "pending")]
    # the picker no longer offers who is invited
    form = client(cw.alice).get(f"/consultations/{session.pk}/").context["invite_form"]
    assert list(form.fields["members"].queryset) == []


def test_a_duplicate_invitation_is_a_field_error(cw):
    session = cw.invited()
    response = client(cw.alice).post(f"/consultations/{session.pk}/invite/", {"invite-members": [cw.bob_seat.pk],
                                                                               "invite-guest_role": "expert"})
    assert response.status_code == 200
    assert response.context["invite_form"].errors == {
        "members": [f"Select a valid choice. {cw.bob_seat.pk} is not one of the available choices."]}
    assert session.participants.filter(member=cw.bob_seat).count() == 1


@pytest.mark.parametrize(("data", "errors"), [
    ({}, {"members": ["Choose whom to invite."]}),
    ({"invite-guest_name": "李" * 61}, {"guest_name": ["Ensure this value has at most 60 characters (it has 61)."]}),
    ({"invite-guest_organisation": "甲市大学"}, {"guest_name": ["Give the guest's name."]}),
    ({"invite-guest_name": "李教授", "invite-guest_role": "member"},
     {"guest_role": ["Select a valid choice. member is not one of the available choices."]}),
])
def test_bad_invitations_are_refused_at_the_field(cw, data, errors):
    session = cw.session()
    response = client(cw.alice).post(f"/consultations/{session.pk}/invite/", {"invite-guest_role": "expert", **data})
    assert (response.status_code, response.context["invite_form"].errors) == (200, errors)
    assert session.participants.count() == 0


def test_a_member_of_another_committee_cannot_be_invited(cw):
    session = cw.session()
    response = client(cw.alice).post(f"/consultations/{session.pk}/invite/", {
        "invite-members": [cw.ben_seat.pk], "invite-guest_role": "expert"})
    assert response.context["invite_form"].errors == {
        "members": [f"Select a valid choice. {cw.ben_seat.pk} is not one of the available choices."]}


def test_a_hostile_guest_name_is_escaped(cw):
    session = cw.session()
    client(cw.alice).post(f"/consultations/{session.pk}/invite/", {
        "invite-guest_name": "<b onmouseover=x>李</b>", "invite-guest_role": "public"})
    content = client(cw.alice).get(f"/consultations/{session.pk}/").content.decode()
    assert "<b onmouseover=x>" not in content
    assert "&lt;b onmouseover=x&gt;李&lt;/b&gt;" in content


def test_staff_remove_a_participant_but_not_once_signed_in(cw):
    session = in_progress(cw)
    bob, cindy = place_of(session, cw.bob_seat), place_of(session, cw.cindy_seat)
    cs.participant_check_in(actor=cw.bob, participant=bob)
    response = client(cw.alice).post(f"/consultations/{session.pk}/participants/{cindy.pk}/remove/")
    assert flashed(response) == ["崔欣 is removed from the list."]
    response = client(cw.alice).post(f"/consultations/{session.pk}/participants/{bob.pk}/remove/")
    assert flashed(response) == ["王博 has signed in or spoken; record their attendance instead."]
    assert list(session.participants.values_list("name", flat=True)) == ["王博"]
    assert client(cw.bob).post(f"/consultations/{session.pk}/participants/{bob.pk}/remove/").status_code == 403


def test_a_participant_of_another_session_is_not_found(cw):
    one, other = cw.invited(), cw.invited(cw.session(title="另一场协商会"))
    response = client(cw.alice).post(f"/consultations/{one.pk}/participants/{place_of(other, cw.bob_seat).pk}/remove/")
    assert response.status_code == 404


def test_staff_record_attendance_and_an_excuse_needs_a_reason(cw):
    session = in_progress(cw)
    cindy = place_of(session, cw.cindy_seat)
    url = f"/consultations/{session.pk}/participants/{cindy.pk}/attendance/"
    response = client(cw.alice).post(url, {f"att{cindy.pk}-attendance": "excused", f"att{cindy.pk}-note": ""})
    assert response.status_code == 200
    assert response.context["participants"][1].attendance_form.errors == {
        "note": ["Give the reason for the excused absence."]}
    response = client(cw.alice).post(url, {f"att{cindy.pk}-attendance": "excused", f"att{cindy.pk}-note": "因公出差"})
    assert flashed(response) == ["Attendance of 崔欣: Excused absence"]
    cindy.refresh_from_db()
    assert (cindy.attendance, cindy.response_note) == (Attendance.EXCUSED, "因公出差")
    response = client(cw.alice).post(url, {f"att{cindy.pk}-attendance": "unknown"})
    assert response.context["participants"][1].attendance_form.errors == {
        "attendance": ["Select a valid choice. unknown is not one of the available choices."]}


def test_staff_sign_someone_in(cw):
    session = in_progress(cw)
    cindy = place_of(session, cw.cindy_seat)
    response = client(cw.alice).post(f"/consultations/{session.pk}/participants/{cindy.pk}/check-in/")
    assert (response["Location"], flashed(response)) == (f"/consultations/{session.pk}/#participants",
                                                         ["崔欣 is signed in."])
    cindy.refresh_from_db()
    assert (cindy.attendance, cindy.invitation) == (Attendance.PRESENT, InvitationStatus.ACCEPTED)
    response = client(cw.alice).post(f"/consultations/{session.pk}/participants/{cindy.pk}/check-in/")
    assert flashed(response) == [f"Already signed in at {timezone.localtime(cindy.checked_in_at):%H:%M}."]


# --- the member ----------------------------------------------------------------------------------------------


def test_member_accepts_and_asks_for_leave(cw):
    session = cw.invited()
    bob = place_of(session, cw.bob_seat)
    url = f"/consultations/{session.pk}/participants/{bob.pk}/respond/"
    response = client(cw.bob).post(url, {"decision": "accept"})
    assert (response["Location"], flashed(response)) == (f"/consultations/{session.pk}/",
                                                         ["Thank you: you will attend."])
    response = client(cw.bob).post(url, {"decision": "decline", "note": ""})
    assert (response.status_code, response.context["respond_form"].errors) == (200, {"note": ["This field is required."]})
    response = client(cw.bob).post(url, {"decision": "decline", "note": "参加省里培训", "next": "/consultations/mine/"})
    assert (response["Location"], flashed(response)) == ("/consultations/mine/",
                                                         ["Your leave is asked; the staff are told."])
    bob.refresh_from_db()
    assert (bob.invitation, bob.response_note) == (InvitationStatus.DECLINED, "参加省里培训")
    assert cw.alice.notifications.filter(title="王博 asks for leave from 普惠托育专题协商会").count() == 1


def test_only_the_invitee_answers(cw):
    session = cw.invited()
    bob = place_of(session, cw.bob_seat)
    url = f"/consultations/{session.pk}/participants/{bob.pk}/respond/"
    assert client(cw.cindy).post(url, {"decision": "accept"}).status_code == 404
    assert client(cw.alice).post(url, {"decision": "accept"}).status_code == 404
    assert client(cw.dave).post(url, {"decision": "accept"}).status_code == 404
    bob.refresh_from_db()
    assert bob.invitation == InvitationStatus.PENDING


def test_oversized_leave_reason_and_unsafe_next_are_refused(cw):
    session = cw.invited()
    bob = place_of(session, cw.bob_seat)
    url = f"/consultations/{session.pk}/participants/{bob.pk}/respond/"
    response = client(cw.bob).post(url, {"decision": "decline", "note": "因" * 301})
    assert response.context["respond_form"].errors == {
        "note": ["Ensure this value has at most 300 characters (it has 301)."]}
    response = client(cw.bob).post(url, {"decision": "accept", "next": "https://evil.example/"})
    assert response["Location"] == f"/consultations/{session.pk}/"


def test_member_signs_in_while_the_session_is_in_progress(cw):
    session = in_progress(cw)
    bob = place_of(session, cw.bob_seat)
    response = client(cw.bob).post(f"/consultations/{session.pk}/participants/{bob.pk}/check-in/",
                                   {"next": "/consultations/mine/"})
    assert (response["Location"], flashed(response)) == ("/consultations/mine/", ["王博 is signed in."])
    bob.refresh_from_db()
    assert bob.attendance == Attendance.PRESENT
    cindy = place_of(session, cw.cindy_seat)
    assert client(cw.bob).post(f"/consultations/{session.pk}/participants/{cindy.pk}/check-in/").status_code == 404


def test_signing_in_too_early_is_a_message(cw):
    session = cs.consultation_open(actor=cw.alice, consultation=cw.invited())  # starts in a week
    bob = place_of(session, cw.bob_seat)
    response = client(cw.bob).post(f"/consultations/{session.pk}/participants/{bob.pk}/check-in/")
    assert flashed(response) == ["Sign-in is open from two hours before the start until an hour after the end."]
    bob.refresh_from_db()
    assert bob.checked_in_at is None


def test_my_meetings_lists_coming_and_past_invitations(cw):
    coming = cw.invited(cw.session(title="下周的专题协商会"))
    past = cw.held(cw.session(title="上月的专题协商会", starts_at=timezone.now() - dt.timedelta(days=30)))
    cw.session(title="筹备中的协商会")  # not announced: not shown
    cs.participants_invite(actor=cw.alice, event=Consultation.objects.get(title="筹备中的协商会"), members=[cw.bob_seat])
    response = client(cw.bob).get("/consultations/mine/")
    assert response.status_code == 200
    upcoming = response.context["upcoming"]
    assert [(p.consultation, p.can_answer, p.can_check_in) for p in upcoming] == [(coming, True, False)]
    assert [p.consultation for p in response.context["past"]] == [past]
    assert b"<form class=\"inline respond-form\"" in response.content


def test_my_meetings_of_someone_without_invitations_is_empty(cw):
    response = client(cw.carol).get("/consultations/mine/")
    assert (response.status_code, response.context["upcoming"], list(response.context["past"])) == (200, [], [])
