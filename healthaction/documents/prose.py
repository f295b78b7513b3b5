"""Extraction from running text: header, actions, prose targets, tasks, reporting cycles, roster."""

import re
from collections import Counter
from dataclasses import dataclass, field

from healthaction.documents import lexicon
from healthaction.documents.departments import responsibility_from_subject, responsibility_from_text
from healthaction.documents.lexicon import alternation
from healthaction.documents.normalize import compact
from healthaction.documents.targets import NUMBER, parse_baseline, parse_target

CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def cn_to_int(text: str) -> int:
    """Return the integer of a Chinese numeral up to 99 (十八 → 18, 二十一 → 21)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_NUM.get(tens, 1) if tens else 1) * 10 + (CN_NUM.get(ones, 0) if ones else 0)
    return CN_NUM.get(text, 0)


# ---- header ----------------------------------------------------------------------------------

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}\s*[〔［\[【(（]\s*(\d{4})\s*[〕］\]】)）]\s*\d{1,4}\s*号")
DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PLACE = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:自治州|自治县|省|市|县|区|旗|盟|镇|乡|街道))")
PLACE_STOP = lexicon.PLACE_STOP
LEVEL_BY_SUFFIX = lexicon.LEVEL_BY_SUFFIX


@dataclass
class Header:
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    issue_date: str | None = None
    org_name: str = ""
    org_level: str = "city"
    lines: dict = field(default_factory=dict)


def read_header(lines: list[str]) -> Header:
    header = Header()
    head = [(i, line.strip()) for i, line in enumerate(lines[:80]) if line.strip()]
    for i, text in head:
        m = DOC_NUMBER.search(text)
        if m and len(text) < 40 and not header.doc_number:
            header.doc_number = re.sub(r"\s+", "", m.group(0))
            header.lines["doc_number"] = i
    for i, text in head:
        if text.endswith("文件") and len(text) <= 40:
            header.issuer = text.removesuffix("文件").strip()
            header.lines["issuer"] = i
            break
    dates = [(i, DATE.match(compact(line))) for i, line in enumerate(lines[:200])]
    dates = [(i, m) for i, m in dates if m]
    if dates:
        i, m = dates[0]
        header.issue_date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        header.lines["issue_date"] = i
        if not header.issuer:
            prev = next((lines[j].strip() for j in range(i - 1, max(i - 4, -1), -1) if lines[j].strip()), "")
            if prev and len(prev) <= 30 and re.search(r"(政府|委员会|办公室|推进办|委|局)[)）]?$", prev):
                header.issuer = prev
    header.title = _title(head) or _title_from_body(lines)
    if not header.issuer:
        for _, text in head[:10]:
            t = compact(text)
            if re.search(r"(人民政府|委员会|推进办)$", t) and len(t) <= 30:
                header.issuer = t
                break
    header.org_name, header.org_level = _org_unit(lines, header)
    return header


def _title(head: list[tuple[int, str]]) -> str:
    candidates = []
    joined = [
        (i, compact(a) + compact(b))
        for (i, a), (_, b) in zip(head, head[1:])
        if not DOC_NUMBER.search(a)
        and not DATE.match(compact(a))
        and not compact(a).endswith(("文件", "。", "：", "方案", "通知", "意见"))
        and len(compact(a)) >= 6
    ]
    for i, t in [(i, compact(text)) for i, text in head[:40]] + joined[:40]:
        if len(t) > 80 or t.endswith(("。", "：", ":")) or t.startswith("附"):
            continue
        score = 0
        if re.search(
            r"(实施方案|工作方案|行动方案|实施意见|的意见|的通知|规划|工作要点|分工表|行动计划|工作计划|目标任务|责任清单)(?:（\d{4}\s*[—\-－~～至]+\s*\d{4}年?）)?$",
            t,
        ):
            score += 3
        if t.startswith("关于"):
            score += 2
        if "健康" in t:
            score += 1
        if score >= 3:
            candidates.append((score, -i, -len(t), t))
    if not candidates:
        return ""
    # the document's own title (a 关于… line or a 方案 line), joined with a wrapped second line if any
    return max(candidates)[3]


def _title_from_body(lines: list[str]) -> str:
    """Return the plan's name as the text cites it (《健康云浮行动》), for documents without a title line."""
    counts = Counter(
        m.group(1)
        for line in lines
        for m in re.finditer(r"《(健康(?!中国)[\u4e00-\u9fff]{2,6}?行动[^》]{0,20})》", line)
    )
    return counts.most_common(1)[0][0] if counts else ""


def _org_unit(lines: list[str], header: Header) -> tuple[str, str]:
    for source in (header.issuer, header.title, header.doc_number):
        m = PLACE.search(source or "")
        if m and not m.group(1).startswith(PLACE_STOP) and not m.group(1).endswith(PLACE_STOP):
            return m.group(1), _level(m.group(1))
    counts: Counter = Counter()
    for line in lines[:400]:
        for m in PLACE.finditer(line):
            name = m.group(1)
            if name.startswith(PLACE_STOP) or name in PLACE_STOP or len(name) < 3:
                continue
            counts[name] += 1
    stems = Counter(
        m.group(1)
        for line in [header.title] + lines[:200]
        for m in re.finditer(r"健康([\u4e00-\u9fff]{2,4}?)(?:行动|建设)", line)
        if m.group(1) not in ("中国", "知识", "环境", "促进", "城市", "细胞", "社区", "乡村")
    )
    if stems:
        stem = stems.most_common(1)[0][0]
        full = Counter(
            m.group(0)
            for line in lines
            for m in re.finditer(rf"{re.escape(stem)}(?:自治县|自治州|市|县|区|旗|镇|乡|盟)", line)
        )
        if full:
            name = full.most_common(1)[0][0]
            return name, _level(name)
        return stem, "city"
    if counts:
        name = counts.most_common(1)[0][0]
        return name, _level(name)
    return "未知地区", "city"


def _level(name: str) -> str:
    for suffix, level in LEVEL_BY_SUFFIX:
        if name.endswith(suffix):
            return level
    return "city"


# ---- actions ---------------------------------------------------------------------------------


@dataclass
class ActionHeading:
    number: int
    name: str
    line: int
    text: str
    style: str


