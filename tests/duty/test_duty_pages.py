"""The duty record and assessment pages: a member's own record (entries always, score only once
the year's rules are published), staff's and leaders' view of any member of their committees
with manual entries and their evidence, the rankings with their filters, sector ranking,
members below the minimums and the shortlist, and the rules of a year edited row by row with
their recompute. Per role (404 outside the selectors), each action, bad input and query counts
(1 vs 10 rows)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import duty
from members.choices import DutyKind, JobStatus, RuleSetStatus, SplitMode
from members.models import AssessmentRule, AssessmentRuleSet, DutyEntry, DutyEvidence, DutyScore, RecomputeJob
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HOSTILE = "<script>alert(1)</script>"


def client(user=None) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        c.force_login(user)
    return c


def flashed(response) -> list[str]:
    """The message this request added (the client does not follow redirects, so earlier ones wait)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def pdf(name: str = "座谈会签到表.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_rules(cw, *, publish=False, year=YEAR, committee=None) -> AssessmentRuleSet:
    """Base 70, total at most 120, grades 优秀 90 / 良好 80 / 合格 60, at least one proposal;
    an offline duty 5 points (at most 20), a submitted proposal 2, a filed one 10 (first half)."""
    rule_set = duty.rule_set_save(actor=cw.alice, committee=committee or cw.a, year=year,
                                  title=f"{year}年度委员履职量化考核办法", base_score=70, max_score=120,
                                  grades=[{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80},
                                          {"grade": "合格", "min": 60}],
                                  minimums=[{"kind": DutyKind.PROPOSAL_SUBMITTED, "count": 1}])
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.OTHER, points=5, cap=20)
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.PROPOSAL_SUBMITTED, points=2)
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.PROPOSAL_FILED, points=10,
                   split=SplitMode.FIRST_SHARE, first_share="0.5")
    if publish:
        rule_set = duty.rule_set_publish(actor=cw.alice, rule_set=rule_set)
    return rule_set


def offline(cw, member, label="参加界别委员座谈会", *, day=None, evidence=(), note="") -> DutyEntry:
    return duty.duty_entry_add(actor=cw.alice, member=member, kind=DutyKind.OTHER, occurred_on=day or TODAY,
                               label=label, note=note, evidence=evidence)


def submitted_proposal(cw):
    """bob submits a proposal; the sync puts it in his record (the sweep, run here by hand)."""
    proposal = cw.submitted()
    duty.duty_sync_dirty()
    return proposal


def queries(user, url: str) -> int:
    c = client(user)
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def mine_url(year=YEAR) -> str:
    return f"{reverse('duty_mine')}?year={year}"


def member_url(member, year=YEAR) -> str:
    return f"{reverse('duty_member', args=[member.pk])}?year={year}"


# --- a member's own record ----------------------------------------------------------------------


def test_member_sees_entries_without_a_score_before_the_rules_are_published(cw):
    rules = make_rules(cw)
    proposal = submitted_proposal(cw)
    offline(cw, cw.bob_seat, evidence=[pdf()])
    response = client(cw.bob).get(mine_url())
    assert response.status_code == 200
    record = response.context["record"]
    assert (record.shows_score, record.total, record.rule_set, record.counts) == (
        False, None, None, {DutyKind.PROPOSAL_SUBMITTED: 1, DutyKind.OTHER: 1})
    entries = response.context["entries"]
    assert [(e.kind, e.label, e.link, e.points) for e in entries] == [
        (DutyKind.OTHER, "参加界别委员座谈会", "", None),
        (DutyKind.PROPOSAL_SUBMITTED, proposal.title, f"/proposals/{proposal.pk}/", None)]
    html = response.content.decode()
    assert f"The assessment rules of {YEAR} are not published yet" in html
    assert f'href="/proposals/{proposal.pk}/"' in html
    assert "座谈会签到表.pdf" in html
    assert rules.status == RuleSetStatus.DRAFT and '<span class="label">Score</span>' not in html


def test_member_sees_score_grade_points_and_minimums_once_published(cw):
    make_rules(cw, publish=True)
    for label in ("参加界别委员座谈会", "走访困难群众", "参加调研"):
        offline(cw, cw.bob_seat, label)
    response = client(cw.bob).get(mine_url())
    record = response.context["record"]
    # 70 + 3 × 5, no proposal yet: 良好, the minimum not met
    assert (record.shows_score, record.is_stored, record.total, record.grade) == (True, True, Decimal("85.00"), "良好")
    assert [u["text"] for u in record.unmet] == ["Submitted a proposal: 0 of 1"]
    assert [(k["kind"], k["count"], k["points"]) for k in record.kinds] == [
        (DutyKind.PROPOSAL_SUBMITTED, 0, Decimal("0.00")), (DutyKind.PROPOSAL_FILED, 0, Decimal("0.00")),
        (DutyKind.OTHER, 3, Decimal("15.00"))]
    assert [e.points for e in response.context["entries"]] == [Decimal("5.00")] * 3

    submitted_proposal(cw)
    record = client(cw.bob).get(mine_url()).context["record"]
    assert (record.total, record.grade, record.unmet) == (Decimal("87.00"), "良好", [])


