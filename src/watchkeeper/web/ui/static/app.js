// Watchkeeper's small client-side helpers: SLA clocks that count down every second, and
// deletes that ask before they go.
(function () {
  "use strict";

  function minutes(seconds) {
    var m = Math.floor(Math.abs(seconds) / 60);
    var h = Math.floor(m / 60);
    var text = h > 0 ? h + " h " + (m % 60) + " min" : m + " min";
    return seconds < 0 ? text + " over" : text + " left";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-due]").forEach(function (el) {
      if (el.dataset.paused !== undefined) {
        return; // a paused clock stands still
      }
      var left = Math.round((Date.parse(el.dataset.due) - now) / 1000);
      el.textContent = minutes(left);
      el.classList.toggle("overdue", left < 0);
    });
  }

  // A delete asks first, naming what it takes with it (the form's data-confirm).
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset ? event.target.dataset.confirm : undefined;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
})();
