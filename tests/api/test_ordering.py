"""Ordering on a serializer field that is not a column is ignored, not a server error."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/proposals/", "/api/v1/micro-suggestions/", "/api/v1/members/"])
def test_ordering_on_a_display_method_is_ignored(world, path):
    response = client_for(world.alice).get(path, {"ordering": "get_status_display"})
    assert response.status_code == 200


def test_ordering_on_a_column_still_works(world):
    response = client_for(world.alice).get("/api/v1/members/", {"ordering": "-name"})
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names == sorted(names, reverse=True)
