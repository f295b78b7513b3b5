"""Every threshold of the evaluation in one place (docs/evaluation.md explains them).

Statuses, from best to worst: achieved, on_track, at_risk, off_track, regressing;
no_data and not_assessable stand apart.
"""

ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
REGRESSING = "regressing"
NO_DATA = "no_data"
NOT_ASSESSABLE = "not_assessable"

STATUSES = [ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, REGRESSING, NO_DATA, NOT_ASSESSABLE]
STATUS_CODE = {name: code for code, name in enumerate(STATUSES)}
# Labels and colours live in evaluation/choices.py (EvaluationStatus); explain() takes the labels as an argument.
# Groups, worst first, so callers never list the codes again.
LAGGING = (REGRESSING, OFF_TRACK, AT_RISK)  # behind the trajectory in any degree
SERIOUSLY_LAGGING = (REGRESSING, OFF_TRACK)  # named in circulars

# Numeric targets: progress made since the baseline as a share of the progress the
# linear trajectory (baseline → next target year) expects by now.
ON_TRACK_RATIO = 0.95  # at least 95 % of the expected progress: on track
AT_RISK_RATIO = 0.60  # 60 % to 95 %: at risk; below 60 %: off track; worse than the baseline: regressing
RANGE_AT_RISK_MARGIN = 0.10  # outside a range target by at most 10 % of its width (or of its bound): at risk

# Directional targets (持续下降, 逐步提高 …): the change over the recent window.
TREND_WINDOW_YEARS = 3  # the last three reported years
TREND_STABLE_TOLERANCE = 0.005  # a relative change within ±0.5 % counts as flat
MAINTAIN_TOLERANCE = 0.02  # "保持" targets: no more than 2 % worse than the baseline

# Qualitative targets: reported words that count as done, in progress, or not done.
QUALITATIVE_DONE = ("实现", "已实现", "建立", "已建立", "完成", "已完成", "全覆盖", "是", "达标", "建立并完善", "全面实现")
QUALITATIVE_PARTLY = ("基本实现", "基本建立", "推进中", "部分实现", "基本覆盖", "基本完成")
QUALITATIVE_NOT = ("未实现", "未建立", "未完成", "否", "未达标")

# Forecasts: a straight line through the values reported up to the year evaluated.
FORECAST_MIN_POINTS = 2

# Assessment (考核): share of an indicator's weight earned by each status.
ASSESSMENT_POINTS = {ACHIEVED: 1.0, ON_TRACK: 0.5}  # "partly" = on track; every other status earns nothing
TIMELINESS_WEIGHT = 0.0  # optional share of the total given to timely reporting (set per scheme)

# Open SDG compatible mode (sdg-build 2023 defaults).
OPENSDG_BASE_YEAR = 2015
OPENSDG_TARGET_YEAR = 2030
OPENSDG_ON_TRACK = 0.95
OPENSDG_MODERATE = 0.6
OPENSDG_NO_TARGET_HIGH = 0.015
OPENSDG_NO_TARGET_MODERATE = 0.005
OPENSDG_ZERO = 0.001
