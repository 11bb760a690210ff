"""A citizen's concern in a real browser (headless Chromium against a live server): a citizen on
a 375 px phone raises a concern on a studio's public page, without an account, and gets its
tracking code; bob, a member of the studio, takes it up as a micro-suggestion in his name;
staff route it and the department's liaison replies (through the services); the citizen's
status page then shows the department's reply — and never the citizen's name or phone.

Screenshots at desktop and phone widths go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from consultations.choices import ConcernConversion, ConcernStatus
from consultations.models import Concern
from consultations.services import studios
from proposals.choices import CaseKind
from proposals.models import Assignment
from proposals.services import handling
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

NAME = "李大爷"
PHONE = "13912345678"
PLACE = "幸福小区3号楼"
TEXT = "小区门口路灯坏了一个多月，晚上老人出行很不安全，希望尽快修好。"
TITLE = "幸福小区门口路灯损坏亟待维修"
REPLY = "已安排维修队更换路灯，本周内完成。"


@pytest.fixture(autouse=True)
def _sync_database_calls_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def new_page(chromium, width: int = 1280):
    context = chromium.new_context(viewport={"width": width, "height": 812 if width < 600 else 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def test_a_citizens_concern_travels_to_a_department_reply_and_back(cw, live_server, browser):  # noqa: F811
    studio = cw.studio_a

    # 1. A citizen on a phone raises a concern on the studio's public page, without an account.
    context, page = new_page(browser, width=375)
    page.goto(f"{live_server.url}/studios/{studio.pk}/public/")
    assert page.inner_text("h1") == studio.name
    assert no_horizontal_scroll(page)
    page.fill("#id_name", NAME)
    page.fill("#id_phone", PHONE)
    page.fill("#id_place", PLACE)
    page.fill("#id_description", TEXT)
    assert page.locator("#id_website").is_visible() is False  # the honeypot is not for people
    screenshots(page, "studio-0-public-page-citizen")
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(3500)  # a person takes longer than MIN_FILL_SECONDS; a faster form is refused
    page.click("#concern form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/studios/{studio.pk}/public/thanks/")
    concern = Concern.objects.get()
    code = page.inner_text("#tracking-code").strip()
    assert (code, concern.studio, concern.name, concern.phone, concern.status) == (
        concern.tracking_code, studio, NAME, PHONE, ConcernStatus.NEW)
    assert no_horizontal_scroll(page)
    screenshots(page, "studio-1-concern-received-citizen")
    page.set_viewport_size({"width": 375, "height": 812})
    page.click(f"a[href='/studios/status/{code}/']")
    page.wait_for_url(f"{live_server.url}/studios/status/{code}/")
    assert label(ConcernStatus.NEW) in page.inner_text("#concern-state")
    context.close()

    # 2. Bob, a member of the studio, takes it up as a micro-suggestion in his name.
    studios.shift_add(actor=cw.alice, studio=studio, member=cw.bob_seat, date=timezone.localdate())
    context, page = new_page(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/studios/{studio.pk}/manage/")
    assert "王博" in page.inner_text("#roster")
    screenshots(page, "studio-2-studio-work-member")
    assert no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click(f"a[href='/studios/concerns/{concern.pk}/']")
    page.wait_for_url(f"{live_server.url}/studios/concerns/{concern.pk}/")
    assert TEXT in page.inner_text("#concern-text")
    page.click("#panel-convert > summary")
    page.check(f"#panel-convert input[name='convert-to'][value='{ConcernConversion.MICRO_SUGGESTION}']")
    page.fill("#id_convert-title", TITLE)
    page.select_option("#id_convert-category", str(cw.cat_city.pk))
    page.click("#panel-convert form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/studios/concerns/{concern.pk}/")
    concern.refresh_from_db()
    case = concern.converted_case
    assert (concern.status, concern.conversion, case.kind, case.title, case.submitter, PHONE in case.content,
            NAME in case.content) == (ConcernStatus.CONVERTED, ConcernConversion.MICRO_SUGGESTION,
                                      CaseKind.MICRO_SUGGESTION, TITLE, cw.bob_seat, False, False)
    assert page.get_attribute("#became-link", "href") == f"/micro-suggestions/{case.pk}/"
    screenshots(page, "studio-3-concern-taken-up-member")
    assert no_horizontal_scroll(page)
    context.close()

    # 3. Staff route it to the department; its liaison replies (through the services).
    handling.case_route(actor=cw.alice, case=case, lead_department=cw.dept_a3)
    handling.assignment_reply(actor=cw.jack, assignment=Assignment.objects.get(case=case), text=REPLY)

    # 4. The citizen's status page, on the phone, shows the department's reply.
    context, page = new_page(browser, width=375)
    page.goto(f"{live_server.url}/studios/status/")
    page.fill("#id_code", code.lower())
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/studios/status/{code}/")
    replies = page.inner_text("#department-replies")
    assert "甲市住房和城乡建设局" in replies and REPLY in replies
    assert label(ConcernConversion.MICRO_SUGGESTION) in page.inner_text("#became")
    assert page.inner_text("#concern-state") == label(ConcernStatus.CONVERTED)
    html = page.content()
    assert PHONE not in html and NAME not in html and PLACE not in html
    assert no_horizontal_scroll(page)
    screenshots(page, "studio-4-status-with-reply-citizen")
    context.close()
