/* Charts for healthaction pages, drawn with the vendored ECharts from JSON embedded in the page. */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function statusBars(el, d) {
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      aria: {enabled: true},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {bottom: 0},
      grid: {left: 8, right: 16, top: 8, bottom: 40, containLabel: true},
      xAxis: {type: "value", minInterval: 1},
      yAxis: {type: "category", data: d.actions.slice().reverse(), axisLabel: {fontSize: 11}},
      series: d.series.filter(function (s) { return s.data.some(function (v) { return v > 0; }); }).map(function (s) {
        return {name: s.name, type: "bar", stack: "all", data: s.data.slice().reverse(), itemStyle: {color: s.color}};
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  // label and colour of a trend series, from the page's data (core/choices.py ChartSeries)
  function label(d, key) {
    return (d.series && d.series[key] && d.series[key].label) || key;
  }

  function color(d, key) {
    return (d.series && d.series[key] && d.series[key].color) || undefined;
  }

  function trend(el, d) {
    var chart = echarts.init(el, null, {renderer: "svg"});
    // every series is drawn as [year, value] pairs on one category axis of all years, so a point lands on its own
    // year whatever other years (targets, forecast) the axis holds; a single value is drawn as its marker
    var points = [];
    d.years.forEach(function (y, i) {
      if (i < d.values.length && d.values[i] !== null && d.values[i] !== undefined) { points.push([String(y), d.values[i]]); }
    });
    var series = [{name: label(d, "value"), type: "line", data: points, showSymbol: true, showAllSymbol: true,
      symbolSize: 8, itemStyle: {color: color(d, "value")}}];
    if (d.baseline !== null) {
      series[0].markLine = {symbol: "none", label: {formatter: label(d, "baseline") + " {c}"},
        lineStyle: {type: "dotted", color: color(d, "baseline")}, data: [{yAxis: d.baseline}]};
    }
    if (d.targets.length) {
      series.push({name: label(d, "target"), type: "scatter", symbol: "diamond", symbolSize: 14, itemStyle: {color: color(d, "target")},
        data: d.targets.map(function (t) { return [String(t[0]), t[1]]; })});
    }
    if (d.forecast.length) {
      series.push({name: label(d, "forecast"), type: "line", lineStyle: {type: "dashed"}, itemStyle: {color: color(d, "forecast")},
        data: d.forecast.map(function (p) { return [String(p[0]), p[1]]; })});
    }
    var all = d.years.map(String);
    d.targets.concat(d.forecast).forEach(function (t) { if (all.indexOf(String(t[0])) < 0) { all.push(String(t[0])); } });
    all.sort();
    chart.setOption({
      aria: {enabled: true},
      tooltip: {trigger: "axis"},
      legend: {bottom: 0},
      grid: {left: 8, right: 24, top: 24, bottom: 36, containLabel: true},
      xAxis: {type: "category", data: all},
      yAxis: {type: "value", name: d.unit || "", scale: true},
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function targetBars(el, d) {
    var chart = echarts.init(el, null, {renderer: "svg"});
    chart.setOption({
      aria: {enabled: true}, tooltip: {trigger: "axis"}, legend: {bottom: 0},
      grid: {left: 8, right: 16, top: 16, bottom: 36, containLabel: true},
      xAxis: {type: "category", data: d.plans}, yAxis: {type: "value", scale: true},
      series: d.series.map(function (s) { return {name: s.name || String(s.year), type: "bar", data: s.data}; })
    });
  }

  window.healthactionCharts = {statusBars: statusBars, trend: trend, targetBars: targetBars};  // for the browser tests

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (typeof echarts === "undefined") { return; }
      var d = data(el.getAttribute("data-source"));
      if (!d) { return; }
      if (el.getAttribute("data-chart") === "status-bars") { statusBars(el, d); }
      if (el.getAttribute("data-chart") === "trend") { trend(el, d); }
      if (el.getAttribute("data-chart") === "target-bars") { targetBars(el, d); }
    });
    /* source highlighting on the review page */
    document.querySelectorAll("[data-lines]").forEach(function (item) {
      item.addEventListener("click", function () {
        var range = item.getAttribute("data-lines").split("-").map(Number);
        document.querySelectorAll(".src-line.hl").forEach(function (l) { l.classList.remove("hl"); });
        for (var n = range[0]; n <= range[1]; n++) {
          var line = document.getElementById("L" + n);
          if (line) { line.classList.add("hl"); }
        }
        var first = document.getElementById("L" + range[0]);
        if (first) { first.scrollIntoView({block: "center"}); }
      });
    });
  });
})();
