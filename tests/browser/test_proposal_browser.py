"""A proposal's journey in a real browser (headless Chromium against a live server): the member
writes it beside the published topic guide while similar proposals appear as they type, and
submits it; staff file it, assigning the lead department; the department's liaison officer
replies with result category B; the member gives feedback, which closes the handling.
Screenshots at desktop and phone widths go to test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from cppcc_portal.core import outbox
from members import services as directory
from proposals.choices import CaseStatus, ProposalStatus, Rating
from proposals.models import Assignment, Proposal
from proposals.services import config, proposals
from tests.browser.test_journeys import (  # noqa: F401 - the browser fixture is used by name
    browser,
    no_horizontal_scroll,
    screenshots,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于推进老旧小区加装电梯工作的建议"
REASON = "老旧小区多为六层以下无电梯住宅，老年居民上下楼十分困难。"
ANALYSIS = "我市老旧小区约有1200栋未加装电梯，老年居民占比超过三成，加装电梯意愿强烈，但资金分摊难、审批环节多。"
SUGGESTIONS = "一是简化加装电梯审批流程；二是设立加装电梯专项补贴；三是建立低层住户协商补偿机制。"
REPLY = "已将老旧小区加装电梯列入明年城市更新计划，并研究出台专项补贴办法。"


@pytest.fixture(autouse=True)
def _sync_database_calls_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def proposal_setup(world, seeded_calendar, settings, tmp_path, monkeypatch):
    """Committee A's category, a published topic guide, and a filed proposal by another member
    on the same subject (the similar one the writer should see)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(outbox, "_send", lambda message: None)
    alice = world.alice
    category = config.category_create(actor=alice, committee=world.a, name="城乡建设", order=1)
    guide = proposals.topic_guide_save(actor=alice, committee=world.a, year=2026, title="2026年度提案选题指南")
    proposals.guide_topic_save(actor=alice, guide=guide, title="老旧小区改造与适老化", category=category)
    proposals.topic_guide_publish(actor=alice, guide=guide)
    cindy = directory.member_create(actor=alice, committee=world.a, term=world.term_a, sector=world.sector_a,
                                    name="崔欣", phone="13800000005", username="cindy")
    earlier = proposals.proposal_draft_save(
        actor=cindy.user, member=cindy, title="关于老旧小区加装电梯财政补贴的建议",
        reason="老旧小区加装电梯资金筹措困难，居民负担较重。",
        analysis="老旧小区加装电梯每部费用约六十万元，现有补贴标准偏低，低层住户不愿分摊，审批流程复杂。",
        suggestions="一是提高加装电梯补贴标准；二是允许提取住房公积金；三是简化审批流程。", category=category)
    proposals.proposal_submit(actor=cindy.user, proposal=earlier)
    proposals.proposal_file(actor=alice, proposal=earlier)
    return {"category": category, "earlier": earlier}


def new_page(chromium, width: int = 1280):
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_member_writes_staff_file_department_replies_member_gives_feedback(
    world, proposal_setup, live_server, browser,  # noqa: F811 - the imported fixture
):
    earlier = proposal_setup["earlier"]

    # 1. The member writes beside the topic guide; similar proposals appear while typing.
    context, page = new_page(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/proposals/new/")
    assert "老旧小区改造与适老化" in page.inner_text(".guide-panel")
    page.fill("#id_title", TITLE)
    page.fill("#id_reason", REASON)
    page.fill("#id_analysis", ANALYSIS)
    page.fill("#id_suggestions", SUGGESTIONS)
    page.select_option("#id_category", label="城乡建设")
    page.select_option("#id_topic", label="2026 · 老旧小区改造与适老化")
    similar = page.locator(".similar-results a", has_text=earlier.title)
    similar.wait_for()
    assert similar.get_attribute("href").endswith(f"/proposals/{earlier.pk}/")
    assert re.fullmatch(r"\d+%", page.inner_text(".similar-results .num").strip())
    screenshots(page, "proposal-1-write-member")
    assert no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("main form.proposal-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/proposals/\d+/$"))
    proposal = Proposal.objects.get(title=TITLE)
    assert (proposal.status, proposal.topic.title) == (ProposalStatus.DRAFT, "老旧小区改造与适老化")
    # without script too, the proposal's page lists the similar one
    assert earlier.title in page.inner_text(".similar-panel")
    page.click(".page-head .actions button[type=submit]")
    page.wait_for_url(f"{live_server.url}/proposals/{proposal.pk}/")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    context.close()

    # 2. Staff file it and assign 甲市教育局 as the lead department.
    context, page = new_page(browser)
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/proposals/review/")
    page.locator("table tbody tr", has_text=TITLE).locator("a.btn").click()
    page.wait_for_url(f"{live_server.url}/proposals/{proposal.pk}/review/")
    page.select_option("#id_file-lead_department", label="甲市教育局")
    screenshots(page, "proposal-2-review-staff")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click("#review-file button[type=submit]")
    page.wait_for_url(f"{live_server.url}/proposals/{proposal.pk}/")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.number, proposal.case.status) == (ProposalStatus.FILED, 2, CaseStatus.HANDLING)
    with translation.override("zh-hans"):
        assert page.inner_text(".proposal-number") == str(proposal.number_label)
    context.close()

    # 3. The liaison officer replies with result category B.
    assignment = Assignment.objects.get(case=proposal.case)
    context, page = new_page(browser)
    sign_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    page.click(f".page-head a[href='/handling/assignments/{assignment.pk}/']")
    page.wait_for_url(f"{live_server.url}/handling/assignments/{assignment.pk}/")
    page.fill("#id_reply-text", REPLY)
    page.check("input[name='reply-result_category'][value='B']")
    page.click("#reply button[type=submit]")
    page.wait_for_url(f"{live_server.url}/handling/assignments/{assignment.pk}/")
    context.close()
    proposal.case.refresh_from_db()
    assert (proposal.case.status, proposal.case.result_category) == (CaseStatus.REPLIED, "B")

    # 4. The member reads the reply and gives feedback: the handling closes.
    context, page = new_page(browser)
    sign_in(page, live_server, "bob")
    page.goto(f"{live_server.url}/proposals/{proposal.pk}/")
    assert REPLY in page.inner_text("#replies")
    with translation.override("zh-hans"):
        from proposals.choices import ResultCategory

        assert page.inner_text("#replies .result-category") == str(ResultCategory.B.label)
    page.check(".rate-form input[value=basically]")
    screenshots(page, "proposal-3-feedback-member")
    assert no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.click(".rate-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/proposals/{proposal.pk}/")
    proposal.case.refresh_from_db()
    assert (proposal.case.status, proposal.case.rating) == (CaseStatus.CLOSED, Rating.BASICALLY)
    assert page.locator(".rate-form").count() == 0
    with translation.override("zh-hans"):
        assert page.inner_text("#replies .rated .badge") == str(Rating.BASICALLY.label)
    context.close()
