"""The proposal printables (PDF), the year's compilation (Excel) and the statistics, on worlds
built through the real services."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil
import subprocess
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from proposals import letters
from proposals.choices import AssignmentStatus, BodyKind, ContactMethod, ProposalKind, ProposalTiming, Rating
from proposals.exports import proposal_compilation_xlsx
from proposals.models import Assignment, Proposal
from proposals.services import handling, proposals
from proposals.statistics import proposal_statistics

pytestmark = pytest.mark.django_db

HOSTILE_FORMULA = "=cmd|' /C calc'!A0"


# --- reading the PDFs back ------------------------------------------------------------------------

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        char = literal[i:i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(literal[i + 1:i + 2], literal[i + 1:i + 2])
            i += 2
    return bytes(out)


def pdf_lines(data: bytes) -> list[str]:
    """The text lines of a PDF written by ``proposals.letters``: reportlab writes each page's
    content ASCII85- and Flate-encoded, each line one ``Tj`` in the CID font's UCS-2 code."""
    lines = []
    for raw in re.findall(rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", data,
                          re.S):
        content = zlib.decompress(base64.a85decode(b"<~" + raw.strip(), adobe=True))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            lines.append(_unescape(literal).decode("utf-16-be"))
    return lines


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?![s\w])", data))


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT")


# --- the proposal ---------------------------------------------------------------------------------


def _joint_filed(pp, **fields):
    draft = pp.draft(kind=ProposalKind.JOINT, **fields)
    [invite] = proposals.proposal_invite(actor=pp.bob, proposal=draft, members=[pp.cindy_seat])
    proposals.cosign_respond(actor=pp.cindy, cosigner=invite, accept=True)
    proposal = proposals.proposal_submit(actor=pp.bob, proposal=draft)
    return proposals.proposal_file(actor=pp.alice, proposal=proposal, lead_department=pp.dept_a3,
                                   co_departments=[pp.dept_a2])


def test_proposal_pdf_prints_the_filed_joint_proposal(pp, django_assert_num_queries):
    proposal = _joint_filed(pp)
    today = _day(timezone.localdate())
    with django_assert_num_queries(3):
        data = letters.proposal_pdf(proposal)
    assert data[:8] == b"%PDF-1.4"
    assert page_count(data) == 1
    assert pdf_lines(data) == [
        "Page 1",
        "政协甲市委员会",
        "Proposal",
        "No. 0001",
        "Term", "甲市第十五届",
        "Session", "Between sessions (平时提案)",
        "Year", str(proposal.year),
        "Kind", "Joint proposal (联名提案)",
        "First proposer", "王博",
        "Co-signers", "崔欣",
        "Sector", "医药卫生界",
        "Category", "城乡建设",
        "Submitted on", today,
        "Filing", f"Filed (立案) on {today}", "Lead and co-handling units (主办/会办)",
        "Handled by: 甲市住房和城乡建设局", "Co-handled by: 甲市卫生健康委员会",
        "关于加快推进城区老旧小区加装电梯的建议",
        "Subject (案由)",
        "城区老旧小区多为六层以下无电梯住宅，老年居民上下楼困难。",
        "Analysis and reasoning",
        "我市2000年前建成的老旧小区约有1200栋，60岁以上居民占比超过三成，加装",
        "电梯意愿强烈，但存在资金分摊难、低层住户意见不一、审批环节多等问题。",
        "Concrete suggestions",
        "一是简化加装电梯审批流程，实行联合审查；二是设立专项补贴资金；三是",
        "建立低层住户补偿协商机制。",
    ]


def test_proposal_pdf_of_a_collective_plenary_proposal_names_the_body(pp):
    body = proposals.proposal_body_save(actor=pp.alice, committee=pp.a, name="民盟甲市委员会",
                                        kind=BodyKind.DEMOCRATIC_PARTY, authorised_users=[pp.eve])
    draft = proposals.proposal_draft_save(actor=pp.eve, body=body, kind=ProposalKind.COLLECTIVE,
                                          timing=ProposalTiming.PLENARY, session=pp.session_a, **pp.TEXT)
    proposal = proposals.proposal_submit(actor=pp.eve, proposal=draft)
    lines = pdf_lines(letters.proposal_pdf(proposal))
    assert lines[3:17] == [
        "(not numbered)",
        "Term", "甲市第十五届",
        "Session", "第十五届三次会议",
        "Year", "2025",
        "Kind", "Collective proposal (集体提案)",
        "Proposing body", "民盟甲市委员会",
        "Sector", "Democratic party",
        "Category",
    ]
    assert lines[17:21] == ["Submitted on", _day(timezone.localdate()), "Filing", "Submitted, awaiting review"]


