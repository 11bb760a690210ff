"""Bad and hostile input to the directory API: 400 with errors field by field, in the
caller's language; HTML is stored as text."""

from __future__ import annotations

import pytest

from members.models import Committee, Member, Sector

INVALID = "The input is not valid."


def sector_payload(world, **overrides):
    return {"committee": world.a.pk, "name": "环境资源界", "kind": "field", **overrides}


@pytest.mark.parametrize(
    ("language", "required"),
    [("en", "This field is required."), ("zh-hans", "该字段是必填项。")],
)
def test_missing_fields_are_listed_in_the_callers_language(world, api, language, required):
    response = api("alice", language).post("/api/v1/sectors/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"committee": [required], "name": [required], "kind": [required]}


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Ensure this field has no more than 50 characters."), ("zh-hans", "请确保这个字段不能超过 50 个字符。")],
)
def test_oversized_string_is_rejected(world, api, language, message):
    response = api("alice", language).post("/api/v1/sectors/", sector_payload(world, name="界" * 51), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"name": [message]}
    assert Sector.objects.filter(committee=world.a).count() == 1


def test_malformed_json_is_a_bad_request(world, api):
    response = api("alice", "en").post("/api/v1/sectors/", data='{"name": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": INVALID,
        "errors": {"detail": "JSON parse error - Expecting value: line 1 column 10 (char 9)"},
    }


def test_wrong_type_for_a_reference(world, api):
    response = api("alice", "en").post("/api/v1/sectors/", sector_payload(world, committee="甲市"), format="json")

    assert response.json() == {"detail": INVALID,
                               "errors": {"committee": ["Incorrect type. Expected pk value, received str."]}}


def test_unknown_choice_is_rejected(world, api):
    response = api("alice", "en").post("/api/v1/sectors/", sector_payload(world, kind="royal"), format="json")

    assert response.json()["errors"] == {"kind": ['"royal" is not a valid choice.']}


def test_duplicate_name_is_a_bad_request(world, api):
    response = api("alice", "en").post("/api/v1/sectors/", sector_payload(world, name="医药卫生界"), format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID,
                               "errors": {"non_field_errors": ["Sector with this Committee and Name already exists."]}}


def test_invalid_phone_is_reported_on_the_phone_field(world, api):
    payload = {"committee": world.a.pk, "term": world.term_a.pk, "sector": world.sector_a.pk, "name": "李新",
               "phone": "0393-1234567"}

    response = api("alice", "en").post("/api/v1/members/", payload, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID,
                               "errors": {"phone": ["Enter an 11-digit mainland mobile number, e.g. 13800138000."]}}
    assert Member.objects.count() == 3


def test_term_of_another_visible_committee_is_rejected(world, api):
    payload = {"committee": world.a.pk, "term": world.term_b.pk, "sector": world.sector_a.pk, "name": "李新",
               "phone": "13811112222"}

    response = api("root", "en").post("/api/v1/members/", payload, format="json")

    assert response.json() == {"detail": INVALID, "errors": {"term": ["乙市第十四届 does not belong to 甲市政协."]}}


def test_level_rule_is_a_bad_request(world, api):
    response = api("alice", "en").post("/api/v1/committees/", {"name": "甲市另一市政协", "level": "municipal",
                                                              "parent": world.a.pk}, format="json")

    assert response.json() == {"detail": INVALID,
                               "errors": {"parent": ["A committee must sit below a committee of a higher level."]}}


def test_ceased_on_before_start_is_rejected_on_update(world, api):
    response = api("alice", "en").patch(f"/api/v1/members/{world.bob_seat.pk}/", {"ceased_on": "2020-01-01"},
                                        format="json")

    assert response.json() == {"detail": INVALID, "errors": {
        "non_field_errors": ["The date of ceasing must not be before the start date."]}}


def test_bad_date_is_rejected(world, api):
    response = api("alice", "en").post("/api/v1/terms/", {"committee": world.a.pk, "number": 16,
                                                          "start_date": "2028-02-30"}, format="json")

    assert response.json()["errors"] == {
        "start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}


def test_html_in_names_is_stored_as_text(world, api):
    hostile = '<script>alert("x")</script><b>界</b>'

    response = api("alice").post("/api/v1/sectors/", sector_payload(world, name=hostile[:50]), format="json")

    assert response.status_code == 201
    assert response.json()["name"] == hostile[:50]
    assert Sector.objects.get(pk=response.json()["id"]).name == hostile[:50]


def test_list_search_with_hostile_input_is_harmless(world, api):
    response = api("alice").get("/api/v1/members/", {"q": "' OR 1=1 --"})

    assert (response.status_code, response.json()["results"]) == (200, [])


def test_filter_by_committee_outside_scope_is_a_bad_request(world, api):
    response = api("alice", "en").get("/api/v1/members/", {"committee": world.b.pk})

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "committee": ["Select a valid choice. That choice is not one of the available choices."]}


def test_filters_narrow_the_list(world, api):
    client = api("fiona")

    def names(**params):
        return sorted(r["name"] for r in client.get("/api/v1/members/", params).json()["results"])

    assert names() == ["吴艾达", "王博"]
    assert names(committee=world.a1.pk) == ["吴艾达"]
    assert names(sector=world.sector_a.pk) == ["王博"]
    assert names(q="艾达") == ["吴艾达"]
    assert names(active="false") == []


def test_page_size_is_bounded(world, api):
    for n in range(3):
        Committee.objects.create(name=f"临时{n}", level="county", parent=world.a, path="")

    response = api("root").get("/api/v1/committees/", {"page_size": 2})

    body = response.json()
    assert (body["count"], len(body["results"]), body["next"] is not None) == (6, 2, True)


@pytest.mark.parametrize(
    ("language", "detail", "phone"),
    [
        ("en", "The input is not valid.", "Enter an 11-digit mainland mobile number, e.g. 13800138000."),
        ("zh-hans", "输入的内容有误。", "请输入 11 位大陆手机号码，例如 13800138000。"),
    ],
)
def test_service_errors_are_in_the_callers_language(world, api, language, detail, phone):
    payload = {"committee": world.a.pk, "term": world.term_a.pk, "sector": world.sector_a.pk, "name": "李新",
               "phone": "12345"}

    response = api("alice", language).post("/api/v1/members/", payload, format="json")

    assert response.json() == {"detail": detail, "errors": {"phone": [phone]}}


def test_chinese_is_the_default_language(world, api):
    response = api("bob").patch(f"/api/v1/sectors/{world.sector_a.pk}/", {"order": 2}, format="json")

    assert (response.status_code, response.json()) == (403, {"detail": "您无权修改该委员会的组织信息。"})
