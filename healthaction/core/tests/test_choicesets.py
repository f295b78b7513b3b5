"""Vocabularies are defined once (core/choicesets.py) and everything that shows a code reads them."""

from pathlib import Path

from django.template import Context, Template
from django.utils import translation

from healthaction.core.choicesets import ChoiceSet, stylesheet, text_color
from healthaction.evaluation import rules
from healthaction.evaluation.choices import EvaluationStatus

STATIC = Path(__file__).resolve().parents[2] / "web" / "static" / "web"


def test_a_choiceset_splits_its_rows_into_choices_labels_colours_and_order():
    class Fruit(ChoiceSet):
        APPLE, PEAR = "apple", "pear"
        CHOICES = ((APPLE, "Apple", "#ff0000"), (PEAR, "Pear"))

    assert Fruit.choices == [("apple", "Apple"), ("pear", "Pear")]
    assert Fruit.values == ["apple", "pear"]
    assert Fruit.colors == {"apple": "#ff0000"}
    assert Fruit.label("pear") == "Pear" and Fruit.label("plum", "?") == "?"
    assert Fruit.sort_key("pear") == 1 and Fruit.sort_key("plum") == 2
    assert "apple" in Fruit and "plum" not in Fruit


def test_the_evaluation_status_follows_the_engine_codes_in_the_engine_order():
    assert (
        EvaluationStatus.values
        == rules.STATUSES
        == ["achieved", "on_track", "at_risk", "off_track", "regressing", "no_data", "not_assessable"]
    )


def test_the_evaluation_status_labels_exist_in_english_and_chinese():
    with translation.override("en"):
        assert [EvaluationStatus.label(v) for v in EvaluationStatus.values] == [
            "Achieved",
            "On track",
            "At risk",
            "Off track",
            "Regressing",
            "No data",
            "Not assessable",
        ]
    chinese = EvaluationStatus.labels_in("zh-hans")
    assert (
        chinese[rules.ACHIEVED] == "已实现"
        and chinese[rules.REGRESSING] == "退步"
        and chinese[rules.NO_DATA] == "未报送"
    )
    assert all(
        label and label != english
        for label, english in zip(chinese.values(), EvaluationStatus.labels_in("en").values())
    )


def test_the_text_on_a_badge_is_dark_on_light_colours_and_white_on_dark_ones():
    assert text_color("#ffffff") == "#1b1b1b"
    assert text_color("#000000") == "#ffffff"
    assert text_color("#1a7f37") == "#ffffff"  # dark green: luminance 0.155, white gives 5.1:1 against 3.2:1
    assert text_color("#6cc04a") == "#1b1b1b"  # light green: luminance 0.42


def test_the_stylesheet_gives_each_status_badge_its_colour():
    css = stylesheet()
    assert ".st-achieved { background:#1a7f37; color:#ffffff; }" in css
    assert ".st-on_track { background:#6cc04a; color:#1b1b1b; }" in css
    assert ".st-regressing { background:#c92a2a; color:#ffffff; }" in css


def test_the_stylesheet_is_served_from_our_own_origin(client):
    response = client.get("/vocabulary.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert ".st-off_track { background:#e8590c;" in response.content.decode()


def test_site_css_and_charts_js_hold_no_second_palette():
    css = (STATIC / "site.css").read_text()
    js = (STATIC / "charts.js").read_text()
    assert [c for c in EvaluationStatus.colors.values() if c in css] == []
    assert ".st-achieved {" not in css
    assert [v for v in EvaluationStatus.values if v in js] == []  # the chart colours come with the page's data


def test_the_badge_tag_renders_label_and_class_in_the_active_language():
    template = Template(
        '{% load choicesets %}{% badge code "evaluation_status" %}|{{ code|choice_label:"evaluation_status" }}'
    )
    with translation.override("en"):
        assert template.render(Context({"code": "at_risk"})) == '<span class="st st-at_risk">At risk</span>|At risk'
    with translation.override("zh-hans"):
        assert template.render(Context({"code": "regressing"})) == '<span class="st st-regressing">退步</span>|退步'
