"""Proposals (提案) up to filing, and what is proposal-specific after it: the topic guide,
writing and co-signing, review (立案 / 不立案 / 并案 / 退回修改), key proposals and their
supervision, and the procuratorial link. Handling is the shared engine (handling.py): filing
creates the item's Case and, given departments, routes it there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import audit
from cppcc_portal.core.errors import Conflict
from cppcc_portal.core.notifications import notify
from cppcc_portal.core.uploads import CleanFile, clean_upload
from members.choices import CommitteeRoleKind, DepartmentKind
from members.duty import duty_touch
from members.models import Committee, Department, Member, Session, Term
from members.selectors import committee_role_users, department_users, scope_for

from .. import similarity
from ..choices import (
    EDITABLE_PROPOSAL_STATUSES,
    PROPOSAL_TRANSITIONS,
    CaseKind,
    CaseStatus,
    Conversion,
    CoSignerStatus,
    FollowKind,
    GuideStatus,
    ProcuratorateStatus,
    ProposalKind,
    ProposalStatus,
    ProposalTiming,
    SupervisionKind,
)
from ..models import (
    Case,
    Category,
    CoSigner,
    Follow,
    GuideTopic,
    ProcuratorateTransfer,
    Proposal,
    ProposalAttachment,
    ProposalBody,
    ProposalSequence,
    SupervisionActivity,
    TopicGuide,
)
from .handling import case_route

MAX_ATTACHMENTS = 6
MAX_COSIGNERS = 30
# (at least, at most) characters per field.
LIMITS = {"title": (6, 200), "reason": (10, 2000), "analysis": (20, 20000), "suggestions": (10, 20000)}
DRAFT_FIELDS = ["kind", "timing", "session", "title", "reason", "analysis", "suggestions", "category", "topic"]


def proposal_url(proposal: Proposal) -> str:
    return f"/proposals/{proposal.pk}/"


def _tell(proposal: Proposal, users: Iterable, title: str, body: str = "", *, actor=None) -> None:
    actor_pk = getattr(actor, "pk", None)
    notify(recipients=[u for u in users if u is not None and u.pk != actor_pk], title=title, body=body,
           url=proposal_url(proposal), kind="proposal")


def _authors(proposal: Proposal) -> list:
    """Everyone the proposal speaks for: its writer, the first proposer and the confirmed
    co-signers (notifications about the proposal go to them all)."""
    users = [proposal.submitted_by]
    if proposal.proposer_id:
        users.append(proposal.proposer.user)
    users += [c.member.user for c in proposal.cosigners.filter(status=CoSignerStatus.CONFIRMED)
              .select_related("member__user")]
    return users


def _staff(committee: Committee) -> list:
    return list(committee_role_users(committee, CommitteeRoleKind.STAFF))


def is_proposal_staff(user, proposal_or_committee) -> bool:
    committee_id = getattr(proposal_or_committee, "committee_id", None) or getattr(proposal_or_committee, "pk", None)
    scope = scope_for(user)
    return scope.is_superuser or committee_id in scope.staff_committee_ids


def _ensure_staff(actor, committee_or_proposal) -> None:
    if not is_proposal_staff(actor, committee_or_proposal):
        raise PermissionDenied(_("Only staff of this committee may do this."))


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related(
        "committee", "proposer__user", "body", "case").get(pk=proposal.pk)


def _move(proposal: Proposal, to: str) -> str:
    before = proposal.status
    if to not in PROPOSAL_TRANSITIONS[before]:
        raise Conflict(_("This proposal is %(state)s; that step is not possible now.")
                       % {"state": proposal.get_status_display()})
    proposal.status = to
    return before


def _text(value, field: str, *, required: bool = True, max_length: int = 2000, min_length: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if value and len(value) < min_length:
        raise ValidationError({field: _("At least %(n)d characters.") % {"n": min_length}})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def _log(proposal: Proposal, *, actor, action: str, note: str = "", changes: dict | None = None) -> None:
    """The proposal's timeline entry; every step that is logged may change what its proposers
    did this year, so their duty record is marked for syncing (members.duty) in the same
    transaction."""
    audit.record(actor=actor, action=action, target=proposal, note=note, changes=changes)
    if proposal.proposer_id:
        cosigners = proposal.cosigners.filter(status=CoSignerStatus.CONFIRMED).values_list("member_id", flat=True)
        duty_touch(member_ids=[proposal.proposer_id, *cosigners])


# --- the topic guide ---------------------------------------------------------------------------


def topic_guide_save(*, actor, guide: TopicGuide | None = None, committee: Committee | None = None,
                     year: int | None = None, title: str, introduction: str = "") -> TopicGuide:
    """Create a year's topic guide (a draft until published) or change its title and text."""
    committee = guide.committee if guide else committee
    if committee is None:
        raise ValidationError({"committee": _("Choose the committee.")})
    _ensure_staff(actor, committee)
    title = _text(title, "title", max_length=120)
    introduction = _text(introduction, "introduction", required=False, max_length=5000)
    with transaction.atomic():
        if guide is None:
            if not isinstance(year, int) or not 2000 <= year <= 2100:
                raise ValidationError({"year": _("Give the year, e.g. %(y)d.") % {"y": timezone.localdate().year}})
            if TopicGuide.objects.filter(committee=committee, year=year).exists():
                raise ValidationError({"year": _("%(c)s already has a topic guide for %(y)d.")
                                       % {"c": committee, "y": year}})
            guide = TopicGuide(committee=committee, year=year, title=title, introduction=introduction)
            return audit.create_audited(actor=actor, obj=guide, action="topic_guide.create",
                                        fields=["committee", "year", "title", "introduction"])
        return audit.update_audited(actor=actor, obj=guide, action="topic_guide.update",
                                    changes={"title": title, "introduction": introduction})


