"""The HTML pages: sign-in, the role-aware home page, list pages scoped like the API, query
counts that do not grow with the rows, and hostile text escaped."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from members import services
from members.models import Member
from tests.builders import BUILDERS
from tests.expectations import ALL_ROLES, VISIBLE
from tests.factories import PASSWORD

LIST_PAGES = {
    "committees": "/committees/",
    "sectors": "/sectors/",
    "special-committees": "/special-committees/",
    "members": "/members/",
    "departments": "/departments/",
    "liaisons": "/liaisons/",
    "studios": "/studios/",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def h1(response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def csrf_from(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)


class TestSignIn:
    def test_sign_in_through_the_form_lands_on_home(self, world):
        client = Client(enforce_csrf_checks=True)
        form = client.get("/accounts/login/")
        assert form.status_code == 200

        response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD,
                                                    "csrfmiddlewaretoken": csrf_from(form)})

        assert (response.status_code, response["Location"]) == (302, "/")
        assert "张爱丽" in h1(client.get("/"))

    def test_wrong_password_stays_on_the_form(self, world):
        client = Client()

        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

        assert response.status_code == 200
        assert response.wsgi_request.user.is_authenticated is False

    def test_login_form_without_csrf_token_is_refused(self, world):
        response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "alice",
                                                                              "password": PASSWORD})

        assert response.status_code == 403

    @pytest.mark.parametrize("url", ["/", *LIST_PAGES.values(), "/calendar/", "/notifications/"])
    def test_anonymous_is_sent_to_sign_in(self, world, url):
        response = Client().get(url)

        assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


HOME_SECTIONS = {
    "root": {"staff-title"},
    "alice": {"staff-title"},
    "fiona": {"staff-title"},
    "lily": {"leader-title"},
    "bob": {"seats-title"},
    "carol": {"desks-title"},
    "dave": {"desks-title"},
    "eve": set(),
}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_home_greets_by_name_and_shows_the_roles_sections(world, role):
    user = getattr(world, role)

    response = client_for(user).get("/")

    assert response.status_code == 200
    assert user.full_name in h1(response)
    html = response.content.decode()
    sections = set(re.findall(r'id="(staff-title|leader-title|seats-title|desks-title)"', html))
    assert sections == HOME_SECTIONS[role]


def test_home_of_an_outsider_says_the_account_is_not_linked(world):
    response = client_for(world.eve).get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Your account is not linked to a committee yet." in response.content.decode()


NAME_OF = {
    "liaisons": lambda obj: obj.user.full_name,
}


def unique_names(world, kind):
    """Names of the world's objects of ``kind`` that identify exactly one object."""
    objects = {n: getattr(world, n) for n in VISIBLE[kind]["root"]}
    names = {n: NAME_OF.get(kind, str)(obj) for n, obj in objects.items()}
    counts = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {n: name for n, name in names.items() if counts[name] == 1}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("kind", list(LIST_PAGES))
def test_list_page_shows_exactly_the_scope(world, kind, role):
    response = client_for(getattr(world, role)).get(LIST_PAGES[kind])

    assert response.status_code == 200
    html = response.content.decode()
    shown = {n for n, name in unique_names(world, kind).items() if name in html}
    assert shown == VISIBLE[kind][role] & set(unique_names(world, kind))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_member_detail_outside_scope_is_not_found(world, role):
    client = client_for(getattr(world, role))

    statuses = {n: client.get(f"/members/{getattr(world, n).pk}/").status_code for n in VISIBLE["members"]["root"]}

    assert statuses == {n: 200 if n in VISIBLE["members"][role] else 404 for n in statuses}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_department_detail_outside_scope_is_not_found(world, role):
    client = client_for(getattr(world, role))

    statuses = {n: client.get(f"/departments/{getattr(world, n).pk}/").status_code
                for n in VISIBLE["departments"]["root"]}

    assert statuses == {n: 200 if n in VISIBLE["departments"][role] else 404 for n in statuses}


@pytest.mark.parametrize(("role", "status"), [("alice", 200), ("lily", 403), ("bob", 403), ("carol", 403),
                                              ("eve", 403)])
def test_only_staff_open_the_new_member_form(world, role, status):
    assert client_for(getattr(world, role)).get("/members/new/").status_code == status


