// Shared by Gatehouse's pages. Text from the public is hostile input: it only ever reaches a
// page through textContent and text nodes, never parsed as HTML. Offsets from the API are
// Unicode scalar offsets; JavaScript strings are UTF-16, so text is split with Array.from
// (code points) before any span is cut.
"use strict";

window.GatehouseMarks = Object.freeze({
  // Fills `container` with `text`, each stretch that findings cover in a <mark> naming them
  // (data-findings holds their indexes; the class, their plugins).
  render(container, text, findings) {
    const points = Array.from(text);
    const cuts = new Set([0, points.length]);
    findings.forEach((finding) => {
      cuts.add(Math.max(0, Math.min(points.length, finding.start)));
      cuts.add(Math.max(0, Math.min(points.length, finding.end)));
    });
    const bounds = Array.from(cuts).sort((a, b) => a - b);
    container.replaceChildren();
    for (let index = 0; index + 1 < bounds.length; index += 1) {
      const start = bounds[index];
      const end = bounds[index + 1];
      const piece = points.slice(start, end).join("");
      const covering = [];
      findings.forEach((finding, number) => {
        if (finding.start <= start && end <= finding.end) covering.push(number);
      });
      if (covering.length === 0) {
        container.append(document.createTextNode(piece));
        continue;
      }
      const mark = document.createElement("mark");
      mark.textContent = piece;
      mark.dataset.findings = covering.join(" ");
      mark.className = covering.map((n) => "category-" + String(findings[n].plugin).replace(/[^a-z0-9-]/gi, "")
        + (findings[n].shadow ? " shadow" : "")).join(" ");
      mark.title = covering.map((n) => findings[n].rule + " (" + findings[n].category + ")" + (findings[n].shadow ? ", shadow" : "")).join("; ");
      container.append(mark);
    }
  },
});
