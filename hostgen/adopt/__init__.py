"""Adopting a host: live files (or an nginx configuration) -> an idiomatic site.yaml.

The reverse of render. `result` holds what every importer returns (`Adopted`: the document to
write, with comments, and the `Loss`es: what could not be carried over exactly, each at its
source `PATH:LINE`) and the one writer. Importers read with hostgen.live and check themselves
against hostgen.site; nothing earlier imports this package.
"""
