"""The fixed cast every test shares (STYLE.md, Tests) and the plumbing around it.

Committees: A (municipal) with a child A1 (county), and B, unrelated.

| user  | who                                                       |
| ----- | --------------------------------------------------------- |
| alice | staff of A (not of the committees below it)               |
| fiona | staff of A including the committees below it (so also A1) |
| lily  | leader of A                                               |
| bob   | member of A                                               |
| carol | liaison officer of department A (甲市教育局)               |
| dave  | liaison officer of department B, in committee B          |
| eve   | outsider: a login with no roles                           |
| root  | superuser                                                 |
| ada   | member of A1;  ben: member of B                           |
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cppcc_portal.celery import app as celery_app
from cppcc_portal.core import channels
from members.choices import CommitteeLevel, CommitteeRoleKind, SectorKind
from tests.factories import (
    CommitteeFactory,
    CommitteeRoleFactory,
    DepartmentFactory,
    LiaisonFactory,
    MemberFactory,
    SectorFactory,
    SessionFactory,
    SpecialCommitteeFactory,
    StudioFactory,
    TermFactory,
    UserFactory,
)

ROLES = ("root", "alice", "fiona", "lily", "bob", "carol", "dave", "eve")


@pytest.fixture(autouse=True)
def _isolated_platform_state(request):
    """Each test starts with an empty cache (so the working-day calendar is reloaded),
    English as the active language for messages raised outside a request, and fresh
    notification channels. Celery runs tasks in-process except in integration tests,
    which use a real worker."""
    cache.clear()
    channels.configured_channels.cache_clear()
    eager = request.node.get_closest_marker("integration") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    with translation.override("en"):
        yield
    celery_app.conf.task_always_eager = previous
    channels.configured_channels.cache_clear()
    cache.clear()


def client_for(user=None, language: str | None = None) -> APIClient:
    """An API client authenticated by token (the user is loaded afresh on every request,
    as in production, so no permission state is carried between requests)."""
    client = APIClient()
    headers = {}
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        headers["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


@pytest.fixture
def world(db):
    """Every object of the cast, as attributes."""
    w = SimpleNamespace()
    w.a = CommitteeFactory(name="甲市政协", short_name="甲市", level=CommitteeLevel.MUNICIPAL)
    w.a1 = CommitteeFactory(name="甲市东区政协", short_name="东区", level=CommitteeLevel.COUNTY, parent=w.a)
    w.b = CommitteeFactory(name="乙市政协", short_name="乙市", level=CommitteeLevel.MUNICIPAL)

    w.term_a = TermFactory(committee=w.a, number=15, start_date=dt.date(2023, 1, 10), is_current=True)
    w.term_a1 = TermFactory(committee=w.a1, number=9, start_date=dt.date(2023, 1, 5), is_current=True)
    w.term_b = TermFactory(committee=w.b, number=14, start_date=dt.date(2022, 1, 12), is_current=True)
    w.session_a = SessionFactory(term=w.term_a, number=3)
    w.session_a1 = SessionFactory(term=w.term_a1, number=1)
    w.session_b = SessionFactory(term=w.term_b, number=2)

    w.sector_a = SectorFactory(committee=w.a, name="医药卫生界", kind=SectorKind.FIELD, order=1)
    w.sector_a1 = SectorFactory(committee=w.a1, name="教育界", kind=SectorKind.FIELD, order=1)
    w.sector_b = SectorFactory(committee=w.b, name="经济界", kind=SectorKind.FIELD, order=1)
    w.sc_a = SpecialCommitteeFactory(committee=w.a, name="提案委员会", is_proposals_committee=True)
    w.sc_a1 = SpecialCommitteeFactory(committee=w.a1, name="提案委员会", is_proposals_committee=True)
    w.sc_b = SpecialCommitteeFactory(committee=w.b, name="经济委员会")

    w.dept_a = DepartmentFactory(committee=w.a, name="甲市教育局")
    w.dept_a2 = DepartmentFactory(committee=w.a, name="甲市卫生健康委员会")
    w.dept_a1 = DepartmentFactory(committee=w.a1, name="东区民政局")
    w.dept_b = DepartmentFactory(committee=w.b, name="乙市交通运输局")

    w.root = UserFactory(username="root", full_name="系统管理员", is_superuser=True, is_staff=True)
    w.alice = UserFactory(username="alice", full_name="张爱丽")
    w.fiona = UserFactory(username="fiona", full_name="周菲")
    w.lily = UserFactory(username="lily", full_name="孙丽丽")
    w.bob = UserFactory(username="bob", full_name="王博")
    w.carol = UserFactory(username="carol", full_name="陈卡萝")
    w.dave = UserFactory(username="dave", full_name="刘大卫")
    w.eve = UserFactory(username="eve", full_name="赵伊芙")
    w.ada = UserFactory(username="ada", full_name="吴艾达")
    w.ben = UserFactory(username="ben", full_name="郑本")

    w.alice_staff = CommitteeRoleFactory(user=w.alice, committee=w.a, role=CommitteeRoleKind.STAFF)
    w.fiona_staff = CommitteeRoleFactory(user=w.fiona, committee=w.a, role=CommitteeRoleKind.STAFF,
                                         includes_subordinates=True)
    w.lily_leader = CommitteeRoleFactory(user=w.lily, committee=w.a, role=CommitteeRoleKind.LEADER)

    w.bob_seat = MemberFactory(user=w.bob, name="王博", committee=w.a, term=w.term_a, sector=w.sector_a,
                               phone="13900000001")
    w.ada_seat = MemberFactory(user=w.ada, name="吴艾达", committee=w.a1, term=w.term_a1, sector=w.sector_a1,
                               phone="13900000002")
    w.ben_seat = MemberFactory(user=w.ben, name="郑本", committee=w.b, term=w.term_b, sector=w.sector_b,
                               phone="13900000003")
    w.carol_desk = LiaisonFactory(user=w.carol, department=w.dept_a, phone="13700000001")
    w.dave_desk = LiaisonFactory(user=w.dave, department=w.dept_b, phone="13700000002")

    w.studio_a = StudioFactory(committee=w.a, name="医药卫生界委员工作室", sector=w.sector_a, members=[w.bob_seat])
    w.studio_a1 = StudioFactory(committee=w.a1, name="教育界委员工作室", sector=w.sector_a1)
    w.studio_b = StudioFactory(committee=w.b, name="经济界委员工作室", sector=w.sector_b)
    return w


@pytest.fixture
def alice(world):
    return world.alice


@pytest.fixture
def bob(world):
    return world.bob


@pytest.fixture
def carol(world):
    return world.carol


@pytest.fixture
def dave(world):
    return world.dave


@pytest.fixture
def eve(world):
    return world.eve


@pytest.fixture
def lily(world):
    return world.lily


@pytest.fixture
def fiona(world):
    return world.fiona


@pytest.fixture
def root(world):
    return world.root


@pytest.fixture
def api(world):
    """``api("alice")`` → a client signed in as that member of the cast; ``api(None)`` is anonymous."""

    def make(role: str | None, language: str | None = None) -> APIClient:
        return client_for(getattr(world, role) if role else None, language)

    return make


@pytest.fixture
def office(db):
    """For query-count tests: committee C, its current term, and its staff member sam
    (with reach below C), apart from the cast."""
    committee = CommitteeFactory(name="丙市政协", level=CommitteeLevel.MUNICIPAL)
    sam = UserFactory(username="sam", full_name="石安")
    CommitteeRoleFactory(user=sam, committee=committee, role=CommitteeRoleKind.STAFF, includes_subordinates=True)
    term = TermFactory(committee=committee, number=99, is_current=True)
    return committee, sam, term


@pytest.fixture
def seeded_calendar(db):
    """The official calendar as the chinese-calendar package knows it (through 2026)."""
    from cppcc_portal.core import services

    services.calendar_seed_from_package()