def test_the_kind_filter_and_the_year_switch(cw):
    make_rules(cw, publish=True)
    submitted_proposal(cw)
    offline(cw, cw.bob_seat)
    response = client(cw.bob).get(f"{mine_url()}&kind={DutyKind.OTHER}")
    assert [e.kind for e in response.context["entries"]] == [DutyKind.OTHER]
    assert response.context["kind_label"] == "Other duty (recorded by staff)"
    response = client(cw.bob).get(f"{mine_url()}&kind=nonsense")
    assert len(response.context["entries"]) == 2
    response = client(cw.bob).get(mine_url(YEAR - 1))
    assert (response.context["year"], list(response.context["entries"]), response.context["record"].shows_score) == (
        YEAR - 1, [], False)
    assert response.context["years"] == [YEAR, YEAR - 1]
    for junk in ("abc", "99999", "-1", "<script>"):
        assert client(cw.bob).get(reverse("duty_mine"), {"year": junk}).context["year"] == YEAR


def test_a_login_without_a_seat_has_no_own_record(cw):
    for user in (cw.alice, cw.lily, cw.carol, cw.eve):
        assert client(user).get(reverse("duty_mine")).status_code == 404
    assert client().get(reverse("duty_mine")).status_code == 302


def test_entry_links_stay_within_the_portal(cw):
    entry = offline(cw, cw.bob_seat)
    DutyEntry.objects.filter(pk=entry.pk).update(url="javascript:alert(1)")
    response = client(cw.bob).get(mine_url())
    assert [e.link for e in response.context["entries"]] == [""]
    assert "javascript:" not in response.content.decode()


# --- another member's record ----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "whose", "status"), [
    ("alice", "bob_seat", 200), ("fiona", "ada_seat", 200), ("lily", "cindy_seat", 200), ("root", "ben_seat", 200),
    ("bob", "bob_seat", 200), ("bob", "cindy_seat", 404), ("alice", "ada_seat", 404), ("alice", "ben_seat", 404),
    ("lily", "ada_seat", 404), ("carol", "bob_seat", 404), ("jack", "bob_seat", 404), ("eve", "bob_seat", 404),
])
def test_who_may_open_a_members_record(cw, who, whose, status):
    assert client(getattr(cw, who)).get(member_url(getattr(cw, whose))).status_code == status


def test_staff_see_the_score_under_draft_rules_and_leaders_only_once_published(cw):
    make_rules(cw)
    offline(cw, cw.cindy_seat)
    staff = client(cw.alice).get(member_url(cw.cindy_seat))
    assert (staff.context["record"].total, staff.context["is_draft"], staff.context["can_manage"]) == (
        Decimal("75.00"), True, True)
    assert "These rules are a draft" in staff.content.decode()
    leader = client(cw.lily).get(member_url(cw.cindy_seat))
    record = leader.context["record"]
    # draft rules are the staff's trial: a leader sees neither the rules nor the scores under them
    assert (record.total, record.grade, record.rule_set, leader.context["can_manage"]) == (None, "", None, False)
    assert "entry_form" not in leader.context
    assert [e.points for e in leader.context["entries"]] == [None]  # the draft's rules are not the leader's to read
    member = client(cw.cindy).get(member_url(cw.cindy_seat)).context["record"]
    assert (member.shows_score, member.total) == (False, None)


def test_rules_not_yet_computed_are_scored_live(cw):
    offline(cw, cw.cindy_seat)  # before any rules: no score stored
    rules = make_rules(cw, publish=True)
    assert not DutyScore.objects.filter(member=cw.cindy_seat).exists()
    record = client(cw.cindy).get(mine_url()).context["record"]
    assert (rules.status, record.is_stored, record.total, record.grade) == ("published", False, Decimal("75.00"), "合格")


