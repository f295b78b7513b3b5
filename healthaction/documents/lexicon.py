"""The words the document reader knows, in one place (issue 26): comparator, trend and qualitative phrases, the
words that end an indicator's name or a department's, section headings, role phrases, column heads. The modules build
their patterns from these lists; a new phrase is added here (see docs/parser.md, "Adding a phrase") with a test that
reads it in a hand-written snippet.

Pure data: no imports beyond the shared identifiers of vocab.py.
"""

from healthaction.documents.vocab import (
    CMP_EQ,
    CMP_GE,
    CMP_GT,
    CMP_LE,
    CMP_LT,
    DIR_DECREASE,
    DIR_INCREASE,
    DIR_MAINTAIN,
    NATURE_WORDS,
)


def alternation(words) -> str:
    """The words as one regular-expression alternation, in their order (a longer phrase before its prefix)."""
    return "|".join(words)


# ---- targets (targets.py) -----------------------------------------------------------------------------------------

# a cell that states no value
EMPTY_CELLS = ["", "-", "--", "/", "—", "—-", "——", "…", "无", "暂无", "－"]

# comparator words before a value, longest first so 不低于 wins over 低于
COMPARATOR_PREFIXES: list[tuple[str, str]] = [
    ("不低于", CMP_GE),
    ("不少于", CMP_GE),
    ("不小于", CMP_GE),
    ("大于等于", CMP_GE),
    ("高于或等于", CMP_GE),
    ("不高于", CMP_LE),
    ("不超过", CMP_LE),
    ("不大于", CMP_LE),
    ("不多于", CMP_LE),
    ("小于等于", CMP_LE),
    ("控制在", CMP_LE),
    ("降至", CMP_LE),
    ("下降到", CMP_LE),
    ("下降至", CMP_LE),
    ("降低到", CMP_LE),
    ("降低至", CMP_LE),
    ("低于", CMP_LT),
    ("小于", CMP_LT),
    ("少于", CMP_LT),
    ("超过", CMP_GT),
    ("高于", CMP_GT),
    ("大于", CMP_GT),
    ("多于", CMP_GT),
    ("提高到", CMP_GE),
    ("提高至", CMP_GE),
    ("提升到", CMP_GE),
    ("提升至", CMP_GE),
    ("增加到", CMP_GE),
    ("增长到", CMP_GE),
    ("增加至", CMP_GE),
    ("增长至", CMP_GE),
    ("实现为", CMP_GE),
    ("达到", CMP_GE),
    ("达", CMP_GE),
    ("保持在", CMP_GE),
    ("稳定在", CMP_GE),
    ("维持在", CMP_GE),
    ("均达到", CMP_GE),
    ("≥", CMP_GE),
    ("≤", CMP_LE),
    (">", CMP_GT),
    ("<", CMP_LT),
    ("=", CMP_EQ),
]

# comparator words after a value (30%以上)
COMPARATOR_SUFFIXES: list[tuple[str, str]] = [
    ("及以上", CMP_GE),
    ("以上", CMP_GE),
    ("或以上", CMP_GE),
    ("及以下", CMP_LE),
    ("以下", CMP_LE),
    ("或以下", CMP_LE),
    ("以内", CMP_LE),
    ("左右", CMP_EQ),
]

