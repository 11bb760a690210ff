"""Members, departments, liaisons, studios and staff grants: the services' rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.models import AuditEntry
from members import services
from members.models import CommitteeRole, Liaison, Member, User
from members.selectors import members_for, scope_for

PHONE_ERROR = {"phone": ["Enter an 11-digit mainland mobile number, e.g. 13800138000."]}


def create_member(world, actor=None, **overrides):
    fields = {"committee": world.a, "term": world.term_a, "sector": world.sector_a, "name": "李新",
              "phone": "13811112222", **overrides}
    return services.member_create(actor=actor or world.alice, **fields)


class TestMemberCreate:
    def test_creates_seat_and_login_named_by_mobile_number(self, world):
        member = create_member(world, phone="138-1111 2222", email="li@example.org", role="standing", party="cdl",
                               special_committees=[world.sc_a])

        user = member.user
        assert (user.username, user.full_name, user.phone, user.email) == ("13811112222", "李新", "13811112222",
                                                                           "li@example.org")
        assert user.has_usable_password() is False  # staff set a password before the member signs in
        assert (member.phone, member.role, member.party, member.started_on) == (
            "13811112222", "standing", "cdl", dt.date(2023, 1, 10))
        assert list(member.special_committees.all()) == [world.sc_a]
        assert AuditEntry.objects.get(action="member.create").changes["name"] == {"before": None, "after": "李新"}

    def test_password_given_lets_the_member_sign_in(self, world):
        member = create_member(world, password="s3cret-pass-word")

        assert member.user.check_password("s3cret-pass-word") is True

    def test_term_of_another_committee_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            create_member(world, term=world.term_b)

        assert exc.value.message_dict == {"term": ["乙市第十四届 does not belong to 甲市政协."]}

    def test_sector_of_another_committee_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            create_member(world, sector=world.sector_b)

        assert exc.value.message_dict == {"sector": ["经济界 does not belong to 甲市政协."]}

    def test_special_committee_of_another_committee_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            create_member(world, special_committees=[world.sc_b])

        assert exc.value.message_dict == {"special_committees": ["经济委员会 does not belong to 甲市政协."]}

    @pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800a", "138001380001"])
    def test_invalid_mobile_number_is_rejected(self, world, phone):
        with pytest.raises(ValidationError) as exc:
            create_member(world, phone=phone)

        assert exc.value.message_dict == PHONE_ERROR
        assert User.objects.filter(full_name="李新").exists() is False

    def test_blank_name_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            create_member(world, name="   ")

        assert exc.value.message_dict == {"name": ["Enter the member's name."]}

    def test_no_phone_and_no_username_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            create_member(world, phone="")

        assert exc.value.message_dict == {"phone": ["A mobile number (or a user name) is needed to create the login."]}

    def test_second_seat_in_same_term_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            create_member(world, name="王博", username="bob", phone="13900000001")

        assert exc.value.message_dict == {"phone": ["王博 already has a seat on 甲市政协 in this term."]}
        assert Member.objects.filter(user=world.bob).count() == 1

    def test_same_person_on_another_committee_reuses_the_login(self, world):
        users_before = User.objects.count()

        seat = services.member_create(actor=world.root, committee=world.b, term=world.term_b, sector=world.sector_b,
                                      name="王博", username="bob", phone="13900000001")

        assert seat.user == world.bob
        assert User.objects.count() == users_before
        world.bob.refresh_from_db()
        assert scope_for(User.objects.get(pk=world.bob.pk)).member_committee_ids == {world.a.pk, world.b.pk}

    def test_user_name_of_another_person_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            create_member(world, name="李四", username="bob")

        assert exc.value.message_dict == {"username": ["The user name bob already belongs to 王博."]}

    @pytest.mark.parametrize("role", ["fiona", "root"])
    def test_staff_with_reach_and_superuser_may_create(self, world, role):
        assert create_member(world, actor=getattr(world, role)).committee == world.a

    @pytest.mark.parametrize("role", ["lily", "bob", "carol", "dave", "eve"])
    def test_non_staff_actor_is_refused(self, world, role):
        with pytest.raises(PermissionDenied, match="You may not change the directory of this committee."):
            create_member(world, actor=getattr(world, role))

    def test_staff_of_a_committee_may_not_create_in_the_committee_below_without_reach(self, world):
        with pytest.raises(PermissionDenied):
            services.member_create(actor=world.alice, committee=world.a1, term=world.term_a1, sector=world.sector_a1,
                                   name="李新", phone="13811112222")


class TestMemberUpdateAndCease:
    def test_update_normalises_phone(self, world):
        member = services.member_update(actor=world.alice, member=world.bob_seat, phone="139 0000 0009")

        assert member.phone == "13900000009"

    def test_update_rejects_invalid_phone(self, world):
        with pytest.raises(ValidationError) as exc:
            services.member_update(actor=world.alice, member=world.bob_seat, phone="0393-1234567")

        assert exc.value.message_dict == PHONE_ERROR

    def test_update_rejects_sector_of_another_committee(self, world):
        with pytest.raises(ValidationError) as exc:
            services.member_update(actor=world.alice, member=world.bob_seat, sector=world.sector_b)

        assert exc.value.message_dict == {"sector": ["经济界 does not belong to 甲市政协."]}

    def test_cease_ends_the_seat_and_keeps_the_record(self, world):
        services.member_cease(actor=world.alice, member=world.bob_seat, ceased_on=dt.date(2024, 6, 30),
                              reason="工作调动")

        world.bob_seat.refresh_from_db()
        assert (world.bob_seat.ceased_on, world.bob_seat.is_active) == (dt.date(2024, 6, 30), False)
        entry = AuditEntry.objects.get(action="member.cease")
        assert (entry.changes, entry.note) == ({"ceased_on": {"before": None, "after": "2024-06-30"}}, "工作调动")
        assert scope_for(User.objects.get(pk=world.bob.pk)).roles == []

    def test_second_cease_is_a_conflict(self, world):
        services.member_cease(actor=world.alice, member=world.bob_seat, ceased_on=dt.date(2024, 6, 30))

        with pytest.raises(Conflict) as exc:
            services.member_cease(actor=world.alice, member=world.bob_seat, ceased_on=dt.date(2024, 7, 1))

        assert exc.value.message == "王博 already ceased on 2024-06-30."

    def test_cease_before_start_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.member_cease(actor=world.alice, member=world.bob_seat, ceased_on=dt.date(2020, 1, 1))

        assert exc.value.message_dict == {"__all__": ["The date of ceasing must not be before the start date."]}

    def test_future_cease_keeps_the_seat_active_until_then(self, world):
        services.member_cease(actor=world.alice, member=world.bob_seat, ceased_on=dt.date(2099, 1, 1))

        assert world.bob_seat.is_active is True


class TestDepartmentsAndLiaisons:
    def test_department_create_is_audited(self, world):
        department = services.department_create(actor=world.alice, committee=world.a, name=" 甲市交通运输局 ",
                                                kind="government", head_name="王局长")

        assert department.name == "甲市交通运输局"
        assert AuditEntry.objects.get(action="department.create").target_id == department.pk

    def test_duplicate_department_name_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.department_create(actor=world.alice, committee=world.a, name="甲市教育局")

        assert exc.value.message_dict == {
            "__all__": ["Handling department with this Committee and Name already exists."]
        }

    def test_liaison_create_makes_login(self, world):
        liaison = services.liaison_create(actor=world.alice, department=world.dept_a2, name="黄联络",
                                          phone="13622223333", title="办公室副主任")

        assert (liaison.user.username, liaison.user.full_name, liaison.phone, liaison.title) == (
            "13622223333", "黄联络", "13622223333", "办公室副主任")
        assert scope_for(User.objects.get(pk=liaison.user.pk)).department_ids == {world.dept_a2.pk}

    def test_same_person_liaison_twice_for_a_department_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.liaison_create(actor=world.alice, department=world.dept_a, name="陈卡萝", phone="13700000001",
                                    username="carol")

        assert exc.value.message_dict == {"phone": ["陈卡萝 is already a liaison officer of 甲市教育局."]}
        assert Liaison.objects.filter(user=world.carol).count() == 1

    def test_same_person_may_serve_a_second_department(self, world):
        liaison = services.liaison_create(actor=world.alice, department=world.dept_a2, name="陈卡萝",
                                          phone="13700000001", username="carol")

        assert liaison.user == world.carol
        assert scope_for(User.objects.get(pk=world.carol.pk)).department_ids == {world.dept_a.pk, world.dept_a2.pk}

    def test_liaison_invalid_phone_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.liaison_create(actor=world.alice, department=world.dept_a2, name="黄联络", phone="110")

        assert exc.value.message_dict == PHONE_ERROR

    def test_liaison_of_foreign_department_is_refused(self, world):
        with pytest.raises(PermissionDenied):
            services.liaison_create(actor=world.alice, department=world.dept_b, name="黄联络", phone="13622223333")

    def test_deactivated_liaison_loses_the_department(self, world):
        services.liaison_update(actor=world.alice, liaison=world.carol_desk, is_active=False)

        assert scope_for(User.objects.get(pk=world.carol.pk)).department_ids == frozenset()


class TestStudios:
    def test_studio_needs_a_sector_or_a_lead_member(self, world):
        with pytest.raises(ValidationError) as exc:
            services.studio_create(actor=world.alice, committee=world.a, name="无名工作室", address="人民路3号")

        assert exc.value.message_dict == {
            "__all__": ["A studio is named after a sector or a lead member: choose at least one."]
        }

    def test_studio_named_after_a_lead_member(self, world):
        studio = services.studio_create(actor=world.alice, committee=world.a, name="王博委员工作室",
                                        address="人民路2号", lead_member=world.bob_seat, members=[world.bob_seat])

        assert (studio.sector, studio.lead_member, list(studio.members.all())) == (
            None, world.bob_seat, [world.bob_seat])
        assert AuditEntry.objects.get(action="studio.create").changes["members"] == {"before": None, "after": ["王博"]}

    def test_studio_member_of_another_committee_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.studio_create(actor=world.alice, committee=world.a, name="联合工作室", address="人民路3号",
                                   sector=world.sector_a, members=[world.ben_seat])

        assert exc.value.message_dict == {"members": ["郑本 does not belong to 甲市政协."]}

    def test_duplicate_studio_name_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.studio_create(actor=world.alice, committee=world.a, name="医药卫生界委员工作室",
                                   address="人民路3号", sector=world.sector_a)

        assert exc.value.message_dict == {"__all__": ["Member studio with this Committee and Name already exists."]}

    def test_removing_the_sector_of_a_studio_without_lead_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.studio_update(actor=world.alice, studio=world.studio_a, sector=None)

        assert exc.value.message_dict == {
            "__all__": ["A studio is named after a sector or a lead member: choose at least one."]
        }


class TestCommitteeRoles:
    def test_staff_grants_staff_role_and_the_grantee_gains_the_committee(self, world):
        grant = services.committee_role_grant(actor=world.alice, user=world.eve, committee=world.a, role="staff")

        assert (grant.role, grant.includes_subordinates) == ("staff", False)
        assert scope_for(world.eve).staff_committee_ids == {world.a.pk}
        assert AuditEntry.objects.get(action="committee_role.grant").changes == {
            "user": {"before": None, "after": "赵伊芙"},
            "committee": {"before": None, "after": "甲市政协"},
            "role": {"before": None, "after": "staff"},
            "includes_subordinates": {"before": None, "after": False},
        }

    def test_granting_again_with_reach_updates_the_grant(self, world):
        services.committee_role_grant(actor=world.alice, user=world.eve, committee=world.a, role="leader")
        services.committee_role_grant(actor=world.alice, user=world.eve, committee=world.a, role="leader",
                                      includes_subordinates=True)

        assert CommitteeRole.objects.filter(user=world.eve).count() == 1
        assert scope_for(world.eve).leader_committee_ids == {world.a.pk, world.a1.pk}
        assert AuditEntry.objects.get(action="committee_role.update").changes == {
            "includes_subordinates": {"before": False, "after": True}
        }

    def test_granting_the_same_grant_again_changes_nothing(self, world):
        services.committee_role_grant(actor=world.alice, user=world.lily, committee=world.a, role="leader")

        assert CommitteeRole.objects.filter(user=world.lily).count() == 1
        assert AuditEntry.objects.count() == 0

    def test_unknown_role_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.committee_role_grant(actor=world.alice, user=world.eve, committee=world.a, role="king")

        assert exc.value.message_dict == {"role": ["Choose committee staff or leader."]}

    @pytest.mark.parametrize("role", ["lily", "bob", "carol", "dave", "eve"])
    def test_non_staff_may_not_grant(self, world, role):
        with pytest.raises(PermissionDenied):
            services.committee_role_grant(actor=getattr(world, role), user=world.eve, committee=world.a, role="staff")

    def test_staff_may_not_grant_on_a_foreign_committee(self, world):
        with pytest.raises(PermissionDenied):
            services.committee_role_grant(actor=world.alice, user=world.eve, committee=world.b, role="staff")

    def test_revoke_removes_the_grant(self, world):
        services.committee_role_revoke(actor=world.alice, grant=world.lily_leader)

        assert CommitteeRole.objects.filter(user=world.lily).exists() is False
        assert list(members_for(User.objects.get(pk=world.lily.pk))) == []
        assert AuditEntry.objects.get(action="committee_role.revoke").target_repr == "孙丽丽 · 甲市政协 · Leader"


class TestPasswordReset:
    def test_staff_resets_a_member_password(self, world):
        password = services.user_reset_password(actor=world.alice, user=world.bob)

        world.bob.refresh_from_db()
        assert (len(password), world.bob.check_password(password)) == (10, True)
        assert AuditEntry.objects.get(action="user.reset_password").target_repr == "王博"

    def test_staff_resets_a_liaison_password(self, world):
        password = services.user_reset_password(actor=world.alice, user=world.carol)

        world.carol.refresh_from_db()
        assert world.carol.check_password(password) is True

    @pytest.mark.parametrize(("actor", "user"), [("alice", "dave"), ("alice", "ben"), ("bob", "carol"), ("eve", "bob")])
    def test_reset_outside_own_committee_is_refused(self, world, actor, user):
        with pytest.raises(PermissionDenied):
            services.user_reset_password(actor=getattr(world, actor), user=getattr(world, user))
