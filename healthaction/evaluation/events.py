"""Signals evaluation sends (a module of its own, importing nothing of evaluation, so services, tasks and receivers
all import it at the top without a circle)."""

from django.dispatch import Signal

# sent after each evaluation is stored (plan, indicator_ids, org_unit_ids; None for all): caches and tests listen
plan_evaluated = Signal()
