"""Domain errors that services raise and both faces (pages and API) translate.

Bad input raises django.core.exceptions.ValidationError (400, field by field); a request that
clashes with the current state of an object raises Conflict (409).
"""


class Conflict(Exception):
    """The request is valid but the object's state does not allow it now."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
