"""What every part of the site model shares: the strict base class and one-of unions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Discriminator


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def one_of(expected: str, **tests: Callable[[Any], bool]) -> Discriminator:
    """Validate a union with exactly one member, the first whose test accepts the value, so a
    bad value gives one clear error ("expected ...") instead of one error per member. Each
    member of the union is tagged with the name of its test."""

    def pick(value: Any) -> str | None:
        return next((tag for tag, test in tests.items() if test(value)), None)

    return Discriminator(pick, custom_error_type="hostgen", custom_error_message=expected)


def is_(kind: type) -> Callable[[Any], bool]:
    return lambda value: type(value) is kind


def is_false(value: Any) -> bool:
    return value is False


def is_true(value: Any) -> bool:
    return value is True
