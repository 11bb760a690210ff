"""Forms of the proposal pages (writing, co-signing, review, the topic guide, proposing bodies).
They collect and shape input only: the views hand the cleaned data to a
proposals.services.proposals function, which decides. Every choice comes from a selector or
the proposal's own committee, so a form never lists another committee's records."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.forms import MemberMultipleChoiceField, member_choices, tune_empty_choices
from members.models import Committee, Department, Member, Sector, Session, SpecialCommittee
from members.selectors import scope_for

from .choices import BodyKind, Conversion, GuideStatus, HandlingMode, ProposalKind, ProposalTiming
from .forms import DepartmentChoiceField, DepartmentMultipleChoiceField, MultipleFileField, _file_attrs
from .models import Category, GuideTopic, Proposal, ProposalBody
from .services.proposals import LIMITS, MAX_ATTACHMENTS


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.guide.year} · {obj.title}"


class ProposalForm(forms.Form):
    """A new proposal or a change to a draft (or one returned for revision)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ProposalKind.choices)
    body = forms.ModelChoiceField(label=_("Proposing body"), queryset=ProposalBody.objects.none(), required=False,
                                  help_text=_("For a collective proposal: the body you submit it for."))
    timing = forms.ChoiceField(label=_("Submitted"), choices=ProposalTiming.choices, initial=ProposalTiming.INTERSESSION)
    session = forms.ModelChoiceField(label=_("Plenary session"), queryset=Session.objects.none(), required=False)
    title = forms.CharField(label=_("Title"), max_length=LIMITS["title"][1],
                            help_text=_("e.g. 关于……的建议"))
    reason = forms.CharField(label=_("Subject (案由)"), max_length=LIMITS["reason"][1], widget=_textarea(3),
                             help_text=_("The problem in a few sentences."))
    analysis = forms.CharField(label=_("Analysis and reasoning"), max_length=LIMITS["analysis"][1],
                               widget=_textarea(8))
    suggestions = forms.CharField(label=_("Concrete suggestions"), max_length=LIMITS["suggestions"][1],
                                  widget=_textarea(6))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    topic = TopicChoiceField(label=_("Guide topic"), queryset=GuideTopic.objects.none(), required=False,
                             help_text=_("The topic of the published topic guide (选题指南) this proposal answers, if any."))
    attachments = MultipleFileField(label=_("Attachments"), required=False,
                                    help_text=_("At most %(n)d files.") % {"n": MAX_ATTACHMENTS})
    remove_attachments = forms.MultipleChoiceField(label=_("Remove attachments"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, proposal: Proposal | None = None, seat: Member | None = None, **kwargs):
        self.user, self.proposal, self.seat = user, proposal, seat
        super().__init__(*args, **kwargs)
        bodies = ProposalBody.objects.filter(authorised_users=user, is_active=True).select_related("committee")
        committees, terms = set(), set()
        if proposal is not None:
            committees.add(proposal.committee_id)
            terms.add(proposal.term_id)
            collective = proposal.kind == ProposalKind.COLLECTIVE
            del self.fields["body"]
            kinds = [c for c in ProposalKind.choices if (c[0] == ProposalKind.COLLECTIVE) == collective]
            attachments = list(proposal.attachments.all())
            if attachments:
                self.fields["remove_attachments"].choices = [(str(a.pk), a.original_name) for a in attachments]
            else:
                del self.fields["remove_attachments"]
        else:
            del self.fields["remove_attachments"]
            bodies = list(bodies)
            if seat is not None:
                committees.add(seat.committee_id)
                terms.add(seat.term_id)
            kinds = [c for c in ProposalKind.choices if c[0] != ProposalKind.COLLECTIVE or bodies]
            if seat is None:
                kinds = [c for c in kinds if c[0] == ProposalKind.COLLECTIVE]
            if bodies:
                self.fields["body"].queryset = ProposalBody.objects.filter(pk__in=[b.pk for b in bodies])
                committees |= {b.committee_id for b in bodies}
                terms |= set(_current_terms(committees))
            else:
                del self.fields["body"]
        self.fields["kind"].choices = kinds
        self.fields["session"].queryset = Session.objects.filter(term_id__in=terms).select_related("term") \
            .order_by("-start_date")
        self.fields["category"].queryset = Category.objects.filter(committee_id__in=committees, is_active=True) \
            .order_by("order", "name")
        self.fields["topic"].queryset = GuideTopic.objects.filter(
            guide__committee_id__in=committees, guide__status=GuideStatus.PUBLISHED).select_related("guide") \
            .order_by("-guide__year", "order", "id")
        self.fields["attachments"].widget.attrs.update(_file_attrs(multiple=True))
        self.fields["attachments"].widget.attrs["data-max-files"] = str(MAX_ATTACHMENTS)
        for name in ("title", "reason", "analysis", "suggestions"):
            self.fields[name].widget.attrs["data-similar-source"] = "1"
        tune_empty_choices(self)

    def clean(self):
        cleaned = super().clean()
        if "body" in self.fields:
            if cleaned.get("kind") == ProposalKind.COLLECTIVE and not cleaned.get("body"):
                self.add_error("body", _("Choose the body you submit for."))
            if cleaned.get("kind") != ProposalKind.COLLECTIVE:
                cleaned["body"] = None
        return cleaned


def _current_terms(committee_ids) -> list[int]:
    from members.models import Term

    return list(Term.objects.filter(committee_id__in=committee_ids, is_current=True).values_list("pk", flat=True))


class InviteForm(forms.Form):
    members = MemberMultipleChoiceField(label=_("Members to invite"), queryset=Member.objects.none(),
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        taken = proposal.cosigners.filter(status__in=["invited", "confirmed"]).values("member_id")
        self.fields["members"].queryset = (member_choices(proposal.committee).filter(term_id=proposal.term_id)
                                           .exclude(pk__in=taken).exclude(pk=proposal.proposer_id or 0))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False, widget=_textarea(2))


# --- review -------------------------------------------------------------------------------------


class FileForm(forms.Form):
    """File (立案), optionally assigning the handling departments at once."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    lead_department = DepartmentChoiceField(label=_("Lead department"), queryset=Department.objects.none(),
                                            required=False,
                                            help_text=_("Leave empty to assign the departments later."))
    co_departments = DepartmentMultipleChoiceField(label=_("Co-handling departments"),
                                                   queryset=Department.objects.none(), required=False)
    handling_mode = forms.ChoiceField(label=_("Handling mode"), choices=HandlingMode.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=_textarea(2))

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(committee_id=proposal.committee_id,
                                                                   is_active=True).order_by("order", "name")
        departments = Department.objects.filter(committee_id=proposal.committee_id, is_active=True).order_by("name")
        self.fields["lead_department"].queryset = departments
        co = self.fields["co_departments"]
        co.queryset = departments
        co.widget = forms.CheckboxSelectMultiple(choices=co.choices)
        tune_empty_choices(self)
        self.fields["handling_mode"].choices = [("", _("Automatic"))] + list(HandlingMode.choices)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("co_departments") and not cleaned.get("lead_department"):
            self.add_error("lead_department", _("Choose the lead department for the co-handling departments."))
        return cleaned


class NotFileForm(forms.Form):
    reason = forms.CharField(label=_("Reason for not filing"), max_length=2000, widget=_textarea(3),
                             help_text=_("The proposer reads this."))
    conversion = forms.ChoiceField(label=_("Converted into"), choices=Conversion.choices, required=False,
                                   widget=forms.RadioSelect)
    reference_departments = DepartmentMultipleChoiceField(label=_("Sent for reference to"),
                                                          queryset=Department.objects.none(), required=False)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reference_departments"]
        field.queryset = Department.objects.filter(committee_id=proposal.committee_id, is_active=True).order_by("name")
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What to revise"), max_length=2000, widget=_textarea(3),
                              help_text=_("The writer reads this, revises the proposal and submits it again."))


class MergeForm(forms.Form):
    others = forms.MultipleChoiceField(label=_("Proposals to merge into this one"), widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=_textarea(2))

    def __init__(self, *args, candidates: list, **kwargs):
        """``candidates``: (proposal, score or None) pairs, the similar ones first."""
        super().__init__(*args, **kwargs)
        self.candidates = {str(p.pk): p for p, _score in candidates}
        self.fields["others"].choices = [
            (str(p.pk), f"{p.title} · {p.author_name}" + (f" ({round(score * 100)}%)" if score else ""))
            for p, score in candidates
        ]

    def clean_others(self):
        return [self.candidates[pk] for pk in self.cleaned_data["others"]]


# --- the topic guide and proposing bodies -----------------------------------------------------------


def _staff_committees(user):
    scope = scope_for(user)
    qs = Committee.objects.order_by("path", "name")
    return qs if scope.is_superuser else qs.filter(pk__in=scope.staff_committee_ids)


class TopicGuideForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=120)
    introduction = forms.CharField(label=_("Introduction"), max_length=5000, required=False, widget=_textarea(4))

    def __init__(self, *args, user, guide=None, **kwargs):
        super().__init__(*args, **kwargs)
        if guide is not None:
            del self.fields["committee"]
            del self.fields["year"]
        else:
            committees = _staff_committees(user)
            self.fields["committee"].queryset = committees
            if len(committees) == 1:
                self.fields["committee"].initial = committees[0].pk
        tune_empty_choices(self)


class GuideTopicForm(forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False, widget=_textarea(2))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    order = forms.IntegerField(label=_("Display order"), min_value=0, max_value=999, required=False)

    def __init__(self, *args, guide, category_choices: list | None = None, **kwargs):
        """``category_choices``: the committee's (pk, name) pairs, read once for a page of many forms."""
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = Category.objects.filter(committee_id=guide.committee_id, is_active=True).order_by("order",
                                                                                                         "name")
        tune_empty_choices(self)
        if category_choices is not None:
            field.widget.choices = [("", field.empty_label), *category_choices]


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class ProposalBodyForm(forms.Form):
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none(), required=False)
    special_committee = forms.ModelChoiceField(label=_("Special committee"), queryset=SpecialCommittee.objects.none(),
                                               required=False)
    authorised_users = UserMultipleChoiceField(
        label=_("Authorised users"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Members and staff of the committee who write and submit the body's collective proposals."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, body: ProposalBody | None = None, committee: Committee | None = None, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        if body is not None:
            committee = body.committee
            del self.fields["committee"]
        else:
            committees = _staff_committees(user)
            self.fields["committee"].queryset = committees
            self.fields["committee"].widget.attrs["data-reload-param"] = "committee"
            if committee is None and len(committees) == 1:
                committee = committees[0]
            if committee is not None:
                self.fields["committee"].initial = committee.pk
        cid = committee.pk if committee else 0
        self.fields["sector"].queryset = Sector.objects.filter(committee_id=cid).order_by("order", "name")
        self.fields["special_committee"].queryset = SpecialCommittee.objects.filter(committee_id=cid).order_by("name")
        members = Member.active_seats().filter(committee_id=cid).values("user_id")
        staff = Q(committee_roles__committee_id=cid)
        keep = body.authorised_users.values("pk") if body is not None else []
        self.fields["authorised_users"].queryset = (
            get_user_model().objects.filter(Q(pk__in=members) | staff | Q(pk__in=keep)).distinct().order_by("username")
        )
        tune_empty_choices(self)


def proposal_seat(user) -> Member | None:
    """The member seat a user writes proposals from: their serving seat (the latest)."""
    return (Member.active_seats().filter(user=user).select_related("committee", "term").order_by("-id").first()
            if getattr(user, "is_authenticated", False) else None)

