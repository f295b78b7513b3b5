"""What supervision adds to lower apps' pages and scores, through core's registry (imported by apps.ready)."""

from healthaction.core.registry import register
from healthaction.inspections import services

INBOX_LIMIT = 100


@register("inbox_sources", "rectifications")
def inbox_rectifications(user, today, group):
    """Return the rectifications `user` answers for or follows that belong beside the inbox group shown:
    overdue ones under "overdue", those due within DUE_SOON_DAYS under "due", none elsewhere."""
    if group == "overdue":
        return list(services.overdue_findings(today, user=user)[:INBOX_LIMIT])
    if group == "due":
        qs = services.due_soon_findings(services.visible_findings(user), today)
        return list(
            qs.select_related("visit__round", "item", "department", "org_unit").order_by("deadline")[:INBOX_LIMIT]
        )
    return []


@register("inbox_sources", "due_soon_days")
def due_soon_days(user, today, group):
    """Return the window of "due soon" rectifications, for the inbox heading."""
    return services.DUE_SOON_DAYS


register("assessment_components", "supervision")(services.supervision_shares)
