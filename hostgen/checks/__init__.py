"""Checks that run a rendered site through the request simulator: lints.check_lints (locations
that can never answer, redirects that loop, ...) and expectations.run_expectations (the site's
`expect:` list); with `--live`, spamdpf.check_pf (pf diverts smtp to spamd), mtafiles (smtpd's
table files exist) and acmelines (the acme-client.conf line of each certificate's names).
fleet.fleet_problems looks across the hosts of a fleet folder (one name served by two hosts, a
DKIM selector reused). After render and httpd.simulate; imported only by `check`.
"""
