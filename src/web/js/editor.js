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
  if (!box.open) box.showModal();
  box.querySelector("input, textarea, select")?.focus();
}

export function closeForm() {
  const box = dialog();
  if (box.open) box.close();
}

export function installDialog() {
  dialog().addEventListener("close", () => {
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
    for (const f of spec.fields) {
      const node = form.querySelector(`[data-field="${f.key}"]`);
      const error = [...node.children].reverse().find((child) => child.classList.contains("error"));
      (error ?? node.lastChild).before(h("p", { class: "theirs" }, `Andere versie: ${f.show(theirs[f.key], w)}`));
    }
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
      showConflict(spec, base, w, ctx, { values, current: current ?? base, currentVersion: error.extensions.currentVersion });
    } else if (alert) {
      alert.textContent = errorText(error);
    } else {
      announce(errorText(error));
    }
  }
}

function showConflict(spec, base, w, ctx, { values, current, currentVersion }) {
  // The ids the mutation needs come from the item opened; `current` may
  // show them differently.
  const item = { ...base, ...current, id: base.id };
  const theirs = spec.values(current);
  const view = h("div", { class: "conflict", id: "conflict" },
    h("p", { class: "notice", role: "alert" },
      `Iemand anders heeft ${spec.what} gewijzigd terwijl u bewerkte (nu versie ${currentVersion}). Er is nog niets van u opgeslagen. Kies wat blijft.`),
    scrollBox(h("table", { class: "compare" },
      h("caption", {}, "Hun versie naast de uwe"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Veld"), h("th", { scope: "col" }, `Hun versie (versie ${currentVersion})`), h("th", { scope: "col" }, "Uw versie"), h("th", { scope: "col" }, "Verschil"))),
      h("tbody", {}, spec.fields.map((f) => {
        const equal = same(theirs[f.key], values[f.key]);
        return h("tr", { class: equal ? "" : "differs" },
          h("th", { scope: "row" }, f.label), h("td", {}, f.show(theirs[f.key], w)), h("td", {}, f.show(values[f.key], w)),
          h("td", {}, equal ? "gelijk" : "verschilt"));
      }))), "Hun versie naast de uwe"),
    h("div", { class: "buttons" },
      h("button", { type: "button", class: "secondary", onclick: () => { closeForm(); announce("Hun versie is gehouden."); ctx.refresh(); } }, "Hun versie houden"),
      h("button", { type: "button", onclick: () => save(spec, item, w, ctx, { values, expectedVersion: currentVersion, baseValues: theirs }) }, "Mijn versie houden"),
      h("button", { type: "button", class: "secondary", onclick: () => showEditForm(spec, item, w, ctx, { values, expectedVersion: currentVersion, theirs }) }, "Samenvoegen")));
  openForm(`Conflict: ${spec.title(current) || spec.title(base)}`, view, { closed: () => ctx.setEditing?.(null) });
  view.querySelector("button")?.focus();
}
