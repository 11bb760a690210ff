"""The handling engine's HTML list pages cost the same number of queries for 1 row as for 10
(rows grown through the services, as in test_api)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.proposals.test_api import grow

PAGES = {
    "micro-suggestions (staff)": ("alice", "/micro-suggestions/"),
    "micro-suggestions (liaison)": ("carol", "/micro-suggestions/"),
    "my micro-suggestions": ("bob", "/micro-suggestions/mine/"),
    "triage": ("alice", "/micro-suggestions/triage/"),
    "overdue": ("alice", "/micro-suggestions/overdue/"),
    "followed": ("alice", "/micro-suggestions/followed/"),
    "inbox": ("carol", "/handling/inbox/"),
    "requests": ("alice", "/handling/requests/"),
    "rules": ("alice", "/handling/rules/"),
    "categories": ("alice", "/handling/categories/"),
    "policies": ("alice", "/handling/policies/"),
    "dead letters": ("alice", "/handling/dead-letters/"),
}


def measure(w) -> dict[str, int]:
    result = {}
    for label, (role, url) in PAGES.items():
        client = Client()
        client.force_login(getattr(w, role))
        client.get(url)  # warm per-process caches (content types, the calendar)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, label
        result[label] = len(queries.captured_queries)
    return result


def test_list_pages_query_count_does_not_grow_from_1_to_10_rows(world, seeded_calendar):
    grow(world, 1, 0)
    one = measure(world)

    grow(world, 9, 1)
    ten = measure(world)

    assert ten == one
