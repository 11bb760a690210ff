"""The working-day calendar: weekends and public holidays off, make-up workdays (调休) on.

Facts of 2026 from the official arrangement (chinese-calendar package): National Day
2026-10-01..07 and Mid-autumn 2026-09-25..27 are off; Sunday 2026-09-20 and Saturday
2026-10-10 are make-up workdays. 2027 is not published yet, so it is provisional.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cppcc_portal.core import services, workdays
from cppcc_portal.core.models import AuditEntry, CalendarDay, CalendarSource, CalendarYear

D = dt.date


@pytest.fixture
def recompute_calls(monkeypatch):
    """A recompute callback registered the way apps do it in ready(), alone in the registry
    for the test (the apps' own callbacks are tested with their items)."""
    calls: list[dt.date] = []

    def callback(from_date: dt.date) -> int:
        calls.append(from_date)
        return 1

    monkeypatch.setattr(workdays, "_recomputers", [])
    workdays.on_calendar_change(callback)
    return calls


class TestSeededCalendar:
    def test_seed_loads_2026_arrangement_as_named_days(self, seeded_calendar):
        days = {d.date: (d.kind, d.name, d.source) for d in CalendarDay.objects.filter(date__year=2026, date__month=10)}

        assert days == {
            **{D(2026, 10, n): ("holiday", "国庆节", "package") for n in range(1, 8)},
            D(2026, 10, 10): ("workday", "国庆节调休", "package"),
        }
        assert CalendarYear.objects.get(year=2026).source == CalendarSource.PACKAGE
        assert CalendarYear.objects.filter(year=2027).exists() is False

    def test_seeding_twice_adds_nothing_and_keeps_staff_entries(self, seeded_calendar, world):
        services.calendar_day_set(actor=world.alice, date=D(2026, 10, 7), kind="holiday",
                                  name="国庆节（本委调整）")

        assert services.calendar_seed_from_package() == 0
        day = CalendarDay.objects.get(date=D(2026, 10, 7))
        assert (day.name, day.source) == ("国庆节（本委调整）", "staff")

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (D(2026, 10, 1), False),  # National Day, a Thursday
            (D(2026, 10, 7), False),  # National Day, a Wednesday
            (D(2026, 10, 8), True),  # back to work
            (D(2026, 9, 20), True),  # make-up workday on a Sunday
            (D(2026, 10, 10), True),  # make-up workday on a Saturday
            (D(2026, 10, 11), False),  # ordinary Sunday
            (D(2026, 9, 25), False),  # Mid-autumn Festival, a Friday
            (D(2026, 9, 24), True),  # ordinary Thursday
            (D(2027, 1, 1), True),  # unknown year: only weekends are off, so a Friday works
            (D(2027, 1, 2), False),  # Saturday
        ],
    )
    def test_is_workday(self, seeded_calendar, day, expected):
        assert workdays.is_workday(day) is expected


class TestAddWorkdays:
    def test_ordinary_weekend_is_skipped(self, seeded_calendar):
        assert workdays.add_workdays(D(2025, 3, 7), 1) == D(2025, 3, 10)

    def test_zero_workdays_is_the_start_date(self, seeded_calendar):
        assert workdays.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)

    def test_national_day_week_is_skipped(self, seeded_calendar):
        assert workdays.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)

    def test_make_up_sunday_counts(self, seeded_calendar):
        assert workdays.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)

    def test_make_up_saturday_counts(self, seeded_calendar):
        assert workdays.add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)

    def test_ten_workdays_across_mid_autumn_and_national_day(self, seeded_calendar):
        assert workdays.add_workdays(D(2026, 9, 24), 10) == D(2026, 10, 15)

    def test_negative_and_absurd_counts_are_refused(self, seeded_calendar):
        with pytest.raises(ValueError, match="must not be negative"):
            workdays.add_workdays(D(2026, 1, 5), -1)
        with pytest.raises(ValueError, match="at most 2000"):
            workdays.add_workdays(D(2026, 1, 5), workdays.MAX_WORKDAYS + 1)

    def test_workdays_between_is_the_inverse_of_add_workdays(self, seeded_calendar):
        start = D(2025, 12, 1)
        for offset in range(0, 400, 3):
            day = start + dt.timedelta(days=offset)
            for n in (0, 1, 2, 5, 10, 22):
                due = workdays.add_workdays(day, n)
                assert workdays.workdays_between(day, due) == n, (day, n)
                if n:
                    assert workdays.is_workday(due), (day, n)

    def test_workdays_between_is_negative_backwards(self, seeded_calendar):
        assert workdays.workdays_between(D(2026, 10, 15), D(2026, 9, 24)) == -10
        assert workdays.workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0

    def test_computation_costs_no_query_once_loaded(self, seeded_calendar, django_assert_num_queries):
        workdays.add_workdays(D(2026, 9, 24), 10)

        with django_assert_num_queries(0):
            assert workdays.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
            assert workdays.workdays_between(D(2026, 9, 24), D(2026, 10, 15)) == 10


