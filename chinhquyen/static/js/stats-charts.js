/* Charts of the statistics pages, drawn with the vendored Chart.js from the data tables that
   stay on the page (every chart's figures are in its table: the chart is hidden from assistive
   technology and points at the table). Tables opt in with data-chart="trend", "ranking" or
   "task-status"; each
   row carries its figures in data-* attributes. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function canvasBefore(table, label) {
    var box = document.createElement("div");
    box.className = "stat-chart mb-3";
    box.setAttribute("aria-hidden", "true");
    var canvas = document.createElement("canvas");
    canvas.setAttribute("aria-label", label);
    box.appendChild(canvas);
    var region = table.closest(".table-responsive") || table;
    region.parentNode.insertBefore(box, region);
    return canvas;
  }

  function rows(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-label]"));
  }

  function num(row, name) {
    var value = row.getAttribute("data-" + name);
    return value === null || value === "" ? null : Number(value);
  }

  function trend(table) {
    var data = rows(table);
    new window.Chart(canvasBefore(table, "Biểu đồ diễn biến theo tháng; số liệu trong bảng"), {
      type: "bar",
      data: {
        labels: data.map(function (r) { return r.getAttribute("data-label"); }),
        datasets: [
          { label: "Tiếp nhận", data: data.map(function (r) { return num(r, "received"); }), yAxisID: "y", backgroundColor: "#0d6efd" },
          { label: "Quá hạn", data: data.map(function (r) { return num(r, "late"); }), yAxisID: "y", backgroundColor: "#dc3545" },
          { label: "Tỷ lệ đúng hạn (%)", type: "line", data: data.map(function (r) { return num(r, "on-time"); }), yAxisID: "rate", borderColor: "#198754", backgroundColor: "#198754" }
        ]
      },
      options: {
        animation: reduced ? false : undefined,
        maintainAspectRatio: false,
        scales: {
          y: { beginAtZero: true, position: "left" },
          rate: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } }
        }
      }
    });
  }

  function ranking(table) {
    var data = rows(table);
    new window.Chart(canvasBefore(table, "Biểu đồ xếp hạng theo Bộ chỉ số; số liệu trong bảng"), {
      type: "bar",
      data: {
        labels: data.map(function (r) { return r.getAttribute("data-label"); }),
        datasets: [{ label: "Tỷ lệ điểm (%)", data: data.map(function (r) { return num(r, "value"); }), backgroundColor: "#0d6efd" }]
      },
      options: {
        indexAxis: "y",
        animation: reduced ? false : undefined,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, max: 100 } }
      }
    });
  }

  // Tasks by status category per lead unit (the task statistics, per leader / unit / official):
  // horizontal stacked bars, one row per unit, so long unit names stay readable on a phone.
  function taskStatus(table) {
    var data = rows(table);
    var canvas = canvasBefore(table, table.getAttribute("data-chart-label") || "Biểu đồ nhiệm vụ theo tình trạng; số liệu trong bảng");
    canvas.parentNode.style.height = Math.max(16, 6 + 2.5 * data.length) + "rem";
    var series = [
      ["done-on-time", "Hoàn thành đúng hạn", "#198754"],
      ["done-late", "Hoàn thành quá hạn", "#fd7e14"],
      ["open-in-time", "Chưa hoàn thành trong hạn", "#0d6efd"],
      ["open-overdue", "Chưa hoàn thành quá hạn", "#dc3545"]
    ];
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.map(function (r) { return r.getAttribute("data-label"); }),
        datasets: series.map(function (s) {
          return { label: s[1], data: data.map(function (r) { return num(r, s[0]); }), backgroundColor: s[2] };
        })
      },
      options: {
        indexAxis: "y",
        animation: reduced ? false : undefined,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } }
      }
    });
  }

  document.querySelectorAll("table[data-chart]").forEach(function (table) {
    if (!rows(table).length) {
      return;
    }
    if (table.getAttribute("data-chart") === "trend") {
      trend(table);
    } else if (table.getAttribute("data-chart") === "ranking") {
      ranking(table);
    } else if (table.getAttribute("data-chart") === "task-status") {
      taskStatus(table);
    }
  });
})();