def guide_topic_save(*, actor, guide: TopicGuide, topic: GuideTopic | None = None, title: str,
                     description: str = "", category: Category | None = None, order: int = 0) -> GuideTopic:
    _ensure_staff(actor, guide.committee)
    title = _text(title, "title", max_length=120)
    description = _text(description, "description", required=False, max_length=5000)
    if category is not None and category.committee_id != guide.committee_id:
        raise ValidationError({"category": _("Choose a category of this committee.")})
    if topic is not None and topic.guide_id != guide.pk:
        raise ValidationError({"topic": _("This topic belongs to another guide.")})
    if guide.topics.filter(title=title).exclude(pk=getattr(topic, "pk", None)).exists():
        raise ValidationError({"title": _("The guide already has this topic.")})
    with transaction.atomic():
        values = {"title": title, "description": description, "category": category, "order": order or 0}
        if topic is None:
            topic = GuideTopic(guide=guide, **values)
            topic = audit.create_audited(actor=actor, obj=topic, action="guide_topic.create", fields=list(values))
        else:
            topic = audit.update_audited(actor=actor, obj=topic, action="guide_topic.update", changes=values)
    return topic


def guide_topic_delete(*, actor, topic: GuideTopic) -> None:
    """A topic no proposal was written on can be removed; otherwise it stays for the record."""
    _ensure_staff(actor, topic.guide.committee)
    with transaction.atomic():
        if topic.proposals.exists():
            raise Conflict(_("Proposals were written on this topic; it stays in the guide."))
        audit.record(actor=actor, action="guide_topic.delete", target=topic.guide, note=topic.title)
        topic.delete()


def topic_guide_publish(*, actor, guide: TopicGuide) -> TopicGuide:
    """Publish the guide: members see it when writing. Side effects: the members of the
    committee are told."""
    _ensure_staff(actor, guide.committee)
    with transaction.atomic():
        guide = TopicGuide.objects.select_for_update().get(pk=guide.pk)
        if guide.status == GuideStatus.PUBLISHED:
            raise Conflict(_("This guide is already published."))
        if not guide.topics.exists():
            raise ValidationError({"topics": _("Add at least one topic before publishing.")})
        guide.status, guide.published_at = GuideStatus.PUBLISHED, timezone.now()
        guide.save(update_fields=["status", "published_at"])
        audit.record(actor=actor, action="topic_guide.publish", target=guide)
        members = [m.user for m in Member.active_seats().filter(committee_id=guide.committee_id).select_related("user")]
        notify(recipients=[u for u in members if u.pk != actor.pk],
               title=_("Topic guide published: %(t)s") % {"t": guide.title},
               body=_("%(n)d suggested topics for %(y)d.") % {"n": guide.topics.count(), "y": guide.year},
               url="/proposals/guide/", kind="proposal")
    return guide


# --- collective bodies -----------------------------------------------------------------------


def proposal_body_save(*, actor, body: ProposalBody | None = None, committee: Committee | None = None, name: str,
                       kind: str, sector=None, special_committee=None, authorised_users: Iterable = (),
                       is_active: bool = True) -> ProposalBody:
    """Create or change a body that submits collective proposals, and who submits for it."""
    from ..choices import BodyKind

    committee = body.committee if body else committee
    if committee is None:
        raise ValidationError({"committee": _("Choose the committee.")})
    _ensure_staff(actor, committee)
    name = _text(name, "name", max_length=100)
    if kind not in BodyKind.values:
        raise ValidationError({"kind": _("Choose the kind of body.")})
    for value, field in ((sector, "sector"), (special_committee, "special_committee")):
        if value is not None and value.committee_id != committee.pk:
            raise ValidationError({field: _("Choose one of this committee's.")})
    users = list(authorised_users)
    with transaction.atomic():
        if ProposalBody.objects.filter(committee=committee, name=name).exclude(pk=getattr(body, "pk", None)).exists():
            raise ValidationError({"name": _("A body of this name already exists.")})
        values = {"name": name, "kind": kind, "sector": sector, "special_committee": special_committee,
                  "is_active": is_active}
        if body is None:
            body = ProposalBody(committee=committee, **values)
            body = audit.create_audited(actor=actor, obj=body, action="proposal_body.create", fields=list(values))
            body.authorised_users.set(users)
            return body
        return audit.update_audited(actor=actor, obj=body, action="proposal_body.update",
                                    changes={**values, "authorised_users": users})


