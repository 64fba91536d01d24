// The werkplaats as its members think of it, one view per part: the
// overview (question, steps, problems, solutions), the PDCA board, the
// decision log and the evaluation. The same views render an earlier
// version read-only in the timeline, with what changed marked. The
// method's own views (the step guide, goals, risks, client journeys, the
// checklist and the PDCA form) are in method.js.

import { h, formatDate, formatDateTime, formatNumber } from "./dom.js";
import {
  BASIS, CAPITAL, CHANGE, INDICATOR_KIND, METHODOLOGY, PARTNER_KIND, PERSPECTIVE, RECOGNITION,
  OUTCOME, REVIEW_OUTCOME, ROLE, STATUS,
} from "./labels.js";
import { indicatorChart } from "./chart.js";
import * as forms from "./forms.js";
import { stepGuide, reviewButton } from "./method.js";
import { memberList } from "./members.js";

export const WERKPLAATS_FIELDS = `
  id name municipality question methodology version createdAt
  phase { number key title guide { result about questions tools source } } phases { number key title }
  phaseHistory { from { number title } to { number title } note by { name } at atVersion }
  partners { id name kind }
  members { id name role partner { id name } active forgotten }
  problems { id title description perspective recordedBy { name } recordedAt version }
  solutions { id title description basis addresses { id title } capitals recognition version }
  plan { actions { id title goal status cycle owner { id name } dueDate
    solution { id title } findings version
    indicators { id name unit latest norm normMet }
    cycles { number startedAt log { text occurredOn recordedBy { name } recordedAt }
      findings outcome rationale concludedAt } } }
  decisionLog { id title context optionsConsidered decision rationale basedOn
    supersedes { id title } supersededBy { id title } decidedBy { name } decidedAt atVersion
    reviewOn consequences retired
    reviews { outcome note nextReviewOn reviewedBy { name } reviewedAt atVersion } }
  reflections { id text about phase { number title } recordedBy { name } recordedAt }
  evaluation {
    indicators { id name unit baseline norm direction latest progress normMet
      measurements { value measuredOn note } kind template goal { id statement } version }
    actionsAdopted actionsAdapted actionsAbandoned cyclesCompleted reflections
  }
  goals { id statement targetYear recordedBy { name } version
    indicators { id name unit kind baseline norm direction latest normMet } }
  risks { id title description likelihood impact mitigation owner { id name } status version }
  journeys { id title situation totalDays version
    steps { id title description partner { id name } days
      knowledge attitude skills clientCentred bottleneck version } }
  checklist { id competence statement standard
    answers { partner { id name } answer note answeredBy { name } answeredAt } }`;

// [key, title in the navigation]; the key is the view's path.
export const VIEWS = [
  ["overzicht", "Overzicht"],
  ["doelen", "Doelen"],
  ["risicos", "Risico's"],
  ["klantreis", "Klantreis"],
  ["checklist", "Checklist"],
  ["plan", "Plan (PDCA)"],
  ["pdca", "PDCA-formulier"],
  ["besluiten", "Besluiten"],
  ["evaluatie", "Evaluatie"],
  ["tijdlijn", "Tijdlijn"],
  ["audit", "Audit"],
  ["watwerkt", "Wat werkt"],
];

// What a member's role lets the client offer; the server decides anyway.
export function abilities(me) {
  const role = me?.role;
  return {
    facilitate: role === "FACILITATOR",
    plan: role === "FACILITATOR" || role === "PARTNER",
    contribute: ["FACILITATOR", "PARTNER", "CLIENT_VOICE"].includes(role),
    checkpoint: ["FACILITATOR", "EVALUATOR"].includes(role),
    // The admin signs in without a member (`me` is null).
    admin: me === null,
  };
}

