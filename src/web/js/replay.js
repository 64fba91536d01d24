// The timeline: a slider over the werkplaats's versions. Each position
// shows the werkplaats exactly as it was then (read-only, from
// `werkplaats(asOfVersion)`), with what the step from the previous
// version changed marked in text as well as colour.

import { gql } from "./api.js";
import { h, fill, formatDateTime, announce } from "./dom.js";
import { ITEM_KIND, CHANGE, eventText } from "./labels.js";
import { WERKPLAATS_FIELDS, header, overview, plan, decisions, evaluation, itemIndex } from "./views.js";
import { openForm } from "./editor.js";
import { goalsView, risksView, journeysView, checklistView } from "./method.js";

const AS_OF = `query($id: ID!, $v: Int!, $from: Int!) {
  werkplaats(id: $id, asOfVersion: $v) { ${WERKPLAATS_FIELDS}
    changes(fromVersion: $from, toVersion: $v) {
      items { kind id change }
      events { version type recordedAt actor { name } }
    }
  }
}`;

const PROVENANCE = `query($id: ID!, $v: Int!) {
  werkplaats(id: $id, asOfVersion: $v) {
    decisionLog { id provenance { id kind atDecision changedSince } }
  }
}`;

const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

// Opens what a decision was based on, as it stood when it was taken.
export async function showProvenance(werkplaatsId, decision, version) {
  const data = await gql(PROVENANCE, { id: werkplaatsId, v: version });
  const found = data.werkplaats.decisionLog.find((d) => d.id === decision.id);
  const items = found?.provenance ?? [];
  openForm(`Herkomst: ${decision.title}`, h("div", { class: "provenance" },
    h("p", {}, `Waar dit besluit (versie ${decision.atVersion}) op gebaseerd is, zoals het toen was.`),
    items.length === 0 ? h("p", {}, "Dit besluit noemt geen basis.") : null,
    h("ul", { class: "cards" }, items.map((item) => h("li", { class: "card" },
      h("h3", {}, `${capitalised(ITEM_KIND[item.kind] ?? item.kind)}: ${item.atDecision.title ?? item.atDecision.name ?? item.atDecision.text ?? item.id}`),
      h("p", { class: item.changedSince ? "badge" : "badge ok" }, item.changedSince ? "Sindsdien gewijzigd" : "Sindsdien ongewijzigd"),
      item.atDecision.description ?? item.atDecision.goal ?? item.atDecision.decision
        ? h("p", {}, item.atDecision.description ?? item.atDecision.goal ?? item.atDecision.decision) : null,
      h("details", {}, h("summary", {}, "Alle gegevens van toen"), h("pre", {}, JSON.stringify(item.atDecision, null, 2))))))));
}

export function timeline(w, ctx) {
  let latest = w.version;
  let request = 0;
  const slider = h("input", {
    type: "range", id: "tijdlijn-schuif", min: 1, max: latest, value: latest, step: 1,
    "aria-describedby": "tijdlijn-stand",
  });
  const position = h("p", { id: "tijdlijn-stand", class: "position", "aria-live": "polite" });
  const content = h("div", { id: "tijdlijn-inhoud" });
  const previous = h("button", { type: "button", class: "secondary", onclick: () => go(Number(slider.value) - 1) }, "Vorige versie");
  const next = h("button", { type: "button", class: "secondary", onclick: () => go(Number(slider.value) + 1) }, "Volgende versie");

  function go(version) {
    slider.value = Math.max(1, Math.min(latest, version));
    show();
  }

  let timer;
  slider.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(show, 120);
  });

  async function show() {
    const version = Number(slider.value);
    const mine = ++request;
    slider.setAttribute("aria-valuetext", `versie ${version} van ${latest}`);
    previous.disabled = version <= 1;
    next.disabled = version >= latest;
    const data = await gql(AS_OF, { id: w.id, v: version, from: version - 1 });
    // A later drag wins over an answer that arrives late.
    if (mine !== request) return;
    const then = data.werkplaats;
    const step = then.changes;
    const event = step.events[step.events.length - 1];
    position.textContent = `Versie ${version} van ${latest}` + (event
      ? `: ${eventText(event.type)} door ${event.actor?.name ?? "de beheerder"}, ${formatDateTime(event.recordedAt)}`
      : "");
    const changed = new Map(step.items.map((item) => [item.id, item.change]));
    const names = itemIndex(then);
    // What the timeline names besides what decisions refer to: partners,
    // members and the step the werkplaats is in.
    for (const p of then.partners) names.set(p.id, `Partner: ${p.name}`);
    for (const m of then.members) {
      names.set(m.id, `Lid: ${m.name}${m.forgotten ? "" : m.active === false ? " (verwijderd)" : ""}`);
    }
    names.set("phase", `Stap: ${then.phase.number}. ${then.phase.title}`);
    const view = { ...ctx, readOnly: true, changed, onProvenance: (d) => showProvenance(w.id, d, version) };
    fill(content,
      h("section", { class: "panel", "aria-labelledby": "veranderd" },
        h("h2", { id: "veranderd" }, `Wat veranderde in versie ${version}`),
        step.items.length === 0 ? h("p", {}, "Geen items; deze stap veranderde de werkplaats zelf.") : null,
        h("ul", {}, step.items.map((item) => h("li", {},
          h("strong", { class: `badge change-${item.change.toLowerCase()}` }, CHANGE[item.change]), " ",
          `${ITEM_KIND[item.kind] ?? "item"}: ${names.get(item.id)?.replace(/^[^:]*: /, "") ?? "(niet meer te vinden)"}`)))),
      header(then, view, true), overview(then, view), goalsView(then, view), risksView(then, view),
      journeysView(then, view), checklistView(then, view), plan(then, view), decisions(then, view), evaluation(then, view));
    // The header's title belongs to the live page; here it is a sub-heading.
    content.querySelector("#paginatitel")?.replaceWith(h("h2", {}, `${then.name} zoals het was`));
  }

  show();
  const node = h("div", { class: "timeline" },
    h("section", { class: "panel", "aria-labelledby": "tijdlijn-kop" },
      h("h2", { id: "tijdlijn-kop" }, "Tijdlijn"),
      h("p", { class: "hint" }, "Schuif of gebruik de pijltjestoetsen om de werkplaats te zien zoals die was. Alles hier is alleen-lezen."),
      h("div", { class: "field" }, h("label", { for: "tijdlijn-schuif" }, "Versie"), slider),
      position,
      h("div", { class: "buttons" }, previous, next)),
    content);
  // Live changes only extend the slider; the version on screen stays put.
  node.update = (current) => {
    const atEnd = Number(slider.value) === latest;
    latest = current.version;
    slider.max = latest;
    if (atEnd) go(latest);
    else {
      next.disabled = false;
      announce(`Er is een nieuwe versie ${latest}.`);
    }
  };
  return node;
}
