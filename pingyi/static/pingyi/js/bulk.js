// "Select all" boxes for bulk forms: [data-check-all=NAME] ticks or clears every input[name=NAME].
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (all) {
    var boxes = function () {
      return document.querySelectorAll('input[type=checkbox][name="' + all.dataset.checkAll + '"]');
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
  });
})();