// Every item a decision or reflection can refer to, by id.
export function itemIndex(w) {
  const index = new Map();
  for (const p of w.problems) index.set(p.id, `Probleem: ${p.title}`);
  for (const s of w.solutions) index.set(s.id, `Oplossing: ${s.title}`);
  for (const a of w.plan.actions) index.set(a.id, `Actie: ${a.title}`);
  for (const d of w.decisionLog) index.set(d.id, `Besluit: ${d.title}`);
  for (const i of w.evaluation.indicators) index.set(i.id, `Indicator: ${i.name}`);
  for (const r of w.reflections) index.set(r.id, `Reflectie: ${r.text.slice(0, 60)}`);
  for (const g of w.goals ?? []) index.set(g.id, `Doel: ${g.statement.slice(0, 80)}`);
  for (const r of w.risks ?? []) index.set(r.id, `Risico: ${r.title}`);
  for (const j of w.journeys ?? []) index.set(j.id, `Klantreis: ${j.title}`);
  for (const c of w.checklist ?? []) index.set(c.id, `Checklist: ${c.statement.slice(0, 80)}`);
  return index;
}

export const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

export function changeMark(ctx, id) {
  const change = ctx.changed?.get(id);
  return change ? h("strong", { class: `badge change-${change.toLowerCase()}` }, CHANGE[change]) : null;
}

export function itemClass(ctx, base, id) {
  return ctx.changed?.has(id) ? `${base} changed` : base;
}

export function section(title, id, ...children) {
  return h("section", { "aria-labelledby": id, class: "panel" }, h("h2", { id }, title), children);
}

// Opens the correction form of an item (see revise.js); the name says
// which item, for a screen reader that lists the page's buttons.
export function correctButton(ctx, kind, item, name, label = "Corrigeren") {
  return h("div", { class: "buttons" },
    h("button", { type: "button", class: "secondary", id: `corrigeer-${item.id}`, onclick: () => ctx.edit(kind, item) },
      label, h("span", { class: "visually-hidden" }, `: ${name}`)));
}

// The werkplaats's name and where it stands; `full` adds the question and
// the method's steps (the overview and the timeline).
export function header(w, ctx, full) {
  return h("div", { class: "werkplaats-head" },
    h("h1", { id: "paginatitel", tabindex: "-1" }, w.name),
    h("p", { class: "meta" },
      `${w.municipality} · ${METHODOLOGY[w.methodology]} · stap ${w.phase.number}: ${w.phase.title} · versie ${w.version}`,
      ctx.readOnly ? h("strong", { class: "badge" }, " alleen lezen") : null),
    full ? [
      h("p", { class: "question" }, h("span", { class: "label" }, "Vraag: "), w.question),
      steps(w, ctx),
    ] : null);
}

function steps(w, ctx) {
  return h("nav", { "aria-label": "Stappen van de methode", class: "steps" },
    h("ol", {}, w.phases.map((phase) => {
      const current = phase.number === w.phase.number;
      return h("li", {
        class: current ? "current" : phase.number < w.phase.number ? "done" : "",
        "aria-current": current ? "step" : null,
      },
      h("span", { class: "step-number" }, phase.number),
      h("span", {}, phase.title),
      current ? h("span", { class: "step-state" }, " (huidige stap)") : null,
      !current && phase.number < w.phase.number ? h("span", { class: "visually-hidden" }, " (gedaan)") : null);
    })),
    ctx.readOnly || !ctx.can.facilitate ? null : forms.advancePhase(w, ctx));
}

