// Duplicate check result: clicking a marked passage loads its source (htmx, hx-get on the mark);
// this script marks the chosen passage, lets the keyboard choose one, and scrolls the source
// pane to the matched text once it has arrived.
(function () {
  "use strict";
  function choose(n) {
    document.querySelectorAll(".dc-text mark.dc-active").forEach(function (m) { m.classList.remove("dc-active"); });
    document.querySelectorAll('.dc-text mark[data-n="' + n + '"]').forEach(function (m) { m.classList.add("dc-active"); });
  }
  document.addEventListener("click", function (event) {
    var mark = event.target.closest(".dc-text mark[data-n]");
    if (mark) { choose(mark.dataset.n); }
  });
  document.addEventListener("keydown", function (event) {
    var mark = event.target.closest ? event.target.closest(".dc-text mark[data-n]") : null;
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      mark.click();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var pane = event.detail.target;
    if (!pane || pane.id !== "dc-source") { return; }
    var hit = pane.querySelector(".dc-hit");
    var box = pane.querySelector(".dc-window");
    if (hit && box) { box.scrollTop = Math.max(0, hit.offsetTop - box.offsetTop - box.clientHeight / 3); }
    if (window.matchMedia("(max-width: 1000px)").matches) { pane.scrollIntoView({ block: "start" }); }
  });
})();
