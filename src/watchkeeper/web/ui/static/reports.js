// Draws the report pages' plots with Chart.js from each canvas's data-chart attribute;
// the same numbers are in the table beside every plot.
(function () {
  "use strict";

  function options(spec) {
    var opts = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true } },
    };
    if (spec.horizontal) {
      opts.indexAxis = "y";
      opts.scales = { x: { beginAtZero: true } };
    }
    if (spec.percent) {
      opts.scales.y.max = 100;
    }
    if (spec.two_axes) {
      opts.scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } };
    }
    return opts;
  }

  function draw(canvas) {
    var spec = JSON.parse(canvas.dataset.chart);
    var data = { labels: spec.labels, datasets: spec.datasets };
    canvas.chart = new window.Chart(canvas, { type: spec.type, data: data, options: options(spec) });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.Chart) {
      return; // the tables still have every number
    }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
