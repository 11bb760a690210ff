"""The client address rate limits count by, with and without trusted proxies."""

from django.test import RequestFactory


def _request(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_a_forwarded_header_is_not_believed(settings):
    from cppcc_portal.core.http import client_address

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert client_address(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_behind_one_proxy_the_address_it_saw_counts(settings):
    from cppcc_portal.core.http import client_address

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # the client claims 1.2.3.4; nginx appended the address it really saw
    assert client_address(_request("127.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"
