// Dashboard charts (Chart.js, vendored). The numbers come from the page (json_script); the same
// numbers are in the tables below the charts, which are what gets printed.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = document.getElementById("dashboard-labels").dataset;
  var palette = { registered: "#0d6efd", completed: "#198754", refused: "#dc3545", overdue: "#fd7e14" };

  function dataset(key, values, type) {
    return { type: type || "bar", label: labels[key], data: values, backgroundColor: palette[key], borderColor: palette[key] };
  }

  var trend = document.getElementById("chart-trend");
  if (trend) {
    new window.Chart(trend, {
      data: {
        labels: data.trend.labels,
        datasets: [
          dataset("registered", data.trend.registered),
          dataset("completed", data.trend.completed, "line"),
          dataset("refused", data.trend.refused, "line")
        ]
      },
      options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var services = document.getElementById("chart-services");
  if (services) {
    // Service names on the axis from their start, wrapped on short lines (the server wraps them); the
    // tooltip gives the whole name.
    var names = data.by_service.labels;
    new window.Chart(services, {
      type: "bar",
      data: {
        labels: data.by_service.label_lines || names,
        datasets: [dataset("registered", data.by_service.registered), dataset("overdue", data.by_service.overdue)]
      },
      options: {
        animation: false, indexAxis: "y", responsive: true,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false, font: { size: 11 } } } },
        plugins: { tooltip: { callbacks: { title: function (items) { return items.length ? names[items[0].dataIndex] : ""; } } } }
      }
    });
  }
})();
