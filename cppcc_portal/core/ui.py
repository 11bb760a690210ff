"""Extension points of the shared pages for the apps built on the platform: entries in the main
navigation and sections of the home page. The directory's pages (members) render what is
registered here without importing the apps that register it, so dependencies keep pointing
one way; an app fills these in its ``AppConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    roles: frozenset[str]
    order: int = 100


# A home section provider gets the request and returns None (nothing for this user) or a dict
# with "template" (rendered with the dict as ``section``) and whatever that template needs.
HomeSection = Callable[..., dict | None]

_nav: list[NavEntry] = []
_home: list[tuple[int, HomeSection]] = []


def register_nav(url_name: str, label: str, roles, order: int = 100) -> None:
    """Show ``label`` (linking to ``url_name``) to users having any of ``roles`` (see
    members.selectors.Scope.roles). Registering the same URL name again replaces it."""
    _nav[:] = [e for e in _nav if e.url_name != url_name]
    _nav.append(NavEntry(url_name, label, frozenset(roles), order))
    _nav.sort(key=lambda e: e.order)


def register_home_section(provider: HomeSection, order: int = 100) -> None:
    if any(p is provider for _, p in _home):
        return
    _home.append((order, provider))
    _home.sort(key=lambda item: item[0])


def nav_entries(path: str, roles) -> list[dict]:
    """The registered entries for these roles; the one whose URL is the longest prefix of
    ``path`` is current."""
    roles = set(roles or ())
    items = [{"url": reverse(e.url_name), "label": e.label, "current": False} for e in _nav if roles & e.roles]
    matching = [item for item in items if path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return items


def home_sections(request) -> list[dict]:
    sections = []
    for _order, provider in _home:
        section = provider(request)
        if section:
            sections.append(section)
    return sections
