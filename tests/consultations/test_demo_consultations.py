"""The demo consultation, supervision and information work: loaded through the services on top of
``demo_data`` and ``demo_proposals``, it shows every state a session, a result, a task and an
information item can be in, adoption up the committee tree, the demo logins' own work, and a
second run creates nothing."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations.choices import (
    AdoptionLevel,
    Attendance,
    ConsultationForm,
    InformationStatus,
    InvitationStatus,
    IssueStatus,
    ResultStatus,
    SessionStatus,
    SupervisionKind,
    TaskStatus,
    TopicSource,
    TopicStatus,
)
from consultations.models import (
    Adoption,
    BulletinIssue,
    Consultation,
    FollowUp,
    InformationItem,
    InformationOfficer,
    Instruction,
    Participant,
    Result,
    Task,
    Topic,
)
from consultations.selectors import consultations_for, information_for, my_participations, results_for
from cppcc_portal.core.models import AuditEntry, Notification
from members.models import Committee, User
from proposals.choices import CaseKind
from proposals.models import Assignment

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_consultations_show_every_state_and_a_second_run_creates_nothing(tmp_path):
    run("demo_data", "--quiet")
    run("demo_proposals", "--quiet")
    logins = tmp_path / "logins.txt"
    logins.write_text("Demo logins:\n", encoding="utf-8")

    output = run("demo_consultations", "--quiet", "--logins-file", str(logins))

    assert output.startswith("Demo consultations ready in ")
    assert output.splitlines()[0].split(": ", 1)[1] == "191 objects created, 0 already present."
    city, county = Committee.objects.get(name="政协濮阳市委员会"), Committee.objects.get(name="政协范县委员会")
    year = timezone.localdate().year
    member, liaison, leader = (User.objects.get(username=u) for u in ("member", "liaison", "leader"))

    # sessions: every status, every form of the city's kinds, and some in the county
    sessions = Consultation.objects.filter(committee__in=[city, county])
    assert Counter(sessions.values_list("status", flat=True)) == {
        SessionStatus.PLANNED: 3, SessionStatus.ANNOUNCED: 4, SessionStatus.OPEN: 1, SessionStatus.HELD: 22,
        SessionStatus.CANCELLED: 1,
    }
    assert set(sessions.filter(committee=city).values_list("kind__form", flat=True)) == set(ConsultationForm.values)
    assert sessions.filter(committee=county).count() == 4
    held = Participant.objects.filter(consultation__status=SessionStatus.HELD)
    assert set(held.values_list("attendance", flat=True)) == {Attendance.PRESENT, Attendance.EXCUSED,
                                                              Attendance.ABSENT}
    assert not held.filter(attendance=Attendance.UNKNOWN).exists()
    open_session = sessions.get(status=SessionStatus.OPEN)
    assert (open_session.kind.form, open_session.is_online, open_session.discussion_open) == (
        ConsultationForm.ONLINE, True, True)
    assert open_session.posts.count() == 5
    assert open_session.posts.filter(author=member).count() == 1
    grassroots = sessions.get(committee=city, kind__form=ConsultationForm.GRASSROOTS)
    assert all(step["done_on"] for step in grassroots.steps) and len(grassroots.steps) == 8
    handling = sessions.get(kind__form=ConsultationForm.PROPOSAL_HANDLING)
    assert handling.proposals.count() == 3

    # the demo member: invited to two announced sessions she has not answered, at the open one
    assert Counter(Participant.objects.filter(member__user=member, consultation__status=SessionStatus.ANNOUNCED)
                   .values_list("invitation", flat=True)) == {InvitationStatus.PENDING: 2,
                                                              InvitationStatus.ACCEPTED: 1}
    assert my_participations(member, upcoming=True).filter(consultation=open_session).exists()
    # the liaison's department: a counterpart session, a result concerning it with his own follow-up
    counterpart = sessions.get(departments__name="濮阳市住房和城乡建设局", status=SessionStatus.HELD)
    assert consultations_for(liaison).filter(pk=counterpart.pk).exists()
    assert results_for(liaison).filter(consultation=counterpart, status=ResultStatus.SENT).exists()
    assert FollowUp.objects.filter(recorded_by=liaison).count() == 2

    # topics from the three sources, in every state; the year's plan is published
    topics = Topic.objects.filter(committee=city)
    assert set(topics.values_list("source", flat=True)) == set(TopicSource.values)
    assert Counter(topics.values_list("status", flat=True)) == {
        TopicStatus.PROPOSED: 3, TopicStatus.APPROVED: 1, TopicStatus.REJECTED: 3, TopicStatus.SCHEDULED: 9,
        TopicStatus.DONE: 19,
    }
    assert set(city.consultation_plans.values_list("status", flat=True)) == {"published"}

    # results from draft to implemented, with leader instructions
    results = Result.objects.filter(committee__in=[city, county])
    assert Counter(results.values_list("status", flat=True)) == {
        ResultStatus.DRAFT: 2, ResultStatus.APPROVED: 2, ResultStatus.SENT: 5, ResultStatus.CLOSED: 4,
    }
    assert Instruction.objects.filter(result__isnull=False).count() == 9
    assert results.filter(status=ResultStatus.CLOSED, follow_ups__implemented=True).count() == 4

    # tasks: the four kinds of supervision, research and inspection; one across two years
    tasks = Task.objects.filter(committee=city)
    assert set(tasks.exclude(supervision_kind="").values_list("supervision_kind", flat=True)) == set(
        SupervisionKind.values[1:])
    assert Counter(tasks.values_list("category", flat=True)) == {"supervision": 4, "research": 2, "inspection": 1}
    assert Counter(tasks.values_list("status", flat=True)) == {
        TaskStatus.PLANNED: 1, TaskStatus.ACTIVE: 3, TaskStatus.REPORTED: 1, TaskStatus.CONCLUDED: 2,
    }
    follow_up = tasks.get(supervision_kind=SupervisionKind.FOLLOW_UP)
    assert (follow_up.start_year, follow_up.end_year, follow_up.status) == (year - 1, year, TaskStatus.ACTIVE)
    assert list(follow_up.reports.values_list("year", "kind")) == [(year - 1, "annual")]
    assert follow_up.team.filter(member__user=member).exists()
    assert tasks.get(category="research", status=TaskStatus.CONCLUDED).team.get(role="lead").member.user == member
    collaborative = tasks.get(supervision_kind=SupervisionKind.COLLABORATIVE)
    assert sorted(collaborative.partners.values_list("kind", flat=True)) == ["court", "procuratorate"]

    # information: every state, bulletins and their issues, adoption at every level
    items = InformationItem.objects.filter(committee=city)
    assert Counter(items.values_list("status", flat=True)) == {
        InformationStatus.DRAFT: 6, InformationStatus.SUBMITTED: 10, InformationStatus.NOT_ADOPTED: 8,
        InformationStatus.APPROVED: 6, InformationStatus.SIGNED_OFF: 5, InformationStatus.COMPILED: 5,
        InformationStatus.SENT: 39,
    }
    issues = BulletinIssue.objects.filter(committee=city)
    assert Counter(issues.values_list("bulletin__name", "status")) == {
        ("社情民意", IssueStatus.SENT): 5, ("社情民意", IssueStatus.DRAFT): 1, ("政协信息", IssueStatus.SENT): 3,
    }
    assert Counter(Adoption.objects.values_list("level", flat=True)) == {
        AdoptionLevel.COMMITTEE: 45, AdoptionLevel.HIGHER: 3, AdoptionLevel.PROVINCIAL: 4, AdoptionLevel.NATIONAL: 1,
    }
    # three-level linkage: county items adopted by the city, on the county's own items
    assert set(Adoption.objects.filter(level=AdoptionLevel.HIGHER).values_list("item__committee", flat=True)) == {
        county.pk}
    assert items.filter(forwarded_from__committee=county).count() == 6
    assert InformationItem.objects.filter(committee=city.parent, forwarded_from__committee=city).count() == 5
    assert Instruction.objects.filter(information__isnull=False).count() == 6
    assert items.filter(authors__member__user=member).exclude(status=InformationStatus.DRAFT).count() == 7
    assert information_for(member).filter(status=InformationStatus.DRAFT, submitted_by=member).count() == 1
    passed = Assignment.objects.filter(case__kind=CaseKind.INFORMATION)
    assert sorted(passed.values_list("department__name", flat=True)) == ["濮阳市住房和城乡建设局", "濮阳市卫生健康委员会"]
    assert information_for(liaison).filter(case__isnull=False).count() == 1
    assert items.filter(source_proposal__isnull=False).count() == 3
    officer = User.objects.get(username="xinxi")
    assert InformationOfficer.objects.filter(user=officer, committee=city, is_active=True).exists()
    assert items.filter(submitted_by=officer).count() == 5
    assert "  xinxi " in logins.read_text(encoding="utf-8")
    # the leader signed items off; nothing is dated in the future
    assert items.filter(signed_off_by=leader).count() == 49
    now = timezone.now()
    assert not AuditEntry.objects.filter(created_at__gt=now).exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    assert not items.filter(submitted_at__gt=now).exists()

    counts = (Consultation.objects.count(), InformationItem.objects.count(), Task.objects.count(),
              Participant.objects.count(), AuditEntry.objects.count(), Notification.objects.count())

    again = run("demo_consultations", "--quiet", "--logins-file", str(logins))

    assert again.splitlines()[0].split(": ", 1)[1] == "0 objects created, 188 already present."
    assert (Consultation.objects.count(), InformationItem.objects.count(), Task.objects.count(),
            Participant.objects.count(), AuditEntry.objects.count(), Notification.objects.count()) == counts
    assert logins.read_text(encoding="utf-8").count("  xinxi ") == 1
