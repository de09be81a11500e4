"""The `expect:` list of site.yaml: URLs and what the rendered httpd.conf must answer them.

Each expectation is routed through the request simulator (hostgen.httpd.simulate) against the
configuration the site renders. `status` is compared with the answer's status (a static file,
a listing or a FastCGI hand-over count as 200; `drop` is a connection closed without an
answer); `location` with the path or match text of a location the request goes through (the
one that matches the URL, and those reached after a rewrite or an index lookup); `redirect`
with the Location header after macro and %N expansion. When the answer depends on files hostgen
cannot see (a `found` / `not found` location), an expectation holds if one of the possible
answers meets it. A failure is an error positioned at the expectation's field.
"""

from __future__ import annotations

from hostgen.errors import HostgenError
from hostgen.httpd.simulate import Answer, BadUrl, Files, request_from_url, simulate
from hostgen.httpd.simulate.sources import SiteSource, from_site
from hostgen.site.load import LoadedSite
from hostgen.site.model import Expectation
from hostgen.site.problems import Loc, Problem

RULE = "expect"


def run_expectations(loaded: LoadedSite, files: Files | None = None) -> list[Problem]:
    """Problems for the expectations the rendered configuration does not meet."""
    expectations = loaded.site.expect
    if not expectations:
        return []
    if loaded.site.httpd is None:
        return [Problem(("expect",), "expectations need an httpd section to be checked")]
    try:
        source = from_site(loaded)
    except HostgenError as error:
        return [Problem(("expect",), f"the rendered httpd.conf cannot be routed: {error}")]
    problems: list[Problem] = []
    for index, expectation in enumerate(expectations):
        problems += check_expectation(source, expectation, ("expect", index), files)
    return problems


def check_expectation(source: SiteSource, expectation: Expectation, loc: Loc,
                      files: Files | None = None) -> list[Problem]:
    try:
        request = request_from_url(expectation.url)
    except BadUrl as error:
        return [Problem((*loc, "url"), str(error), rule=RULE)]
    answers = simulate(source.table, request, files)
    failures = [_failures(expectation, answer) for answer in answers]
    if any(not failed for failed in failures):
        return []
    key, wanted = failures[0][0]
    return [Problem((*loc, key), f"{expectation.url}: expected {wanted}, but "
                    f"{_describe(answers[0], source)}", rule=RULE)]


def _failures(expectation: Expectation, answer: Answer) -> list[tuple[str, str]]:
    """(field, what was expected) for each field the answer does not meet."""
    failed: list[tuple[str, str]] = []
    outcome = answer.outcome
    if outcome.status != expectation.status:
        failed.append(("status", f"status {expectation.status}"))
    if expectation.location is not None:
        seen = [conf.location.pattern for conf in answer.locations if conf.location]
        if expectation.location not in seen:
            failed.append(("location", f'location "{expectation.location}"'))
    if expectation.redirect is not None and outcome.location != expectation.redirect:
        failed.append(("redirect", f"a redirect to {expectation.redirect}"))
    return failed


def _describe(answer: Answer, source: SiteSource) -> str:
    outcome = answer.outcome.summary()
    if answer.entry is None:
        return f"httpd answers {outcome}"
    where = f'server "{answer.entry.name}" port {answer.entry.port}'
    locations = answer.locations
    if locations:
        shown = ", then ".join(f'{conf.label} ({source.where(answer.entry, conf)})'
                               for conf in locations)
        where += f", {shown}"
    else:
        where += ", no location"
    assumed = f" (if {' and '.join(answer.conditions)})" if answer.conditions else ""
    return f"{where} answers {outcome}{assumed}"
