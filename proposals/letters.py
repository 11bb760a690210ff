"""Printables of a proposal (提案): the proposal as the committee prints it, and a department's
reply letter (答复函). Pure functions returning PDF bytes; pages and the API send them.

Fonts: reportlab's built-in CID font STSong-Light, so no font file ships with the portal and
Chinese text still prints (PDF readers supply the glyphs). Every piece of user text passes
through ``_markup`` before it reaches a Paragraph: Paragraph text is markup, and a title like
"<b>a & b</b>" must print as written.
"""

from __future__ import annotations

import functools
import io
import re
from xml.sax.saxutils import escape

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .choices import CoSignerStatus, ProposalKind, ProposalStatus, ResultCategory
from .exports import handling_units
from .models import Assignment, CoSigner, Proposal, Reply

FONT = "STSong-Light"
# Control characters have no glyph and some PDF readers stop at them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.cache
def _styles() -> dict:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK")
    return {
        "committee": ParagraphStyle("committee", parent=base, fontSize=18, leading=26, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, fontSize=26, leading=36, alignment=TA_CENTER,
                                  spaceAfter=6),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, spaceAfter=10),
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=24, alignment=TA_CENTER, spaceBefore=14,
                                spaceAfter=10),
        "section": ParagraphStyle("section", parent=base, fontSize=14, leading=22, spaceBefore=10, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=24),
        "plain": base,
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
    }


def _clean(text) -> str:
    return _CONTROL.sub("", str(text or "")).replace("\r\n", "\n").replace("\r", "\n")


def _markup(text) -> str:
    """User text as Paragraph markup: escaped, line breaks kept."""
    return escape(_clean(text)).replace("\n", "<br/>")


def _para(text, style: str):
    from reportlab.platypus import Paragraph

    return Paragraph(_markup(text), _styles()[style])


def _paragraphs(text, style: str = "body") -> list:
    """One Paragraph per line of a long text, so each starts indented as Chinese prose does."""
    lines = [line.strip() for line in _clean(text).split("\n")]
    return [_para(line, style) for line in lines if line]


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localdate(value)
    return date_format(value, "DATE_FORMAT")


def formal_committee_name(name: str) -> str:
    """"甲市政协" → "政协甲市委员会", the way a committee heads its documents; other names as
    they are."""
    if name.endswith("政协") and len(name) > 2:
        return f"政协{name[:-2]}委员会"
    return name


def _page_number(canvas, doc) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    canvas.saveState()
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(A4[0] / 2, 12 * mm, _("Page %(n)d") % {"n": doc.page})
    canvas.restoreState()


def _build(story: list, *, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                            bottomMargin=25 * mm, title=_clean(title)[:200], creator="cppcc-portal")
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def _table(rows: list[tuple[str, str | list[str]]]):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    data = [[_para(label, "cell"), [_para(v, "cell") for v in value] if isinstance(value, list) else _para(value, "cell")]
            for label, value in rows]
    table = Table(data, colWidths=[34 * mm, 122 * mm], hAlign="CENTER")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
    ]))
    return table


def _units(case) -> tuple[list[str], list[str]]:
    return handling_units(case.units) if case is not None else ([], [])


def _proposal_for_print(proposal: Proposal) -> Proposal:
    assignments = Assignment.objects.select_related("department").order_by("round", "assigned_at", "id")
    return (Proposal.objects.select_related("committee", "term__committee", "session__term", "category",
                                            "proposer__sector", "body__sector", "case", "merged_into")
            .prefetch_related(Prefetch("cosigners", to_attr="confirmed",
                                       queryset=CoSigner.objects.filter(status=CoSignerStatus.CONFIRMED)
                                       .select_related("member").order_by("invited_at", "id")),
                              Prefetch("case__assignments", queryset=assignments, to_attr="units"))
            .get(pk=proposal.pk))


def _author_rows(p: Proposal) -> list[tuple[str, str]]:
    if p.body_id:
        sector = p.body.sector.name if p.body.sector_id else p.body.get_kind_display()
        return [(_("Proposing body"), p.body.name), (_("Sector"), sector)]
    rows = [(_("First proposer"), p.proposer.name)]
    if p.kind == ProposalKind.JOINT:
        rows.append((_("Co-signers"), "、".join(c.member.name for c in p.confirmed)))
    rows.append((_("Sector"), p.proposer.sector.name))
    return rows


