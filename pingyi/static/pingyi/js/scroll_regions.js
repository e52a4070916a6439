// A table or box that scrolls sideways inside itself (a narrow window, 200 % zoom, 大字) must be
// reachable by keyboard to be scrolled (WCAG 2.1.1): when it overflows it becomes a Tab stop, a
// region named after its table's heading, so the arrow keys scroll it. Drawn again after htmx swaps
// and when the window changes size; a box that fits again is left as the page drew it.
(function () {
  "use strict";

  function nameOf(box) {
    var table = box.matches("table") ? box : box.querySelector("table");
    var caption = table && table.caption;
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var section = box.closest("section, .panel");
    var heading = section && section.querySelector("h2, h3");
    return (heading ? heading.textContent.trim() + " " : "") + "表格（可左右滚动）";
  }

  function mark() {
    var boxes = document.querySelectorAll("table.grid, .table-scroll");
    Array.prototype.forEach.call(boxes, function (box) {
      var overflows = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (overflows && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-stop", "");
        if (!box.matches("table")) {
          box.setAttribute("role", "region");
          if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", nameOf(box)); }
        }
      } else if (!overflows && box.hasAttribute("data-scroll-stop")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-stop");
      }
    });
  }

  var pending = null;
  function later() {
    if (pending) { clearTimeout(pending); }
    pending = setTimeout(mark, 150);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
