"""Stage 2, site -> files: `render(site)` gives {relative path: Output}, pure (no disk reads
beyond the templates), every value quoted for its target format by render.quoting.
"""

from __future__ import annotations

from hostgen.render.outputs import Output, TemplateError, render, shipped_templates
from hostgen.render.quoting import UnsafeValue, httpd_quote

__all__ = ["Output", "TemplateError", "UnsafeValue", "httpd_quote", "render",
           "shipped_templates"]
