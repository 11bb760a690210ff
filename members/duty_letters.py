"""A member's yearly duty report (委员年度履职报告) as a printable PDF: the member (name, sector,
workplace), the year, the score and grade, the points by kind of duty and the entries listed by
kind. A pure function of a record the page has already read with the user's own selectors
(members.duty_views.duty_record), so the PDF shows exactly what the page shows.

The layout follows the portal's other printables (proposals.letters): A4, reportlab's built-in
CID font STSong-Light (no font file ships with the portal; PDF readers supply the glyphs), and
every piece of user text escaped before it reaches a Paragraph, so "<b>a & b</b>" prints as
written. The few helpers are repeated here because members may not import proposals.
"""

from __future__ import annotations

import functools
import io
import re
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

FONT = "STSong-Light"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.cache
def _styles() -> dict:
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("duty-base", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK")
    return {
        "committee": ParagraphStyle("duty-committee", parent=base, fontSize=16, leading=24, alignment=TA_CENTER),
        "heading": ParagraphStyle("duty-heading", parent=base, fontSize=24, leading=34, alignment=TA_CENTER,
                                  spaceAfter=4),
        "year": ParagraphStyle("duty-year", parent=base, alignment=TA_CENTER, spaceAfter=10),
        "section": ParagraphStyle("duty-section", parent=base, fontSize=14, leading=22, spaceBefore=12,
                                  spaceAfter=4),
        "kind": ParagraphStyle("duty-kind", parent=base, fontSize=12, leading=20, spaceBefore=6),
        "cell": ParagraphStyle("duty-cell", parent=base, fontSize=10.5, leading=15),
        "entry": ParagraphStyle("duty-entry", parent=base, fontSize=10.5, leading=16, leftIndent=12),
        "plain": base,
    }


def _clean(text) -> str:
    return _CONTROL.sub("", str(text or "")).replace("\r\n", "\n").replace("\r", "\n")


def _p(text, style: str):
    from reportlab.platypus import Paragraph

    return Paragraph(escape(_clean(text)).replace("\n", "<br/>"), _styles()[style])


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
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=28 * mm,
                            bottomMargin=25 * mm, title=_clean(title)[:200], creator="cppcc-portal")
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def _grid(data: list[list], widths: list[float], *, header: bool = False):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    table = Table([[_p(cell, "cell") for cell in row] for row in data], colWidths=[w * mm for w in widths],
                  hAlign="CENTER", repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")))
    table.setStyle(TableStyle(style))
    return table


def formal_committee_name(name: str) -> str:
    """"甲市政协" → "政协甲市委员会", the way a committee heads its documents."""
    if name.endswith("政协") and len(name) > 2:
        return f"政协{name[:-2]}委员会"
    return name


def _number(value) -> str:
    return "—" if value is None else str(value)


def duty_report_pdf(record) -> bytes:
    """The yearly duty report of ``record`` (a members.duty_views.DutyRecord with every entry of
    the year): header, the member's facts and result, the points by kind, the entries by kind."""
    member = record.member
    facts = [
        [_("Name"), member.name],
        [_("Sector"), member.sector.name],
        [_("Workplace"), " ".join(p for p in (member.workplace, member.title) if p) or "—"],
        [_("Committee"), member.committee.name],
        [_("Year"), str(record.year)],
    ]
    if record.shows_score:
        facts += [
            [_("Score"), _number(record.total)],
            [_("Grade"), record.grade or "—"],
            [_("Minimums not met"), "；".join(u["text"] for u in record.unmet) or _("None")],
        ]
    else:
        facts.append([_("Score"), _("Not published yet")])
    story = [
        _p(formal_committee_name(member.committee.name), "committee"),
        _p(_("Duty report"), "heading"),
        _p(_("Year %(year)d") % {"year": record.year}, "year"),
        _grid(facts, [34, 122]),
    ]
    if record.rule_set is not None:
        story.append(_p(_("Scored under: %(rules)s") % {"rules": record.rule_set.title}, "cell"))
    story.append(_p(_("Points by kind of duty"), "section"))
    if record.kinds:
        rows = [[_("Kind of duty"), _("Count"), _("Points")]]
        rows += [[k["label"], str(k["count"]), _number(k["points"]) if record.shows_score else "—"]
                 for k in record.kinds]
        story.append(_grid(rows, [106, 20, 30], header=True))
    else:
        story.append(_p(_("Nothing recorded in this year."), "plain"))
    story.append(_p(_("What the member did"), "section"))
    for group in record.by_kind:
        story.append(_p(f"{group['label']}（{len(group['entries'])}）", "kind"))
        for entry in group["entries"]:
            line = f"{entry.occurred_on.isoformat()} {entry.label}"
            if entry.is_manual and entry.note:
                line += f"（{entry.note}）"
            story.append(_p(line, "entry"))
    if not record.by_kind:
        story.append(_p(_("Nothing recorded in this year."), "plain"))
    story.append(_p(_("Printed on %(d)s") % {"d": date_format(timezone.localdate(), "DATE_FORMAT")}, "year"))
    return _build(story, title=f"{member.name} {record.year} {_('Duty report')}")
