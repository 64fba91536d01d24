// The client's shell: sign-in, the list of werkplaatsen, the navigation
// between views, and keeping the open werkplaats live (its events and who
// is present) over one websocket.

import {
  gql, sendOnLeave, storedToken, storeToken, forgetToken, takeTokenFromUrl, Live, onAccessEnded, onTokenChangedElsewhere,
} from "./api.js";
import { h, field, fill, announce, textInput, textArea, select, uid } from "./dom.js";
import { METHODOLOGY, METHODOLOGY_ABOUT, ROLE, errorText, eventText, pairs } from "./labels.js";
import {
  WERKPLAATS_FIELDS, VIEWS, abilities, header, overview, plan, decisions, evaluation, itemIndex,
} from "./views.js";
import { mutationForm } from "./forms.js";
import { rotateOwnToken, showLink } from "./members.js";
import { installDialog, openForm, closeForm, dialogDirty } from "./editor.js";
import { revise } from "./revise.js";
import { goalsView, risksView, journeysView, checklistView, pdcaView } from "./method.js";
import { today } from "./method-forms.js";
import { timeline, showProvenance } from "./replay.js";
import { audit } from "./audit.js";
import { library } from "./library.js";

const main = document.getElementById("inhoud");
const nav = document.getElementById("nav");

const state = {
  me: null,
  werkplaats: null,
  view: null,
  // The part of a view's path after its key: the action of a PDCA form.
  item: null,
  templates: [],
  presence: [],
  live: null,
  liveState: "",
  // Forms the user has typed in survive a re-render (see `keep`).
  forms: new Map(),
  // The timeline, audit and library pages keep their own state across live
  // updates.
  mounted: null,
};

// The decisions due for review are those of the browser's today.
const LOAD = `query($id: ID!, $today: Date!) {
  werkplaats(id: $id) { ${WERKPLAATS_FIELDS} sharesLessons reviewsDue(on: $today) { id } }
  indicatorTemplates { key name unit direction kind about } }`;

async function load(id) {
  const data = await gql(LOAD, { id, today: today() });
  if (data.werkplaats) state.templates = data.indicatorTemplates;
  return data.werkplaats;
}

function route() {
  const match = /^#\/w\/([^/]+)(?:\/([a-z]+)(?:\/([^/]+))?)?/.exec(location.hash);
  return match ? { id: match[1], view: match[2] ?? "overzicht", item: match[3] ?? null } : null;
}

// A fault in the client is said out loud rather than leaving a page that
// silently stopped working.
function reportFault(fault) {
  const box = document.getElementById("fout") ?? h("div", { id: "fout", class: "form-alert", role: "alert" });
  box.textContent = `Er ging iets mis in deze pagina: ${fault?.message ?? fault}. Laad de pagina opnieuw.`;
  document.body.prepend(box);
}

// What a member reads when the server no longer takes their token: who
// can let them in again.
export const ACCESS_ENDED = "U hebt geen toegang meer met deze link of dit token. Dat gebeurt als u uit de werkplaats "
  + "bent verwijderd of vergeten, of als er een nieuwe uitnodigingslink voor u is gemaakt: dan werkt de oude niet meer. "
  + "Vraag de procesbegeleider van uw werkplaats om een nieuwe uitnodigingslink.";

// The token stopped working while the page was open (or on loading it):
// say so once, stop the live connection for good and ask for a new link.
let ended = false;
// A token just typed on the sign-in page that never worked is most likely
// mistyped: that page says so instead.
let typed = false;
function accessEnded() {
  if (ended) return;
  ended = true;
  stopLive();
  closeForm();
  forgetToken();
  state.me = null;
  state.werkplaats = null;
  state.liveState = "geweigerd";
  signIn(typed
    ? "Dit token werkt niet: controleer of u het helemaal hebt geplakt. Werkt het ook dan niet, vraag de procesbegeleider van uw werkplaats om een nieuwe uitnodigingslink."
    : ACCESS_ENDED);
  typed = false;
}

function boot() {
  window.addEventListener("error", (event) => reportFault(event.error ?? event.message));
  window.addEventListener("unhandledrejection", (event) => reportFault(event.reason));
  onAccessEnded(accessEnded);
  // Signed out in another tab that shares this device's token.
  onTokenChangedElsewhere((token) => {
    if (token === null) {
      stopLive();
      closeForm();
      state.me = null;
      state.werkplaats = null;
      signIn("U bent in een ander tabblad afgemeld.");
    } else {
      enter();
    }
  });
  installDialog();
  // Leaving with unsaved text in a dialog: the browser asks first.
  window.addEventListener("beforeunload", (event) => {
    if (!dialogDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });
  // Reloading, closing or navigating away while editing: the others stop
  // seeing this member at the item now, not when the server notices the
  // connection is gone.
  window.addEventListener("pagehide", leave);
  // Back from the browser's page cache: live again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && state.werkplaats) startLive(state.werkplaats.id);
  });
  document.getElementById("menu-knop").addEventListener("click", () => setMenu(!document.body.classList.contains("menu-open")));
  window.addEventListener("hashchange", () => setMenu(false));
  // An invitation link opened in a tab that already shows the client
  // changes only the fragment.
  window.addEventListener("hashchange", () => (takeTokenFromUrl() ? enter() : show({ focus: true })));
  takeTokenFromUrl();
  // On the first load the keyboard starts at the top (the skip link).
  enter({ focus: false });
}

