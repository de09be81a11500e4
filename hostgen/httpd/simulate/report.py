"""How `hostgen route` shows answers: aligned text for people, JSON for scripts."""

from __future__ import annotations

from typing import Any

from hostgen.httpd.simulate.conf import Conf
from hostgen.httpd.simulate.engine import Answer
from hostgen.httpd.simulate.request import Request
from hostgen.httpd.simulate.sources import Source


def describe_request(url: str, request: Request) -> list[str]:
    host = "no Host header" if request.host is None else f"Host: {request.host}"
    tls = ", TLS" if request.tls else ""
    to = f" at {request.address}" if request.address else ""
    return [f"request   {url}",
            f"          {request.method} {request.target}, {host}, port {request.port}{tls}{to}"]


def text(url: str, answers: list[Answer], source: Source) -> list[str]:
    lines = describe_request(url, answers[0].request)
    for answer in answers:
        indent = ""
        if len(answers) > 1:
            lines.append("if " + " and ".join(answer.conditions) + ":")
            indent = "  "
        lines += [indent + line for line in _answer(answer, source)]
    return lines


def _answer(answer: Answer, source: Source) -> list[str]:
    lines: list[str] = []
    entry = answer.entry
    if entry is not None:
        tls = " tls" if entry.tls else ""
        where = source.where_server(entry)
        lines.append(f'server    "{entry.name}" on {entry.address.text}{tls} port {entry.port}'
                     f"  ({where})")
    lines += [f"          {why}" for why in answer.why]
    for step, conf in answer.chain:
        if step == "rewrite":
            lines.append(f"rewrite   {answer.rewrite}")
        elif step == "index":
            lines.append("index     the directory's index is looked up again")
        lines.append(_location(step, conf, answer, source))
    if answer.captures:
        shown = " ".join(f"%{i}={value}" for i, value in enumerate(answer.captures))
        lines.append(f"captures  {shown}")
    lines.append(f"outcome   {answer.outcome.summary()}")
    lines += [f"note      {note}" for note in answer.notes]
    return lines


def _location(step: str, conf: Conf, answer: Answer, source: Source) -> str:
    assert answer.entry is not None
    where = source.where(answer.entry, conf)
    if conf.location is None:
        return f"location  none matches: the server's own settings  ({where})"
    return f"location  {conf.label.removeprefix('location ')}  ({where})"


def as_json(url: str, answers: list[Answer], source: Source) -> dict[str, Any]:
    request = answers[0].request
    return {
        "url": url,
        "request": {"method": request.method, "target": request.target, "host": request.host,
                    "port": request.port, "tls": request.tls, "address": request.address},
        "answers": [_answer_json(answer, source) for answer in answers],
    }


def _answer_json(answer: Answer, source: Source) -> dict[str, Any]:
    entry = answer.entry
    outcome = answer.outcome
    server = None
    if entry is not None:
        server = {"name": entry.name, "address": entry.address.text, "port": entry.port,
                  "tls": entry.tls, "at": source.where_server(entry)}
    steps = []
    if entry is not None:
        steps = [{"step": step,
                  "location": conf.label.removeprefix("location ") if conf.location else None,
                  "number": conf.number + 1 if conf.location else None,
                  "at": source.where(entry, conf)} for step, conf in answer.chain]
    return {
        "conditions": list(answer.conditions),
        "path": answer.path,
        "server": server,
        "why": list(answer.why),
        "steps": steps,
        "captures": list(answer.captures) if answer.captures else None,
        "rewrite": answer.rewrite,
        "outcome": {"kind": outcome.kind, "status": outcome.status,
                    "location": outcome.location, "path": outcome.path,
                    "params": dict(outcome.params), "reason": outcome.reason,
                    "summary": outcome.summary()},
        "notes": list(answer.notes),
    }