export function overview(w, ctx) {
  const order = Object.keys(PERSPECTIVE);
  const problems = [...w.problems].sort(
    (a, b) => order.indexOf(a.perspective) - order.indexOf(b.perspective));
  const editable = !ctx.readOnly && ctx.can.contribute;
  return [
    stepGuide(w, ctx),
    section("Problemen", "problemen",
      h("p", { class: "hint" }, "Het perspectief van de cliënt staat voorop."),
      problems.length === 0 ? h("p", {}, "Nog geen problemen vastgelegd.") : null,
      order.map((perspective) => {
        const list = problems.filter((p) => p.perspective === perspective);
        if (list.length === 0) return null;
        return [h("h3", {}, PERSPECTIVE[perspective]),
          h("ul", { class: "cards" }, list.map((p) => h("li", { class: itemClass(ctx, "card", p.id), "data-id": p.id },
            h("h4", {}, p.title, changeMark(ctx, p.id)),
            h("p", {}, p.description),
            h("p", { class: "meta" }, `Vastgelegd door ${p.recordedBy.name}, ${formatDateTime(p.recordedAt)}`),
            editable ? correctButton(ctx, "problem", p, p.title) : null)))];
      }),
      ctx.readOnly || !ctx.can.contribute ? null : forms.recordProblem(w, ctx)),
    section("Oplossingen", "oplossingen",
      w.solutions.length === 0 ? h("p", {}, "Nog geen oplossingen voorgesteld.") : null,
      h("ul", { class: "cards" }, w.solutions.map((s) => h("li", { class: itemClass(ctx, "card", s.id), "data-id": s.id },
        h("h3", {}, s.title, changeMark(ctx, s.id)),
        h("p", {}, s.description),
        h("p", { class: "meta" }, "Basis: ", s.basis.map((b) => BASIS[b]).join(", ")),
        s.addresses.length ? h("p", { class: "meta" }, "Pakt aan: ", s.addresses.map((p) => p.title).join("; ")) : null,
        h("p", { class: "meta" }, "Investeert in: ", s.capitals?.length ? s.capitals.map((c) => CAPITAL[c]).join(", ") : "geen kapitaal genoemd"),
        h("p", { class: "meta" }, "Erkenning: ", RECOGNITION[s.recognition] ?? RECOGNITION.NOT_ASSESSED),
        editable ? correctButton(ctx, "solution", s, s.title) : null))),
      ctx.readOnly || !ctx.can.contribute ? null : forms.proposeSolution(w, ctx)),
    section("Partners en leden", "partners",
      h("ul", { class: "plain" }, w.partners.map((p) => h("li", { class: itemClass(ctx, "", p.id) },
        `${p.name} (${PARTNER_KIND[p.kind]})`, changeMark(ctx, p.id)))),
      h("h3", {}, "Leden"),
      memberList(w, ctx, { itemClass, changeMark }),
      ctx.readOnly || !ctx.can.facilitate ? null : [forms.addPartner(w, ctx), forms.inviteMember(w, ctx)]),
  ];
}

const COLUMNS = [
  ["PLANNED", "Plan"], ["DOING", "Do"], ["CHECKING", "Check"],
  ["ADOPTED", "Aangenomen"], ["ADAPTED", "Bijgesteld"], ["ABANDONED", "Gestopt"],
];

export function plan(w, ctx) {
  const editable = !ctx.readOnly && ctx.can.plan;
  return [
    section("Plan als PDCA-bord", "bord",
      h("p", { class: "hint" }, "Plan, Do, Check en de uitkomst van Act. Elke kaart noemt haar cyclus."),
      // A region the keyboard can scroll sideways on a phone, also when
      // read-only (an earlier version in the timeline) it holds no controls.
      h("div", { class: "board", tabindex: "0", role: "region", "aria-label": "PDCA-bord" }, COLUMNS.map(([status, title]) => {
        const actions = w.plan.actions.filter((a) => a.status === status);
        const headingId = `kolom-${status.toLowerCase()}`;
        return h("section", { class: `column column-${status.toLowerCase()}`, "aria-labelledby": headingId },
          h("h3", { id: headingId }, title, h("span", { class: "count" }, ` (${actions.length})`)),
          h("ul", { class: "cards" }, actions.map((a) => actionCard(a, w, ctx, editable))));
      }))),
    editable ? section("Nieuwe actie", "nieuwe-actie", forms.planAction(w, ctx)) : null,
  ];
}

// What the card says of the reasoning so far: the findings of each cycle,
// named by their cycle (a card in cycle 2 may show cycle 1's), and the
// last Act with its rationale.
function cycleReasoning(a) {
  const cycles = a.cycles ?? [];
  const found = cycles.filter((c) => c.findings);
  const acted = [...cycles].reverse().find((c) => c.outcome);
  if (found.length === 0 && !acted) {
    return a.findings.length ? h("details", {}, h("summary", {}, `Bevindingen (${a.findings.length})`),
      h("ul", {}, a.findings.map((f) => h("li", {}, f)))) : null;
  }
  return h("div", { class: "reasoning" },
    found.length ? h("div", { class: "findings" },
      h("p", { class: "meta" }, found.length === 1 ? "Bevindingen:" : `Bevindingen (${found.length} cycli):`),
      h("ul", {}, found.map((c) => h("li", { "data-cycle": c.number },
        h("strong", {}, `cyclus ${c.number}${c.number === a.cycle ? "" : c.number < a.cycle ? " (vorige)" : ""}: `), c.findings)))) : null,
    acted ? h("p", { class: "act", "data-cycle": acted.number },
      h("strong", {}, `Act, cyclus ${acted.number}: `), `${OUTCOME[acted.outcome] ?? acted.outcome}`,
      acted.rationale ? ` — ${acted.rationale}` : "") : null);
}

