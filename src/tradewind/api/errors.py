"""Errors the API answers with, all in django-ninja's validation-error shape.

Ninja reports a malformed parameter as ``422 {"detail": [{"loc": ["query", "limit"],
"msg": ..., "type": ...}]}``. A parameter that is well-formed but names nothing the store
knows (an unknown market, a language the store does not speak) is reported the same way,
so a client handles one shape and always learns which field to fix.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict


class InvalidParameter(ValueError):
    """A request parameter the store cannot serve; answered with 422 naming the field."""

    def __init__(self, field: str, message: str, source: str = "query") -> None:
        self.field = field
        self.message = message
        self.source = source
        super().__init__(f"{field}: {message}")


class NotFound(LookupError):
    """The addressed resource does not exist for this shopper; answered with 404."""


class Message(Schema):
    detail: str


class ErrorItem(Schema):
    # Ninja adds a "ctx" object to some errors (e.g. the bound a number broke).
    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrors(Schema):
    detail: list[ErrorItem]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(InvalidParameter)
    def invalid_parameter(request: HttpRequest, exc: InvalidParameter) -> HttpResponse:
        item: dict[str, Any] = {
            "loc": [exc.source, exc.field],
            "msg": exc.message,
            "type": "value_error",
        }
        return api.on_exception(request, ValidationError([item]))

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=404)