def test_staff_record_an_offline_duty_with_evidence(cw):
    make_rules(cw, publish=True)
    response = client(cw.alice).post(member_url(cw.bob_seat), {
        "action": "add", "year": YEAR, "entry-kind": DutyKind.OTHER, "entry-occurred_on": TODAY.isoformat(),
        "entry-label": "参加脱贫攻坚督导", "entry-note": "县政协组织", "entry-evidence": [pdf("照片.pdf"), pdf("签到.pdf")]})
    assert response.status_code == 302 and response["Location"] == member_url(cw.bob_seat)
    entry = DutyEntry.objects.get(member=cw.bob_seat)
    assert (entry.is_manual, entry.label, entry.note, entry.created_by, entry.year) == (
        True, "参加脱贫攻坚督导", "县政协组织", cw.alice, YEAR)
    assert sorted(entry.evidence.values_list("original_name", flat=True)) == ["照片.pdf", "签到.pdf"]
    assert DutyScore.objects.get(member=cw.bob_seat, year=YEAR).total == Decimal("75.00")
    assert flashed(response) == ["The entry is recorded in 王博's duty record."]

    evidence = entry.evidence.order_by("id").first()
    url = reverse("duty_evidence_download", args=[evidence.pk])
    download = client(cw.bob).get(url)
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PDF)
    assert download["Content-Disposition"].startswith("attachment")
    for user in (cw.alice, cw.lily, cw.root):
        assert client(user).get(url).status_code == 200
    for user in (cw.cindy, cw.carol, cw.ada, cw.eve):
        assert client(user).get(url).status_code == 404
    assert client(cw.alice).get(reverse("duty_evidence_download", args=[evidence.pk + 999])).status_code == 404


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"entry-occurred_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "occurred_on",
     "Give the day (not in the future)."),
    ({"entry-occurred_on": "2024-02-30"}, "occurred_on", "Enter a valid date."),
    ({"entry-label": "x"}, "label", "Say what the member did in 2 to 200 characters."),
    ({"entry-label": "长" * 201}, "label", "Ensure this value has at most 200 characters (it has 201)."),
    ({"entry-label": "   "}, "label", "This field is required."),
    ({"entry-kind": "picnic"}, "kind", "Select a valid choice. picnic is not one of the available choices."),
    ({"entry-note": "注" * 501}, "note", "Ensure this value has at most 500 characters (it has 501)."),
    ({"entry-evidence": [SimpleUploadedFile("run.sh", b"#!/bin/sh\nrm -rf /\n")]}, "evidence",
     "run.sh is not an accepted file: upload a picture (JPEG, PNG), a PDF or a Word, Excel or PowerPoint document."),
    ({"entry-evidence": [pdf(f"{i}.pdf") for i in range(6)]}, "evidence", "At most 5 files."),
])
def test_bad_manual_entries_are_refused_by_the_field(cw, fields, field, message):
    data = {"action": "add", "year": YEAR, "entry-kind": DutyKind.OTHER, "entry-occurred_on": TODAY.isoformat(),
            "entry-label": "参加界别委员座谈会", **fields}
    response = client(cw.alice).post(member_url(cw.bob_seat), data)
    assert response.status_code == 200
    assert response.context["entry_form"].errors == {field: [message]}
    assert not DutyEntry.objects.exists() and not DutyEvidence.objects.exists()


def test_hostile_text_is_stored_as_written_and_shown_escaped(cw):
    response = client(cw.alice).post(member_url(cw.bob_seat), {
        "action": "add", "year": YEAR, "entry-kind": DutyKind.OTHER, "entry-occurred_on": TODAY.isoformat(),
        "entry-label": HOSTILE, "entry-note": HOSTILE})
    assert response.status_code == 302
    assert DutyEntry.objects.get().label == HOSTILE
    html = client(cw.bob).get(mine_url()).content.decode()
    assert HOSTILE not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2


def test_only_staff_of_the_members_committee_add_or_delete(cw):
    entry = offline(cw, cw.bob_seat)
    data = {"action": "add", "entry-kind": DutyKind.OTHER, "entry-occurred_on": TODAY.isoformat(),
            "entry-label": "参加界别委员座谈会"}
    for user, status in ((cw.lily, 403), (cw.bob, 403), (cw.cindy, 404), (cw.carol, 404)):
        assert client(user).post(member_url(cw.bob_seat), data).status_code == status
        assert client(user).post(member_url(cw.bob_seat), {"action": "delete", "entry": entry.pk}).status_code == status
    assert DutyEntry.objects.count() == 1
    # staff of A may not reach a member of A1 (fiona may)
    ada_entry = duty.duty_entry_add(actor=cw.fiona, member=cw.ada_seat, kind=DutyKind.OTHER, occurred_on=TODAY,
                                    label="参加东区调研")
    assert client(cw.alice).post(member_url(cw.ada_seat), {"action": "delete", "entry": ada_entry.pk}).status_code == 404
    assert client(cw.fiona).post(member_url(cw.ada_seat), {"action": "delete", "entry": ada_entry.pk}).status_code == 302
    assert not DutyEntry.objects.filter(pk=ada_entry.pk).exists()


def test_staff_delete_manual_entries_but_not_the_portals_own(cw):
    make_rules(cw, publish=True)
    submitted_proposal(cw)
    entry = offline(cw, cw.bob_seat, evidence=[pdf()])
    c = client(cw.alice)
    response = c.post(member_url(cw.bob_seat), {"action": "delete", "entry": entry.pk, "year": YEAR})
    assert response.status_code == 302 and flashed(response) == ["The entry “参加界别委员座谈会” is deleted."]
    assert not DutyEvidence.objects.exists()
    assert DutyScore.objects.get(member=cw.bob_seat).total == Decimal("72.00")

    synced = DutyEntry.objects.get(member=cw.bob_seat)
    response = c.post(member_url(cw.bob_seat), {"action": "delete", "entry": synced.pk})
    assert flashed(response) == [
        "This entry comes from the portal's own records; change the record it comes from."]
    assert DutyEntry.objects.filter(pk=synced.pk).exists()
    for junk in ("", "abc", "-1"):
        assert c.post(member_url(cw.bob_seat), {"action": "delete", "entry": junk}).status_code == 404
    cindy_entry = offline(cw, cw.cindy_seat)
    assert c.post(member_url(cw.bob_seat), {"action": "delete", "entry": cindy_entry.pk}).status_code == 404
    response = c.post(member_url(cw.bob_seat), {"action": "explode"})
    assert flashed(response) == ["Unknown action."]


