"""Who is asking, as far as the network tells."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address for rate limits: REMOTE_ADDR, or — behind NUM_PROXIES trusted
    proxies (nginx: 1) — the address the nearest trusted proxy saw, taken from the right end
    of X-Forwarded-For (entries further left are the client's own claims and not believed).
    The same rule as the API's throttles (REST_FRAMEWORK["NUM_PROXIES"])."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote
