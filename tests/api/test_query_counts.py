"""Every list endpoint costs the same number of queries for 1 row as for 10."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders import BUILDERS
from tests.conftest import client_for


def count_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    rows = body["count"] if isinstance(body, dict) else len(body)
    return len(ctx.captured_queries), rows


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_list_endpoint_query_count_does_not_grow(office, kind):
    committee, sam, term = office
    client = client_for(sam)
    url = f"/api/v1/{kind}/"
    BUILDERS[kind](committee, term, 1)
    client.get(url)  # warm the per-process caches (content types, calendar) first
    one, rows_one = count_queries(client, url)

    BUILDERS[kind](committee, term, 9)
    ten, rows_ten = count_queries(client, url)

    assert rows_ten - rows_one == 9
    assert ten == one