# --- writing ---------------------------------------------------------------------------------


def _author(actor, *, member: Member | None, body: ProposalBody | None) -> tuple[Committee, Term]:
    if body is not None:
        if not body.is_active or not body.authorised_users.filter(pk=actor.pk).exists():
            raise PermissionDenied(_("You are not authorised to submit for %(b)s.") % {"b": body})
        term = Term.objects.filter(committee_id=body.committee_id, is_current=True).first()
        if term is None:
            raise ValidationError({"body": _("%(c)s has no current term.") % {"c": body.committee}})
        return body.committee, term
    if member is None:
        raise ValidationError({"member": _("Write as a member or for a proposing body.")})
    if member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You can only write proposals in your own name."))
    if not member.is_active:
        raise PermissionDenied(_("Your seat on %(c)s has ended.") % {"c": member.committee})
    return member.committee, member.term


def _clean_fields(*, committee: Committee, term: Term, kind: str, timing: str, session: Session | None, title: str,
                  reason: str, analysis: str, suggestions: str, category: Category | None,
                  topic: GuideTopic | None, collective: bool) -> dict:
    errors: dict[str, str] = {}
    values = {"title": title, "reason": reason, "analysis": analysis, "suggestions": suggestions}
    for field, (low, high) in LIMITS.items():
        text = (values[field] or "").strip()
        values[field] = text
        if len(text) < low:
            errors[field] = _("At least %(n)d characters.") % {"n": low} if text else _("This field is required.")
        elif len(text) > high:
            errors[field] = _("At most %(n)d characters.") % {"n": high}
    allowed_kinds = [ProposalKind.COLLECTIVE] if collective else [ProposalKind.INDIVIDUAL, ProposalKind.JOINT]
    if kind not in allowed_kinds:
        errors["kind"] = (_("A proposing body writes collective proposals.") if collective
                          else _("Choose an individual or a joint proposal."))
    if timing not in ProposalTiming.values:
        errors["timing"] = _("Choose plenary session or between sessions.")
    elif timing == ProposalTiming.PLENARY:
        if session is None:
            errors["session"] = _("Choose the plenary session.")
        elif session.term_id != term.pk:
            errors["session"] = _("Choose a session of the current term.")
    if category is not None and (category.committee_id != committee.pk or not category.is_active):
        errors["category"] = _("Choose a category of your committee.")
    if topic is not None and (topic.guide.committee_id != committee.pk or topic.guide.status != GuideStatus.PUBLISHED):
        errors["topic"] = _("Choose a topic of your committee's published guide.")
    if errors:
        raise ValidationError(errors)
    values.update(kind=kind, timing=timing, session=session if timing == ProposalTiming.PLENARY else None,
                  category=category, topic=topic)
    return values


def _year_of(session: Session | None) -> int:
    return session.start_date.year if session else timezone.localdate().year


def _clean_attachments(attachments: Iterable, existing: int) -> list[CleanFile]:
    attachments = list(attachments)
    if existing + len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}})
    try:
        # Every file is checked before any is stored, so a refusal leaves nothing behind.
        return [a if isinstance(a, CleanFile) else clean_upload(a) for a in attachments]
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from None


def _store(actor, proposal: Proposal, cleaned: list[CleanFile]) -> None:
    for f in cleaned:
        ProposalAttachment.objects.create(proposal=proposal, file=f.file, original_name=f.name,
                                          content_type=f.content_type, size=f.size, uploaded_by=actor)


def proposal_draft_save(*, actor, proposal: Proposal | None = None, member: Member | None = None,
                        body: ProposalBody | None = None, kind: str = ProposalKind.INDIVIDUAL,
                        timing: str = ProposalTiming.INTERSESSION, session: Session | None = None, title: str,
                        reason: str, analysis: str, suggestions: str, category: Category | None = None,
                        topic: GuideTopic | None = None, attachments: Iterable = (),
                        remove_attachments: Iterable[int] = ()) -> Proposal:
    """Write a new draft, or change a draft or a proposal returned for revision. Drafts are
    private to their writer (and the members invited to co-sign).

    Side effects: the proposal, its cleaned attachments, its similarity keywords, timeline.
    """
    if proposal is not None:
        if proposal.submitted_by_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the writer may change this proposal."))
        member, body = proposal.proposer, proposal.body
    committee, term = _author(actor, member=member, body=body)
    values = _clean_fields(committee=committee, term=term, kind=kind, timing=timing, session=session, title=title,
                           reason=reason, analysis=analysis, suggestions=suggestions, category=category,
                           topic=topic, collective=body is not None)
    with transaction.atomic():
        if proposal is None:
            cleaned = _clean_attachments(attachments, 0)
            proposal = Proposal(committee=committee, term=term, year=_year_of(values["session"]), proposer=member,
                                body=body, submitted_by=actor, status=ProposalStatus.DRAFT, **values)
            proposal.keywords = similarity.keywords(f"{proposal.title}\n{proposal.text}")
            proposal.save()
            _store(actor, proposal, cleaned)
            _log(proposal, actor=actor, action="proposal.draft", note=proposal.title)
            return proposal
        proposal = _lock(proposal)
        if proposal.status not in EDITABLE_PROPOSAL_STATUSES:
            raise Conflict(_("A proposal can be changed only as a draft or when returned for revision."))
        if values["kind"] == ProposalKind.INDIVIDUAL and proposal.cosigners.exclude(
                status__in=[CoSignerStatus.DECLINED, CoSignerStatus.EXPIRED]).exists():
            raise ValidationError({"kind": _("Remove the co-signers before making this an individual proposal.")})
        removing = list(proposal.attachments.filter(pk__in=list(remove_attachments)))
        cleaned = _clean_attachments(attachments, proposal.attachments.count() - len(removing))
        before = audit.snapshot(proposal, DRAFT_FIELDS)
        for name, value in values.items():
            setattr(proposal, name, value)
        proposal.year = _year_of(proposal.session)
        proposal.keywords = similarity.keywords(f"{proposal.title}\n{proposal.text}")
        proposal.save()
        for attachment in removing:
            attachment.file.delete(save=False)
            attachment.delete()
        _store(actor, proposal, cleaned)
        changes = audit.diff(before, audit.snapshot(proposal, DRAFT_FIELDS))
        if changes or cleaned or removing:
            _log(proposal, actor=actor, action="proposal.edit", changes=changes)
    return proposal


