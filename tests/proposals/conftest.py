"""The handling world: committee A's categories, departments with liaison officers, routing
rules, a handling policy and a second member, all built through the services on top of the
shared cast (tests/conftest.py).

| who    | what                                                              |
| ------ | ----------------------------------------------------------------- |
| carol  | liaison of 甲市教育局 (dept_a), from the shared cast               |
| ivan   | head of 甲市教育局 (dept_a): receives escalations for the head     |
| hank   | liaison of 甲市卫生健康委员会 (dept_a2)                            |
| jack   | liaison of 甲市住房和城乡建设局 (dept_a3)                          |
| cindy  | another member of committee A (not the submitter)                 |
| dave   | liaison of 乙市交通运输局 (dept_b, committee B), from the cast       |

Rules of A, tried by priority: 学校与教育 (category 教育 → dept_a, 10), 医院就医 (keywords
医院/就医/挂号 → dept_a2 with co-handler dept_a3, 5), 东区事务 (place 东区 → dept_a3, 1).

Unit tests never reach a broker: ``outbox._send`` is replaced by a recorder (``sent``), and
``handling.today`` by a clock the tests can move (``clock``), starting on the real date.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cppcc_portal.core import outbox
from cppcc_portal.core.models import OutboxMessage
from members import services as directory
from proposals.choices import AssignmentStatus, CaseKind
from proposals.models import Assignment, Case
from proposals.services import config, handling, micro_suggestions

KIND = CaseKind.MICRO_SUGGESTION
POLICY = {
    "reply_workdays": 10, "co_opinion_workdays": 5, "objection_workdays": 3, "rating_workdays": 5,
    "max_rounds": 2, "max_extension_workdays": 10, "reminder_workdays": 2, "escalate_head_after": 2,
    "escalate_staff_after": 5, "escalate_leader_after": 10, "routing_confidence": 0.8,
}


class Clock:
    """What ``handling.today()`` answers; starts on the real date."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.start = self.today

    def __call__(self) -> dt.date:
        return self.today

    def move_to(self, day: dt.date) -> dt.date:
        self.today = day
        return day


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(handling, "today", c)
    return c


@pytest.fixture(autouse=True)
def sent(monkeypatch) -> list[dict]:
    """Messages the outbox handed to the broker (task name and kwargs), in order."""
    published: list[dict] = []

    def record(message: OutboxMessage) -> None:
        published.append({"task": message.task_name, "kwargs": {**message.kwargs, "outbox_id": message.pk}})

    monkeypatch.setattr(outbox, "_send", record)
    return published


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Handling(SimpleNamespace):
    """The world plus the steps every test repeats, each through the real services."""

    def submit(self, title: str = "社区图书室照明不足", content: str = "社区儿童阅览室灯光昏暗，孩子看书很吃力，建议更换灯具。",
               *, member=None, **fields) -> Case:
        member = member or self.bob_seat
        return micro_suggestions.micro_suggestion_submit(actor=member.user, member=member, title=title,
                                                         content=content, **fields)

    def route(self, case: Case) -> Case:
        """What the worker does with the routing message of ``case``."""
        message = OutboxMessage.objects.get(key=micro_suggestions.route_key(case.pk))
        handling.case_route_automatically(case_id=case.pk, outbox_id=message.pk)
        return Case.objects.get(pk=case.pk)

    def submit_routed(self, title: str = "学校门口交通拥堵", content: str = "上下学时段学校门口车辆拥堵，建议错峰放学并设置临时停车区。",
                      **fields) -> Case:
        fields.setdefault("category", self.cat_edu)
        return self.route(self.submit(title, content, **fields))

    @staticmethod
    def open_assignment(case: Case, department) -> Assignment:
        return Assignment.objects.get(case=case, department=department, round=case.round,
                                      status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED,
                                                  AssignmentStatus.OBJECTING])

    def replied(self, case: Case | None = None, text: str = "已协调照明改造，灯具本周更换完毕。") -> Case:
        """A single-unit item of bob's, routed to 甲市教育局 and answered by carol."""
        case = case or self.submit_routed()
        handling.assignment_reply(actor=self.carol, assignment=self.open_assignment(case, self.dept_a), text=text)
        return Case.objects.get(pk=case.pk)


