"""Scope: each role sees exactly what it should, through the selectors pages and API share."""

from __future__ import annotations

import pytest

from members import selectors
from members.models import User
from members.rules import can_manage
from tests.expectations import ALL_ROLES, VISIBLE

SELECTORS = {
    "committees": selectors.committees_for,
    "terms": selectors.terms_for,
    "sessions": selectors.sessions_for,
    "sectors": selectors.sectors_for,
    "special-committees": selectors.special_committees_for,
    "members": selectors.members_for,
    "departments": selectors.departments_for,
    "liaisons": selectors.liaisons_for,
    "studios": selectors.studios_for,
    "committee-roles": selectors.committee_roles_for,
}


def fresh(world, role):
    """The user as a new request would load it (scope is cached per user object)."""
    return User.objects.get(pk=getattr(world, role).pk)


@pytest.mark.parametrize("kind", list(SELECTORS))
@pytest.mark.parametrize("role", ALL_ROLES)
def test_selector_returns_exactly_the_scope(world, kind, role):
    expected = {getattr(world, name).pk for name in VISIBLE[kind][role]}

    assert set(SELECTORS[kind](fresh(world, role)).values_list("pk", flat=True)) == expected


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    for kind, selector in SELECTORS.items():
        assert list(selector(AnonymousUser())) == [], kind


def test_inactive_user_sees_nothing(world):
    world.alice.is_active = False
    world.alice.save()

    assert list(selectors.committees_for(fresh(world, "alice"))) == []


@pytest.mark.parametrize(
    ("role", "roles"),
    [("root", ["superuser"]), ("alice", ["staff"]), ("fiona", ["staff"]), ("lily", ["leader"]), ("bob", ["member"]),
     ("carol", ["liaison"]), ("dave", ["liaison"]), ("eve", [])],
)
def test_scope_roles(world, role, roles):
    assert selectors.scope_for(fresh(world, role)).roles == roles


def test_staff_without_reach_does_not_manage_the_committee_below(world):
    alice, fiona = fresh(world, "alice"), fresh(world, "fiona")

    assert (can_manage(alice, world.a), can_manage(alice, world.a1)) == (True, False)
    assert (can_manage(fiona, world.a), can_manage(fiona, world.a1)) == (True, True)
    assert set(selectors.manageable_committees_for(fiona)) == {world.a, world.a1}


def test_reach_follows_committees_created_later(world):
    from tests.factories import CommitteeFactory

    town = CommitteeFactory(name="城关镇政协工作室", level="township", parent=world.a1)

    assert set(selectors.committees_for(fresh(world, "fiona"))) == {world.a, world.a1, town}
    assert set(selectors.committees_for(fresh(world, "alice"))) == {world.a}


def test_member_who_ceased_loses_the_roster(world):
    import datetime as dt

    world.bob_seat.ceased_on = dt.date(2024, 1, 31)
    world.bob_seat.save()

    assert list(selectors.members_for(fresh(world, "bob"))) == []


def test_member_seat_starting_in_future_grants_nothing_yet(world):
    import datetime as dt

    world.bob_seat.started_on = dt.date(2099, 1, 1)
    world.bob_seat.save()

    assert selectors.scope_for(fresh(world, "bob")).roles == []


def test_inactive_department_takes_the_liaison_out(world):
    world.dept_a.is_active = False
    world.dept_a.save()

    assert list(selectors.departments_for(fresh(world, "carol"))) == []


def test_department_liaison_count_counts_active_liaisons(world):
    from tests.factories import LiaisonFactory

    LiaisonFactory(department=world.dept_a, is_active=False)

    counts = {d.name: d.liaison_count for d in selectors.departments_for(fresh(world, "alice"))}
    assert counts == {"甲市教育局": 1, "甲市卫生健康委员会": 0}