def test_hostile_text_prints_literally(pp):
    proposal = pp.submitted(title="<b>a & b</b> </para>&amp;", analysis="控制字符\x07\x0b和表情😀之后" + "正文" * 20,
                            reason="<font size=40>大字</font> & <br/> 案由")
    lines = pdf_lines(letters.proposal_pdf(proposal))
    assert lines[lines.index("Subject (案由)") - 1] == "<b>a & b</b> </para>&amp;"
    assert lines[lines.index("Subject (案由)") + 1] == "<font size=40>大字</font> & <br/> 案由"
    assert lines[lines.index("Analysis and reasoning") + 1:][:2] == ["控制字符和表情😀之后" + "正文" * 11 + "正",
                                                                   "文" + "正文" * 8]


def test_a_long_proposal_runs_over_numbered_pages(pp):
    proposal = pp.submitted(analysis="老旧小区加装电梯需要统筹资金、规划和住户协商。\n" * 300)
    data = letters.proposal_pdf(proposal)
    pages = page_count(data)
    assert pages == 10
    assert [line for line in pdf_lines(data) if line.startswith("Page ")] == [f"Page {n}" for n in range(1, 11)]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_the_proposal_pdf_renders_to_an_image(pp, tmp_path):
    path = tmp_path / "proposal.pdf"
    path.write_bytes(letters.proposal_pdf(_joint_filed(pp)))
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(tmp_path / "page")], check=True, timeout=60)
    assert sorted(p.name for p in tmp_path.glob("page*.png")) == ["page-1.png"]


# --- the reply letter ------------------------------------------------------------------------------


def test_reply_letter_addresses_the_proposer_with_result_and_contacts(pp, clock):
    proposal = _joint_filed(pp)
    lead = Assignment.objects.get(case=proposal.case, department=pp.dept_a3)
    handling.contact_record(actor=pp.jack, assignment=lead, method=ContactMethod.MEETING, contacted_on=clock.today,
                            note="当面听取意见")
    reply = handling.assignment_reply(actor=pp.jack, assignment=lead, text="已列入明年城市更新计划。\n分三批实施。",
                                      result_category="B", may_publish=True)
    today = _day(timezone.localdate())
    data = letters.reply_letter_pdf(proposal, reply)
    assert data[:5] == b"%PDF-"
    assert pdf_lines(data) == [
        "Page 1",
        "(Category B) May be published (公开)",
        "甲市住房和城乡建设局",
        "Reply to proposal No. 0001",
        "Dear member 王博:",
        'Your proposal "关于加快推进城区老旧小区加装电梯的建议" (No. 0001) has been',
        "received. Our reply is as follows:",
        "已列入明年城市更新计划。",
        "分三批实施。",
        "Result category: B: being solved or in the plan (列入计划拟解决)",
        "Thank you for your concern for and support of our work.",
        "Contact with the proposer",
        f"Face to face (面谈), {today}",
        "甲市住房和城乡建设局",
        today,
    ]


