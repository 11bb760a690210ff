"""Social-conditions and public-opinion information (社情民意信息): drafting with co-authors,
review, editing, sign-off, bulletin issues, sending up the committee tree (three-level
linkage), adoption per level, passing to departments on the shared handling engine, and
picking up proposals that were not filed but converted to information."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import Conflict
from members.choices import CommitteeLevel
from members.models import Committee, Department, Member, User as UserModel
from members.selectors import scope_for
from proposals.choices import CaseKind, CaseStatus, Conversion, CoSignerStatus, ProposalStatus
from proposals.models import Case, Category, Proposal
from proposals.services.handling import case_route

from ..choices import (
    INFORMATION_TRANSITIONS,
    AdoptionLevel,
    InformationStatus,
    IssueStatus,
    Recipient,
)
from ..models import Adoption, Bulletin, BulletinIssue, InformationAuthor, InformationItem, InformationOfficer
from .common import (
    ensure_staff,
    ensure_staff_or_leader,
    is_staff,
    lock,
    log,
    member_seat,
    move,
    staff_of,
    tell,
    text,
    touch_duty,
)

MAX_AUTHORS = 10
MAX_ISSUE_ITEMS = 60
ONE = Decimal("1")


def _tell(item: InformationItem, users, title: str, body: str = "", *, actor=None) -> None:
    tell(item, users, title, body, actor=actor, kind="information")


def author_users(item: InformationItem) -> list:
    return [a.member.user if a.member_id else a.user for a in item.authors.select_related("member__user", "user")]


def officer_for(user, committee_id: int) -> InformationOfficer | None:
    return InformationOfficer.objects.filter(user=user, committee_id=committee_id, is_active=True).first()


def information_officer_save(*, actor, committee: Committee, user: UserModel, organisation: str = "",
                             is_active: bool = True) -> InformationOfficer:
    ensure_staff(actor, committee)
    organisation = text(organisation, "organisation", required=False, max_length=120)
    with transaction.atomic():
        officer, created = InformationOfficer.objects.select_for_update().get_or_create(
            committee=committee, user=user, defaults={"organisation": organisation, "is_active": is_active})
        if not created:
            officer.organisation, officer.is_active = organisation, is_active
            officer.save()
        log(officer, actor=actor, action="information_officer.save")
    return officer


def equal_shares(n: int) -> list[Decimal]:
    """Split one credit among ``n`` authors to three places; the first author takes the rest."""
    if n <= 0:
        return []
    part = (ONE / n).quantize(Decimal("0.001"), rounding=ROUND_DOWN)
    return [ONE - part * (n - 1)] + [part] * (n - 1)


def _clean_shares(shares, n: int) -> list[Decimal]:
    if shares is None:
        return equal_shares(n)
    try:
        shares = [Decimal(str(s)) for s in shares]
    except Exception as exc:  # noqa: BLE001 - any unreadable number is the same error
        raise ValidationError({"shares": _("Give each author's share as a number.")}) from exc
    if any(s != s.quantize(Decimal("0.001")) for s in shares):
        raise ValidationError({"shares": _("Give shares to at most three decimal places.")})
    if len(shares) != n or any(s < 0 or s > 1 for s in shares) or sum(shares) != ONE:
        raise ValidationError({"shares": _("Give every author a share from 0 to 1; the shares add up to 1.")})
    return shares


def _author_rows(item: InformationItem, first: tuple, co_authors: list[Member], shares) -> list[InformationAuthor]:
    first_member, first_user, first_name = first
    people = [(first_member, first_user, first_name)] + [(m, m.user, m.name) for m in co_authors]
    shares = _clean_shares(shares, len(people))
    return [InformationAuthor(item=item, member=m, user=u, name=name, order=i, share=s)
            for i, ((m, u, name), s) in enumerate(zip(people, shares, strict=True), start=1)]


def information_draft_save(*, actor, item: InformationItem | None = None, committee: Committee | None = None,
                           title: str, content: str, category: Category | None = None,
                           co_authors: Iterable[Member] = (), shares: list | None = None) -> InformationItem:
    """Write or change a draft. The writer is its first author: a member in their seat, or an
    information officer of the committee by name; co-authors are members of the committee.
    Credit is split equally unless shares are given."""
    committee = item.committee if item else committee
    if item is not None and item.submitted_by_id != actor.pk:
        raise PermissionDenied(_("You can only change your own drafts."))
    seat = member_seat(actor, committee.pk)
    officer = None if seat else officer_for(actor, committee.pk)
    if seat is None and officer is None:
        raise PermissionDenied(_("Members and information officers of this committee submit information."))
    title = text(title, "title", max_length=120, min_length=4)
    content = text(content, "content", max_length=20000, min_length=20)
    co_authors = [m for m in dict.fromkeys(co_authors) if m != seat]
    if len(co_authors) + 1 > MAX_AUTHORS:
        raise ValidationError({"co_authors": _("At most %(n)d authors.") % {"n": MAX_AUTHORS}})
    if any(m.committee_id != committee.pk or not m.is_active for m in co_authors):
        raise ValidationError({"co_authors": _("Co-authors are serving members of this committee.")})
    if category is not None and category.committee_id != committee.pk:
        raise ValidationError({"category": _("Choose a category of this committee.")})
    first = (seat, actor, seat.name if seat else (actor.get_full_name() or actor.get_username()))
    with transaction.atomic():
        if item is None:
            item = InformationItem.objects.create(committee=committee, title=title, content=content,
                                                  category=category, submitted_by=actor)
            action = "information.create"
        else:
            item = lock(item)
            if item.status != InformationStatus.DRAFT:
                raise Conflict(_("Only a draft can be changed; withdraw it first if it is not yet reviewed."))
            item.title, item.content, item.category = title, content, category
            item.save()
            item.authors.all().delete()
            action = "information.update"
        InformationAuthor.objects.bulk_create(_author_rows(item, first, co_authors, shares))
        log(item, actor=actor, action=action)
    return item


def information_delete(*, actor, item: InformationItem) -> None:
    if item.submitted_by_id != actor.pk:
        raise PermissionDenied(_("You can only delete your own drafts."))
    with transaction.atomic():
        item = lock(item)
        if item.status != InformationStatus.DRAFT:
            raise Conflict(_("Only a draft can be deleted."))
        item.delete()


def information_submit(*, actor, item: InformationItem) -> InformationItem:
    if item.submitted_by_id != actor.pk:
        raise PermissionDenied(_("You can only submit your own drafts."))
    with transaction.atomic():
        item = lock(item)
        before = move(item, InformationStatus.SUBMITTED, INFORMATION_TRANSITIONS)
        item.submitted_at = timezone.now()
        item.save()
        touch_duty(item.authors.values_list("member_id", flat=True), item.submitted_at)
        log(item, actor=actor, action="information.submit",
            changes={"status": {"before": before, "after": item.status}})
        _tell(item, staff_of(item.committee), _("Information submitted: %(t)s") % {"t": item.title}, actor=actor)
    return item


def information_withdraw(*, actor, item: InformationItem) -> InformationItem:
    """The writer takes a submitted item back to draft before it is reviewed."""
    if item.submitted_by_id != actor.pk:
        raise PermissionDenied(_("You can only withdraw your own items."))
    with transaction.atomic():
        item = lock(item)
        if item.forwarded_from_id or item.source_proposal_id:
            raise Conflict(_("This item came from elsewhere; it is reviewed as it is."))
        before = move(item, InformationStatus.DRAFT, INFORMATION_TRANSITIONS)
        item.submitted_at = None
        item.save()
        touch_duty(item.authors.values_list("member_id", flat=True))
        log(item, actor=actor, action="information.withdraw",
            changes={"status": {"before": before, "after": item.status}})
    return item


def information_reject(*, actor, item: InformationItem, reason: str) -> InformationItem:
    """Not adopted (不予采用), with the reason the authors see."""
    ensure_staff(actor, item)
    reason = text(reason, "reason", max_length=2000, min_length=4)
    with transaction.atomic():
        item = lock(item)
        before = move(item, InformationStatus.NOT_ADOPTED, INFORMATION_TRANSITIONS)
        item.review_note, item.reviewed_by, item.reviewed_at = reason, actor, timezone.now()
        item.save()
        log(item, actor=actor, action="information.reject", note=reason,
            changes={"status": {"before": before, "after": item.status}})
        _tell(item, author_users(item), _("Your information was not adopted: %(t)s") % {"t": item.title}, reason,
              actor=actor)
    return item


def information_approve(*, actor, item: InformationItem, edited_title: str = "", edited_content: str = "",
                        category: Category | None = None, shares: list | None = None,
                        note: str = "") -> InformationItem:
    """Staff edit (编辑) and approve the item; the authors' original text is kept beside the
    edited one. Shares of credit may be corrected here."""
    ensure_staff(actor, item)
    edited_title = text(edited_title, "edited_title", required=False, max_length=120)
    edited_content = text(edited_content, "edited_content", required=False, max_length=20000)
    note = text(note, "note", required=False, max_length=2000)
    if category is not None and category.committee_id != item.committee_id:
        raise ValidationError({"category": _("Choose a category of this committee.")})
    with transaction.atomic():
        item = lock(item)
        before = move(item, InformationStatus.APPROVED, INFORMATION_TRANSITIONS)
        changes = {"status": {"before": before, "after": item.status}}
        # An edit equal to the writer's text (or none) clears an earlier edit on re-approval.
        edited_title = "" if edited_title == item.title else edited_title
        edited_content = "" if edited_content == item.content else edited_content
        if edited_title != item.edited_title:
            changes["title"] = {"before": item.display_title, "after": edited_title or item.title}
            item.edited_title = edited_title
        if edited_content != item.edited_content:
            changes["content"] = {"before": "…", "after": _("edited") if edited_content else _("as written")}
            item.edited_content = edited_content
        item.category = category or item.category
        item.review_note, item.reviewed_by, item.reviewed_at = note, actor, timezone.now()
        item.save()
        if shares is not None:
            authors = list(item.authors.all())
            for author, share in zip(authors, _clean_shares(shares, len(authors)), strict=True):
                author.share = share
                author.save(update_fields=["share"])
        log(item, actor=actor, action="information.approve", note=note, changes=changes)
    return item


def information_sign_off(*, actor, item: InformationItem) -> InformationItem:
    """A leader (or staff charged with it) signs the approved item off (签发)."""
    ensure_staff_or_leader(actor, item)
    with transaction.atomic():
        item = lock(item)
        before = move(item, InformationStatus.SIGNED_OFF, INFORMATION_TRANSITIONS)
        item.signed_off_by, item.signed_off_at = actor, timezone.now()
        item.save()
        log(item, actor=actor, action="information.sign_off",
            changes={"status": {"before": before, "after": item.status}})
    return item


def information_reopen(*, actor, item: InformationItem, note: str) -> InformationItem:
    """One step back: an approved item to review again, a signed-off one to approved."""
    ensure_staff(actor, item)
    note = text(note, "note", max_length=2000, min_length=4)
    back = {InformationStatus.APPROVED: InformationStatus.SUBMITTED,
            InformationStatus.SIGNED_OFF: InformationStatus.APPROVED}
    with transaction.atomic():
        item = lock(item)
        if item.status not in back:
            raise Conflict(_("This is %(state)s; that step is not possible now.") % {"state": item.get_status_display()})
        before = move(item, back[item.status], INFORMATION_TRANSITIONS)
        if before == InformationStatus.SIGNED_OFF:
            item.signed_off_by, item.signed_off_at = None, None
        item.save()
        log(item, actor=actor, action="information.reopen", note=note,
            changes={"status": {"before": before, "after": item.status}})
    return item


# --- bulletins -----------------------------------------------------------------------------------


def bulletin_save(*, actor, bulletin: Bulletin | None = None, committee: Committee | None = None, name: str,
                  is_active: bool = True) -> Bulletin:
    committee = bulletin.committee if bulletin else committee
    ensure_staff(actor, committee)
    name = text(name, "name", max_length=40, min_length=2)
    if Bulletin.objects.filter(committee=committee, name=name).exclude(pk=getattr(bulletin, "pk", None)).exists():
        raise ValidationError({"name": _("This committee already has a bulletin of that name.")})
    with transaction.atomic():
        if bulletin is None:
            bulletin = Bulletin.objects.create(committee=committee, name=name, is_active=is_active)
        else:
            bulletin = lock(bulletin)
            bulletin.name, bulletin.is_active = name, is_active
            bulletin.save()
        log(bulletin, actor=actor, action="bulletin.save")
    return bulletin


def issue_create(*, actor, bulletin: Bulletin, title: str = "", year: int | None = None) -> BulletinIssue:
    """Open the next issue of a bulletin: numbered per bulletin and year (第N期)."""
    ensure_staff(actor, bulletin)
    title = text(title, "title", required=False, max_length=120)
    year = year or timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give the year.")})
    if not bulletin.is_active:
        raise ValidationError({"bulletin": _("This bulletin is no longer published.")})
    with transaction.atomic():
        Bulletin.objects.select_for_update().get(pk=bulletin.pk)  # numbers are handed out one at a time
        last = bulletin.issues.filter(year=year).aggregate(n=Max("number"))["n"] or 0
        issue = BulletinIssue.objects.create(bulletin=bulletin, committee_id=bulletin.committee_id, year=year,
                                             number=last + 1, title=title, created_by=actor)
        log(issue, actor=actor, action="issue.create")
    return issue


def issue_add_items(*, actor, issue: BulletinIssue, items: Iterable[InformationItem]) -> BulletinIssue:
    """Compile signed-off items into an issue being compiled, in the order given."""
    ensure_staff(actor, issue)
    items = list(dict.fromkeys(items))
    if not items:
        raise ValidationError({"items": _("Choose the items to compile.")})
    with transaction.atomic():
        issue = lock(issue)
        if issue.status != IssueStatus.DRAFT:
            raise Conflict(_("This issue has been sent."))
        position = issue.items.aggregate(n=Max("issue_position"))["n"] or 0
        if position + len(items) > MAX_ISSUE_ITEMS:
            raise ValidationError({"items": _("An issue holds at most %(n)d items.") % {"n": MAX_ISSUE_ITEMS}})
        for item in items:
            item = lock(item)
            if item.committee_id != issue.committee_id:
                raise ValidationError({"items": _("Choose items of this committee.")})
            move(item, InformationStatus.COMPILED, INFORMATION_TRANSITIONS)
            position += 1
            item.issue, item.issue_position = issue, position
            item.save()
            log(item, actor=actor, action="information.compile", note=str(issue))
        log(issue, actor=actor, action="issue.add", note="、".join(i.display_title for i in items)[:2000])
    return issue


def issue_remove_item(*, actor, issue: BulletinIssue, item: InformationItem) -> BulletinIssue:
    ensure_staff(actor, issue)
    with transaction.atomic():
        issue = lock(issue)
        item = lock(item)
        if issue.status != IssueStatus.DRAFT:
            raise Conflict(_("This issue has been sent."))
        if item.issue_id != issue.pk:
            raise ValidationError({"item": _("The item is not in this issue.")})
        move(item, InformationStatus.SIGNED_OFF, INFORMATION_TRANSITIONS)
        item.issue, item.issue_position = None, None
        item.save()
        for position, other in enumerate(issue.items.order_by("issue_position"), start=1):
            if other.issue_position != position:
                other.issue_position = position
                other.save(update_fields=["issue_position"])
        log(issue, actor=actor, action="issue.remove", note=item.display_title)
    return issue


def _adoption_level(adopting: Committee, origin: Committee) -> str:
    if adopting.pk == origin.pk:
        return AdoptionLevel.COMMITTEE
    if adopting.level == CommitteeLevel.NATIONAL:
        return AdoptionLevel.NATIONAL
    if adopting.level == CommitteeLevel.PROVINCIAL:
        return AdoptionLevel.PROVINCIAL
    return AdoptionLevel.HIGHER


def _record_adoption(item: InformationItem, *, level: str, adopted_on: dt.date, adopted_by: str, actor=None,
                     note: str = "") -> Adoption | None:
    """Record once per level; a second record of the same level is a no-op."""
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(item=item, level=level, adopted_on=adopted_on, adopted_by=adopted_by,
                                               note=note, recorded_by=actor if getattr(actor, "pk", None) else None)
    except IntegrityError:
        return None
    log(item, actor=actor, action="information.adopt", note=f"{adoption.get_level_display()} {adopted_by}")
    touch_duty(item.authors.values_list("member_id", flat=True), adopted_on)
    return adoption


def _forward_up(item: InformationItem, *, actor) -> InformationItem | None:
    """The higher committee's own copy (three-level linkage), waiting in its review queue."""
    parent = item.committee.parent
    if parent is None or InformationItem.objects.filter(forwarded_from=item).exists():
        return None
    copy = InformationItem.objects.create(
        committee=parent, title=item.display_title, content=item.display_content, status=InformationStatus.SUBMITTED,
        submitted_by=item.submitted_by, submitted_at=timezone.now(), forwarded_from=item)
    InformationAuthor.objects.bulk_create([
        InformationAuthor(item=copy, member=a.member, user=a.user, name=a.name, order=a.order, share=a.share)
        for a in item.authors.all()])
    log(copy, actor=actor, action="information.receive", note=str(item.committee))
    _tell(copy, staff_of(parent), _("Information sent up by %(c)s: %(t)s") % {"c": item.committee,
                                                                             "t": copy.title}, actor=actor)
    return copy


