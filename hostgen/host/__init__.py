"""The live root (/etc on a host): what is there, how it differs, how it is changed.

liveview (read_root, include_reader), diffing (unified, colorize), semantic (structure, changes:
the meaning of a live file; semantic_mail for smtpd.conf and acme-client.conf), httpd_delta (the
semantic diff of the blocks that differ), applying (apply: staged, validated, atomic, backed up,
locked), reloads (what each service needs after apply, and running it), files (write_atomic,
backup, locked, check_root), state (what the last apply wrote, for drift), remote (the same
decisions for live files read on another machine: the Ansible collection's controller side).
Nothing is imported here: semantic and httpd_delta bring deepdiff and the parsers, which only
`--semantic` needs.
"""
