"""hostgen schema: the JSON Schema of site.yaml, generated from the model."""

from __future__ import annotations

import argparse
import json

from hostgen.site.model import Site


def schema() -> dict[str, object]:
    document = Site.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "hostgen site.yaml", **document}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "schema", help="print the JSON Schema of site.yaml",
        description="Print the JSON Schema of site.yaml, for editors that validate and complete "
                    "YAML (save it as site.schema.json next to site.yaml; the first line of "
                    "site.yaml names it).", epilog="exit codes: 0")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(schema(), indent=2, sort_keys=True))
    return 0
