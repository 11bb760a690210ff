"""Journeys in a real browser: headless Chromium (the system one, driven by Playwright) signs in
through the login form of a live server and sees the home page of its role. Full-page
screenshots at desktop (1280) and phone (375) widths are saved under test-artifacts/ for a
person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": (1280, 800), "phone": (375, 812)}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: the browser tests must run on CI (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django refuses database calls
    # from a thread with a running loop unless told they are safe here (they are: the loop
    # only waits on the browser).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def screenshots(page, name: str) -> list[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    saved = []
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        path = ARTIFACTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    return saved


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_staff_signs_in_and_sees_the_committees_they_work_for(world, live_server, page):
    sign_in(page, live_server, "alice")

    assert "张爱丽" in page.inner_text("h1")
    staff_section = page.locator("section[aria-labelledby=staff-title]")
    assert staff_section.count() == 1
    assert "甲市政协" in staff_section.inner_text()
    assert page.locator("section[aria-labelledby=seats-title]").count() == 0

    for path in screenshots(page, "home-staff"):
        assert path.stat().st_size > 10_000
    assert no_horizontal_scroll(page)  # still at phone width

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/members/")
    assert "王博" in page.inner_text("main")
    assert "郑本" not in page.content()
    screenshots(page, "members-staff")


def test_member_signs_in_and_sees_their_seat(world, live_server, page):
    sign_in(page, live_server, "bob")

    assert "王博" in page.inner_text("h1")
    seats = page.locator("section[aria-labelledby=seats-title]")
    assert seats.count() == 1
    assert "甲市政协 · 第十五届" in seats.inner_text()
    assert "医药卫生界委员工作室" in seats.inner_text()
    assert page.locator("section[aria-labelledby=staff-title]").count() == 0

    screenshots(page, "home-member")
    assert no_horizontal_scroll(page)


def test_wrong_password_shows_the_error_on_the_form(world, live_server, page):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", "not-the-password")
    page.click("main form button[type=submit]")

    assert page.locator("ul.errorlist.nonfield").count() == 1
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    screenshots(page, "login-error")
