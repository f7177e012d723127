"""Domain errors. Each carries the code and HTTP status of API.md's error envelope, so one
handler in the API maps them all and the core never speaks HTTP itself."""

from __future__ import annotations

from typing import Any


class KaopingError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class BadRequest(KaopingError):
    status, code = 400, "bad_request"


class Unauthorized(KaopingError):
    status, code = 401, "unauthorized"


class Forbidden(KaopingError):
    status, code = 403, "forbidden"


class NotFound(KaopingError):
    status, code = 404, "not_found"


class Conflict(KaopingError):
    status, code = 409, "conflict"


class TooLarge(KaopingError):
    status, code = 413, "too_large"


class Invalid(KaopingError):
    status, code = 422, "invalid"
