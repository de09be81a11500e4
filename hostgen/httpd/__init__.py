"""What OpenBSD httpd does with a request.

The language, a leaf every stage may use: patterns (`location match`: find, match, check,
capture_count), _lua_match (the matcher it runs), globs (fnmatch_casefold, as httpd matches
`location` and server-name globs). The request simulator, simulate/ (build_table, simulate,
request_from_url), sits after render: it reads a rendered or live httpd.conf, so the site and
render stages must not import it. This file imports nothing, so that importing the language
does not bring the simulator.
"""
