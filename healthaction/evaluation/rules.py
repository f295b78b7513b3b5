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
RANGE_AT_RISK_MARGIN = (
    0.10  # outside a range by at most 10 % of its width (of its bound when it has none): at worst at risk
)

# Directional targets (持续下降, 逐步提高 …): the change since the previous reported year.
TREND_STABLE_TOLERANCE = 0.005  # without a tolerance in the register, a relative change within ±0.5 % counts as flat
MAINTAIN_TOLERANCE = 0.02  # "保持" targets: no more than 2 % worse than the baseline

# Qualitative targets: reported words that count as done, in progress, or not done.
QUALITATIVE_DONE = (
    "实现",
    "已实现",
    "建立",
    "已建立",
    "完成",
    "已完成",
    "全覆盖",
    "是",
    "达标",
    "建立并完善",
    "全面实现",
)
QUALITATIVE_PARTLY = ("基本实现", "基本建立", "推进中", "部分实现", "基本覆盖", "基本完成")
QUALITATIVE_NOT = ("未实现", "未建立", "未完成", "否", "未达标")

# Forecasts: a least-squares line through the values reported up to the year evaluated, with a
# prediction interval from its residuals (Student's t quantile for n − 2 degrees of freedom).
FORECAST_MIN_POINTS = 3
FORECAST_INTERVAL = 0.80  # two-sided coverage of the prediction interval
# upper 90 % quantiles of Student's t (two-sided 80 %), by degrees of freedom; beyond the table the normal 1.2816
T_QUANTILE_90 = {
    1: 3.078,
    2: 1.886,
    3: 1.638,
    4: 1.533,
    5: 1.476,
    6: 1.440,
    7: 1.415,
    8: 1.397,
    9: 1.383,
    10: 1.372,
    11: 1.363,
    12: 1.356,
    13: 1.350,
    14: 1.345,
    15: 1.341,
    16: 1.337,
    17: 1.333,
    18: 1.330,
    19: 1.328,
    20: 1.325,
    21: 1.323,
    22: 1.321,
    23: 1.319,
    24: 1.318,
    25: 1.316,
    26: 1.315,
    27: 1.314,
    28: 1.313,
    29: 1.311,
    30: 1.310,
}
T_QUANTILE_90_LARGE = 1.2816
# The range a forecast (and its interval) is clipped to, by unit; every other unit is a level or rate ≥ 0.
UNIT_BOUNDS = {"%": (0.0, 100.0), "‰": (0.0, 1000.0)}
DEFAULT_LOWER_BOUND = 0.0

# Tolerance: movements within it count as no change, and "=" targets are met within it. Without a value in
# the register (Indicator.tolerance) it is half a unit of the last decimal the target is written in
# (30 → 0.5, 7.5 → 0.05, 12.82 → 0.005). Relative targets have no written precision: 0 unless set.
TOLERANCE_SHARE_OF_LAST_DIGIT = 0.5

# Target verdicts: once a target year's value is approved, or the year is over, the target is judged once.
VERDICT_ACHIEVED = "achieved"
VERDICT_MISSED = "missed"
VERDICT_NOT_REPORTED = "not_reported"
VERDICT_NOT_ASSESSABLE = "not_assessable"
VERDICTS = [VERDICT_ACHIEVED, VERDICT_MISSED, VERDICT_NOT_REPORTED, VERDICT_NOT_ASSESSABLE]

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