def _grow_entries(cw, member, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        offline(cw, member, f"线下履职{i:02d}", evidence=[pdf(f"证明{i}.pdf")] if i % 2 else [])


def test_record_pages_cost_the_same_with_1_or_10_entries(cw):
    make_rules(cw, publish=True)
    submitted_proposal(cw)
    _grow_entries(cw, cw.bob_seat, 1)
    few = (queries(cw.bob, mine_url()), queries(cw.alice, member_url(cw.bob_seat)),
           queries(cw.lily, member_url(cw.bob_seat)))
    _grow_entries(cw, cw.bob_seat, 9, start=1)
    many = (queries(cw.bob, mine_url()), queries(cw.alice, member_url(cw.bob_seat)),
            queries(cw.lily, member_url(cw.bob_seat)))
    assert few == many
    assert len(client(cw.alice).get(member_url(cw.bob_seat)).context["entries"]) == 11


# --- rankings -------------------------------------------------------------------------------------


class Scored:
    """Committee A's year with members scored: bob 87 (proposal and three offline duties),
    cindy 75, and extra members of a second sector."""

    def __init__(self, cw, *, extra: int = 0):
        from tests.factories import SectorFactory

        self.cw = cw
        self.rules = make_rules(cw, publish=True)
        self.sector_2 = SectorFactory(committee=cw.a, name="教育界", order=2)
        submitted_proposal(cw)
        for label in ("参加界别委员座谈会", "走访困难群众", "参加调研"):
            offline(cw, cw.bob_seat, label)
        offline(cw, cw.cindy_seat)
        self.extra = []
        self.grow(extra)

    def grow(self, n: int) -> None:
        for _ in range(n):
            i = len(self.extra)
            member = MemberFactory(committee=self.cw.a, term=self.cw.term_a, sector=self.sector_2, name=f"委员{i:02d}",
                                   workplace=f"第{i}中学")
            for j in range(i % 4 + 1):
                offline(self.cw, member, f"线下履职{j}")
            self.extra.append(member)


def rankings_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('duty_rankings')}?{query}"


def test_rankings_rank_the_committee_year(cw):
    world = Scored(cw, extra=3)  # 委员00 75, 委员01 80, 委员02 85
    response = client(cw.alice).get(reverse("duty_rankings"))
    assert response.status_code == 200
    assert (response.context["committee"], response.context["year"], response.context["scored"]) == (cw.a, YEAR, 5)
    rows = [(s.rank, s.member.name, s.total, s.grade, s.unmet_text) for s in response.context["object_list"]]
    assert rows == [
        (1, "王博", Decimal("87.00"), "良好", ""),
        (2, "委员02", Decimal("85.00"), "良好", "Submitted a proposal: 0 of 1"),
        (3, "委员01", Decimal("80.00"), "良好", "Submitted a proposal: 0 of 1"),
        (4, "委员00", Decimal("75.00"), "合格", "Submitted a proposal: 0 of 1"),
        (4, "崔欣", Decimal("75.00"), "合格", "Submitted a proposal: 0 of 1"),
    ]
    assert response.context["sectors"] == [
        {"rank": 1, "name": "医药卫生界", "count": 2, "average": Decimal("81.00"), "best": Decimal("87.00"),
         "lowest": Decimal("75.00"), "below": 1},
        {"rank": 2, "name": "教育界", "count": 3, "average": Decimal("80.00"), "best": Decimal("85.00"),
         "lowest": Decimal("75.00"), "below": 3},
    ]
    assert [s.member.name for s in response.context["below_rows"]] == ["委员02", "委员01", "委员00", "崔欣"]
    assert response.context["below_count"] == 4
    # the default shortlist: the best 10% of those meeting the minimums (only bob meets them)
    assert [s.member.name for s in response.context["shortlist"]["rows"]] == ["王博"]
    assert world.rules.status == "published"


@pytest.mark.parametrize(("params", "names"), [
    ({"grade": "合格"}, ["委员00", "崔欣"]),
    ({"below": "true"}, ["委员02", "委员01", "委员00", "崔欣"]),
    ({"below": "false"}, ["王博"]),
    ({"q": "第1中学"}, ["委员01"]),
    ({"q": "崔"}, ["崔欣"]),
    ({"q": HOSTILE}, []),
    ({"grade": "优秀"}, []),
])
def test_rankings_filters(cw, params, names):
    Scored(cw, extra=3)
    response = client(cw.alice).get(reverse("duty_rankings"), params)
    assert [s.member.name for s in response.context["object_list"]] == names
    assert response.context["filters_active"] == 1
    if names:  # a filtered row keeps its place in the whole committee
        assert response.context["object_list"][-1].rank == {"崔欣": 4, "委员00": 4, "委员01": 3, "王博": 1}[names[-1]]


def test_rankings_sector_filter_and_bad_values(cw):
    world = Scored(cw, extra=2)
    response = client(cw.alice).get(reverse("duty_rankings"), {"sector": world.sector_2.pk})
    assert [s.member.name for s in response.context["object_list"]] == ["委员01", "委员00"]
    response = client(cw.alice).get(reverse("duty_rankings"), {"sector": cw.sector_b.pk})  # another committee's
    assert response.context["filter"].errors["sector"] == [
        "Select a valid choice. That choice is not one of the available choices."]
    response = client(cw.alice).get(reverse("duty_rankings"), {"committee": cw.b.pk, "year": "junk", "page": "999"})
    assert (response.context["committee"], response.context["year"]) == (cw.a, YEAR)
    assert len(response.context["object_list"]) == 4
    response = client(cw.alice).get(reverse("duty_rankings"), {"grade": "<b>x</b>"})
    assert response.status_code == 200 and "<b>x</b>" not in response.content.decode()


