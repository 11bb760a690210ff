"""The duty record's tests use the consultation world (tests/consultations/conftest.py): the
cast, the handling world, kinds, bulletins and an information officer."""

from tests.consultations.conftest import (  # noqa: F401
    ConsultationWorld,
    Handling,
    Proposals,
    _media_root,
    clock,
    cw,
    h,
    pp,
    sent,
)
