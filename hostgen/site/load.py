"""site.yaml -> load (positions kept) -> validate -> a LoadedSite, or every problem at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hostgen.errors import HostgenError, InvalidSite
from hostgen.site.fleet import Includes, load_document
from hostgen.site.model import Site
from hostgen.site.problems import Positions, Problem, format_problems, has_errors
from hostgen.site.validate import Validated, validate_parts


@dataclass(frozen=True)
class LoadedSite:
    path: Path
    filename: str            # as the user named it: what problems are reported against
    site: Site
    positions: Positions
    warnings: list[Problem]

    def format(self, problems: list[Problem]) -> list[str]:
        return format_problems(problems, self.positions, self.filename)


def read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HostgenError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HostgenError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def check_site_file(path: Path, includes: Includes | None = None, shown: str | None = None
                    ) -> tuple[Site | None, list[Problem], Positions]:
    """Every problem of the file (and of the files it includes), the model when there is no
    error, and the positions. `shown`: how messages name the file (default: `path`)."""
    result, positions = validate_file(path, includes, shown)
    return result.site, result.problems, positions


def validate_file(path: Path, includes: Includes | None = None, shown: str | None = None
                  ) -> tuple[Validated, Positions]:
    """Every problem of the file and its includes, the model or the model of its valid parts,
    and the positions."""
    loaded = load_document(path, shown or str(path), read_text(path), includes)
    return validate_parts(loaded), loaded.positions


def load_site(path: Path, includes: Includes | None = None, shown: str | None = None
              ) -> LoadedSite:
    """The validated site, or InvalidSite carrying every positioned problem."""
    site, problems, positions = check_site_file(path, includes, shown)
    filename = shown or str(path)
    if site is None or has_errors(problems):
        lines = format_problems(problems, positions, filename)
        raise InvalidSite(filename, lines, sum(p.level == "error" for p in problems))
    return LoadedSite(path, filename, site, positions, problems)
