"""Printables of social-conditions information: a bulletin issue (《社情民意》第N期) as the
committee prints and sends it. Pure functions returning PDF bytes; the pages send them.

The page layout, the built-in CJK font (STSong-Light) and the escaping of user text are
proposals.letters' own, reused here: every piece of user text passes through its ``_markup``
before it reaches a Paragraph, so a title like "<b>a & b</b>" prints as written.
"""

from __future__ import annotations

import functools

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.letters import FONT, _build, _date, _markup, _paragraphs, _styles, formal_committee_name

from .choices import Recipient
from .models import BulletinIssue, InformationAuthor, InformationItem, InformationOfficer

RED = "#c00000"


@functools.cache
def _issue_styles() -> dict:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = _styles()["plain"]  # registers the font too
    red = colors.HexColor(RED)
    return {
        "committee": ParagraphStyle("bulletin-committee", parent=base, fontSize=16, leading=24, alignment=TA_CENTER,
                                    textColor=red),
        "masthead": ParagraphStyle("bulletin-masthead", parent=base, fontName=FONT, fontSize=36, leading=48,
                                   alignment=TA_CENTER, textColor=red, spaceBefore=4, spaceAfter=6),
        "number": ParagraphStyle("bulletin-number", parent=base, fontSize=14, leading=22, alignment=TA_CENTER),
        "meta-left": ParagraphStyle("bulletin-meta-left", parent=base, fontSize=11, leading=18, alignment=TA_LEFT),
        "meta-right": ParagraphStyle("bulletin-meta-right", parent=base, fontSize=11, leading=18, alignment=TA_RIGHT),
        "contents-head": ParagraphStyle("bulletin-contents-head", parent=base, fontSize=14, leading=22,
                                        alignment=TA_CENTER, spaceBefore=6, spaceAfter=6),
        "contents": ParagraphStyle("bulletin-contents", parent=base, fontSize=12, leading=20, leftIndent=12),
        "title": ParagraphStyle("bulletin-title", parent=base, fontSize=16, leading=24, alignment=TA_CENTER,
                                spaceBefore=16, spaceAfter=8),
        "authors": ParagraphStyle("bulletin-authors", parent=base, fontSize=11, leading=18, alignment=TA_RIGHT,
                                  spaceBefore=4, spaceAfter=6),
        "body": _styles()["body"],
        "footer": ParagraphStyle("bulletin-footer", parent=base, fontSize=11, leading=18),
    }


def _p(text, style: str):
    from reportlab.platypus import Paragraph

    return Paragraph(_markup(text), _issue_styles()[style])


def _rule(thickness: float = 1.5, color: str = RED, before: int = 4, after: int = 8):
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable

    return HRFlowable(width="100%", thickness=thickness, color=colors.HexColor(color), spaceBefore=before,
                      spaceAfter=after)


def _meta_row(left: str, right: str):
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    table = Table([[_p(left, "meta-left"), _p(right, "meta-right")]], colWidths=[78 * mm, 78 * mm])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return table


def _issue_for_print(issue: BulletinIssue) -> tuple[BulletinIssue, list[InformationItem], dict]:
    """The issue, its items in order with their authors, and the organisations of the
    information officers among the authors: three queries."""
    issue = BulletinIssue.objects.select_related("bulletin", "committee").get(pk=issue.pk)
    authors = InformationAuthor.objects.select_related("member__sector").order_by("order", "id")
    items = list(InformationItem.objects.filter(issue=issue).order_by("issue_position", "id")
                 .prefetch_related(Prefetch("authors", queryset=authors)))
    officer_users = {a.user_id for item in items for a in item.authors.all() if a.member_id is None and a.user_id}
    organisations = {}
    if officer_users:
        organisations = dict(InformationOfficer.objects.filter(committee_id=issue.committee_id,
                                                               user_id__in=officer_users)
                             .values_list("user_id", "organisation"))
    return issue, items, organisations


def author_line(item: InformationItem, organisations: dict) -> str:
    """"王博（甲市第一医院）、崔欣（医药卫生界）": each author with their unit (单位) — a member's
    workplace or else their sector, an information officer's organisation."""
    parts = []
    for author in item.authors.all():
        if author.member_id:
            unit = author.member.workplace or author.member.sector.name
        else:
            unit = organisations.get(author.user_id, "")
        parts.append(f"{author.name}（{unit}）" if unit else author.name)
    return "、".join(parts)


def issue_pdf(issue: BulletinIssue) -> bytes:
    """A bulletin issue as printed: the red masthead (committee, bulletin name, 第N期, year,
    compiler, date), the contents, each item (title, text — edited if it was — and authors),
    and the footer (报送 recipients, 签发, 编辑). A fixed number of queries."""
    from reportlab.platypus import Spacer

    issue, items, organisations = _issue_for_print(issue)
    committee = formal_committee_name(issue.committee.name)
    day = _date(issue.sent_at or timezone.now())
    story = [
        _p(committee, "committee"),
        _p(issue.bulletin.name, "masthead"),
        _p(_("Issue %(n)d") % {"n": issue.number}, "number"),
        _p(_("(%(year)d, issue %(n)d of the year)") % {"year": issue.year, "n": issue.number}, "number"),
        _meta_row(_("Compiled and printed by: %(c)s") % {"c": committee}, day),
        _rule(thickness=2),
    ]
    if issue.title:
        story.append(_p(issue.title, "contents-head"))
    story.append(_p(_("In this issue"), "contents-head"))
    if items:
        story += [_p(f"{position}. {item.display_title}", "contents") for position, item in enumerate(items, 1)]
    else:
        story.append(_p(_("(no items yet)"), "contents"))
    story.append(_rule(thickness=0.8, before=8, after=4))
    for item in items:
        story.append(_p(item.display_title, "title"))
        story += _paragraphs(item.display_content, "body")
        authors = author_line(item, organisations)
        if authors:
            story.append(_p(_("(Authors: %(a)s)") % {"a": authors}, "authors"))
    recipients = "、".join(str(Recipient(r).label) for r in issue.recipients if r in Recipient.values)
    story += [
        Spacer(1, 12),
        _rule(thickness=1, before=12, after=4),
        _p(_("Sent to: %(r)s") % {"r": recipients or "—"}, "footer"),
        _p(_("Signed off by: %(s)s") % {"s": issue.signed_by or "—"}, "footer"),
    ]
    if issue.editor:
        story.append(_p(_("Edited by: %(e)s") % {"e": issue.editor}, "footer"))
    story.append(_rule(thickness=1, before=4, after=0))
    return _build(story, title=f"{issue.bulletin.name} {issue.label}")