def test_rankings_of_another_year_or_committee(cw):
    Scored(cw)
    response = client(cw.alice).get(reverse("duty_rankings"), {"year": YEAR - 1})
    assert (response.context["scored"], response.context["rule_set"], list(response.context["object_list"])) == (
        0, None, [])
    assert f"No assessment rules for {YEAR - 1} yet" in response.content.decode()
    # fiona oversees A and A1
    duty.rule_set_save(actor=cw.fiona, committee=cw.a1, year=YEAR, title="东区年度履职考核办法", base_score=60)
    duty.duty_entry_add(actor=cw.fiona, member=cw.ada_seat, kind=DutyKind.OTHER, occurred_on=TODAY, label="参加东区调研")
    response = client(cw.fiona).get(reverse("duty_rankings"), {"committee": cw.a1.pk})
    assert [(s.member.name, s.total) for s in response.context["object_list"]] == [("吴艾达", Decimal("60.00"))]


@pytest.mark.parametrize(("who", "status"), [
    ("alice", 200), ("fiona", 200), ("lily", 200), ("root", 200), ("bob", 403), ("carol", 403), ("eve", 403),
])
def test_who_may_see_the_rankings(cw, who, status):
    assert client(getattr(cw, who)).get(reverse("duty_rankings")).status_code == status
    assert client(getattr(cw, who)).get(reverse("duty_rankings_export")).status_code == status


def test_rankings_ask_for_a_login(cw):
    assert client().get(reverse("duty_rankings")).status_code == 302
    assert client().get(reverse("duty_rankings_export")).status_code == 302


def test_shortlist_by_share_and_by_grade(cw):
    Scored(cw, extra=3)
    c = client(cw.alice)
    shortlist = c.get(reverse("duty_rankings"), {"pick-mode": "top", "pick-percent": "40"}).context["shortlist"]
    # 40% of 5 is 2, without the minimums: bob 87 and 委员02 85
    assert ([s.member.name for s in shortlist["rows"]], shortlist["meet_minimums"]) == (["王博", "委员02"], False)
    shortlist = c.get(reverse("duty_rankings"), {"pick-mode": "top", "pick-percent": "100",
                                                 "pick-meet_minimums": "on"}).context["shortlist"]
    assert [s.member.name for s in shortlist["rows"]] == ["王博"]
    shortlist = c.get(reverse("duty_rankings"), {"pick-mode": "top", "pick-percent": "80"}).context["shortlist"]
    assert [s.member.name for s in shortlist["rows"]] == ["王博", "委员02", "委员01", "委员00", "崔欣"]  # a tie at the cut
    shortlist = c.get(reverse("duty_rankings"), {"pick-mode": "grade", "pick-grade": "良好"}).context["shortlist"]
    assert [s.member.name for s in shortlist["rows"]] == ["王博", "委员02", "委员01"]
    for bad in ({"pick-mode": "top", "pick-percent": "0"}, {"pick-mode": "top", "pick-percent": "abc"},
                {"pick-mode": "grade", "pick-grade": "特等"}, {"pick-mode": "?"}):
        response = c.get(reverse("duty_rankings"), bad)
        shortlist = response.context["shortlist"]
        assert shortlist["form"].errors and [s.member.name for s in shortlist["rows"]] == ["王博"]


def test_rankings_cost_the_same_with_1_or_10_members(cw):
    world = Scored(cw, extra=1)
    url = reverse("duty_rankings")
    few = (queries(cw.alice, url), queries(cw.lily, url), queries(cw.alice, f"{url}?pick-mode=grade&pick-grade=良好"))
    world.grow(9)
    many = (queries(cw.alice, url), queries(cw.lily, url), queries(cw.alice, f"{url}?pick-mode=grade&pick-grade=良好"))
    assert few == many
    assert len(client(cw.alice).get(url).context["object_list"]) == 12


# --- the rules ------------------------------------------------------------------------------------


def test_the_rules_list_per_role(cw):
    draft = make_rules(cw)
    published = make_rules(cw, publish=True, year=YEAR - 1)
    a1 = duty.rule_set_save(actor=cw.fiona, committee=cw.a1, year=YEAR, title="东区年度履职考核办法")
    listed = {name: [r.pk for r in client(getattr(cw, name)).get(reverse("duty_rules")).context["rule_sets"]]
              for name in ("alice", "fiona", "lily", "bob", "ada", "carol", "eve")}
    assert listed == {"alice": [draft.pk, published.pk], "fiona": [draft.pk, published.pk, a1.pk],
                      "lily": [published.pk], "bob": [published.pk], "ada": [], "carol": [], "eve": []}
    response = client(cw.alice).get(reverse("duty_rules"))
    assert (response.context["can_create"], [r.rule_count for r in response.context["rule_sets"]]) == (True, [3, 3])
    assert client(cw.bob).get(reverse("duty_rules")).context["can_create"] is False


def test_the_rules_list_costs_the_same_with_1_or_10_years(cw):
    make_rules(cw, publish=True)
    few = (queries(cw.alice, reverse("duty_rules")), queries(cw.bob, reverse("duty_rules")))
    for year in range(YEAR - 9, YEAR):
        make_rules(cw, year=year, publish=True)
    many = (queries(cw.alice, reverse("duty_rules")), queries(cw.bob, reverse("duty_rules")))
    assert few == many


