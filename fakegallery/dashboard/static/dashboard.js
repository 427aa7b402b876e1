// fakegallery dashboard (docs/dashboard.md). No build step, no library.
// 1. Live parts: every [data-live] element is asked for again (?fragment=1,
//    with its ETag) and replaced when the server's rendering changed.
// 2. The clock in the header follows GET /_fake/clock.
// 3. The Activity page's panels are in activity.js, which uses the helpers
//    this file exposes as window.fakeDashboard.
"use strict";

(() => {
  const POLL_MS = 1500;
  // Marks the dashboard's own polling, so a request journal can leave it out.
  const MARK = { "X-Fakegallery-Dashboard": "1" };
  const get = (url, headers = {}) => fetch(url, { headers: { ...MARK, ...headers }, cache: "no-store" });

  const shown = () => document.visibilityState !== "hidden";

  function setOnline(online) {
    document.body.classList.toggle("offline", !online);
  }

  function every(ms, task) {
    let busy = false;
    const run = async () => {
      if (busy || !shown()) return;
      busy = true;
      try {
        await task();
        setOnline(true);
      } catch (_error) {
        setOnline(false);
      } finally {
        busy = false;
      }
    };
    run();
    return setInterval(run, ms);
  }

  // --- 1. live parts of server-rendered pages ------------------------------------

  function liveRegion(region) {
    let etag = region.dataset.liveEtag || "";
    every(POLL_MS, async () => {
      const headers = etag ? { "If-None-Match": `"${etag}"` } : {};
      const response = await get(region.dataset.live, headers);
      if (response.status === 304) return;
      if (response.status !== 200) {
        const note = document.createElement("p");
        note.className = "notice warn";
        note.dataset.gone = String(response.status);
        note.textContent =
          response.status === 404
            ? "This no longer exists in the fake (404). Go back to the site's galleries."
            : `The fake answered ${response.status} for this page.`;
        region.replaceChildren(note);
        etag = "";
        return;
      }
      const html = await response.text();
      etag = (response.headers.get("ETag") || "").replaceAll('"', "");
      region.innerHTML = html; // rendered by the fake's autoescaping templates
      region.dispatchEvent(new CustomEvent("fake:updated", { bubbles: true }));
    });
  }

  // --- 2. the clock ----------------------------------------------------------------

  function clock(element) {
    const now = element.querySelector("[data-clock-now]");
    const state = element.querySelector("[data-clock-state]");
    every(POLL_MS, async () => {
      const response = await get("/_fake/clock");
      if (!response.ok) return;
      const body = await response.json();
      now.textContent = body.now;
      state.textContent = body.frozen ? "frozen" : "running";
      state.classList.toggle("frozen", body.frozen);
    });
  }

  window.fakeDashboard = { every, get, setOnline, shown };

  function start() {
    document.querySelectorAll("[data-live]").forEach(liveRegion);
    const clockElement = document.querySelector("[data-clock]");
    if (clockElement) clock(clockElement);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
