// Meeting day. The control page sends commands; the big screen polls the state every
// second and runs the countdown locally between polls, so it follows within ~1 s and
// keeps ticking smoothly. No inline script: the first state comes from a json_script block.
// Once voting has ended (state.live false; the page then has no data-state-url) nothing
// shown can change: the page draws the state once and stops polling and ticking.
(function () {
  "use strict";
  var root = document.getElementById("meeting");
  if (!root) { return; }
  var state = JSON.parse(document.getElementById("meeting-state").textContent);
  var fetchedAt = Date.now();
  var shownKey = null;
  var WARN_SECONDS = 60;
  var timers = [];

  function bind(name) { return root.querySelectorAll('[data-bind="' + name + '"]'); }
  function setText(name, text) { bind(name).forEach(function (el) { el.textContent = text; }); }

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clockText(seconds) {
    var s = Math.floor(Math.abs(seconds));
    return two(Math.floor(s / 60)) + ":" + two(s % 60);
  }

  function renderAgenda() {
    bind("agenda").forEach(function (list) {
      list.innerHTML = "";
      state.agenda.forEach(function (item) {
        var li = document.createElement("li");
        li.className = item.current ? "current" : "";
        var name = document.createElement("b");
        name.textContent = item.name;
        var where = document.createElement("span");
        where.textContent = item.unit + item.title;
        li.appendChild(name);
        li.appendChild(where);
        if (root.dataset.commandUrl && !item.current) {
          // The control page only: jump straight to this speaker.
          var go = document.createElement("button");
          go.type = "button";
          go.className = "small goto";
          go.dataset.command = "goto";
          go.dataset.order = item.order;
          go.textContent = "转到";
          go.setAttribute("aria-label", "转到第" + item.order + "位 " + item.name);
          li.appendChild(go);
        }
        list.appendChild(li);
      });
    });
  }

  function renderSpeaker() {
    var c = state.current;
    setText("current-name", c ? c.name : "");
    setText("current-where", c ? c.unit + "　" + c.title : "");
    setText("current-order", c ? "第" + c.order + "位述职" : (state.live === false ? "会议已结束" : "等待开始"));
    bind("photo").forEach(function (box) {
      box.innerHTML = "";
      if (c && c.has_photo) {
        var img = document.createElement("img");
        img.src = root.dataset.photoUrl.replace("/0/", "/" + c.id + "/");
        img.alt = c.name;
        box.appendChild(img);
      }
      box.hidden = !(c && c.has_photo);
    });
    loadProfile(c);
  }

  // The speaker's township profile (indicators), on the big screen only.
  var profileShown = null;
  function loadProfile(c) {
    var box = document.getElementById("profile-box");
    var unit = c ? c.unit_id : null;
    if (!box || !root.dataset.profileUrl || unit === profileShown) { return; }
    profileShown = unit;
    if (!unit || !window.htmx) { box.innerHTML = ""; return; }
    htmx.ajax("GET", root.dataset.profileUrl.replace("/0/", "/" + unit + "/"), { target: box, swap: "innerHTML" })
      .catch(function () { box.innerHTML = ""; });
  }

  function renderTurnout() {
    bind("turnout").forEach(function (box) {
      var rows = state.turnout || [];
      box.hidden = !rows.length;
      var profile = document.getElementById("profile-box");
      if (profile) { profile.hidden = rows.length > 0; }
      box.innerHTML = "";
      if (!rows.length) { return; }
      var title = document.createElement("h2");
      title.textContent = "投票进度";
      box.appendChild(title);
      rows.forEach(function (row) {
        var line = document.createElement("div");
        line.className = "turnout-row";
        var label = document.createElement("span");
        label.textContent = row.group;
        var bar = document.createElement("span");
        bar.className = "turnout-bar";
        var fill = document.createElement("span");
        fill.className = "turnout-fill";
        // Against the expected head count (实到/应到), not the codes issued.
        fill.style.width = (row.head_count ? Math.min(100, 100 * row.submitted / row.head_count) : 0) + "%";
        bar.appendChild(fill);
        var count = document.createElement("b");
        count.textContent = row.submitted + " / " + row.head_count + " ";
        count.title = "已投票 / 应到";
        var issued = document.createElement("small");
        issued.className = "turnout-issued";
        issued.textContent = "已发 " + row.issued;
        count.appendChild(issued);
        line.appendChild(label);
        line.appendChild(bar);
        line.appendChild(count);
        box.appendChild(line);
      });
    });
  }

  // The control page: which commands make sense now, and whether the clock runs.
  function renderStatus(c, over) {
    var text = !c ? "未开始" : (!c.running ? "已暂停" : (over ? "计时中 · 已超时" : "计时中"));
    bind("run-status").forEach(function (el) {
      el.textContent = text;
      el.className = "run-status " + (!c ? "idle" : (c.running ? "running" : "paused"));
    });
    var last = state.agenda.length ? state.agenda[state.agenda.length - 1].order : 0;
    var enabled = {
      start: !c, pause: !!c && c.running, resume: !!c && !c.running,
      previous: !!c && c.order > 1, next: state.agenda.length > 0 && (!c || c.order < last)
    };
    root.querySelectorAll(".buttons [data-command]").forEach(function (button) {
      button.disabled = !enabled[button.dataset.command];
    });
  }

  function tick() {
    var c = state.current;
    var clocks = bind("clock");
    if (!c) {
      setText("clock", "--:--");
      setText("clock-note", "");
      setText("used", "");
      renderStatus(null, false);
      return;
    }
    var elapsed = c.elapsed + (c.running ? (Date.now() - fetchedAt) / 1000 : 0);
    var remaining = c.allotted - elapsed;
    var over = remaining < 0;
    setText("used", "已用 " + clockText(elapsed) + " / 共 " + clockText(c.allotted));
    renderStatus(c, over);
    setText("clock", (over ? "+" : "") + clockText(remaining));
    setText("clock-note", over ? "已超时" : (!c.running ? "已暂停" : (remaining <= WARN_SECONDS ? "还剩不到1分钟" : "剩余时间")));
    clocks.forEach(function (el) {
      el.classList.toggle("overtime", over);
      el.classList.toggle("warning", !over && remaining <= WARN_SECONDS);
      el.classList.toggle("paused", !c.running);
    });
  }

  function apply(next) {
    state = next;
    fetchedAt = Date.now();
    // The speaker, the agenda and whether the round is still live: a stage change moves no speaker.
    var shown = state.version + "/" + state.stage + "/" + state.live;
    if (shown !== shownKey) {
      shownKey = shown;
      renderAgenda();
      renderSpeaker();
    }
    renderTurnout();
    tick();
    if (state.live === false) { timers.forEach(clearInterval); timers = []; }
  }

  function poll() {
    fetch(root.dataset.stateUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (next) { if (next) { apply(next); } })
      .catch(function () { /* a missed poll is retried in a second */ });
  }

  if (root.dataset.commandUrl) {
    var token = document.querySelector('meta[name="csrf-token"]').content;
    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (!button) { return; }
      var url = root.dataset.commandUrl.replace("/CMD/", "/" + button.dataset.command + "/");
      var body = new URLSearchParams();
      if (button.dataset.order) { body.set("order", button.dataset.order); }
      fetch(url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token }, body: body })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          var error = bind("error")[0];
          error.hidden = !body.error;
          error.textContent = body.error || "";
          if (body.state) { apply(body.state); }
          keepFocus(button);
        });
    });
  }

  // A pressed button that the new state disables (开始 once started) or redraws (转到) would drop a
  // keyboard user's focus onto the page's body, and the next Tab would start from the top: move it
  // to the control that makes sense next, or to the speaker now on.
  var FOCUS_AFTER = { start: "pause", pause: "resume", resume: "pause", next: "previous", previous: "next" };
  function keepFocus(button) {
    var now = document.activeElement;
    if (button.isConnected && !button.disabled) { return; }
    if (now && now !== document.body && now !== button) { return; }  // the user has moved on
    var target = FOCUS_AFTER[button.dataset.command] &&
      root.querySelector('.buttons [data-command="' + FOCUS_AFTER[button.dataset.command] + '"]:not(:disabled)');
    if (!target) {
      target = bind("current-name")[0];
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  apply(state);
  if (root.dataset.stateUrl && state.live !== false) {
    timers.push(setInterval(tick, 250), setInterval(poll, 1000));
  }
})();