def test_a_merged_proposal_gets_its_own_letter_and_an_opinion_is_no_letter(pp):
    main = pp.filed(lead=pp.dept_a3, co=[pp.dept_a2])
    other = pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯财政补贴的建议")
    proposals.proposal_merge(actor=pp.alice, main=main, others=[other])
    opinion = handling.assignment_reply(actor=pp.hank, text="建议统筹。",
                                        assignment=Assignment.objects.get(case=main.case, department=pp.dept_a2))
    reply = handling.assignment_reply(actor=pp.jack, text="已研究。", result_category="C",
                                      assignment=Assignment.objects.get(case=main.case, department=pp.dept_a3))
    other.refresh_from_db()
    lines = pdf_lines(letters.reply_letter_pdf(other, reply))
    assert lines[1:5] == ["(Category C) Not for publication (不公开)", "甲市住房和城乡建设局",
                          "Reply to proposal No. 0001", "Dear member 崔欣:"]
    assert lines[lines.index("Contact with the proposer") + 1] == "None recorded."
    with pytest.raises(ValueError):
        letters.reply_letter_pdf(main, opinion)
    with pytest.raises(ValueError):
        letters.reply_letter_pdf(pp.filed(title="关于完善城区停车设施规划建设的建议"), reply)


def test_formal_committee_name():
    assert [letters.formal_committee_name(n) for n in ("甲市政协", "甲市东区政协", "Committee C")] == [
        "政协甲市委员会", "政协甲市东区委员会", "Committee C"]


# --- the compilation --------------------------------------------------------------------------------


def _sheet(data: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]


def test_compilation_lists_each_proposal_with_its_handling(pp, clock):
    proposal = _joint_filed(pp)
    pp.submitted(member=pp.cindy_seat, title=HOSTILE_FORMULA)
    handling.assignment_reply(actor=pp.hank, text="建议统筹。",
                              assignment=Assignment.objects.get(case=proposal.case, department=pp.dept_a2))
    reply = handling.assignment_reply(actor=pp.jack, text="已列入计划。", result_category="B",
                                      assignment=Assignment.objects.get(case=proposal.case, department=pp.dept_a3))
    handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.BASICALLY)
    handling.progress_note_add(actor=pp.alice, case=proposal.case, noted_on=clock.today, text="全部完成。",
                               implemented=True)
    proposals.proposal_mark_key(actor=pp.alice, proposal=proposal, leaders=[pp.lily], plan="主席督办。")
    today = dt.datetime.combine(timezone.localdate(), dt.time())

    rows = _sheet(proposal_compilation_xlsx(Proposal.objects.filter(committee=pp.a)))
    assert rows == [
        ["Number", "Title", "Kind", "Submitted", "First proposer / body", "Co-signers", "Sector", "Category", "Status",
         "Filed on", "Handling mode", "Lead / separate units", "Co-handling units", "Result category", "Replied on",
         "Replied on time", "Feedback", "Implemented on", "Key proposal"],
        ["No. 0001", "关于加快推进城区老旧小区加装电梯的建议", "Joint proposal (联名提案)", "Between sessions (平时提案)", "王博",
         "崔欣", "医药卫生界", "城乡建设", "Filed (立案)", today, "Lead and co-handling units (主办/会办)",
         "甲市住房和城乡建设局", "甲市卫生健康委员会", "B", today, "Yes", "Basically satisfied", today, "Yes"],
        [None, "'" + HOSTILE_FORMULA, "Individual proposal (个人提案)", "Between sessions (平时提案)", "崔欣", None,
         "医药卫生界", "城乡建设", "Submitted, awaiting review", None, None, None, None, None, None, None, None, None,
         None],
    ]


