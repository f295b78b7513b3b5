"""Report charts with matplotlib; Chinese text needs a CJK font, and its absence is an error, not empty boxes."""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from healthaction.evaluation.choices import EvaluationStatus  # noqa: E402

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei", "PingFang SC")


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """Return the name of an installed CJK font family, or raise FontMissing with what to install."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    font_manager.fontManager.__init__()  # a font installed since the cache was built
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise FontMissing("未找到中文字体，图表中的中文无法显示。请安装中文字体后重试，例如：apt-get install fonts-noto-cjk（或 fonts-wqy-microhei）。")


def _figure(width=6.3, height=3.2):
    plt.rcParams["font.family"] = cjk_font()
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(width, height), dpi=150)
    return fig, ax


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def status_bars(rows: list[tuple[str, dict[str, int]]]) -> bytes:
    """Horizontal stacked bars: for each action, how many indicators are in each status."""
    fig, ax = _figure(height=max(2.5, 0.32 * len(rows) + 1))
    labels = [name for name, _ in rows][::-1]
    left = [0] * len(rows)
    zh = EvaluationStatus.labels_in("zh-hans")  # the charts go into Chinese reports
    for status in EvaluationStatus.values:
        counts = [c.get(status, 0) for _, c in rows][::-1]
        if not any(counts):
            continue
        ax.barh(labels, counts, left=left, color=EvaluationStatus.color(status), label=zh[status])
        left = [a + b for a, b in zip(left, counts)]
    ax.set_xlabel("指标数")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=7, ncol=7, frameon=False)
    ax.tick_params(axis="y", labelsize=8)
    return _png(fig)


def trend(name: str, unit: str, years: list[int], values: list[float | None], baseline: float | None, targets: list[tuple[int, float]], forecast: tuple[int, float] | None) -> bytes:
    """A line of reported values with the baseline, the targets and the forecast."""
    fig, ax = _figure(width=6.0, height=2.8)
    points = [(y, v) for y, v in zip(years, values) if v is not None]
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", color="#0b5cab", label="监测值")
    if baseline is not None:
        ax.axhline(baseline, color="#868e96", linestyle=":", label="基期")
    for year, value in targets:
        ax.scatter([year], [value], marker="*", s=120, color="#c92a2a", zorder=3)
        ax.annotate(f"{year}年目标{value:g}", (year, value), textcoords="offset points", xytext=(-10, 6), fontsize=7)
    if forecast and points:
        ax.plot([points[-1][0], forecast[0]], [points[-1][1], forecast[1]], linestyle="--", color="#0b5cab", alpha=0.6, label="趋势预测")
    ax.set_title(f"{name}（{unit}）" if unit else name, fontsize=10)
    ax.legend(fontsize=7, loc="best")
    ax.tick_params(labelsize=8)
    return _png(fig)


def county_scores(names: list[str], scores: list[float]) -> bytes:
    """Bars of the counties' assessment scores, best first."""
    fig, ax = _figure(height=2.8)
    ax.bar(names, scores, color="#0b5cab")
    for k, score in enumerate(scores):
        ax.text(k, score + 1, f"{score:.1f}", ha="center", fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("考核得分")
    ax.tick_params(axis="x", labelsize=8)
    return _png(fig)
