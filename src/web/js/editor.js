// The dialog for forms that act on one item, and correcting an item with
// its conflict view: when someone else changed the item since this user
// opened it, the server answers CONFLICT with their version; the user sees
// it beside their own and keeps theirs, keeps their own, or merges, and the
// retry carries the new expected version. What an item's form holds is
// described by a spec (revise.js), so actions, problems, solutions,
// indicators, goals, risks and journey steps share one conflict view.

import { gql } from "./api.js";
import { h, announce, scrollBox } from "./dom.js";
import { errorText } from "./labels.js";
import { validate } from "./forms.js";

let onClose = null;
// Opening a dialog adds a history entry, so the browser's back button
// closes it instead of leaving it open over another view.
let pushed = false;
// Where focus returns when the dialog closes: what opened it first, also
// when one dialog's content replaces another's (edit, then conflict).
let opener = null;

function dialog() {
  return document.getElementById("editor");
}

export function openForm(title, content, { closed } = {}) {
  const box = dialog();
  if (!box.open) opener = document.activeElement;
  const back = opener;
  const close = h("button", { type: "button", class: "secondary close", onclick: () => closeForm() }, "Sluiten");
  box.replaceChildren(h("div", { class: "dialog-head" }, h("h2", { id: "editor-title" }, title), close), content);
  onClose = () => {
    closed?.();
    // Back to where the user was, or to the page title if that is gone.
    const target = back?.id ? document.getElementById(back.id) : null;
    (target ?? document.getElementById("paginatitel"))?.focus();
  };
  if (!box.open) {
    delete box.dataset.dirty;
    box.showModal();
    history.pushState({ dialog: true }, "");
    pushed = true;
  }
  box.querySelector("input, textarea, select")?.focus();
}

// Whether the open dialog holds text the user typed and did not save.
export function dialogDirty() {
  const box = dialog();
  return box.open && box.dataset.dirty === "true";
}

export function closeForm() {
  const box = dialog();
  if (box.open) box.close();
}

export function installDialog() {
  dialog().addEventListener("input", () => { dialog().dataset.dirty = "true"; });
  window.addEventListener("popstate", () => {
    if (!pushed) return;
    pushed = false;
    closeForm();
  });
  dialog().addEventListener("close", () => {
    delete dialog().dataset.dirty;
    if (pushed) {
      pushed = false;
      history.back();
    }
    const done = onClose;
    onClose = null;
    dialog().replaceChildren();
    done?.();
  });
}

// Values compare as the API would: lists regardless of order, and an empty
// text the same as none.
function normal(value) {
  if (Array.isArray(value)) return JSON.stringify([...value].sort());
  if (value === "" || value === undefined) return "null";
  return JSON.stringify(value);
}

export const same = (a, b) => normal(a) === normal(b);

// Only what differs from `base`: the revise mutations change only the
// fields they are given.
function difference(values, base) {
  const changed = {};
  for (const key of Object.keys(values)) {
    if (!same(values[key], base[key])) changed[key] = values[key];
  }
  return changed;
}

function read(spec, form) {
  return Object.fromEntries(spec.fields.map((f) => [f.key, f.read(form)]));
}

// A spec (see revise.js):
//   what       "deze actie": the item in a sentence
//   title      (item) => its name, for the dialog's heading
//   mutation   [input type, mutation field]
//   input      (item) => the ids the mutation needs besides expectedVersion
//   values     (item) => { key: value } for each field, from the item as
//              the werkplaats query (or a CONFLICT's `current`) shows it
//   locate     optional: (current) => the item inside a CONFLICT's `current`
//   fields     [{ key, label, build(value), read(form), show(value) }]
//   check      optional: (values, item) => a reason to refuse, or null
export function editItem(spec, item, w, ctx) {
  ctx.setEditing?.(item.id);
  showEditForm(spec, item, w, ctx, { values: spec.values(item), expectedVersion: item.version });
}

function showEditForm(spec, base, w, ctx, { values, expectedVersion, theirs }) {
  const alert = h("div", { class: "form-alert", role: "alert" });
  const controls = spec.fields.map((f) => {
    const node = f.build(values[f.key], w);
    node.dataset.field = f.key;
    return node;
  });
  const form = h("form", { class: "form", novalidate: true, "aria-label": spec.heading },
    theirs ? h("p", { class: "notice" }, "Samenvoegen: begin met uw versie en neem over wat u van de andere versie wilt houden. Die staat onder elk veld.") : null,
    controls,
    alert,
    h("button", { type: "submit" }, theirs ? "Samengevoegde versie opslaan" : "Opslaan"));
  if (theirs) {
    const annotate = (f, node) => {
      const error = [...node.children].reverse().find((child) => child.classList.contains("error"));
      const take = same(theirs[f.key], f.read(form)) ? null : h("button", {
        type: "button", class: "secondary take", "data-take": f.key,
        onclick: () => {
          const fresh = f.build(theirs[f.key], w);
          fresh.dataset.field = f.key;
          node.replaceWith(fresh);
          annotate(f, fresh);
          form.dataset.dirty = "true";
          dialog().dataset.dirty = "true";
          announce(`${f.label}: de andere versie overgenomen.`);
          fresh.querySelector("input, textarea, select")?.focus();
        },
      }, "Neem deze over", h("span", { class: "visually-hidden" }, ` (${f.label})`));
      (error ?? node.lastChild).before(h("p", { class: "theirs" }, `Andere versie: ${f.show(theirs[f.key], w)} `, take));
    };
    for (const f of spec.fields) annotate(f, form.querySelector(`[data-field="${f.key}"]`));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!validate(form)) return;
    const mine = read(spec, form);
    const refused = spec.check?.(mine, base);
    if (refused) {
      alert.textContent = refused;
      return;
    }
    await save(spec, base, w, ctx, { values: mine, expectedVersion, alert, baseValues: theirs ?? spec.values(base) });
  });
  openForm(`${spec.heading}: ${spec.title(base)}`, form, { closed: () => ctx.setEditing?.(null) });
}