def test_compilation_marks_a_late_reply_and_drops_a_rerouted_unit(pp):
    proposal = pp.filed(lead=pp.dept_a, co=[pp.dept_a2])
    case = proposal.case
    handling.case_route(actor=pp.alice, case=case, lead_department=pp.dept_a3, co_departments=[pp.dept_a])
    lead = Assignment.objects.get(case=case, department=pp.dept_a3, status=AssignmentStatus.ASSIGNED)
    Assignment.objects.filter(pk=lead.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    handling.assignment_reply(actor=pp.jack, assignment=lead, text="已研究。", result_category="A")
    [_header, row] = _sheet(proposal_compilation_xlsx(Proposal.objects.filter(pk=proposal.pk)))
    assert row[11:16] == ["甲市住房和城乡建设局", "甲市教育局", "A", dt.datetime.combine(timezone.localdate(), dt.time()),
                          "No"]


def test_compilation_queries_do_not_grow_from_1_to_10_rows(pp):
    def count(n_before: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            data = proposal_compilation_xlsx(Proposal.objects.filter(committee=pp.a))
        assert len(_sheet(data)) == n_before + 1
        return len(queries)

    _joint_filed(pp)
    one = count(1)
    for n in range(9):
        pp.filed(lead=pp.dept_a, title=f"关于第{n}个社区增设养老服务站点的建议")
    assert (one, count(10)) == (3, 3)


# --- the statistics ------------------------------------------------------------------------------


@pytest.fixture
def year(pp, clock):
    """Seven proposals past draft and one draft of committee A (see the test for the figures)."""
    first = pp.filed(lead=pp.dept_a)                                    # A, satisfied, key, one supervision
    merged = pp.submitted(member=pp.cindy_seat, title="关于老旧小区加装电梯财政补贴的建议")
    proposals.proposal_merge(actor=pp.alice, main=first, others=[merged])
    proposals.proposal_mark_key(actor=pp.alice, proposal=first, leaders=[pp.lily], plan="主席督办。")
    proposals.supervision_record(actor=pp.alice, proposal=first, kind="meeting", held_on=clock.today,
                                 summary="督办座谈会。")
    reply = handling.assignment_reply(actor=pp.carol, text="已解决。", result_category="A",
                                      assignment=Assignment.objects.get(case=first.case, department=pp.dept_a))
    handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.SATISFIED)

    joint = _joint_filed(pp, title="关于完善城区停车设施规划建设的建议")  # B, basically, key, implemented
    handling.assignment_reply(actor=pp.hank, text="建议统筹。",
                              assignment=Assignment.objects.get(case=joint.case, department=pp.dept_a2))
    reply = handling.assignment_reply(actor=pp.jack, text="已列入计划。", result_category="B",
                                      assignment=Assignment.objects.get(case=joint.case, department=pp.dept_a3))
    handling.case_rate(actor=pp.bob, reply=reply, rating=Rating.BASICALLY)
    handling.progress_note_add(actor=pp.alice, case=joint.case, noted_on=clock.today, text="全部完成。",
                               implemented=True)
    proposals.proposal_mark_key(actor=pp.alice, proposal=joint, leaders=[pp.lily], plan="跟踪督办。")

    separate = pp.filed(member=pp.cindy_seat, category=pp.cat_health, lead=pp.dept_a, co=[pp.dept_a2],
                        mode="separate", title="关于加强基层医疗机构建设的建议")  # dept_a late, dept_a2 open
    late = Assignment.objects.get(case=separate.case, department=pp.dept_a)
    Assignment.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    handling.assignment_reply(actor=pp.carol, assignment=late, text="部分采纳。", result_category="C")

    body = proposals.proposal_body_save(actor=pp.alice, committee=pp.a, name="民盟甲市委员会",
                                        kind=BodyKind.DEMOCRATIC_PARTY, authorised_users=[pp.eve])
    collective = proposals.proposal_draft_save(actor=pp.eve, body=body, kind=ProposalKind.COLLECTIVE,
                                               timing=ProposalTiming.PLENARY, session=pp.session_a,
                                               category=pp.cat_edu, **pp.TEXT)
    proposals.proposal_submit(actor=pp.eve, proposal=collective)       # under review
    not_filed = pp.submitted(category=pp.cat_edu, title="关于增加中小学体育课时的建议")
    proposals.proposal_not_file(actor=pp.alice, proposal=not_filed, reason="已有相关政策。")
    withdrawn = pp.submitted(title="关于规范共享单车停放的建议")
    proposals.proposal_withdraw(actor=pp.bob, proposal=withdrawn)
    pp.draft(title="关于草稿不计入统计的建议")
    return Proposal.objects.filter(committee=pp.a)


def test_proposal_statistics_of_a_year(pp, year, django_assert_num_queries):
    with django_assert_num_queries(8):
        figures = proposal_statistics(year)
    assert figures == {
        "totals": {"submitted": 7, "under_review": 1, "filed": 3, "not_filed": 1, "merged": 1, "withdrawn": 1,
                   "filed_percent": 42.9},
        "by_status": [
            {"status": "submitted", "label": "Submitted, awaiting review", "count": 1},
            {"status": "revising", "label": "Returned for revision", "count": 0},
            {"status": "filed", "label": "Filed (立案)", "count": 3},
            {"status": "not_filed", "label": "Not filed (不立案)", "count": 1},
            {"status": "merged", "label": "Merged (并案)", "count": 1},
            {"status": "withdrawn", "label": "Withdrawn", "count": 1},
        ],
        "by_kind": [
            {"kind": "individual", "label": "Individual proposal (个人提案)", "count": 5, "percent": 71.4},
            {"kind": "joint", "label": "Joint proposal (联名提案)", "count": 1, "percent": 14.3},
            {"kind": "collective", "label": "Collective proposal (集体提案)", "count": 1, "percent": 14.3},
        ],
        "joint_percent": 14.3,
        "collective_percent": 14.3,
        "by_timing": [
            {"timing": "plenary", "label": "Plenary session (大会提案)", "count": 1, "percent": 14.3},
            {"timing": "intersession", "label": "Between sessions (平时提案)", "count": 6, "percent": 85.7},
        ],
        "by_sector": [
            {"sector_id": pp.sector_a.pk, "body_kind": "", "label": "医药卫生界", "count": 6, "percent": 85.7},
            {"sector_id": None, "body_kind": "democratic_party", "label": "Democratic party", "count": 1,
             "percent": 14.3},
        ],
        "by_category": [
            {"category_id": pp.cat_city.pk, "label": "城乡建设", "count": 4, "percent": 57.1},
            {"category_id": pp.cat_edu.pk, "label": "教育", "count": 2, "percent": 28.6},
            {"category_id": pp.cat_health.pk, "label": "医疗卫生", "count": 1, "percent": 14.3},
        ],
        "handling": {
            "filed": 3,
            "replied": 2,
            "departments": [
                {"department_id": pp.dept_a.pk, "department": "甲市教育局", "assigned": 2, "replied": 2,
                 "on_time": 1, "on_time_percent": 50.0},
                {"department_id": pp.dept_a2.pk, "department": "甲市卫生健康委员会", "assigned": 1, "replied": 0,
                 "on_time": 0, "on_time_percent": None},
                {"department_id": pp.dept_a3.pk, "department": "甲市住房和城乡建设局", "assigned": 1, "replied": 1,
                 "on_time": 1, "on_time_percent": 100.0},
            ],
            "results": [
                {"category": "A", "label": "A: solved or basically solved (解决或基本解决)", "count": 1, "percent": 50.0},
                {"category": "B", "label": "B: being solved or in the plan (列入计划拟解决)", "count": 1,
                 "percent": 50.0},
                {"category": "C", "label": "C: kept for reference (留作参考)", "count": 0, "percent": 0.0},
                {"category": "D", "label": "D: cannot be adopted for now (因条件限制暂不能采纳)", "count": 0,
                 "percent": 0.0},
            ],
            "satisfaction": [
                {"rating": "satisfied", "label": "Satisfied", "count": 1, "percent": 50.0},
                {"rating": "basically", "label": "Basically satisfied", "count": 1, "percent": 50.0},
                {"rating": "unsatisfied", "label": "Unsatisfied", "count": 0, "percent": 0.0},
                {"rating": "none", "label": "No rating given", "count": 0, "percent": 0.0},
            ],
            "satisfied_percent": 100.0,
        },
        "key": {"count": 2, "replied": 2, "implemented": 1, "supervision_activities": 1},
        "implemented_b": {"count": 1, "implemented": 1, "percent": 100.0},
    }


def test_statistics_of_nothing_have_no_percentages(pp):
    pp.draft()
    figures = proposal_statistics(Proposal.objects.filter(committee=pp.a))
    assert (figures["totals"]["submitted"], figures["joint_percent"], figures["by_kind"][0]["percent"],
            figures["handling"]["satisfied_percent"], figures["implemented_b"]["percent"]) == (0, None, None, None, None)


def test_statistics_count_each_proposal_once_whatever_the_callers_joins(pp, year):
    joined = year.filter(cosigners__isnull=False) | year.filter(cosigners__isnull=True)
    assert proposal_statistics(joined)["totals"]["submitted"] == 7
