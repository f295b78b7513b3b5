"""Report charts with matplotlib; Chinese text needs a CJK font, and its absence is an error, not empty boxes."""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from healthaction.core.choices import ChartSeries  # noqa: E402
from healthaction.evaluation.choices import EvaluationStatus  # noqa: E402

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)


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
    raise FontMissing(
        "未找到中文字体，图表中的中文无法显示。请安装中文字体后重试，例如：apt-get install fonts-noto-cjk（或 fonts-wqy-microhei）。"
    )


def _figure(width=6.3, height=3.2):
    """A figure whose layout engine keeps every label and legend inside its frame (constrained layout)."""
    plt.rcParams["font.family"] = cjk_font()
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(width, height), dpi=150, layout="constrained")
    return fig, ax


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def overflow(fig) -> float:
    """Return how far (in inches) anything drawn reaches beyond the figure's frame; 0 when all is inside."""
    fig.canvas.draw()
    tight = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    return max(0.0, -tight.x0, -tight.y0, tight.x1 - width, tight.y1 - height)


def status_bars_figure(rows: list[tuple[str, dict[str, int]]]):
    """Horizontal stacked bars: for each action, how many indicators are in each status; legend under the axes."""
    fig, ax = _figure(height=min(5.2, max(2.6, 0.2 * len(rows) + 1.4)))
    labels = [name for name, _ in rows][::-1]
    left = [0] * len(rows)
    zh = EvaluationStatus.labels_in("zh-hans")  # the charts go into Chinese reports
    for status in EvaluationStatus.values:
        counts = [c.get(status, 0) for _, c in rows][::-1]
        if not any(counts):
            continue
        ax.barh(labels, counts, left=left, color=EvaluationStatus.color(status), label=zh[status])
        left = [a + b for a, b in zip(left, counts)]
    ax.set_xlabel("指标数", fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.tick_params(axis="x", labelsize=7)
    fig.legend(loc="outside lower center", fontsize=7, ncol=7, frameon=False)
    return fig


def status_bars(rows: list[tuple[str, dict[str, int]]]) -> bytes:
    return _png(status_bars_figure(rows))


def trend_figure(
    name: str,
    unit: str,
    years: list[int],
    values: list[float | None],
    baseline: float | None,
    targets: list[tuple[int, float]],
    forecast: tuple[int, float] | None,
    width: float = 3.9,
    height: float = 2.9,
):
    """A line of reported values (a single value is a marker) with the baseline, the targets and the forecast."""
    fig, ax = _figure(width=width, height=height)
    points = [(y, v) for y, v in zip(years, values) if v is not None]
    if points:
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker="o",
            markersize=4,
            color=ChartSeries.color(ChartSeries.VALUE),
            label="监测值",
        )
    if baseline is not None:
        ax.axhline(baseline, color=ChartSeries.color(ChartSeries.BASELINE), linestyle=":", label="基期")
    if targets:
        ax.scatter(
            [t[0] for t in targets],
            [t[1] for t in targets],
            marker="*",
            s=70,
            color=ChartSeries.color(ChartSeries.TARGET),
            zorder=3,
            label="目标值",
        )
        for year, value in targets:  # the value only, placed left of the star so it stays inside the axes
            ax.annotate(
                f"{value:g}",
                (year, value),
                textcoords="offset points",
                xytext=(-5, 4),
                ha="right",
                fontsize=7,
                color=ChartSeries.color(ChartSeries.TARGET),
            )
    if forecast and points:
        ax.plot(
            [points[-1][0], forecast[0]],
            [points[-1][1], forecast[1]],
            linestyle="--",
            color=ChartSeries.color(ChartSeries.FORECAST),
            label="趋势预测",
        )
    xs = [p[0] for p in points] + [t[0] for t in targets] + ([forecast[0]] if forecast and points else [])
    if xs:
        ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if unit:
        ax.set_ylabel(unit, fontsize=7)
    ax.tick_params(labelsize=7)
    ax.margins(y=0.18)
    if ax.get_legend_handles_labels()[0]:
        fig.legend(loc="outside lower center", fontsize=7, ncol=4, frameon=False, handlelength=1.5, columnspacing=1.0)
    return fig


def trend(
    name: str,
    unit: str,
    years: list[int],
    values: list[float | None],
    baseline: float | None,
    targets: list[tuple[int, float]],
    forecast: tuple[int, float] | None,
) -> bytes:
    """The trend chart as PNG; its title is the caption under it in the report, not drawn in the picture."""
    return _png(trend_figure(name, unit, years, values, baseline, targets, forecast))


def county_scores_figure(names: list[str], scores: list[float]):
    """Bars of the counties' assessment scores, best first, each labelled inside the axes."""
    fig, ax = _figure(height=2.6)
    ax.bar(names, scores, color="#0b5cab")
    for k, score in enumerate(scores):
        ax.text(k, score + 1, f"{score:.1f}", ha="center", fontsize=7)
    ax.set_ylim(0, 110)
    ax.set_ylabel("考核得分", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.tick_params(axis="y", labelsize=7)
    return fig


def county_scores(names: list[str], scores: list[float]) -> bytes:
    return _png(county_scores_figure(names, scores))
