// The hall display: polls the desk's JSON every few seconds, redraws the tables and announces a
// newly called (or recalled) number in the aria-live region. No personal data is ever shown.
(function () {
  "use strict";
  var root = document.getElementById("floor-display");
  if (!root) return;
  var url = root.getAttribute("data-url");
  var announce = document.getElementById("floor-announce");
  var called = document.getElementById("floor-called");
  var waiting = document.getElementById("floor-waiting");
  var seen = null;

  function cell(text, cls) {
    var td = document.createElement("td");
    td.className = cls;
    td.textContent = text;
    return td;
  }

  function render(data) {
    var rows = data.called || [];
    called.replaceChildren();
    if (!rows.length) {
      var tr = document.createElement("tr");
      var td = cell("Chưa có số được gọi.", "");
      td.colSpan = 2;
      tr.appendChild(td);
      called.appendChild(tr);
    }
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(row.ticket, "display-6 fw-bold"));
      tr.appendChild(cell(String(row.counter), "display-6"));
      called.appendChild(tr);
    });
    waiting.replaceChildren();
    (data.areas || []).forEach(function (area) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between";
      var name = document.createElement("span");
      name.textContent = area.prefix + " — " + area.name;
      var badge = document.createElement("span");
      badge.className = "badge text-bg-secondary";
      badge.textContent = String(area.waiting);
      li.appendChild(name);
      li.appendChild(badge);
      waiting.appendChild(li);
    });
    var top = rows[0];
    var key = top ? top.ticket + "/" + top.counter + "/" + top.recalls : "";
    if (seen !== null && key && key !== seen) {
      announce.textContent = "Mời số " + top.ticket + " đến quầy số " + top.counter;
    }
    seen = key;
    root.setAttribute("data-seen", key);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data); })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 4000); });
  }
  poll();
})();