# a direction with no value (持续下降), longest first
TREND_PHRASES: list[tuple[str, str]] = [
    ("上升趋势减缓", DIR_DECREASE),
    ("上升趋势得到有效遏制", DIR_DECREASE),
    ("得到有效遏制", DIR_DECREASE),
    ("得到遏制", DIR_DECREASE),
    ("上升趋势得到遏制", DIR_DECREASE),
    ("增长率持续减缓", DIR_DECREASE),
    ("持续减缓", DIR_DECREASE),
    ("持续减小", DIR_DECREASE),
    ("逐步减小", DIR_DECREASE),
    ("减小", DIR_DECREASE),
    ("持续下降", DIR_DECREASE),
    ("逐步下降", DIR_DECREASE),
    ("明显下降", DIR_DECREASE),
    ("有所下降", DIR_DECREASE),
    ("下降", DIR_DECREASE),
    ("逐步降低", DIR_DECREASE),
    ("明显降低", DIR_DECREASE),
    ("降低", DIR_DECREASE),
    ("减少", DIR_DECREASE),
    ("减缓", DIR_DECREASE),
    ("持续改善", DIR_INCREASE),
    ("逐步改善", DIR_INCREASE),
    ("明显改善", DIR_INCREASE),
    ("改善", DIR_INCREASE),
    ("逐步提高", DIR_INCREASE),
    ("持续提高", DIR_INCREASE),
    ("稳步提高", DIR_INCREASE),
    ("明显提高", DIR_INCREASE),
    ("显著提高", DIR_INCREASE),
    ("大幅提升", DIR_INCREASE),
    ("持续提升", DIR_INCREASE),
    ("逐步提升", DIR_INCREASE),
    ("提高", DIR_INCREASE),
    ("提升", DIR_INCREASE),
    ("逐年提高", DIR_INCREASE),
    ("逐年提升", DIR_INCREASE),
    ("逐年增加", DIR_INCREASE),
    ("逐年下降", DIR_DECREASE),
    ("逐年降低", DIR_DECREASE),
    ("持续增加", DIR_INCREASE),
    ("增加", DIR_INCREASE),
    ("上升", DIR_INCREASE),
    ("保持省内先进水平", DIR_MAINTAIN),
    ("保持先进水平", DIR_MAINTAIN),
    ("保持", DIR_MAINTAIN),
    ("稳定", DIR_MAINTAIN),
]

# a target met or not, with no value (实现, 基本普及)
QUALITATIVE_WORDS = (
    "有效控制",
    "建成",
    "基本消除",
    "消除",
    "基本普及",
    "普及",
    "基本实现",
    "全面实现",
    "实现",
    "建立并完善",
    "建立健全",
    "建立完善",
    "健全完善",
    "基本建立",
    "建立",
    "完善",
    "全覆盖",
    "基本覆盖",
    "覆盖",
    "完成",
    "开展",
    "落实",
    "达标",
    "是",
    "有",
)

# names of indicators that should fall (a bare number takes ≤)
DECREASE_NAME_HINTS = (
    "死亡率",
    "患病率",
    "发病率",
    "现患率",
    "流行率",
    "吸烟率",
    "肥胖",
    "超重",
    "贫血率",
    "生长迟缓",
    "近视率",
    "龋患率",
    "感染率",
    "病死率",
    "致残率",
    "尘肺",
    "个人卫生支出",
    "自付",
    "摄入量",
    "增长率",
    "伤害",
    "报告例数",
    "发生率",
    "漏诊",
    "复发率",
    "二手烟",
)


# ---- prose (prose.py, prose_anywhere.py) ------------------------------------------------------------------------

# words before a place name that are no place
PLACE_STOP = (
    "全市",
    "我市",
    "各县",
    "本市",
    "城市",
    "全区",
    "全县",
    "全旗",
    "各市",
    "县市",
    "市县",
    "地市",
    "该市",
    "城区",
    "社区",
    "园区",
    "景区",
    "辖区",
    "本区",
    "全省",
    "各区",
    "乡镇",
    "城镇",
    "市区",
)

# the administrative level a place name's ending gives
LEVEL_BY_SUFFIX = [
    ("省", "province"),
    ("自治州", "city"),
    ("盟", "city"),
    ("市", "city"),
    ("自治县", "county"),
    ("县", "county"),
    ("区", "county"),
    ("旗", "county"),
    ("街道", "town"),
    ("镇", "town"),
    ("乡", "town"),
]

NATURES = {"约束性": "binding", "预期性": "expected", "倡导性": "advocacy"}

GROUP_OF = {"结果性": "outcome", "政府工作": "government", "个人和社会倡导性": "advocacy", "倡导性": "advocacy"}

# the last word of an indicator's name (…率, …水平, …人数)
NAME_ENDINGS = (
    "率",
    "水平",
    "比例",
    "比重",
    "人数",
    "数量",
    "寿命",
    "时间",
    "次数",
    "面积",
    "覆盖率",
    "占比",
    "指数",
    "机会",
    "素养",
    "摄入量",
    "数",
    "医师",
    "护士",
    "人员",
    "指导员",
    "床位",
    "供能比",
    "长度",
    "情况",
    "规模",
    "总量",
    "总额",
    "产值",
    "增加值",
    "收入",
    "人次",
    "里程",
    "密度",
    "睡眠",
    "时长",
    "经费",
)

