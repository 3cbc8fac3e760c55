// Queue dashboard charts (Chart.js, vendored). The numbers come from the page (json_script); the same
// numbers are in the tables, which are what gets printed.
(function () {
  "use strict";
  var source = document.getElementById("queue-dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = document.getElementById("queue-dashboard-labels").dataset;
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#0dcaf0", "#6c757d"];

  var hours = document.getElementById("chart-hours");
  if (hours) {
    new window.Chart(hours, {
      type: "bar",
      data: {
        labels: data.hours,
        datasets: data.groups.map(function (group, index) {
          var colour = palette[index % palette.length];
          return { label: group.label, data: group.issued, backgroundColor: colour, borderColor: colour };
        })
      },
      options: {
        animation: false, responsive: true,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  var waits = document.getElementById("chart-waits");
  if (waits) {
    // Group names on the axis from their start, wrapped on short lines (the server wraps them); the
    // tooltip gives the whole name.
    var names = data.waits.labels;
    new window.Chart(waits, {
      data: {
        labels: data.waits.label_lines || names,
        datasets: [
          { type: "bar", label: labels.median, data: data.waits.median, backgroundColor: "#0d6efd" },
          { type: "bar", label: labels.p90, data: data.waits.p90, backgroundColor: "#fd7e14" },
          { type: "bar", label: labels.target, data: data.waits.target, backgroundColor: "#dc3545" }
        ]
      },
      options: {
        animation: false, indexAxis: "y", responsive: true,
        scales: { x: { beginAtZero: true }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
        plugins: { tooltip: { callbacks: { title: function (items) { return items.length ? names[items[0].dataIndex] : ""; } } } }
      }
    });
  }
})();
