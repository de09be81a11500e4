"""hostgen schema: the JSON Schema of site.yaml, generated from the model."""

from __future__ import annotations

import argparse
import json
from typing import Any

from hostgen.site.loader import INCLUDE
from hostgen.site.model import Site

# `include:` is read by the loader, before the model sees the data (hostgen.site.fleet): any
# mapping may say it, and one that does may leave its required keys to the files it names.
INCLUDE_SCHEMA = {
    "description": "files merged into this mapping, in order; its own keys win "
                   "(paths relative to this file)",
    "anyOf": [{"type": "string", "minLength": 1},
              {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}],
}


def schema(fleet: bool = False) -> dict[str, object]:
    """The schema of site.yaml; with `fleet`, of the files of a fleet, where no key is required
    (a mapping may get any of them from what it or a mapping above it includes)."""
    document = Site.model_json_schema(by_alias=True)
    _allow_include(document, fleet)
    title = "hostgen fleet file (a host or a shared part)" if fleet else "hostgen site.yaml"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
            **document}


def _allow_include(node: Any, fleet: bool) -> None:
    """Give every mapping of the model an `include` key. A mapping that has one may leave its
    required keys to the files it names; in a fleet file no key is required at all."""
    if isinstance(node, list):
        for item in node:
            _allow_include(item, fleet)
        return
    if not isinstance(node, dict):
        return
    for value in node.values():
        _allow_include(value, fleet)
    if node.get("type") == "object" and "properties" in node:
        node["properties"][INCLUDE] = INCLUDE_SCHEMA
        required = node.pop("required", None)
        if required and not fleet:
            # if/then rather than anyOf: an editor still names the unknown key, not "valid
            # under none of the schemas"
            node["if"] = {"not": {"required": [INCLUDE]}}
            node["then"] = {"required": required}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "schema", help="print the JSON Schema of site.yaml",
        description="Print the JSON Schema of site.yaml, for editors that validate and complete "
                    "YAML (save it as site.schema.json next to site.yaml; the first line of "
                    "site.yaml names it). Any mapping may say include:, and then leave its "
                    "required keys to the files it names.", epilog="exit codes: 0")
    parser.add_argument("--fleet", action="store_true",
                        help="the schema for the files of a fleet folder and their shared "
                             "parts: no key is required, since any may come from an include")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(schema(args.fleet), indent=2, sort_keys=True))
    return 0