def proposal_delete(*, actor, proposal: Proposal) -> None:
    """A draft never submitted can be thrown away."""
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.submitted_by_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the writer may delete this draft."))
        if proposal.status != ProposalStatus.DRAFT or proposal.submitted_at is not None:
            raise Conflict(_("Only a draft that was never submitted can be deleted; withdraw it instead."))
        for attachment in proposal.attachments.all():
            attachment.file.delete(save=False)
        proposal.cosigners.all().delete()
        proposal.delete()


def proposal_invite(*, actor, proposal: Proposal, members: Iterable[Member]) -> list[CoSigner]:
    """The first proposer invites members to co-sign (联名). Side effects: invitations (a
    declined member may be asked again), notifications to the invited."""
    members = list(dict.fromkeys(members))
    if not members:
        raise ValidationError({"members": _("Choose at least one member to invite.")})
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.submitted_by_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the writer may invite co-signers."))
        if proposal.kind != ProposalKind.JOINT:
            raise ValidationError({"kind": _("Only a joint proposal has co-signers; make it a joint proposal first.")})
        if proposal.status not in EDITABLE_PROPOSAL_STATUSES:
            raise Conflict(_("Co-signers are invited before the proposal is submitted."))
        for member in members:
            if member.committee_id != proposal.committee_id or member.term_id != proposal.term_id or not member.is_active:
                raise ValidationError({"members": _("%(m)s is not a serving member of this committee.") % {"m": member}})
            if member.pk == proposal.proposer_id:
                raise ValidationError({"members": _("The first proposer cannot co-sign their own proposal.")})
        existing = {c.member_id: c for c in proposal.cosigners.select_for_update()}
        live = [c for c in existing.values() if c.status in (CoSignerStatus.INVITED, CoSignerStatus.CONFIRMED)]
        new = [m for m in members if m.pk not in existing or existing[m.pk].status not in
               (CoSignerStatus.INVITED, CoSignerStatus.CONFIRMED)]
        if len(live) + len(new) > MAX_COSIGNERS:
            raise ValidationError({"members": _("At most %(n)d co-signers.") % {"n": MAX_COSIGNERS}})
        invited = []
        for member in new:
            cosigner = existing.get(member.pk) or CoSigner(proposal=proposal, member=member)
            cosigner.status, cosigner.invited_at, cosigner.responded_at, cosigner.note = (
                CoSignerStatus.INVITED, timezone.now(), None, "")
            cosigner.save()
            invited.append(cosigner)
        if invited:
            _log(proposal, actor=actor, action="proposal.invite", note="、".join(c.member.name for c in invited))
            _tell(proposal, [c.member.user for c in invited],
                  _("%(p)s invites you to co-sign a proposal: %(t)s") % {"p": proposal.author_name, "t": proposal.title},
                  actor=actor)
    return invited


def cosigner_remove(*, actor, cosigner: CoSigner) -> None:
    with transaction.atomic():
        proposal = _lock(cosigner.proposal)
        if proposal.submitted_by_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the writer may remove co-signers."))
        if proposal.status not in EDITABLE_PROPOSAL_STATUSES:
            raise Conflict(_("Co-signers are changed before the proposal is submitted."))
        _log(proposal, actor=actor, action="proposal.uninvite", note=cosigner.member.name)
        cosigner.delete()


