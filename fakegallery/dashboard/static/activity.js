// fakegallery dashboard: the Activity page's panels (docs/dashboard.md).
// Each [data-panel] section reads its /_fake/ JSON route every 1.5 s and
// draws rows with textContent only (stored text is data, never markup). A
// route that this version lacks (not in GET /_fake/) shows a note instead.
// To add a panel: a <section data-panel="NAME" data-src="/_fake/..."> in
// activity.html and an entry in PANELS below.
"use strict";

(() => {
  const { every, get, setOnline } = window.fakeDashboard;
  const POLL_MS = 1500;
  const PAGE_SIZE = 50;

  const itemOf = (event) => {
    const body = (event.actionEvent && event.actionEvent.body) || {};
    return (body.item && body.item.id) || body.itemId || "";
  };
  const short = (eventType) => String(eventType || "").split(".").pop().replace("gallery_v2_", "");

  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  };
  const jsonBlock = (title, value) => {
    const box = el("div", undefined, "json-part");
    box.append(el("h3", title), el("pre", JSON.stringify(value, null, 2), "json"));
    return box;
  };

  // A POST form to one of the page's controls (/_fake/ui/actions/...), so it
  // goes through the same Origin check as every other control.
  function controlForm(action, fields, label) {
    const form = el("form", undefined, "control");
    form.method = "post";
    form.action = action;
    for (const [name, value] of Object.entries({ next: location.pathname + location.search, ...fields })) {
      const input = el("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    const submit = el("button", label, "danger small");
    submit.type = "submit";
    form.append(submit);
    return form;
  }

  const lastOutcome = (d) => {
    const last = d.attempts[d.attempts.length - 1];
    if (!last) return d.state === "pending" ? "not tried yet" : "";
    return last.status !== undefined ? `HTTP ${last.status}` : last.error || "";
  };

  const ruleMatch = (r) => {
    const m = r.match || {};
    return [m.operation, m.method, m.path, m.prefix].filter(Boolean).join(" ");
  };
  const ruleAction = (r) => {
    const a = r.action || {};
    const parts = [];
    if (a.status !== undefined) parts.push(`answers ${a.status}${a.code ? " " + a.code : ""}`);
    if (a.connection) parts.push(`connection: ${a.connection}`);
    if (a.delayMs !== undefined) parts.push(`delay ${JSON.stringify(a.delayMs)} ms`);
    return parts.join(", ");
  };
  const ruleFires = (r) => {
    const parts = [r.times ? `${r.times}×` : "every time"];
    if (r.after) parts.push(`after ${r.after}`);
    if (r.probability !== undefined) parts.push(`p=${r.probability}`);
    return parts.join(", ");
  };

  const PANELS = {
    // GET /_fake/requests → {requests, dropped, total}: filtered and paged on
    // the server (`before` the oldest row shown), PAGE_SIZE at a time.
    requests: {
      list: (body) => body.requests || [],
      key: (e) => String(e.seq),
      cells: (e) => [
        e.seq, e.time, e.method, e.path, e.operation || "", e.status, e.siteId || "", e.durationMs,
      ],
      serverFilters: ["operation", "method", "status", "path"],
      shared: ["siteId"],
      serverPaged: true,
      detail: (e) => [
        jsonBlock("Request", {
          method: e.method, path: e.path, query: e.queryString, headers: e.requestHeaders,
          body: e.requestBody, bodyTruncated: e.requestBodyTruncated,
        }),
        jsonBlock("Response", {
          status: e.status, errorCode: e.errorCode, headers: e.responseHeaders, body: e.responseBody,
          bodyTruncated: e.responseBodyTruncated, fault: e.fault, rulesRelaxed: e.rulesRelaxed,
        }),
      ],
    },
    // GET /_fake/faults → {faults}: every rule, in the order they are checked.
    faults: {
      list: (body) => body.faults || [],
      key: (r) => r.id,
      cells: (r) => [
        r.id, ruleMatch(r), (r.match && r.match.siteId) || "every site", ruleAction(r), ruleFires(r),
        r.seen, r.hits, r.active ? "active" : "spent",
      ],
      serverFilters: [],
      shared: [],
      oldestFirst: true,
      extra: (r) => controlForm("/_fake/ui/actions/faults/clear", { ruleId: r.id }, "Remove"),
    },
    // GET /_fake/webhooks/deliveries → {deliveries, counts}.
    deliveries: {
      list: (body) => body.deliveries || [],
      key: (d) => d.id,
      cells: (d) => [
        d.createdAt, short(d.eventType), d.url, d.state, d.attempts.length, lastOutcome(d), d.siteId,
      ],
      serverFilters: ["eventType", "state"],
      shared: ["siteId", "limit"],
      total: (body) => body.counts && body.counts.entries,
      detail: (d) => {
        const table = el("table", undefined, "list attempts");
        const head = el("tr");
        for (const name of ["Attempt", "At", "Outcome", "ms", "Answer"]) head.append(el("th", name));
        table.append(head);
        d.attempts.forEach((a, index) => {
          const tr = el("tr");
          const outcome = a.status !== undefined ? `HTTP ${a.status}` : a.error || "";
          for (const v of [index + 1, a.at, outcome, a.durationMs, a.response || ""]) tr.append(el("td", v));
          table.append(tr);
        });
        const parts = [el("h3", `Attempts (${d.attempts.length})${d.nextAttemptAt ? ` · next at ${d.nextAttemptAt}` : ""}`)];
        if (d.attempts.length) parts.push(table);
        parts.push(jsonBlock("The delivery", d));
        return parts;
      },
    },
    // GET /_fake/events → {events, dropped, total}; the type is filtered here.
    events: {
      // each record is {eventType, siteId, domainEvent}: flatten for the table
      list: (body) =>
        (body.events || []).map((r) => Object.assign({}, r.domainEvent, { siteId: r.siteId })),
      key: (e) => String(e.id),
      cells: (e) => [e.eventTime, e.slug, e.entityId, itemOf(e), e.siteId, e.originatedFrom || ""],
      serverFilters: [],
      shared: ["siteId", "limit"],
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
    let anchors = []; // serverPaged: the `before` of each older page
    let lastText = null;
    let entries = [];
    let meta = {};

    function url() {
      const common = formValues(shared);
      const own = formValues(filters);
      const query = new URLSearchParams();
      for (const name of spec.shared) if (common[name]) query.set(name, common[name]);
      for (const name of spec.serverFilters) if (own[name]) query.set(name, own[name]);
      if (spec.serverPaged) {
        query.set("limit", String(PAGE_SIZE));
        if (anchors.length) query.set("before", String(anchors[anchors.length - 1]));
      }
      return `${section.dataset.src}?${query}`;
    }

    function draw() {
      const own = formValues(filters);
      let kept = entries.filter((e) => !spec.keep || spec.keep(e, own));
      if (!spec.oldestFirst) kept = kept.slice().reverse(); // newest first
      let pages;
      let slice;
      if (spec.serverPaged) {
        page = anchors.length;
        pages = page + Math.max(1, Math.ceil((meta.total || 0) / PAGE_SIZE));
        slice = kept;
      } else {
        pages = Math.max(1, Math.ceil(kept.length / PAGE_SIZE));
        page = Math.min(page, pages - 1);
        slice = kept.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
      }
      const drawn = [];
      slice.forEach((entry) => {
        const key = spec.key(entry);
        const tr = el("tr", undefined, "entry");
        tr.dataset.key = key;
        tr.tabIndex = 0;
        for (const value of spec.cells(entry)) tr.append(el("td", value === undefined ? "" : value));
        if (spec.extra) {
          const td = el("td");
          td.append(spec.extra(entry));
          tr.append(td);
        }
        drawn.push(tr);
        if (open.has(key)) drawn.push(detail(entry));
      });
      rows.replaceChildren(...drawn);
      const counted = spec.serverPaged ? null : (meta.total !== undefined ? meta.total : entries.length);
      const dropped = meta.dropped ? ` · ${meta.dropped} dropped by the buffer` : "";
      const hint = kept.length ? ` · ${spec.oldestFirst ? "in order" : "newest first"} · click a row for its JSON` : "";
      status.textContent = spec.serverPaged
        ? `${kept.length} shown${page ? " (older)" : ""} · ${(meta.total || 0) + page * PAGE_SIZE} match${dropped}${hint}`
        : `${kept.length} shown of ${counted} recorded${dropped}${hint}`;
      pager.replaceChildren();
      if (pages > 1) {
        const previous = button("← newer", page > 0, () => turn(-1));
        const label = el("span", `page ${page + 1} of ${pages}`);
        const next = button("older →", page < pages - 1, () => turn(1));
        pager.append(previous, label, next);
      }
    }

    function turn(step) {
      if (spec.serverPaged) {
        if (step > 0 && entries.length) anchors.push(entries[0].seq); // the oldest shown
        if (step < 0) anchors.pop();
        refresh(true).catch(() => setOnline(false));
      } else {
        page += step;
        draw();
      }
    }

    function detail(entry) {
      const tr = el("tr", undefined, "detail");
      const td = el("td");
      td.colSpan = columns;
      td.append(...(spec.detail ? spec.detail(entry) : [el("pre", JSON.stringify(entry, null, 2), "json")]));
      tr.append(td);
      return tr;
    }

    rows.addEventListener("click", (event) => {
      if (event.target.closest("form, button")) return;
      const tr = event.target.closest("tr.entry");
      if (!tr) return;
      const key = tr.dataset.key;
      if (open.has(key)) open.delete(key);
      else open.add(key);
      draw();
    });
    rows.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches("tr.entry")) event.target.click();
    });

    function unavailable() {
      section.dataset.unavailable = "true";
      status.textContent =
        `Not available in this version of fakegallery (it has no GET ${section.dataset.src}).`;
      rows.replaceChildren();
    }

    // Each refresh is numbered; an answer that arrives after a newer refresh
    // started (a filter changed again, a poll overtook it) is dropped, so rows
    // never go back to an older filter's.
    let latest = 0;

    async function refresh(force) {
      if (!force && shared && shared.elements.pause && shared.elements.pause.checked) return;
      const mine = ++latest;
      if (!(await routes()).has(section.dataset.src)) return unavailable();
      const response = await get(url());
      if (mine !== latest) return;
      if (response.status === 404) return unavailable();
      delete section.dataset.unavailable;
      const text = await response.text();
      if (mine !== latest) return;
      if (!response.ok) {
        status.textContent = `GET ${section.dataset.src} answered ${response.status}: ${text.slice(0, 200)}`;
        rows.replaceChildren(); // a refused filter shows nothing, not stale rows
        pager.replaceChildren();
        lastText = null;
        return;
      }
      if (text === lastText && !force) return;
      lastText = text;
      const body = JSON.parse(text);
      entries = spec.list(body);
      const dropped = body.dropped !== undefined ? body.dropped : body.counts && body.counts.dropped;
      meta = { total: spec.total ? spec.total(body) : body.total, dropped };
      section.dataset.loaded = "true";
      draw();
    }

    const changed = () => {
      page = 0;
      anchors = [];
      refresh(true).catch(() => setOnline(false));
    };
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
    const b = el("button", text);
    b.type = "button";
    b.disabled = !enabled;
    b.addEventListener("click", onClick);
    return b;
  }

  async function fillOperations(select) {
    const response = await get("/_fake/operations");
    if (!response.ok) return;
    const body = await response.json();
    for (const op of body.operations || []) {
      const option = el("option", op.id);
      option.value = op.id;
      select.append(option);
    }
  }

  // The site filter is kept in the address (so a control sends the browser
  // back to the same view) and in the journal control's hidden siteId.
  function followSite(shared) {
    const siteId = formValues(shared).siteId || "";
    const address = new URL(location.href);
    if (siteId) address.searchParams.set("siteId", siteId);
    else address.searchParams.delete("siteId");
    history.replaceState(null, "", address);
    const here = address.pathname + address.search;
    document.querySelectorAll("[data-next]").forEach((input) => { input.value = here; });
    document.querySelectorAll("[data-follows-site]").forEach((input) => { input.value = siteId; });
    document.querySelectorAll("[data-site-scope]").forEach((span) => {
      span.textContent = siteId ? "(this site's requests only)" : "(every site)";
    });
  }

  function start() {
    const shared = document.querySelector("[data-activity-filters]");
    if (shared) {
      shared.addEventListener("submit", (event) => event.preventDefault());
      shared.addEventListener("change", () => followSite(shared));
    }
    document.querySelectorAll("[data-operations]").forEach((select) => {
      fillOperations(select).catch(() => setOnline(false));
    });
    document.querySelectorAll("[data-panel]").forEach((section) => panel(section, shared));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