def issue_send(*, actor, issue: BulletinIssue, recipients: Iterable[str], signed_by: str = "",
               editor: str = "") -> BulletinIssue:
    """Send the issue. Every item in it is adopted by this committee; an item that itself came
    from a committee below is adopted at this level on the original (and its authors hear);
    with "higher" among the recipients, the committee above receives each item in its queue.

    Side effects: issue and items sent, adoptions up the forwarding chain, copies in the
    higher committee, authors told."""
    ensure_staff(actor, issue)
    recipients = list(dict.fromkeys(recipients))
    if not recipients or any(r not in Recipient.values for r in recipients):
        raise ValidationError({"recipients": _("Choose where the issue is sent.")})
    signed_by = text(signed_by, "signed_by", required=False, max_length=60)
    editor = text(editor, "editor", required=False, max_length=60)
    with transaction.atomic():
        issue = lock(issue)
        if issue.status != IssueStatus.DRAFT:
            raise Conflict(_("This issue has been sent."))
        items = list(issue.items.select_for_update().order_by("issue_position"))
        if not items:
            raise ValidationError({"items": _("The issue has no items.")})
        if Recipient.HIGHER in recipients and issue.committee.parent_id is None:
            raise ValidationError({"recipients": _("This committee has no higher committee in the portal.")})
        issue.status, issue.recipients, issue.sent_at = IssueStatus.SENT, recipients, timezone.now()
        issue.signed_by, issue.editor = signed_by, editor
        issue.save()
        today = timezone.localdate()
        where = f"{issue.committee}《{issue.bulletin.name}》{issue.label}"
        for item in items:
            move(item, InformationStatus.SENT, INFORMATION_TRANSITIONS)
            item.save()
            origin, adopting = item, issue.committee
            while origin is not None:
                level = _adoption_level(adopting, origin.committee)
                if _record_adoption(origin, level=level, adopted_on=today, adopted_by=where, actor=actor):
                    _tell(origin, author_users(origin), _("Your information was adopted: %(t)s")
                          % {"t": origin.display_title}, where, actor=actor)
                origin = origin.forwarded_from
            if Recipient.HIGHER in recipients:
                _forward_up(item, actor=actor)
        log(issue, actor=actor, action="issue.send",
            note="、".join(str(Recipient(r).label) for r in recipients))
    return issue


