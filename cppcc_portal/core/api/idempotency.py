"""The Idempotency-Key header: a client that retries a POST (a phone on a flaky network) gets
the first answer back instead of creating the item twice.

The key is stored with a hash of the request body in the same transaction as the creation, so
either both exist or neither does; a concurrent duplicate waits on the unique index and then
replays the stored answer.
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response

from cppcc_portal.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _hash(request) -> str:
    try:
        body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
    except Exception:
        body = repr(request.data)
    return hashlib.sha256(body.encode()).hexdigest()


class IdempotentCreateMixin:
    """For viewsets: ``create`` honours an Idempotency-Key header around ``create_once``."""

    def create_once(self, request, *args, **kwargs):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        key = request.META.get(HEADER, "").strip()
        if not key:
            return self.create_once(request, *args, **kwargs)
        if len(key) > 100:
            return Response({"detail": _("The Idempotency-Key header may have at most 100 characters.")},
                            status=status.HTTP_400_BAD_REQUEST)
        endpoint = request.path
        digest = _hash(request)
        existing = IdempotencyRecord.objects.filter(user=request.user, endpoint=endpoint, key=key).first()
        if existing is not None:
            return self._replay(existing, digest)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=request.user, endpoint=endpoint, key=key,
                                                          request_hash=digest)
                response = self.create_once(request, *args, **kwargs)
                if response.status_code >= 400:
                    # A failed attempt does not use up the key: roll the record back.
                    transaction.set_rollback(True)
                    return response
                record.status_code = response.status_code
                record.response = response.data
                record.save(update_fields=["status_code", "response"])
                return response
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(user=request.user, endpoint=endpoint, key=key).first()
            if existing is None:
                raise
            return self._replay(existing, digest)

    @staticmethod
    def _replay(record: IdempotencyRecord, digest: str) -> Response:
        if record.request_hash != digest:
            return Response({"detail": _("This Idempotency-Key was used for a different request.")},
                            status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        response = Response(record.response, status=record.status_code or status.HTTP_201_CREATED)
        response["Idempotent-Replayed"] = "true"
        return response
