"""Validate loaded data: the pydantic model first, then the cross-field rules.

Pydantic's errors are turned into hostgen problems here: the error's location is projected onto
the data (union tags and the like dropped), and each error type gets a message that says what was
expected and what was found, with the closest valid key for a misspelt one.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from hostgen.site.loader import Loaded
from hostgen.site.model import Site
from hostgen.site.partial import Parts, prune
from hostgen.site.problems import Loc, Problem, close_match
from hostgen.site.rules import check_site


@dataclass(frozen=True)
class Validated:
    """The outcome of validation: the model, or the model of the parts that validated."""

    site: Site | None          # the whole model; None when any part is broken
    parts: Site | None         # the model rules ran on: `site`, or the valid parts of a broken one
    problems: list[Problem]
    held: Parts = dataclasses.field(default_factory=Parts)   # what waits for a fix


def validate(loaded: Loaded) -> tuple[Site | None, list[Problem]]:
    """The valid model (None if it could not be built) and every problem found."""
    result = validate_parts(loaded)
    return result.site, result.problems


def validate_parts(loaded: Loaded) -> Validated:
    """Validate, and when parts are broken, run the rules on the parts that are not."""
    problems = list(loaded.problems)  # duplicate keys and the like: the data is still usable
    data = loaded.data
    if data is None:
        return Validated(None, None, problems)
    if not isinstance(data, dict):
        return Validated(None, None, [*problems, Problem(
            (), f"expected a mapping with the keys {_keys(Site)}, got {_describe(data)}")])
    try:
        site = Site.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        return Validated(site, site, [*problems, *check_site(site)])
    problems += [_translate(error, data) for error in errors]
    parts, held = _valid_parts(data, errors)
    if parts is None:
        return Validated(None, None, problems, held)
    found = [p for p in check_site(parts) if not held.is_held(p)]
    return Validated(None, parts, [*problems, *found], held)


def _valid_parts(data: dict[str, Any], errors: list[Any]) -> tuple[Site | None, Parts]:
    """The model of `data` with every broken unit replaced by a placeholder (hostgen.site.partial).
    Placeholders validate, so one pass suffices; a second one catches what a replaced unit's
    neighbours might still trip on, after which the rules wait for a whole model."""
    broken = {_project(error["loc"], data) for error in errors}
    for _ in range(3):
        result = prune(data, broken)
        if result is None:
            return None, Parts()
        pruned, held = result
        try:
            return Site.model_validate(pruned), held
        except ValidationError as exc:
            broken |= {_project(error["loc"], pruned) for error in exc.errors()}
    return None, Parts()


def model_problems(model: type[BaseModel], data: Any) -> list[Problem]:
    """The problems of `data` as one part of the site, a `model` (a Server, a Location), with
    locations relative to `data`: what an importer checks of each part it writes."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [_translate(error, data, model) for error in exc.errors()]
    return []


def _keys(model: type[BaseModel]) -> str:
    return ", ".join(field.alias or name for name, field in model.model_fields.items())


def _project(loc: tuple[Any, ...], data: Any) -> Loc:
    """Keep the parts of a pydantic location that are real keys or indexes of the data."""
    kept: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            kept.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            kept.append(part)
            node = node[part]
        # anything else is pydantic's own (a union member's tag, "[key]"): not in the file
    return tuple(kept)


def _model_at(loc: Loc, root: type[BaseModel] = Site) -> type[BaseModel] | None:
    """The model class that owns the mapping at `loc` (None if it is not a model)."""
    kind: Any = root
    for part in loc:
        kind = _child_type(kind, part)
        if kind is None:
            return None
    models = _models_in(kind)
    return models[0] if models else None


def _child_type(kind: Any, part: str | int) -> Any:
    for model in _models_in(kind):
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    for container in _unwrap(kind):
        origin = typing.get_origin(container)
        if origin is list and isinstance(part, int):
            return typing.get_args(container)[0]
        if origin is dict and isinstance(part, str):
            return typing.get_args(container)[1]
    return None


def _unwrap(kind: Any) -> list[Any]:
    origin = typing.get_origin(kind)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(kind)[0])
    if origin in (typing.Union, types.UnionType):
        return [member for arg in typing.get_args(kind) for member in _unwrap(arg)]
    return [kind]


def _models_in(kind: Any) -> list[type[BaseModel]]:
    return [k for k in _unwrap(kind) if isinstance(k, type) and issubclass(k, BaseModel)]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} value"


_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "float_type": "a number",
}


def _translate(error: Any, data: Any, root: type[BaseModel] = Site) -> Problem:
    kind, ctx = error["type"], error.get("ctx") or {}
    loc = _project(error["loc"], data)
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        model = _model_at(loc[:-1], root)
        valid = [f.alias or n for n, f in model.model_fields.items()] if model else []
        close = close_match(key, valid)
        hint = f' (did you mean "{close}"?)' if close else \
            (f" (valid keys: {', '.join(valid)})" if valid else "")
        return Problem(loc, f'unknown key "{key}"{hint}', at="key")
    if kind == "missing":
        return Problem(loc, f'missing required key "{error["loc"][-1]}"')
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        model = _model_at(loc, root)
        if model is not None and expected == "a mapping":
            expected = f"a mapping with the keys {_keys(model)}"
        return Problem(loc, f"expected {expected}, got {_describe(value)}")
    if kind == "literal_error":
        return Problem(loc, f"expected one of {ctx['expected']}, got {_describe(value)}")
    if kind in ("greater_than_equal", "greater_than"):
        return Problem(loc, f"must be at least {ctx.get('ge', ctx.get('gt'))}, got {value}")
    if kind in ("less_than_equal", "less_than"):
        return Problem(loc, f"must be at most {ctx.get('le', ctx.get('lt'))}, got {value}")
    if kind == "too_short":
        return Problem(loc, "must not be empty")
    if kind == "string_too_long":
        return Problem(loc, f"must be at most {ctx['max_length']} characters")
    if kind == "string_pattern_mismatch":
        return Problem(loc, _pattern_message(loc, value))
    message = str(error["msg"])
    if kind == "hostgen" and message.startswith("expected") and ", got" not in message:
        message = f"{message}, got {_describe(value)}"  # a union's one message lacks the input
    return Problem(loc, message)


def _pattern_message(loc: Loc, value: Any) -> str:
    last = loc[-1] if loc else ""
    if last in ("default_type", "type"):
        return f'expected a media type such as "text/plain", got {_describe(value)}'
    if len(loc) > 1 and loc[-2] == "extensions":
        return f'expected a file name extension such as "md", got {_describe(value)}'
    if last == "selector":
        return f"expected a DKIM selector (letters, digits, '.', '-', '_'), got {_describe(value)}"
    return f"unexpected form: {_describe(value)}"
