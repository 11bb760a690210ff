"""A micro-suggestion's whole journey in a real browser (headless Chromium against a live
server): the member submits it with a picture, routing assigns it (the worker's service is
called directly: no broker or worker in this test), the department's liaison officer accepts
and replies, and the member rates the reply satisfied, which closes the item. Screenshots of
each step at desktop and phone widths go to test-artifacts/."""

from __future__ import annotations

import io
import re

import pytest

from cppcc_portal.core import outbox
from cppcc_portal.core.models import OutboxMessage
from proposals.choices import AssignmentStatus, CaseStatus, Rating
from proposals.models import Case
from proposals.services import config, handling, micro_suggestions
from tests.browser.test_journeys import (  # noqa: F401 - the browser fixture is used by name
    browser,
    no_horizontal_scroll,
    screenshots,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "学校门口上下学交通拥堵"
CONTENT = "每天上下学时段学校门口车辆拥堵，家长临时停车占用车道，建议错峰放学并设置临时停车区。"
REPLY = "已会同交警部门现场查看，下周起实行错峰放学，并在校门东侧设置临时停车区。"


@pytest.fixture(autouse=True)
def _sync_database_calls_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the database calls the test
    makes between browser steps are safe (the loop only waits on the browser)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def handling_setup(world, seeded_calendar, settings, tmp_path, monkeypatch):
    """Committee A's category 教育 and the rule sending it to 甲市教育局 (carol's department);
    uploads under a temporary media root; the outbox hands nothing to a broker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    published: list[int] = []
    monkeypatch.setattr(outbox, "_send", lambda message: published.append(message.pk))
    category = config.category_create(actor=world.alice, committee=world.a, name="教育", order=1)
    config.routing_rule_create(actor=world.alice, committee=world.a, name="学校与教育", priority=10,
                               category=category, lead_department=world.dept_a)
    return published


def new_page(chromium, width: int = 1280):
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_member_submits_department_replies_member_rates_and_item_closes(
    world, handling_setup, live_server, browser,  # noqa: F811 - the imported fixture
):
    # 1. The member submits, with a picture, in Chinese.
    context, page = new_page(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/micro-suggestions/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_content", CONTENT)
    page.select_option("#id_category", label="教育")
    page.set_input_files("#id_attachments", files=[{"name": "路口.png", "mimeType": "image/png", "buffer": png_bytes()}])
    assert "1" in page.inner_text(".file-hint")  # the size hint names the chosen file count
    screenshots(page, "ms-1-submit-member")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/micro-suggestions/\d+/$"))

    case = Case.objects.get(title=TITLE)
    assert (case.status, case.submitted_by_id, case.attachments.count()) == (CaseStatus.ROUTING, world.bob.pk, 1)
    assert "交办中" in page.inner_text(".page-head")
    assert page.locator("ul.files a").inner_text() == "路口.png"
    screenshots(page, "ms-2-submitted-member")
    context.close()

    # 2. Routing: what the worker does with the outbox message.
    message = OutboxMessage.objects.get(key=micro_suggestions.route_key(case.pk))
    assert message.pk in handling_setup
    handling.case_route_automatically(case_id=case.pk, outbox_id=message.pk)
    case.refresh_from_db()
    assignment = case.assignments.get()
    assert (case.status, assignment.department_id, assignment.status) == (
        CaseStatus.HANDLING, world.dept_a.pk, AssignmentStatus.ASSIGNED)

    # 3. The liaison officer finds it in the inbox, accepts it and replies.
    context, page = new_page(browser)
    sign_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/handling/inbox/")
    row = page.locator("table tbody tr", has_text=TITLE)
    assert row.count() == 1
    screenshots(page, "ms-3-inbox-liaison")
    assert no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    row.locator("a").first.click()
    page.wait_for_url(f"{live_server.url}/handling/assignments/{assignment.pk}/")
    assert "10 个工作日" in page.inner_text("#deadline-title + .deadline")  # how the deadline was computed
    page.click(".accept-bar button[type=submit]")
    page.wait_for_url(f"{live_server.url}/handling/assignments/{assignment.pk}/")
    assert page.locator(".accept-bar").count() == 0
    page.fill("#id_reply-text", REPLY)
    screenshots(page, "ms-4-assignment-liaison")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#reply button[type=submit]")
    page.wait_for_url(f"{live_server.url}/handling/assignments/{assignment.pk}/")
    assert page.locator(".alert.success").count() == 1
    context.close()

    case.refresh_from_db()
    assignment.refresh_from_db()
    assert (case.status, assignment.status) == (CaseStatus.REPLIED, AssignmentStatus.REPLIED)

    # 4. The member reads the reply and rates it satisfied: the item closes.
    context, page = new_page(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/micro-suggestions/{case.pk}/")
    assert REPLY in page.inner_text("#replies")
    page.check(".rate-form input[value=satisfied]")
    screenshots(page, "ms-5-rate-member")
    assert no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click(".rate-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/micro-suggestions/{case.pk}/")

    case.refresh_from_db()
    assert (case.status, case.rating) == (CaseStatus.CLOSED, Rating.SATISFIED)
    assert "已办结" in page.inner_text(".page-head")
    assert page.locator(".rate-form").count() == 0
    assert "满意" in page.inner_text("#replies .rated")
    screenshots(page, "ms-6-closed-member")
    assert no_horizontal_scroll(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/micro-suggestions/mine/")
    assert "已办结" in page.locator("table tbody tr", has_text=TITLE).inner_text()
    context.close()
