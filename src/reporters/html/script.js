// cargo loop report: sorting and filtering only. Everything is readable without it.
(function () {
  "use strict";
  // Sort a table by the column whose header was clicked; numbers by data-v or their text.
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    if (v === null) v = cell.textContent.trim();
    var n = parseFloat(v);
    return isNaN(n) || !/^-?[\d.]/.test(v) ? v.toLowerCase() : n;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.title = "Sort by " + th.textContent;
      th.addEventListener("click", function () {
        var desc = th.classList.contains("sorted-asc");
        Array.prototype.forEach.call(headers, function (h) {
          h.classList.remove("sorted-asc", "sorted-desc");
        });
        th.classList.add(desc ? "sorted-desc" : "sorted-asc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0)
            : (typeof x === "number" ? -1 : 1);
          return desc ? -order : order;
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (r) { fragment.appendChild(r); });
        body.appendChild(fragment);
      });
    });
  });
  // Filter the clone groups by package, kind and size.
  var form = document.getElementById("clone-filters");
  if (!form) return;
  form.classList.add("shown");
  var items = document.querySelectorAll(".group, .group-row");
  function apply() {
    var pkg = form.elements["package"].value;
    var kind = form.elements["kind"].value;
    var lines = parseInt(form.elements["lines"].value, 10) || 0;
    var shown = 0;
    items.forEach(function (el) {
      var ok = (!pkg || (" " + el.getAttribute("data-packages") + " ").indexOf(" " + pkg + " ") >= 0)
        && (!kind || el.getAttribute("data-kind") === kind)
        && parseInt(el.getAttribute("data-lines"), 10) >= lines;
      el.classList.toggle("hidden", !ok);
      if (ok) shown++;
    });
    form.elements["shown"].value = shown + " of " + items.length + " groups";
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
})();
