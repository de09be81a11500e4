"""nginx replacement strings (`rewrite` targets, `return` URLs, `try_files` fallbacks) as
httpd strings: nginx-to-httpd.md 7.4 step 5, with its known gap 4 fixed (`$1abc` is capture 1
then "abc", as ngx_http_script_compile reads one digit)."""

from __future__ import annotations

import re

from hostgen.adopt.nginx.regex import Untranslatable, Variant

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\d)|([A-Za-z_]\w*))")


def replacement(text: str, variant: Variant | None, names: dict[str, int],
                variables: dict[str, str]) -> str:
    """An nginx replacement (`rewrite`, `return`, `try_files` target) as an httpd string:
    `$N` / named captures -> `%i` of this variant, nginx variables -> httpd macros."""
    if re.search(r"%\d", text):
        raise Untranslatable(f"literal '%<digit>' in \"{text}\" would be read as a capture")
    out: list[str] = []
    pos = 0
    for found in _VARIABLE.finditer(text):
        out.append(text[pos:found.start()])
        pos = found.end()
        name = found[1] or found[2] or found[3]
        number = int(name) if name.isdigit() else names.get(name)
        if number is not None:
            if variant is None:
                raise Untranslatable(f"${name} refers to a capture, but no regex is in effect")
            if number in variant.groups:
                if text[pos:pos + 1].isdigit():
                    raise Untranslatable(f"${name} followed by a digit cannot be written "
                                         "in httpd (%N reads every digit)")
                out.append(f"%{variant.groups.index(number) + 1}")
            continue
        if name not in variables:
            raise Untranslatable(f"variable ${name} has no httpd equivalent")
        out.append(variables[name])
    out.append(text[pos:])
    return "".join(out)
