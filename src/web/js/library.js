// Wat werkt: the library of lessons from every werkplaats that shares
// them (library.graphql). Any member searches it (Dutch words, so
// "huisbezoeken" finds "huisbezoek") and filters it by outcome,
// empowerment capital and method, a page at a time; the facilitator
// decides here whether the werkplaats's own lessons are in it.

import { gql } from "./api.js";
import { h, fill, field, select, announce, formatDateTime, formatNumber } from "./dom.js";
import {
  BASIS, CAPITAL, DIRECTION, INDICATOR_KIND, LESSON_OUTCOME, METHODOLOGY, RECOGNITION, errorText, pairs,
} from "./labels.js";

const PAGE = 10;

const LESSONS = `query($search: String, $outcome: ActOutcome, $capital: EmpowermentCapital,
    $methodology: Methodology, $first: Int, $after: String) {
  watWerkt(search: $search, outcome: $outcome, capital: $capital, methodology: $methodology,
      first: $first, after: $after) {
    lessons { id title goal owner outcome rationale cycles findings concludedAt
      source { werkplaatsId werkplaatsName municipality methodology question }
      solution { title description basis capitals recognition }
      indicators { name unit kind direction baseline norm latest normMet } }
    hasMore cursor } }`;

const SHARE = `mutation($input: ShareLessonsInput!) {
  shareLessons(input: $input) { sharesLessons version } }`;

// What another werkplaats sees of this one, and what it never sees: the
// contract's lesson, in words.
const SHARED = [
  "per afgeronde actie: de titel, het doel, de uitkomst en de onderbouwing daarvan",
  "de bevindingen en het aantal PDCA-cycli",
  "de naam van de organisatie die de actie uitvoert",
  "de oplossing die de actie uitprobeerde en de indicatoren met hun nulmeting, laatste meting en norm",
  "van de werkplaats: de naam, de gemeente, de methode en de vraag",
];
const NOT_SHARED = [
  "namen van leden: geen enkele naam van een persoon",
  "acties die nog nooit zijn afgerond",
  "problemen, reflecties en besluiten",
];

export function library(w, ctx) {
  const results = lessons(w);
  const share = sharePanel(w, ctx, results.reload);
  // The facilitator decides on sharing here, so the switch comes first;
  // for everyone else the library does, and what is shared follows.
  const facilitator = !ctx.readOnly && ctx.can.facilitate;
  const node = h("div", { class: "library" },
    facilitator ? [share.node, results.node] : [results.node, share.node]);
  node.update = (next) => {
    if (share.update(next)) results.reload();
  };
  return node;
}

// The facilitator's switch, and for everyone the state and what it means.
function sharePanel(w, ctx, onChange) {
  // The state as last known, with the version it is from: a reload that
  // started before the switch answered does not flip it back.
  let known = { shares: Boolean(w.sharesLessons), version: w.version };
  const state = h("p", { id: "deel-stand", class: "share-state" });
  const alert = h("div", { class: "form-alert", role: "alert" });
  const facilitator = !ctx.readOnly && ctx.can.facilitate;
  const toggle = facilitator ? h("input", {
    type: "checkbox", role: "switch", id: "deel-lessen", name: "share", "aria-describedby": "deel-stand deel-uitleg",
    onchange: () => send(toggle.checked),
  }) : null;

  function show() {
    const name = w.name;
    state.textContent = known.shares
      ? `Aan: de lessen van ${name} staan in Wat werkt, voor leden van alle werkplaatsen.`
      : `Uit: de lessen van ${name} staan niet in Wat werkt.`;
    state.classList.toggle("on", known.shares);
    if (toggle) toggle.checked = known.shares;
  }

  // The switch stays enabled while its answer is awaited (disabling it
  // would drop the keyboard's focus); a second flip waits for the first.
  let busy = false;
  async function send(shares) {
    if (busy) {
      toggle.checked = !shares;
      return;
    }
    busy = true;
    toggle.setAttribute("aria-busy", "true");
    alert.textContent = "";
    try {
      const answer = (await gql(SHARE, { input: { werkplaatsId: w.id, share: shares } })).shareLessons;
      known = { shares: answer.sharesLessons, version: answer.version };
      show();
      announce(known.shares
        ? "De lessen van deze werkplaats worden nu gedeeld in Wat werkt."
        : "De lessen van deze werkplaats worden niet meer gedeeld; ze staan niet meer in Wat werkt.");
      onChange();
      ctx.refresh();
    } catch (error) {
      alert.textContent = `Het delen is niet gewijzigd. ${errorText(error)}`;
      show();
    } finally {
      busy = false;
      toggle.removeAttribute("aria-busy");
    }
  }
  show();
  const node = h("section", { class: "panel share", "aria-labelledby": "delen-kop" },
    h("h2", { id: "delen-kop" }, "Lessen delen met andere werkplaatsen"),
    h("div", { id: "deel-uitleg", class: "share-explained" },
      h("div", {},
        h("h3", { id: "wel-gedeeld" }, "Wat gedeeld wordt"),
        h("ul", { "aria-labelledby": "wel-gedeeld" }, SHARED.map((text) => h("li", {}, text)))),
      h("div", {},
        h("h3", { id: "niet-gedeeld" }, "Wat niet gedeeld wordt"),
        h("ul", { "aria-labelledby": "niet-gedeeld" }, NOT_SHARED.map((text) => h("li", {}, text))))),
    h("p", { class: "hint" }, "Wie stopt met delen, haalt de lessen meteen uit Wat werkt. ",
      facilitator ? "Alleen u als procesbegeleider zet dit aan of uit." : "De procesbegeleider zet dit aan of uit."),
    toggle ? h("div", { class: "switch" },
      toggle,
      h("label", { for: "deel-lessen" }, "Lessen van deze werkplaats delen in Wat werkt")) : null,
    state,
    alert);
  return {
    node,
    // Whether the state changed, so the list may have too.
    update(next) {
      w = next;
      if (next.version < known.version || Boolean(next.sharesLessons) === known.shares) return false;
      known = { shares: Boolean(next.sharesLessons), version: next.version };
      show();
      return true;
    },
  };
}

