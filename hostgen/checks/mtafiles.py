"""`check --live`: the table files smtpd.conf names must exist, or smtpd does not start
(`PATH: fopen: No such file or directory` / `invalid configuration file PATH for table NAME`,
smtpd-conf.md 3.1, N12). Read under ROOT; reported at the site.yaml key that names the file."""

from __future__ import annotations

from pathlib import Path

from hostgen.site.model import Site
from hostgen.site.problems import Loc, Problem


def tables(site: Site) -> list[tuple[Loc, str]]:
    mta = site.mta
    if mta is None:
        return []
    found: list[tuple[Loc, str | None]] = [
        (("mta", "aliases"), mta.aliases), (("mta", "virtual"), mta.virtual),
        (("mta", "submission", "auth"), mta.submission.auth if mta.submission else None),
        (("mta", "smarthost", "auth"), mta.smarthost.auth if mta.smarthost else None)]
    return [(loc, path) for loc, path in found if path is not None]


def check_mta_files(site: Site, root: Path) -> list[Problem]:
    problems = []
    for loc, path in tables(site):
        target = root / path.lstrip("/")
        if not target.is_file():
            what = "is not a file" if target.exists() else "no such file"
            hint = " (make it with makemap(8))" if path.endswith(".db") else ""
            problems.append(Problem(loc, f"{path}: {what}{hint}: smtpd refuses to start "
                                    "without its table"))
    return problems
