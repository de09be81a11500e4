"""The JSON Schemas an editor reads: site.schema.json for site.yaml, and the fleet's, judged by a
real JSON Schema validator (jsonschema, draft 2020-12) on the files hostgen ships."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from ruamel.yaml import YAML

from hostgen.cli import main

REPO = Path(__file__).resolve().parent.parent
FLEET = REPO / "examples" / "fleet"


def validator(path: Path) -> Draft202012Validator:
    return Draft202012Validator(json.loads(path.read_text()))


def data(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def first_error(path: Path, document: Any) -> tuple[list[Any], str] | None:
    error = best_match(validator(path).iter_errors(document))
    return None if error is None else (list(error.absolute_path), error.message)


@pytest.mark.parametrize(("argv", "shipped"), [
    (["schema"], REPO / "site.schema.json"),
    (["schema", "--fleet"], FLEET / "site.schema.json"),
])
def test_the_shipped_schemas_are_what_the_command_prints(
        argv: list[str], shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert capsys.readouterr().out == shipped.read_text()


def test_the_story_site_is_valid_for_its_schema() -> None:
    assert first_error(REPO / "site.schema.json", data(REPO / "site.yaml")) is None


@pytest.mark.parametrize("name", ["hosts/mx.yaml", "hosts/web1.yaml", "hosts/web2.yaml",
                                  "common/base.yaml", "common/mail.yaml", "common/tls.yaml"])
def test_every_fleet_file_is_valid_for_the_fleet_schema(name: str) -> None:
    """A host that gets dkimproxy's key from an include still names its selector: no key is
    required in a fleet file."""
    assert first_error(FLEET / "site.schema.json", data(FLEET / name)) is None


@pytest.mark.parametrize("schema", [REPO / "site.schema.json", FLEET / "site.schema.json"])
def test_a_misspelt_key_beside_an_include_is_named(schema: Path) -> None:
    document = {"host": {"name": "a.example.org"},
                "httpd": {"servers": [{"include": "www.yaml", "nmae": "b.example.org"}]}}
    assert first_error(schema, document) == (
        ["httpd", "servers", 0], "Additional properties are not allowed ('nmae' was unexpected)")


def test_a_mapping_with_include_leaves_its_required_keys_to_the_files() -> None:
    schema = REPO / "site.schema.json"
    assert first_error(schema, {"host": {"name": "a.example.org"},
                                "resolver": {"include": "resolver.yaml"}}) is None
    assert first_error(schema, {"host": {"name": "a.example.org"},
                                "resolver": {"fallback": ["192.0.2.53"]}}) is not None
    assert first_error(schema, {"host": {"name": "a.example.org"},
                                "resolver": {"include": ""}}) is not None


def test_only_the_fleet_schema_leaves_out_required_keys_deep_down() -> None:
    """dkimproxy: {selector: mx} is whole once common/mail.yaml is merged at the top."""
    partial = {"include": "../common/mail.yaml", "host": {"name": "mx.example.org"},
               "dkimproxy": {"selector": "mx"}}
    assert first_error(FLEET / "site.schema.json", partial) is None
    assert first_error(REPO / "site.schema.json", partial) is not None
