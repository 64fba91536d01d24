// The audit page for evaluators: the trail a page at a time, the result of
// recomputing the hash chain, checkpoints, and the downloads (the JSON
// Lines export that `werkplaats verify` checks offline, and the report).

import { gql, download } from "./api.js";
import { h, formatDateTime, announce, scrollBox } from "./dom.js";
import { errorText, eventText } from "./labels.js";

const PAGE = 20;

const EVENTS = `query($id: ID!, $after: Int!, $first: Int!) {
  werkplaats(id: $id) { events(afterVersion: $after, first: $first) {
    events { version type recordedAt actor { name active forgotten } data hash prevHash } hasMore } } }`;

const VERIFY = `query($id: ID!) { werkplaats(id: $id) {
  verifyTrail { valid checkedEvents headHash firstInvalidVersion } } }`;

const CHECKPOINTS = `query($id: ID!) { werkplaats(id: $id) {
  checkpoints { version hash recordedAt recordedBy { name } } } }`;

const CHECKPOINT = `mutation($input: RecordCheckpointInput!) {
  recordCheckpoint(input: $input) { checkpoint { version hash } version } }`;

export function audit(w, ctx) {
  const pages = [0];
  const table = h("div", { id: "trail" });
  const range = h("p", { id: "trail-range", "aria-live": "polite" });
  const back = h("button", { type: "button", class: "secondary", onclick: () => { pages.pop(); load(); } }, `Vorige ${PAGE}`);
  const forward = h("button", { type: "button", class: "secondary", onclick: () => { pages.push(lastShown); load(); } }, `Volgende ${PAGE}`);
  let lastShown = 0;

  async function load() {
    const after = pages[pages.length - 1];
    const data = await gql(EVENTS, { id: w.id, after, first: PAGE });
    const { events, hasMore } = data.werkplaats.events;
    lastShown = events.length ? events[events.length - 1].version : after;
    back.disabled = pages.length <= 1;
    forward.disabled = !hasMore;
    range.textContent = events.length
      ? `Gebeurtenissen ${events[0].version} tot en met ${lastShown}${hasMore ? "; er zijn er meer" : ""}.`
      : "Geen gebeurtenissen.";
    table.replaceChildren(scrollBox(h("table", { class: "trail" },
      h("caption", {}, "Het audittrail, in volgorde van versie"),
      h("thead", {}, h("tr", {}, ["Versie", "Gebeurtenis", "Door", "Vastgelegd", "Hash", "Gegevens"]
        .map((title) => h("th", { scope: "col" }, title)))),
      h("tbody", {}, events.map((e) => h("tr", {},
        h("th", { scope: "row" }, e.version),
        h("td", {}, eventText(e.type), h("br"), h("code", {}, e.type)),
        h("td", {}, e.actor?.name ?? "beheerder",
          e.actor && !e.actor.forgotten && e.actor.active === false ? h("span", { class: "meta" }, " (verwijderd)") : null),
        h("td", {}, formatDateTime(e.recordedAt)),
        h("td", {}, h("code", { class: "hash", title: e.hash }, `${e.hash.slice(0, 12)}…`)),
        h("td", {}, h("details", {}, h("summary", {}, "Toon"), h("pre", {}, JSON.stringify(e.data, null, 2)))))))), "Het audittrail"));
  }

  // The checkpoints recorded so far, each with its version and hash.
  const checkpoints = h("div", { id: "checkpoints" });
  let listings = 0;
  async function loadCheckpoints() {
    const asked = ++listings;
    try {
      const list = (await gql(CHECKPOINTS, { id: w.id })).werkplaats.checkpoints;
      if (asked !== listings) return;
      checkpoints.replaceChildren(h("h3", {}, "Controlepunten"), list.length === 0
        ? h("p", {}, "Nog geen controlepunten.")
        : scrollBox(h("table", { class: "trail checkpoints" },
          h("caption", {}, "Vastgelegde controlepunten"),
          h("thead", {}, h("tr", {}, ["Versie", "Hash", "Door", "Vastgelegd"].map((title) => h("th", { scope: "col" }, title)))),
          h("tbody", {}, list.map((c) => h("tr", { "data-version": c.version },
            h("th", { scope: "row" }, c.version),
            h("td", {}, h("code", { class: "hash" }, c.hash)),
            h("td", {}, c.recordedBy?.name ?? "beheerder"),
            h("td", {}, formatDateTime(c.recordedAt)))))), "Vastgelegde controlepunten"));
    } catch (error) {
      checkpoints.replaceChildren(h("p", {}, errorText(error)));
    }
  }

  const result = h("div", { id: "verify-result", role: "status" });
  // Once checked, the result is checked again when new events arrive, so it
  // never speaks of a trail shorter than the one on screen.
  let verified = false;
  let checks = 0;
  const verify = h("button", {
    type: "button", id: "verify",
    onclick: async () => {
      verified = true;
      const asked = ++checks;
      result.textContent = "Bezig met controleren…";
      try {
        const v = (await gql(VERIFY, { id: w.id })).werkplaats.verifyTrail;
        // An earlier check that answers late must not replace a newer one.
        if (asked !== checks) return;
        result.replaceChildren(v.valid
          ? h("p", { class: "ok" }, h("strong", {}, "Geldig: "), `alle ${v.checkedEvents} gebeurtenissen kloppen. Laatste hash: `, h("code", { class: "hash" }, v.headHash))
          : h("p", { class: "bad" }, h("strong", {}, "Ongeldig: "), `de keten klopt niet vanaf versie ${v.firstInvalidVersion} (${v.checkedEvents} gebeurtenissen gelezen).`));
      } catch (error) {
        result.textContent = errorText(error);
      }
    },
  }, "Keten controleren");

  const failed = (error) => announce(`Downloaden mislukt: ${error.message}`);
  const node = h("div", { class: "audit" },
    h("section", { class: "panel", "aria-labelledby": "controle" },
      h("h2", { id: "controle" }, "Controle van de keten"),
      h("p", {}, "De server rekent de hashketen opnieuw uit vanuit de opslag en noemt de eerste versie die niet klopt."),
      verify, result,
      ctx.can.checkpoint ? h("button", {
        type: "button", class: "secondary", id: "checkpoint-vastleggen",
        onclick: async () => {
          try {
            const c = (await gql(CHECKPOINT, { input: { werkplaatsId: w.id } })).recordCheckpoint.checkpoint;
            announce(`Controlepunt vastgelegd bij versie ${c.version}, hash ${c.hash.slice(0, 12)}….`);
            await loadCheckpoints();
            ctx.refresh();
          } catch (error) {
            announce(errorText(error));
          }
        },
      }, "Controlepunt vastleggen") : null,
      checkpoints),
    h("section", { class: "panel", "aria-labelledby": "downloads" },
      h("h2", { id: "downloads" }, "Downloads"),
      h("p", {}, "De export (JSON Lines) kan iedereen zonder server controleren met ", h("code", {}, "werkplaats verify"), "."),
      h("div", { class: "buttons" },
        h("button", { type: "button", class: "secondary", onclick: () => download(`/werkplaatsen/${w.id}/export`, `werkplaats-${w.id}.jsonl`).catch(failed) }, "Export downloaden (JSON Lines)"),
        h("button", { type: "button", class: "secondary", onclick: () => download(`/werkplaatsen/${w.id}/report`, `rapport-${w.id}.html`).catch(failed) }, "Evaluatierapport downloaden (HTML)"))),
    h("section", { class: "panel", "aria-labelledby": "trail-kop" },
      h("h2", { id: "trail-kop" }, "Audittrail"),
      range, table, h("div", { class: "buttons" }, back, forward)));
  load();
  loadCheckpoints();
  // A live change may add a page; the page on screen stays as it is.
  node.update = () => {
    if (forward.disabled) load();
    loadCheckpoints();
    if (verified) verify.click();
  };
  return node;
}
