// The phone ballot's helpers. Everything here is a convenience: with JavaScript off the
// server checks the same rules and explains them on the next page.
(function () {
  "use strict";

  // 大字: applied at once and kept in a cookie holding only "large", which the server reads
  // to draw the next page large from its first byte (lib/textsize.py). No round trip,
  // so nothing chosen on the ballot is lost.
  var textForm = document.getElementById("textsize");
  if (textForm) {
    textForm.hidden = false;
    textForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = textForm.querySelector("button");
      var large = !document.documentElement.classList.contains("large-text");
      document.documentElement.classList.toggle("large-text", large);
      button.setAttribute("aria-pressed", String(large));
      button.value = large ? "normal" : "large";
      document.cookie = "pingyi_text=" + (large ? "large; max-age=31536000" : "; max-age=0") + "; path=/; samesite=lax";
    });
  }

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

  // Only a changed message is written, so a screen reader announces each change once
  // (「还有3位述职人未评价完」 when a person is finished), not on every tap.
  function show() {
    var found = problems();
    var text = found.messages.join("；");
    if (live.textContent !== text) { live.textContent = text; }
    ballot.querySelectorAll("fieldset.criterion.missing").forEach(function (set) {
      if (set.querySelector("input:checked")) { unmark(set); }
    });
    ballot.querySelectorAll("fieldset.appraisee.missing").forEach(function (set) {
      if (!set.querySelector("fieldset.criterion.missing")) { unmark(set); }
    });
    return found;
  }

  function unmark(set) {
    set.classList.remove("missing");
    var note = set.querySelector(":scope > legend .unrated");
    if (note) { note.parentNode.removeChild(note); }
  }

  // A criterion left open says so in its group's name, which a screen reader reads on entering it.
  function mark(set) {
    set.classList.add("missing");
    if (set.classList.contains("criterion") && !set.querySelector(":scope > legend .unrated")) {
      var note = document.createElement("em");
      note.className = "unrated";
      note.textContent = "未评价";
      var legend = set.querySelector("legend");
      legend.appendChild(document.createTextNode(" "));
      legend.appendChild(note);
    }
  }

  ballot.addEventListener("change", show);
  ballot.addEventListener("submit", function (event) {
    var found = show();
    if (!found.messages.length) { return; }
    event.preventDefault();
    found.missing.forEach(function (key) {
      var person = ballot.querySelector('fieldset[data-key="' + key + '"]');
      mark(person);
      person.querySelectorAll("fieldset.criterion").forEach(function (set) {
        if (!set.querySelector("input:checked")) { mark(set); }
      });
    });
    // Focus goes where the evaluator has to act: the first level not yet chosen, else the message.
    var open = ballot.querySelector("fieldset.criterion.missing input");
    var target = open || live;
    target.focus();
    target.scrollIntoView({ block: "center" });
  });
  show();
})();
