"""The bulletin issue as a printable PDF (consultations.letters.issue_pdf), read back line by
line, on worlds built through the real services."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from consultations import letters
from consultations.choices import Recipient
from consultations.services import information as info
from members.models import Member
from tests.proposals.test_proposal_reports import page_count, pdf_lines

pytestmark = pytest.mark.django_db

TEXT_LINES = ["部分乡镇留守老人就餐困难，村级助餐点覆盖不足，建议统筹建设村级老年", "食堂。"]


def _issue(cw, items, *, send=True, title="养老服务专刊", **sending):
    issue = info.issue_create(actor=cw.alice, bulletin=cw.bulletin_a, title=title)
    if items:
        info.issue_add_items(actor=cw.alice, issue=issue, items=items)
    if send:
        sending = {"recipients": [Recipient.PARTY, Recipient.GOVERNMENT], "signed_by": "李主席", "editor": "张编辑",
                   **sending}
        issue = info.issue_send(actor=cw.alice, issue=issue, **sending)
    return issue


def _written(cw, title: str, content: str):
    item = info.information_draft_save(actor=cw.bob, committee=cw.a, title=title, content=content)
    return info.information_submit(actor=cw.bob, item=item)


def test_issue_pdf_prints_masthead_contents_items_and_footer(cw, django_assert_num_queries):
    Member.objects.filter(pk=cw.bob_seat.pk).update(workplace="甲市第一人民医院")
    first = cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))
    second = cw.signed_off(cw.information(actor=cw.olga, title="城区老旧小区加装电梯推进缓慢"))
    issue = _issue(cw, [first, second])
    with django_assert_num_queries(4):  # issue, items, their authors, the officers' organisations
        data = letters.issue_pdf(issue)
    assert data[:8] == b"%PDF-1.4"
    assert page_count(data) == 1
    year = timezone.localdate().year
    assert pdf_lines(data) == [
        "Page 1",
        "政协甲市委员会",
        "社情民意",
        "Issue 1",
        f"({year}, issue 1 of the year)",
        "Compiled and printed by: 政协甲市委员会", date_format(timezone.localdate(issue.sent_at), "DATE_FORMAT"),
        "养老服务专刊",
        "In this issue",
        "1. 农村留守老人助餐服务亟待加强",
        "2. 城区老旧小区加装电梯推进缓慢",
        "农村留守老人助餐服务亟待加强", *TEXT_LINES,
        "(Authors: 王博（甲市第一人民医院）、崔欣（医药卫生界）)",
        "城区老旧小区加装电梯推进缓慢", *TEXT_LINES,
        "(Authors: 欧佳（甲市社科院）)",
        "Sent to: Party committee、Government",
        "Signed off by: 李主席",
        "Edited by: 张编辑",
    ]


def test_issue_pdf_prints_the_edited_text_not_the_original(cw):
    item = info.information_approve(actor=cw.alice, item=cw.information(), edited_title="关于加强农村助餐服务的建议",
                                    edited_content="编辑后的正文。\n第二段：完善助餐补贴。")
    item = info.information_sign_off(actor=cw.lily, item=item)
    lines = pdf_lines(letters.issue_pdf(_issue(cw, [item])))
    start = lines.index("In this issue")
    assert lines[start + 1:start + 6] == ["1. 关于加强农村助餐服务的建议", "关于加强农村助餐服务的建议", "编辑后的正文。",
                                          "第二段：完善助餐补贴。", "(Authors: 王博（医药卫生界）)"]
    assert "农村留守老人助餐服务亟待加强" not in lines and TEXT_LINES[0] not in lines


def test_an_issue_being_compiled_prints_without_recipients(cw, django_assert_num_queries):
    issue = _issue(cw, [], send=False, title="")
    with django_assert_num_queries(2):  # the issue and its (no) items
        lines = pdf_lines(letters.issue_pdf(issue))
    assert lines[7:] == ["In this issue", "(no items yet)", "Sent to: —", "Signed off by: —"]


def test_hostile_text_prints_literally(cw):
    item = cw.signed_off(_written(cw, "<b>a & b</b> </para>&amp;", "<font size=40>大字</font> & <br/> 控制字符\x07之后"))
    lines = pdf_lines(letters.issue_pdf(_issue(cw, [item], signed_by="<i>李</i>")))
    assert "1. <b>a & b</b> </para>&amp;" in lines
    start = lines.index("<b>a & b</b> </para>&amp;")
    assert lines[start + 1] == "<font size=40>大字</font> & <br/> 控制字符之后"
    assert lines[-2:] == ["Signed off by: <i>李</i>", "Edited by: 张编辑"]


def test_a_long_issue_runs_over_numbered_pages(cw):
    long_text = "老旧小区加装电梯需要统筹资金、规划和住户协商，建议政府出台专项政策。\n" * 60
    items = []
    for i in range(3):
        items.append(cw.signed_off(_written(cw, f"第{i + 1}条：老旧小区加装电梯推进缓慢", long_text)))
    data = letters.issue_pdf(_issue(cw, items))
    pages = page_count(data)
    assert pages == 7
    assert [line for line in pdf_lines(data) if line.startswith("Page ")] == [f"Page {n}" for n in range(1, 8)]


def test_the_download_is_the_issue_pdf(cw):
    issue = _issue(cw, [cw.signed_off()])
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(cw.bob)
    response = c.get(f"/information/issues/{issue.pk}/pdf/")
    assert response.status_code == 200
    lines = pdf_lines(response.content)
    assert lines[1:4] == ["政协甲市委员会", "社情民意", "Issue 1"]
    assert "1. 农村留守老人助餐服务亟待加强" in lines


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_issue_pdf_renders_to_an_image(cw, tmp_path):
    path = tmp_path / "issue.pdf"
    path.write_bytes(letters.issue_pdf(_issue(cw, [cw.signed_off(cw.information(co_authors=[cw.cindy_seat]))])))
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page")], check=True, timeout=60)
    assert sorted(p.name for p in tmp_path.glob("page*.png")) == ["page-1.png"]