ACTION_PATTERNS = [
    ("cn", re.compile(r"^([一二三四五六七八九十]{1,3})、\s*(?:实施|开展|推进)?\s*(.{2,30}?行动)\s*[。.]?\s*$")),
    ("paren", re.compile(r"^（([一二三四五六七八九十]{1,3})）\s*(?:实施|开展|推进)?\s*(.{2,30}?行动)\s*[。.]?\s*$")),
    ("paren", re.compile(r"^（([一二三四五六七八九十]{1,3})）\s*(?:实施|开展|推进)?\s*(.{2,30}?行动)[。.]")),
    ("arabic", re.compile(r"^(\d{1,2})\s*[.、．]\s*(?:实施|开展|推进)?\s*(.{2,30}?行动)\s*[。.]")),
    ("arabic", re.compile(r"^(\d{1,2})\s*[.、．]\s*(?:实施|开展|推进)?\s*(.{2,30}?行动)\s*$")),
]
ANNEX = re.compile(r"^(?:附件|件)\s*(\d{1,2})\s*$")
ANNEX_TITLE = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,6}?)?(?:\d{4}\s*年)?\s*(.{2,40}?行动)(?:工作)?(?:实施方案|方案|计划)?$"
)


def _clean_action_name(name: str) -> str:
    name = compact(name)
    name = re.sub(r"^(?:\d{4}年|实施|开展|推进)+", "", name)
    return name


def find_actions(lines: list[str], exclude: set[int] = frozenset()) -> list[ActionHeading]:
    """Return the plan's special actions in order, from headings in the style the document uses most.

    Lines in `exclude` (rows of tables already read) are not headings: their action rows are the table's.
    """
    annexes = _annex_actions(lines)
    candidates: dict[str, list[ActionHeading]] = {"paren": [], "arabic": [], "cn": []}
    loose: dict[str, list[ActionHeading]] = {"paren": [], "arabic": [], "cn": []}
    for i, line in enumerate(lines):
        if i in exclude:
            continue
        text = line.strip()
        if not text or len(text) > 400:
            continue
        first = text.split("\t", 1)[0].strip()
        for style, pattern in ACTION_PATTERNS:
            m = pattern.match(first) or (pattern.match(compact(first)) if style == "paren" else None)
            if m:
                name = _clean_action_name(m.group(2))
                if 3 <= len(name) <= 24 and "。" not in name and "，" not in name:
                    candidates[style].append(ActionHeading(cn_to_int(m.group(1)), name, i, line, style))
                break
        else:
            m = LOOSE_HEADING.match(compact(first))
            if m and "\t" not in line:
                style = "paren" if m.group(1) else "cn"
                loose[style].append(ActionHeading(cn_to_int(m.group(1) or m.group(2)), m.group(3), i, line, style))
    best = max(
        (_longest_run(c, loose[style]) for style, c in candidates.items()),
        key=lambda run: len([h for h in run if h.name.endswith("行动")]),
        default=[],
    )
    if len(annexes) > len(best):
        return annexes
    if not best:
        best = _run_in_actions(lines, exclude)
    return best


RUN_IN = re.compile(r"^(?:实施|开展|推进|深入开展|深入实施)(.{2,20}?行动)。(?=.{10,})")


def _run_in_actions(lines: list[str], exclude: set[int]) -> list[ActionHeading]:
    """Unnumbered paragraphs that open with their action's name (`实施健康知识普及行动。建立完善…`), in a text
    that numbers its actions nowhere: each is an action whose paragraph describes its work."""
    found = []
    for i, line in enumerate(lines):
        m = RUN_IN.match(compact(line)) if i not in exclude and "\t" not in line else None
        if m:
            found.append(ActionHeading(len(found) + 1, m.group(1), i, line, "runin"))
    return found


# a heading of the same numbering that does not name an action (（四）实施农村饮水安全巩固提升工程。…)
LOOSE_HEADING = re.compile(
    r"^(?:（([一二三四五六七八九十]{1,3})）|([一二三四五六七八九十]{1,3})、)\s*([^。；，]{2,30}?)(?:[。；]|$)"
)


def _longest_run(headings: list[ActionHeading], loose: list[ActionHeading] = ()) -> list[ActionHeading]:
    """Return the longest sequence numbered 1, 2, 3 … in document order (drops stray matches).

    A heading of the same numbering that does not end in 行动 fills a gap between two action headings (a work
    item such as （四）实施…工程 among the （N）实施…行动 items); it never starts or ends the run.
    """
    best: list[ActionHeading] = []
    ordered = sorted([*headings, *loose], key=lambda h: h.line)
    strict = {id(h) for h in headings}
    for start, h in enumerate(ordered):
        if h.number != 1 or id(h) not in strict:
            continue
        run = [h]
        for other in ordered[start + 1 :]:
            if other.number == run[-1].number + 1:
                run.append(other)
        while run and id(run[-1]) not in strict:
            run.pop()
        if len([r for r in run if id(r) in strict]) > len([b for b in best if id(b) in strict]):
            best = run
    return best


ANNEX_INDEX = re.compile(r"^(?:附件\s*[：:]?\s*)?(\d{1,2})\s*[.、．]\s*(\S.{1,40}?行动\S{0,8}?)$")


def _annex_title_name(title: str) -> str | None:
    title = re.sub(r"^[\u4e00-\u9fff]{2,4}?(?:旗|县|市|区)(?=\d{4})", "", compact(title))
    m = ANNEX_TITLE.match(title)
    if not m:
        return None
    return re.sub(r"专项行动$", "行动", _clean_action_name(m.group(1)))


def annex_index(lines: list[str]) -> list[tuple[int, str, int]]:
    """Return (number, title, line) of the annex list at the top of a document (附件：1.…方案 2.…方案)."""
    index: list[tuple[int, str, int]] = []
    for i, line in enumerate(lines[:80]):
        m = ANNEX_INDEX.match(compact(line))
        if m and re.search(r"(方案|计划)$", m.group(2)):
            number = int(m.group(1))
            if number == (index[-1][0] + 1 if index else 1):
                index.append((number, m.group(2), i))
    return index


def _annex_actions(lines: list[str]) -> list[ActionHeading]:
    """Return actions of a document made of one annex per action: from its annex index, else from 附件N headings."""
    index = annex_index(lines)
    found: dict[int, ActionHeading] = {}
    if len(index) >= 3:
        after = index[-1][2] + 1
        body = [
            (j, compact(lines[j])) for j in range(after, len(lines)) if lines[j].strip() and len(lines[j].strip()) <= 60
        ]
        cursor = after
        for number, title, _ in index:
            name = _annex_title_name(title)
            if not name:
                continue
            key = re.sub(r"^\d{4}年", "", compact(title))
            hit = next((j for j, t in body if j >= cursor and key in t), None)
            if hit is not None:
                found[number] = ActionHeading(number, name, hit, lines[hit], "annex")
                cursor = hit + 1
    for i, line in enumerate(lines):
        m = ANNEX.match(compact(line))
        if not m or int(m.group(1)) in found:
            continue
        title_lines = []
        for j in range(i + 1, min(i + 6, len(lines))):
            t = compact(lines[j])
            if not t:
                if title_lines:
                    break
                continue
            title_lines.append(t)
            if re.search(r"(实施方案|方案|计划)$", t) or len("".join(title_lines)) > 40:
                break
        name = _annex_title_name("".join(title_lines))
        if name:
            found[int(m.group(1))] = ActionHeading(int(m.group(1)), name, i, line, "annex")
    ordered = sorted(found.values(), key=lambda a: a.line)
    return [a for k, a in enumerate(ordered) if k == 0 or a.number > ordered[k - 1].number]


