"""The collection services, one module a concern; every public name is re-exported here for callers.

- `due`: the due items a plan implies, generated on publishing and kept in step with it
- `periods`: half-year reporting periods
- `checks`: the checks of a reported value or task report (one validation path for every door)
- `versions`: the per-item lock, versions and revisions
- `writes`: the write rule and the writes of values and reports
- `review`: approve, return, reopen, bulk approval, the review queue
- `approvals`: the "values approved" hook that evaluation listens to
- `completeness`: completeness and timeliness of reporting
- `reminders`: reminders by email and to group robots
- `errors`: the refusals the services raise

Modules inside collection import from the specific module; other apps may use this package's names.
"""

from healthaction.collection.services.approvals import approving, values_approved
from healthaction.collection.services.checks import (
    OUTLIER_FACTOR,
    QUALITATIVE_CHOICES,
    RANGES,
    Check,
    check_report,
    check_value,
    qualitative_indicator,
)
from healthaction.collection.services.completeness import (
    completeness,
    completeness_by_plan,
    lower_plan_completeness,
    reporting_totals,
)
from healthaction.collection.services.due import (
    DEFAULT_TASK_DUE,
    DEFAULT_VALUE_DUE,
    desired_due_items,
    generate_due_items,
    publish_plan,
    sync_due_items,
    unassigned_items,
    units_with_own_plan,
)
from healthaction.collection.services.errors import Conflict, Fixed, NotAllowed, VersionMissing
from healthaction.collection.services.periods import (
    current_period,
    parse_period,
    period_choices,
    period_label,
    period_start,
)
from healthaction.collection.services.reminders import (
    REMINDER_DAYS_BEFORE,
    recipients,
    robots_for,
    send_reminders,
    send_robot_reminders,
)
from healthaction.collection.services.review import approve_many, reopen, review, review_rows, target_for
from healthaction.collection.services.versions import history, previous_value, record, submission_for
from healthaction.collection.services.writes import (
    CORRECTION,
    OPEN,
    REPORT_CONTENT,
    UNCHANGED,
    VALUE_CONTENT,
    same_content,
    save_submission,
    submit_computed_value,
    write_rule,
)

__all__ = [
    "CORRECTION",
    "DEFAULT_TASK_DUE",
    "DEFAULT_VALUE_DUE",
    "OPEN",
    "OUTLIER_FACTOR",
    "QUALITATIVE_CHOICES",
    "RANGES",
    "REMINDER_DAYS_BEFORE",
    "REPORT_CONTENT",
    "UNCHANGED",
    "VALUE_CONTENT",
    "Check",
    "Conflict",
    "Fixed",
    "NotAllowed",
    "VersionMissing",
    "approve_many",
    "approving",
    "check_report",
    "check_value",
    "completeness",
    "completeness_by_plan",
    "current_period",
    "desired_due_items",
    "generate_due_items",
    "history",
    "lower_plan_completeness",
    "parse_period",
    "period_choices",
    "period_label",
    "period_start",
    "previous_value",
    "publish_plan",
    "qualitative_indicator",
    "recipients",
    "record",
    "reopen",
    "reporting_totals",
    "review",
    "review_rows",
    "robots_for",
    "same_content",
    "save_submission",
    "send_reminders",
    "send_robot_reminders",
    "submission_for",
    "submit_computed_value",
    "sync_due_items",
    "target_for",
    "unassigned_items",
    "units_with_own_plan",
    "values_approved",
    "write_rule",
]