def adoption_record(*, actor, item: InformationItem, level: str, adopted_on: dt.date, adopted_by: str,
                    note: str = "") -> Adoption:
    """Record an adoption the portal did not see (the national committee's, say)."""
    ensure_staff(actor, item)
    if level not in AdoptionLevel.values:
        raise ValidationError({"level": _("Choose the level.")})
    adopted_by = text(adopted_by, "adopted_by", max_length=120, min_length=2)
    note = text(note, "note", required=False, max_length=300)
    if not isinstance(adopted_on, dt.date) or adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("Give the day (not in the future).")})
    with transaction.atomic():
        item = lock(item)
        if item.status not in (InformationStatus.SIGNED_OFF, InformationStatus.COMPILED, InformationStatus.SENT):
            raise Conflict(_("Adoption is recorded once the item is signed off."))
        adoption = _record_adoption(item, level=level, adopted_on=adopted_on, adopted_by=adopted_by, actor=actor,
                                    note=note)
        if adoption is None:
            raise ValidationError({"level": _("Adoption at this level is already recorded.")})
        _tell(item, author_users(item), _("Your information was adopted: %(t)s") % {"t": item.display_title},
              adopted_by, actor=actor)
    return adoption


def information_pass_to_department(*, actor, item: InformationItem, lead_department: Department,
                                   co_departments: Iterable[Department] = (), handling_mode: str | None = None,
                                   note: str = "") -> InformationItem:
    """Pass a signed-off item to departments for handling (转办): it becomes a handled item on
    the shared engine (kind information) with deadlines, replies and the authors' rating.

    Side effects: a Case with the authors, assignments (engine), timeline, departments told."""
    ensure_staff(actor, item)
    note = text(note, "note", required=False, max_length=1000)
    with transaction.atomic():
        item = lock(item)
        if item.status not in (InformationStatus.SIGNED_OFF, InformationStatus.COMPILED, InformationStatus.SENT):
            raise Conflict(_("An item is passed to departments once it is signed off."))
        if item.case_id:
            raise Conflict(_("This item is already with departments."))
        authors = list(item.authors.select_related("member"))
        members = [a.member for a in authors if a.member_id]
        case = Case.objects.create(kind=CaseKind.INFORMATION, committee_id=item.committee_id,
                                   title=item.display_title[:120], content=item.display_content,
                                   category=item.category, submitter=members[0] if members else None,
                                   submitted_by=item.submitted_by, status=CaseStatus.TRIAGE,
                                   created_at=item.submitted_at or timezone.now())
        if members[1:]:
            case.co_submitters.add(*members[1:])
        item.case = case
        item.save()
        log(item, actor=actor, action="information.pass", note=f"{lead_department} {note}".strip())
        item.case = case_route(actor=actor, case=case, lead_department=lead_department,
                               co_departments=co_departments, handling_mode=handling_mode, reason=note)
    return item