# ---- prose targets ---------------------------------------------------------------------------

# 到2022年和2030年, and 到2022年2030年 with the 和 left out
YEARS_CONTEXT = re.compile(r"^(?:到|至)?\s*(\d{4})\s*年(?:底|末)?\s*(?:和|、|及|与)?\s*(\d{4})\s*年(?:底|末)?\s*[，,]?")
YEAR_CONTEXT = re.compile(r"^(?:到|至)\s*(\d{4})\s*年(?:底|末)?\s*[，,]?|^(\d{4})\s*年(?:底|末)?\s*[，,]?")
NAME_WORDS = f"(?:{alternation(lexicon.NAME_ENDINGS)})"
NAME_END = re.compile(NAME_WORDS + "$")
SUBJECT = re.compile(r"^(.*?(?:儿童|居民|人群|孕妇|孕产妇|学生|老年人|成人|成年人|患者|妇女|婴儿|新生儿|职工))")
CMP_WORDS = alternation(lexicon.COMPARATOR_WORDS)
PRED_START = re.compile(
    rf"(?:分别|均|都)?(?:将|要|继续|进一步)?(?=(?:在\s*(?:\d{{4}}\s*年|现有|现状|目前|{NUMBER})|{CMP_WORDS}|{NUMBER}|持续|逐步|逐年|稳步|不断|大幅|全面(?=提升|提高|下降|降低)|明显|显著|有效|上升趋势|增长率|保持|实现|建立"
    rf"|有所|增速|力争|争取|每年|(?:比|较)\s*\d{{4}}\s*年|(?:提高|提升|增加|降低|下降|减少)\s*{NUMBER}))"
)
# a comma before "<name>持续下降" (no comparator word) also starts another indicator
TREND_WORDS = alternation(lexicon.TREND_LEADS)
RATE_NAME = r"[^，,、。；]{2,20}?(?:率|素养水平|素养)"  # not any 水平: 人民群众健康水平不断提高 is an aim
NARRATIVE_TREND = rf"(?:{alternation(lexicon.NARRATIVE_TREND_LEADS)}|(?:提高|提升|增加|降低|下降|减少)\s*\d)"
RATE_LIST = r"(?:[^，,、。；]{2,20}?率、)+[^，,、。；]{2,20}?率"
TREND_WORDS_GROUP = rf"(?:{TREND_WORDS}|(?:提高|提升|增加|降低|下降|减少)\s*\d)"
CLAUSE = re.compile(
    rf"^(?P<name>.{{2,60}}?)(?P<mode>分别|均|都)?\s*(?P<pred>(?:在\s*(?:\d{{4}}\s*年|现有|现状|目前)|{CMP_WORDS}|{NUMBER}|持续|逐步|稳步|明显|显著|有效|上升趋势|增长率|保持|实现|建立).*)$"
)
ADVOCACY = re.compile(r"^提倡")
PLACE_PREFIX = re.compile(
    r"^(?:全市|全县|全旗|全区|全镇|全省|我市|我县|我旗|我区|本市|各级|全市城乡|城乡(?!居民)|我市居民(?=居民))"
)


@dataclass
class ProseTarget:
    name: str
    targets: list[dict]
    line: int
    text: str
    advocacy: bool = False
    baseline: dict | None = None
    nature: str = ""  # from a remark such as （约束性） after the target
    group: str = ""  # from a prefix such as 4项结果性指标：


def split_clauses(paragraph: str, trends: bool = True) -> list[str]:
    """Return the clauses of a target paragraph: split on 。 ； and on 、，that start a new indicator.

    With `trends`, a comma before "<name>持续下降 / 有所下降 / 降低10%" (no comparator word) starts one too; a
    plan's narrative 总体目标 paragraph is read without it (its 健康生活方式基本普及… are aims, not indicators).
    """
    return [clause for clause, _ in sentence_clauses(paragraph, trends)]


_PREDICATE = re.compile(rf"\d|{CMP_WORDS}|{TREND_WORDS}|实现|下降|提高|提升|降低|减缓|改善|覆盖|落实")


# numbers that belong to a name (30～70岁, 600名学生以上的, 6类以上), not to a target
NAME_NUMBERS = re.compile(r"\d+(?:\s*[～~\-—至]\s*\d+)?\s*(?:岁|周岁|名|类|个|人)(?:及?以[上下]的?)?|以上的|以下的")


def _split_at(pattern: str, text: str) -> list[tuple[str, str]]:
    """The pieces of text split where `pattern` matches one separator character, each with the separator before it."""
    pieces, last, sep = [], 0, ""
    for m in re.finditer(pattern, text):
        pieces.append((text[last : m.start()], sep))
        last, sep = m.end(), m.group(0)
    pieces.append((text[last:], sep))
    return pieces


