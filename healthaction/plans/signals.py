"""Signals plans sends; higher apps receive them, so plans never imports them."""

from django.dispatch import Signal

# Sent inside the import's transaction with `plan` (a receiver that raises rolls the import back). A receiver may return a short text
# saying what it did (catalogue: "catalogue: 12 matched, 3 to confirm"); the import command prints it.
plan_imported = Signal()