class TestExplainWorkdays:
    def test_lists_skipped_days_and_make_up_workdays(self, seeded_calendar):
        explanation = workdays.explain_workdays(D(2026, 9, 24), 10)

        assert explanation.as_dict() == {
            "start": "2026-09-24",
            "workdays": 10,
            "due": "2026-10-15",
            "calendar_days": 21,
            "skipped": [
                {"date": "2026-09-25", "reason": "中秋节"},
                {"date": "2026-09-26", "reason": "中秋节"},
                {"date": "2026-09-27", "reason": "中秋节"},
                *({"date": f"2026-10-0{n}", "reason": "国庆节"} for n in range(1, 8)),
                {"date": "2026-10-11", "reason": "Weekend"},
            ],
            "made_up_workdays": [{"date": "2026-10-10", "name": "国庆节调休"}],
            "provisional_years": [],
        }
        assert explanation.summary() == (
            "10 working days after 2026-09-24 is 2026-10-15 (21 calendar days; "
            "11 days off skipped, 1 make-up workdays counted)."
        )

    def test_unpublished_year_is_provisional(self, seeded_calendar):
        explanation = workdays.explain_workdays(D(2026, 12, 30), 5)

        assert explanation.due == D(2027, 1, 6)
        assert explanation.provisional_years == [2027]
        assert explanation.summary().endswith(
            "The official holidays of 2027 are not yet in the calendar; only weekends were skipped there."
        )

    def test_staff_entering_holidays_and_confirming_the_year_ends_provisional(
        self, seeded_calendar, world, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_day_set(actor=world.alice, date=D(2027, 1, 1), kind="holiday", name="元旦")
        still = workdays.explain_workdays(D(2026, 12, 30), 5)
        assert (still.due, still.provisional_years) == (D(2027, 1, 7), [2027])

        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_year_confirm(actor=world.alice, year=2027, note="国务院办公厅通知")
        confirmed = workdays.explain_workdays(D(2026, 12, 30), 5)

        assert (confirmed.due, confirmed.provisional_years) == (D(2027, 1, 7), [])
        assert confirmed.skipped[0] == (D(2027, 1, 1), "元旦")
        year = CalendarYear.objects.get(year=2027)
        assert (year.source, year.note) == ("staff", "国务院办公厅通知")


class TestCalendarDaySet:
    def test_staff_marks_a_holiday_with_audit_entry(self, world):
        day = services.calendar_day_set(actor=world.alice, date=D(2027, 10, 1), kind="holiday", name=" 国庆节 ")

        assert (day.kind, day.name, day.source) == ("holiday", "国庆节", "staff")
        entry = AuditEntry.objects.get(action="calendar_day.set")
        assert entry.changes == {"kind": {"before": None, "after": "holiday"}, "name": {"before": None, "after": "国庆节"}}
        assert entry.actor_repr == "张爱丽"

    def test_changing_an_existing_day_records_before_and_after(self, seeded_calendar, world):
        services.calendar_day_set(actor=world.alice, date=D(2026, 10, 7), kind="holiday", name="国庆节补假")

        entry = AuditEntry.objects.get(action="calendar_day.set")
        assert entry.changes == {"name": {"before": "国庆节", "after": "国庆节补假"}}

    def test_make_up_workday_on_a_weekday_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.calendar_day_set(actor=world.alice, date=D(2027, 2, 3), kind="workday")

        assert exc.value.message_dict == {
            "kind": ["2027-02-03 is a weekday; only a Saturday or Sunday can be a make-up workday."]
        }
        assert CalendarDay.objects.count() == 0

    def test_make_up_workday_on_a_saturday_is_accepted(self, world):
        day = services.calendar_day_set(actor=world.alice, date=D(2027, 2, 6), kind="workday", name="春节调休")

        assert (day.kind, day.date.weekday()) == ("workday", 5)

    @pytest.mark.parametrize("year", [1999, 2101])
    def test_year_out_of_range_is_rejected(self, world, year):
        with pytest.raises(ValidationError) as exc:
            services.calendar_day_set(actor=world.alice, date=D(year, 5, 1), kind="holiday")

        assert exc.value.message_dict == {"date": ["The date must be between 2000 and 2100."]}

    def test_unknown_kind_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.calendar_day_set(actor=world.alice, date=D(2027, 5, 3), kind="festival")

        assert exc.value.message_dict == {"kind": ["Choose a public holiday or a make-up workday."]}

    def test_name_longer_than_50_characters_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.calendar_day_set(actor=world.alice, date=D(2027, 5, 3), kind="holiday", name="节" * 51)

        assert exc.value.message_dict == {"name": ["The name may have at most 50 characters."]}

    def test_delete_makes_the_day_ordinary_again(self, seeded_calendar, world, django_capture_on_commit_callbacks):
        assert workdays.is_workday(D(2026, 10, 10)) is True

        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_day_delete(actor=world.alice, date=D(2026, 10, 10))

        assert workdays.is_workday(D(2026, 10, 10)) is False
        entry = AuditEntry.objects.get(action="calendar_day.delete")
        assert entry.changes == {
            "kind": {"before": "workday", "after": None},
            "name": {"before": "国庆节调休", "after": None},
        }

    def test_deleting_a_day_without_entry_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.calendar_day_delete(actor=world.alice, date=D(2027, 3, 3))

        assert exc.value.message_dict == {"date": ["2027-03-03 has no calendar entry."]}

    def test_confirming_a_year_out_of_range_is_rejected(self, world):
        with pytest.raises(ValidationError) as exc:
            services.calendar_year_confirm(actor=world.alice, year=1900)

        assert exc.value.message_dict == {"year": ["The year must be between 2000 and 2100."]}


class TestCalendarChange:
    def test_change_runs_registered_recompute_callbacks_after_commit(
        self, world, recompute_calls, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.calendar_day_set(actor=world.alice, date=D(2027, 4, 5), kind="holiday", name="清明节")
        assert recompute_calls == []  # nothing moves before the change is committed

        for callback in callbacks:
            callback()

        assert recompute_calls == [D(2027, 4, 5)]

    def test_rolled_back_change_runs_no_callback(self, world, recompute_calls, django_capture_on_commit_callbacks):
        from django.db import transaction

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                services.calendar_day_set(actor=world.alice, date=D(2027, 4, 5), kind="holiday", name="清明节")
                raise RuntimeError("roll back")

        assert (callbacks, recompute_calls) == ([], [])
        assert CalendarDay.objects.filter(date=D(2027, 4, 5)).exists() is False

    def test_recompute_sums_what_the_callbacks_moved(self, recompute_calls):
        assert workdays.recompute_open_deadlines(D(2027, 1, 1)) == 1
        assert recompute_calls == [D(2027, 1, 1)]

    def test_registering_the_same_callback_twice_runs_it_once(self, recompute_calls):
        callback = workdays._recomputers[-1]
        workdays.on_calendar_change(callback)

        assert workdays.recompute_open_deadlines(D(2027, 1, 1)) == 1

    def test_version_bump_reloads_the_snapshot(self, db):
        assert workdays.is_workday(D(2027, 5, 3)) is True
        CalendarDay.objects.create(date=D(2027, 5, 3), kind="holiday", name="劳动节", source="staff")

        assert workdays.is_workday(D(2027, 5, 3)) is True  # this process still has the old snapshot

        workdays.bump_version()

        assert workdays.is_workday(D(2027, 5, 3)) is False
        assert workdays.snapshot().holidays == {D(2027, 5, 3): "劳动节"}

    def test_commit_bumps_the_version_so_other_processes_reload(self, world, django_capture_on_commit_callbacks):
        workdays.snapshot()
        before = workdays._current_version()

        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_day_set(actor=world.alice, date=D(2027, 5, 3), kind="holiday", name="劳动节")

        assert workdays._current_version() != before
        assert workdays.is_workday(D(2027, 5, 3)) is False

    def test_broker_down_recomputes_in_process(self, world, recompute_calls, django_capture_on_commit_callbacks,
                                               monkeypatch):
        from cppcc_portal.core import tasks

        def broker_down(**kwargs):
            raise ConnectionError("redis is down")

        monkeypatch.setattr(tasks.calendar_recompute, "delay", broker_down)

        with django_capture_on_commit_callbacks(execute=True):
            services.calendar_day_set(actor=world.alice, date=D(2027, 6, 14), kind="holiday", name="端午节")

        assert recompute_calls == [D(2027, 6, 14)]
