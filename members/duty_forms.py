"""Forms of the duty record and assessment pages (members.duty_views). They only read what a
person typed into the shapes the services take (grades and minimums as lines of text become
lists of dicts); the services (members.duty) decide what is allowed and say why not."""

from __future__ import annotations

import re

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from cppcc_portal.core.forms import DateInput
from cppcc_portal.core.uploads import max_bytes

from .choices import DutyKind, SplitMode
from .duty import MAX_EVIDENCE
from .models import Committee

ACCEPT = ".jpg,.jpeg,.png,.gif,.webp,.bmp,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
MAX_LINES = 20
# "优秀 90", "优秀：90", "优秀 ≥ 89.5"
GRADE_LINE = re.compile(r"^(?P<grade>.+?)\s*[:：,，]?\s*(?:≥|>=)?\s*(?P<min>[-−]?\d+(?:\.\d+)?)$")
# "proposal_submitted 1", "Submitted a proposal: 1"
MINIMUM_LINE = re.compile(r"^(?P<kind>.+?)\s*[:：,，]?\s*(?P<count>[-−]?\d+)$")


def kind_order(kind: str) -> int:
    """The place of a kind of duty in DutyKind (the order every table lists them in)."""
    try:
        return DutyKind.values.index(kind)
    except ValueError:
        return len(DutyKind.values)


def kind_label(kind: str) -> str:
    return str(DutyKind(kind).label) if kind in DutyKind.values else kind


def _number(step: float = 0.01) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": str(step), "inputmode": "decimal"})


