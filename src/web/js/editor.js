// The dialog for forms that act on one item, and revising an action with
// its conflict view: when someone else changed the action since this user
// opened it, the server answers CONFLICT with their version; the user sees
// it beside their own and keeps theirs, keeps their own, or merges, and the
// retry carries the new expected version.

import { gql } from "./api.js";
import { h, formatDate, announce } from "./dom.js";
import { errorText } from "./labels.js";
import { actionFields, validate } from "./forms.js";

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

const REVISE = `mutation($input: ReviseActionInput!) {
  reviseAction(input: $input) { action { id version } version } }`;

// The values of the fields a revision can change, from the form.
function mine(form) {
  return {
    title: form.elements.title.value.trim(),
    goal: form.elements.goal.value.trim(),
    ownerPartnerId: form.elements.owner.value,
    dueDate: form.elements.dueDate.value || null,
  };
}

// The same four fields of an action as the API shows it.
function fields(action) {
  return {
    title: action.title,
    goal: action.goal,
    ownerPartnerId: action.owner?.id,
    dueDate: action.dueDate ?? null,
  };
}

// Only what differs from `base`: reviseAction changes only given fields.
function difference(values, base) {
  const changed = {};
  for (const key of Object.keys(values)) {
    if (values[key] !== base[key]) changed[key] = values[key];
  }
  return changed;
}

export function editAction(action, w, ctx) {
  ctx.setEditing(action.id);
  showEditForm(action, w, ctx, { values: fields(action), expectedVersion: action.version });
}

function showEditForm(base, w, ctx, { values, expectedVersion, theirs }) {
  const alert = h("div", { class: "form-alert", role: "alert" });
  const form = h("form", { class: "form", novalidate: true, "aria-label": "Actie bewerken" },
    theirs ? h("p", { class: "notice" }, `Samenvoegen: begin met uw versie en neem over wat u van de andere versie wilt houden. Die staat onder elk veld.`) : null,
    actionFields(w, { id: base.id, title: values.title, goal: values.goal, owner: { id: values.ownerPartnerId }, dueDate: values.dueDate }),
    alert,
    h("button", { type: "submit" }, theirs ? "Samengevoegde versie opslaan" : "Opslaan"));
  if (theirs) {
    const hints = { title: theirs.title, goal: theirs.goal, owner: partnerName(w, theirs.ownerPartnerId), dueDate: theirs.dueDate ? formatDate(theirs.dueDate) : "geen datum" };
    for (const [name, text] of Object.entries(hints)) {
      const control = form.elements[name];
      control.closest(".field").querySelector(".error").before(h("p", { class: "theirs" }, `Andere versie: ${text}`));
    }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!validate(form)) return;
    await save(base, w, ctx, { values: mine(form), expectedVersion, alert, baseValues: theirs ?? fields(base) });
  });
  openForm(`Actie bewerken: ${base.title}`, form, { closed: () => ctx.setEditing(null) });
}

async function save(base, w, ctx, { values, expectedVersion, alert, baseValues }) {
  const changed = difference(values, baseValues);
  if (Object.keys(changed).length === 0) {
    if (alert) alert.textContent = "U hebt niets gewijzigd.";
    else closeForm();
    return;
  }
  try {
    const data = await gql(REVISE, { input: { werkplaatsId: w.id, actionId: base.id, expectedVersion, ...changed } });
    closeForm();
    announce(`Actie opgeslagen (versie ${data.reviseAction.action.version}).`);
    ctx.refresh();
  } catch (error) {
    if (error.code === "CONFLICT" && error.extensions.current) {
      showConflict(base, w, ctx, { values, current: error.extensions.current, currentVersion: error.extensions.currentVersion });
    } else if (alert) {
      alert.textContent = errorText(error);
    } else {
      announce(errorText(error));
    }
  }
}

function partnerName(w, id) {
  return w.partners.find((p) => p.id === id)?.name ?? "onbekend";
}

function showConflict(base, w, ctx, { values, current, currentVersion }) {
  const theirs = fields(current);
  const rows = [
    ["Titel", theirs.title, values.title],
    ["Doel", theirs.goal, values.goal],
    ["Eigenaar", partnerName(w, theirs.ownerPartnerId), partnerName(w, values.ownerPartnerId)],
    ["Klaar op", theirs.dueDate ? formatDate(theirs.dueDate) : "geen datum", values.dueDate ? formatDate(values.dueDate) : "geen datum"],
  ];
  const view = h("div", { class: "conflict", id: "conflict" },
    h("p", { class: "notice", role: "alert" },
      `Iemand anders heeft deze actie gewijzigd terwijl u bewerkte (nu versie ${currentVersion}). Er is nog niets van u opgeslagen. Kies wat blijft.`),
    h("table", { class: "compare" },
      h("caption", {}, "Hun versie naast de uwe"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Veld"), h("th", { scope: "col" }, `Hun versie (versie ${currentVersion})`), h("th", { scope: "col" }, "Uw versie"), h("th", { scope: "col" }, "Verschil"))),
      h("tbody", {}, rows.map(([label, their, my]) => h("tr", { class: their === my ? "" : "differs" },
        h("th", { scope: "row" }, label), h("td", {}, their), h("td", {}, my),
        h("td", {}, their === my ? "gelijk" : "verschilt"))))),
    h("div", { class: "buttons" },
      h("button", { type: "button", class: "secondary", onclick: () => { closeForm(); announce("Hun versie is gehouden."); ctx.refresh(); } }, "Hun versie houden"),
      h("button", { type: "button", onclick: () => save({ ...current }, w, ctx, { values, expectedVersion: currentVersion, baseValues: theirs }) }, "Mijn versie houden"),
      h("button", { type: "button", class: "secondary", onclick: () => showEditForm(current, w, ctx, { values, expectedVersion: currentVersion, theirs }) }, "Samenvoegen")));
  openForm(`Conflict: ${current.title}`, view, { closed: () => ctx.setEditing(null) });
  view.querySelector("button")?.focus();
}