def sentence_clauses(paragraph: str, trends: bool = True) -> list[tuple[str, bool]]:
    """split_clauses, each clause with whether it opens its sentence (after 。 or ；)."""
    parts: list[tuple[str, bool]] = []
    # commas inside parentheses belong to a remark, not to the list of indicators
    paragraph = re.sub(r"（[^（）]*）", lambda m: m.group(0).replace("，", "\x1f").replace("、", "\x1e"), paragraph)
    for sentence in re.split(r"[。；;]", paragraph):
        sentence = sentence.strip()
        if not sentence:
            continue
        sentence = NAME_LIST.sub(_protect_name_list, sentence)
        # a comma or 、 followed by "<name>分别|均 …" begins another indicator; a comma before a year context
        # (…达到90%，到2030年实现全覆盖) begins another year's target
        pieces = _split_at(
            rf"[，、,](?=[^，、,]{{2,40}}?(?:分别|均|{CMP_WORDS}))|[，,](?=(?:到|至)?\d{{4}}年)"
            rf"|[，,](?=[^，,]{{2,80}}?(?:分别|均|{CMP_WORDS}))"  # …，30～70岁人群因心脑血管疾病、癌症、…死亡率<15.9
            rf"|[，,](?=[^，、,]{{2,30}}?{NAME_WORDS}{NUMBER})",  # …，体育产业总规模4500亿元以上
            sentence,
        )
        if trends:
            pieces = [
                (q, sep if k == 0 else inner)
                for piece, sep in pieces
                for k, (q, inner) in enumerate(
                    _split_at(
                        rf"[，,](?=[^，,]{{2,60}}?(?:率|水平|比例|比重|人数|寿命){TREND_WORDS_GROUP})"
                        # …每年降低1个百分点以上和新发近视率明显下降: 和 before a whole name and its trend
                        rf"|和(?=[^，、；和]{{3,20}}?(?:率|水平|比例){TREND_WORDS_GROUP})",
                        piece,
                    )
                )
            ]
        else:
            # even in a narrative paragraph, a rate or level, or a list of rates, with a trend is an indicator
            # (…达到79.8岁，婴儿死亡率、5岁以下儿童死亡率、孕产妇死亡率明显下降; …，全民健康素养水平大幅提升); an aim such as
            # 健康生活方式基本普及 is not
            pieces = [
                (q, sep if k == 0 else inner)
                for piece, sep in pieces
                for k, (q, inner) in enumerate(
                    _split_at(rf"[，,](?=(?:{RATE_LIST}|{RATE_NAME}){NARRATIVE_TREND})", piece)
                )
            ]
        # a piece cut off at 、 with no predicate is the first half of a name (乡镇卫生院、社区卫生服务中心提供…的比例)
        joined: list[str] = []
        carry = ""
        for k, (piece, _sep) in enumerate(pieces):
            following = pieces[k + 1][1] if k + 1 < len(pieces) else ""
            if following in ("、", "和") and not _PREDICATE.search(NAME_NUMBERS.sub("", piece)):
                carry += piece + following  # 儿童和成人肥胖增长率持续减小: one name
                continue
            joined.append(carry + piece)
            carry = ""
        if carry:
            joined.append(carry.rstrip("、和"))
        first = True
        for piece in joined:
            piece = piece.strip().replace("\x1f", "，").replace("\x1e", "、")
            if piece:
                parts.append((piece, first))
                first = False
    return parts


SUBJECT_HEAD = re.compile(r"^(?:\d{1,2}[.、．]|（\d{1,2}）)?([^：:，,。；]{2,40}?)[：:](.+)$")
# 孕产妇死亡率、婴儿死亡率、5岁以下儿童死亡率分别控制在12/10万、5‰、6‰以下: names listed before 分别
NAME_LIST = re.compile(r"(?<![^，,：:])((?:[^，、,；。：:]{2,30}、)+[^，、,；。：:]{2,30}?)(?=分别)")


def _protect_name_list(m: re.Match) -> str:
    parts = m.group(1).split("、")
    if all(NAME_END.search(p) and len(p) >= 3 for p in parts):
        return m.group(1).replace("、", "\x1e")
    return m.group(1)


def _distributed(c: str, count: int, years: list[int], explicit: bool = True) -> list[list[dict]] | None:
    """The values after 分别 taken one for each of `count` names (…分别控制在12/10万、5‰、6‰以下), or None.

    With two years written before (到2022年和2030年，A、B分别…X和Y) the values are the years' instead."""
    pos = c.find("分别")
    if pos < 0 or (explicit and len(years) != 1):
        return None
    values = re.split(r"、|(?<=[\d%‰万人岁上下])和(?=\D{0,6}\d)", c[pos + 2 :].split("，")[0])
    if len(values) != count:
        return None
    lead = re.match(r"^(\D*?)(?=\d)", values[0])
    prefix = lead.group(1) if lead else ""
    tail = re.search(r"(及以上|及以下|或以上|或以下|以上|以下|以内)$", values[-1])
    suffix = tail.group(1) if tail else ""
    result = []
    for value in values:
        if prefix and not value.startswith(prefix):
            value = prefix + value
        if suffix and not value.endswith(suffix):
            value += suffix
        target = parse_target(value)
        if target is None:
            return None
        result.append([{"year": y, **target} for y in years])
    return result


def targets_in_paragraph(paragraph: str, line: int, default_years: list[int], trends: bool = True) -> list[ProseTarget]:
    """Return the indicator targets written in one paragraph (e.g. a 行动目标 paragraph)."""
    found: list[ProseTarget] = []
    years = list(default_years)
    text = DASH_TITLE.sub("", paragraph.strip())
    named = ""
    head = SUBJECT_HEAD.match(compact(text))
    if head and NAME_END.search(head.group(1)) and re.search(r"\d{4}年", head.group(2)):
        # 经常参加体育锻炼人数比例：到2025年达到40%，到2030年达到42%: the name once, then each year's value
        named, text = head.group(1), head.group(2)
    explicit = False  # whether a year context was written (else the plan's years are assumed)
    baseline = None  # 2020年为20.3%: the state in a year, not a target
    # a year context that opens a sentence (or comes before any target in it) holds for the sentences after it; one
    # written after a target in the middle of a sentence (…稳步提升，2030年实现全覆盖；…) holds to the sentence's end
    base_years, base_explicit = list(years), False
    group = ""  # the group a 结果性指标：/政府工作指标： prefix names for the clauses after it
    advocating = False
    read_in_sentence = len(found)
    for clause, opens in sentence_clauses(text, trends):
        c = compact(clause)
        if opens:
            years, explicit = list(base_years), base_explicit
            read_in_sentence = len(found)
            advocating = False
        if ADVOCACY.match(compact(clause)):
            advocating = True  # 提倡A1小时以上，达到B2小时以上: every clause of the sentence is advocated
        elif advocating:
            clause, c = "提倡" + clause, "提倡" + c
        remark = NATURE_REMARK.fullmatch(c)
        if remark:  # （约束性） closing the sentences of one indicator
            for item in found:
                item.nature = item.nature or NATURES[remark.group(1)]
            continue
        m = YEARS_CONTEXT.match(c)
        if m:
            years = [int(m.group(1)), int(m.group(2))]
            c = c[m.end() :]
            explicit = True
        else:
            m = YEAR_CONTEXT.match(c)
            if m:
                years = [int(m.group(1) or m.group(2))]
                c = c[m.end() :]
                explicit = True
        if m and len(found) == read_in_sentence:
            base_years, base_explicit = list(years), True
        prefix = GROUP_PREFIX.match(c)
        if prefix:  # 2023年4项结果性指标：… / 1项政府工作指标：每1万人配备0.3名营养指导员
            group = GROUP_OF.get(prefix.group(1) or "", group)
            c = c[prefix.end() :]
        if not c or LIST_OPENING.match(c):
            continue  # …实现以下目标： opens a list; it is no target itself
        past = PAST_STATE.match(c)
        if past and found and not opens and int(past.group("year")) < min(years):
            value = parse_baseline(past.group("value"))
            if value and value["value"] is not None and found[-1].baseline is None:
                found[-1].baseline = {**value, "year": int(past.group("year"))}
                continue
        state = STATE.match(c)
        if state and explicit and len(years) == 1 and (named or state.group("name")):
            value = parse_baseline(state.group("value"))
            if value and value["value"] is not None:
                baseline = {**value, "year": years[0]}
                continue
        if named and _clause_target(c, years) is None:
            c = named + c
        elif (
            found
            and re.match(rf"(?:分别|均)?(?:{CMP_WORDS}|实现|基本实现|全面实现)", c)
            and _clause_target(c, years) is None
        ):
            # 到2022年，…素养水平达到22%以上；到2030年，达到30%以上: the name is the one before
            c = found[-1].name + c
        if ADVOCACY.match(c):
            found += _advocacy_items(c, years, line, clause)
            continue
        found += _clause_items(c, years, line, clause, found, (named, baseline, explicit, group))
    return found


