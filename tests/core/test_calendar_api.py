"""The working-day calendar API: everyone signed in reads it, committee staff edit it."""

from __future__ import annotations

import datetime as dt

import pytest

from cppcc_portal.core import workdays
from cppcc_portal.core.models import CalendarDay, CalendarYear
from tests.expectations import ALL_ROLES

EDITORS = {"root", "alice", "fiona"}
DAYS = "/api/v1/calendar/days/"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_signed_in_reads_the_days_of_a_year(world, seeded_calendar, api, role):
    response = api(role).get(DAYS, {"year": 2026, "page_size": 200})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == CalendarDay.objects.filter(date__year=2026).count()
    october = [(d["date"], d["kind"], d["name"], d["source"]) for d in body["results"] if d["date"].startswith("2026-10")]
    assert october == [
        *((f"2026-10-0{n}", "holiday", "国庆节", "package") for n in range(1, 8)),
        ("2026-10-10", "workday", "国庆节调休", "package"),
    ]


def test_kind_filter(world, seeded_calendar, api):
    body = api("bob").get(DAYS, {"year": 2026, "kind": "workday"}).json()

    assert [d["date"] for d in body["results"]] == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                                    "2026-09-20", "2026-10-10"]


def test_detail_by_date(world, seeded_calendar, api):
    body = api("carol", "en").get(f"{DAYS}2026-10-10/").json()

    assert body == {"id": body["id"], "date": "2026-10-10", "kind": "workday", "kind_display": "Make-up workday",
                    "name": "国庆节调休", "source": "package"}


def test_detail_with_impossible_date_is_a_bad_request(world, api):
    response = api("bob", "en").get(f"{DAYS}2026-02-30/")

    assert (response.status_code, response.json()["errors"]) == (400, {"date": ["Enter a date as YYYY-MM-DD."]})


def test_anonymous_cannot_read_the_calendar(world, api):
    client = api(None)

    assert [client.get(DAYS).status_code, client.get("/api/v1/calendar/years/").status_code,
            client.get(f"{DAYS}compute/", {"start": "2026-09-24", "workdays": 10}).status_code] == [403, 403, 403]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_staff_add_a_day(world, api, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(role, "en").post(DAYS, {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"},
                                        format="json")

    if role in EDITORS:
        assert response.status_code == 201
        assert response.json()["source"] == "staff"
        assert workdays.is_workday(dt.date(2027, 10, 1)) is False  # the change is live after commit
    else:
        assert response.status_code == 403
        assert response.json() == {"detail": "Only committee staff may edit the working-day calendar."}
        assert CalendarDay.objects.exists() is False


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_staff_change_or_remove_a_day(world, seeded_calendar, api, role):
    client = api(role)

    changed = client.patch(f"{DAYS}2026-10-07/", {"name": "国庆节补休"}, format="json")
    removed = client.delete(f"{DAYS}2026-10-10/")

    expected = (200, 204) if role in EDITORS else (403, 403)
    assert (changed.status_code, removed.status_code) == expected
    names = dict(CalendarDay.objects.filter(date__in=[dt.date(2026, 10, 7), dt.date(2026, 10, 10)])
                 .values_list("date", "name"))
    if role in EDITORS:
        assert names == {dt.date(2026, 10, 7): "国庆节补休"}
    else:
        assert names == {dt.date(2026, 10, 7): "国庆节", dt.date(2026, 10, 10): "国庆节调休"}


def test_make_up_workday_on_a_weekday_is_a_bad_request(world, api):
    response = api("alice", "en").post(DAYS, {"date": "2027-02-03", "kind": "workday"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "The input is not valid.", "errors": {
        "kind": ["2027-02-03 is a weekday; only a Saturday or Sunday can be a make-up workday."]}}


def test_adding_a_day_that_exists_is_a_bad_request(world, seeded_calendar, api):
    response = api("alice", "en").post(DAYS, {"date": "2026-10-01", "kind": "holiday"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"date": ["calendar day with this date already exists."]}


def test_long_name_is_a_bad_request(world, api):
    response = api("alice", "en").post(DAYS, {"date": "2027-10-01", "kind": "holiday", "name": "节" * 51},
                                       format="json")

    assert response.json()["errors"] == {"name": ["Ensure this field has no more than 50 characters."]}


def test_day_change_is_in_the_audit_log(world, api):
    api("alice").post(DAYS, {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"}, format="json")

    from cppcc_portal.core.models import AuditEntry

    assert list(AuditEntry.objects.values_list("action", "actor_repr", "target_repr")) == [
        ("calendar_day.set", "张爱丽", "2027-10-01 法定节假日 国庆节")]  # named in the request's language


class TestCompute:
    def test_explains_the_due_date(self, world, seeded_calendar, api):
        response = api("bob", "en").get(f"{DAYS}compute/", {"start": "2026-09-30", "workdays": 1})

        assert response.status_code == 200
        assert response.json() == {
            "start": "2026-09-30", "workdays": 1, "due": "2026-10-08", "calendar_days": 8,
            "skipped": [{"date": f"2026-10-0{n}", "reason": "国庆节"} for n in range(1, 8)],
            "made_up_workdays": [], "provisional_years": [],
            "summary": "1 working days after 2026-09-30 is 2026-10-08 (8 calendar days; 7 days off skipped, "
                       "0 make-up workdays counted).",
        }

    def test_marks_unpublished_years_provisional(self, world, seeded_calendar, api):
        body = api("carol").get(f"{DAYS}compute/", {"start": "2026-12-30", "workdays": 5}).json()

        assert (body["due"], body["provisional_years"]) == ("2027-01-06", [2027])

    @pytest.mark.parametrize(
        ("params", "errors"),
        [
            ({}, {"start": ["Enter a date as YYYY-MM-DD."], "workdays": ["Enter a whole number from 0 to 2000."]}),
            ({"start": "2026-13-01", "workdays": "3"}, {"start": ["Enter a date as YYYY-MM-DD."]}),
            ({"start": "2026-01-05", "workdays": "-1"}, {"workdays": ["Enter a whole number from 0 to 2000."]}),
            ({"start": "2026-01-05", "workdays": "2001"}, {"workdays": ["Enter a whole number from 0 to 2000."]}),
            ({"start": "2026-01-05", "workdays": "ten"}, {"workdays": ["Enter a whole number from 0 to 2000."]}),
        ],
    )
    def test_bad_parameters(self, world, api, params, errors):
        response = api("bob", "en").get(f"{DAYS}compute/", params)

        assert response.status_code == 400
        assert response.json() == {"detail": "The input is not valid.", "errors": errors}


class TestYears:
    def test_lists_known_years(self, world, seeded_calendar, api):
        body = api("eve").get("/api/v1/calendar/years/").json()

        assert [y["year"] for y in body][-3:] == [2024, 2025, 2026]
        assert {y["source"] for y in body} == {"package"}

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_only_staff_confirm_a_year(self, world, api, role):
        response = api(role).post("/api/v1/calendar/years/", {"year": 2027, "note": "国办发明电〔2026〕1号"},
                                  format="json")

        if role in EDITORS:
            assert response.status_code == 201
            assert (response.json()["year"], response.json()["source"], response.json()["note"]) == (
                2027, "staff", "国办发明电〔2026〕1号")
        else:
            assert response.status_code == 403
            assert CalendarYear.objects.exists() is False

    def test_year_out_of_range_is_a_bad_request(self, world, api):
        response = api("alice", "en").post("/api/v1/calendar/years/", {"year": 2200}, format="json")

        assert response.json() == {"detail": "The input is not valid.",
                                   "errors": {"year": ["The year must be between 2000 and 2100."]}}