async function enter({ focus = true } = {}) {
  stopLive();
  state.werkplaats = null;
  if (!storedToken()) return signIn();
  ended = false;
  try {
    state.me = (await gql("{ me { id name role partner { id name } } }")).me;
    typed = false;
  } catch (error) {
    if (ended) return;
    forgetToken();
    return signIn(errorText(error));
  }
  renderAccount();
  show({ focus });
}

// On a small screen the account and the navigation fold away behind the
// menu button (see app.css); choosing a view folds them away again.
function setMenu(open) {
  document.body.classList.toggle("menu-open", open);
  document.getElementById("menu-knop").setAttribute("aria-expanded", String(open));
}

function signIn(message) {
  document.body.classList.remove("signed-in");
  setMenu(false);
  nav.replaceChildren();
  document.getElementById("account").replaceChildren();
  document.title = "Aanmelden — Werkplaats";
  const alert = h("div", { class: "form-alert", role: "alert", id: "aanmeld-melding" }, message ?? "");
  const token = h("input", { type: "password", name: "token", required: true, autocomplete: "off", spellcheck: "false" });
  const rememberId = uid("onthoud");
  const remember = h("input", { type: "checkbox", name: "remember", id: rememberId, "aria-describedby": `${rememberId}-hint` });
  const form = h("form", { class: "form signin", novalidate: true, "aria-label": "Aanmelden" },
    field("Uw token", token, "Plak het token uit uw uitnodiging. Hebt u een uitnodigingslink? Open die; dan bent u meteen aangemeld."),
    h("div", { class: "check" }, remember, h("label", { for: rememberId }, "Onthoud mij op dit apparaat")),
    h("p", { class: "hint", id: `${rememberId}-hint` },
      "Dan blijft u aangemeld in elk tabblad van deze browser, ook na het sluiten. Alleen op een apparaat dat niemand anders gebruikt. Afmelden wist het weer."),
    alert,
    h("button", { type: "submit" }, "Aanmelden"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!token.value.trim()) {
      alert.textContent = "Vul uw token in.";
      token.focus();
      return;
    }
    storeToken(token.value, { remember: remember.checked });
    typed = true;
    enter();
  });
  main.replaceChildren(h("h1", { id: "paginatitel", tabindex: "-1" }, message === ACCESS_ENDED ? "Geen toegang meer" : "Aanmelden"), form);
  if (message === ACCESS_ENDED) {
    document.title = "Geen toegang meer — Werkplaats";
    main.prepend(h("div", { class: "notice", id: "toegang-beeindigd", role: "alert" },
      h("p", {}, h("strong", {}, "U bent afgemeld. "), message)));
    alert.textContent = "";
    document.getElementById("paginatitel").focus();
  } else {
    token.focus();
  }
}

function renderAccount() {
  const who = state.me
    ? `${state.me.name} (${ROLE[state.me.role]}${state.me.partner ? `, ${state.me.partner.name}` : ""})`
    : "beheerder";
  document.body.classList.add("signed-in");
  fill(document.getElementById("account"),
    h("span", {}, "Aangemeld als ", h("strong", {}, who)),
    state.me ? h("button", { type: "button", class: "secondary", id: "eigen-token", onclick: rotate }, "Nieuwe link voor mij") : null,
    h("button", { type: "button", class: "secondary", onclick: signOut }, "Afmelden"));
}

// A member replaces their own token: the live connection is closed first,
// as the server closes it for the old token, and opened again with the new.
function rotate() {
  rotateOwnToken({
    before: () => stopLive(),
    after: () => { if (state.werkplaats) startLive(state.werkplaats.id); },
  });
}

function signOut() {
  stopLive();
  forgetToken();
  state.me = null;
  state.werkplaats = null;
  history.replaceState(null, "", "/");
  announce("U bent afgemeld.");
  signIn();
}

