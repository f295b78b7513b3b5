"""Issue 24, finding 13 on the review queue: a value in 1/10万 was glued to its unit (12 showed as 121/10万, a target
≤12 as ≤121/10万). The demo's 孕产妇死亡率 (unit 1/10万, targets ≤18 by 2022 and ≤12 by 2030) reported as 12 for
2026 by the city health commission's liaison. Fails on main at 9197a86 (before core/formatting.py)."""

import re

from django.contrib.auth import get_user_model

from healthaction.collection import services
from healthaction.collection.models import DueItem

User = get_user_model()


def test_the_review_queue_writes_a_rate_per_100000_with_its_value_in_place_of_the_1(login, demo):
    item = DueItem.objects.get(
        plan=demo["plan"], indicator__name="孕产妇死亡率", org_unit__code="990100", year=2026, kind="indicator_value"
    )
    liaison = User.objects.get(username="liaison")
    services.save_submission(liaison, item, {"value": 12, "source": "2026年监测"}, submit=True, expected_version=0)
    html = login("office").get("/report/review/?q=孕产妇死亡率").content.decode()
    row = re.search(rf'<tr id="review-{item.pk}">(.*?)</tr>', html, re.S).group(1)
    cells = [(attrs, re.sub(r"<[^>]+>", "", c).strip()) for attrs, c in re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S)]
    reported = next(k for k, (attrs, _) in enumerate(cells) if 'class="reported"' in attrs)
    assert cells[reported][1] == "12/10万", cells  # the reported value
    assert cells[reported + 2][1] == "2030：≤12/10万", cells  # the target it is measured against (previous between)
    assert "121/10万" not in row and "≤121/10万" not in row
