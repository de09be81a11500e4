"""Parsers for the live files hostgen writes: lex -> parse -> structure."""