async function show({ focus = false } = {}) {
  if (!storedToken()) return signIn();
  const target = route();
  if (!target) return home();
  if (state.werkplaats?.id !== target.id) {
    stopLive();
    state.forms.clear();
    try {
      state.werkplaats = await load(target.id);
    } catch (error) {
      state.werkplaats = null;
      if (ended) return;
      main.replaceChildren(h("h1", { id: "paginatitel", tabindex: "-1" }, "Niet beschikbaar"), h("p", {}, errorText(error)));
      return;
    }
    if (!state.werkplaats) {
      main.replaceChildren(h("h1", { id: "paginatitel", tabindex: "-1" }, "Werkplaats niet gevonden"));
      return;
    }
    startLive(target.id);
  }
  state.view = VIEWS.some(([key]) => key === target.view) ? target.view : "overzicht";
  state.item = target.item;
  state.mounted = null;
  render();
  if (focus) document.getElementById("paginatitel")?.focus();
}

async function home() {
  stopLive();
  state.werkplaats = null;
  nav.replaceChildren();
  document.title = "Werkplaatsen";
  const list = (await gql("{ werkplaatsen { id name municipality methodology version } }")).werkplaatsen;
  if (list.length === 1 && state.me) {
    location.replace(`#/w/${list[0].id}/overzicht`);
    return;
  }
  fill(main,
    h("h1", { id: "paginatitel", tabindex: "-1" }, "Werkplaatsen"),
    list.length === 0 ? h("p", {}, "Er zijn nog geen werkplaatsen.") : null,
    h("ul", { class: "cards" }, list.map((w) => h("li", { class: "card" },
      h("h2", {}, h("a", { href: `#/w/${w.id}/overzicht` }, w.name)),
      h("p", { class: "meta" }, `${w.municipality} · ${METHODOLOGY[w.methodology]} · versie ${w.version}`)))),
    state.me ? null : createWerkplaats());
}

// The admin opens a werkplaats; the facilitator's token is shown once, as
// an invitation link.
function createWerkplaats() {
  return mutationForm({
    key: "werkplaats", ctx: context(), title: "Nieuwe werkplaats", submit: "Werkplaats openen",
    mutation: `mutation($input: CreateWerkplaatsInput!) { createWerkplaats(input: $input) {
      werkplaats { id name } facilitator { name } facilitatorToken } }`,
    children: [
      field("Naam", textInput("name"), "1 tot 200 tekens."),
      field("Gemeente", textInput("municipality"), "1 tot 200 tekens."),
      field("Vraag", textArea("question"), "1 tot 10.000 tekens."),
      methodologyField(),
      field("Naam van de procesbegeleider", textInput("facilitatorName"), "1 tot 200 tekens."),
    ],
    variables: (form) => Object.fromEntries(
      ["name", "municipality", "question", "methodology", "facilitatorName"].map((k) => [k, form.elements[k].value.trim()])),
    done: (data) => {
      const { werkplaats, facilitator, facilitatorToken } = data.createWerkplaats;
      showLink(`Werkplaats ${werkplaats.name} geopend`,
        `Stuur deze link aan ${facilitator.name}, de procesbegeleider. Hij wordt niet nog eens getoond.`, facilitatorToken);
      home();
    },
  });
}

// The methodology chosen, with a short explanation of what it asks of the
// werkplaats, which changes with the choice.
function methodologyField() {
  const choice = select("methodology", pairs(METHODOLOGY));
  const node = field("Methode", choice, METHODOLOGY_ABOUT[choice.value]);
  const about = node.querySelector(".hint");
  about.classList.add("methode-uitleg");
  about.setAttribute("aria-live", "polite");
  choice.addEventListener("change", () => { about.textContent = METHODOLOGY_ABOUT[choice.value] ?? ""; });
  return node;
}

function context() {
  return {
    me: state.me,
    can: abilities(state.me),
    presence: state.presence,
    refresh,
    keep,
    onEdit: (action) => revise("action", action, state.werkplaats, context()),
    edit: (kind, item) => revise(kind, item, state.werkplaats, context()),
    templates: state.templates,
    setEditing,
    closeForm: () => document.getElementById("editor").close(),
    onProvenance: (d) => showProvenance(state.werkplaats.id, d, state.werkplaats.version),
  };
}

// A form the user has typed in, opened or is in, is moved into the new page
// instead of being rebuilt, so a partner's change never wipes what someone
// is typing or moves their focus.
function keep(key, build) {
  const old = state.forms.get(key);
  if (old && (old.dataset.dirty || old.open || old.contains(document.activeElement))) return old;
  const form = build();
  state.forms.set(key, form);
  return form;
}

