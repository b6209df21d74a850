// The article editor's live preview: the server renders the Markdown exactly as the
// article page will (same safe renderer), a moment after typing stops.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const source of document.querySelectorAll("textarea[data-kb-preview]")) {
    const target = document.getElementById(source.dataset.kbPreview);
    if (!target) continue;
    let timer = null;
    let asked = 0;
    const refresh = async () => {
      const mine = ++asked;
      const response = await fetch("/api/v1/kb/render", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": target.dataset.csrf },
        body: JSON.stringify({ body: source.value }),
        credentials: "same-origin",
      });
      if (mine !== asked) return; // a newer keystroke asked again
      if (response.ok) {
        target.innerHTML = (await response.json()).html; // escaped and link-checked by the server
      } else {
        target.textContent = "Preview unavailable (" + response.status + ")";
      }
    };
    source.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    refresh();
  }
});