def _advocacy_items(c: str, years: list[int], line: int, clause: str) -> list[ProseTarget]:
    """提倡A1小时以上，B达到2小时以上: one advocated indicator per item, with its value when it states one."""
    items = []
    for item in re.split(r"[，、；]", c.removeprefix("提倡")):
        item = re.sub(r"^(?:达到|做到|保持)", "", item)
        if len(item) >= 4:
            name = re.split(rf"(?:{CMP_WORDS})?\s*{NUMBER}", item, maxsplit=1)[0] or item
            items.append(
                ProseTarget(name=name, targets=_advocacy_targets(item, years), line=line, text=clause, advocacy=True)
            )
    return items


def _clause_items(
    c: str, years: list[int], line: int, clause: str, found: list[ProseTarget], context: tuple
) -> list[ProseTarget]:
    """The indicators of one clause: one, or one for each name listed before a shared predicate. `context` is the
    paragraph's (named indicator, year's state read before it, whether a year was written, group prefix)."""
    named, baseline, explicit, group = context
    item = _clause_target(c, years)
    if not item:
        return []
    name, targets, own_baseline = item
    if len(name) <= 4 and found and not SUBJECT.match(name):
        # 5岁以下儿童生长迟缓率分别低于7%和5%、贫血率分别低于…: the second shares the subject
        subject = SUBJECT.match(found[-1].name)
        if subject:
            name = subject.group(1) + name
    parts = [q for p in name.split("、") for q in _whole_names(p)]
    if len(parts) == 1 and "分别" in c and len(years) == 1:  # with two years 分别 gives each year's value
        parts = _paired_names(name)
    if len(parts) > 1 and all(NAME_END.search(p) and 3 <= len(p) <= 30 for p in parts):
        # 失眠现患率、焦虑障碍患病率、抑郁症患病率上升趋势减缓: one predicate for each named indicator;
        # …分别控制在12/10万、5‰、6‰以下: one value each
        # 高血压治疗率、控制率持续提高: a bare measure word shares the first name's subject (高血压控制率)
        parts = [parts[0]] + [
            parts[0][: len(parts[0]) - len(p)] + p if len(p) <= 3 < len(parts[0]) else p for p in parts[1:]
        ]
        each = _distributed(c, len(parts), years, explicit) or [[dict(t) for t in targets] for _ in parts]
        return [
            ProseTarget(name=part, targets=own, line=line, text=clause, group=group) for part, own in zip(parts, each)
        ]
    remark = re.search(r"[（(](约束性|预期性|倡导性)(?:指标)?[）)]", c)
    if own_baseline is None and baseline is not None and (not named or name == named):
        own_baseline = baseline
    nature = NATURES.get(remark.group(1) if remark else "", "")
    return [
        ProseTarget(
            name=name, targets=targets, line=line, text=clause, baseline=own_baseline, nature=nature, group=group
        )
    ]


NATURES = lexicon.NATURES
# ——健康水平持续提升。孕产妇死亡率…: a dash item's first short sentence is its title, an aim and no indicator
DASH_TITLE = re.compile(r"^——[^。；，,\d]{2,20}。")
LIST_OPENING = re.compile(r"^(?:并|要|应)?(?:实现|达到|完成)?(?:以下|如下)(?:主要)?(?:目标|指标)")
GROUP_PREFIX = re.compile(r"^(?:\d+项)?(结果性|政府工作|个人和社会倡导性|倡导性)指标[：:]")
GROUP_OF = lexicon.GROUP_OF
NATURE_REMARK = re.compile(r"[（(](约束性|预期性|倡导性)(?:指标)?[）)]")
# the state in a past year, after the target of the same indicator: 通辽市2019年失眠现患率6.33%
PAST_STATE = re.compile(
    rf"^[\u4e00-\u9fff]{{0,8}}?(?P<year>\d{{4}})\s*年(?:底|末)?[^，,\d]{{2,30}}?(?:为|是)?(?P<value>{NUMBER}\s*(?:%|‰|/10万)?)$"
)
# a year's state: 2020年为20.3%, 2020年全县居民健康素养水平为19.6%
STATE = re.compile(
    rf"^(?P<name>[^，,]{{0,40}}?)(?<!实现|提高|提升|增加|降低|下降)(?:为|是)(?P<value>{NUMBER}\S{{0,8}})$"
)


PAIR_SUFFIX = re.compile(f"({alternation(lexicon.PAIR_MEASURES)})$")
PAIR_PREFIX = re.compile(f"^(?:{alternation(lexicon.PAIR_SUBJECTS)})")


def _whole_names(part: str) -> list[str]:
    """`孕产妇死亡率和婴儿死亡率` (和 between two whole names) is two names; `儿童和成人肥胖增长率` stays one."""
    pieces = part.split("和")
    if len(pieces) > 1 and all(NAME_END.search(p) and len(p) >= 3 for p in pieces):
        return pieces
    return [part]


def _paired_names(name: str) -> list[str]:
    """Two indicators named together before 分别: `人均每日食盐和食用油摄入量` → 人均每日食盐摄入量, 人均每日食用油摄入量;
    `孕产妇和婴儿死亡率` → 孕产妇死亡率, 婴儿死亡率 (the measure word after the second is shared, and so is a
    人均/居民 before the first)."""
    first, sep, second = name.partition("和")
    suffix = PAIR_SUFFIX.search(second)
    if not sep or not suffix or "和" in second or len(first) < 2 or len(second) <= len(suffix.group(1)):
        return [name]
    prefix = PAIR_PREFIX.match(first)
    lead = prefix.group(0) if prefix and not second.startswith(prefix.group(0)) else ""
    return [first + suffix.group(1), lead + second]


