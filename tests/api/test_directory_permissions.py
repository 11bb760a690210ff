"""Every directory endpoint under /api/v1/ × every role of the cast.

- a list holds exactly what the role may see (tests/expectations.py);
- an object outside the role's scope is 404, never 403;
- staff of the object's committee create and update; a visible object the role may not
  change is 403; a committee (or term, department …) outside scope in the payload is 400
  "does not exist";
- anonymous callers get 403 (session authentication answers first, so no 401 challenge).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from members.models import Committee, Department, Liaison, Member, Sector, Session, SpecialCommittee, Studio, Term
from tests.expectations import ALL_ROLES, EVERYTHING, MANAGERS_OF_A, VISIBLE

DOES_NOT_EXIST = 'Invalid pk "{}" - object does not exist.'
AUDIT_READERS = {"root", "alice", "fiona", "lily"}


@dataclass
class Endpoint:
    kind: str
    model: Any
    sample: str  # the world attribute of an object of committee A
    other: str = ""  # the world attribute of the same kind of object in committee B
    action: str = ""  # the audit action prefix of its services
    create: Any = None  # world -> payload
    # payload field -> roles that can see the object referenced there (so no 400 for them)
    references: dict[str, set[str]] = field(default_factory=dict)
    patch: dict | None = None
    patched: Any = None  # object -> the patched value, to check it was stored

    @property
    def url(self) -> str:
        return f"/api/v1/{self.kind}/"


SEES_A = {"root", "alice", "fiona", "lily", "bob", "carol"}
MANAGES_A = {"root", "alice", "fiona"}

ENDPOINTS = [
    Endpoint("committees", Committee, "a", "b", "committee",
             create=lambda w: {"name": "甲市西区政协", "level": "county", "parent": w.a.pk},
             references={"parent": MANAGES_A},
             patch={"phone": "0393-8888888"}, patched=lambda o: o.phone),
    Endpoint("terms", Term, "term_a", "term_b", "term",
             create=lambda w: {"committee": w.a.pk, "number": 16, "start_date": "2028-01-10"},
             references={"committee": MANAGES_A},
             patch={"end_date": "2028-01-09"}, patched=lambda o: o.end_date and o.end_date.isoformat()),
    Endpoint("sessions", Session, "session_a", "session_b", "session",
             create=lambda w: {"term": w.term_a.pk, "number": 4, "start_date": "2026-01-08", "end_date": "2026-01-11"},
             references={"term": SEES_A},
             patch={"place": "市人民会堂二楼"}, patched=lambda o: o.place),
    Endpoint("sectors", Sector, "sector_a", "sector_b", "sector",
             create=lambda w: {"committee": w.a.pk, "name": "环境资源界", "kind": "field"},
             references={"committee": MANAGES_A},
             patch={"order": 5}, patched=lambda o: o.order),
    Endpoint("special-committees", SpecialCommittee, "sc_a", "sc_b", "special_committee",
             create=lambda w: {"committee": w.a.pk, "name": "经济委员会"},
             references={"committee": MANAGES_A},
             patch={"order": 3}, patched=lambda o: o.order),
    Endpoint("members", Member, "bob_seat", "ben_seat", "member",
             create=lambda w: {"committee": w.a.pk, "term": w.term_a.pk, "sector": w.sector_a.pk, "name": "李新",
                               "phone": "13811112222"},
             references={"committee": MANAGES_A, "term": SEES_A, "sector": SEES_A},
             patch={"workplace": "甲市人民医院"}, patched=lambda o: o.workplace),
    Endpoint("departments", Department, "dept_a", "dept_b", "department",
             create=lambda w: {"committee": w.a.pk, "name": "甲市交通运输局"},
             references={"committee": MANAGES_A},
             patch={"head_name": "王局长"}, patched=lambda o: o.head_name),
    Endpoint("liaisons", Liaison, "carol_desk", "dave_desk", "liaison",
             create=lambda w: {"department": w.dept_a2.pk, "name": "黄联络", "phone": "13622223333"},
             references={"department": {"root", "alice", "fiona", "lily", "bob"}},
             patch={"title": "办公室副主任"}, patched=lambda o: o.title),
    Endpoint("studios", Studio, "studio_a", "studio_b", "studio",
             create=lambda w: {"committee": w.a.pk, "name": "王博委员工作室", "lead_member": w.bob_seat.pk,
                               "address": "人民路2号"},
             references={"committee": MANAGES_A, "lead_member": {"root", "alice", "fiona", "lily", "bob"}},
             patch={"description": "每周三上午接待群众"}, patched=lambda o: o.description),
    Endpoint("committee-roles", None, "alice_staff"),
]
WRITABLE = [e for e in ENDPOINTS if e.create]


def ids(endpoints):
    return [e.kind for e in endpoints]


def results(response):
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_list_holds_exactly_the_scope(world, api, endpoint, role):
    response = api(role).get(endpoint.url)

    assert response.status_code == 200
    assert {row["id"] for row in results(response)} == {getattr(world, n).pk for n in VISIBLE[endpoint.kind][role]}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_detail_outside_scope_is_not_found(world, api, endpoint, role):
    client = api(role)
    statuses = {name: client.get(f"{endpoint.url}{getattr(world, name).pk}/").status_code
                for name in sorted(EVERYTHING[endpoint.kind])}

    assert statuses == {name: 200 if name in VISIBLE[endpoint.kind][role] else 404 for name in statuses}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_anonymous_is_refused_everything(world, api, endpoint):
    client = api(None, "en")
    pk = getattr(world, endpoint.sample).pk

    responses = [client.get(endpoint.url), client.get(f"{endpoint.url}{pk}/"),
                 client.post(endpoint.url, {}, format="json"), client.patch(f"{endpoint.url}{pk}/", {}, format="json")]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert responses[0].json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", WRITABLE, ids=ids(WRITABLE))
def test_create_is_for_staff_of_the_committee(world, api, endpoint, role):
    payload = endpoint.create(world)
    before = endpoint.model.objects.count()

    response = api(role, "en").post(endpoint.url, payload, format="json")

    hidden = {f for f, seers in endpoint.references.items() if role not in seers}
    if role in MANAGES_A:
        assert response.status_code == 201, response.json()
        assert endpoint.model.objects.count() == before + 1
        assert response.json()["id"] == endpoint.model.objects.order_by("-pk").first().pk
    elif hidden:
        assert response.status_code == 400
        assert response.json() == {
            "detail": "The input is not valid.",
            "errors": {f: [DOES_NOT_EXIST.format(payload[f])] for f in hidden},
        }
    else:  # everything referenced is visible to them, but theirs to read, not to change
        assert response.status_code == 403
        assert response.json() == {"detail": "You may not change the directory of this committee."}
    if role not in MANAGES_A:
        assert endpoint.model.objects.count() == before


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", WRITABLE, ids=ids(WRITABLE))
def test_update_is_for_staff_of_the_committee(world, api, endpoint, role):
    obj = getattr(world, endpoint.sample)

    response = api(role, "en").patch(f"{endpoint.url}{obj.pk}/", endpoint.patch, format="json")

    obj.refresh_from_db()
    (value,) = endpoint.patch.values()
    if role in MANAGERS_OF_A:
        assert response.status_code == 200, response.json()
        assert endpoint.patched(obj) == value
        assert response.json()[next(iter(endpoint.patch))] == value
    elif endpoint.sample in VISIBLE[endpoint.kind][role]:
        assert response.status_code == 403
        assert response.json() == {"detail": "You may not change the directory of this committee."}
        assert endpoint.patched(obj) != value
    else:
        assert response.status_code == 404
        assert endpoint.patched(obj) != value


@pytest.mark.parametrize("endpoint", WRITABLE, ids=ids(WRITABLE))
def test_staff_of_a_cannot_reach_objects_of_b(world, api, endpoint):
    other = getattr(world, endpoint.other)

    client = api("alice")

    assert client.get(f"{endpoint.url}{other.pk}/").status_code == 404
    assert client.patch(f"{endpoint.url}{other.pk}/", endpoint.patch, format="json").status_code == 404
    assert client.get(f"{endpoint.url}{other.pk}/timeline/").status_code == 404


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", WRITABLE, ids=ids(WRITABLE))
def test_timeline_is_for_staff_and_leaders(world, api, endpoint, role):
    obj = getattr(world, endpoint.sample)
    api("alice").patch(f"{endpoint.url}{obj.pk}/", endpoint.patch, format="json")

    response = api(role).get(f"{endpoint.url}{obj.pk}/timeline/")

    if endpoint.sample not in VISIBLE[endpoint.kind][role]:
        assert response.status_code == 404
    elif role in AUDIT_READERS:
        assert response.status_code == 200
        (entry,) = response.json()
        field_name, value = next(iter(endpoint.patch.items()))
        assert (entry["actor"], entry["action"]) == ("张爱丽", f"{endpoint.action}.update")
        assert entry["changes"][field_name]["after"] == value
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["root", "alice", "fiona"])
def test_committee_roles_are_read_only_in_the_api(world, api, role):
    client = api(role)
    grant = world.lily_leader

    assert client.post("/api/v1/committee-roles/", {"user": world.eve.pk, "committee": world.a.pk,
                                                    "role": "staff"}, format="json").status_code == 405
    assert client.patch(f"/api/v1/committee-roles/{grant.pk}/", {"role": "staff"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/committee-roles/{grant.pk}/").status_code == 405


@pytest.mark.parametrize("endpoint", WRITABLE, ids=ids(WRITABLE))
def test_nothing_in_the_directory_is_deleted_through_the_api(world, api, endpoint):
    obj = getattr(world, endpoint.sample)

    assert api("root").delete(f"{endpoint.url}{obj.pk}/").status_code == 405
    assert endpoint.model.objects.filter(pk=obj.pk).exists() is True
