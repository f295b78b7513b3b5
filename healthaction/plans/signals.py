"""Signals sent by plans for the apps above it (the catalogue matches a freshly imported plan)."""

from django.dispatch import Signal

# sent inside the import's transaction with `plan`; a receiver that raises rolls the import back
plan_imported = Signal()
