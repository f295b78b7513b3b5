"""Signals collection sends; higher apps receive them, so collection never imports them."""

from django.dispatch import Signal

# Sent once after the transaction that approved values commits, with `series`: {plan_id: (indicator_ids, org_unit_ids)}
# of every value approved in it (collection.services.approvals.values_approved batches them); evaluation recomputes those series.
values_approved = Signal()
