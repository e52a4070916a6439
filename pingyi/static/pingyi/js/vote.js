// The phone ballot's helpers. Everything here is a convenience: with JavaScript off the
// server checks the same rules and explains them on the next page.
(function () {
  "use strict";

  // The QR code carries the code after "#": fill it in and go on. The fragment is never
  // sent to the server, and it is removed from the address bar and history at once.
  var codeForm = document.getElementById("code-form");
  if (codeForm && location.hash.length > 1) {
    var input = document.getElementById("code");
    input.value = decodeURIComponent(location.hash.slice(1));
    history.replaceState(null, "", location.pathname);
    codeForm.submit();
    return;
  }

  var ballot = document.getElementById("ballot");
  if (!ballot) { return; }
  var config = JSON.parse(document.getElementById("ballot-rules").textContent);
  var points = {};
  config.scale.forEach(function (level) { points[level.label] = level.points; });
  var live = document.getElementById("live");

  function chosen(key, criterion) {
    var input = ballot.querySelector('input[name="r-' + key + "-" + criterion + '"]:checked');
    return input ? input.value : null;
  }

  function problems() {
    var missing = [], levels = {}, high = 0, scored = 0;
    config.keys.forEach(function (key) {
      var sum = 0, weights = 0, complete = true;
      config.criteria.forEach(function (c) {
        var level = chosen(key, c.key);
        if (level === null) { complete = false; return; }
        levels[level] = true;
        if (points[level] !== null) { sum += c.weight * points[level]; weights += c.weight; }
      });
      if (!complete) { missing.push(key); }
      if (weights) { scored += 1; }
      if (weights && config.rules.top_quota && sum / weights >= config.rules.top_quota.min_score) { high += 1; }
    });
    var messages = [];
    if (missing.length) { messages.push("还有" + missing.length + "位述职人未评价完"); }
    if (config.allowed !== null && high > config.allowed) {
      messages.push("综合得分" + config.rules.top_quota.min_score + "分以上的有" + high + "人，超过" + config.allowed + "人的名额");
    }
    if (!missing.length && !scored) { messages.push("全部为“不了解”的选票是空白票，不计分，请至少评价一位述职人"); }
    var all = Object.keys(levels);
    if (config.rules.reject_uniform && !missing.length && scored && config.keys.length >= 3 && all.length === 1) {
      messages.push("不能对所有人都评“" + all[0] + "”");
    }
    return { missing: missing, messages: messages };
  }

  function show() {
    var found = problems();
    live.textContent = found.messages.join("；");
    ballot.querySelectorAll("fieldset.appraisee").forEach(function (set) {
      set.classList.remove("missing");
    });
    return found;
  }

  ballot.addEventListener("change", show);
  ballot.addEventListener("submit", function (event) {
    var found = show();
    if (!found.messages.length) { return; }
    event.preventDefault();
    found.missing.forEach(function (key) {
      ballot.querySelector('fieldset[data-key="' + key + '"]').classList.add("missing");
    });
    var first = ballot.querySelector("fieldset.missing") || live;
    first.scrollIntoView({ behavior: "smooth", block: "center" });
  });
  show();
})();