def cosign_respond(*, actor, cosigner: CoSigner, accept: bool, note: str = "") -> CoSigner:
    """An invited member confirms or declines co-signing; only confirmed signers count."""
    note = _text(note, "note", required=False, max_length=200)
    with transaction.atomic():
        proposal = _lock(cosigner.proposal)
        cosigner = CoSigner.objects.select_for_update().select_related("member").get(pk=cosigner.pk)
        if cosigner.member.user_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the invited member may answer."))
        if accept and not cosigner.member.is_active:
            raise PermissionDenied(_("Your seat on %(c)s has ended.") % {"c": proposal.committee})
        if cosigner.status != CoSignerStatus.INVITED or proposal.status not in EDITABLE_PROPOSAL_STATUSES:
            raise Conflict(_("This invitation is no longer open."))
        cosigner.status = CoSignerStatus.CONFIRMED if accept else CoSignerStatus.DECLINED
        cosigner.responded_at, cosigner.note = timezone.now(), note
        cosigner.save(update_fields=["status", "responded_at", "note"])
        _log(proposal, actor=actor, action="proposal.cosign" if accept else "proposal.decline", note=note)
        _tell(proposal, [proposal.submitted_by],
              (_("%(m)s co-signs your proposal: %(t)s") if accept else _("%(m)s declined to co-sign: %(t)s"))
              % {"m": cosigner.member.name, "t": proposal.title}, note, actor=actor)
    return cosigner


def proposal_submit(*, actor, proposal: Proposal) -> Proposal:
    """Submit a draft (or a revised proposal) for review. A joint proposal needs at least one
    confirmed co-signer; invitations still unanswered expire.

    Side effects: status, submission time, expired invitations, timeline, staff told.
    """
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.submitted_by_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the writer may submit this proposal."))
        _author(actor, member=proposal.proposer, body=proposal.body)
        serving = Q(member__ceased_on__isnull=True) | Q(member__ceased_on__gt=timezone.localdate())
        if proposal.kind == ProposalKind.JOINT and not proposal.cosigners.filter(
                serving, status=CoSignerStatus.CONFIRMED).exists():
            raise ValidationError({"cosigners": _("A joint proposal needs at least one confirmed co-signer.")})
        before = _move(proposal, ProposalStatus.SUBMITTED)
        proposal.cosigners.filter(status=CoSignerStatus.INVITED).update(status=CoSignerStatus.EXPIRED,
                                                                       responded_at=timezone.now())
        proposal.submitted_at = timezone.now()
        proposal.save(update_fields=["status", "submitted_at", "updated_at"])
        _log(proposal, actor=actor, action="proposal.submit" if before == ProposalStatus.DRAFT else "proposal.resubmit",
             changes={"status": {"before": before, "after": proposal.status}})
        _tell(proposal, _staff(proposal.committee), _("A proposal awaits review: %(t)s") % {"t": proposal.title},
              proposal.author_name, actor=actor)
    return proposal


def proposal_withdraw(*, actor, proposal: Proposal, reason: str = "") -> Proposal:
    """The writer withdraws a proposal before it is reviewed."""
    reason = _text(reason, "reason", required=False, max_length=1000)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.submitted_by_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the writer may withdraw this proposal."))
        if proposal.merged.exists():
            raise Conflict(_("Other proposals were merged into this one; it can no longer be withdrawn."))
        before = _move(proposal, ProposalStatus.WITHDRAWN)
        proposal.save(update_fields=["status", "updated_at"])
        _log(proposal, actor=actor, action="proposal.withdraw", note=reason,
             changes={"status": {"before": before, "after": proposal.status}})
        if before == ProposalStatus.SUBMITTED:
            _tell(proposal, _staff(proposal.committee), _("Proposal withdrawn: %(t)s") % {"t": proposal.title},
                  reason, actor=actor)
    return proposal


# --- review -----------------------------------------------------------------------------------


def _next_number(proposal: Proposal) -> int:
    sequence, _created = ProposalSequence.objects.get_or_create(committee_id=proposal.committee_id,
                                                               term_id=proposal.term_id, year=proposal.year)
    sequence = ProposalSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _join_case(case: Case, proposal: Proposal) -> None:
    """``proposal`` (the filed one or one merged into it) is handled by ``case``: its proposers
    hear of every step and see the reply."""
    proposal.case = case
    proposal.save(update_fields=["case", "updated_at"])
    members = [c.member for c in proposal.cosigners.filter(status=CoSignerStatus.CONFIRMED).select_related("member")]
    if proposal.proposer_id and proposal.proposer_id != case.submitter_id:
        members.append(proposal.proposer)
    if members:
        case.co_submitters.add(*members)
    if proposal.submitted_by_id != case.submitted_by_id and not proposal.proposer_id:
        Follow.objects.get_or_create(case=case, user=proposal.submitted_by, defaults={"kind": FollowKind.FOLLOW})


