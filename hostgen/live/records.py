"""`record`: a dataclass that mypy holds frozen and Python does not make frozen.

Why: `hostgen check` imports about 45 dataclasses (the httpd.conf parser and the request
simulator), and on Python 3.11 each method a dataclass generates is compiled by its own exec.
A frozen one adds `__setattr__` and `__delattr__`, and its `__init__` goes through
object.__setattr__ for every field: measured on 3.11.7 (best of 300 definitions of a class of 6
fields), frozen with eq and repr 804 us, the same not frozen with `unsafe_hash` about 520 us,
not frozen without eq and repr 262 us; and the non-frozen `__init__` runs about twice as fast,
which the simulator pays per request (Request, Prepared, Context, Outcome, Answer).

What is kept: `typing.dataclass_transform(frozen_default=True)` makes mypy (strict; run with
the suite by tests/test_tooling.py) refuse any assignment to a field, as it does for a frozen
dataclass, so nothing in hostgen changes a record once made. With `eq` (the default) a record
has the `__hash__` of a frozen dataclass, the hash of the tuple of its fields, so it stays
usable as a dict key, in sets and lru_caches. That `__hash__` and the `__repr__` (the very text
dataclasses writes, `Name(field=value, ...)`, "..." for a record inside itself) are closures
over the field names, not methods compiled per class: the parse tree's 19 classes define in
about 7 ms instead of 10 (their `__init__` and `__eq__` are still dataclasses'; pytest reads a
dataclass's own `__eq__` to show which fields differ). `eq=False` / `repr=False` are for
records nothing compares or prints (identity equality and hash, object's repr).
hostgen/httpd/simulate/conf.py's Conf and live/httpd_fastpath.py's Token took this road first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter
from reprlib import recursive_repr
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


@overload
def record(cls: type[_T], /) -> type[_T]: ...


@overload
def record(*, kw_only: bool = False, eq: bool = True, repr: bool = True,
           slots: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_T] | None = None, /, *, kw_only: bool = False, eq: bool = True,
           repr: bool = True, slots: bool = False) -> Any:
    """`@record` or `@record(kw_only=..., eq=..., repr=..., slots=...)` on a class."""
    def make(klass: type[_T]) -> type[_T]:
        body = klass.__dict__  # a class writing __eq__ gets __hash__ None from Python itself
        if eq and "__hash__" in body and not (body["__hash__"] is None and "__eq__" in body):
            # as dataclass(unsafe_hash=True) refuses
            raise TypeError(f"Cannot overwrite attribute __hash__ in class {klass.__name__}")
        own_repr = "__repr__" in body  # kept, as dataclass keeps it
        made: Any = dataclass(klass, kw_only=kw_only, eq=eq, repr=False, slots=slots)
        if eq:  # dataclass set __hash__ to None (eq and not frozen): give frozen's back
            made.__hash__ = _hasher(tuple(
                f.name for f in fields(made) if (f.compare if f.hash is None else f.hash)))
        if repr and not own_repr:
            made.__repr__ = _representer(tuple(f.name for f in fields(made) if f.repr))
        return made  # type: ignore[no-any-return]

    return make if cls is None else make(cls)


def _hasher(names: tuple[str, ...]) -> Callable[[Any], int]:
    """The `__hash__` dataclasses writes for these fields: hash((self.a, self.b, ...))."""
    if len(names) == 1:
        (name,) = names

        def one(self: Any) -> int:
            return hash((getattr(self, name),))
        return one
    key = attrgetter(*names) if names else (lambda self: ())  # a tuple for 2+ names

    def many(self: Any) -> int:
        return hash(key(self))
    return many


def _representer(names: tuple[str, ...]) -> Callable[[Any], str]:
    """The `__repr__` dataclasses writes for these fields, recursion guard included."""
    @recursive_repr()
    def represent(self: Any) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"
    return represent
