"""Checks that run a rendered site through the request simulator: lints.check_lints (locations
that can never answer, redirects that loop, ...) and expectations.run_expectations (the site's
`expect:` list). After render and httpd.simulate; imported only by `check`. fleet.fleet_problems
looks across the hosts of a fleet folder (one name served by two hosts, a DKIM selector reused).
"""
