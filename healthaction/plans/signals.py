"""Signals plans sends; higher apps receive them, so plans never imports them."""

from django.dispatch import Signal

# Sent after a plan is imported from its interchange JSON, with `plan`. A receiver may return a short text
# saying what it did (catalogue: "catalogue: 12 matched, 3 to confirm"); the import command prints it.
plan_imported = Signal()
