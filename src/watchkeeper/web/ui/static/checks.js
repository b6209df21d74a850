// The latency plot of a check page: each run's latency over the last 24 hours, failed
// runs as red points (a failure without a latency sits on the axis).
(function () {
  "use strict";

  function draw() {
    var canvas = document.getElementById("latency-plot");
    var source = document.getElementById("latency-data");
    if (!canvas || !source || typeof Chart === "undefined") {
      return;
    }
    var points = JSON.parse(source.textContent);
    var span = points.length ? Date.parse(points[points.length - 1].t) - Date.parse(points[0].t) : 0;
    var shape = span < 2 * 3600 * 1000
      ? { hour: "2-digit", minute: "2-digit", second: "2-digit" }
      : { hour: "2-digit", minute: "2-digit" };
    var labels = points.map(function (p) {
      return new Date(p.t).toLocaleTimeString([], shape);
    });
    new Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [{
          label: "latency (ms)",
          data: points.map(function (p) { return p.ms === null ? 0 : p.ms; }),
          borderColor: "#2563eb",
          borderWidth: 1.5,
          pointRadius: points.map(function (p) { return p.ok ? 0 : 4; }),
          pointBackgroundColor: points.map(function (p) { return p.ok ? "#2563eb" : "#dc2626"; }),
          tension: 0.2,
        }],
      },
      options: {
        animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: "ms" } } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              afterLabel: function (item) {
                var p = points[item.dataIndex];
                return p.ok ? "" : "failed: " + p.error;
              },
            },
          },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