@pytest.fixture
def h(world, seeded_calendar) -> Handling:
    w = Handling(**vars(world))
    alice = w.alice
    w.cat_edu = config.category_create(actor=alice, committee=w.a, name="教育", order=1)
    w.cat_health = config.category_create(actor=alice, committee=w.a, name="医疗卫生", order=2)
    w.cat_city = config.category_create(actor=alice, committee=w.a, name="城乡建设", order=3)
    w.cat_b = config.category_create(actor=w.root, committee=w.b, name="交通", order=1)

    w.dept_a3 = directory.department_create(actor=alice, committee=w.a, name="甲市住房和城乡建设局")
    w.ivan_desk = directory.liaison_create(actor=alice, department=w.dept_a, name="伊万", phone="13600000001",
                                           username="ivan", is_head=True)
    w.hank_desk = directory.liaison_create(actor=alice, department=w.dept_a2, name="黄汉克", phone="13600000002",
                                           username="hank")
    w.jack_desk = directory.liaison_create(actor=alice, department=w.dept_a3, name="贾杰克", phone="13600000003",
                                           username="jack")
    w.ivan, w.hank, w.jack = w.ivan_desk.user, w.hank_desk.user, w.jack_desk.user
    w.cindy_seat = directory.member_create(actor=alice, committee=w.a, term=w.term_a, sector=w.sector_a,
                                           name="崔欣", phone="13800000005", username="cindy")
    w.cindy = w.cindy_seat.user

    w.policy = config.policy_set(actor=alice, committee=w.a, kind=KIND, **POLICY)
    w.rule_school = config.routing_rule_create(actor=alice, committee=w.a, name="学校与教育", priority=10,
                                               category=w.cat_edu, lead_department=w.dept_a)
    w.rule_hospital = config.routing_rule_create(actor=alice, committee=w.a, name="医院就医", priority=5,
                                                 keywords="医院，就医、挂号", lead_department=w.dept_a2,
                                                 co_departments=[w.dept_a3])
    w.rule_east = config.routing_rule_create(actor=alice, committee=w.a, name="东区事务", priority=1, place=w.a1,
                                             lead_department=w.dept_a3)
    return w


class Proposals(Handling):
    """The handling world plus a proposal's steps, each through the real services."""

    TEXT = {
        "title": "关于加快推进城区老旧小区加装电梯的建议",
        "reason": "城区老旧小区多为六层以下无电梯住宅，老年居民上下楼困难。",
        "analysis": "我市2000年前建成的老旧小区约有1200栋，60岁以上居民占比超过三成，加装电梯意愿强烈，"
                    "但存在资金分摊难、低层住户意见不一、审批环节多等问题。",
        "suggestions": "一是简化加装电梯审批流程，实行联合审查；二是设立专项补贴资金；三是建立低层住户补偿协商机制。",
    }

    def draft(self, *, member=None, **fields):
        from proposals.services import proposals

        member = member or self.bob_seat
        values = {**self.TEXT, "category": self.cat_city, **fields}
        return proposals.proposal_draft_save(actor=member.user, member=member, **values)

    def submitted(self, **fields):
        from proposals.services import proposals

        proposal = self.draft(**fields)
        return proposals.proposal_submit(actor=proposal.submitted_by, proposal=proposal)

    def filed(self, *, lead=None, co=(), mode=None, **fields):
        from proposals.services import proposals

        proposal = self.submitted(**fields)
        return proposals.proposal_file(actor=self.alice, proposal=proposal, lead_department=lead,
                                       co_departments=co, handling_mode=mode)


@pytest.fixture
def pp(h) -> Proposals:
    return Proposals(**vars(h))
