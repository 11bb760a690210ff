"""What the directory API returns, field by field, and who the caller is (/api/v1/me/)."""

from __future__ import annotations

import pytest


def test_committee_representation(world, api):
    body = api("root", "en").get(f"/api/v1/committees/{world.a1.pk}/").json()

    assert body == {"id": world.a1.pk, "name": "甲市东区政协", "short_name": "东区", "level": "county",
                    "level_display": "County / district", "parent": {"id": world.a.pk, "name": "甲市政协"},
                    "depth": 1, "region_code": "", "address": "", "phone": "", "is_active": True}


def test_member_representation(world, api):
    world.bob_seat.special_committees.set([world.sc_a])

    body = api("alice", "en").get(f"/api/v1/members/{world.bob_seat.pk}/").json()

    assert body == {
        "id": world.bob_seat.pk, "name": "王博", "username": "bob",
        "committee": {"id": world.a.pk, "name": "甲市政协"},
        "term": {"id": world.term_a.pk, "name": "甲市第十五届"},
        "sector": {"id": world.sector_a.pk, "name": "医药卫生界"},
        "special_committees": [{"id": world.sc_a.pk, "name": "提案委员会"}],
        "gender": "", "ethnicity": "", "birth_date": None, "role": "member", "role_display": "Member",
        "party": "", "party_display": "", "workplace": "", "title": "", "phone": "13900000001", "contact_point": "",
        "started_on": "2023-01-10", "ceased_on": None, "is_active": True,
    }


def test_session_and_term_representation(world, api):
    client = api("bob")

    assert client.get(f"/api/v1/sessions/{world.session_a.pk}/").json() == {
        "id": world.session_a.pk, "term": {"id": world.term_a.pk, "name": "甲市第十五届"}, "name": "第十五届三次会议",
        "number": 3, "start_date": "2025-01-08", "end_date": "2025-01-11", "place": "市人民会堂"}
    assert client.get(f"/api/v1/terms/{world.term_a.pk}/").json() == {
        "id": world.term_a.pk, "committee": {"id": world.a.pk, "name": "甲市政协"}, "number": 15, "label": "第十五届",
        "start_date": "2023-01-10", "end_date": None, "is_current": True}


def test_department_and_studio_counts(world, api):
    client = api("alice")

    assert client.get(f"/api/v1/departments/{world.dept_a.pk}/").json()["liaison_count"] == 1
    assert client.get(f"/api/v1/departments/{world.dept_a2.pk}/").json()["liaison_count"] == 0
    assert client.get(f"/api/v1/studios/{world.studio_a.pk}/").json()["member_count"] == 1


def test_liaison_representation_names_the_login(world, api):
    body = api("carol").get(f"/api/v1/liaisons/{world.carol_desk.pk}/").json()

    assert (body["department"], body["name"], body["username"], body["phone"], body["is_active"]) == (
        {"id": world.dept_a.pk, "name": "甲市教育局"}, "陈卡萝", "carol", "13700000001", True)


def test_created_member_is_returned_in_read_shape(world, api):
    payload = {"committee": world.a.pk, "term": world.term_a.pk, "sector": world.sector_a.pk, "name": "李新",
               "phone": "13811112222", "special_committees": [world.sc_a.pk], "email": "li@example.org"}

    body = api("alice").post("/api/v1/members/", payload, format="json").json()

    assert (body["username"], body["special_committees"], body["started_on"], "email" in body) == (
        "13811112222", [{"id": world.sc_a.pk, "name": "提案委员会"}], "2023-01-10", False)


def test_staff_with_reach_sees_the_committee_they_just_created(world, api):
    client = api("fiona")

    created = client.post("/api/v1/committees/", {"name": "城关镇政协工作室", "level": "township",
                                                  "parent": world.a1.pk}, format="json")

    assert created.status_code == 201
    assert created.json()["parent"] == {"id": world.a1.pk, "name": "甲市东区政协"}
    assert client.get(f"/api/v1/committees/{created.json()['id']}/").status_code == 200


def test_staff_without_reach_is_answered_but_does_not_see_the_new_committee(world, api):
    client = api("alice")

    created = client.post("/api/v1/committees/", {"name": "甲市西区政协", "level": "county", "parent": world.a.pk},
                          format="json")

    assert (created.status_code, created.json()["name"], created.json()["depth"]) == (201, "甲市西区政协", 1)
    assert client.get(f"/api/v1/committees/{created.json()['id']}/").status_code == 404


def test_changing_the_login_is_not_possible_through_member_update(world, api):
    response = api("alice").patch(f"/api/v1/members/{world.bob_seat.pk}/", {"username": "hacker", "name": "王博"},
                                  format="json")

    assert response.status_code == 200
    world.bob.refresh_from_db()
    assert world.bob.username == "bob"


def test_liaison_update_changes_only_the_desk(world, api):
    response = api("alice").patch(f"/api/v1/liaisons/{world.carol_desk.pk}/",
                                  {"name": "别人", "phone": "13700000009", "title": "科长"}, format="json")

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["phone"], response.json()["title"]) == (
        "陈卡萝", "13700000009", "科长")


ME = {
    "root": ("系统管理员", ["superuser"], [], [], [], []),
    "alice": ("张爱丽", ["staff"], ["a"], [], [], []),
    "fiona": ("周菲", ["staff"], ["a", "a1"], [], [], []),
    "lily": ("孙丽丽", ["leader"], [], ["a"], [], []),
    "bob": ("王博", ["member"], [], [], ["bob_seat"], []),
    "carol": ("陈卡萝", ["liaison"], [], [], [], ["dept_a"]),
    "dave": ("刘大卫", ["liaison"], [], [], [], ["dept_b"]),
    "eve": ("赵伊芙", [], [], [], [], []),
}


@pytest.mark.parametrize("role", list(ME))
def test_me_says_who_the_caller_is(world, api, role):
    full_name, roles, staff, leader, seats, departments = ME[role]
    user = getattr(world, role)

    body = api(role).get("/api/v1/me/").json()

    assert body == {
        "id": user.pk, "username": role, "full_name": full_name, "email": f"{role}@example.org", "phone": "",
        "roles": roles,
        "staff_committees": sorted(getattr(world, n).pk for n in staff),
        "leader_committees": sorted(getattr(world, n).pk for n in leader),
        "member_seats": sorted(getattr(world, n).pk for n in seats),
        "departments": sorted(getattr(world, n).pk for n in departments),
    }


def test_me_needs_a_login(world, api):
    assert api(None).get("/api/v1/me/").status_code == 403
