"""`check --live`: spamd sees mail only if pf diverts port 25 to it (spamd.md 3, 6.2 of
smtpd-conf.md). Reads ROOT/etc/pf.conf (with what it includes and the anchors it loads) and
warns, naming the pf.conf line, when no rule diverts smtp to spamd, when an old `rdr-to` rule
does it, or when the `<spamd-white>` / `<nospamd>` tables are missing. The fix is in the message
and in the README ("The whole host").
"""

from __future__ import annotations

import re
from pathlib import Path

from hostgen.live import pfconf
from hostgen.site.model import Site
from hostgen.site.problems import Problem

PF_CONF = "/etc/pf.conf"
SPAMD_PORT = 8025   # the `spamd` service (spamd.md 2.1; the number is marked unverified there)
RULE = "spamd-pf"
DIVERT = "pass in on egress inet proto tcp to any port smtp divert-to {address} port {port}"
TABLES = {   # table -> the line spamd.md 3.1 gives for it
    "spamd-white": "table <spamd-white> persist",
    "nospamd": 'table <nospamd> persist file "/etc/mail/nospamd"',
}


def check_pf(site: Site, root: Path) -> list[Problem]:
    spamd = site.spamd
    if spamd is None:
        return []
    address = spamd.listen or "127.0.0.1"
    ports = {str(spamd.port)} if spamd.port is not None else {"spamd", str(SPAMD_PORT)}
    fix = DIVERT.format(address=address, port=spamd.port or "spamd")
    conf = pfconf.parse(PF_CONF, lambda path: _read(root, path))
    if conf is None:
        return [_warn(f"{PF_CONF}: no such file: spamd gets no mail unless pf diverts smtp to "
                      f"it: {fix}")]
    problems = [_warn(f"{path}:{line}: cannot read {name}: pf refuses the whole ruleset")
                for path, line, name in conf.missing]
    diverts = [s for s in conf.statements if _to_smtp(s.words) and
               _target(s.words, "divert-to") in {(address, p) for p in ports}]
    redirects = [s for s in conf.statements if _to_smtp(s.words) and
                 _target(s.words, "rdr-to") in {(address, p) for p in ports}]
    end = f"{PF_CONF}:{conf.last_line.get(PF_CONF, 1)}"
    if redirects and not diverts:
        first = redirects[0]
        problems.append(_warn(f"{first.path}:{first.line}: rdr-to hands smtp to spamd without "
                              "its original destination (spamd uses divert-to since OpenBSD "
                              f"5.8); write: {fix}"))
    elif not diverts:
        # pf takes the last matching rule: the divert rule goes after the general pass rules
        passes = [s for s in conf.statements if s.words[:1] == ["pass"]]
        at = f"{passes[-1].path}:{passes[-1].line}" if passes else end
        problems.append(_warn(f"{at}: spamd is configured but no rule diverts smtp to it "
                              f'(divert-to {address} port {spamd.port or "spamd"}); add after '
                              f"this rule: {fix}"))
    declared = [s for s in conf.statements if s.words[:1] == ["table"]]
    tables = {_table_name(s.words) for s in declared}
    for statement in declared:
        for name in _table_files(statement.text):
            if _read(root, name) is None:
                where_ = f"{statement.path}:{statement.line}"
                problems.append(_warn(f"{where_}: {name}: no such file: pfctl refuses a "
                                      "ruleset whose table file it cannot read (an empty "
                                      "file will do)"))
    first_rule = next((s for s in conf.statements
                       if s.words[:1] and s.words[0] in ("pass", "block", "match")), None)
    where = f"{first_rule.path}:{first_rule.line}" if first_rule else end
    for table, line in TABLES.items():
        if table not in tables:
            problems.append(_warn(f"{where}: no <{table}> table, which spamd needs; add before "
                                  f"this rule: {line}"))
    return problems


def _warn(message: str) -> Problem:
    return Problem(("spamd",), message, level="warning", rule=RULE, at="key")


def _read(root: Path, host_path: str) -> str | None:
    try:
        return (root / host_path.lstrip("/")).read_text(errors="replace")
    except OSError:
        return None


def _table_name(words: list[str]) -> str:
    return words[1].strip("<>") if len(words) > 1 else ""


def _table_files(text: str) -> list[str]:
    """The files a `table <name> ... file "PATH"` statement loads."""
    return re.findall(r'\bfile\s+"([^"]*)"', text)


def _to_smtp(words: list[str]) -> bool:
    """A `pass` rule whose destination port (after `to`) is smtp."""
    if not words or words[0] != "pass" or "to" not in words:
        return False
    rest = words[words.index("to"):]
    if "port" not in rest:
        return False
    after = rest[rest.index("port") + 1:]
    if after[:1] == ["="]:
        after = after[1:]
    ports = after[1:after.index("}")] if after[:1] == ["{"] and "}" in after else after[:1]
    return bool({"smtp", "25"} & set(ports))


def _target(words: list[str], keyword: str) -> tuple[str, str] | None:
    """(address, port) after `divert-to` or `rdr-to`; the port is `smtp` (kept) when absent."""
    if keyword not in words:
        return None
    rest = words[words.index(keyword) + 1:]
    if not rest:
        return None
    port = rest[2] if len(rest) > 2 and rest[1] == "port" else "smtp"
    return rest[0], port