function render() {
  const w = state.werkplaats;
  document.title = `${VIEWS.find(([key]) => key === state.view)[1]} — ${w.name}`;
  nav.replaceChildren(h("ul", {}, VIEWS.map(([key, title]) => h("li", {},
    h("a", { href: `#/w/${w.id}/${key}`, "aria-current": key === state.view ? "page" : null }, title)))));
  renderPresence();
  if (state.mounted) {
    state.mounted.update(w);
    main.querySelector(".werkplaats-head")?.replaceWith(header(w, context(), false));
    return;
  }
  // Keep the keyboard focus where it was across the re-render.
  const focused = main.contains(document.activeElement) ? document.activeElement.id : null;
  const ctx = context();
  const views = {
    overzicht: overview, doelen: goalsView, risicos: risksView, klantreis: journeysView, checklist: checklistView,
    plan, pdca: (w, c) => pdcaView(w, c, state.item), besluiten: decisions, evaluatie: evaluation,
  };
  let body;
  const mounted = { tijdlijn: timeline, audit, watwerkt: library };
  if (mounted[state.view]) {
    body = mounted[state.view](w, ctx);
    state.mounted = body;
  } else {
    body = views[state.view](w, ctx);
  }
  fill(main, header(w, ctx, state.view === "overzicht"), body);
  if (focused) document.getElementById(focused)?.focus();
}

let refreshing = null;
let again = false;

// Reloads the open werkplaats; calls during a reload coalesce into one more.
async function refresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      const id = state.werkplaats?.id;
      if (!id) return;
      const werkplaats = await load(id).catch(() => null);
      if (werkplaats && state.werkplaats?.id === id) {
        state.werkplaats = werkplaats;
        render();
      }
    } while (again);
  })();
  try {
    await refreshing;
  } finally {
    refreshing = null;
  }
}

function startLive(id) {
  const live = new Live({
    onState: (text) => {
      state.liveState = text;
      renderPresence();
    },
  });
  state.live = live;
  const variables = { id, after: state.werkplaats.version };
  live.subscribe(
    "subscription($id: ID!, $after: Int!) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version type actor { id name } } }",
    variables,
    ({ werkplaatsEvents: e }) => {
      variables.after = e.version;
      if (e.actor?.id !== state.me?.id) announce(`${e.actor?.name ?? "De beheerder"}: ${eventText(e.type)}.`);
      refresh();
    },
    // After a reconnect, what was missed is in the werkplaats itself.
    { onStart: () => { if (variables.after < (state.werkplaats?.version ?? 0)) variables.after = state.werkplaats.version; } },
  );
  live.subscribe(
    "subscription($id: ID!) { presence(werkplaatsId: $id) { member { id name role partner { name } } editing since } }",
    { id },
    ({ presence }) => {
      state.presence = presence;
      state.presenceKnown = true;
      renderPresence();
      if (state.view === "plan" && !state.mounted) render();
    },
    // Refused (the server decides who may see who is present): say
    // nothing rather than "wordt opgehaald" for ever.
    { onError: () => { state.presenceKnown = true; renderPresence(); } },
  );
}

function stopLive() {
  state.live?.close();
  state.live = null;
  state.presence = [];
  state.presenceKnown = false;
  renderPresence();
}

function leave() {
  const w = state.werkplaats;
  if (w && state.editing) {
    sendOnLeave(`mutation($input: SetPresenceInput!) { setPresence(input: $input) { presence { editing } } }`,
      { input: { werkplaatsId: w.id, editing: null } });
    state.editing = null;
  }
  // Closing the websocket ends the subscriptions, and with the last one
  // the member's presence.
  state.live?.close();
}

async function setEditing(itemId) {
  if (!state.werkplaats) return;
  state.editing = itemId;
  await gql(`mutation($input: SetPresenceInput!) { setPresence(input: $input) { presence { editing } } }`,
    { input: { werkplaatsId: state.werkplaats.id, editing: itemId } }).catch(() => null);
}

function renderPresence() {
  const box = document.getElementById("presence");
  const w = state.werkplaats;
  if (!w) {
    box.replaceChildren();
    delete box.dataset.says;
    return;
  }
  const names = itemIndex(w);
  // The box is a live region: rewrite it only when what it says changes.
  const says = JSON.stringify([state.liveState, state.presenceKnown, state.presence.map((p) => [p.member.id, names.get(p.editing)])]);
  if (box.dataset.says === says) return;
  box.dataset.says = says;
  fill(box,
    h("h2", { class: "visually-hidden" }, "Wie is er"),
    h("span", { class: "live-state" }, state.liveState === "verbroken" ? "Verbinding verbroken, opnieuw verbinden… " : ""),
    h("span", {}, "Nu hier: "),
    state.presence.length === 0 ? h("span", {}, state.presenceKnown ? "niemand anders" : "wordt opgehaald…") : null,
    h("ul", { class: "inline", id: "aanwezig" }, state.presence.map((p) => h("li", { "data-member": p.member.id },
      h("strong", {}, p.member.name),
      ` (${ROLE[p.member.role]}${p.member.partner ? `, ${p.member.partner.name}` : ""})`,
      p.editing ? ` bewerkt ${names.get(p.editing) ?? "een item"}` : ""))));
}

boot();
