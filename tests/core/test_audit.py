"""The audit log: services record exactly what changed, before → after, and nothing else."""

from __future__ import annotations

import datetime as dt

from cppcc_portal.core import audit
from cppcc_portal.core.models import AuditEntry
from members import services


def entries_for(obj):
    return list(audit.timeline(obj).values_list("action", "changes"))


def test_create_records_every_initial_value(world):
    sector = services.sector_create(actor=world.alice, committee=world.a, name=" 环境资源界 ", kind="field", order=7)

    entry = AuditEntry.objects.get(action="sector.create")
    assert entry.changes == {
        "committee": {"before": None, "after": "甲市政协"},
        "name": {"before": None, "after": "环境资源界"},
        "kind": {"before": None, "after": "field"},
        "order": {"before": None, "after": 7},
        "is_active": {"before": None, "after": True},
    }
    assert (entry.actor, entry.actor_repr, entry.target_id, entry.target_repr) == (
        world.alice, "张爱丽", sector.pk, "环境资源界")


def test_update_records_only_changed_fields(world):
    services.sector_update(actor=world.alice, sector=world.sector_a, name="医药卫生界别", order=1, is_active=True)

    assert entries_for(world.sector_a) == [("sector.update", {"name": {"before": "医药卫生界", "after": "医药卫生界别"}})]


def test_update_without_change_writes_no_entry(world):
    services.sector_update(actor=world.alice, sector=world.sector_a, name="医药卫生界", order=1)

    assert AuditEntry.objects.count() == 0


def test_dates_and_foreign_keys_are_stored_as_plain_values(world):
    services.term_update(actor=world.alice, term=world.term_a, end_date=dt.date(2028, 1, 9))
    services.member_update(actor=world.alice, member=world.bob_seat, special_committees=[world.sc_a])

    assert entries_for(world.term_a) == [("term.update", {"end_date": {"before": None, "after": "2028-01-09"}})]
    assert entries_for(world.bob_seat) == [
        ("member.update", {"special_committees": {"before": [], "after": ["提案委员会"]}})
    ]


def test_many_to_many_change_is_recorded_as_sorted_names(world):
    second = services.member_create(actor=world.alice, committee=world.a, term=world.term_a, sector=world.sector_a,
                                    name="李新", phone="13811112222")

    services.studio_update(actor=world.alice, studio=world.studio_a, members=[second, world.bob_seat])

    assert entries_for(world.studio_a) == [
        ("studio.update", {"members": {"before": ["王博"], "after": ["李新", "王博"]}})
    ]


def test_timeline_is_newest_first_and_only_of_that_object(world):
    services.sector_update(actor=world.alice, sector=world.sector_a, order=2)
    services.sector_update(actor=world.fiona, sector=world.sector_a, order=3)
    services.sector_update(actor=world.alice, sector=world.sector_a, order=4)
    services.department_update(actor=world.alice, department=world.dept_a, head_name="王局长")

    timeline = list(audit.timeline(world.sector_a))

    assert [(e.actor_repr, e.changes["order"]["after"]) for e in timeline] == [("张爱丽", 4), ("周菲", 3), ("张爱丽", 2)]


def test_entry_without_authenticated_actor_is_anonymous(world):
    entry = audit.record(actor=None, action="system.note", target=world.a, note="夜间任务")

    assert (entry.actor, entry.actor_repr, entry.target_repr, entry.changes, entry.note) == (
        None, "", "甲市政协", {}, "夜间任务")
