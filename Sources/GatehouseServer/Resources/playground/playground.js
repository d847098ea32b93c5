// The Gatehouse rule playground. Pasted text is treated as hostile input, as the review page
// treats held text: it only ever reaches the page through textContent and text nodes.
"use strict";

(function () {
  const tokenKey = "gatehouse.playground.token";
  const $ = (id) => document.getElementById(id);

  function token() { return sessionStorage.getItem(tokenKey); }

  async function check(text, enforceShadow) {
    const path = "/v1/check" + (enforceShadow ? "?shadow=enforce" : "");
    const response = await fetch(path, {
      method: "POST",
      cache: "no-store",
      headers: { "Authorization": "Bearer " + token(), "Content-Type": "application/json" },
      body: JSON.stringify({ text }),
    });
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) {
      const error = new Error(data && data.error && data.error.message ? data.error.message : "HTTP " + response.status);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function say(message, isError) {
    $("status").textContent = message;
    $("status").classList.toggle("error", Boolean(isError));
  }

  async function signIn(secret) {
    sessionStorage.setItem(tokenKey, secret);
    try {
      await check(".", false);
    } catch (error) {
      sessionStorage.removeItem(tokenKey);
      $("sign-in-error").textContent = error.status === 403
        ? "This token may not use the playground: use a rule author's or an admin token."
        : (error.status === 401 ? "The token is not known to this gateway." : error.message);
      $("token").value = "";
      $("token").focus();
      return;
    }
    $("sign-in").hidden = true;
    $("workspace").hidden = false;
    $("sign-out").hidden = false;
    $("input").focus();
  }

  function signOut(message) {
    sessionStorage.removeItem(tokenKey);
    $("workspace").hidden = true;
    $("result").hidden = true;
    $("sign-in").hidden = false;
    $("sign-out").hidden = true;
    $("sign-in-error").textContent = message || "";
    $("token").value = "";
  }

  function line(parts) {
    const item = document.createElement("li");
    parts.forEach((part, index) => {
      if (index > 0) item.append(document.createTextNode(" · "));
      const span = document.createElement("span");
      span.textContent = part.text;
      if (part.className) span.className = part.className;
      item.append(span);
    });
    return item;
  }

  function render(verdict) {
    $("result").hidden = false;
    $("decision").textContent = verdict.decision;
    $("decision").className = "decision decision-" + String(verdict.decision).replace(/[^a-z]/g, "");
    const findings = verdict.findings || [];
    // Offsets are in the text the rules read (bidi controls resolved), which the answer gives.
    const read = typeof verdict.resolvedText === "string" ? verdict.resolvedText : $("input").value;
    window.GatehouseMarks.render($("marked"), read, findings);
    $("published").textContent = verdict.text;
    $("findings").replaceChildren(...findings.map((finding) => {
      const parts = [
        { text: finding.rule, className: "rule" },
        { text: finding.category },
        { text: finding.action },
        { text: "characters " + finding.start + "–" + finding.end },
      ];
      if (finding.shadow) parts.push({ text: "shadow: changes nothing", className: "shadow-note" });
      if (finding.explanation) parts.push({ text: finding.explanation, className: "why" });
      return line(parts);
    }));
    $("no-findings").hidden = findings.length > 0;
    const notes = verdict.notTaken || [];
    $("not-taken").replaceChildren(...notes.map((note) => line([
      { text: note.rule, className: "rule" },
      { text: "characters " + note.start + "–" + note.end },
      { text: note.reason, className: "why" },
    ])));
    $("no-notes").hidden = notes.length > 0;
  }

  async function run() {
    const text = $("input").value;
    if (!text.trim()) { say("Paste or type a text first.", true); return; }
    try {
      render(await check(text, $("enforce-shadow").checked));
      say($("enforce-shadow").checked ? "Checked with shadow rules enforced." : "Checked.");
    } catch (error) {
      if (error.status === 401) { signOut("The token is not known to this gateway."); return; }
      say(error.message, true);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const secret = $("token").value.trim();
      if (secret) signIn(secret);
    });
    $("sign-out").addEventListener("click", () => signOut(""));
    $("check-form").addEventListener("submit", (event) => { event.preventDefault(); run(); });
    $("input").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    });
    $("enforce-shadow").addEventListener("change", () => { if ($("input").value.trim()) run(); });
    if (token()) signIn(token());
  });
})();
