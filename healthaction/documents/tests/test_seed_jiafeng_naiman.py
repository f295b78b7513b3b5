"""Seeds 002 (Jiafeng town, roster) and 003 (Naiman banner, one annex per action)."""

from healthaction.documents.tests.seeds import indicator, targets


def test_town_plan_header_and_actions(seed):
    draft = seed(2)
    assert draft["plan"]["doc_number"] == "嘉政发〔2023〕27号"
    assert draft["plan"]["issuer"] == "嘉峰镇人民政府"
    assert draft["plan"]["org_unit"] == {"code": None, "name": "嘉峰镇", "level": "town"}
    assert draft["actions"][0]["name"] == "健康知识普及行动"
    assert len(draft["actions"]) == 18


def test_leading_group_roster(seed):
    roster = seed(2)["roster"]
    assert roster[0] == {
        "role": "组长",
        "person": "李鑫杰",
        "post": "县政府副县长、镇党委书记",
        "source": roster[0]["source"],
    }
    assert roster[1]["person"] == "王坤" and roster[1]["role"] == "组长"
    assert next(r for r in roster if r["person"] == "赵建国")["role"] == "副组长"
    members = [r for r in roster if r["role"] == "成员"]
    assert members[0] == {
        "role": "成员",
        "person": "杨焱",
        "post": "党政综合办公室主任",
        "source": members[0]["source"],
    }
    assert len(roster) == 38


def test_annual_plan_with_annexes(seed):
    draft = seed(3)
    assert draft["plan"]["org_unit"] == {"code": None, "name": "奈曼旗", "level": "county"}
    assert draft["plan"]["issue_date"] == "2023-06-20"
    names = [a["name"] for a in draft["actions"]]
    assert names[0] == "健康知识普及行动" and names[14] == "传染病及地方病防控行动"
    assert len(names) == 17
    # annex 18 is listed at the top but its text is not in the document: the reviewer is told
    assert any("第 18 项" in w["message"] and w["line"] == 24 for w in draft["warnings"])


def test_cell_per_line_table_with_groups_and_notes(seed):
    draft = seed(3)
    literacy = next(i for i in draft["indicators"] if i["name"] == "居民健康素养水平" and i["action"] == 1)
    assert literacy["group"] == "outcome" and literacy["nature"] == "binding"
    assert literacy["baseline"]["value"] == 23.2
    assert targets(literacy) == {2023: ("numeric", ">=", 28.0)}
    assert literacy["numerator"] == "具备基本健康素养的人数"
    assert literacy["definition"].startswith("健康素养是指")
    record = indicator(draft, "个人定期记录身心健康状况")
    assert record["group"] == "advocacy" and record["nature"] == "advocacy" and record["targets"] == []
    tcm = indicator(draft, "中医医院设置治未病科室比例")
    assert (
        tcm["group"] == "government"
        and tcm["baseline"]["value"] == 91.0
        and targets(tcm) == {2023: ("numeric", ">=", 93.0)}
    )


def test_indicator_lists_in_prose(seed):
    draft = seed(3)
    mental = indicator(draft, "居民心理健康素养水平")
    assert mental["nature"] == "expected" and targets(mental) == {2023: ("numeric", ">=", 23.5)}
    insomnia = indicator(draft, "失眠现患率")
    assert [(t["kind"], t["trend"]) for t in insomnia["targets"]] == [("directional", "decrease")]
    depression = indicator(draft, "抑郁症治疗率")
    assert [(t["kind"], t["change"], t["change_unit"]) for t in depression["targets"]] == [("relative", 15.0, "%")]
    infant = next(i for i in draft["indicators"] if i["name"] == "婴儿死亡率")
    assert infant["action"] == 7 and targets(infant) == {2023: ("numeric", "<=", 5.0)}
