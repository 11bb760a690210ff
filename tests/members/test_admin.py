"""The Django admin writes the directory through the same services as the portal: changes are
audited, and the services' rules come back as form errors with nothing saved."""

from __future__ import annotations

import pytest
from django.test import Client

from cppcc_portal.core.models import AuditEntry
from members.models import Committee, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.root)
    return client


def test_changing_a_sector_in_the_admin_goes_through_the_service_and_is_audited(world, admin_client):
    response = admin_client.post(f"/admin/members/sector/{world.sector_a.pk}/change/",
                                 {"name": "医药卫生和体育界", "kind": "field", "order": "2", "is_active": "on"})

    world.sector_a.refresh_from_db()
    entry = AuditEntry.objects.get(action="sector.update")
    assert response.status_code == 302
    assert (world.sector_a.name, world.sector_a.order, world.sector_a.committee) == ("医药卫生和体育界", 2, world.a)
    assert (entry.actor, entry.changes) == (world.root, {"name": {"before": "医药卫生界", "after": "医药卫生和体育界"},
                                                          "order": {"before": 1, "after": 2}})


def test_adding_a_committee_in_the_admin_keeps_the_tree_path(world, admin_client):
    response = admin_client.post("/admin/members/committee/add/", {
        "name": "甲市西区政协", "short_name": "西区", "level": "county", "parent": str(world.a.pk), "is_active": "on"})

    created = Committee.objects.get(name="甲市西区政协")
    assert response.status_code == 302
    assert created.path == f"{world.a.path}{created.pk}/"
    assert AuditEntry.objects.filter(action="committee.create", target_id=created.pk).count() == 1


def test_a_rule_the_service_enforces_is_a_form_error_and_nothing_is_saved(world, admin_client):
    response = admin_client.post("/admin/members/committee/add/", {
        "name": "甲市某镇政协工作室", "level": "municipal", "parent": str(world.a1.pk), "is_active": "on"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "parent": ["A committee must sit below a committee of a higher level."]}
    assert not Committee.objects.filter(name="甲市某镇政协工作室").exists()
    assert not AuditEntry.objects.filter(action="committee.create").exists()


def test_directory_records_cannot_be_deleted_in_the_admin(world, admin_client):
    response = admin_client.post(f"/admin/members/sector/{world.sector_a.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Sector.objects.filter(pk=world.sector_a.pk).exists()
