"""Every list of the consultation pages costs the same number of queries with 1 row as with 10
(sessions, my meetings, topics, the review queue, kinds, plans, a plan's months, results,
instructions, and a session's participants, speeches, materials and posts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.choices import ConsultationForm, InstructionLevel, PlanStatus, SpeechKind
from consultations.models import ConsultationPlan
from consultations.services import consultations as cs
from tests.consultations.test_consultation_pages import client

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


class Grower:
    """Adds rows to every list through the services (past years' plans are marked published
    directly: a plan is published with topics, and topics are for the coming years only)."""

    def __init__(self, cw):
        self.cw = cw
        self.plan = cs.plan_save(actor=cw.alice, committee=cw.a, year=YEAR, title=f"{YEAR}年度协商工作计划")
        start = timezone.now() - dt.timedelta(minutes=30)
        big = cw.session(form=ConsultationForm.ONLINE, title="网络议政：普惠托育", place="", starts_at=start)
        self.big = cs.consultation_open(actor=cw.alice, consultation=cw.invited(big))

    def grow(self, start: int, n: int) -> None:
        cw, now = self.cw, timezone.now()
        for i in range(start, start + n):
            cw.topic(title=f"待审议题{i:02d}", status="proposed")
            cs.plan_schedule(actor=cw.alice, plan=self.plan, topic=cw.topic(title=f"年度议题{i:02d}"),
                             month=i % 12 + 1, kind=cw.kinds_a["special"], organiser=cw.sc_a)
            cs.consultation_kind_save(actor=cw.alice, committee=cw.a, name=f"自定义协商{i:02d}",
                                      form=ConsultationForm.SPECIAL)
            old = cs.plan_save(actor=cw.alice, committee=cw.a, year=2000 + i, title=f"{2000 + i}年度协商工作计划")
            ConsultationPlan.objects.filter(pk=old.pk).update(status=PlanStatus.PUBLISHED)  # a past year's plan
            coming = cw.session(form=ConsultationForm.COUNTERPART, departments=[cw.dept_a], title=f"对口协商会{i:02d}",
                                starts_at=now + dt.timedelta(days=7, hours=i))
            cs.participants_invite(actor=cw.alice, event=coming, guests=[{"name": f"专家{i}", "role": "expert"}],
                                   members=[cw.bob_seat, cw.cindy_seat])
            cs.consultation_announce(actor=cw.alice, consultation=coming)
            held = cw.held(cw.session(form=ConsultationForm.COUNTERPART, departments=[cw.dept_a],
                                      title=f"已举行协商会{i:02d}", starts_at=now - dt.timedelta(days=30, hours=i)))
            result = cs.result_save(actor=cw.alice, consultation=held, title=f"协商报告{i:02d}",
                                    text_="一、现状与问题。二、对策建议：加大投入，完善机制，强化落实。",
                                    departments=[cw.dept_a])
            cs.result_approve(actor=cw.lily, result=result)
            cs.result_send(actor=cw.alice, result=result, recipients=["party", "departments"])
            cs.instruction_record(actor=cw.lily, target=result, leader_name="王市长", level=InstructionLevel.GOVERNMENT,
                                  instructed_on=timezone.localdate(), text_="请认真研究落实。")
            [guest] = cs.participants_invite(actor=cw.alice, event=self.big,
                                             guests=[{"name": f"群众代表{i}", "role": "public"}])
            cs.speech_register(actor=cw.alice, consultation=self.big, participant=guest, kind=SpeechKind.WRITTEN,
                               title=f"书面意见{i:02d}", text_="建议扩大普惠托位供给，降低收费。")
            cs.post_add(actor=cw.alice, consultation=self.big, text_=f"第{i}条讨论：请围绕补贴标准发言。")
            cs.material_add(actor=cw.alice, consultation=self.big, title=f"材料{i:02d}",
                            upload=SimpleUploadedFile("m.pdf", b"%PDF-1.4\n%%EOF\n"))

    def pages(self) -> dict[str, tuple[str, str]]:
        return {
            "sessions (staff)": ("alice", "/consultations/"),
            "sessions (member)": ("bob", "/consultations/"),
            "sessions (liaison)": ("carol", "/consultations/"),
            "my meetings": ("bob", "/consultations/mine/"),
            "topics (staff)": ("alice", "/consultations/topics/"),
            "topics (member)": ("bob", "/consultations/topics/"),
            "topic review": ("alice", "/consultations/topics/review/"),
            "kinds": ("alice", "/consultations/kinds/"),
            "plans (staff)": ("alice", "/consultations/plans/"),
            "plans (member)": ("bob", "/consultations/plans/"),
            "plan months": ("alice", f"/consultations/plans/{self.plan.pk}/"),
            "results (staff)": ("alice", "/consultations/results/"),
            "results (liaison)": ("carol", "/consultations/results/"),
            "instructions": ("lily", "/consultations/instructions/"),
            "session parts (staff)": ("alice", f"/consultations/{self.big.pk}/"),
            "session parts (member)": ("bob", f"/consultations/{self.big.pk}/"),
        }

    def measure(self) -> dict[str, int]:
        counts = {}
        for label, (role, url) in self.pages().items():
            c = client(getattr(self.cw, role))
            c.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = c.get(url)
            assert response.status_code == 200, label
            counts[label] = len(queries.captured_queries)
        return counts


def test_list_pages_query_count_does_not_grow_from_1_to_10_rows(cw):
    grower = Grower(cw)
    grower.grow(0, 1)
    one = grower.measure()
    grower.grow(1, 9)
    ten = grower.measure()
    assert ten == one
    # the rows are really there
    assert len(client(cw.alice).get("/consultations/").context["object_list"]) == 20
    mine = client(cw.bob).get("/consultations/mine/").context
    assert (len(mine["upcoming"]), len(mine["past"])) == (11, 10)
    page = client(cw.alice).get(f"/consultations/{grower.big.pk}/").context
    assert (len(page["participants"]), len(page["speeches"]), len(page["posts"]), len(page["materials"])) == (
        12, 10, 10, 10)
    assert len(client(cw.lily).get("/consultations/instructions/").context["object_list"]) == 10
    assert len(client(cw.alice).get("/consultations/topics/review/").context["object_list"]) == 10