function actionCard(a, w, ctx, editable) {
  const editors = (ctx.presence ?? []).filter((p) => p.editing === a.id && p.member.id !== ctx.me?.id);
  return h("li", { class: itemClass(ctx, "card action", a.id), "data-id": a.id },
    h("h4", {}, a.title, changeMark(ctx, a.id)),
    h("p", { class: "meta" }, `Cyclus ${a.cycle} · ${STATUS[a.status]} · ${a.owner.name}`,
      a.dueDate ? ` · klaar op ${formatDate(a.dueDate)}` : ""),
    h("p", {}, a.goal),
    a.solution ? h("p", { class: "meta" }, `Oplossing: ${a.solution.title}`) : null,
    a.indicators?.length ? h("p", { class: "meta" }, "Moet bewegen: ", a.indicators.map((i) => i.name).join("; ")) : null,
    cycleReasoning(a),
    editors.length ? h("p", { class: "editing" }, `Wordt bewerkt door ${editors.map((p) => p.member.name).join(", ")}`) : null,
    editable ? forms.actionButtons(a, w, ctx) : null,
    ctx.readOnly ? null : h("p", {}, h("a", { href: `#/w/${w.id}/pdca/${a.id}`, id: `pdca-link-${a.id}` },
      "PDCA-formulier", h("span", { class: "visually-hidden" }, ` van ${a.title}`))));
}

export function decisions(w, ctx) {
  const index = itemIndex(w);
  const reviewing = !ctx.readOnly && ctx.can.plan;
  const byId = new Map(w.decisionLog.map((d) => [d.id, d]));
  const due = (w.reviewsDue ?? []).map((d) => byId.get(d.id) ?? d);
  return [
    w.reviewsDue ? section("Te herzien", "te-herzien",
      h("p", { class: "hint" }, "Besluiten waarvan de herzieningsdatum vandaag of eerder is, niet vervangen en niet ingetrokken."),
      due.length === 0 ? h("p", {}, "Geen besluiten om te herzien.") : null,
      h("ul", { class: "plain", id: "herzien-lijst" }, due.map((d) => h("li", { "data-id": d.id },
        h("strong", {}, d.title), ` — herzien op ${d.reviewOn ? formatDate(d.reviewOn) : "onbekend"} `,
        reviewing ? reviewButton(d, w, ctx, "herzien-nu") : null)))) : null,
    section("Besluitenlog", "besluitenlog",
      w.decisionLog.length === 0 ? h("p", {}, "Nog geen besluiten.") : null,
      h("ol", { class: "cards decisions" }, w.decisionLog.map((d) => h("li", { class: itemClass(ctx, d.supersededBy ? "card superseded" : "card", d.id), "data-id": d.id },
        h("h3", {}, d.title, changeMark(ctx, d.id),
          d.supersededBy ? h("span", { class: "badge" }, " vervangen")
            : d.retired ? h("span", { class: "badge" }, " ingetrokken") : h("span", { class: "badge ok" }, " geldend")),
        h("dl", {},
          h("dt", {}, "Context"), h("dd", {}, d.context),
          h("dt", {}, "Overwogen opties"), h("dd", {}, d.optionsConsidered.length
            ? h("ul", {}, d.optionsConsidered.map((o) => h("li", {}, o))) : "geen"),
          h("dt", {}, "Besluit"), h("dd", {}, d.decision),
          h("dt", {}, "Onderbouwing"), h("dd", {}, d.rationale),
          d.consequences ? [h("dt", {}, "Gevolgen"), h("dd", {}, d.consequences)] : null,
          h("dt", {}, "Herzien op"), h("dd", {}, d.reviewOn ? formatDate(d.reviewOn) : "geen datum"),
          h("dt", {}, "Gebaseerd op"), h("dd", {}, d.basedOn.length
            ? h("ul", {}, d.basedOn.map((id) => h("li", {}, index.get(id) ?? id))) : "niets"),
          d.supersedes ? [h("dt", {}, "Vervangt"), h("dd", {}, d.supersedes.title)] : null,
          d.supersededBy ? [h("dt", {}, "Vervangen door"), h("dd", {}, d.supersededBy.title)] : null),
        h("p", { class: "meta" }, `Besloten door ${d.decidedBy.name}, ${formatDateTime(d.decidedAt)}, versie ${d.atVersion}`),
        d.reviews?.length ? h("details", { class: "reviews" }, h("summary", {}, `Herzieningen (${d.reviews.length})`),
          h("ol", {}, d.reviews.map((r) => h("li", {},
            h("strong", {}, REVIEW_OUTCOME[r.outcome]), `: ${r.note}`,
            h("span", { class: "meta" }, ` — ${r.reviewedBy.name}, ${formatDateTime(r.reviewedAt)}, versie ${r.atVersion}`,
              r.outcome !== "RETIRE" ? `; volgende herziening ${r.nextReviewOn ? formatDate(r.nextReviewOn) : "niet gepland"}` : ""))))) : null,
        reviewing && !d.supersededBy && !d.retired ? reviewButton(d, w, ctx) : null,
        ctx.onProvenance ? h("button", { type: "button", class: "secondary", onclick: () => ctx.onProvenance(d) },
          `Herkomst van „${d.title}”`) : null))),
      ctx.readOnly || !ctx.can.plan ? null : forms.recordDecision(w, ctx)),
  ];
}

