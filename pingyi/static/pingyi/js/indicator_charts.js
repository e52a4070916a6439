// Indicator charts: <div data-chart="radar|gaps|ranking" data-source="json-id"> drawn from the
// json_script block named in data-source. charts.js draws the other types and skips these.
// Also draws inside content htmx swaps in (the big screen loads the profile fragment that way),
// and disposes of a chart when htmx removes its element.
(function () {
  "use strict";
  var ACCENT = "#9b1c1c";
  var BLUE = "#1d4f91";
  var GOLD = "#c9a227";
  var MUTED = "#667085";

  // Large type for the big screen, shrinking with the box the host page gives the fragment so
  // that the long Chinese axis names still fit.
  function sizes(el) {
    var large = el.dataset.size === "large";
    var font = large ? Math.max(14, Math.min(24, Math.round(el.clientWidth / 36))) : 12;
    return { font: font, legend: large ? font : 13, line: large ? 4 : 2, symbol: large ? 10 : 5 };
  }

  var builders = {
    // data: {indicators: [{name, max}], series: [{name, values}], values: [...], cities: [...]}
    radar: function (data, el) {
      var s = sizes(el);
      var colours = [ACCENT, BLUE];
      return {
        animation: false,
        color: colours,
        legend: { bottom: 0, textStyle: { fontSize: s.legend } },
        tooltip: {
          trigger: "item",
          formatter: function () {
            return data.indicators.map(function (axis, i) {
              return axis.name + "：" + data.values[i] + "（全市平均 " + data.cities[i] + "）";
            }).join("<br>");
          }
        },
        radar: {
          indicator: data.indicators,
          // Room for the axis names, which are long in Chinese and larger on the big screen.
          radius: el.clientWidth < 720 ? "54%" : "62%",
          center: ["50%", "50%"],
          splitNumber: 4,
          axisName: { color: "#1f2328", fontSize: s.font },
          splitArea: { areaStyle: { color: ["#ffffff", "#f7f7f8"] } }
        },
        series: [{
          type: "radar",
          symbolSize: s.symbol,
          data: data.series.map(function (serie, i) {
            return {
              name: serie.name,
              value: serie.values,
              lineStyle: { width: s.line, type: i === 1 ? "dashed" : "solid" },
              areaStyle: i === 0 ? { color: "rgba(155, 28, 28, 0.18)" } : undefined
            };
          })
        }]
      };
    },
    // data: {labels, values (drawn, within ±100), texts (the true percentages)}
    gaps: function (data, el) {
      var s = sizes(el);
      return {
        animation: false,
        grid: { left: 8, right: 56, top: 8, bottom: 24, containLabel: true },
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          formatter: function (items) {
            var i = items[0].dataIndex;
            return data.labels[i] + "：" + data.texts[i];
          }
        },
        xAxis: { type: "value", min: -100, max: 100, axisLabel: { formatter: "{value}%", fontSize: s.font } },
        yAxis: { type: "category", data: data.labels, axisLabel: { fontSize: s.font }, axisTick: { show: false } },
        series: [{
          type: "bar",
          barMaxWidth: 16,
          data: data.values.map(function (v) { return { value: v, itemStyle: { color: v < 0 ? ACCENT : BLUE } }; }),
          label: {
            show: true,
            fontSize: s.font,
            position: "right",
            formatter: function (p) { return data.texts[p.dataIndex]; }
          }
        }]
      };
    },
    // data: {labels, values, city, unit}: every township, best first, the city average as a line
    ranking: function (data, el) {
      var s = sizes(el);
      var line = data.city === null ? [] : [{ yAxis: data.city, name: "全市平均" }];
      return {
        animation: false,
        grid: { left: 8, right: 96, top: 24, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v + data.unit; } },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 60, fontSize: 11 } },
        yAxis: { type: "value", name: data.unit, axisLabel: { fontSize: s.font } },
        series: [{
          type: "bar",
          data: data.values,
          barMaxWidth: 24,
          itemStyle: { color: BLUE },
          markLine: {
            symbol: "none",
            lineStyle: { color: GOLD, type: "dashed", width: 2 },
            label: { formatter: "全市平均 {c}", color: MUTED },
            data: line
          }
        }]
      };
    }
  };

  var charts = [];

  function draw(root) {
    if (!window.echarts || !root || !root.querySelectorAll) { return; }
    var targets = Array.prototype.slice.call(root.querySelectorAll("[data-chart]"));
    if (root.matches && root.matches("[data-chart]")) { targets.push(root); }
    targets.forEach(function (el) {
      var build = builders[el.dataset.chart];
      if (!build || echarts.getInstanceByDom(el)) { return; }
      var source = document.getElementById(el.dataset.source);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      // A unit with no figures yet: echarts cannot draw a radar without axes (it throws); the page
      // already says there is nothing to compare.
      if (data.indicators && !data.indicators.length) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(data, el));
      charts.push(chart);
    });
  }

  window.addEventListener("resize", function () {
    charts = charts.filter(function (chart) { return !chart.isDisposed(); });
    charts.forEach(function (chart) { chart.resize(); });
  });
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var chart = window.echarts && echarts.getInstanceByDom(event.detail.elt);
    if (chart) { chart.dispose(); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
