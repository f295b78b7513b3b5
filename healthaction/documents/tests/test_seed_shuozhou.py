"""Seed 000 (Shuozhou city): prose targets under 行动目标 and department parentheses."""

from healthaction.documents.tests.seeds import indicator, targets


def test_header(seed):
    plan = seed(0)["plan"]
    assert plan["doc_number"] == "朔政发〔2020〕51号"
    assert plan["issuer"] == "朔州市人民政府"
    assert plan["issue_date"] == "2020-12-06"
    assert plan["title"] == "关于推进健康中国·朔州行动实施方案"
    assert plan["org_unit"]["name"] == "朔州市" and plan["org_unit"]["level"] == "city"


def test_sixteen_actions(seed):
    actions = seed(0)["actions"]
    assert len(actions) == 16
    assert actions[0]["name"] == "健康知识普及行动"
    assert actions[15]["name"] == "中医药健康促进行动"
    assert actions[0]["source"]["text"].strip().startswith("(一) 健康知识普及行动")


def test_two_years_in_one_sentence(seed):
    ind = indicator(seed(0), "居民健康素养水平")
    assert ind["action"] == 1
    assert targets(ind) == {2022: ("numeric", ">=", 20.0), 2030: ("numeric", ">=", 30.0)}
    assert ind["unit"] == "%"


def test_relative_directional_and_less_than_targets(seed):
    draft = seed(0)
    literacy = indicator(draft, "居民营养健康知识知晓率")
    assert [(t["year"], t["kind"], t["base_year"], t["change"]) for t in literacy["targets"]] == [
        (2022, "relative", 2019, 10.0),
        (2030, "relative", 2022, 10.0),
    ]
    obesity = indicator(draft, "成人肥胖增长率")
    assert [(t["kind"], t["trend"]) for t in obesity["targets"]] == [
        ("directional", "decrease"),
        ("directional", "decrease"),
    ]
    stunting = indicator(draft, "5岁以下儿童生长迟缓率")
    assert targets(stunting) == {2022: ("numeric", "<", 7.0), 2030: ("numeric", "<", 5.0)}
    iodine = indicator(draft, "合格碘盐覆盖率")
    assert targets(iodine) == {2022: ("numeric", ">=", 90.0), 2030: ("numeric", ">=", 90.0)}
    depression = indicator(draft, "抑郁症治疗率")
    assert [(t["kind"], t["change"]) for t in depression["targets"]] == [("relative", 30.0), ("relative", 80.0)]
    chronic = indicator(draft, "70岁及以下人群慢性呼吸系统疾病死亡率")
    assert chronic["unit"] == "1/10万" and targets(chronic) == {
        2022: ("numeric", "<=", 9.0),
        2030: ("numeric", "<=", 8.1),
    }


def test_advocacy_statements_are_kept(seed):
    draft = seed(0)
    item = indicator(draft, "个人定期记录身心健康状况")
    assert item["nature"] == "advocacy" and item["targets"] == []
    salt = indicator(draft, "人均每日食盐摄入量")
    assert salt["nature"] == "advocacy"
    assert targets(salt) == {2030: ("numeric", "<=", 5.0)}


def test_task_departments_lead_and_co(seed):
    tasks = {t["number"]: t for t in seed(0)["tasks"]}
    first = tasks["1.1"]
    assert first["lead_departments"] == ["市卫健委"]
    assert first["co_departments"] == ["市委宣传部", "市委网信办", "市科技局", "市市场监管局", "市文旅局", "市科协"]
    # the task text runs over a blank line and a page break; the parenthesis closes it
    assert first["source"]["lines"] == [43, 45]
    assert tasks["1.3"]["lead_departments"] == ["市人社局"]
    assert tasks["1.3"]["co_departments"] == ["市卫健委", "市医保局"]
    two_leads = next(t for t in seed(0)["tasks"] if t["content"].startswith("开展中医药文化建设"))
    assert two_leads["lead_departments"] == ["市文旅局", "市卫健委"]
    assert two_leads["co_departments"] == ["市科技局", "市统计局"]
