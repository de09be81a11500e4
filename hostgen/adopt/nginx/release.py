"""What the target release cannot say: a translated location (or server key) that needs a
newer httpd is left out with the release's own message (hostgen.site.versions), rather than
written into a site.yaml that would not validate."""

from __future__ import annotations

from typing import Any

from hostgen.site.versions import requirement

# site.yaml key -> feature of hostgen.site.versions
_KEYS = {
    "match": "location_match", "found": "location_found", "rewrite": "request_rewrite",
    "strip": "request_strip", "gzip_static": "gzip_static", "hsts": "hsts",
    "errdocs": "errdocs",
}
_MACROS = {"$HTTP_HOST": "macro_HTTP_HOST", "$REQUEST_SCHEME": "macro_REQUEST_SCHEME"}


def missing(fields: dict[str, Any], release: str | None) -> str | None:
    """The message for the first feature of `fields` the release lacks, or None."""
    if release is None:
        return None
    features = [feature for key, feature in _KEYS.items() if key in fields]
    if fields.get("status") in (307, 308):
        features.append("redirect_307_308")
    for key in ("redirect", "rewrite"):
        text = fields.get(key)
        if isinstance(text, str):
            features += [feature for macro, feature in _MACROS.items() if macro in text]
    for feature in features:
        message = requirement(feature, release)
        if message is not None:
            return message
    return None