def proposal_file(*, actor, proposal: Proposal, category: Category | None = None,
                  lead_department: Department | None = None, co_departments: Iterable[Department] = (),
                  handling_mode: str | None = None, note: str = "") -> Proposal:
    """File the proposal (立案): it gets the next number of its committee, term and year, and a
    handling item on the shared engine; with departments, it is assigned at once, otherwise it
    waits in the proposal's assignment queue.

    Side effects: number, Case (kind proposal) with the proposers, proposals merged into it
    joined to it, maybe assignments (engine), timeline, proposers told.
    """
    note = _text(note, "note", required=False, max_length=2000)
    _ensure_staff(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        category = category or proposal.category
        if category is None:
            raise ValidationError({"category": _("Choose the category before filing.")})
        if category.committee_id != proposal.committee_id:
            raise ValidationError({"category": _("Choose a category of this committee.")})
        before = _move(proposal, ProposalStatus.FILED)
        proposal.category = category
        proposal.number = _next_number(proposal)
        proposal.reviewed_at, proposal.reviewed_by, proposal.review_note = timezone.now(), actor, note
        proposal.save()
        case = Case(kind=CaseKind.PROPOSAL, committee_id=proposal.committee_id,
                    title=f"{proposal.number_label} {proposal.title}"[:120], content=proposal.text, category=category,
                    submitter=proposal.proposer, submitted_by=proposal.submitted_by, status=CaseStatus.TRIAGE,
                    created_at=proposal.submitted_at or timezone.now())
        case.save()
        _join_case(case, proposal)
        for merged in proposal.merged.all():
            _join_case(case, merged)
        for leader in proposal.key_leaders.all():
            Follow.objects.update_or_create(case=case, user=leader, defaults={"kind": FollowKind.SUPERVISE})
        _log(proposal, actor=actor, action="proposal.file", note=note,
             changes={"status": {"before": before, "after": proposal.status}, "number": {"before": None,
                                                                                       "after": proposal.number}})
        audit.record(actor=actor, action="case.file", target=case, note=proposal.number_label)
        recipients = _authors(proposal) + [u for m in proposal.merged.all() for u in _authors(m)]
        _tell(proposal, recipients, _("Your proposal was filed as %(n)s: %(t)s")
              % {"n": proposal.number_label, "t": proposal.title}, note, actor=actor)
        if lead_department is not None:
            case_route(actor=actor, case=case, lead_department=lead_department, co_departments=co_departments,
                       handling_mode=handling_mode, reason=note)
    return proposal


def proposal_not_file(*, actor, proposal: Proposal, reason: str, conversion: str = Conversion.NONE,
                      reference_departments: Iterable[Department] = ()) -> Proposal:
    """Do not file (不立案), with the reason the proposer sees; optionally converted into a
    social-conditions information item or sent to departments for reference.

    Side effects: status and reason, conversion, departments told (reference), proposers told.
    """
    _ensure_staff(actor, proposal)
    reason = _text(reason, "reason", max_length=2000, min_length=4)
    if conversion not in Conversion.values:
        raise ValidationError({"conversion": _("Choose what the proposal becomes.")})
    departments = list(dict.fromkeys(reference_departments))
    if conversion == Conversion.REFERENCE and not departments:
        raise ValidationError({"reference_departments": _("Choose the departments it is sent to for reference.")})
    if conversion != Conversion.REFERENCE and departments:
        raise ValidationError({"reference_departments": _("Departments are chosen only when sending for reference.")})
    with transaction.atomic():
        proposal = _lock(proposal)
        for department in departments:
            if department.committee_id != proposal.committee_id or not department.is_active:
                raise ValidationError({"reference_departments": _("%(d)s is not an active department of this committee.")
                                       % {"d": department}})
        if proposal.merged.exists():
            raise Conflict(_("Proposals were merged into this one; file it, or undo the merge first."))
        before = _move(proposal, ProposalStatus.NOT_FILED)
        proposal.reviewed_at, proposal.reviewed_by, proposal.review_note = timezone.now(), actor, reason
        proposal.conversion = conversion
        proposal.save()
        proposal.reference_departments.set(departments)
        _log(proposal, actor=actor, action="proposal.not_file", note=reason,
             changes={"status": {"before": before, "after": proposal.status},
                      "conversion": {"before": "", "after": conversion}})
        _tell(proposal, _authors(proposal), _("Your proposal was not filed: %(t)s") % {"t": proposal.title}, reason,
              actor=actor)
        for department in departments:
            _tell(proposal, department_users(department),
                  _("A proposal is sent to you for reference: %(t)s") % {"t": proposal.title}, reason, actor=actor)
    return proposal


def proposal_return(*, actor, proposal: Proposal, comment: str) -> Proposal:
    """Return to the writer for revision with a comment; they change it and submit again."""
    _ensure_staff(actor, proposal)
    comment = _text(comment, "comment", max_length=2000, min_length=4)
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.merged.exists():
            raise Conflict(_("Proposals were merged into this one; it cannot be returned for revision."))
        before = _move(proposal, ProposalStatus.REVISING)
        proposal.reviewed_at, proposal.reviewed_by, proposal.review_note = timezone.now(), actor, comment
        proposal.save()
        _log(proposal, actor=actor, action="proposal.return", note=comment,
             changes={"status": {"before": before, "after": proposal.status}})
        _tell(proposal, [proposal.submitted_by], _("Please revise your proposal: %(t)s") % {"t": proposal.title},
              comment, actor=actor)
    return proposal


def proposal_merge(*, actor, main: Proposal, others: Iterable[Proposal], note: str = "") -> Proposal:
    """Merge similar proposals into ``main`` (并案): they are handled as one, and each
    proposer still gets the reply. ``main`` may be submitted or already filed.

    Side effects: the others merged (joined to main's handling if it is filed), timeline on
    each, proposers told.
    """
    note = _text(note, "note", required=False, max_length=2000)
    others = [p for p in dict.fromkeys(others) if p.pk != main.pk]
    if not others:
        raise ValidationError({"others": _("Choose the proposals to merge into this one.")})
    _ensure_staff(actor, main)
    with transaction.atomic():
        # Every row locked in one statement in id order: two merges crossing each other wait
        # instead of deadlocking.
        list(Proposal.objects.select_for_update(of=("self",)).filter(pk__in=[main.pk, *(p.pk for p in others)])
             .order_by("pk").values_list("pk", flat=True))
        main = _lock(main)
        if main.status not in (ProposalStatus.SUBMITTED, ProposalStatus.FILED):
            raise Conflict(_("Proposals are merged into one that is submitted or filed."))
        if main.case_id and main.case.status == CaseStatus.CLOSED:
            raise Conflict(_("The handling of %(t)s is closed.") % {"t": main.title})
        merged = []
        for other in sorted(others, key=lambda p: p.pk):
            other = _lock(other)
            if other.committee_id != main.committee_id:
                raise ValidationError({"others": _("Only proposals of the same committee can be merged.")})
            if other.merged.exists():
                raise ValidationError({"others": _("%(t)s has proposals merged into it.") % {"t": other.title}})
            before = _move(other, ProposalStatus.MERGED)
            other.merged_into = main
            other.reviewed_at, other.reviewed_by, other.review_note = timezone.now(), actor, note
            other.save()
            if main.case_id:
                _join_case(main.case, other)
            _log(other, actor=actor, action="proposal.merge", note=_("Merged into %(t)s") % {"t": main},
                 changes={"status": {"before": before, "after": other.status}})
            _tell(other, _authors(other), _("Your proposal was merged with %(t)s for handling")
                  % {"t": main.title}, note, actor=actor)
            merged.append(other)
        _log(main, actor=actor, action="proposal.merge_in", note="、".join(p.title for p in merged))
    return main


# --- key proposals ---------------------------------------------------------------------------


def proposal_mark_key(*, actor, proposal: Proposal, leaders: Iterable, plan: str) -> Proposal:
    """Make a filed proposal a key proposal (重点提案) supervised by ``leaders`` under a plan;
    called again, it changes the leaders and the plan.

    Side effects: the leaders follow the handling as supervisors (they hear of every step and
    of escalations); removed leaders stop; timeline; leaders and proposers told.
    """
    _ensure_staff(actor, proposal)
    plan = _text(plan, "plan", max_length=5000)
    leaders = list(dict.fromkeys(leaders))
    if not leaders:
        raise ValidationError({"leaders": _("Choose at least one supervising leader.")})
    allowed = set(committee_role_users(proposal.committee, CommitteeRoleKind.LEADER).values_list("pk", flat=True))
    if any(u.pk not in allowed for u in leaders):
        raise ValidationError({"leaders": _("Choose leaders of this committee.")})
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.status != ProposalStatus.FILED:
            raise Conflict(_("Only a filed proposal can be a key proposal."))
        before = {u.pk for u in proposal.key_leaders.all()}
        was_key = proposal.is_key
        proposal.is_key, proposal.key_plan = True, plan
        proposal.key_marked_at = proposal.key_marked_at or timezone.now()
        proposal.save(update_fields=["is_key", "key_plan", "key_marked_at", "updated_at"])
        proposal.key_leaders.set(leaders)
        now = {u.pk for u in leaders}
        for leader in leaders:
            Follow.objects.update_or_create(case_id=proposal.case_id, user=leader,
                                            defaults={"kind": FollowKind.SUPERVISE})
        Follow.objects.filter(case_id=proposal.case_id, user_id__in=before - now, kind=FollowKind.SUPERVISE).delete()
        _log(proposal, actor=actor, action="proposal.key" if not was_key else "proposal.key_update", note=plan[:500],
             changes={"key_leaders": {"before": sorted(before), "after": sorted(now)}})
        new_leaders = [u for u in leaders if u.pk not in before]
        _tell(proposal, new_leaders, _("You supervise a key proposal: %(t)s") % {"t": proposal.title}, plan[:500],
              actor=actor)
        if not was_key:
            _tell(proposal, _authors(proposal), _("Your proposal is a key proposal: %(t)s") % {"t": proposal.title},
                  actor=actor)
    return proposal


def proposal_unmark_key(*, actor, proposal: Proposal, note: str = "") -> Proposal:
    note = _text(note, "note", required=False, max_length=1000)
    _ensure_staff(actor, proposal)
    with transaction.atomic():
        proposal = _lock(proposal)
        if not proposal.is_key:
            raise Conflict(_("This is not a key proposal."))
        leaders = list(proposal.key_leaders.values_list("pk", flat=True))
        Follow.objects.filter(case_id=proposal.case_id, user_id__in=leaders, kind=FollowKind.SUPERVISE).delete()
        proposal.is_key, proposal.key_marked_at = False, None
        proposal.save(update_fields=["is_key", "key_marked_at", "updated_at"])
        proposal.key_leaders.clear()
        _log(proposal, actor=actor, action="proposal.unkey", note=note)
    return proposal


def supervision_record(*, actor, proposal: Proposal, kind: str, held_on: dt.date, summary: str, place: str = "",
                       participants: str = "") -> SupervisionActivity:
    """Log a supervision activity (a meeting, a site visit, a handling consultation) of a key
    proposal, by committee staff or one of its supervising leaders."""
    if kind not in SupervisionKind.values:
        raise ValidationError({"kind": _("Choose the kind of activity.")})
    summary = _text(summary, "summary", max_length=5000)
    place = _text(place, "place", required=False, max_length=200)
    participants = _text(participants, "participants", required=False, max_length=2000)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record an activity once it has taken place.")})
    with transaction.atomic():
        proposal = _lock(proposal)
        if not (is_proposal_staff(actor, proposal) or proposal.key_leaders.filter(pk=actor.pk).exists()):
            raise PermissionDenied(_("Only committee staff or a supervising leader may record supervision."))
        if not proposal.is_key:
            raise Conflict(_("Supervision is recorded for key proposals."))
        activity = SupervisionActivity.objects.create(proposal=proposal, kind=kind, held_on=held_on, place=place,
                                                      participants=participants, summary=summary, created_by=actor)
        _log(proposal, actor=actor, action="proposal.supervise",
             note=f"{activity.get_kind_display()} {held_on.isoformat()} {summary[:200]}")
        if proposal.case_id:
            audit.record(actor=actor, action="case.supervise", target=proposal.case,
                         note=f"{activity.get_kind_display()} {held_on.isoformat()}")
            departments = {a.department for a in proposal.case.assignments.filter(round=proposal.case.round)
                           .select_related("department")}
            _tell(proposal, [u for d in departments for u in department_users(d)] + _authors(proposal),
                  _("Supervision of a key proposal: %(t)s") % {"t": proposal.title}, summary[:500], actor=actor)
    return activity


# --- the procuratorial link ----------------------------------------------------------------------


def procuratorate_transfer(*, actor, proposal: Proposal, procuratorate: Department, clue: str,
                           transferred_on: dt.date | None = None) -> ProcuratorateTransfer:
    """Pass a filed proposal to the procuratorate as a public-interest-litigation clue."""
    clue = _text(clue, "clue", max_length=5000)
    transferred_on = transferred_on or timezone.localdate()
    if transferred_on > timezone.localdate():
        raise ValidationError({"transferred_on": _("The date cannot be in the future.")})
    _ensure_staff(actor, proposal)
    if procuratorate.kind != DepartmentKind.PROCURATORATE or procuratorate.committee_id != proposal.committee_id:
        raise ValidationError({"procuratorate": _("Choose this committee's procuratorate.")})
    with transaction.atomic():
        proposal = _lock(proposal)
        if proposal.status != ProposalStatus.FILED:
            raise Conflict(_("Only a filed proposal can be transferred."))
        if ProcuratorateTransfer.objects.filter(proposal=proposal).exists():
            raise Conflict(_("This proposal was already transferred."))
        transfer = ProcuratorateTransfer.objects.create(proposal=proposal, procuratorate=procuratorate, clue=clue,
                                                        transferred_on=transferred_on, created_by=actor)
        _log(proposal, actor=actor, action="proposal.procuratorate", note=f"{procuratorate} {clue[:200]}")
        _tell(proposal, list(department_users(procuratorate)) + _authors(proposal),
              _("A proposal passed to the procuratorate as a clue: %(t)s") % {"t": proposal.title}, clue[:500],
              actor=actor)
    return transfer


def procuratorate_outcome(*, actor, transfer: ProcuratorateTransfer, status: str, outcome: str,
                          outcome_on: dt.date | None = None) -> ProcuratorateTransfer:
    """Record what the procuratorate did with the clue (by committee staff or the
    procuratorate's liaison officers)."""
    if status not in ProcuratorateStatus.values or status == ProcuratorateStatus.TRANSFERRED:
        raise ValidationError({"status": _("Choose what the procuratorate did.")})
    outcome = _text(outcome, "outcome", max_length=5000)
    outcome_on = outcome_on or timezone.localdate()
    if outcome_on > timezone.localdate() or outcome_on < transfer.transferred_on:
        raise ValidationError({"outcome_on": _("The date must lie between the transfer and today.")})
    with transaction.atomic():
        transfer = ProcuratorateTransfer.objects.select_for_update().select_related("proposal").get(pk=transfer.pk)
        proposal = transfer.proposal
        if not (is_proposal_staff(actor, proposal) or transfer.procuratorate_id in scope_for(actor).department_ids):
            raise PermissionDenied(_("Only committee staff or the procuratorate may record the outcome."))
        before = transfer.status
        transfer.status, transfer.outcome, transfer.outcome_on = status, outcome, outcome_on
        transfer.save()
        _log(proposal, actor=actor, action="proposal.procuratorate_outcome", note=outcome[:500],
             changes={"procuratorate": {"before": before, "after": status}})
        _tell(proposal, _authors(proposal) + _staff(proposal.committee),
              _("The procuratorate's outcome on: %(t)s") % {"t": proposal.title}, outcome[:500], actor=actor)
    return transfer
