"""Cross-field rules: one module per section of site.yaml, each a function of the whole site
(httpd's, the largest, in three: httpd for the entry point, locations and names defined twice,
httpd_server for global options and servers, httpd_values for what both share)."""

from __future__ import annotations

from hostgen.site.model import Site
from hostgen.site.problems import Problem
from hostgen.site.rules.httpd import check_httpd
from hostgen.site.rules.mail import check_mail
from hostgen.site.rules.resolver import check_resolver


def check_site(site: Site) -> list[Problem]:
    return check_resolver(site) + check_httpd(site) + check_mail(site)
