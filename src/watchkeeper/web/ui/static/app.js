// Watchkeeper's small client-side helpers: SLA clocks that count down every second, and
// deletes that ask before they go, the incident page's live header.
(function () {
  "use strict";

  // The words of the server's `duration` filter: 45 s, 4 min, 2 h 5 min, 3 d 4 h.
  function minutes(seconds) {
    var s = Math.abs(seconds);
    var d = Math.floor(s / 86400);
    var h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    var text = d > 0 ? d + " d " + h + " h" : h > 0 ? h + " h " + m + " min" : m > 0 ? m + " min" : s + " s";
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
    var button = event.submitter;
    var question = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Ticks in the incident list survive its refresh every few seconds.
  var ticked = new Set();
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name === "incident_ids") {
      if (box.checked) { ticked.add(box.value); } else { ticked.delete(box.value); }
    }
  });
  document.addEventListener("htmx:afterSwap", function () {
    document.querySelectorAll('input[name="incident_ids"]').forEach(function (box) {
      box.checked = ticked.has(box.value);
    });
  });

  // The incident page's header and buttons follow changes made elsewhere: the server answers
  // 204 while nothing changed. Someone typing in one of its forms is not interrupted.
  function refreshLive() {
    var live = document.getElementById("incident-live");
    if (!live || document.hidden || live.querySelector("details[open]") ||
        live.contains(document.activeElement)) {
      return;
    }
    fetch(live.dataset.live, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        return response.status === 200 ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("incident-live");
        var current = document.getElementById("incident-live");
        if (fresh && current && !current.querySelector("details[open]")) {
          current.replaceWith(document.importNode(fresh, true));
          tick();
        }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  // The menu: collapsed behind a button on a phone; Escape closes it and any open dropdown.
  function closeMenus() {
    document.querySelectorAll("details.dropdown[open]").forEach(function (menu) {
      menu.removeAttribute("open");
    });
    var toggle = document.querySelector(".menu-toggle button");
    if (toggle && toggle.getAttribute("aria-expanded") === "true") {
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      closeMenus();
    }
  });
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest(".menu-toggle button");
    if (toggle) {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
  document.documentElement.classList.add("js");

  // A table wider than the screen scrolls in its own box; the keyboard can scroll it too.
  function focusableScrollers() {
    document.querySelectorAll(".overflow-auto").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("htmx:afterSettle", focusableScrollers);

  // The timeline newest first, if the reader asked once (remembered in this browser).
  function orderTimeline(newest) {
    var list = document.getElementById("timeline");
    var button = document.querySelector(".timeline-order");
    if (!list || !button) {
      return;
    }
    list.classList.toggle("newest-first", newest);
    button.setAttribute("aria-pressed", newest ? "true" : "false");
    try { window.localStorage.setItem("timeline-order", newest ? "newest" : "oldest"); } catch (e) { /* private mode */ }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".timeline-order");
    if (button) {
      orderTimeline(button.getAttribute("aria-pressed") !== "true");
    }
  });

  // Time zones: every zone field suggests the IANA names as you type; a new user's form
  // starts from this browser's zone (unless the form came back refused, as typed).
  function zonePickers() {
    var fields = document.querySelectorAll('input[name="time_zone"]:not([type="hidden"])');
    if (!fields.length || !Intl.supportedValuesOf) {
      return;
    }
    var list = document.createElement("datalist");
    list.id = "time-zones";
    Intl.supportedValuesOf("timeZone").concat(["UTC"]).forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
    document.body.appendChild(list);
    var here = Intl.DateTimeFormat().resolvedOptions().timeZone;
    fields.forEach(function (field) {
      field.setAttribute("list", "time-zones");
      field.setAttribute("autocomplete", "off");
      var refused = field.form && field.form.querySelector('[aria-invalid="true"]');
      if (field.hasAttribute("data-browser-zone") && here && !refused && field.value === "UTC") {
        field.value = here;
      }
    });
  }

  // A multiple select shows what is chosen as chips under it; a chip's button unchooses it.
  function chips(select) {
    var box = select.nextElementSibling;
    if (!box || !box.classList.contains("chips")) {
      box = document.createElement("ul");
      box.className = "chips";
      box.setAttribute("aria-label", "Chosen");
      select.insertAdjacentElement("afterend", box);
    }
    box.textContent = "";
    Array.prototype.forEach.call(select.selectedOptions, function (option) {
      var chip = document.createElement("li");
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip";
      remove.textContent = option.textContent + " \u00d7";
      remove.setAttribute("aria-label", "Remove " + option.textContent);
      remove.addEventListener("click", function () {
        option.selected = false;
        chips(select);
        select.focus();
      });
      chip.appendChild(remove);
      box.appendChild(chip);
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[multiple]")) {
      chips(event.target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[multiple]").forEach(chips);
    zonePickers();
    var remembered = null;
    try { remembered = window.localStorage.getItem("timeline-order"); } catch (e) { /* private mode */ }
    orderTimeline(remembered === "newest");
    focusableScrollers();
    tick();
    window.setInterval(tick, 1000);
    if (document.getElementById("incident-live")) {
      window.setInterval(refreshLive, 5000);
    }
  });
})();