# --- a manual entry -------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DutyEntryForm(forms.Form):
    """A duty the portal cannot see (an offline activity), recorded by staff with evidence."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of duty"), choices=DutyKind.choices, initial=DutyKind.OTHER)
    occurred_on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    label = forms.CharField(label=gettext_lazy("What the member did"), max_length=200)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label=gettext_lazy("Evidence"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate
        self.fields["evidence"].help_text = _(
            "Pictures (JPEG, PNG), PDF, Word, Excel or PowerPoint; at most %(n)d files of %(size)s each.") % {
            "n": MAX_EVIDENCE, "size": filesizeformat(max_bytes())}
        self.fields["evidence"].widget.attrs.update({
            "accept": ACCEPT, "data-max-bytes": str(max_bytes()), "data-size-hint": "1",
            "data-max-files": str(MAX_EVIDENCE),
            # {name}, {size}, {count}, {max} are filled in by static/js/portal.js
            "data-msg-large": _("{name} is {size}: larger than {max}, it would be refused."),
            "data-msg-total": _("{count} file(s), {size} in all."),
            "data-msg-many": _("Choose at most {max} files."),
        })


# --- a year's rules -------------------------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]


def grades_to_text(grades) -> str:
    return "\n".join(f"{g['grade']} {g['min']}" for g in grades or [])


def minimums_to_text(minimums) -> str:
    return "\n".join(f"{kind_label(m['kind'])} {m['count']}" for m in minimums or [])


def _kind_from_text(text: str) -> str | None:
    """A kind of duty named by its code (``proposal_submitted``) or its label as shown."""
    wanted = text.strip().casefold()
    for value, label in DutyKind.choices:
        if wanted in (value.casefold(), str(label).casefold()):
            return value
    return None


class RuleSetForm(forms.Form):
    """A year's rules: title, base score, the total's cap, grades and minimums as lines."""

    committee = forms.ModelChoiceField(label=gettext_lazy("Committee"), queryset=Committee.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    base_score = forms.DecimalField(label=gettext_lazy("Base score"), max_digits=7, decimal_places=2, initial=0,
                                    widget=_number())
    max_score = forms.DecimalField(label=gettext_lazy("Highest total"), max_digits=7, decimal_places=2,
                                   required=False, widget=_number(),
                                   help_text=gettext_lazy("Empty: no cap on the total."))
    grades = forms.CharField(
        label=gettext_lazy("Grades"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One grade a line with the lowest score that reaches it, e.g. “优秀 90”."))
    minimums = forms.CharField(
        label=gettext_lazy("Minimums"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: a kind of duty (as listed under “Kinds of duty”) and how many a "
                               "member must have in the year, e.g. “proposal_submitted 1”."))

    def __init__(self, *args, committees=None, rule_set=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule_set is not None:  # the committee and year of existing rules stay as they are
            del self.fields["committee"], self.fields["year"]
            if not self.is_bound:
                self.initial.update({
                    "title": rule_set.title, "base_score": rule_set.base_score, "max_score": rule_set.max_score,
                    "grades": grades_to_text(rule_set.grades), "minimums": minimums_to_text(rule_set.minimums)})
        else:
            committees = committees if committees is not None else Committee.objects.none()
            self.fields["committee"].queryset = committees
            self.fields["committee"].empty_label = _("Choose …")
            only = list(committees[:2])
            if len(only) == 1:
                self.fields["committee"].initial = only[0].pk
            self.fields["year"].initial = timezone.localdate().year

    def clean_grades(self) -> list[dict]:
        lines = _lines(self.cleaned_data.get("grades"))
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(_("At most %(n)d lines.") % {"n": MAX_LINES})
        grades, errors = [], []
        for n, line in lines:
            match = GRADE_LINE.match(line)
            if match is None:
                errors.append(_("Line %(n)d: write a grade and the lowest score that reaches it, e.g. “优秀 90”.")
                              % {"n": n})
                continue
            grades.append({"grade": match["grade"].strip(), "min": match["min"].replace("−", "-")})
        if errors:
            raise forms.ValidationError(errors)
        return grades

    def clean_minimums(self) -> list[dict]:
        lines = _lines(self.cleaned_data.get("minimums"))
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(_("At most %(n)d lines.") % {"n": MAX_LINES})
        minimums, errors = [], []
        for n, line in lines:
            match = MINIMUM_LINE.match(line)
            if match is None:
                errors.append(_("Line %(n)d: write a kind of duty and a count, e.g. “proposal_submitted 1”.")
                              % {"n": n})
                continue
            kind = _kind_from_text(match["kind"])
            if kind is None:
                errors.append(_("Line %(n)d: “%(kind)s” is not a kind of duty; use one listed under "
                                "“Kinds of duty”.") % {"n": n, "kind": match["kind"].strip()[:60]})
                continue
            minimums.append({"kind": kind, "count": match["count"].replace("−", "-")})
        if errors:
            raise forms.ValidationError(errors)
        return minimums


class RuleForm(forms.Form):
    """The points of one kind of duty; ``kinds`` (the kinds not scored yet) adds the kind to
    choose, for a new rule."""

    kind = forms.ChoiceField(label=gettext_lazy("Kind of duty"), choices=())
    points = forms.DecimalField(label=gettext_lazy("Points each"), max_digits=7, decimal_places=2,
                                widget=_number())
    cap = forms.DecimalField(label=gettext_lazy("At most per year"), max_digits=8, decimal_places=2,
                             required=False, widget=_number())
    split = forms.ChoiceField(label=gettext_lazy("Several authors"), choices=SplitMode.choices,
                              initial=SplitMode.FULL)
    first_share = forms.DecimalField(label=gettext_lazy("First author's share"), max_digits=5, decimal_places=3,
                                     initial="0.5", widget=_number(0.05))

    def __init__(self, *args, kinds=None, rule=None, form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is None:
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [("", _("Choose …"))] + [(k, kind_label(k)) for k in kinds]
        if rule is not None and not self.is_bound:
            self.initial.update({"points": rule.points, "cap": rule.cap, "split": rule.split,
                                 "first_share": rule.first_share})
        if form_id:  # the row's inputs sit in table cells, their form in the last one
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id


class CopyForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("To the year"), min_value=2000, max_value=2100)


# --- rankings -------------------------------------------------------------------------------------


class RankingScopeForm(forms.Form):
    """Which committee-year the rankings show (the committee and year filters)."""

    committee = forms.ModelChoiceField(label=gettext_lazy("Committee"), queryset=Committee.objects.none(),
                                       empty_label=None)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees if committees is not None else Committee.objects.none()


class ShortlistForm(forms.Form):
    """Who to put on the outstanding-member shortlist (优秀委员): the top share or a grade."""

    TOP, GRADE = "top", "grade"
    mode = forms.ChoiceField(label=gettext_lazy("Choose by"), initial=TOP, widget=forms.RadioSelect,
                             choices=[(TOP, gettext_lazy("The best scores")), (GRADE, gettext_lazy("A grade"))])
    percent = forms.IntegerField(label=gettext_lazy("Share of the members (%)"), min_value=1, max_value=100,
                                 initial=10, required=False)
    grade = forms.ChoiceField(label=gettext_lazy("Grade"), required=False, choices=())
    meet_minimums = forms.BooleanField(label=gettext_lazy("Only members who meet the minimums"), required=False,
                                       initial=True)

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [(g, g) for g in grades]
        if grades:
            self.fields["grade"].initial = "优秀" if "优秀" in grades else grades[0]

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.GRADE and not data.get("grade"):
            self.add_error("grade", _("These rules have no grades; choose by the best scores."))
        if data.get("mode") == self.TOP and data.get("percent") is None and "percent" not in self.errors:
            data["percent"] = self.fields["percent"].initial
        return data