def _advocacy_targets(item: str, years: list[int]) -> list[dict]:
    m = re.search(rf"({CMP_WORDS})\s*({NUMBER}.*)$", item) or re.search(
        rf"()({NUMBER}\s*\S{{0,4}}?(?:及以上|以上|及以下|以下))$",
        item,  # 学生每天校外接触自然光时间1小时以上
    )
    if not m:
        return []
    target = parse_target(m.group(1) + m.group(2))
    return [{"year": y, **target} for y in years[-1:]] if target else []


PAREN_REMARK = re.compile(
    r"（(?:以下简称|简称|下同)[^（）]*）|（[^（）]{9,}）|（[^（）]*[，,、\d][^（）]*）(?=[^（）]*(?:率|比例|水平|数))"
)


FROM_TO = re.compile(
    rf"^(?P<name>.{{2,60}}?)由\s*(?:(?P<y0>\d{{4}})\s*年(?:底|末)?的?)?\s*(?P<v0>{NUMBER}[^\d，,]{{0,6}}?)\s*"
    rf"(?P<verb>提高|提升|增加|增长|上升|下降|降低|减少)(?:到|至)\s*(?:(?P<y1>\d{{4}})\s*年(?:底|末)?的?)?\s*(?P<v1>{NUMBER}.*)$"
)


def _from_to(c: str, years: list[int]) -> tuple[str, list[dict], dict | None] | None:
    """`X率由2020年的90.1%提高到2025年的92%`: the target, and the baseline it starts from."""
    m = FROM_TO.match(c)
    if not m:
        return None
    name = PLACE_PREFIX.sub("", m.group("name")).strip("，,、 ")
    if not NAME_END.search(name):
        return None
    word = "不高于" if m.group("verb") in ("下降", "降低", "减少") else "达到"
    target = parse_target(word + m.group("v1").split("，")[0])
    base = parse_baseline(m.group("v0"))
    if target is None:
        return None
    target_years = [int(m.group("y1"))] if m.group("y1") else years
    baseline = None
    if base and base["value"] is not None:
        baseline = {**base, "year": int(m.group("y0")) if m.group("y0") else None}
    return name, [{"year": y, **target} for y in target_years], baseline


UNIT_PAREN = re.compile(r"（(?:%|‰|‱|1/10万|/10万|岁|人|个|小时|天|次|元)）$")
AIM_WORDS = re.compile(f"^(?:{alternation(lexicon.AIM_WORDS)})")
# a clause that starts with an action verb states work, not an indicator (降低因慢性病导致的过早死亡率)
WORK_VERB = re.compile(f"^(?:{alternation(lexicon.WORK_VERBS)})(?!率)")  # 控制率 is a name


def _own_name(name: str) -> str:
    """The indicator's name out of the words before its predicate: the part after the last comma (the words before
    it are another clause), without the means that open it (通过…让) or an aim word (力争30—70岁人群…死亡率 →
    30—70岁人群…死亡率); '' when what is left opens with a verb of work, which names no indicator."""
    name = name.rsplit("，", 1)[-1].strip("，,、 ")
    name = MEANS_CLAUSE.sub("", name)  # 通过健康环境促进行动让居民…素养水平 → 居民…素养水平
    name = AIM_WORDS.sub("", name)
    return "" if WORK_VERB.match(name) else name


# the means before the indicator: 通过…行动让/使 …
MEANS_CLAUSE = re.compile(r"^通过[^，。；]{2,30}?(?:让|使|促使)")


OBJECT_COUNT = re.compile(
    rf"^(?:培育|建成|创建|打造|建设|新建|新增|培养|认定|评选)(?P<name>[^，。\d]{{2,20}}?)(?P<num>{NUMBER})\s*"
    r"(?P<unit>个|家|所|项|名|支|条|处|张)(?:以上|及以上)?$"
)


PER_POPULATION = re.compile(
    rf"^(?P<per>每\s*{NUMBER}?\s*[万千百]?(?:常住)?人口?)(?P<verb>配备|拥有|配置|有)(?P<num>{NUMBER})\s*"
    r"(?P<unit>名|张|个|人|所)(?P<what>[\u4e00-\u9fff]{2,12})$"
)


def _object_count(c: str, years: list[int]) -> tuple[str, list[dict], None] | None:
    """A count of things to build: 培育健康浙江行动省级样板50个 → 健康浙江行动省级样板 ≥ 50 (个); a count per head of
    population: 每1万人配备0.3名营养指导员 → 每1万人配备营养指导员 ≥ 0.3 (名)."""
    per = PER_POPULATION.match(c)
    if per:
        target = parse_target(f"达到{per.group('num')}{per.group('unit')}")
        name = per.group("per") + per.group("verb") + per.group("what")
        return name, [{"year": y, **target} for y in years], None
    m = OBJECT_COUNT.match(c)
    if not m:
        return None
    target = parse_target(f"达到{m.group('num')}{m.group('unit')}")
    return m.group("name"), [{"year": y, **target} for y in years], None


def _clause_target(c: str, years: list[int]) -> tuple[str, list[dict], dict | None] | None:
    """Return (name, targets, baseline or None) of one clause."""
    c = re.sub(r"^（\d{1,2}）", "", c)
    c = PAREN_REMARK.sub(lambda m: m.group(0) if m.group(0) in ("（助理）",) else "", c)
    # …工作人员的比例到2030年达到90%以上: the year after the name is the clause's own
    c = re.sub(r"(?<=[率平例重数命间积])(?:到|至)(?=\d{4}年)", "", c)
    # 摄入量较2020—2022年平均水平都有所降低: a base with no number to change by leaves a trend
    c = re.sub(
        r"(?:较|比)\s*\d{4}(?:\s*[—\-－~～至]\s*\d{4})?\s*年(?:的)?(?:平均)?(?:水平)?(?=(?:都|均|分别)?(?:有所|明显|持续|进一步|显著|逐步))",
        "",
        c,
    )
    from_to = _from_to(c, years)
    if from_to:
        return from_to
    for m in PRED_START.finditer(c):
        if c[m.start() - 1 : m.start()] == "、":
            continue  # a list of names goes on (…婴儿死亡率、5岁以下儿童死亡率分别…)
        name = _own_name(PLACE_PREFIX.sub("", c[: m.start()]).strip("，,、 "))

        name = UNIT_PAREN.sub("", name)  # …过早死亡率（%）<15.9
        if 2 <= len(name) <= 90 and NAME_END.search(name) and not re.search(r"\d{4}年", name):
            pred = c[m.end() :]
            break
    else:
        return _object_count(c, years)
    own_year = re.match(r"^(\d{4})\s*年(?:底|末)?的?(?=\D)", pred)
    if own_year:  # 重大慢性病过早死亡率2022年降至15.9%
        years = [int(own_year.group(1))]
        pred = pred[own_year.end() :]
    if len(years) >= 2:
        parts = [
            p.split("，")[0]
            for p in re.split(r"(?<=[\d%‰以上下次名人个])\s*和\s*(?=在|[^，和]{0,6}?\d)", pred, maxsplit=len(years) - 1)
        ]
        if len(parts) != len(years):  # 分别提高到40%、45%
            parts = [p.split("，")[0] for p in re.split(r"(?<=[\d%‰以上下])\s*、\s*(?=\D{0,6}?\d)", pred)]
        if len(parts) == len(years):
            targets = []
            carry = ""
            for year, part in zip(years, parts):
                lead = re.match(r"^(\D+?)(?=\d)", part)
                if lead and re.search(rf"(?:{CMP_WORDS}|提高|降低|下降|增加)$", lead.group(1)):
                    carry = lead.group(1)
                elif carry and re.match(NUMBER, part):
                    part = carry + part
                target = parse_target(part)
                if target is None:
                    break
                targets.append({"year": year, **target})
            else:
                return name, targets, None
    target = parse_target(pred.split("，")[0])
    if target is None:
        return None
    then = pred.split("，")[1:2]
    if target["kind"] == "directional" and then and re.match(rf"(?:{CMP_WORDS})\s*{NUMBER}", then[0]):
        # 人均预期寿命逐步提高，达到78.7岁: the value after the trend is the target
        target = parse_target(then[0]) or target
    return name, [{"year": y, **target} for y in years], None


