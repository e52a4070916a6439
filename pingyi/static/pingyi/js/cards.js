// Phones: a table of records (table.cards) reads as one card per row on a narrow screen, each value
// under its column's name, so nobody scrolls sideways to read a row. Each cell gets its column's
// name as data-label (cards.css shows it before the value); without this script, or on a wide
// screen, the table stays a table.
(function () {
  "use strict";

  function label(root) {
    root.querySelectorAll("table.cards").forEach(function (table) {
      var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!row) { return; }
      var names = [];
      Array.prototype.forEach.call(row.cells, function (th) {
        var name = (th.dataset.label || th.textContent).replace(/\s+/g, " ").trim();
        for (var i = 0; i < (th.colSpan || 1); i++) { names.push(name); }
      });
      var bodies = Array.prototype.slice.call(table.tBodies).concat(table.tFoot ? [table.tFoot] : []);
      bodies.forEach(function (body) {
        Array.prototype.forEach.call(body.rows, function (tr) {
          var column = 0;
          Array.prototype.forEach.call(tr.cells, function (cell) {
            if (cell.colSpan === 1 && names[column]) { cell.dataset.label = names[column]; }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("labelled");
    });
  }

  label(document);
  // Fragments swapped in by htmx (a refreshed list) are labelled as they arrive.
  document.addEventListener("htmx:afterSettle", function (event) { label(event.target); });
})();
