// "复制文字": copies the text of the element named in data-copy.
// navigator.clipboard needs a secure context, which an intranet http:// address is not,
// so fall back to selecting the text and execCommand("copy").
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.dataset.copy);
    var text = source.innerText.trim();
    var done = function () {
      var note = document.getElementById("copy-done");
      if (note) { note.hidden = false; setTimeout(function () { note.hidden = true; }, 2000); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
      return;
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    document.body.removeChild(area);
    done();
  });
})();
