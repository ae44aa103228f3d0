/* Charts from the JSON the page embeds (json_script); re-drawn after htmx swaps the dashboard. */
(function () {
  "use strict";
  var charts = [];

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function completionVsTime(el) {
    var data = readData("dashboard-chart-data");
    if (!data || !data.regions) return null;
    var colours = { done: "#1e7f3c", normal: "#2b6cb0", lagging: "#b7791f", severe: "#c53030", nodata: "#8a94a0" };
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "无数据" : v + "%"; } },
      legend: { data: ["完成率", "时间进度"], top: 4 },
      grid: { left: 50, right: 20, top: 40, bottom: 50 },
      xAxis: { type: "category", data: data.regions, axisLabel: { interval: 0, rotate: data.regions.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", name: "%", axisLabel: { formatter: "{value}%" } },
      series: [
        { name: "完成率", type: "bar", barMaxWidth: 36,
          data: data.completion.map(function (v, i) {
            return { value: v, itemStyle: { color: colours[data.status[i]] || colours.nodata } };
          }),
          label: { show: true, position: "top", formatter: function (p) { return p.value == null ? "" : p.value + "%"; } } },
        { name: "时间进度", type: "line", data: data.time_progress, symbol: "none",
          lineStyle: { type: "dashed", color: "#c53030", width: 2 }, itemStyle: { color: "#c53030" } }
      ]
    });
    return chart;
  }

  function projectProgress(el) {
    var data = readData("progress-data");
    if (!data) return null;
    var chart = echarts.init(el);
    var series = [{ name: "累计完成投资", type: "line", data: data.values.map(Number), areaStyle: { opacity: 0.15 } }];
    var option = {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " 万元"; } },
      grid: { left: 60, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: "万元" },
      series: series
    };
    if (data.total) {
      series[0].markLine = { symbol: "none", data: [{ yAxis: Number(data.total), name: "总投资" }],
                             label: { formatter: "总投资 {c}" }, lineStyle: { color: "#c53030" } };
    }
    chart.setOption(option);
    return chart;
  }

  var builders = { "completion-vs-time": completionVsTime, "project-progress": projectProgress };

  function draw(root) {
    if (typeof echarts === "undefined") return;
    charts.forEach(function (c) { if (!c.isDisposed()) c.dispose(); });
    charts = [];
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.getAttribute("data-chart")];
      var chart = build && build(el);
      if (chart) charts.push(chart);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
