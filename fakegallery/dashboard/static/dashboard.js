// fakegallery dashboard (docs/dashboard.md). No build step, no library.
// 1. Live parts: every [data-live] element is asked for again (?fragment=1,
//    with its ETag) and replaced when the server's rendering changed.
// 2. The clock in the header follows GET /_fake/clock.
// 3. Activity panels ([data-panel]) read the /_fake/ JSON routes and draw
//    rows with textContent only. A route that answers 404 (a feature this
//    version lacks) shows a note instead. To add a panel, add a <section
//    data-panel="NAME" data-src="/_fake/..."> to activity.html and an entry
//    in PANELS below.
"use strict";

(() => {
  const POLL_MS = 1500;
  const PAGE_SIZE = 50;
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

  // --- 3. activity panels ----------------------------------------------------------

  const itemOf = (event) => {
    const body = (event.actionEvent && event.actionEvent.body) || {};
    return (body.item && body.item.id) || body.itemId || "";
  };

  const PANELS = {
    // GET /_fake/requests → {requests: [...], dropped, total}; filters on the server.
    requests: {
      list: (body) => body.requests || [],
      key: (e, i) => String(e.id || e.requestId || i),
      cells: (e) => [
        e.time || e.timestamp || "",
        e.method || "",
        e.path || "",
        e.operation || "",
        e.status !== undefined ? e.status : (e.response && e.response.status) || "",
        e.siteId || "",
        e.durationMs !== undefined ? e.durationMs : "",
      ],
      serverFilters: ["operation", "method", "status", "path"],
    },
    // GET /_fake/events → {events: [...], dropped, total}; the type is filtered here.
    events: {
      // each record is {eventType, siteId, domainEvent}: flatten for the table
      list: (body) =>
        (body.events || []).map((r) => Object.assign({}, r.domainEvent, { siteId: r.siteId })),
      key: (e) => String(e.id),
      cells: (e) => [e.eventTime, e.slug, e.entityId, itemOf(e), e.siteId, e.originatedFrom || ""],
      serverFilters: [],
      keep: (e, filters) => !filters.slug || e.slug === filters.slug,
    },
  };

  function formValues(form) {
    const values = {};
    if (!form) return values;
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value === "string" && value.trim() !== "") values[name] = value.trim();
    }
    return values;
  }

  function panel(section, shared) {
    const spec = PANELS[section.dataset.panel];
    if (!spec) return;
    const filters = section.querySelector("[data-panel-filters]");
    const status = section.querySelector("[data-panel-status]");
    const rows = section.querySelector("[data-rows]");
    const pager = section.querySelector("[data-panel-pager]");
    const columns = section.querySelectorAll("thead th").length;
    const open = new Set();
    let page = 0;
    let lastText = null;
    let entries = [];
    let meta = {};

    function url() {
      const common = formValues(shared);
      const own = formValues(filters);
      const query = new URLSearchParams();
      if (common.siteId) query.set("siteId", common.siteId);
      if (common.limit) query.set("limit", common.limit);
      for (const name of spec.serverFilters) if (own[name]) query.set(name, own[name]);
      return `${section.dataset.src}?${query}`;
    }

    function draw() {
      const own = formValues(filters);
      const kept = entries.filter((e) => !spec.keep || spec.keep(e, own)).reverse(); // newest first
      const pages = Math.max(1, Math.ceil(kept.length / PAGE_SIZE));
      page = Math.min(page, pages - 1);
      const slice = kept.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
      const drawn = [];
      slice.forEach((entry, index) => {
        const key = spec.key(entry, page * PAGE_SIZE + index);
        const tr = document.createElement("tr");
        tr.className = "entry";
        tr.dataset.key = key;
        tr.tabIndex = 0;
        for (const value of spec.cells(entry)) {
          const td = document.createElement("td");
          td.textContent = String(value);
          tr.append(td);
        }
        drawn.push(tr);
        if (open.has(key)) drawn.push(detail(entry));
      });
      rows.replaceChildren(...drawn);
      const total = meta.total !== undefined ? meta.total : entries.length;
      const dropped = meta.dropped ? ` · ${meta.dropped} dropped by the buffer` : "";
      status.textContent = `${kept.length} shown of ${total} recorded${dropped}` +
        (kept.length ? " · newest first · click a row for its JSON" : "");
      pager.replaceChildren();
      if (pages > 1) {
        const previous = button("← newer", page > 0, () => { page -= 1; draw(); });
        const label = document.createElement("span");
        label.textContent = `page ${page + 1} of ${pages}`;
        const next = button("older →", page < pages - 1, () => { page += 1; draw(); });
        pager.append(previous, label, next);
      }
    }

    function detail(entry) {
      const tr = document.createElement("tr");
      tr.className = "detail";
      const td = document.createElement("td");
      td.colSpan = columns;
      const pre = document.createElement("pre");
      pre.className = "json";
      pre.textContent = JSON.stringify(entry, null, 2);
      td.append(pre);
      tr.append(td);
      return tr;
    }

    rows.addEventListener("click", (event) => {
      const tr = event.target.closest("tr.entry");
      if (!tr) return;
      const key = tr.dataset.key;
      if (open.has(key)) open.delete(key);
      else open.add(key);
      draw();
    });

    function unavailable() {
      section.dataset.unavailable = "true";
      status.textContent =
        `Not available in this version of fakegallery (it has no GET ${section.dataset.src}).`;
      rows.replaceChildren();
    }

    async function refresh(force) {
      if (!force && shared && shared.elements.pause && shared.elements.pause.checked) return;
      if (!(await routes()).has(section.dataset.src)) return unavailable();
      const response = await get(url());
      if (response.status === 404) return unavailable();
      delete section.dataset.unavailable;
      const text = await response.text();
      if (!response.ok) {
        status.textContent = `GET ${section.dataset.src} answered ${response.status}: ${text.slice(0, 200)}`;
        return;
      }
      if (text === lastText && !force) return;
      lastText = text;
      const body = JSON.parse(text);
      entries = spec.list(body);
      meta = { total: body.total, dropped: body.dropped };
      draw();
    }

    const changed = () => { page = 0; refresh(true).catch(() => setOnline(false)); };
    if (filters) {
      filters.addEventListener("change", changed);
      filters.addEventListener("input", changed);
      filters.addEventListener("submit", (event) => event.preventDefault());
    }
    if (shared) shared.addEventListener("change", changed);
    every(POLL_MS, () => refresh(false));
  }

  // The control plane's routes, from the JSON index (GET /_fake/), asked once:
  // a panel whose route this version lacks is not even requested.
  let routeSet = null;
  async function routes() {
    if (!routeSet) {
      routeSet = (async () => {
        const response = await get("/_fake/", { Accept: "application/json" });
        const body = await response.json();
        return new Set((body.routes || []).map((route) => route.path));
      })();
      routeSet.catch(() => { routeSet = null; });
    }
    return routeSet;
  }

  function button(text, enabled, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.disabled = !enabled;
    b.addEventListener("click", onClick);
    return b;
  }

  async function fillOperations(select) {
    const response = await get("/_fake/operations");
    if (!response.ok) return;
    const body = await response.json();
    for (const op of body.operations || []) {
      const option = document.createElement("option");
      option.value = op.id;
      option.textContent = op.id;
      select.append(option);
    }
  }

  function start() {
    document.querySelectorAll("[data-live]").forEach(liveRegion);
    const clockElement = document.querySelector("[data-clock]");
    if (clockElement) clock(clockElement);
    const shared = document.querySelector("[data-activity-filters]");
    if (shared) shared.addEventListener("submit", (event) => event.preventDefault());
    document.querySelectorAll("[data-operations]").forEach((select) => {
      fillOperations(select).catch(() => setOnline(false));
    });
    document.querySelectorAll("[data-panel]").forEach((section) => panel(section, shared));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
