"""Issue 24, finding 8: control and bidi characters are refused in every free-text field, through one model-level
path (core/text.py), with a clear Chinese error and nothing stored. On main at 05c271a a round title, a finding's
comment, a score's note and a DingTalk secret took U+202E and U+0007 as typed."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from healthaction.collection.models import RobotWebhook
from healthaction.core.text import refuse_control_characters
from healthaction.inspections import services as S
from healthaction.inspections.models import Finding, FindingEvent, Round, Score
from healthaction.registry.models import Department, OrgUnit

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BEL = "\x07"
REFUSED = "含有不可见的控制字符（U+202E RIGHT-TO-LEFT OVERRIDE），无法保存；请删除后重新输入。"


def test_every_free_text_field_of_every_model_carries_the_rule():
    missing = [
        f"{model._meta.label}.{f.name}"
        for config in apps.get_app_configs()
        if config.name.startswith("healthaction.")
        for model in config.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
        and not f.choices
        and refuse_control_characters not in f.validators
    ]
    assert missing == []


def test_a_save_from_any_door_refuses_them_and_stores_nothing(demo):
    rnd = Round.objects.get(title="2025年健康社区评估")
    rnd.title = f"2025年{RLO}评估"
    with pytest.raises(ValidationError) as refused:
        rnd.save()
    assert REFUSED in refused.value.message_dict["title"][0]
    assert Round.objects.filter(pk=rnd.pk, title="2025年健康社区评估").exists()
    # a line break stays text; a bell does not
    rnd.title = "2025年\n健康社区评估"
    rnd.save(update_fields=["title"])
    rnd.title = f"2025年{BEL}评估"
    with pytest.raises(ValidationError):
        rnd.save(update_fields=["title"])


def _round_data(demo, title):
    checklist = S.supervision_checklist(demo["plan"])
    return {
        "plan": demo["plan"].pk,
        "checklist": checklist.pk,
        "year": 2026,
        "title": title,
        "starts": "2026-09-01",
        "ends": "2026-09-30",
        "inspectors": [get_user_model().objects.get(username="inspector").pk],
        "counties": [OrgUnit.objects.get(code="990121").pk],
    }


def test_round_titles_finding_comments_score_notes_and_robot_secrets_are_refused_on_the_pages(login, demo):
    client = login("office")
    response = client.post(reverse("inspections:round-new"), _round_data(demo, f"2026年度{RLO}专项督导"))
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not Round.objects.filter(year=2026).exists()
    client.post(reverse("inspections:round-new"), _round_data(demo, "2026年度专项督导"))
    rnd = Round.objects.get(title="2026年度专项督导")
    visit = rnd.visits.get()
    items = list(rnd.checklist.items.all())

    client = login("inspector")
    scores = {f"score-{i.pk}-points": f"{i.points:g}" for i in items}
    response = client.post(
        reverse("inspections:visit", args=[visit.pk]),
        scores | {f"score-{items[1].pk}-points": "0", f"score-{items[1].pk}-note": f"台账{RLO}缺失", "action": "save"},
    )
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not Score.objects.filter(visit=visit).exists()
    client.post(
        reverse("inspections:visit", args=[visit.pk]),
        scores | {f"score-{items[1].pk}-points": "0", f"score-{items[1].pk}-note": "台账缺失", "action": "sign_off"},
    )
    finding = Finding.objects.get(visit=visit)

    client = login("county")
    events = FindingEvent.objects.filter(finding=finding).count()
    response = client.post(
        reverse("inspections:finding", args=[finding.pk]), {"status": "rectifying", "comment": f"已{RLO}整改"}
    )
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert FindingEvent.objects.filter(finding=finding).count() == events

    client = login("office")
    health = Department.objects.get(name="市卫生健康委")
    response = client.post(
        f"/people/plans/{demo['plan'].pk}/",
        {
            "what": "robot",
            "reporter": f"d{health.pk}",
            "kind": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "secret": f"SEC{RLO}123",
        },
    )
    assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not RobotWebhook.objects.filter(secret__startswith="SEC").exists()
