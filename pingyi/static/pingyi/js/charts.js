// Draws every <div data-chart> from the JSON block named in data-source.
// Kept in a file (no inline script) so the Content-Security-Policy can forbid inline code.
(function () {
  "use strict";
  var PALETTE = ["#9b1c1c", "#c9a227", "#1d4f91", "#5b8c5a", "#8e6c8a", "#d97706"];

  function bar(data, name) {
    return {
      animation: false,
      color: PALETTE,
      grid: { left: 40, right: 16, top: 24, bottom: 32 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: name, type: "bar", data: data.values, barMaxWidth: 48, label: { show: true, position: "top" } }]
    };
  }

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(bar(data, el.dataset.name || ""));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
