"""Consultation and information journeys in a real browser (headless Chromium against a live
server), the member on a 375 px phone:

(a) staff prepare a session on an approved topic, invite the member and send the notice; the
    member accepts on the phone; staff begin the session; the member signs in and registers a
    speech; staff close the session, write the result, approve and send it;
(b) the member writes social-conditions information and submits it; staff edit and approve it,
    the leader signs it off, staff compile it into a bulletin issue and send the issue; the
    member's "my information" shows it adopted by the committee and their share of the credit.

Screenshots at desktop and phone widths go to test-artifacts/."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from consultations.choices import (
    AdoptionLevel,
    Attendance,
    InformationStatus,
    InvitationStatus,
    IssueStatus,
    ResultStatus,
    SessionStatus,
    SpeechStatus,
)
from consultations.models import BulletinIssue, Consultation, InformationItem, Result
from tests.browser.test_journeys import (  # noqa: F401 - the browser fixture is used by name
    browser,
    no_horizontal_scroll,
    screenshots,
    sign_in,
)
from tests.consultations.conftest import (  # noqa: F401 - fixtures used by name
    _media_root,
    clock,
    cw,
    h,
    pp,
    sent,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SESSION = "普惠托育服务专题协商会"
SPEECH = "关于托育机构运营补贴的建议"
SPEECH_TEXT = "建议对普惠托育机构按托位给予运营补贴，并将托育服务纳入民生实事项目。"
RESULT = "关于加快发展普惠托育服务的协商报告"
RESULT_TEXT = "一、现状与问题：托位供给不足，收费偏高。二、对策建议：加大财政补贴，扩大普惠托位供给，加强人才培养。"
ITEM = "农村留守老人助餐服务亟待加强"
ITEM_TEXT = "部分乡镇留守老人就餐困难，村级助餐点覆盖不足，建议统筹建设村级老年食堂，完善助餐补贴。"
EDITED = "关于加强农村留守老人助餐服务的建议"


@pytest.fixture(autouse=True)
def _sync_database_calls_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def new_page(chromium, width: int = 1280):
    context = chromium.new_context(viewport={"width": width, "height": 812 if width < 600 else 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())  # the "send this issue?" confirmation
    return context, page


def phone(chromium):
    return new_page(chromium, width=375)


def label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def flash(page) -> str:
    return page.inner_text("main")


def test_a_session_from_notice_to_sent_result_with_the_member_on_a_phone(cw, live_server, browser):  # noqa: F811
    topic = cw.topic(title="加快发展普惠托育服务")
    kind = cw.kinds_a["special"]
    starts = (timezone.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)

    # 1. Staff prepare the session on the approved topic.
    context, page = new_page(browser)
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/consultations/new/?kind={kind.pk}")
    page.fill("#id_title", SESSION)
    page.fill("#id_starts_at", local(starts))
    page.fill("#id_ends_at", local(starts + dt.timedelta(hours=2)))
    page.fill("#id_place", "市政协三楼会议室")
    page.locator("#id_topics_list label", has_text=topic.title).locator("input").check()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/consultations/\d+/$"))
    session = Consultation.objects.get(title=SESSION)
    assert (session.status, session.kind, list(session.topics.all()), session.starts_at) == (
        SessionStatus.PLANNED, kind, [topic], starts)
    assert page.inner_text("h1") == SESSION

    # invite the member, then send the notice
    page.click("#participants details.action-panel > summary")
    page.locator("#id_invite-members_list label", has_text="王博").locator("input").check()
    page.click("form[action$='/invite/'] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/consultations/{session.pk}/.*"))
    assert "王博" in page.inner_text("#participants table")
    page.click(f"form[action='/consultations/{session.pk}/announce/'] button")
    page.wait_for_url(re.compile(rf".*/consultations/{session.pk}/.*"))
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED
    assert label(SessionStatus.ANNOUNCED) in page.inner_text(".page-head .subtitle")
    screenshots(page, "consultation-1-announced-staff")
    context.close()

    # 2. The member accepts on the phone, from "my meetings".
    context, page = phone(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/consultations/mine/")
    invitation = page.locator("li.invitation", has_text=SESSION)
    assert "市政协三楼会议室" in invitation.inner_text()
    invitation.locator(".respond-form select").select_option("accept")
    invitation.locator(".respond-form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/consultations/mine/")
    place = session.participants.get(member=cw.bob_seat)
    assert place.invitation == InvitationStatus.ACCEPTED
    assert no_horizontal_scroll(page)
    context.close()

    # 3. Staff begin the session.
    context, page = new_page(browser)
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/consultations/{session.pk}/")
    page.click(f"form[action='/consultations/{session.pk}/open/'] button")
    page.wait_for_url(re.compile(rf".*/consultations/{session.pk}/.*"))
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    context.close()

    # 4. The member signs in and registers a speech, on the phone.
    context, page = phone(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/consultations/{session.pk}/")
    page.click("#my-invitation form[action$='/check-in/'] button")
    page.wait_for_url(re.compile(rf".*/consultations/{session.pk}/.*"))
    place.refresh_from_db()
    assert (place.attendance, place.checked_in_at is not None) == (Attendance.PRESENT, True)
    assert page.locator("#my-invitation form[action$='/check-in/']").count() == 0
    assert timezone.localtime(place.checked_in_at).strftime("%Y-%m-%d %H:%M") in page.inner_text("#my-invitation")
    page.click("#speeches details.action-panel > summary")
    page.fill("#id_speech-title", SPEECH)
    page.fill("#id_speech-text", SPEECH_TEXT)
    page.click("form[action$='/speeches/'] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/consultations/{session.pk}/.*"))
    speech = session.speeches.get()
    assert (speech.title, speech.participant, speech.status) == (SPEECH, place, SpeechStatus.REGISTERED)
    assert SPEECH in page.inner_text(f"#speech-{speech.pk}")
    screenshots(page, "consultation-2-signed-in-member")
    page.set_viewport_size({"width": 375, "height": 812})
    assert no_horizontal_scroll(page)
    context.close()

    # 5. Staff close the session, write the result, approve and send it.
    context, page = new_page(browser)
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/consultations/{session.pk}/")
    page.fill("#id_close-summary", "与会委员围绕普惠托育深入协商，形成共识。")
    page.click(f"form[action='/consultations/{session.pk}/close/'] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/consultations/{session.pk}/.*"))
    session.refresh_from_db()
    place.refresh_from_db()
    assert (session.status, place.attendance) == (SessionStatus.HELD, Attendance.PRESENT)
    page.click(".page-head a[href$='/result/new/']")
    page.wait_for_url(f"{live_server.url}/consultations/{session.pk}/result/new/")
    page.fill("#id_title", RESULT)
    page.fill("#id_text", RESULT_TEXT)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/consultations/results/\d+/$"))
    result = Result.objects.get(title=RESULT)
    assert (result.status, result.consultation) == (ResultStatus.DRAFT, session)
    page.click(f"form[action='/consultations/results/{result.pk}/approve/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/consultations/results/{result.pk}/")
    result.refresh_from_db()
    assert (result.status, result.approved_by) == (ResultStatus.APPROVED, cw.alice)
    page.click(f"form[action='/consultations/results/{result.pk}/send/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/consultations/results/{result.pk}/")
    result.refresh_from_db()
    assert (result.status, result.recipients) == (ResultStatus.SENT, ["party", "government"])
    assert label(ResultStatus.SENT) in page.inner_text(".page-head .subtitle")
    screenshots(page, "consultation-3-result-sent-staff")
    context.close()

    # the member reads the sent result from the session's page
    context, page = phone(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/consultations/{session.pk}/")
    page.click(f"#results a[href='/consultations/results/{result.pk}/']")
    page.wait_for_url(f"{live_server.url}/consultations/results/{result.pk}/")
    assert page.inner_text("h1") == RESULT
    assert "加大财政补贴" in page.inner_text(".prose")
    assert no_horizontal_scroll(page)
    context.close()


def test_information_from_the_members_phone_to_an_adopted_bulletin_item(cw, live_server, browser):  # noqa: F811
    year = timezone.localdate().year

    # 1. The member writes the item on the phone and submits it.
    context, page = phone(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/information/new/")
    page.fill("#id_title", ITEM)
    page.fill("#id_content", ITEM_TEXT)
    assert no_horizontal_scroll(page)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/information/\d+/$"))
    item = InformationItem.objects.get(title=ITEM)
    assert (item.status, item.committee, [a.member for a in item.authors.all()]) == (
        InformationStatus.DRAFT, cw.a, [cw.bob_seat])
    page.click(".page-head .actions input[value=submit] + button")
    page.wait_for_url(f"{live_server.url}/information/{item.pk}/")
    item.refresh_from_db()
    assert item.status == InformationStatus.SUBMITTED
    assert label(InformationStatus.SUBMITTED) in page.inner_text(".page-head .subtitle")
    context.close()

    # 2. Staff edit and approve it from the review queue.
    context, page = new_page(browser)
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/information/review/")
    page.click(f"main a[href='/information/{item.pk}/']")
    page.wait_for_url(f"{live_server.url}/information/{item.pk}/")
    page.fill("#id_approve-edited_title", EDITED)
    page.click("#review-approve button[type=submit]")
    page.wait_for_url(f"{live_server.url}/information/{item.pk}/")
    item.refresh_from_db()
    assert (item.status, item.title, item.display_title) == (InformationStatus.APPROVED, ITEM, EDITED)
    assert page.inner_text("h1") == EDITED
    context.close()

    # 3. The leader signs it off.
    context, page = new_page(browser)
    sign_in(page, live_server, "lily")
    page.goto(f"{live_server.url}/information/{item.pk}/")
    page.click("#sign-off button[type=submit]")
    page.wait_for_url(f"{live_server.url}/information/{item.pk}/")
    item.refresh_from_db()
    assert (item.status, item.signed_off_by) == (InformationStatus.SIGNED_OFF, cw.lily)
    context.close()

    # 4. Staff open an issue, compile the item into it and send it.
    context, page = new_page(browser)
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/information/issues/")
    page.click("details.new-issue > summary")
    page.select_option("#id_new-bulletin", value=str(cw.bulletin_a.pk))
    page.fill("#id_new-title", "养老服务专刊")
    page.click("details.new-issue button[type=submit]")
    page.wait_for_url(re.compile(r".*/information/issues/\d+/$"))
    issue = BulletinIssue.objects.get(title="养老服务专刊")
    assert (issue.bulletin, issue.year, issue.number, issue.status) == (cw.bulletin_a, year, 1, IssueStatus.DRAFT)
    page.locator("#add label", has_text=EDITED).locator("input").check()
    page.click("#add button[type=submit]")
    page.wait_for_url(f"{live_server.url}/information/issues/{issue.pk}/")
    item.refresh_from_db()
    assert (item.status, item.issue, item.issue_position) == (InformationStatus.COMPILED, issue, 1)
    assert EDITED in page.inner_text("main")
    page.click("form[data-confirm] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/information/issues/{issue.pk}/")
    issue.refresh_from_db()
    item.refresh_from_db()
    assert (issue.status, issue.recipients, item.status) == (IssueStatus.SENT, ["party", "government"],
                                                             InformationStatus.SENT)
    assert list(item.adoptions.values_list("level", "adopted_by")) == [
        (AdoptionLevel.COMMITTEE, f"甲市政协《社情民意》{year}年第1期")]
    screenshots(page, "information-1-issue-sent-staff")
    context.close()

    # 5. The member's "my information" shows it sent and adopted, with their whole share.
    context, page = phone(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/information/mine/")
    row = page.locator("table.information-table tbody tr", has_text=EDITED)
    assert label(InformationStatus.SENT) in row.inner_text()
    assert row.locator("td").nth(3).inner_text().strip() == label(AdoptionLevel.COMMITTEE)  # adopted at
    assert f"社情民意 {year}年第1期" in row.inner_text()
    credits = page.locator("table.credit-table tbody tr")
    assert credits.count() == 1
    assert "1.000" in credits.inner_text()
    screenshots(page, "information-2-mine-member")
    page.set_viewport_size({"width": 375, "height": 812})
    assert no_horizontal_scroll(page)
    context.close()
