"""Who sees what: one table, used by the selector tests, the API tests and the page tests.

Values are names of ``world`` attributes (see tests/conftest.py).
"""

from __future__ import annotations

ALL_ROLES = ("root", "alice", "fiona", "lily", "bob", "carol", "dave", "eve")

_A = {"root": "a a1 b", "alice": "a", "fiona": "a a1", "lily": "a", "bob": "a", "carol": "a", "dave": "b", "eve": ""}


def _per_committee(pattern: str) -> dict[str, set[str]]:
    """Objects that follow the committees a user can see (one per committee in the world)."""
    return {role: {pattern.format(c) for c in committees.split()} for role, committees in _A.items()}


def _table(rows: dict[str, str]) -> dict[str, set[str]]:
    return {role: set(names.split()) for role, names in rows.items()}


VISIBLE: dict[str, dict[str, set[str]]] = {
    "committees": _per_committee("{}"),
    "terms": _per_committee("term_{}"),
    "sessions": _per_committee("session_{}"),
    "sectors": _per_committee("sector_{}"),
    "special-committees": _per_committee("sc_{}"),
    "studios": _per_committee("studio_{}"),
    # Staff and leaders see the roster of their committees, a member the roster of their own;
    # a liaison sees no roster.
    "members": _table({
        "root": "bob_seat ada_seat ben_seat", "alice": "bob_seat", "fiona": "bob_seat ada_seat", "lily": "bob_seat",
        "bob": "bob_seat", "carol": "", "dave": "", "eve": "",
    }),
    # A liaison sees only their own department.
    "departments": _table({
        "root": "dept_a dept_a2 dept_a1 dept_b", "alice": "dept_a dept_a2", "fiona": "dept_a dept_a2 dept_a1",
        "lily": "dept_a dept_a2", "bob": "dept_a dept_a2", "carol": "dept_a", "dave": "dept_b", "eve": "",
    }),
    "liaisons": _table({
        "root": "carol_desk dave_desk", "alice": "carol_desk", "fiona": "carol_desk", "lily": "carol_desk",
        "bob": "", "carol": "carol_desk", "dave": "dave_desk", "eve": "",
    }),
    # Grants are visible to the staff of the committee they are on.
    "committee-roles": _table({
        "root": "alice_staff fiona_staff lily_leader", "alice": "alice_staff fiona_staff lily_leader",
        "fiona": "alice_staff fiona_staff lily_leader", "lily": "", "bob": "", "carol": "", "dave": "", "eve": "",
    }),
}

# Every object of each kind in the world, for "outside scope is 404" checks.
EVERYTHING = {kind: VISIBLE[kind]["root"] for kind in VISIBLE}

# Who may change an object of committee A (or, for A1 objects, who reaches A1).
MANAGERS_OF_A = {"root", "alice", "fiona"}