# --- proposals converted to information ------------------------------------------------------------


def information_intake_converted(*, committee_id: int | None = None, limit: int = 500) -> int:
    """Take in proposals not filed and converted to information (不立案转社情民意): each becomes
    a submitted item in its committee's review queue, authored by the proposers, once only
    (the item's one-to-one link to the proposal). Run by the beat sweep and from the review
    queue; returns how many were taken in."""
    pending = Proposal.objects.filter(status=ProposalStatus.NOT_FILED, conversion=Conversion.INFORMATION,
                                      information_item__isnull=True).select_related("proposer__user", "body",
                                                                                    "committee")
    if committee_id is not None:
        pending = pending.filter(committee_id=committee_id)
    taken = 0
    for proposal in pending.order_by("id")[:limit]:
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update(of=("self",)).select_related(
                "proposer__user", "body", "committee").get(pk=proposal.pk)
            if InformationItem.objects.filter(source_proposal=proposal).exists():
                continue
            content = "\n\n".join(p for p in (proposal.reason, proposal.analysis, proposal.suggestions) if p)
            item = InformationItem.objects.create(
                committee_id=proposal.committee_id, title=proposal.title[:120], content=content,
                category=proposal.category, status=InformationStatus.SUBMITTED, submitted_by=proposal.submitted_by,
                submitted_at=timezone.now(), source_proposal=proposal)
            people = []
            if proposal.proposer_id:
                people.append((proposal.proposer, proposal.proposer.user, proposal.proposer.name))
            elif proposal.body_id:
                people.append((None, proposal.submitted_by, proposal.body.name))
            people += [(c.member, c.member.user, c.member.name) for c in proposal.cosigners.filter(
                status=CoSignerStatus.CONFIRMED).select_related("member__user")]
            shares = equal_shares(len(people))
            InformationAuthor.objects.bulk_create([
                InformationAuthor(item=item, member=m, user=u, name=name[:60], order=i, share=s)
                for i, ((m, u, name), s) in enumerate(zip(people, shares, strict=True), start=1)])
            log(item, actor=None, action="information.from_proposal", note=proposal.title)
            touch_duty(item.authors.values_list("member_id", flat=True), item.submitted_at)
            _tell(item, staff_of(proposal.committee),
                  _("A proposal not filed became information: %(t)s") % {"t": proposal.title})
            taken += 1
    return taken


def is_information_staff(user, obj) -> bool:
    return is_staff(user, obj)


def information_writer_committees(user) -> list[int]:
    """Committees in whose name the user may write information (member seats, officer desks)."""
    scope = scope_for(user)
    ids = set(scope.member_committee_ids)
    ids |= set(InformationOfficer.objects.filter(user=user, is_active=True).values_list("committee_id", flat=True))
    return sorted(ids)
