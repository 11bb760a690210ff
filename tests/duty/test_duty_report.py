"""The member's yearly duty report as a PDF (members.duty_letters, read back line by line) and
the rankings' Excel export (header, rows, filters, formula injection), per role, on worlds built
through the real services."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from members.models import DutyEntry, Member
from tests.duty.test_duty_pages import (
    HOSTILE,
    TODAY,
    YEAR,
    Scored,
    client,
    make_rules,
    offline,
    submitted_proposal,
)
from tests.proposals.test_proposal_reports import page_count, pdf_lines

pytestmark = pytest.mark.django_db


def report_url(member, year=YEAR) -> str:
    return f"{reverse('duty_report_pdf', args=[member.pk])}?year={year}"


def report(user, member, year=YEAR):
    response = client(user).get(report_url(member, year))
    assert response.status_code == 200
    assert (response["Content-Type"], response.content[:8]) == ("application/pdf", b"%PDF-1.4")
    return response


def printed_on() -> str:
    return f"Printed on {date_format(timezone.localdate(), 'DATE_FORMAT')}"


# --- the duty report ------------------------------------------------------------------------------


def test_the_report_prints_the_member_the_score_and_the_entries_by_kind(cw):
    Member.objects.filter(pk=cw.bob_seat.pk).update(workplace="甲市第一人民医院", title="主任医师")
    make_rules(cw, publish=True)
    proposal = submitted_proposal(cw)
    offline(cw, cw.bob_seat, note="县政协组织")
    offline(cw, cw.bob_seat, "走访困难群众")
    response = report(cw.bob, cw.bob_seat)
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''%E7%8E%8B%E5%8D%9A-" f"{YEAR}-Duty%20report.pdf")
    assert page_count(response.content) == 1
    day = TODAY.isoformat()
    assert pdf_lines(response.content) == [
        "Page 1",
        "政协甲市委员会",
        "Duty report",
        f"Year {YEAR}",
        "Name", "王博",
        "Sector", "医药卫生界",
        "Workplace", "甲市第一人民医院 主任医师",
        "Committee", "甲市政协",
        "Year", str(YEAR),
        "Score", "82.00",  # 70 + 2 + 2 × 5
        "Grade", "良好",
        "Minimums not met", "None",
        f"Scored under: {YEAR}年度委员履职量化考核办法",
        "Points by kind of duty",
        "Kind of duty", "Count", "Points",
        "Submitted a proposal", "1", "2.00",
        "Proposal filed", "0", "0.00",
        "Other duty (recorded by staff)", "2", "10.00",
        "What the member did",
        "Submitted a proposal（1）",
        f"{day} {proposal.title}",
        "Other duty (recorded by staff)（2）",
        f"{day} 参加界别委员座谈会（县政协组织）",
        f"{day} 走访困难群众",
        printed_on(),
    ]


def test_before_publication_the_report_lists_the_entries_without_a_score(cw):
    make_rules(cw)
    offline(cw, cw.cindy_seat)
    lines = pdf_lines(report(cw.cindy, cw.cindy_seat).content)
    assert lines[lines.index("Year", 5):lines.index("Points by kind of duty")] == [
        "Year", str(YEAR), "Score", "Not published yet"]
    assert lines[lines.index("Kind of duty"):lines.index("What the member did")] == [
        "Kind of duty", "Count", "Points", "Other duty (recorded by staff)", "1", "—"]
    # staff read the same member-year with the draft's score
    staff = pdf_lines(report(cw.alice, cw.cindy_seat).content)
    assert staff[staff.index("Score"):staff.index("Score") + 6] == ["Score", "75.00", "Grade", "合格",
                                                                    "Minimums not met", "Submitted a proposal: 0 of 1"]


def test_a_year_without_entries(cw):
    lines = pdf_lines(report(cw.bob, cw.bob_seat, YEAR - 1).content)
    assert lines[lines.index("Points by kind of duty"):] == [
        "Points by kind of duty", "Nothing recorded in this year.", "What the member did",
        "Nothing recorded in this year.", printed_on()]
    assert f"Year {YEAR - 1}" in lines


@pytest.mark.parametrize(("who", "whose", "status"), [
    ("bob", "bob_seat", 200), ("alice", "cindy_seat", 200), ("lily", "bob_seat", 200), ("fiona", "ada_seat", 200),
    ("root", "ben_seat", 200), ("bob", "cindy_seat", 404), ("alice", "ada_seat", 404), ("alice", "ben_seat", 404),
    ("carol", "bob_seat", 404), ("eve", "bob_seat", 404),
])
def test_who_may_download_a_report(cw, who, whose, status):
    assert client(getattr(cw, who)).get(report_url(getattr(cw, whose))).status_code == status


def test_a_report_asks_for_a_login_and_is_only_read(cw):
    assert client().get(report_url(cw.bob_seat)).status_code == 302
    assert client(cw.bob).post(report_url(cw.bob_seat)).status_code == 405


def test_hostile_text_prints_as_written(cw):
    make_rules(cw, publish=True)
    offline(cw, cw.bob_seat, HOSTILE, note="<b>a & b</b>")
    lines = pdf_lines(report(cw.bob, cw.bob_seat).content)
    assert f"{TODAY.isoformat()} {HOSTILE}（<b>a & b</b>）" in lines


def test_the_report_costs_the_same_with_1_or_10_entries(cw):
    make_rules(cw, publish=True)
    offline(cw, cw.bob_seat)

    def count() -> int:
        c = client(cw.bob)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(report_url(cw.bob_seat)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(9):
        offline(cw, cw.bob_seat, f"线下履职{i}")
    assert count() == few
    assert DutyEntry.objects.filter(member=cw.bob_seat).count() == 10


# --- the Excel export -----------------------------------------------------------------------------


def sheet(response, year=YEAR) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [str(year)]
    return [[cell.value for cell in row] for row in book.active.iter_rows()]


HEADER = ["Rank", "Name", "Sector", "Workplace", "Score", "Grade", "Minimums not met", "Submitted a proposal",
          "Proposal filed", "Other duty (recorded by staff)"]
UNMET = "Submitted a proposal: 0 of 1"


def test_the_export_has_each_kinds_points_as_columns(cw):
    Scored(cw, extra=3)
    response = client(cw.alice).get(reverse("duty_rankings_export"))
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''Duty%20rankings%20%E7%94%B2%E5%B8%82%20" f"{YEAR}.xlsx")
    assert sheet(response) == [
        HEADER,
        [1, "王博", "医药卫生界", None, 87, "良好", None, 2, 0, 15],
        [2, "委员02", "教育界", "第2中学", 85, "良好", UNMET, 0, 0, 15],
        [3, "委员01", "教育界", "第1中学", 80, "良好", UNMET, 0, 0, 10],
        [4, "委员00", "教育界", "第0中学", 75, "合格", UNMET, 0, 0, 5],
        [4, "崔欣", "医药卫生界", None, 75, "合格", UNMET, 0, 0, 5],
    ]


def test_the_export_follows_the_filters_and_the_role(cw):
    world = Scored(cw, extra=2)
    rows = sheet(client(cw.lily).get(reverse("duty_rankings_export"), {"below": "true", "sector": world.sector_2.pk}))
    assert rows == [HEADER, [2, "委员01", "教育界", "第1中学", 80, "良好", UNMET, 0, 0, 10],
                    [3, "委员00", "教育界", "第0中学", 75, "合格", UNMET, 0, 0, 5]]
    # another committee's name in the query falls back to the user's own
    rows = sheet(client(cw.alice).get(reverse("duty_rankings_export"), {"committee": cw.b.pk, "q": "崔"}))
    assert rows == [HEADER, [3, "崔欣", "医药卫生界", None, 75, "合格", UNMET, 0, 0, 5]]
    assert sheet(client(cw.alice).get(reverse("duty_rankings_export"), {"year": YEAR - 1}), YEAR - 1) == [HEADER[:7]]


def test_the_export_writes_formulas_as_text(cw):
    world = Scored(cw, extra=1)
    Member.objects.filter(pk=world.extra[0].pk).update(name="=HYPERLINK(\"http://x\")", workplace="+1")
    rows = sheet(client(cw.alice).get(reverse("duty_rankings_export"), {"q": "HYPERLINK"}))
    assert rows[1][1:4] == ["'=HYPERLINK(\"http://x\")", "教育界", "'+1"]


def test_the_export_costs_the_same_with_1_or_10_members(cw):
    world = Scored(cw, extra=1)

    def count() -> int:
        c = client(cw.alice)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse("duty_rankings_export")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    world.grow(9)
    assert count() == few