def _filing(p: Proposal) -> list[str]:
    if p.status == ProposalStatus.FILED:
        parts = [_("Filed (立案) on %(d)s") % {"d": _date(p.reviewed_at)}]
        case = p.case
        if case is not None and case.handling_mode:
            answering, co = _units(case)
            parts.append(case.get_handling_mode_display())
            if answering:
                parts.append(_("Handled by: %(units)s") % {"units": "、".join(answering)})
            if co:
                parts.append(_("Co-handled by: %(units)s") % {"units": "、".join(co)})
        return parts
    if p.status == ProposalStatus.NOT_FILED:
        return [_("Not filed (不立案): %(reason)s") % {"reason": p.review_note}]
    if p.status == ProposalStatus.MERGED and p.merged_into_id:
        return [_("Merged (并案) into %(p)s") % {"p": p.merged_into}]
    return [p.get_status_display()]


def proposal_pdf(proposal: Proposal) -> bytes:
    """The proposal as the committee prints it: header, number, the facts in a table, the title
    and the three parts (案由, 分析与理由, 具体建议). A fixed number of queries."""
    p = _proposal_for_print(proposal)
    year = str(p.year)
    session = str(p.session) if p.session_id else p.get_timing_display()
    rows = [
        (_("Term"), str(p.term)),
        (_("Session"), session),
        (_("Year"), year),
        (_("Kind"), p.get_kind_display()),
        *_author_rows(p),
        (_("Category"), p.category.name if p.category_id else ""),
        (_("Submitted on"), _date(p.submitted_at)),
        (_("Filing"), _filing(p)),
    ]
    story = [
        _para(formal_committee_name(p.committee.name), "committee"),
        _para(_("Proposal"), "heading"),
        _para(p.number_label or _("(not numbered)"), "number"),
        _table(rows),
        _para(p.title, "title"),
        _para(_("Subject (案由)"), "section"), *_paragraphs(p.reason),
        _para(_("Analysis and reasoning"), "section"), *_paragraphs(p.analysis),
        _para(_("Concrete suggestions"), "section"), *_paragraphs(p.suggestions),
    ]
    return _build(story, title=p.title)


def reply_letter_pdf(proposal: Proposal, reply: Reply) -> bytes:
    """A department's reply letter (答复函) to the proposer of ``proposal``: a merged proposal
    gets its own letter with the reply of the handling it shares.

    ``reply`` must be a reply to the proposer (not a co-handler's opinion) of the proposal's
    handling; anything else is a programming error (ValueError).
    """
    from reportlab.platypus import Spacer

    p = _proposal_for_print(proposal)
    reply = (Reply.objects.select_related("assignment__department", "attachment")
             .prefetch_related("assignment__contacts").get(pk=reply.pk))
    if p.case_id is None or reply.case_id != p.case_id or reply.is_opinion:
        raise ValueError("The reply does not answer this proposal.")
    department = reply.assignment.department.name
    number = p.number_label or (p.merged_into.number_label if p.merged_into_id else "")

    marks = []
    if reply.result_category:
        marks.append(_("(Category %(c)s)") % {"c": reply.result_category})
    marks.append(_("May be published (公开)") if reply.may_publish else _("Not for publication (不公开)"))
    if p.body_id:
        greeting = _("Dear %(name)s:") % {"name": p.body.name}
    else:
        greeting = _("Dear member %(name)s:") % {"name": p.proposer.name}

    story = [
        _para(" ".join(marks), "right"),
        Spacer(1, 8),
        _para(department, "committee"),
        _para(_("Reply to proposal %(number)s") % {"number": number}, "title"),
        _para(greeting, "plain"),
        _para(_("Your proposal \"%(title)s\" (%(number)s) has been received. Our reply is as follows:")
              % {"title": p.title, "number": number}, "body"),
        *_paragraphs(reply.text),
    ]
    if reply.result_category:
        story.append(_para(_("Result category: %(label)s")
                           % {"label": ResultCategory(reply.result_category).label}, "body"))
    story.append(_para(_("Thank you for your concern for and support of our work."), "body"))
    contacts = list(reply.assignment.contacts.all())
    story.append(_para(_("Contact with the proposer"), "section"))
    if contacts:
        story += [_para(_("%(method)s, %(date)s") % {"method": c.get_method_display(), "date": _date(c.contacted_on)},
                        "plain") for c in contacts]
    else:
        story.append(_para(_("None recorded."), "plain"))
    if reply.attachment_id:
        story.append(_para(_("Attachment: %(name)s") % {"name": reply.attachment.original_name}, "plain"))
    story += [Spacer(1, 24), _para(department, "right"), _para(_date(reply.created_at), "right")]
    return _build(story, title=_("Reply to proposal %(number)s") % {"number": number})
