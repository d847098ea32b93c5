// The Gatehouse review page. Held text is hostile input: it only ever reaches the page
// through textContent and text nodes, never parsed as HTML. Offsets from the API are Unicode
// scalar offsets; JavaScript strings are UTF-16, so text is split with Array.from (code
// points) before any span is cut.
"use strict";

(function () {
  const tokenKey = "gatehouse.review.token";
  const $ = (id) => document.getElementById(id);

  const state = {
    items: [],          // the listed items, in order
    next: 0,            // the listing's cursor for "load more"
    current: null,      // the open item's detail
    selected: new Set(),// ids picked for a bulk action
    rejectReasons: [],
    me: null,           // this token's label (role:first 12 hex of its SHA-256), when it can be worked out
    events: null,       // the AbortController of the live stream
  };

  // ---- API ----------------------------------------------------------------------------

  function token() { return sessionStorage.getItem(tokenKey); }

  async function api(method, path, body) {
    const headers = { "Authorization": "Bearer " + token() };
    const options = { method, headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (response.status === 401) { signOut("The token is not known to this gateway."); }
    if (!response.ok) {
      const message = data && data.error && data.error.message ? data.error.message : ("HTTP " + response.status);
      const error = new Error(message);
      error.status = response.status;
      error.current = data ? data.current : undefined;
      throw error;
    }
    return data;
  }

  function say(message, isError) {
    const line = $("status");
    line.textContent = message;
    line.classList.toggle("error", Boolean(isError));
  }

  // ---- Signing in ---------------------------------------------------------------------

  async function labelOf(secret) {
    if (!(window.crypto && crypto.subtle)) return null;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
    return Array.from(new Uint8Array(digest).slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function signIn(secret) {
    sessionStorage.setItem(tokenKey, secret);
    try {
      await api("GET", "/v1/review?limit=1");
    } catch (error) {
      sessionStorage.removeItem(tokenKey);
      $("sign-in-error").textContent = error.status === 403
        ? "This token may not review items: use a moderator or admin token."
        : (error.status === 401 ? "The token is not known to this gateway." : error.message);
      return;
    }
    const hash = await labelOf(secret);
    state.me = hash;
    showWorkspace();
  }

  function signOut(message) {
    sessionStorage.removeItem(tokenKey);
    if (state.events) state.events.abort();
    state.events = null;
    $("workspace").hidden = true;
    $("sign-in").hidden = false;
    $("sign-out").hidden = true;
    $("who").hidden = true;
    $("live").hidden = true;
    $("sign-in-error").textContent = message || "";
    $("token").value = "";
  }

  function showWorkspace() {
    $("sign-in").hidden = true;
    $("workspace").hidden = false;
    $("sign-out").hidden = false;
    if (state.me) {
      $("who").hidden = false;
      $("who").textContent = "signed in (token " + state.me + ")";
    }
    loadQueue(false);
    listen();
  }

  // ---- The queue ----------------------------------------------------------------------

  function queuePath(after) {
    const params = new URLSearchParams();
    params.set("status", $("filter-status").value);
    params.set("order", $("filter-order").value);
    if ($("filter-reason").value) params.set("reason", $("filter-reason").value);
    params.set("limit", "50");
    if (after) params.set("after", String(after));
    return "/v1/review?" + params.toString();
  }

  async function loadQueue(more) {
    let page;
    try {
      page = await api("GET", queuePath(more ? state.next : 0));
    } catch (error) {
      say("Could not load the queue: " + error.message, true);
      return;
    }
    state.items = more ? state.items.concat(page.items) : page.items;
    state.next = page.next;
    state.rejectReasons = page.rejectReasons || state.rejectReasons;
    renderReasons();
    renderCounts(page.counts, page.pending);
    renderQueue();
    $("load-more").hidden = page.items.length < 50;
  }

  function renderReasons() {
    for (const id of ["reject-reason", "bulk-reason"]) {
      const select = $(id);
      if (select.options.length === state.rejectReasons.length) continue;
      select.replaceChildren();
      for (const code of state.rejectReasons) {
        const option = document.createElement("option");
        option.value = code;
        option.textContent = code;
        select.append(option);
      }
    }
  }

  function renderCounts(counts, pending) {
    $("pending-count").textContent = "(" + pending + " waiting)";
    const list = $("reason-counts");
    list.replaceChildren();
    const filter = $("filter-reason");
    const chosen = filter.value;
    filter.replaceChildren(new Option("any", ""));
    for (const reason of Object.keys(counts).sort()) {
      const item = document.createElement("li");
      item.textContent = reason + " " + counts[reason];
      list.append(item);
      filter.append(new Option(reason, reason));
    }
    if (chosen && counts[chosen] === undefined) filter.append(new Option(chosen, chosen));
    filter.value = chosen;
  }

  function renderQueue() {
    const list = $("queue-list");
    list.replaceChildren();
    for (const item of state.items) {
      const row = document.createElement("li");
      row.className = "queue-item";
      row.dataset.id = item.id;
      row.tabIndex = -1;
      if (state.current && state.current.id === item.id) row.classList.add("open");

      const pick = document.createElement("input");
      pick.type = "checkbox";
      pick.className = "pick";
      pick.checked = state.selected.has(item.id);
      pick.setAttribute("aria-label", "Select for a bulk action");
      pick.addEventListener("click", (event) => {
        event.stopPropagation();
        toggleSelected(item.id, pick.checked);
      });

      const body = document.createElement("div");
      body.className = "queue-body";
      const reasons = document.createElement("div");
      reasons.className = "reasons";
      for (const reason of item.reasons) {
        const badge = document.createElement("span");
        badge.className = "badge";
        badge.textContent = reason;
        reasons.append(badge);
      }
      if (item.priority > 0) {
        const badge = document.createElement("span");
        badge.className = "badge severe";
        badge.textContent = item.priority > 1 ? "slur" : "strong";
        reasons.append(badge);
      }
      const snippet = document.createElement("p");
      snippet.className = "snippet";
      snippet.textContent = item.text;
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = "held " + when(item.heldAt) + (item.claim ? " · claimed by " + item.claim.moderator : "");
      body.append(reasons, snippet, meta);
      row.append(pick, body);
      row.addEventListener("click", () => openItem(item.id));
      list.append(row);
    }
    $("queue-empty").hidden = state.items.length > 0;
    renderBulkBar();
  }

  function when(iso) {
    const date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString();
  }

  // ---- One item -----------------------------------------------------------------------

  async function openItem(id) {
    let item;
    try {
      item = await api("GET", "/v1/review/" + encodeURIComponent(id));
    } catch (error) {
      say("Could not open the item: " + error.message, true);
      return;
    }
    state.current = item;
    renderItem();
    for (const row of document.querySelectorAll(".queue-item")) {
      row.classList.toggle("open", row.dataset.id === id);
    }
    document.body.classList.add("item-open");
  }

  function closeItem() {
    state.current = null;
    $("item").hidden = true;
    document.body.classList.remove("item-open");
    for (const row of document.querySelectorAll(".queue-item.open")) row.classList.remove("open");
  }

  // The held text with every finding's span marked. Spans may overlap: the text is cut at
  // every span boundary and each piece is marked with the findings that cover it.
  function renderText(container, text, findings) {
    window.GatehouseMarks.render(container, text, findings);
  }

  function renderItem() {
    const item = state.current;
    $("item").hidden = false;
    $("item-title").textContent = "Item " + item.id;
    $("item-status").textContent = item.status + " · version " + item.version;
    $("item-meta").textContent = "received " + when(item.receivedAt) + (item.conversation ? " · conversation " + item.conversation : "")
      + " · held for " + item.reasons.join(", ");
    const mine = item.claim && state.me && item.claim.moderator.endsWith(":" + state.me);
    $("item-claim").textContent = item.claim
      ? (mine ? "Claimed by you" : "Claimed by " + item.claim.moderator) + " until " + when(item.claim.expiresAt)
      : (item.status === "pending" ? "Not claimed" : "");
    $("item-claim").classList.toggle("other", Boolean(item.claim) && !mine);
    renderText($("item-text"), item.text, item.findings);

    const findings = $("item-findings");
    findings.replaceChildren();
    item.findings.forEach((finding) => {
      const row = document.createElement("li");
      const title = document.createElement("strong");
      title.textContent = finding.rule;
      const detail = document.createElement("span");
      detail.textContent = " · " + finding.plugin + " · " + finding.category + (finding.severity ? " · " + finding.severity : "")
        + " · " + finding.action + (finding.shadow ? " (shadow: did not act)" : "") + " · characters " + finding.start + "–" + finding.end;
      const why = document.createElement("p");
      why.className = "why";
      why.textContent = finding.explanation || "no explanation recorded";
      row.append(title, detail, why);
      findings.append(row);
    });

    const history = $("item-history");
    history.replaceChildren();
    for (const entry of item.history) {
      const row = document.createElement("li");
      row.textContent = when(entry.time) + " · " + entry.event + " · " + entry.actor + (entry.reason ? " · " + entry.reason : "");
      history.append(row);
    }

    const pending = item.status === "pending";
    for (const id of ["approve", "reject", "reject-reason", "edit", "redact", "claim"]) $(id).disabled = !pending;
    $("claim").textContent = mine ? "Renew claim" : "Claim";
    $("release").hidden = !item.claim;
    $("edit-form").hidden = true;
  }

  // The Unicode scalar offsets of the selection inside the held text, or null.
  function selectionOffsets() {
    const container = $("item-text");
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(range.startContainer, range.startOffset);
    const start = Array.from(before.toString()).length;
    const length = Array.from(range.toString()).length;
    return { start, end: start + length };
  }

  function beginEdit(text) {
    $("edit-form").hidden = false;
    $("edit-text").value = text;
    $("edit-text").focus();
  }

  function redactSelection() {
    const span = selectionOffsets();
    if (!span) {
      say("Select the words to replace in the held text first.", true);
      return;
    }
    const points = Array.from(state.current.text);
    beginEdit(points.slice(0, span.start).join("") + "[removed]" + points.slice(span.end).join(""));
    say("The selection is replaced in the editor; check it and publish the edit.");
  }

  // ---- Actions ------------------------------------------------------------------------

  async function act(path, body, done) {
    try {
      const answer = await api("POST", path, body);
      say(done);
      return answer;
    } catch (error) {
      say(error.message, true);
      if (error.current && state.current && error.current.id === state.current.id) {
        await openItem(state.current.id);
      }
      return null;
    }
  }

  async function decide(action, extra) {
    const item = state.current;
    if (!item || item.status !== "pending") return;
    const body = Object.assign({ version: item.version }, extra || {});
    const answer = await act("/v1/review/" + encodeURIComponent(item.id) + "/" + action, body, "Item " + item.id + " " + (action === "approve" ? "approved" : action === "reject" ? "rejected" : "edited") + ".");
    if (answer) {
      const index = state.items.findIndex((entry) => entry.id === item.id);
      state.selected.delete(item.id);
      await loadQueue(false);
      const nextItem = state.items[Math.min(index, state.items.length - 1)];
      if (nextItem) await openItem(nextItem.id); else closeItem();
    }
  }

  async function claim() {
    const item = state.current;
    if (!item) return;
    const answer = await act("/v1/review/" + encodeURIComponent(item.id) + "/claim", { version: item.version }, "Claimed.");
    if (answer) await openItem(item.id);
  }

  async function release() {
    const item = state.current;
    if (!item) return;
    const answer = await act("/v1/review/" + encodeURIComponent(item.id) + "/release", {}, "Released.");
    if (answer) await openItem(item.id);
  }

  function toggleSelected(id, on) {
    if (on) state.selected.add(id); else state.selected.delete(id);
    for (const row of document.querySelectorAll(".queue-item")) {
      if (row.dataset.id === id) row.querySelector(".pick").checked = on;
    }
    renderBulkBar();
  }

  function renderBulkBar() {
    $("bulk-bar").hidden = state.selected.size === 0;
    $("bulk-count").textContent = state.selected.size + " selected";
  }

  async function bulk(action) {
    const ids = Array.from(state.selected);
    if (ids.length === 0) return;
    const versions = {};
    for (const item of state.items) if (state.selected.has(item.id)) versions[item.id] = item.version;
    const body = { action, ids, versions };
    if (action === "reject") body.reason = $("bulk-reason").value;
    try {
      const answer = await api("POST", "/v1/review/bulk", body);
      say(answer.done.length + " done" + (answer.refused.length ? ", " + answer.refused.length + " refused: "
        + answer.refused.map((r) => r.id + " (" + r.message + ")").join("; ") : "") + ".", answer.refused.length > 0);
      state.selected.clear();
      await loadQueue(false);
      if (state.current) await openItem(state.current.id);
    } catch (error) {
      say(error.message, true);
    }
  }

  // ---- Live updates -------------------------------------------------------------------

  // Server-sent events read with fetch (an EventSource cannot send the token in a header).
  async function listen() {
    if (state.events) state.events.abort();
    const controller = new AbortController();
    state.events = controller;
    let backoff = 1000;
    while (!controller.signal.aborted && token()) {
      try {
        const response = await fetch("/v1/review/events", {
          headers: { "Authorization": "Bearer " + token(), "Accept": "text/event-stream" },
          signal: controller.signal, cache: "no-store",
        });
        if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
        $("live").hidden = false;
        backoff = 1000;
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            handleEvent(block);
          }
        }
      } catch (_) {
        if (controller.signal.aborted) return;
      }
      $("live").hidden = true;
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, 30000);
    }
  }

  let refreshTimer = null;
  function handleEvent(block) {
    let name = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) name = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trim();
    }
    if (!data) return;
    let payload;
    try { payload = JSON.parse(data); } catch (_) { return; }
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => loadQueue(false), 150);
    if (state.current && payload.id === state.current.id && name !== "held") {
      openItem(state.current.id);
    }
  }

  // ---- Keyboard -----------------------------------------------------------------------

  function move(step) {
    if (state.items.length === 0) return;
    const index = state.current ? state.items.findIndex((item) => item.id === state.current.id) : -1;
    const next = Math.max(0, Math.min(state.items.length - 1, index + step));
    openItem(state.items[next].id);
    const row = document.querySelector('.queue-item[data-id="' + CSS.escape(state.items[next].id) + '"]');
    if (row) row.scrollIntoView({ block: "nearest" });
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
    if (event.key === "Escape") {
      if ($("help").open) $("help").close();
      $("edit-form").hidden = true;
      return;
    }
    if (typing || $("workspace").hidden) return;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": decide("approve"); break;
      case "r": decide("reject", { reason: $("reject-reason").value }); break;
      case "e": if (state.current) { beginEdit(state.current.text); event.preventDefault(); } break;
      case "c": claim(); break;
      case "x": if (state.current) toggleSelected(state.current.id, !state.selected.has(state.current.id)); break;
      case "?": $("help").showModal(); break;
      default: return;
    }
  }

  // ---- Wiring -------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const secret = $("token").value.trim();
      if (secret) signIn(secret);
    });
    $("sign-out").addEventListener("click", () => signOut(""));
    $("help-button").addEventListener("click", () => $("help").showModal());
    $("help-close").addEventListener("click", () => $("help").close());
    for (const id of ["filter-status", "filter-reason", "filter-order"]) $(id).addEventListener("change", () => loadQueue(false));
    $("load-more").addEventListener("click", () => loadQueue(true));
    $("approve").addEventListener("click", () => decide("approve"));
    $("reject").addEventListener("click", () => decide("reject", { reason: $("reject-reason").value }));
    $("edit").addEventListener("click", () => state.current && beginEdit(state.current.text));
    $("redact").addEventListener("mousedown", (event) => event.preventDefault());
    $("redact").addEventListener("click", redactSelection);
    $("claim").addEventListener("click", claim);
    $("release").addEventListener("click", release);
    $("item-close").addEventListener("click", closeItem);
    $("edit-cancel").addEventListener("click", () => { $("edit-form").hidden = true; });
    $("edit-form").addEventListener("submit", (event) => {
      event.preventDefault();
      decide("edit", { text: $("edit-text").value });
    });
    $("bulk-approve").addEventListener("click", () => bulk("approve"));
    $("bulk-reject").addEventListener("click", () => bulk("reject"));
    $("bulk-clear").addEventListener("click", () => { state.selected.clear(); renderQueue(); });
    document.addEventListener("keydown", onKey);
    if (token()) {
      labelOf(token()).then((hash) => { state.me = hash; showWorkspace(); });
    }
  });
})();
