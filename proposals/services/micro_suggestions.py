"""Submitting a micro-suggestion (微建议). Everything after submission is the handling engine."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import audit, outbox
from cppcc_portal.core.uploads import clean_upload
from members.duty import duty_touch
from members.models import Committee, Member

from ..choices import CaseKind, CaseStatus
from ..models import Category, MicroSuggestion
from .handling import attachment_add

MAX_ATTACHMENTS = 6
MAX_CO_SUBMITTERS = 10
ROUTE_TASK = "proposals.case_route"


def route_key(case_id: int) -> str:
    return f"route:{case_id}"


def micro_suggestion_submit(*, actor, member: Member, title: str, content: str, category: Category | None = None,
                            place: Committee | None = None, address: str = "", attachments: Iterable = (),
                            co_submitters: Iterable[Member] = ()) -> MicroSuggestion:
    """A member submits a micro-suggestion.

    Side effects, in one transaction: the item, its cleaned attachments, the timeline entry and
    an outbox message for routing; after commit the message is published (or, with the broker
    down, left for the relay). Nothing touches the broker before the item is safely stored.
    """
    if member.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You can only submit in your own name."))
    if not member.is_active:
        raise PermissionDenied(_("Your seat on %(c)s has ended.") % {"c": member.committee})
    errors = {}
    title = (title or "").strip()
    content = (content or "").strip()
    if len(title) < 4:
        errors["title"] = _("Give a title of at least 4 characters.")
    elif len(title) > 120:
        errors["title"] = _("The title may have at most 120 characters.")
    if len(content) < 10:
        errors["content"] = _("Describe the problem and your suggestion in at least 10 characters.")
    elif len(content) > 5000:
        errors["content"] = _("The content may have at most 5000 characters.")
    if len(address or "") > 200:
        errors["address"] = _("The address may have at most 200 characters.")
    if category is not None and (category.committee_id != member.committee_id or not category.is_active):
        errors["category"] = _("Choose a category of your committee.")
    if place is not None and not place.path.startswith(member.committee.path):
        errors["place"] = _("Choose your committee's area or a place within it.")
    co_submitters = list(dict.fromkeys(co_submitters))
    if len(co_submitters) > MAX_CO_SUBMITTERS:
        errors["co_submitters"] = _("At most %(n)d co-submitters.") % {"n": MAX_CO_SUBMITTERS}
    elif any(m.committee_id != member.committee_id or m.pk == member.pk or not m.is_active for m in co_submitters):
        errors["co_submitters"] = _("Co-submitters must be other serving members of your committee.")
    attachments = list(attachments)
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}
    else:
        # Check every file before storing any, so a refused submission leaves no file behind.
        try:
            attachments = [clean_upload(upload) for upload in attachments]
        except ValidationError as exc:
            errors["attachments"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = MicroSuggestion(
            kind=CaseKind.MICRO_SUGGESTION, committee=member.committee, title=title, content=content,
            category=category, place=place, address=(address or "").strip(), submitter=member, submitted_by=actor,
            status=CaseStatus.ROUTING, created_at=timezone.now(),
        )
        item.save()
        if co_submitters:
            item.co_submitters.set(co_submitters)
        for cleaned in attachments:
            attachment_add(actor=actor, case=item, upload=cleaned)
        # Audit entries of a proxy land on the concrete Case, where the timeline reads.
        audit.record(actor=actor, action="case.submit", target=item, note=title)
        outbox.enqueue(task_name=ROUTE_TASK, key=route_key(item.pk), case_id=item.pk)
        duty_touch(member_ids=[member.pk, *(m.pk for m in co_submitters)])
    return item
