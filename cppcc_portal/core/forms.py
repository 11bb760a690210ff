"""Forms of the platform pages: the working-day calendar and its calculator."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import workdays
from .models import CalendarDay


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=50, required=False,
        help_text=_("For example 春节 or 国庆节调休."),
    )


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    note = forms.CharField(
        label=_("Note"), max_length=255, required=False,
        help_text=_("For example the number and date of the State Council notice."),
    )


class WorkdayCalculatorForm(forms.Form):
    start = forms.DateField(label=_("Start date"), widget=DateInput, initial=timezone.localdate)
    n = forms.IntegerField(
        label=_("Working days"), min_value=0, max_value=workdays.MAX_WORKDAYS, initial=10,
        help_text=_("The start date itself is not counted."),
    )
