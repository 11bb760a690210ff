"""The iCalendar (RFC 5545) rendering of calendar events, for the feed a member subscribes to
on a phone. The events are selectors.calendar_events' plain dicts: what the feed's owner may
see, nothing more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .choices import SessionStatus

DEFAULT_HOST = "cppcc-portal"
PRODID = "-//CPPCC portal//Consultation calendar//ZH"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def event_status(event: dict) -> str:
    """TENTATIVE for a session still being prepared, CANCELLED for a cancelled one, otherwise
    CONFIRMED. The selector hands over the status as its display label (in the language of
    the request that built the events), so the label is what is compared."""
    state = event.get("state")
    if state is None and event.get("kind") == "consultation":
        labels = {str(choice.label): choice.value for choice in SessionStatus}
        state = labels.get(str(event.get("status") or ""))
    if state == SessionStatus.PLANNED:
        return "TENTATIVE"
    if state == SessionStatus.CANCELLED:
        return "CANCELLED"
    return "CONFIRMED"


def event_uid(event: dict, host: str | None = None) -> str:
    """Stable across fetches, so a phone updates an event instead of adding it again."""
    return f"{event['kind']}-{event['id']}@{host or DEFAULT_HOST}"


def calendar_ics(events: Iterable[dict], *, name: str, host: str | None = None, base_url: str = "") -> bytes:
    """A VCALENDAR named ``name`` (X-WR-CALNAME) with one VEVENT per event: UID, DTSTART and
    DTEND in UTC, SUMMARY, LOCATION (the place, or "online"), URL (``base_url`` + the event's
    page), DESCRIPTION (kind, committee, status, link) and STATUS."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    stamp = _utc(timezone.now()).replace(microsecond=0)
    base_url = (base_url or "").rstrip("/")
    for item in events:
        event = Event()
        url = f"{base_url}{item['url']}"
        event.add("uid", event_uid(item, host))
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(item["starts_at"]).replace(microsecond=0))
        event.add("dtend", _utc(item["ends_at"]).replace(microsecond=0))
        event.add("summary", item["title"])
        location = item.get("place") or (_("Online") if item.get("is_online") else "")
        if location:
            event.add("location", location)
        event.add("url", url)
        lines = [" · ".join(str(part) for part in (item.get("label"), item.get("committee")) if part)]
        if item.get("status"):
            lines.append(str(item["status"]))
        lines.append(url)
        event.add("description", "\n".join(line for line in lines if line))
        event.add("status", event_status(item))
        calendar.add_component(event)
    return calendar.to_ical()
