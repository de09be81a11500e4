"""Stage 1, site.yaml in: load (positions kept) -> validate (the pydantic model, then the
cross-field rules) -> a LoadedSite, or every problem at once.

    loaded = load_site(path)     # raises InvalidSite with every positioned problem

Modules: loader (YAML with positions), problems (positioned problems and the position types),
model + model_httpd + model_base + types + versions (the inert site model, its httpd part
with every directive of httpd.conf, and their release gates), validate + rules/ (the
cross-field rules; httpd's in rules/httpd, httpd_server and httpd_values), layout (how
servers become httpd server blocks, which the rules check before anything is rendered), load
(the verbs below). Imports nothing from a later stage.
"""

from __future__ import annotations

from hostgen.site.load import LoadedSite, check_site_file, load_site, read_text

__all__ = ["LoadedSite", "check_site_file", "load_site", "read_text"]
