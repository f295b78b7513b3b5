"""The reader's phrase lists live in documents/lexicon.py and the modules read them from there (issue 26); a task is
made by one constructor (documents/items.py) whichever reader found it."""

import pytest

from healthaction.documents import departments, lexicon, parse_document, prose, targets
from healthaction.documents.items import new_task

# lists whose words are tried in order at one place (a regular-expression alternation or a startswith loop): a word
# listed after a shorter word it starts with could never be found
ORDERED = [
    "COMPARATOR_PREFIXES",
    "COMPARATOR_WORDS",
    "TREND_LEADS",
    "COMPARATOR_CUES",
    "AIM_WORDS",
    "WORK_VERBS",
    "PAIR_SUBJECTS",
    "TARGET_SECTION_WORDS",
    "LEAD_IN_TASK_WORDS",
]


@pytest.mark.parametrize("name", ORDERED)
def test_a_longer_phrase_comes_before_the_shorter_one_it_starts_with(name):
    words = [w[0] if isinstance(w, tuple) else w for w in getattr(lexicon, name)]
    late = [
        (words[i], words[j])
        for i in range(len(words))
        for j in range(i + 1, len(words))
        if words[j].startswith(words[i])
    ]
    assert late == []
    assert len(set(words)) == len(words)


def test_the_modules_read_their_words_from_the_lexicon():
    # the patterns are built from the lists, so a word added to a list is read: checked on words of each list
    assert prose.NAME_END.search("每千人口护士数")  # 数 in NAME_ENDINGS
    assert targets.parse_target("维持在92%以上")["comparator"] == ">="  # 维持在 in COMPARATOR_PREFIXES
    assert targets.parse_target("逐年提高")["trend"] == "increase"  # 逐年提高 in TREND_PHRASES
    assert departments.looks_like_department("共青团中央")  # 团中央 in DEPARTMENT_ENDINGS
    assert "维持在" in lexicon.COMPARATOR_WORDS and "团中央" in lexicon.DEPARTMENT_ENDINGS
    assert "|".join(lexicon.COMPARATOR_WORDS) == prose.CMP_WORDS


def test_a_task_from_a_table_and_one_from_the_text_have_the_same_fields():
    draft = parse_document(
        "\n".join(
            [
                "一、健康知识普及行动",
                "1.开展健康讲座。（县卫生健康局牵头，县科协配合）",
                "二、任务分工",
                "序号\t重点任务\t牵头单位\t配合单位",
                "1\t建设健康步道\t县体育局\t县住建局",
            ]
        ).encode("utf-8"),
        "plan.txt",
    )
    fields = [
        "number",
        "action",
        "content",
        "measures",
        "deliverables",
        "lead_departments",
        "co_departments",
        "all_lower_units",
        "reporting_cycle",
        "source",
    ]
    by_content = {t["content"]: t for t in draft["tasks"]}
    assert sorted(by_content) == ["建设健康步道", "开展健康讲座。"]
    for task in draft["tasks"]:
        assert list(task)[: len(fields)] == fields
    assert by_content["建设健康步道"]["lead_departments"] == ["县体育局"]
    assert by_content["开展健康讲座。"]["co_departments"] == ["县科协"]
    made = new_task("1.1", 1, "任务", ["甲局"], [], False, {"lines": [1, 1], "text": "任务"})
    assert list(made) == fields and made["reporting_cycle"] is None
