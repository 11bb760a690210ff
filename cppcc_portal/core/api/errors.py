"""One place that turns domain errors into API responses (STYLE.md: web UI and API in step).

- django ValidationError (bad input, raised by services) → 400 with field-by-field messages
- Conflict (the object's state forbids it now) → 409
Everything else goes through DRF's own handler. Messages are in the request's language.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cppcc_portal.core.errors import Conflict


def validation_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        errors = {
            ("non_field_errors" if field == "__all__" else field): [str(m) for e in errs for m in e.messages]
            for field, errs in exc.error_dict.items()
        }
    else:
        errors = {"non_field_errors": [str(m) for m in exc.messages]}
    return {"detail": _("The input is not valid."), "errors": errors}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(validation_payload(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 400 and isinstance(response.data, dict) and "errors" not in response.data:
        response.data = {"detail": _("The input is not valid."), "errors": response.data}
    return response
