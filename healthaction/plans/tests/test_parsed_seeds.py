"""Parsed seed plans become draft plans in the database and round-trip exactly."""

import copy

import pytest

from healthaction.documents.tests.seeds import SEEDS
from healthaction.plans.interchange import export_plan, import_plan
from healthaction.plans.models import Plan, TaskDepartment

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")


@pytest.mark.parametrize("number", [0, 1, 2, 3, 4])
def test_a_parsed_seed_imports_as_a_draft_and_round_trips(db, seed, number):
    draft = copy.deepcopy(seed(number))
    plan = import_plan(copy.deepcopy(draft))
    assert plan.status == "draft"
    assert plan.actions.count() == len(draft["actions"])
    assert plan.indicators.count() == len(draft["indicators"])
    assert plan.tasks.count() == len(draft["tasks"])
    exported = export_plan(plan)
    assert exported["indicators"] == draft["indicators"]
    assert export_plan(import_plan(copy.deepcopy(exported))) == exported


def test_aliases_of_one_department_land_on_one_registry_entry(db, seed):
    plan = import_plan(copy.deepcopy(seed(1)))
    health = (
        TaskDepartment.objects.filter(task__plan=plan, department__name="市卫生健康委").values("department").distinct()
    )
    assert health.count() == 1
    assert Plan.objects.get(pk=plan.pk).org_unit.name == "泰安市"