# ---- tasks in prose --------------------------------------------------------------------------

LABEL_LINE = re.compile(r"^(?:牵头|主责|责任|配合|协办|参与|协助)(?:单位|部门)\s*[：:]")
TASK_START = re.compile(
    # 一是/二是 items keep their words (一是推进减盐行动，二是…)
    r"^(?:(\d{1,2})\s*(?:、|[.．](?!\d))\s*|（(\d{1,2})）\s*|([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|(?=[一二三四五六七八九十]{1,2}是))\s*)"
    r"(\S.*)$"
)
ACTOR = re.compile(r"^——\s*(.{1,12}?)\s*[：:]?\s*$")


@dataclass
class ProseTask:
    number: str
    content: str
    responsibility: dict | None
    first: int
    last: int
    actor: str = ""


def tasks_in_range(lines: list[str], start: int, end: int, sub_tasks: bool = False) -> list[ProseTask]:
    """Return the numbered tasks between two action headings, each with the departments in its trailing parenthesis.

    Numbering may be 1. （1） ① (or （一） under a 一、 heading when `sub_tasks`); an unnumbered paragraph that ends
    in a department parenthesis is a task as well.
    """
    tasks: list[ProseTask] = []
    current: ProseTask | None = None
    actor = ""
    aside = 0  # the level of a section that holds no tasks (基本原则, 保障措施…), 0 when none
    task_section = False  # under 二、重点工作任务: a （一） heading over a paragraph is a task
    for i in range(start, end):
        text = lines[i].strip()
        if not text or "\t" in lines[i]:
            continue
        level = heading_level(text)
        if level and (not aside or level <= aside):
            aside = level if NO_TASK_SECTION.search(compact(text)[:16]) else 0
        if level == 1:
            task_section = bool(TASK_HEAD.search(compact(text)[:16]))
        if aside:
            current = None
            continue
        if SUB_HEADING.match(compact(text)):  # 3、工作措施 / 2、工作责任: a heading inside the action, no task
            current = None
            continue
        m_actor = ACTOR.match(text)
        if m_actor:
            actor = m_actor.group(1)
            current = None
            continue
        if re.match(r"^(?:行动目标|主要指标|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", text):
            if re.match(r"^（[一二三四五六七八九十]+）", text) and (
                sub_tasks
                or responsibility_from_text(_paragraph_from(lines, i, end))
                or (task_section and _paragraph_follows(lines, i, end))
            ):
                # under a 一、 action heading the （一） items are its tasks, and anywhere a （一） item that names
                # its own departments (（三）全年新建户厕8419个。（乡村振兴局）) is one
                current = ProseTask(
                    number=text[1 : text.index("）")],
                    content=text[text.index("）") + 1 :],
                    responsibility=None,
                    first=i,
                    last=i,
                    actor=actor,
                )
                tasks.append(current)
                resp = _last_responsibility(current.content)
                if resp:
                    current.responsibility = resp
                continue
            current = None
            continue
        m = TASK_START.match(text)
        if m is None and responsibility_from_text(text) and len(compact(text)) > 15 and current is None:
            # an unnumbered paragraph closed by its departments is a task too
            m = re.match(r"^()()()(.*)$", text)
        if m:
            current = ProseTask(
                number=m.group(1) or m.group(2) or m.group(3),
                content=m.group(4),
                responsibility=None,
                first=i,
                last=i,
                actor=actor,
            )
            tasks.append(current)
        elif current is not None and (
            current.responsibility is None
            or current.responsibility.get("cut")
            or current.responsibility.get("subject")
            or LABEL_LINE.match(text)
        ):
            # a wrapped line, or the next labelled line (牵头单位：… then 配合单位：…) of the same task
            current.content += text
            current.last = i
        else:
            continue
        # departments close a task; text after it belongs to no task until the next number
        resp = _last_responsibility(current.content)
        if resp:
            current.responsibility = resp
    return tasks


# sections of an action's text that hold principles or arrangements, not tasks
NO_TASK_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*" + f"(?:{alternation(lexicon.NO_TASK_SECTIONS)})"
)
SUB_HEADING = re.compile(
    r"^(?:\d{1,2}[、.．]|（\d{1,2}）)(?:工作|主要|重点|具体)?(?:措施|责任|任务|目标|要求|责任和措施|任务和措施)[。：:]?$"
)


TASK_HEAD = re.compile(
    r"^[一二三四五六七八九十]+、\s*(?:重点|主要|具体)?(?:工作|指标)?(?:任务|措施)|^[一二三四五六七八九十]+、\s*重点工作"
)


def _paragraph_follows(lines: list[str], i: int, end: int) -> bool:
    """True when the next non-blank line after a heading is a plain paragraph (no number, no heading)."""
    for j in range(i + 1, end):
        t = lines[j].strip()
        if t:
            return not (TASK_START.match(t) or heading_level(t) or "\t" in lines[j])
    return False


def heading_level(text: str) -> int:
    """1 for a 一、 heading, 2 for （一）, 0 otherwise."""
    if re.match(r"^[一二三四五六七八九十]+、", text):
        return 1
    if re.match(r"^（[一二三四五六七八九十]+）", text):
        return 2
    return 0


