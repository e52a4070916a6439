// Draws every <div data-chart="bar|pie|grouped"> from the JSON block named in data-source.
// Kept in a file (no inline script) so the Content-Security-Policy can forbid inline code.
(function () {
  "use strict";
  var PALETTE = ["#9b1c1c", "#c9a227", "#1d4f91", "#5b8c5a", "#8e6c8a", "#d97706"];
  var BASE = { animation: false, color: PALETTE, tooltip: {} };

  var builders = {
    bar: function (data, name) {
      return {
        grid: { left: 40, right: 16, top: 24, bottom: 32 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: name, type: "bar", data: data.values, barMaxWidth: 48, label: { show: true, position: "top" } }]
      };
    },
    pie: function (data) {
      var items = data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; })
        .filter(function (item) { return item.value > 0; });
      return {
        tooltip: { trigger: "item", formatter: "{b}：{c}人" },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: items, label: { formatter: "{b} {c}人" } }]
      };
    },
    grouped: function (data) {
      var names = Object.keys(data.series);
      return {
        grid: { left: 40, right: 16, top: 36, bottom: 32 },
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: names.map(function (name) {
          return { name: name, type: "bar", data: data.series[name], barMaxWidth: 32, label: { show: true, position: "top" } };
        })
      };
    }
  };

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      var build = builders[el.dataset.chart];
      if (!source || !build) { return; }
      var option = Object.assign({}, BASE, build(JSON.parse(source.textContent), el.dataset.name || ""));
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