// The search, the filters and the lessons found, a page at a time.
function lessons(w) {
  const search = h("input", {
    type: "search", name: "search", id: "zoek-lessen", maxlength: 200, autocomplete: "off", spellcheck: "true",
  });
  const outcome = select("outcome", pairs(LESSON_OUTCOME).map(([k, v]) => [k, capital(v)]),
    { required: false, empty: "Alle uitkomsten" });
  outcome.id = "filter-uitkomst";
  const capitalSelect = select("capital", pairs(CAPITAL).map(([k, v]) => [k, capital(v)]),
    { required: false, empty: "Alle kapitalen" });
  capitalSelect.id = "filter-kapitaal";
  const methodology = select("methodology", pairs(METHODOLOGY), { required: false, empty: "Alle methoden" });
  methodology.id = "filter-methode";
  const form = h("form", { class: "form search", role: "search", "aria-label": "Lessen zoeken", novalidate: true },
    field("Zoeken", search, "Zoekt in titel, doel, bevindingen, onderbouwing en oplossing. Woordvormen tellen mee: „huisbezoeken” vindt ook „huisbezoek”."),
    h("div", { class: "filters" },
      field("Uitkomst", outcome),
      field("Empowerment-kapitaal", capitalSelect),
      field("Methode", methodology)),
    h("div", { class: "buttons" },
      h("button", { type: "submit" }, "Zoeken"),
      h("button", { type: "button", class: "secondary", id: "zoek-wissen", onclick: clear }, "Alles tonen")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  for (const filter of [outcome, capitalSelect, methodology]) filter.addEventListener("change", () => load());

  const status = h("p", { id: "lessen-stand", class: "position", "aria-live": "polite" });
  const alert = h("div", { class: "form-alert", role: "alert" });
  const list = h("ol", { id: "lessen", class: "cards lessons", "aria-labelledby": "lessen-kop" });
  const more = h("button", { type: "button", class: "secondary", id: "meer-lessen", hidden: true, onclick: () => load({ more: true }) },
    "Meer lessen");
  let shown = [];
  let cursor = null;
  let asked = {};
  let request = 0;

  function clear() {
    form.reset();
    load();
    search.focus();
  }

  function filters() {
    const value = (control) => control.value.trim() || null;
    return { search: value(search), outcome: value(outcome), capital: value(capitalSelect), methodology: value(methodology) };
  }

  async function load({ more: next = false } = {}) {
    const ask = next ? asked : filters();
    const mine = ++request;
    alert.textContent = "";
    more.disabled = true;
    if (!next) status.textContent = "Lessen worden gezocht…";
    let page;
    try {
      page = (await gql(LESSONS, { ...ask, first: PAGE, after: next ? cursor : null })).watWerkt;
    } catch (error) {
      if (mine !== request) return;
      alert.textContent = `Zoeken lukte niet. ${errorText(error)}`;
      status.textContent = "";
      more.disabled = false;
      return;
    }
    // A newer search has been asked for; this answer is out of date.
    if (mine !== request) return;
    asked = ask;
    cursor = page.cursor;
    const cards = page.lessons.map((lesson) => card(lesson, w));
    if (next) {
      shown = shown.concat(page.lessons);
      list.append(...cards);
    } else {
      shown = page.lessons;
      list.replaceChildren(...cards);
    }
    more.hidden = !page.hasMore;
    more.disabled = false;
    const filtered = Object.values(ask).some((v) => v !== null);
    status.textContent = shown.length === 0
      ? (filtered
        ? "Geen lessen gevonden die bij uw zoekopdracht passen. Probeer een ander woord of minder filters."
        : "Er zijn nog geen gedeelde lessen. Zodra een werkplaats haar lessen deelt en een actie afrondt, staat die hier.")
      : `${shown.length} ${shown.length === 1 ? "les" : "lessen"} getoond${page.hasMore ? "; er zijn er meer" : ""}.`;
    list.hidden = shown.length === 0;
    // After "Meer lessen" the keyboard goes on at the first new lesson.
    if (next && cards.length) cards[0].querySelector("h3").focus();
  }

  load();
  const node = h("section", { class: "panel", "aria-labelledby": "lessen-kop" },
    h("h2", { id: "lessen-kop" }, "Wat werkt: lessen uit alle werkplaatsen"),
    h("p", {}, "Acties die werkplaatsen hebben afgerond, met wat ze vonden en waarom ze de actie aannamen, bijstelden of stopten. Nieuwste eerst."),
    form, status, alert, list,
    h("div", { class: "buttons" }, more));
  const reload = () => load({ more: false });
  return { node, reload };
}

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);
const cyclesText = (n) => `${n} ${n === 1 ? "cyclus" : "cycli"}`;

function card(lesson, w) {
  const s = lesson.source;
  const own = s.werkplaatsId === w.id;
  const titleId = `les-${lesson.id}`;
  return h("li", { class: `card lesson outcome-${lesson.outcome.toLowerCase()}`, "data-id": lesson.id, "data-werkplaats": s.werkplaatsId },
    h("article", { "aria-labelledby": titleId },
      h("h3", { id: titleId, tabindex: "-1" }, lesson.title),
      h("p", { class: "lesson-outcome" },
        h("strong", { class: `badge outcome outcome-${lesson.outcome.toLowerCase()}` }, `Uitkomst: ${LESSON_OUTCOME[lesson.outcome]}`),
        ` na ${cyclesText(lesson.cycles)}, afgerond ${formatDateTime(lesson.concludedAt)}`),
      h("p", { class: "meta source" },
        h("span", { class: "label" }, "Bron: "),
        `${s.werkplaatsName}, gemeente ${s.municipality} · ${METHODOLOGY[s.methodology] ?? s.methodology}`,
        own ? h("span", { class: "badge" }, " eigen werkplaats") : null),
      h("p", { class: "meta" }, h("span", { class: "label" }, "Vraag van de werkplaats: "), s.question),
      h("dl", {},
        h("dt", {}, "Doel"), h("dd", {}, lesson.goal),
        h("dt", {}, "Uitgevoerd door"), h("dd", { class: "owner" }, lesson.owner),
        h("dt", {}, "Onderbouwing"), h("dd", { class: "rationale" }, lesson.rationale),
        h("dt", {}, "Bevindingen"), h("dd", { class: "findings" }, lesson.findings.length
          ? h("ul", {}, lesson.findings.map((f) => h("li", {}, f))) : "geen vastgelegd"),
        h("dt", {}, "Oplossing"), h("dd", { class: "solution" }, lesson.solution ? solution(lesson.solution) : "geen oplossing gekoppeld"),
        h("dt", {}, "Indicatoren"), h("dd", { class: "indicators-against-norm" }, lesson.indicators.length
          ? h("ul", {}, lesson.indicators.map(indicator)) : "geen indicatoren gekoppeld"))));
}

function solution(s) {
  return [
    h("strong", {}, s.title), h("p", {}, s.description),
    h("p", { class: "meta" }, "Basis: ", s.basis.map((b) => BASIS[b] ?? b).join(", ")),
    h("p", { class: "meta" }, "Investeert in: ", s.capitals.length ? s.capitals.map((c) => CAPITAL[c] ?? c).join(", ") : "geen kapitaal genoemd"),
    h("p", { class: "meta" }, "Erkenning: ", RECOGNITION[s.recognition] ?? RECOGNITION.NOT_ASSESSED),
  ];
}

function indicator(i) {
  const unit = (value) => `${formatNumber(value)} ${i.unit}`;
  return h("li", { class: i.normMet ? "norm-met" : "norm-not-met" },
    h("strong", {}, i.name), ` (${INDICATOR_KIND[i.kind] ?? i.kind}, ${DIRECTION[i.direction] ?? ""}): `,
    `nulmeting ${unit(i.baseline)} → `,
    i.latest === null ? "nog niet gemeten" : `laatste meting ${unit(i.latest)}`,
    `, norm ${unit(i.norm)}: `,
    h("strong", { class: i.normMet ? "ok" : "bad" }, i.normMet ? "norm gehaald" : "norm niet gehaald"));
}