def test_edit_form_of_a_visible_object_is_forbidden_for_a_member(world):
    client = client_for(world.bob)

    assert client.get(f"/members/{world.bob_seat.pk}/edit/").status_code == 403
    assert client.get(f"/members/{world.ben_seat.pk}/edit/").status_code == 404


PAGE_BUILDERS = {**{kind: (url, kind) for kind, url in LIST_PAGES.items()},
                 "notifications": ("/notifications/", "notifications")}


@pytest.mark.parametrize("page", list(PAGE_BUILDERS))
def test_list_page_query_count_does_not_grow(office, page):
    url, kind = PAGE_BUILDERS[page]
    committee, sam, term = office
    client = client_for(sam)
    BUILDERS[kind](committee, term, 1)
    client.get(url)  # warm the per-process caches (content types, calendar) first
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    BUILDERS[kind](committee, term, 9)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200

    assert len(ten.captured_queries) == len(one.captured_queries)


def test_committee_roles_page_query_count_does_not_grow(office):
    committee, sam, term = office
    client = client_for(sam)
    url = f"/committees/{committee.pk}/roles/"
    BUILDERS["committee-roles"](committee, term, 1)
    client.get(url)  # warm the per-process caches first
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    BUILDERS["committee-roles"](committee, term, 9)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200

    assert len(ten.captured_queries) == len(one.captured_queries)


def test_calendar_page_query_count_does_not_grow(office):
    committee, sam, term = office
    client = client_for(sam)
    BUILDERS["calendar/days"](committee, term, 1)
    client.get("/calendar/?year=2026")  # warm the per-process caches first
    with CaptureQueriesContext(connection) as one:
        assert client.get("/calendar/?year=2026").status_code == 200

    BUILDERS["calendar/days"](committee, term, 9)
    with CaptureQueriesContext(connection) as ten:
        assert client.get("/calendar/?year=2026").status_code == 200

    assert len(ten.captured_queries) == len(one.captured_queries)


HOSTILE = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_html_in_a_name_is_escaped_on_list_and_detail_pages(world):
    sector = services.sector_create(actor=world.alice, committee=world.a, name=HOSTILE, kind="field")
    member = services.member_create(actor=world.alice, committee=world.a, term=world.term_a, sector=sector,
                                    name="李新", phone="13811112222", workplace=HOSTILE, contact_point=HOSTILE)
    client = client_for(world.alice)

    for url in ("/sectors/", f"/sectors/{sector.pk}/", "/members/", f"/members/{member.pk}/"):
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert ESCAPED in html, url


def test_search_text_is_escaped_when_echoed(world):
    html = client_for(world.alice).get("/members/", {"q": HOSTILE}).content.decode()

    assert HOSTILE not in html


class TestImportPage:
    def test_staff_imports_members_from_a_csv(self, world):
        sheet = "姓名,手机号码,界别\n李新,13811112222,医药卫生界\n赵敏,13811113333,医药卫生界\n".encode()

        response = client_for(world.alice).post("/members/import/", {
            "committee": world.a.pk, "term": world.term_a.pk,
            "file": SimpleUploadedFile("members.csv", sheet, content_type="text/csv"),
        })

        assert (response.status_code, response["Location"]) == (302, f"/members/?committee={world.a.pk}")
        assert sorted(Member.objects.filter(committee=world.a).values_list("name", flat=True)) == ["李新", "王博", "赵敏"]

    def test_a_bad_row_is_listed_and_nothing_imported(self, world):
        sheet = "姓名,手机号码,界别\n李新,13811112222,医药卫生界\n赵敏,12345,医药卫生界\n".encode()

        response = client_for(world.alice).post("/members/import/", {
            "committee": world.a.pk, "term": world.term_a.pk,
            "file": SimpleUploadedFile("members.csv", sheet, content_type="text/csv"),
        }, HTTP_ACCEPT_LANGUAGE="en")

        assert response.status_code == 200
        assert [(e.line, e.column) for e in response.context["errors"]] == [(3, "手机号码")]
        assert Member.objects.filter(committee=world.a).count() == 1

    def test_template_download_is_an_xlsx(self, world):
        response = client_for(world.alice).get("/members/import/template.xlsx")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response.content[:2] == b"PK"

    @pytest.mark.parametrize("role", ["lily", "bob", "carol", "eve"])
    def test_import_is_for_staff_only(self, world, role):
        assert client_for(getattr(world, role)).get("/members/import/").status_code == 403