async function save(spec, base, w, ctx, { values, expectedVersion, alert, baseValues }) {
  const changed = difference(values, baseValues);
  if (Object.keys(changed).length === 0) {
    if (alert) alert.textContent = "U hebt niets gewijzigd.";
    else closeForm();
    return;
  }
  const [type, field] = spec.mutation;
  try {
    const data = await gql(`mutation($input: ${type}!) { ${field}(input: $input) { version } }`,
      { input: { werkplaatsId: w.id, ...spec.input(base), expectedVersion, ...changed } });
    closeForm();
    announce(`${spec.saved} (versie ${data[field].version}).`);
    ctx.refresh();
  } catch (error) {
    if (error.code === "CONFLICT" && error.extensions.current) {
      const current = spec.locate ? spec.locate(error.extensions.current, base) : error.extensions.current;
      const currentVersion = error.extensions.currentVersion;
      const own = await changedByMe(w, ctx, currentVersion);
      showConflict(spec, base, w, ctx, { values, current: current ?? base, currentVersion, own });
    } else if (alert) {
      alert.textContent = errorText(error);
    } else {
      announce(errorText(error));
    }
  }
}

// Whether the change that made the item's current version was this
// member's own, from another tab: the event at that version says who.
async function changedByMe(w, ctx, version) {
  if (!ctx.me || !(version > 0)) return false;
  try {
    const data = await gql(`query($id: ID!, $after: Int!) { werkplaats(id: $id) {
      events(afterVersion: $after, first: 1) { events { version actor { id } } } } }`, { id: w.id, after: version - 1 });
    const event = data.werkplaats.events.events[0];
    return event?.version === version && event.actor?.id === ctx.me.id;
  } catch {
    return false;
  }
}

function showConflict(spec, base, w, ctx, { values, current, currentVersion, own = false }) {
  // The ids the mutation needs come from the item opened; `current` may
  // show them differently.
  const item = { ...base, ...current, id: base.id };
  const theirs = spec.values(current);
  const other = own ? "Versie uit uw andere tabblad" : "Hun versie";
  // "Neem deze over" takes their value for one field into the user's own
  // version, which "Mijn versie houden" then saves.
  const take = (key) => {
    showConflict(spec, base, w, ctx, { values: { ...values, [key]: theirs[key] }, current, currentVersion, own });
    announce("Overgenomen in uw versie.");
  };
  const view = h("div", { class: "conflict", id: "conflict", "data-own": own ? "true" : null },
    h("p", { class: "notice", role: "alert" }, own
      ? `U hebt ${spec.what} in een ander tabblad gewijzigd terwijl u hier bewerkte (nu versie ${currentVersion}). Er is hier nog niets opgeslagen. Kies wat blijft.`
      : `Iemand anders heeft ${spec.what} gewijzigd terwijl u bewerkte (nu versie ${currentVersion}). Er is nog niets van u opgeslagen. Kies wat blijft.`),
    scrollBox(h("table", { class: "compare" },
      h("caption", {}, `${other} naast de uwe`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Veld"), h("th", { scope: "col" }, `${other} (versie ${currentVersion})`), h("th", { scope: "col" }, "Uw versie"), h("th", { scope: "col" }, "Verschil"))),
      h("tbody", {}, spec.fields.map((f) => {
        const equal = same(theirs[f.key], values[f.key]);
        return h("tr", { class: equal ? "" : "differs", "data-field": f.key },
          h("th", { scope: "row" }, f.label), h("td", {}, f.show(theirs[f.key], w)), h("td", {}, f.show(values[f.key], w)),
          h("td", {}, equal ? "gelijk" : "verschilt", equal ? null : h("button", {
            type: "button", class: "secondary take", "data-take": f.key, onclick: () => take(f.key),
          }, "Neem deze over", h("span", { class: "visually-hidden" }, ` (${f.label})`))));
      }))), `${other} naast de uwe`),
    h("div", { class: "buttons" },
      h("button", { type: "button", class: "secondary", onclick: () => { closeForm(); announce(own ? "De versie uit uw andere tabblad is gehouden." : "Hun versie is gehouden."); ctx.refresh(); } }, own ? "Die versie houden" : "Hun versie houden"),
      h("button", { type: "button", onclick: () => save(spec, item, w, ctx, { values, expectedVersion: currentVersion, baseValues: theirs }) }, "Mijn versie houden"),
      h("button", { type: "button", class: "secondary", onclick: () => showEditForm(spec, item, w, ctx, { values, expectedVersion: currentVersion, theirs }) }, "Samenvoegen")));
  openForm(`Conflict: ${spec.title(current) || spec.title(base)}`, view, { closed: () => ctx.setEditing?.(null) });
  view.querySelector(".buttons button")?.focus();
}