# comparator words in prose, a longer one before its prefix
COMPARATOR_WORDS = (
    "不低于",
    "不少于",
    "不小于",
    "不高于",
    "不超过",
    "不大于",
    "低于",
    "小于",
    "少于",
    "高于",
    "大于",
    "超过",
    "达到",
    "达",
    "控制在",
    "下降到",
    "下降至",
    "降低到",
    "降低至",
    "降至",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "增加至",
    "增长到",
    "增长至",
    "实现为",
    "保持在",
    "稳定在",
    "维持在",
    "优于",
    "好于",
    "≥",
    "≤",
    "<",
    ">",
)

# words that open a trend clause (持续…, 逐步…)
TREND_LEADS = (
    "上升趋势",
    "持续",
    "逐步",
    "逐年",
    "稳步",
    "不断",
    "有所",
    "明显",
    "显著",
    "增速",
    "力争",
    "争取",
    "每年",
)

# a trend in a narrative 总体目标 paragraph (…水平大幅提升)
NARRATIVE_TREND_LEADS = (
    "持续",
    "逐步",
    "逐年",
    "稳步",
    "不断",
    "有所",
    "明显",
    "显著",
    "大幅",
    "全面",
)

# measure words shared by two names before 分别 (食盐和食用油摄入量)
PAIR_MEASURES = (
    "摄入量",
    "死亡率",
    "患病率",
    "发病率",
    "知晓率",
    "覆盖率",
    "检出率",
    "达标率",
    "控制率",
    "管理率",
    "筛查率",
    "接种率",
    "治疗率",
    "生存率",
    "吸烟率",
    "肥胖率",
)

# subject words shared by two such names (人均每日…)
PAIR_SUBJECTS = (
    "人均每日",
    "人均",
    "每日",
    "城乡居民",
    "居民",
    "全省",
    "全市",
)

# aim words before an indicator's name (力争…)
AIM_WORDS = (
    "力争",
    "争取",
    "努力",
    "确保",
    "使",
    "让",
    "推动",
    "促进",
    "达到",
    "做到",
)

# verbs of work: a clause they open names no indicator (降低因慢性病导致的过早死亡率)
WORK_VERBS = (
    "降低",
    "提高",
    "提升",
    "减少",
    "增加",
    "控制",
    "加强",
    "推进",
    "推动",
    "实施",
    "开展",
    "建立",
    "完善",
    "健全",
    "强化",
    "扩大",
    "深化",
    "加快",
)

# sections of an action's text that hold principles or arrangements, not tasks
NO_TASK_SECTIONS = (
    "指导思想",
    "基本原则",
    "工作原则",
    "总体要求",
    "保障措施",
    "组织实施",
    "组织保障",
    "工作要求",
    "行动要求",
    "推进措施",
    "监测评估",
    "考核评估",
    "工作保障",
)

# words that make a paragraph worth reading for targets anywhere in the text
COMPARATOR_CUES = (
    "增加到",
    "增加至",
    "增长到",
    "实现为",
    "以上",
    "以下",
    "不低于",
    "不少于",
    "不高于",
    "不超过",
    "达到",
    "达",
    "控制在",
    "以内",
    "下降到",
    "下降至",
    "降至",
    "降低",
    "下降",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "提高",
    "提升",
    "持续",
    "低于",
    "高于",
    "≥",
    "≤",
    "[<>]",
)


# ---- section headings (pipeline.py) ------------------------------------------------------------------------------

# headings that open a list of targets
TARGET_SECTION_WORDS = (
    "行动目标",
    "主要目标",
    "工作目标",
    "主要指标",
    "工作指标",
    "行动指标",
    "预期性指标",
    "倡导性指标",
    "约束性指标",
    "年度目标",
    "年度指标",
    "具体目标",
    "目标任务",
    "监测指标",
    "重点指标",
)

# headings that open the tasks (2.主要任务)
TASK_SECTION_WORDS = (
    "主要任务",
    "重点任务",
    "工作任务",
    "具体任务",
    "主要措施",
    "工作措施",
    "重点工作",
    "任务措施",
)

# headings over a work plan's measures before its first action (重点举措)
LEAD_IN_TASK_WORDS = (
    "重点举措",
    "主要举措",
    "主要任务",
    "重点任务",
    "工作任务",
    "主要措施",
    "重点工作",
    "具体措施",
    "工作措施",
)


# ---- departments (departments.py) --------------------------------------------------------------------------------

