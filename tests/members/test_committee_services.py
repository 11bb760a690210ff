"""Committees form a tree with a materialised path; levels only go down; terms and sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from cppcc_portal.core.models import AuditEntry
from members import services
from members.models import Committee, Term
from members.selectors import committees_for
from tests.factories import TermFactory

LEVEL_ERROR = {"parent": ["A committee must sit below a committee of a higher level."]}


class TestCommitteeTree:
    def test_superuser_creates_top_level_committee_with_root_path(self, world):
        province = services.committee_create(actor=world.root, name="某省政协", level="provincial")

        assert (province.path, province.depth, province.ancestor_ids()) == (f"/{province.pk}/", 0, [])

    def test_staff_may_not_create_top_level_committee(self, world):
        with pytest.raises(PermissionDenied, match="Only a system administrator"):
            services.committee_create(actor=world.alice, name="某省政协", level="provincial")

    def test_staff_creates_committee_below_own_with_nested_path(self, world):
        west = services.committee_create(actor=world.alice, name="甲市西区政协", level="county", parent=world.a)

        assert west.path == f"/{world.a.pk}/{west.pk}/"
        assert (west.depth, west.ancestor_ids()) == (1, [world.a.pk])
        assert AuditEntry.objects.get(action="committee.create").target_id == west.pk

    def test_township_work_office_below_county(self, world):
        town = services.committee_create(actor=world.fiona, name="东区城关镇政协工作室", level="township",
                                         parent=world.a1)

        assert town.path == f"/{world.a.pk}/{world.a1.pk}/{town.pk}/"

    def test_staff_of_another_committee_may_not_add_below_it(self, world):
        with pytest.raises(PermissionDenied):
            services.committee_create(actor=world.alice, name="乙市南区政协", level="county", parent=world.b)

    @pytest.mark.parametrize("level", ["county", "municipal", "provincial"])
    def test_township_cannot_be_parent_of_same_or_higher_level(self, world, level):
        town = services.committee_create(actor=world.fiona, name="城关镇政协工作室", level="township", parent=world.a1)

        with pytest.raises(ValidationError) as exc:
            services.committee_create(actor=world.root, name="某委员会", level=level, parent=town)

        assert exc.value.message_dict == LEVEL_ERROR

    def test_same_level_parent_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.committee_create(actor=world.alice, name="甲市另一市政协", level="municipal", parent=world.a)

        assert exc.value.message_dict == LEVEL_ERROR

    def test_moving_below_own_descendant_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.committee_update(actor=world.root, committee=world.a, parent=world.a1, level="township")

        assert exc.value.message_dict == {"parent": ["A committee cannot sit below itself or a committee below it."]}
        world.a.refresh_from_db()
        assert (world.a.parent, world.a.level) == (None, "municipal")

    def test_moving_a_committee_re_paths_its_descendants(self, world):
        province = services.committee_create(actor=world.root, name="某省政协", level="provincial")
        town = services.committee_create(actor=world.fiona, name="城关镇政协工作室", level="township", parent=world.a1)

        services.committee_update(actor=world.root, committee=world.a, parent=province)

        paths = dict(Committee.objects.values_list("name", "path"))
        p, a, a1 = province.pk, world.a.pk, world.a1.pk
        assert paths == {
            "某省政协": f"/{p}/",
            "甲市政协": f"/{p}/{a}/",
            "甲市东区政协": f"/{p}/{a}/{a1}/",
            "城关镇政协工作室": f"/{p}/{a}/{a1}/{town.pk}/",
            "乙市政协": f"/{world.b.pk}/",
        }

    def test_staff_with_subordinates_still_sees_moved_subtree(self, world):
        province = services.committee_create(actor=world.root, name="某省政协", level="provincial")
        services.committee_update(actor=world.root, committee=world.a, parent=province)

        world.fiona.refresh_from_db()
        assert set(committees_for(world.fiona)) == {world.a, world.a1}

    def test_staff_may_not_move_own_committee_to_top_level(self, world):
        with pytest.raises(PermissionDenied):
            services.committee_update(actor=world.fiona, committee=world.a1, parent=None)

    def test_staff_may_not_move_committee_below_a_foreign_one(self, world):
        with pytest.raises(PermissionDenied):
            services.committee_update(actor=world.fiona, committee=world.a1, parent=world.b)

    def test_duplicate_name_under_same_parent_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.committee_create(actor=world.alice, name="甲市东区政协", level="county", parent=world.a)

        assert exc.value.message_dict == {"__all__": ["Committee with this Parent committee and Name already exists."]}

    def test_rename_is_audited(self, world):
        services.committee_update(actor=world.alice, committee=world.a, name="甲市政协委员会")

        entry = AuditEntry.objects.get(action="committee.update")
        assert entry.changes == {"name": {"before": "甲市政协", "after": "甲市政协委员会"}}

    @pytest.mark.parametrize("role", ["lily", "bob", "carol", "dave", "eve"])
    def test_non_staff_may_not_change_a_committee(self, world, role):
        with pytest.raises(PermissionDenied):
            services.committee_update(actor=getattr(world, role), committee=world.a, phone="0393-1")


class TestTermsAndSessions:
    def test_making_a_term_current_ends_the_previous_current_term(self, world):
        new = services.term_create(actor=world.alice, committee=world.a, number=16, start_date=dt.date(2028, 1, 10),
                                   is_current=True)

        assert list(Term.objects.filter(committee=world.a, is_current=True)) == [new]
        world.term_a.refresh_from_db()
        assert world.term_a.is_current is False

    def test_updating_a_term_to_current_ends_the_other(self, world):
        old = services.term_create(actor=world.alice, committee=world.a, number=14, start_date=dt.date(2018, 1, 10))

        services.term_update(actor=world.alice, term=old, is_current=True)

        assert list(Term.objects.filter(committee=world.a, is_current=True)) == [old]

    def test_database_refuses_two_current_terms(self, world):
        with pytest.raises(IntegrityError):
            TermFactory(committee=world.a, number=16, is_current=True)

    def test_duplicate_term_number_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.term_create(actor=world.alice, committee=world.a, number=15, start_date=dt.date(2028, 1, 10))

        assert exc.value.message_dict == {"__all__": ["Term with this Committee and Term number already exists."]}

    def test_term_ending_before_it_starts_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.term_create(actor=world.alice, committee=world.a, number=16, start_date=dt.date(2028, 1, 10),
                                 end_date=dt.date(2027, 1, 1))

        assert exc.value.message_dict == {"__all__": ["The end date must not be before the start date."]}

    def test_term_label_uses_chinese_numerals(self, world):
        assert (str(world.term_a), world.term_a.label, str(world.session_a)) == ("甲市第十五届", "第十五届", "第十五届三次会议")

    def test_term_committee_cannot_be_changed(self, world):
        services.term_update(actor=world.alice, term=world.term_a, committee=world.b, number=15)

        world.term_a.refresh_from_db()
        assert world.term_a.committee == world.a

    def test_session_of_foreign_term_is_refused(self, world):
        with pytest.raises(PermissionDenied):
            services.session_create(actor=world.alice, term=world.term_b, number=3, start_date=dt.date(2026, 1, 5),
                                    end_date=dt.date(2026, 1, 8))

    def test_session_end_before_start_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.session_create(actor=world.alice, term=world.term_a, number=4, start_date=dt.date(2026, 1, 8),
                                    end_date=dt.date(2026, 1, 5))

        assert exc.value.message_dict == {"__all__": ["The end date must not be before the start date."]}
