"""The OpenAPI description: valid, complete, and its docs page served without any CDN."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

API_PATHS = [
    "/api/v1/me/", "/api/v1/health/",
    "/api/v1/notifications/", "/api/v1/notifications/{id}/", "/api/v1/notifications/mark-read/",
    "/api/v1/calendar/days/", "/api/v1/calendar/days/{date}/", "/api/v1/calendar/days/compute/",
    "/api/v1/calendar/years/",
    *(f"/api/v1/{kind}/{suffix}" for kind in ("committees", "terms", "sessions", "sectors", "special-committees",
                                              "members", "departments", "liaisons", "studios")
      for suffix in ("", "{id}/", "{id}/timeline/")),
    "/api/v1/committee-roles/", "/api/v1/committee-roles/{id}/",
]


def test_schema_is_valid_openapi_describing_every_endpoint(world, api):
    response = api("alice").get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)

    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema

    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "CPPCC duty-performance portal API"
    assert [p for p in API_PATHS if p not in schema["paths"]] == []


def test_schema_is_served_as_json_too(world, api):
    response = api("bob").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["paths"]["/api/v1/me/"]["get"]["responses"]["200"]


def test_schema_generation_has_no_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert (tmp_path / "schema.yml").read_text(encoding="utf-8").startswith("openapi: 3")


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_page_uses_local_assets_only(world, api, url):
    response = api("alice").get(url)

    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r"""(?:src|href)=["'](https?:)?//[^"']+""", html)
    assert external == []
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html