# common abbreviations of department names → the full form
DEPARTMENT_ABBREVIATIONS = [
    ("卫健委", "卫生健康委"),
    ("卫健局", "卫生健康局"),
    ("发改委", "发展改革委"),
    ("发改局", "发展改革局"),
    ("人社局", "人力资源社会保障局"),
    ("市场监管局", "市场监督管理局"),
    ("文旅局", "文化和旅游局"),
    ("工信局", "工业和信息化局"),
    ("住建局", "住房城乡建设局"),
    ("医保局", "医疗保障局"),
    ("科技局", "科学技术局"),
    ("应急局", "应急管理局"),
    ("生态环境局", "生态环境局"),
    ("自然资源局", "自然资源局"),
    ("网信办", "网信办"),
    ("农业农村局", "农业农村局"),
    ("广电局", "广播电视局"),
    ("交通局", "交通运输局"),
    ("市监局", "市场监督管理局"),
    ("科协", "科学技术协会"),
    ("残联", "残疾人联合会"),
    ("妇联", "妇女联合会"),
    ("总工会", "总工会"),
]

# the last word of a department's name (…局, …委, 各单位)
DEPARTMENT_ENDINGS = (
    "局",
    "委",
    "办",
    "部",
    "会",
    "院",
    "台",
    "联",
    "协",
    "处",
    "所",
    "中心",
    "队",
    "站",
    "公司",
    "工委",
    "集团",
    "银行",
    "法院",
    "检察院",
    "支队",
    "分局",
    "团",
    "社",
    "厅",
    "署",
    "室",
    "馆",
    "校",
    "组",
    "政府",
    "管委会",
    "办公室",
    "分公司",
    "各单位",
    "有关单位",
    "有关部门",
    "各部门",
    "成员单位",
    "机构",
    "车务段",
    "医院",
    "学校",
    "团中央",
)

# role phrases that close a department list (按职责分工负责, 牵头)
ROLE_PHRASES = (
    "按职责分工负责",
    "按职责负责分工",
    "按职责分工",
    "分工负责",
    "分别负责",
    "共同负责",
    "负责落实",
    "具体落实",
    "组织实施",
    "按职责",
    "负责",
    "配合",
    "参与",
    "牵头",
)

LEAD_LABELS = ("牵头", "主责")
CO_LABELS = ("配合", "协办", "参与", "协助")


# ---- table columns (interpret/tables.py) --------------------------------------------------------------------------

# a nature cell's words
NATURE_CELL = {
    **NATURE_WORDS,
    "约束": "binding",
    "预期": "expected",
    "倡导": "advocacy",
    "约束值": "binding",
    "预期值": "expected",
    "约束性指标": "binding",
    "预期性指标": "expected",
    "倡导性指标": "advocacy",
}

MEASURE_HEADS = ("推进措施", "具体措施", "工作举措")
DELIVERABLE_HEADS = ("工作计划", "预期成果", "工作成果", "成果形式")

# a column head's words by the role they give the column (interpret/header.py reads heads with them)
COLUMN_ROLES: list[tuple[str, tuple[str, ...]]] = [
    ("serial", ("序号", "编号")),
    ("nature", ("指标性质", "指标属性", "性质", "属性", "指标类型")),
    ("lead", ("牵头单位", "牵头部门", "责任单位", "责任部门", "主责单位", "牵头", "主要责任")),
    ("co", ("配合单位", "配合部门", "协办单位", "参与单位", "协助单位", "配合")),
    ("deadline", ("完成时限", "完成时间", "时间节点", "时限", "进度安排")),
    ("baseline", ("基线", "基期", "现状", "基数", "基准", "目前水平", "现值", "完成值", "实际值", "实现值")),
    ("target", ("目标值", "目标", "预期值", "期望值", "预期")),
    ("unit", ("计量单位", "单位")),
    (
        "task",
        (
            "重点任务",
            "主要任务",
            "工作任务",
            "具体任务",
            "任务内容",
            "工作内容",
            "工作措施",
            "主要措施",
            "具体措施",
            "工作举措",
            "主要举措",
            "任务",
        ),
    ),
    ("domain", ("领域", "类别", "分类", "维度", "专项行动", "行动名称", "所属行动", "行动")),
    ("name", ("考核指标", "指标名称", "主要指标", "指标内容", "指标", "名称", "内容")),
    ("note", ("备注", "说明")),
]
