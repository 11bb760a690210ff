"""Load the official holiday arrangement of every year the chinese-calendar package knows."""

from django.core.management.base import BaseCommand
from django.db.models import Max, Min

from cppcc_portal.core.models import CalendarDay, CalendarYear
from cppcc_portal.core.services import calendar_seed_from_package


class Command(BaseCommand):
    help = (
        "Load public holidays and make-up workdays from the chinese-calendar package. "
        "Safe to run again: days already present (including ones staff entered) are kept."
    )

    def handle(self, *args, **options) -> None:
        years_before = CalendarYear.objects.count()
        created = calendar_seed_from_package(actor=None)
        years = CalendarYear.objects.aggregate(first=Min("year"), last=Max("year"))
        years_added = CalendarYear.objects.count() - years_before
        span = f"{years['first']}–{years['last']}" if years["first"] else "no year"
        self.stdout.write(
            f"Calendar: {created} days and {years_added} years loaded; "
            f"{CalendarDay.objects.count()} days covering {span} in total."
        )
