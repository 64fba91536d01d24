// Building the page from plain DOM nodes: no templates, no innerHTML, so
// text from the server can never become markup.

// h("p", { class: "x", onclick: f }, "text", child, [more, children])
export function h(tag, attrs = {}, ...children) {
  const svg = tag.startsWith("svg:");
  const node = svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "value" && !svg) node.value = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

// Replaces a node's children; like `h`, takes nested arrays of children.
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

// The contract counts characters after trimming.
export function length(text) {
  return [...text.trim()].length;
}

// A labelled control with its hint (limits) and the place for its error,
// all tied together with aria-describedby.
export function field(label, control, hint) {
  const id = control.id || uid("veld");
  control.id = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-fout`;
  control.setAttribute("aria-describedby", hint ? `${hintId} ${errorId}` : errorId);
  const required = control.required ? h("span", { class: "required" }, " (verplicht)") : null;
  return h("div", { class: "field" },
    h("label", { for: id }, label, required),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    control,
    h("p", { class: "error", id: errorId }));
}

export function textInput(name, { max = 200, required = true, value = "" } = {}) {
  return h("input", { type: "text", name, maxlength: max, required, value, autocomplete: "off" });
}

export function textArea(name, { max = 10000, required = true, value = "", rows = 3 } = {}) {
  return h("textarea", { name, maxlength: max, required, rows, value });
}

export function select(name, options, { required = true, value, empty } = {}) {
  return h("select", { name, required },
    empty !== undefined ? h("option", { value: "" }, empty) : null,
    options.map(([key, text]) => h("option", { value: key, selected: key === value }, text)));
}

// A group of checkboxes with a legend: for lists such as `basis` or `basedOn`.
export function checkboxes(legend, name, options, { hint, checked = [] } = {}) {
  const hintId = uid("hint");
  return h("fieldset", { class: "checks", "data-name": name, "aria-describedby": hint ? hintId : null },
    h("legend", {}, legend),
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    options.length === 0 ? h("p", { class: "hint" }, "Nog niets om uit te kiezen.") : null,
    options.map(([key, text]) => {
      const id = uid("keuze");
      return h("div", { class: "check" },
        h("input", { type: "checkbox", id, name, value: key, checked: checked.includes(key) }),
        h("label", { for: id }, text));
    }),
    h("p", { class: "error" }));
}

export function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
}

// A wide table scrolls inside its own box instead of widening the page;
// the box takes the keyboard, so it can be scrolled without a mouse.
export function scrollBox(table, label) {
  return h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": label ?? "Tabel" }, table);
}

export function announce(text) {
  const status = document.getElementById("status");
  status.textContent = "";
  // A fresh text node after clearing makes screen readers read it again.
  setTimeout(() => { status.textContent = text; }, 50);
}

export function formatDateTime(text) {
  return new Date(text).toLocaleString("nl-NL", { dateStyle: "medium", timeStyle: "short" });
}

export function formatDate(text) {
  return new Date(`${text}T00:00:00`).toLocaleDateString("nl-NL", { dateStyle: "medium" });
}

export function formatNumber(value) {
  return value.toLocaleString("nl-NL", { maximumFractionDigits: 2 });
}
