"""What supervision adds to lower apps' pages and scores, through core's registry (imported by apps.ready)."""

from healthaction.core.registry import register
from healthaction.inspections import services

INBOX_LIMIT = 100


@register("inbox_sources", "rectifications")
def overdue_rectifications(user, today):
    """Return the overdue rectifications `user` answers for or follows, for the reporting inbox."""
    return list(services.overdue_findings(today, user=user)[:INBOX_LIMIT])


register("assessment_components", "supervision")(services.supervision_shares)
