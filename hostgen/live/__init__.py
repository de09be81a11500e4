"""Parsers for the live files hostgen writes: lex -> parse -> structure. pfconf reads pf.conf
(which hostgen does not write) far enough to check spamd's rules."""
