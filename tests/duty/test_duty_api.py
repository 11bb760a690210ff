"""The duty record's API (履职档案, 履职量化考核) under /api/v1/ × every role.

- entries: staff and leaders read their committees' members', a member their own; staff add
  entries the portal cannot see (with evidence) and delete them again;
- scores and rankings: staff and leaders the committee's table, a member their own once the
  year's rules are published;
- rule sets: staff write, publish, copy and recompute; leaders and members read published ones;
- an object outside the caller's sight is 404, a role that sees it but may not act gets 403
  with the service's message, bad input is 400 {detail, errors}, a step the state forbids 409;
- every list costs the same number of queries for 1 row as for 10.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from members import duty
from members.choices import DutyKind, JobStatus, RuleSetStatus
from members.models import AssessmentRuleSet, DutyEntry, DutyEvidence, RecomputeJob
from tests.consultations.test_api import API, HOSTILE, INVALID, PDF, STAFF_ONLY, client, malformed, rows
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ROLES = ("root", "alice", "fiona", "lily", "bob", "cindy", "carol", "dave", "eve", None)
YEAR = timezone.localdate().year
TODAY = timezone.localdate()
GRADES = [{"grade": "优秀", "min": 90}, {"grade": "良好", "min": 80}, {"grade": "合格", "min": 60}]


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def rule_set(w, *, year=YEAR, publish=False, points=5, minimums=({"kind": DutyKind.OTHER, "count": 2},)):
    rules = duty.rule_set_save(actor=w.alice, committee=w.a, year=year, title=f"{year}年度委员履职量化考核办法",
                               base_score=70, max_score=120, grades=GRADES, minimums=list(minimums))
    duty.rule_save(actor=w.alice, rule_set=rules, kind=DutyKind.OTHER, points=points)
    return duty.rule_set_publish(actor=w.alice, rule_set=rules) if publish else rules


def manual(w, seat, label="参加社区议事协商活动", *, day=None):
    return duty.duty_entry_add(actor=w.alice, member=seat, kind=DutyKind.OTHER, occurred_on=day or TODAY,
                               label=label)


def visible(w, url: str, key, roles=ROLES) -> dict:
    result = {}
    for role in roles:
        response = client(w, role).get(url)
        result[role] = response.status_code if role is None else sorted(key(r) for r in rows(response))
    return result


# --- rule sets -------------------------------------------------------------------------------------


def rule_set_data(w, **change) -> dict:
    data = {"committee": w.a.pk, "year": YEAR, "title": f"{YEAR}年度委员履职量化考核办法", "base_score": "70",
            "max_score": "120", "grades": GRADES, "minimums": [{"kind": "proposal_submitted", "count": 1}]}
    data.update(change)
    return data


def test_writing_a_years_rules_per_role(cw):
    result = {}
    for n, role in enumerate(ROLES):
        response = client(cw, role).post(f"{API}/duty-rule-sets/", rule_set_data(cw, year=2001 + n), format="json")
        result[role] = response.status_code
        if response.status_code == 403 and role:
            assert response.json() == {"detail": STAFF_ONLY}

    assert result == {"root": 201, "alice": 201, "fiona": 201, "lily": 403, "bob": 403, "cindy": 403, "carol": 403,
                      "dave": 400, "eve": 400, None: 403}
    assert AssessmentRuleSet.objects.count() == 3


def test_a_rule_set_as_written(cw):
    response = client(cw, "alice").post(f"{API}/duty-rule-sets/", rule_set_data(cw), format="json")

    assert response.status_code == 201
    body = response.json()
    rules = AssessmentRuleSet.objects.get()
    assert {k: v for k, v in body.items() if k not in ("created_at", "updated_at")} == {
        "id": rules.pk, "committee": {"id": cw.a.pk, "name": "甲市政协"}, "year": YEAR,
        "title": f"{YEAR}年度委员履职量化考核办法", "base_score": "70.00", "max_score": "120.00",
        "grades": [{"grade": "优秀", "min": "90.0000"}, {"grade": "良好", "min": "80.0000"},
                   {"grade": "合格", "min": "60.0000"}],
        "minimums": [{"kind": "proposal_submitted", "count": 1}], "status": "draft", "status_display": "Draft",
        "copied_from": None, "computed_at": None, "rules": []}


def test_rule_sets_are_read_by_staff_and_published_ones_by_the_committee(cw):
    draft = rule_set(cw)
    published = rule_set(cw, year=YEAR - 1, publish=True)
    both, public = sorted([draft.pk, published.pk]), [published.pk]

    assert visible(cw, f"{API}/duty-rule-sets/", lambda r: r["id"]) == {
        "root": both, "alice": both, "fiona": both, "lily": public, "bob": public, "cindy": public, "carol": [],
        "dave": [], "eve": [], None: 403}
    assert {role: client(cw, role).get(f"{API}/duty-rule-sets/{draft.pk}/").status_code
            for role in ("alice", "lily", "bob", "carol", "dave")} == {
        "alice": 200, "lily": 404, "bob": 404, "carol": 404, "dave": 404}
    assert [r["id"] for r in rows(client(cw, "alice").get(f"{API}/duty-rule-sets/?year={YEAR}"))] == [draft.pk]
    assert [r["id"] for r in rows(client(cw, "alice").get(f"{API}/duty-rule-sets/?status=published"))] == public


@pytest.mark.parametrize(("change", "errors"), [
    ({"title": "短"}, {"title": ["Give a title of 4 to 120 characters."]}),
    ({"title": "长" * 121}, {"title": ["Give a title of 4 to 120 characters."]}),
    ({"base_score": "abc"}, {"base_score": ["A valid number is required."]}),
    ({"base_score": "5000"}, {"base_score": ["Give a number from -1000 to 1000 with at most two decimals."]}),
    ({"max_score": "1.234"}, {"max_score": ["Give a number from -1000 to 1000 with at most two decimals."]}),
    ({"grades": [{"grade": "", "min": 90}]}, {"grades": ["Each grade has a name of at most 20 characters, once."]}),
    ({"grades": [{"grade": "优秀", "min": 90}, {"grade": "优秀", "min": 80}]},
     {"grades": ["Each grade has a name of at most 20 characters, once."]}),
    ({"grades": [{"grade": "优秀", "min": "很高"}]}, {"grades": {"0": {"min": ["A valid number is required."]}}}),
    ({"grades": "优秀 90"}, {"grades": {"non_field_errors": ["Expected a list of items but got type \"str\"."]}}),
    ({"grades": [{"grade": f"等级{i}", "min": i} for i in range(101)]},
     {"grades": {"non_field_errors": ["Ensure this field has no more than 100 elements."]}}),
    ({"minimums": [{"kind": "bogus", "count": 1}]}, {"minimums": {"0": {"kind": ["\"bogus\" is not a valid choice."]}}}),
    ({"minimums": [{"kind": "proposal_submitted", "count": 0}]}, {"minimums": ["A minimum is from 1 to 100."]}),
    ({"minimums": [{"kind": "proposal_submitted", "count": 1}, {"kind": "proposal_submitted", "count": 2}]},
     {"minimums": ["Each kind has one minimum."]}),
    ({"year": "abc"}, {"year": ["A valid integer is required."]}),
    ({"year": 1999}, {"year": ["Give the year."]}),
    ({"committee": 999999}, {"committee": ["Not found."]}),
    ({"committee": True}, {"committee": ["Incorrect type. Expected pk value, received bool."]}),
])
def test_rule_set_bad_input(cw, change, errors):
    response = client(cw, "alice").post(f"{API}/duty-rule-sets/", rule_set_data(cw, **change), format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}
    assert AssessmentRuleSet.objects.count() == 0


def test_rule_set_duplicates_malformed_and_hostile(cw):
    api = client(cw, "alice")

    first = api.post(f"{API}/duty-rule-sets/", rule_set_data(cw, title=HOSTILE), format="json")
    again = api.post(f"{API}/duty-rule-sets/", rule_set_data(cw), format="json")

    assert (first.status_code, first.json()["title"]) == (201, HOSTILE)
    assert (again.status_code, again.json()["errors"]) == (
        400, {"year": [f"This committee already has rules for {YEAR}."]})
    assert malformed(api, f"{API}/duty-rule-sets/").status_code == 400


def test_changing_a_rule_set_keeps_what_is_not_given(cw):
    rules = rule_set(cw, publish=True)
    url = f"{API}/duty-rule-sets/{rules.pk}/"

    changed = client(cw, "alice").patch(url, {"title": f"{YEAR}年度考核办法（修订）", "max_score": None}, format="json")
    by_lily = client(cw, "lily").patch(url, {"title": "领导想改个标题"}, format="json")
    bad = client(cw, "alice").patch(url, {"grades": [{"grade": "x" * 21, "min": 1}]}, format="json")

    assert changed.status_code == 200
    assert {k: changed.json()[k] for k in ("title", "base_score", "max_score", "status", "year")} == {
        "title": f"{YEAR}年度考核办法（修订）", "base_score": "70.00", "max_score": None, "status": "published",
        "year": YEAR}
    assert [g["grade"] for g in changed.json()["grades"]] == ["优秀", "良好", "合格"]
    assert (by_lily.status_code, by_lily.json()) == (403, {"detail": STAFF_ONLY})
    assert bad.json()["errors"] == {"grades": ["Each grade has a name of at most 20 characters, once."]}


def test_setting_and_removing_the_points_of_a_kind(cw):
    rules = rule_set(cw)
    url = f"{API}/duty-rule-sets/{rules.pk}/rules/"
    api = client(cw, "alice")

    added = api.post(url, {"kind": "proposal_filed", "points": "10", "split": "first_share", "first_share": "0.5",
                           "cap": "30"}, format="json")
    changed = api.post(url, {"kind": "proposal_filed", "points": "12"}, format="json")
    removed = api.delete(f"{url}other/")
    removed_again = api.delete(f"{url}other/")
    unknown = api.delete(f"{url}bogus/")

    assert added.status_code == 200
    assert [(r["kind"], r["points"], r["cap"], r["split"], r["first_share"]) for r in added.json()["rules"]] == [
        ("other", "5.00", None, "full", "0.500"), ("proposal_filed", "10.00", "30.00", "first_share", "0.500")]
    assert [(r["kind"], r["points"], r["cap"]) for r in changed.json()["rules"]] == [
        ("other", "5.00", None), ("proposal_filed", "12.00", None)]
    assert (removed.status_code, removed_again.status_code, unknown.status_code) == (204, 404, 404)
    assert list(rules.rules.values_list("kind", flat=True)) == ["proposal_filed"]


def test_rules_per_role(cw):
    draft, published = rule_set(cw), rule_set(cw, year=YEAR - 1, publish=True)
    data = {"kind": "speech", "points": "3"}
    result = {role: (client(cw, role).post(f"{API}/duty-rule-sets/{draft.pk}/rules/", data,
                                           format="json").status_code,
                     client(cw, role).post(f"{API}/duty-rule-sets/{published.pk}/rules/", data,
                                           format="json").status_code,
                     client(cw, role).delete(f"{API}/duty-rule-sets/{published.pk}/rules/other/").status_code)
              for role in ROLES if role not in ("root", "alice", "fiona")}

    assert result == {"lily": (404, 403, 403), "bob": (404, 403, 403), "cindy": (404, 403, 403),
                      "carol": (404, 404, 404), "dave": (404, 404, 404), "eve": (404, 404, 404), None: (403, 403, 403)}
    assert list(published.rules.values_list("kind", flat=True)) == ["other"]


@pytest.mark.parametrize(("data", "errors"), [
    ({"kind": "bogus", "points": "1"}, {"kind": ["\"bogus\" is not a valid choice."]}),
    ({"kind": "speech", "points": "x"}, {"points": ["A valid number is required."]}),
    ({"kind": "speech"}, {"points": ["This field is required."]}),
    ({"kind": "speech", "points": "1000.5"}, {"points": ["Give a number from -1000 to 1000 with at most two "
                                                         "decimals."]}),
    ({"kind": "speech", "points": "1.234"}, {"points": ["Give a number from -1000 to 1000 with at most two "
                                                        "decimals."]}),
    ({"kind": "speech", "points": "2", "cap": "-5"}, {"cap": ["Give a number from 0 to 1000 with at most two "
                                                              "decimals."]}),
    ({"kind": "speech", "points": "2", "first_share": "1.5"}, {"first_share": ["Give a number from 0 to 1 with "
                                                                               "at most three decimals."]}),
    ({"kind": "speech", "points": "2", "split": "half"}, {"split": ["\"half\" is not a valid choice."]}),
    ({"kind": ["speech"], "points": "2"}, {"kind": ["\"['speech']\" is not a valid choice."]}),
])
def test_rule_bad_input(cw, data, errors):
    rules = rule_set(cw)

    response = client(cw, "alice").post(f"{API}/duty-rule-sets/{rules.pk}/rules/", data, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}
    assert list(rules.rules.values_list("kind", flat=True)) == ["other"]


def test_publishing_rules(cw):
    empty = duty.rule_set_save(actor=cw.alice, committee=cw.a, year=YEAR, title=f"{YEAR}年度委员履职量化考核办法")
    ready = rule_set(cw, year=YEAR - 1)
    api = client(cw, "alice")

    refused = api.post(f"{API}/duty-rule-sets/{empty.pk}/publish/")
    by_lily = client(cw, "lily").post(f"{API}/duty-rule-sets/{ready.pk}/publish/")
    published = api.post(f"{API}/duty-rule-sets/{ready.pk}/publish/")
    again = api.post(f"{API}/duty-rule-sets/{ready.pk}/publish/")

    assert (refused.status_code, refused.json()["errors"]) == (
        400, {"rules": ["Score at least one kind of duty before publishing."]})
    assert by_lily.status_code == 404  # a draft is the staff's own
    assert (published.status_code, published.json()["status"]) == (200, RuleSetStatus.PUBLISHED)
    assert (again.status_code, again.json()) == (409, {"detail": "These rules are already published."})


def test_copying_rules_to_another_year(cw):
    rules = rule_set(cw, publish=True)
    url = f"{API}/duty-rule-sets/{rules.pk}/copy/"

    copied = client(cw, "alice").post(url, {"year": YEAR + 1}, format="json")
    again = client(cw, "alice").post(url, {"year": YEAR + 1}, format="json")
    by_bob = client(cw, "bob").post(url, {"year": YEAR + 2}, format="json")
    not_a_year = client(cw, "alice").post(url, {"year": "next"}, format="json")

    assert copied.status_code == 201
    body = copied.json()
    assert (body["year"], body["title"], body["status"], body["copied_from"], body["base_score"]) == (
        YEAR + 1, f"{YEAR + 1}年度委员履职量化考核办法", "draft", rules.pk, "70.00")
    assert [(r["kind"], r["points"]) for r in body["rules"]] == [("other", "5.00")]
    assert (again.status_code, again.json()["errors"]) == (
        400, {"year": [f"This committee already has rules for {YEAR + 1}."]})
    assert (by_bob.status_code, by_bob.json()) == (403, {"detail": STAFF_ONLY})
    assert not_a_year.json()["errors"] == {"year": ["A valid integer is required."]}


def test_recompute_is_queued_and_its_progress_shown(cw):
    rules = rule_set(cw, publish=True)
    manual(cw, cw.bob_seat)
    api = client(cw, "alice")

    started = api.post(f"{API}/duty-rule-sets/{rules.pk}/recompute/")
    again = api.post(f"{API}/duty-rule-sets/{rules.pk}/recompute/")
    by_lily = client(cw, "lily").post(f"{API}/duty-rule-sets/{rules.pk}/recompute/")

    job = RecomputeJob.objects.get()
    assert started.status_code == 202
    assert {k: v for k, v in started.json().items() if k != "created_at"} == {
        "id": job.pk, "committee": {"id": cw.a.pk, "name": "甲市政协"}, "year": YEAR, "status": "queued",
        "status_display": "Queued", "done": 0, "total": 0, "percent": 0, "error": "", "started_at": None,
        "finished_at": None}
    assert (again.status_code, again.json()["id"]) == (202, job.pk)
    assert (by_lily.status_code, by_lily.json()) == (403, {"detail": STAFF_ONLY})

    duty.duty_recompute_run(job_id=job.pk)
    shown = api.get(f"{API}/duty-recompute-jobs/{job.pk}/").json()
    assert (shown["status"], shown["done"], shown["total"], shown["percent"]) == (JobStatus.DONE, 2, 2, 100)


def test_recompute_jobs_are_the_staffs(cw):
    job = duty.duty_recompute_start(actor=cw.alice, committee=cw.a, year=YEAR)

    assert visible(cw, f"{API}/duty-recompute-jobs/", lambda r: r["id"]) == {
        "root": [job.pk], "alice": [job.pk], "fiona": [job.pk], "lily": [], "bob": [], "cindy": [], "carol": [],
        "dave": [], "eve": [], None: 403}
    assert client(cw, "lily").get(f"{API}/duty-recompute-jobs/{job.pk}/").status_code == 404
    assert [r["id"] for r in rows(client(cw, "alice").get(f"{API}/duty-recompute-jobs/?status=done"))] == []


# --- entries ---------------------------------------------------------------------------------------


def entry_data(w, **change) -> dict:
    data = {"member": w.bob_seat.pk, "kind": "other", "occurred_on": TODAY.isoformat(),
            "label": "参加社区议事协商活动", "note": "线下活动，附签到表"}
    data.update(change)
    return data


def test_staff_record_an_entry_with_evidence(cw):
    response = client(cw, "alice").post(f"{API}/duty-entries/", entry_data(
        cw, evidence=[png("签到表.png"), SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")]),
        format="multipart")

    assert response.status_code == 201
    entry = DutyEntry.objects.get()
    evidence = list(DutyEvidence.objects.filter(entry=entry).order_by("id"))
    body = response.json()
    assert {k: v for k, v in body.items() if k != "created_at"} == {
        "id": entry.pk, "member": {"id": cw.bob_seat.pk, "name": "王博"}, "committee": {"id": cw.a.pk,
                                                                                       "name": "甲市政协"},
        "year": YEAR, "kind": "other", "kind_display": "Other duty (recorded by staff)",
        "occurred_on": TODAY.isoformat(), "role": "", "group_size": 1, "share": "1.000",
        "label": "参加社区议事协商活动", "url": "", "source_type": "", "source_id": None, "is_manual": True,
        "note": "线下活动，附签到表", "created_by": "张爱丽",
        "evidence": [{"id": e.pk, "name": e.original_name, "content_type": e.content_type, "size": e.size,
                      "url": f"{API}/duty-entries/{entry.pk}/evidence/{e.pk}/"} for e in evidence]}
    assert [(e.original_name, e.content_type) for e in evidence] == [("签到表.png", "image/png"),
                                                                     ("会议纪要.pdf", "application/pdf")]


def test_recording_entries_per_role(cw):
    result = {}
    for role in ROLES:
        response = client(cw, role).post(f"{API}/duty-entries/", entry_data(cw, label=f"线下活动{role}"),
                                         format="json")
        result[role] = response.status_code
        if response.status_code == 403 and role:
            assert response.json() == {"detail": STAFF_ONLY}

    assert result == {"root": 201, "alice": 201, "fiona": 201, "lily": 403, "bob": 403, "cindy": 403, "carol": 400,
                      "dave": 400, "eve": 400, None: 403}
    assert DutyEntry.objects.filter(is_manual=True).count() == 3


def test_entries_are_read_by_staff_leaders_and_the_member_themselves(cw):
    bobs, cindys = manual(cw, cw.bob_seat), manual(cw, cw.cindy_seat)

    assert visible(cw, f"{API}/duty-entries/", lambda r: r["id"]) == {
        "root": sorted([bobs.pk, cindys.pk]), "alice": sorted([bobs.pk, cindys.pk]),
        "fiona": sorted([bobs.pk, cindys.pk]), "lily": sorted([bobs.pk, cindys.pk]), "bob": [bobs.pk],
        "cindy": [cindys.pk], "carol": [], "dave": [], "eve": [], None: 403}
    assert {role: client(cw, role).get(f"{API}/duty-entries/{bobs.pk}/").status_code
            for role in ("lily", "bob", "cindy", "carol", "dave")} == {
        "lily": 200, "bob": 200, "cindy": 404, "carol": 404, "dave": 404}


def test_entry_filters(cw):
    cw.held(cw.session())  # bob and cindy invited, nobody signs in: absent
    duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])
    bobs = manual(cw, cw.bob_seat)
    last_year = manual(cw, cw.cindy_seat, day=dt.date(YEAR - 1, 6, 1))
    api = client(cw, "alice")

    def listed(query):
        return sorted((r["member"]["name"], r["kind"]) for r in rows(api.get(f"{API}/duty-entries/?{query}")))

    assert listed("is_manual=true") == [("崔欣", "other"), ("王博", "other")]
    assert listed(f"member={cw.bob_seat.pk}&year={YEAR}") == [("王博", "meeting_absent"), ("王博", "other")]
    assert listed("kind=meeting_absent") == [("崔欣", "meeting_absent"), ("王博", "meeting_absent")]
    assert listed(f"year={YEAR - 1}") == [("崔欣", "other")]
    assert (bobs.year, last_year.year) == (YEAR, YEAR - 1)
    assert api.get(f"{API}/duty-entries/?kind=bogus").status_code == 400


def test_evidence_is_downloaded_by_those_who_see_the_entry(cw):
    entry = duty.duty_entry_add(actor=cw.alice, member=cw.bob_seat, kind=DutyKind.OTHER, occurred_on=TODAY,
                                label="参加社区议事协商活动", evidence=[png()])
    url = f"{API}/duty-entries/{entry.pk}/evidence/{entry.evidence.get().pk}/"

    response = client(cw, "bob").get(url)

    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert response["Content-Disposition"].startswith("attachment;")
    assert {role: client(cw, role).get(url).status_code for role in ("alice", "lily", "cindy", "carol", "eve")} == {
        "alice": 200, "lily": 200, "cindy": 404, "carol": 404, "eve": 404}
    assert client(cw, "alice").get(f"{API}/duty-entries/{entry.pk}/evidence/999999/").status_code == 404


def test_deleting_entries(cw):
    cw.held(cw.session())
    duty.duty_sync(year=YEAR, committee_ids=[cw.a.pk])
    synced = DutyEntry.objects.get(member=cw.bob_seat, kind=DutyKind.MEETING_ABSENT)
    entry = manual(cw, cw.bob_seat)
    url = f"{API}/duty-entries/{entry.pk}/"

    by_bob = client(cw, "bob").delete(url)
    by_cindy = client(cw, "cindy").delete(url)
    by_dave = client(cw, "dave").delete(url)
    portal_own = client(cw, "alice").delete(f"{API}/duty-entries/{synced.pk}/")
    deleted = client(cw, "alice").delete(url)

    assert (by_bob.status_code, by_bob.json()) == (403, {"detail": STAFF_ONLY})
    assert (by_cindy.status_code, by_dave.status_code) == (404, 404)
    assert (portal_own.status_code, portal_own.json()) == (
        409, {"detail": "This entry comes from the portal's own records; change the record it comes from."})
    assert deleted.status_code == 204
    assert list(DutyEntry.objects.filter(member=cw.bob_seat).values_list("kind", flat=True)) == ["meeting_absent"]


@pytest.mark.parametrize(("change", "errors"), [
    ({"kind": "bogus"}, {"kind": ["\"bogus\" is not a valid choice."]}),
    ({"occurred_on": "next week"}, {"occurred_on": ["Date has wrong format. Use one of these formats instead: "
                                                    "YYYY-MM-DD."]}),
    ({"occurred_on": (TODAY + dt.timedelta(days=1)).isoformat()},
     {"occurred_on": ["Give the day (not in the future)."]}),
    ({"label": "a"}, {"label": ["Say what the member did in 2 to 200 characters."]}),
    ({"label": "a" * 201}, {"label": ["Say what the member did in 2 to 200 characters."]}),
    ({"note": "n" * 501}, {"note": ["At most 500 characters."]}),
    ({"member": 999999}, {"member": ["Not found."]}),
    ({"member": "ben"}, {"member": ["Not found."]}),
    ({"member": "1.5"}, {"member": ["Incorrect type. Expected pk value, received str."]}),
    ({"evidence": "six"}, {"evidence": ["At most 5 files."]}),
    ({"evidence": "exe"}, {"evidence": ["tool.exe is not an accepted file: upload a picture (JPEG, PNG), a PDF or a "
                                        "Word, Excel or PowerPoint document."]}),
])
def test_entry_bad_input(cw, change, errors):
    files = {"six": [png(f"{i}.png") for i in range(6)],
             "exe": [SimpleUploadedFile("tool.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")]}
    change = {k: files.get(v, cw.ben_seat.pk if v == "ben" else v) for k, v in change.items()}

    response = client(cw, "alice").post(f"{API}/duty-entries/", entry_data(cw, **change), format="multipart")

    assert response.status_code == 400
    assert response.json() == {"detail": INVALID, "errors": errors}
    assert DutyEntry.objects.count() == 0


def test_entry_hostile_text_and_malformed_json(cw):
    api = client(cw, "alice")

    created = api.post(f"{API}/duty-entries/", entry_data(cw, label=HOSTILE, note=HOSTILE), format="json")

    assert (created.status_code, created.json()["label"], created.json()["note"]) == (201, HOSTILE, HOSTILE)
    assert malformed(api, f"{API}/duty-entries/").status_code == 400


# --- scores and rankings ---------------------------------------------------------------------------


@pytest.fixture
def scored(cw):
    """Published rules (70 + 5 a staff-recorded duty, minimum two of them): bob and cindy 80
    (良好), dan 75 (合格, below the minimum)."""
    rule_set(cw, publish=True)
    cw.dan_seat = MemberFactory(committee=cw.a, term=cw.term_a, sector=cw.sector_a, name="丁丹")
    for seat, n in ((cw.bob_seat, 2), (cw.cindy_seat, 2), (cw.dan_seat, 1)):
        for i in range(n):
            manual(cw, seat, f"线下履职活动{i}")
    return cw


def test_scores_are_read_by_staff_leaders_and_each_member_their_own(scored):
    w = scored

    assert visible(w, f"{API}/duty-scores/", lambda r: r["member"]["name"]) == {
        "root": ["丁丹", "崔欣", "王博"], "alice": ["丁丹", "崔欣", "王博"], "fiona": ["丁丹", "崔欣", "王博"],
        "lily": ["丁丹", "崔欣", "王博"], "bob": ["王博"], "cindy": ["崔欣"], "carol": [], "dave": [], "eve": [],
        None: 403}
    body = rows(client(w, "bob").get(f"{API}/duty-scores/"))[0]
    assert {k: v for k, v in body.items() if k not in ("id", "computed_at")} == {
        "member": {"id": w.bob_seat.pk, "name": "王博"}, "committee": {"id": w.a.pk, "name": "甲市政协"},
        "sector": {"id": w.sector_a.pk, "name": "医药卫生界"}, "year": YEAR, "total": "80.00", "grade": "良好",
        "by_kind": {"other": "10.00"}, "counts": {"other": 2}, "unmet_minimums": []}
    dan = next(r for r in rows(client(w, "alice").get(f"{API}/duty-scores/")) if r["member"]["name"] == "丁丹")
    assert client(w, "bob").get(f"{API}/duty-scores/{dan['id']}/").status_code == 404


def test_a_member_sees_no_score_before_the_rules_are_published(cw):
    rule_set(cw)
    manual(cw, cw.bob_seat)

    assert rows(client(cw, "bob").get(f"{API}/duty-scores/")) == []
    assert [r["total"] for r in rows(client(cw, "alice").get(f"{API}/duty-scores/"))] == ["75.00"]


def test_score_filters_and_ordering(scored):
    w = scored
    api = client(w, "alice")

    def listed(query):
        return [(r["member"]["name"], r["total"]) for r in rows(api.get(f"{API}/duty-scores/?{query}"))]

    assert listed("") == [("王博", "80.00"), ("崔欣", "80.00"), ("丁丹", "75.00")]
    assert listed("ordering=total")[0] == ("丁丹", "75.00")
    assert listed("ordering=-total")[2] == ("丁丹", "75.00")
    assert listed("below=true") == [("丁丹", "75.00")]
    assert listed("below=false") == [("王博", "80.00"), ("崔欣", "80.00")]
    assert listed("grade=合格") == [("丁丹", "75.00")]
    assert listed(f"committee={w.a.pk}&year={YEAR}&sector={w.sector_a.pk}") == listed("")
    assert listed(f"year={YEAR - 1}") == []
    assert api.get(f"{API}/duty-scores/?ordering=get_grade_display").status_code == 200
    assert api.get(f"{API}/duty-scores/?year=abc").status_code == 400


def test_ranking_numbers_the_table_with_shared_ranks(scored):
    w = scored

    response = client(w, "lily").get(f"{API}/duty-scores/ranking/?committee={w.a.pk}&year={YEAR}")

    assert response.status_code == 200
    assert [(r["rank"], r["member"]["name"], r["total"], r["grade"]) for r in rows(response)] == [
        (1, "王博", "80.00", "良好"), (1, "崔欣", "80.00", "良好"), (3, "丁丹", "75.00", "合格")]
    assert rows(client(w, "carol").get(f"{API}/duty-scores/ranking/")) == []
    assert [r["rank"] for r in rows(client(w, "bob").get(f"{API}/duty-scores/ranking/"))] == [1]
    assert client(w, None).get(f"{API}/duty-scores/ranking/").status_code == 403


# --- query counts ----------------------------------------------------------------------------------


def grow(w, start: int, n: int) -> None:
    """``n`` more rows for each list: a member with a staff-recorded entry (and a score), an
    entry of bob's, a year's rules and a recompute job."""
    for i in range(start, start + n):
        seat = MemberFactory(committee=w.a, term=w.term_a, sector=w.sector_a, name=f"委员{i}")
        duty.duty_entry_add(actor=w.alice, member=seat, kind=DutyKind.OTHER, occurred_on=TODAY,
                            label=f"线下履职活动{i}", evidence=[png()])
        manual(w, w.bob_seat, f"王博的线下活动{i}")
        rules = duty.rule_set_save(actor=w.alice, committee=w.a, year=2000 + i, title=f"{2000 + i}年度考核办法")
        duty.rule_save(actor=w.alice, rule_set=rules, kind=DutyKind.SPEECH, points=2)
        duty.duty_recompute_start(actor=w.alice, committee=w.a, year=2000 + i)


LISTS = {
    "entries (staff)": ("alice", "duty-entries/"),
    "entries (member)": ("bob", "duty-entries/"),
    "scores (staff)": ("alice", "duty-scores/"),
    "scores (member)": ("bob", "duty-scores/"),
    "ranking": ("lily", "duty-scores/ranking/"),
    "rule sets": ("alice", "duty-rule-sets/"),
    "rule sets (member)": ("bob", "duty-rule-sets/"),
    "recompute jobs": ("alice", "duty-recompute-jobs/"),
}


def measure(w) -> dict:
    result = {}
    for label, (role, endpoint) in LISTS.items():
        api = client(w, role)
        api.get(f"{API}/{endpoint}")
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{API}/{endpoint}")
        assert response.status_code == 200, (label, response.content[:300])
        result[label] = (len(queries.captured_queries), len(rows(response)))
    return result


def test_list_query_count_does_not_grow_from_1_to_10_rows(cw):
    rule_set(cw, publish=True, minimums=())
    grow(cw, 1, 1)
    one = measure(cw)
    grow(cw, 2, 9)
    ten = measure(cw)

    def expected(n):
        return {"entries (staff)": 2 * n, "entries (member)": n, "scores (staff)": 1 + n, "scores (member)": 1,
                "ranking": 1 + n, "rule sets": 1 + n, "rule sets (member)": 1, "recompute jobs": n}

    assert {label: r for label, (_, r) in one.items()} == expected(1)
    assert {label: r for label, (_, r) in ten.items()} == expected(10)
    assert {label: q for label, (q, _) in ten.items()} == {label: q for label, (q, _) in one.items()}