RULES_FORM = {"committee": "", "year": str(YEAR), "title": f"{YEAR}年度委员履职量化考核办法", "base_score": "70",
              "max_score": "120", "grades": "优秀 90\n良好：80\n\n合格 ≥ 60", "minimums": "proposal_submitted 1\nSpoke at a meeting 2"}


def test_staff_create_a_years_rules(cw):
    response = client(cw.alice).post(reverse("duty_rule_set_create"), {**RULES_FORM, "committee": cw.a.pk})
    rule_set = AssessmentRuleSet.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("duty_rule_set", args=[rule_set.pk])
    assert (rule_set.committee, rule_set.year, rule_set.status, rule_set.base_score, rule_set.max_score) == (
        cw.a, YEAR, RuleSetStatus.DRAFT, Decimal("70.00"), Decimal("120.00"))
    assert rule_set.grades == [{"grade": "优秀", "min": "90"}, {"grade": "良好", "min": "80"},
                               {"grade": "合格", "min": "60"}]
    assert rule_set.minimums == [{"kind": DutyKind.PROPOSAL_SUBMITTED, "count": 1}, {"kind": DutyKind.SPEECH, "count": 2}]
    form = client(cw.alice).get(reverse("duty_rule_set_edit", args=[rule_set.pk])).context["form"]
    assert (form.initial["grades"], form.initial["minimums"]) == (
        "优秀 90\n良好 80\n合格 60", "Submitted a proposal 1\nSpoke at a meeting 2")


@pytest.mark.parametrize(("fields", "errors"), [
    ({"grades": "优秀\n良好 80"}, {"grades": ["Line 1: write a grade and the lowest score that reaches it, e.g. “优秀 90”."]}),
    ({"grades": "优秀 九十"}, {"grades": ["Line 1: write a grade and the lowest score that reaches it, e.g. “优秀 90”."]}),
    ({"grades": "优秀 90\n优秀 80"}, {"grades": ["Each grade has a name of at most 20 characters, once."]}),
    ({"grades": "优秀 90.123"}, {"grades": ["Give a number from -1000 to 1000 with at most two decimals."]}),
    ({"grades": "\n".join(f"等{i} {i}" for i in range(21))}, {"grades": ["At most 20 lines."]}),
    ({"minimums": "picnic 1"}, {"minimums": [
        "Line 1: “picnic” is not a kind of duty; use one listed under “Kinds of duty”."]}),
    ({"minimums": "proposal_submitted"}, {"minimums": [
        "Line 1: write a kind of duty and a count, e.g. “proposal_submitted 1”."]}),
    ({"minimums": "proposal_submitted 1\nSubmitted a proposal 2"}, {"minimums": ["Each kind has one minimum."]}),
    ({"minimums": "proposal_submitted 0"}, {"minimums": ["A minimum is from 1 to 100."]}),
    ({"minimums": f"{HOSTILE} 1"}, {"minimums": [
        "Line 1: “<script>alert(1)</script>” is not a kind of duty; use one listed under “Kinds of duty”."]}),
    ({"title": "短"}, {"title": ["Give a title of 4 to 120 characters."]}),
    ({"title": "长" * 121}, {"title": ["Ensure this value has at most 120 characters (it has 121)."]}),
    ({"base_score": "abc"}, {"base_score": ["Enter a number."]}),
    ({"base_score": "5000"}, {"base_score": ["Give a number from -1000 to 1000 with at most two decimals."]}),
    ({"year": "1999"}, {"year": ["Ensure this value is greater than or equal to 2000."]}),
])
def test_bad_rules_are_refused_by_the_field(cw, fields, errors):
    response = client(cw.alice).post(reverse("duty_rule_set_create"), {**RULES_FORM, "committee": cw.a.pk, **fields})
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert not AssessmentRuleSet.objects.exists()
    assert HOSTILE not in response.content.decode()


def test_a_year_has_one_set_of_rules_and_only_staff_write_them(cw):
    make_rules(cw)
    response = client(cw.alice).post(reverse("duty_rule_set_create"), {**RULES_FORM, "committee": cw.a.pk})
    assert response.context["form"].errors == {"year": [f"This committee already has rules for {YEAR}."]}
    response = client(cw.alice).post(reverse("duty_rule_set_create"), {**RULES_FORM, "committee": cw.a1.pk})
    assert response.context["form"].errors == {
        "committee": ["Select a valid choice. That choice is not one of the available choices."]}
    for user in (cw.lily, cw.bob, cw.carol):
        assert client(user).get(reverse("duty_rule_set_create")).status_code == 403
        assert client(user).post(reverse("duty_rule_set_create"), {**RULES_FORM, "committee": cw.a.pk}).status_code == 403
    assert AssessmentRuleSet.objects.count() == 1


