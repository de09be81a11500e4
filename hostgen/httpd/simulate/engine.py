"""One request through httpd, in server_response()'s order (httpd-conf.md 3.6):

1. pre-processing and the choice of socket and server entry;
2. the location lookup;
3. an optional `request rewrite` and a second lookup (one step only);
4. `block` (drop, 403, or a status with a Location for redirects);
5. `authenticate` (no credentials are sent: 401);
6. FastCGI, or the static file, directory or index.

When a `found` / `not found` test meets a file the simulator cannot see, the request is run
once per possibility and each answer says what it assumed.
"""

from __future__ import annotations

from hostgen.httpd.simulate.conf import BLOCK_CODE, Conf
from hostgen.httpd.simulate.disk import Choices, Files, Unknown, View
from hostgen.httpd.simulate.encoding import canonicalize_path
from hostgen.httpd.simulate.expand import BLOCK_SIZE, REWRITE_SIZE, expand
from hostgen.httpd.simulate.locations import RootUnreadable, find_location
from hostgen.httpd.simulate.outcomes import LOCATION_CODES, Outcome, drop, redirect, refused, status
from hostgen.httpd.simulate.request import Request, prepare
from hostgen.httpd.simulate.serve import serve
from hostgen.httpd.simulate.servers import choose_entry, choose_group
from hostgen.httpd.simulate.state import Run
from hostgen.httpd.simulate.table import Entry, Table
from hostgen.live.httpd_ast import BlockAction
from hostgen.live.records import record

MAX_ANSWERS = 16
_EARLY = {400: "bad request", 405: "method not allowed", 413: "request line and headers "
          "longer than 8192 bytes"}


@record(eq=False, repr=False)
class Answer:
    """What httpd does with one request, and why."""

    request: Request
    outcome: Outcome
    path: str | None = None              # the decoded, canonical path locations saw
    entry: Entry | None = None
    why: tuple[str, ...] = ()            # how the socket and the server entry were chosen
    chain: tuple[tuple[str, Conf], ...] = ()  # (lookup|rewrite|index, configuration in effect)
    captures: tuple[str, ...] | None = None
    rewrite: str | None = None           # the rewritten path (and query)
    conditions: tuple[str, ...] = ()     # what was assumed about files hostgen cannot see
    notes: tuple[str, ...] = ()

    @property
    def locations(self) -> tuple[Conf, ...]:
        """The locations the request went through (the server itself left out)."""
        return tuple(conf for _, conf in self.chain if conf.location is not None)


def simulate(table: Table, request: Request, files: Files | None = None) -> list[Answer]:
    """Every answer httpd may give `request`: one, unless files hostgen cannot see decide."""
    oracle = files if files is not None else Unknown()
    answers: list[Answer] = []
    queue: list[tuple[bool, ...]] = [()]
    while queue and len(answers) < MAX_ANSWERS:
        forced = queue.pop(0)
        choices = Choices(forced)
        answers.append(_run(table, request, View(oracle, table.chroot, choices)))
        taken = choices.taken
        queue += [(*taken[:i], not taken[i]) for i in range(len(forced), len(taken))]
    return answers


def _run(table: Table, request: Request, view: View) -> Answer:
    prepared = prepare(request)
    if isinstance(prepared, int):
        return Answer(request, status(prepared, _EARLY.get(prepared, "")))
    group, why = choose_group(table, request, prepared.hostname)
    if group is None:
        return Answer(request, refused(why[0]), prepared.path)
    if group.tls != request.tls:
        side = "TLS" if group.tls else "plain HTTP"
        return Answer(request, refused(f"port {request.port} speaks {side} only"),
                      prepared.path, why=why)
    choice = choose_entry(group, request, prepared)
    run = Run(table, request, prepared, choice.entry, choice.http_host, view)
    outcome = _decide(run)
    rewrite = None
    if run.rewritten:
        rewrite = f"{run.alias}?{run.query_alias}" if run.query_alias is not None else run.alias
    return Answer(request, outcome, prepared.path, choice.entry, why + choice.why,
                  tuple(run.chain), run.shown_captures, rewrite, view.choices.conditions(),
                  tuple(table.notes) + tuple(view.notes) + tuple(run.notes))


def _decide(run: Run) -> Outcome:
    try:
        conf = find_location(run, run.prepared.path)
    except RootUnreadable as error:
        return status(500, f"{run.view.host_path(str(error))} cannot be opened")
    run.chain.append(("lookup", conf))
    if conf.rewrite is not None:
        stopped = _rewrite(run, conf.rewrite)
        if stopped is not None:
            return stopped
    if run.conf.block is not None:
        return _block(run, run.conf.block)
    if run.conf.auth is not None:
        realm = run.conf.auth.realm or ""
        return status(401, f'authentication required, realm "{realm}"')
    return serve(run)


def _rewrite(run: Run, template: str) -> Outcome | None:
    """`request rewrite`: expand, split off a new query, canonicalize, look up again."""
    target = expand(template, run.context(template), REWRITE_SIZE)
    if target is None:
        return status(400, f'the rewrite target "{template}" does not expand')
    path, mark, query = target.partition("?")
    run.query_alias = query if mark else None
    canonical = canonicalize_path(path, REWRITE_SIZE)
    if canonical is None:
        return status(400, f'the rewritten path "{path}" is not an absolute path')
    run.alias, run.rewritten = canonical, True
    try:
        conf = find_location(run, canonical)
    except RootUnreadable as error:
        return status(500, f"{run.view.host_path(str(error))} cannot be opened")
    run.chain.append(("rewrite", conf))
    return None


def _block(run: Run, block: BlockAction) -> Outcome:
    if block.kind == "drop":
        return drop("block drop")
    code = block.code or BLOCK_CODE
    if code in LOCATION_CODES and block.uri is not None:
        location = expand(block.uri, run.context(block.uri), BLOCK_SIZE)
        if location is None:
            return drop(f'"{block.uri}" does not expand for this request: httpd closes the '
                        "connection without an answer")
        return redirect(code, location)
    return status(code)

