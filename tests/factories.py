"""factory_boy factories for the organisation directory.

Factories write rows directly (fast, no audit entries); tests of behaviour call the services.
A committee's materialised path is set after insert exactly as ``committee_create`` does, so
scope and tree queries see a consistent tree.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from members.choices import CommitteeLevel, CommitteeRoleKind, DepartmentKind, MemberRole, SectorKind
from members.models import (
    Committee,
    CommitteeRole,
    Department,
    Liaison,
    Member,
    Sector,
    Session,
    SpecialCommittee,
    Studio,
    Term,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"第{n}政协委员会")
    level = CommitteeLevel.MUNICIPAL
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        committee = super()._create(model_class, *args, **kwargs)
        parent = committee.parent
        committee.path = f"{parent.path if parent else '/'}{committee.pk}/"
        committee.save(update_fields=["path"])
        return committee


class TermFactory(DjangoModelFactory):
    class Meta:
        model = Term

    committee = factory.SubFactory(CommitteeFactory)
    number = factory.Sequence(lambda n: 10 + n % 80)
    start_date = dt.date(2023, 1, 10)
    end_date = None
    is_current = False


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: 1 + n % 90)
    start_date = dt.date(2025, 1, 8)
    end_date = dt.date(2025, 1, 11)
    place = "市人民会堂"


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"界别{n}")
    kind = SectorKind.FIELD
    order = factory.Sequence(lambda n: n % 100)


class SpecialCommitteeFactory(DjangoModelFactory):
    class Meta:
        model = SpecialCommittee

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"专门委员会{n}")
    is_proposals_committee = False


class MemberFactory(DjangoModelFactory):
    """A seat; term and sector default to new ones of the same committee."""

    class Meta:
        model = Member

    committee = factory.SubFactory(CommitteeFactory)
    term = factory.SubFactory(TermFactory, committee=factory.SelfAttribute("..committee"))
    sector = factory.SubFactory(SectorFactory, committee=factory.SelfAttribute("..committee"))
    name = factory.Sequence(lambda n: f"委员{n}")
    user = factory.SubFactory(UserFactory, full_name=factory.SelfAttribute("..name"))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    role = MemberRole.MEMBER
    started_on = factory.SelfAttribute("term.start_date")


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"承办单位{n}")
    kind = DepartmentKind.GOVERNMENT


class LiaisonFactory(DjangoModelFactory):
    class Meta:
        model = Liaison

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    title = "办公室主任"
    phone = factory.Sequence(lambda n: f"137{n:08d}")


class StudioFactory(DjangoModelFactory):
    class Meta:
        model = Studio
        skip_postgeneration_save = True

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"委员工作室{n}")
    sector = factory.SubFactory(SectorFactory, committee=factory.SelfAttribute("..committee"))
    address = "人民路1号"

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.members.set(extracted)


class CommitteeRoleFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeRole

    user = factory.SubFactory(UserFactory)
    committee = factory.SubFactory(CommitteeFactory)
    role = CommitteeRoleKind.STAFF
    includes_subordinates = False
