"""Outside channels a notification can be delivered through.

The in-app inbox is the Notification row itself; every other channel is a subclass of
Channel named in settings.NOTIFICATION_CHANNELS. An SMS or WeChat gateway is one more subclass:
``address_for`` picks the user's address (None skips the channel for that user) and ``send``
raises on failure so the delivery is retried.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class Channel:
    name: str = ""

    def address_for(self, user) -> str | None:
        raise NotImplementedError

    def send(self, *, address: str, title: str, body: str, url: str) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def address_for(self, user) -> str | None:
        return user.email or None

    def send(self, *, address: str, title: str, body: str, url: str) -> None:
        text = body
        if url:
            base = getattr(settings, "PORTAL_BASE_URL", "")
            text = f"{body}\n\n{base}{url}" if body else f"{base}{url}"
        send_mail(title, text, None, [address], fail_silently=False)


@cache
def configured_channels() -> dict[str, Channel]:
    channels = {}
    for path in settings.NOTIFICATION_CHANNELS:
        channel = import_string(path)()
        channels[channel.name] = channel
    return channels