def test_staff_edit_the_rules_and_the_scores_are_recomputed(cw, sent):
    rule_set = make_rules(cw)
    data = {k: v for k, v in RULES_FORM.items() if k not in ("committee", "year")}
    response = client(cw.alice).post(reverse("duty_rule_set_edit", args=[rule_set.pk]), {
        **data, "title": f"{YEAR}年度委员履职考核办法（修订）", "grades": "优秀 95", "minimums": "", "max_score": ""})
    assert response.status_code == 302
    rule_set.refresh_from_db()
    assert (rule_set.title, rule_set.grades, rule_set.minimums, rule_set.max_score, rule_set.year) == (
        f"{YEAR}年度委员履职考核办法（修订）", [{"grade": "优秀", "min": "95"}], [], None, YEAR)
    for user, status in ((cw.lily, 404), (cw.bob, 404), (cw.fiona, 200)):
        assert client(user).get(reverse("duty_rule_set_edit", args=[rule_set.pk])).status_code == status
    duty.rule_set_publish(actor=cw.alice, rule_set=rule_set)
    for user, status in ((cw.lily, 403), (cw.bob, 403), (cw.carol, 404)):
        assert client(user).post(reverse("duty_rule_set_edit", args=[rule_set.pk]), data).status_code == status


def rule_set_url(rule_set) -> str:
    return reverse("duty_rule_set", args=[rule_set.pk])


def test_the_rules_page_per_role(cw):
    draft = make_rules(cw)
    for user, status in ((cw.alice, 200), (cw.fiona, 200), (cw.root, 200), (cw.lily, 404), (cw.bob, 404),
                         (cw.ada, 404), (cw.carol, 404), (cw.eve, 404)):
        assert client(user).get(rule_set_url(draft)).status_code == status
    duty.rule_set_publish(actor=cw.alice, rule_set=draft)
    for user, status in ((cw.lily, 200), (cw.bob, 200), (cw.ada, 404), (cw.carol, 404)):
        assert client(user).get(rule_set_url(draft)).status_code == status
    page = client(cw.bob).get(rule_set_url(draft))
    assert (page.context["can_manage"], "job" in page.context) == (False, False)
    assert [(r.kind, r.points, r.cap) for r in page.context["rules"]] == [
        (DutyKind.PROPOSAL_SUBMITTED, Decimal("2.00"), None), (DutyKind.PROPOSAL_FILED, Decimal("10.00"), None),
        (DutyKind.OTHER, Decimal("5.00"), Decimal("20.00"))]
    assert 'name="action"' not in page.content.decode()
    for action in ("publish", "recompute", "delete"):
        assert client(cw.bob).post(rule_set_url(draft), {"action": action}).status_code == 403


def test_staff_edit_a_rule_row_by_row(cw):
    rule_set = make_rules(cw)
    rule = rule_set.rules.get(kind=DutyKind.OTHER)
    key = f"rule-{rule.pk}"
    response = client(cw.alice).post(rule_set_url(rule_set), {
        "action": "rule", "rule": rule.pk, f"{key}-points": "6", f"{key}-cap": "", f"{key}-split": SplitMode.EQUAL,
        f"{key}-first_share": "0.5"})
    assert response.status_code == 302 and flashed(response) == [
        "Other duty (recorded by staff): saved; the scores are being recomputed."]
    rule.refresh_from_db()
    assert (rule.points, rule.cap, rule.split) == (Decimal("6.00"), None, SplitMode.EQUAL)


@pytest.mark.parametrize(("fields", "errors"), [
    ({"cap": "-5"}, {"cap": ["Give a number from 0 to 1000 with at most two decimals."]}),
    ({"points": "abc"}, {"points": ["Enter a number."]}),
    ({"points": ""}, {"points": ["This field is required."]}),
    ({"points": "5000"}, {"points": ["Give a number from -1000 to 1000 with at most two decimals."]}),
    ({"first_share": "1.5"}, {"first_share": ["Give a number from 0 to 1 with at most three decimals."]}),
    ({"split": "lottery"}, {"split": ["Select a valid choice. lottery is not one of the available choices."]}),
])
def test_bad_rule_rows_are_refused_by_the_field(cw, fields, errors):
    rule_set = make_rules(cw)
    rule = rule_set.rules.get(kind=DutyKind.OTHER)
    key = f"rule-{rule.pk}"
    data = {"points": "5", "cap": "20", "split": SplitMode.FULL, "first_share": "0.5", **fields}
    response = client(cw.alice).post(rule_set_url(rule_set), {
        "action": "rule", "rule": rule.pk, **{f"{key}-{k}": v for k, v in data.items()}})
    assert response.status_code == 200
    [shown] = [r for r in response.context["rules"] if r.pk == rule.pk]
    assert shown.form.errors == errors
    rule.refresh_from_db()
    assert (rule.points, rule.cap) == (Decimal("5.00"), Decimal("20.00"))


