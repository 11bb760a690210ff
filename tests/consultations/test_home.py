"""The home page's consultation section: what each role is led to."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_an_information_officer_without_a_role_is_led_to_their_information(cw):
    page = _home(cw.olga)
    assert 'href="/information/mine/"' in page
    assert 'href="/information/new/"' in page


def test_a_member_is_led_to_information_and_topics(cw):
    page = _home(cw.bob)
    assert 'href="/information/mine/"' in page
    assert 'href="/consultations/topics/new/"' in page


def test_a_liaison_gets_no_information_links(cw):
    assert 'href="/information/new/"' not in _home(cw.carol)
