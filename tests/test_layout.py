"""The package reads as its pipeline, and no stage imports a later one.

Stages, earliest first (hostgen/*/__init__.py says what each holds). A module may import its
own package and any earlier stage; `commands` and `cli` may import everything. The language of
httpd (patterns, globs) is a leaf every stage may use; the simulator, which reads rendered
httpd.conf, comes after render.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hostgen"

# longest prefix wins
STAGES: dict[str, int] = {
    "hostgen.errors": 0,
    "hostgen.cache": 0,
    "hostgen.live": 1,
    "hostgen.httpd": 1,
    "hostgen.site": 2,
    "hostgen.render": 3,
    "hostgen.tls": 3,
    "hostgen.httpd.simulate": 4,
    "hostgen.checks": 5,
    "hostgen.host": 5,
    "hostgen.adopt": 6,
    "hostgen.commands": 9,
    "hostgen.cli": 9,
    "hostgen.__main__": 10,
    "hostgen": 0,  # hostgen/__init__.py: __version__ only
}


def stage_of(module: str) -> tuple[str, int]:
    for prefix in sorted(STAGES, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return prefix, STAGES[prefix]
    raise AssertionError(f"{module} belongs to no stage: add its package to STAGES")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str) -> list[tuple[int, str]]:
    """Every hostgen module the source imports, deferred imports included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            if base == "hostgen":
                found += [(node.lineno, f"hostgen.{a.name}") for a in node.names]
            elif base.startswith("hostgen."):
                found.append((node.lineno, base))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("hostgen")]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def backward(module: str, source: str) -> list[str]:
    here, rank = stage_of(module)
    return [f"{module}:{line}: {target} ({stage_of(target)[0]}) is not before {here}"
            for line, target in sorted(imported(source))
            if target != "hostgen" and stage_of(target)[0] != here
            and stage_of(target)[1] >= rank]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_a_later_stage(path: Path) -> None:
    assert backward(module_name(path), path.read_text()) == []


def test_no_relative_imports() -> None:
    # the stage test reads absolute names only
    relative = [f"{p}:{n.lineno}" for p in MODULES
                for n in ast.walk(ast.parse(p.read_text()))
                if isinstance(n, ast.ImportFrom) and n.level]
    assert relative == []


def test_the_top_level_lists_the_pipeline() -> None:
    top = sorted(p.name for p in PACKAGE.iterdir() if not p.name.startswith("__pycache__"))
    assert top == ["__init__.py", "__main__.py", "adopt", "cache.py", "checks", "cli.py",
                   "commands", "errors.py", "host", "httpd", "live", "render", "site", "tls"]


def test_the_detector_sees_a_backward_import() -> None:
    # the parametrized test would pass vacuously if imports were not read
    source = ("from hostgen.site.model import Site\n"
              "def f():\n    from hostgen.render import render\n"
              "from hostgen import tls\nfrom hostgen.httpd.patterns import match\n")
    assert backward("hostgen.site.rules.x", source) == [
        "hostgen.site.rules.x:3: hostgen.render (hostgen.render) is not before hostgen.site",
        "hostgen.site.rules.x:4: hostgen.tls (hostgen.tls) is not before hostgen.site",
    ]
    assert backward("hostgen.render.x", "from hostgen.tls import livecheck\n") == [
        "hostgen.render.x:1: hostgen.tls (hostgen.tls) is not before hostgen.render"]
    assert backward("hostgen.httpd.patterns", "import hostgen.httpd.simulate\n") == [
        "hostgen.httpd.patterns:1: hostgen.httpd.simulate (hostgen.httpd.simulate) "
        "is not before hostgen.httpd"]