def test_staff_add_and_remove_a_kind(cw):
    rule_set = make_rules(cw)
    c = client(cw.alice)
    response = c.post(rule_set_url(rule_set), {"action": "add", "add-kind": DutyKind.MEETING_ABSENT,
                                               "add-points": "-30", "add-split": SplitMode.FULL,
                                               "add-first_share": "0.5"})
    assert response.status_code == 302
    assert rule_set.rules.get(kind=DutyKind.MEETING_ABSENT).points == Decimal("-30.00")
    # a kind already scored is not offered again
    response = c.post(rule_set_url(rule_set), {"action": "add", "add-kind": DutyKind.OTHER, "add-points": "1",
                                               "add-split": SplitMode.FULL, "add-first_share": "0.5"})
    assert response.status_code == 200
    assert response.context["add_form"].errors == {
        "kind": ["Select a valid choice. other is not one of the available choices."]}
    assert rule_set.rules.get(kind=DutyKind.OTHER).points == Decimal("5.00")
    rule = rule_set.rules.get(kind=DutyKind.MEETING_ABSENT)
    response = c.post(rule_set_url(rule_set), {"action": "delete", "rule": rule.pk})
    assert flashed(response) == ["Unexcused absence from a meeting is no longer scored."]
    assert not AssessmentRule.objects.filter(pk=rule.pk).exists()
    other = make_rules(cw, year=YEAR - 1).rules.first()
    assert c.post(rule_set_url(rule_set), {"action": "delete", "rule": other.pk}).status_code == 404
    assert c.post(rule_set_url(rule_set), {"action": "delete", "rule": "x"}).status_code == 404


def test_publish_copy_and_recompute(cw, sent):
    rule_set = duty.rule_set_save(actor=cw.alice, committee=cw.a, year=YEAR, title=f"{YEAR}年度委员履职考核办法")
    c = client(cw.alice)
    response = c.post(rule_set_url(rule_set), {"action": "publish"})
    assert flashed(response) == ["Score at least one kind of duty before publishing."]
    duty.rule_save(actor=cw.alice, rule_set=rule_set, kind=DutyKind.OTHER, points=5)
    response = c.post(rule_set_url(rule_set), {"action": "publish"})
    assert flashed(response) == ["The rules are published: members now see their score and grade."]
    rule_set.refresh_from_db()
    assert rule_set.status == RuleSetStatus.PUBLISHED
    assert flashed(c.post(rule_set_url(rule_set), {"action": "publish"})) == ["These rules are already published."]

    response = c.post(rule_set_url(rule_set), {"action": "copy", "copy-year": YEAR + 1})
    copy = AssessmentRuleSet.objects.get(year=YEAR + 1)
    assert response["Location"] == rule_set_url(copy)
    assert (copy.title, copy.status, copy.copied_from, list(copy.rules.values_list("kind", "points"))) == (
        f"{YEAR + 1}年度委员履职考核办法", RuleSetStatus.DRAFT, rule_set, [(DutyKind.OTHER, Decimal("5.00"))])
    response = c.post(rule_set_url(rule_set), {"action": "copy", "copy-year": YEAR + 1})
    assert response.status_code == 200
    assert response.context["copy_form"].errors == {"year": [f"This committee already has rules for {YEAR + 1}."]}
    response = c.post(rule_set_url(rule_set), {"action": "copy", "copy-year": "abc"})
    assert response.context["copy_form"].errors == {"year": ["Enter a whole number."]}

    RecomputeJob.objects.all().delete()
    response = c.post(rule_set_url(rule_set), {"action": "recompute"})
    job = RecomputeJob.objects.get()
    assert (job.committee, job.year, job.status, job.requested_by) == (cw.a, YEAR, JobStatus.QUEUED, cw.alice)
    assert flashed(response) == [f"The scores of {YEAR} are being recomputed."]
    assert flashed(c.post(rule_set_url(rule_set), {"action": "nonsense"})) == ["Unknown action."]


def test_the_recompute_progress_is_polled_while_it_runs(cw):
    rule_set = make_rules(cw, publish=True)
    offline(cw, cw.bob_seat)
    url = reverse("duty_recompute_progress", args=[rule_set.pk])
    RecomputeJob.objects.all().delete()
    assert json.loads(client(cw.alice).get(url).content) == {
        "status": None, "label": "Not computed yet", "running": False, "percent": 0, "done": 0, "total": 0,
        "finished_at": None}
    job = duty.duty_recompute_start(actor=cw.alice, committee=cw.a, year=YEAR)
    page = client(cw.alice).get(rule_set_url(rule_set))
    assert page.context["job"] == job and 'data-running="1"' in page.content.decode()
    RecomputeJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, total=4, done=1)
    assert json.loads(client(cw.alice).get(url).content) == {
        "status": "running", "label": "Running", "running": True, "percent": 25, "done": 1, "total": 4,
        "finished_at": None}
    RecomputeJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    duty.duty_recompute_run(job_id=job.pk)
    job.refresh_from_db()
    body = json.loads(client(cw.alice).get(url).content)
    assert (body["status"], body["running"], body["percent"], body["done"], body["total"]) == ("done", False, 100, 2, 2)  # bob and cindy
    assert body["finished_at"] == timezone.localtime(job.finished_at).strftime("%Y-%m-%d %H:%M")
    assert 'data-running="0"' in client(cw.alice).get(rule_set_url(rule_set)).content.decode()
    for user in (cw.lily, cw.bob, cw.carol, cw.eve):
        assert client(user).get(url).status_code == 404
    assert client().get(url).status_code == 404
    assert client(cw.alice).post(url).status_code == 405


def test_hostile_rule_titles_are_escaped(cw):
    rule_set = duty.rule_set_save(actor=cw.alice, committee=cw.a, year=YEAR, title=HOSTILE)
    for url in (reverse("duty_rules"), rule_set_url(rule_set)):
        html = client(cw.alice).get(url).content.decode()
        assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
