"""The wheel ships every subpackage and the templates (a missing one only shows on install)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    present = {".".join(p.parent.relative_to(REPO).parts)
               for p in (REPO / "hostgen").rglob("__init__.py")}
    assert listed - {"hostgen.templates"} == present
    assert config["package-dir"] == {"hostgen.templates": "templates"}
    assert sorted(p.name for p in (REPO / "templates").glob("*.j2")) == [
        "acme-client.conf.j2", "dkimproxy_out.conf.j2", "httpd.conf.j2", "httpd.tls.j2",
        "rc.conf.local.j2", "resolv.conf.j2", "smtpd.conf.j2"]