def _last_responsibility(text: str) -> dict | None:
    return responsibility_from_text(text) or responsibility_from_subject(text)


# ---- reporting cycles ------------------------------------------------------------------------

DUE = re.compile(
    r"每年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*[、和及与,，]\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日)?\s*(?:前|之前|以前)"
)


def reporting_cycles(lines: list[str]) -> list[dict]:
    """Return the reporting cycles the document sets (每年6月15日、12月15日前 … 上报)."""
    cycles: dict[tuple, dict] = {}
    for i, line in enumerate(lines):
        for m in DUE.finditer(line):
            dates = [f"{int(m.group(1)):02d}-{int(m.group(2)):02d}"]
            if m.group(3):
                dates.append(f"{int(m.group(3)):02d}-{int(m.group(4)):02d}")
            context = line[m.start() : m.end() + 60]
            if any(w in context for w in ("监测", "评估", "报告")) and len(dates) == 1:
                kind, key, name = "monitoring_report", "monitoring-report", "年度监测评估报告"
            elif len(dates) >= 2 or any(w in context for w in ("工作开展情况", "进展", "工作情况")):
                kind, key, name = "task_progress", "task-progress", "任务进展报告"
            else:
                kind, key, name = "indicator_value", "indicator-values", "指标年度监测"
            freq = {1: "annual", 2: "semiannual", 4: "quarterly"}.get(len(dates), "annual")
            sig = (kind, tuple(dates))
            if sig not in cycles and key not in {c["key"] for c in cycles.values()}:
                cycles[sig] = {
                    "key": key,
                    "name": name,
                    "kind": kind,
                    "frequency": freq,
                    "due_dates": dates,
                    "source_text": compact(m.group(0)),
                    "line": i,
                }
    return sorted(cycles.values(), key=lambda c: c["line"])


# ---- leading group roster --------------------------------------------------------------------

ROLE_LINE = re.compile(r"^(组\s*长|副\s*组\s*长|成\s*员|办公室主任|秘\s*书\s*长|主\s*任|副\s*主\s*任)\s*[：:]\s*(.*)$")
MEMBER = re.compile(r"^([\u4e00-\u9fff]{1,2}\s{0,3}[\u4e00-\u9fff]{1,2})\s*[（(]([^）)]{1,60})[）)]\s*$")


def roster(lines: list[str]) -> list[dict]:
    """Return the leading group's members (组长/副组长/成员) with their posts."""
    entries = []
    role = None
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        m = ROLE_LINE.match(text)
        if m:
            role = re.sub(r"\s+", "", m.group(1))
            text = m.group(2).strip()
            if not text:
                continue
        elif role is None:
            continue
        member = MEMBER.match(text)
        if member:
            entries.append(
                {
                    "role": role,
                    "person": re.sub(r"\s+", "", member.group(1)),
                    "post": member.group(2).strip(),
                    "source": {"lines": [i + 1, i + 1], "text": line.strip()},
                }
            )
        elif entries and len(entries) > 2:
            role = None  # the roster ended
    return entries


FALLBACK_HEADING = re.compile(
    r"^(?:（([一二三四五六七八九十]{1,3})）|([一二三四五六七八九十]{1,3})、)\s*([^。；]{2,30}?)(?:[。；]|$)"
)


def fallback_actions(lines: list[str]) -> list[ActionHeading]:
    """Headings that do not end in 行动 (a notice's （一）加强… items under 重点任务): the ones followed by tasks.

    When the （一） items carry their own department clause (a 工作要点: （一）印发《…》。（省卫生健康委牵头负责）) they
    are the tasks, and the 一、 headings above them are the work areas (style "area", read with sub-tasks); the
    numbering may restart under each 一、.
    """
    headings = []
    for i, line in enumerate(lines):
        m = FALLBACK_HEADING.match(compact(line))
        if m and "\t" not in line:
            headings.append((i, m))
    # any （N） item, whatever its length and punctuation (commas, 《》), may be a task with its own departments
    items = [i for i, line in enumerate(lines) if re.match(r"^（[一二三四五六七八九十]{1,3}）", compact(line))]
    own = [i for i in items if responsibility_from_text(_paragraph_from(lines, i))]
    if len(own) >= 2 and len(own) * 2 >= len(items):
        areas = []
        for k, (i, m) in enumerate(headings):
            end = headings[k + 1][0] if k + 1 < len(headings) else len(lines)
            if m.group(2):
                nxt = next((h for h, n in headings if h > i and n.group(2)), len(lines))
                if any(i < j < nxt for j in own):
                    areas.append(ActionHeading(len(areas) + 1, m.group(3), i, lines[i], "area"))
            del end
        # no 一、 heading over them (one page of a 工作要点): the items are tasks of no action
        return areas
    result: list[ActionHeading] = []
    for k, (i, m) in enumerate(headings):
        end = headings[k + 1][0] if k + 1 < len(headings) else len(lines)
        has_tasks = any(responsibility_from_text(lines[j]) for j in range(i, end))
        if has_tasks and m.group(1):  # （一）-level headings are the work areas
            name = re.sub(r"^(?:加强|推进|实施|开展)?", "", m.group(3)) and m.group(3)
            result.append(ActionHeading(len(result) + 1, name, i, lines[i], "heading"))
    if len(result) < 2:
        areas = []
        for k, (i, m) in enumerate(headings):
            end = headings[k + 1][0] if k + 1 < len(headings) else len(lines)
            if m.group(2) and any(responsibility_from_text(lines[j]) for j in range(i, end)):
                areas.append(ActionHeading(len(areas) + 1, m.group(3), i, lines[i], "heading"))
        result = areas or result  # a lone （一） heading with tasks stays when no 一、 heading has any
    if not result:
        # no department anywhere (an annual plan's 二、工作任务 / （一）… / 1.构架大健康教育体系): the （一） headings
        # over numbered items are the work areas
        for k, (i, m) in enumerate(headings):
            end = headings[k + 1][0] if k + 1 < len(headings) else len(lines)
            if m.group(1) and any(TASK_START.match(lines[j].strip()) for j in range(i + 1, end)):
                result.append(ActionHeading(len(result) + 1, m.group(3), i, lines[i], "heading"))
    return result


def _paragraph_from(lines: list[str], i: int, end: int | None = None) -> str:
    """The paragraph starting at line i, with the lines a PDF or a web copy wrapped it into (up to the next blank
    line, numbered item or heading; at most eight lines)."""
    text = lines[i].strip()
    for j in range(i + 1, min(i + 8, len(lines) if end is None else end)):
        t = lines[j].strip()
        if not t or TASK_START.match(t) or FALLBACK_HEADING.match(compact(t)) or text.endswith(("）", ")")):
            break
        text += t
    return text