export function evaluation(w, ctx) {
  const e = w.evaluation;
  const index = itemIndex(w);
  return [
    section("Indicatoren", "indicatoren",
      h("p", {}, `Aangenomen: ${e.actionsAdopted} · Bijgesteld: ${e.actionsAdapted} · Gestopt: ${e.actionsAbandoned} · Afgeronde cycli: ${e.cyclesCompleted} · Reflecties: ${e.reflections}`),
      e.indicators.length === 0 ? h("p", {}, "Nog geen indicatoren.") : null,
      h("div", { class: "indicators" }, e.indicators.map((i) => h("article", { class: itemClass(ctx, "card indicator", i.id), "data-id": i.id },
        h("h3", {}, i.name, changeMark(ctx, i.id)),
        h("p", { class: "meta" }, capitalised(INDICATOR_KIND[i.kind] ?? INDICATOR_KIND.OUTCOME),
          i.goal ? ` · doel: ${i.goal.statement}` : " · bij geen doel", i.template ? " · uit een sjabloon" : ""),
        h("p", { class: "meta" }, `Nulmeting ${formatNumber(i.baseline)} ${i.unit}, norm ${formatNumber(i.norm)} ${i.unit} (${i.direction === "INCREASE" ? "hoger is beter" : "lager is beter"}). `,
          i.latest === null ? "Nog niet gemeten." : `Laatste meting ${formatNumber(i.latest)} ${i.unit}: norm ${i.normMet ? "gehaald" : "niet gehaald"}${i.progress === null ? "" : `, voortgang ${Math.round(i.progress * 100)}%`}.`),
        indicatorChart(i),
        ctx.readOnly || !ctx.can.plan ? null : forms.recordMeasurement(w, i, ctx),
        ctx.readOnly || !ctx.can.facilitate ? null : correctButton(ctx, "indicator", i, i.name)))),
      ctx.readOnly || !ctx.can.facilitate ? null : forms.defineIndicator(w, ctx)),
    section("Reflecties per fase", "reflecties",
      w.reflections.length === 0 ? h("p", {}, "Nog geen reflecties.") : null,
      w.phases.map((phase) => {
        const list = w.reflections.filter((r) => r.phase.number === phase.number);
        if (list.length === 0) return null;
        return [h("h3", {}, `${phase.number}. ${phase.title}`),
          h("ul", { class: "cards" }, list.map((r) => h("li", { class: itemClass(ctx, "card", r.id), "data-id": r.id },
            h("p", {}, r.text, changeMark(ctx, r.id)),
            r.about.length ? h("p", { class: "meta" }, "Over: ", r.about.map((id) => index.get(id) ?? id).join("; ")) : null,
            h("p", { class: "meta" }, `${r.recordedBy.name}, ${formatDateTime(r.recordedAt)}`))))];
      }),
      ctx.readOnly || !ctx.can.contribute ? null : forms.recordReflection(w, ctx)),
  ];
}
