// The method in the werkplaats: the current step's guide and what has been
// done in that step (on the overview), goals and results with their
// indicators, the risk register, the client journeys, the checklist of
// knowledge, attitude and skills, and the PDCA form of each action. The
// same views render an earlier version read-only in the timeline.

import { h, formatDate, formatDateTime, formatNumber, scrollBox } from "./dom.js";
import {
  ANSWER, COMPETENCE, DIRECTION, INDICATOR_KIND, JUDGEMENT, OUTCOME, QUALITY, RISK_LEVEL, RISK_STATUS,
  STATUS, TOOL,
} from "./labels.js";
import { capitalised, changeMark, correctButton, itemClass, section } from "./views.js";
import * as forms from "./forms.js";
import * as method from "./method-forms.js";

// --- The step guide ---------------------------------------------------------

// Where the current step began: the last phase transition (the werkplaats
// starts in step 1 without one).
function stepBegan(w) {
  const history = w.phaseHistory ?? [];
  const transition = history[history.length - 1] ?? null;
  return { transition, version: transition?.atVersion ?? 0, at: transition?.at ?? "" };
}

// Everything recorded or changed since the current step began, in words.
export function doneInStep(w, began = stepBegan(w)) {
  const after = (version) => version > began.version;
  const since = (time) => time >= began.at;
  const done = [];
  for (const p of w.problems) {
    if (after(p.version)) done.push([p.id, `Probleem: ${p.title}${since(p.recordedAt) ? "" : " (gecorrigeerd)"}`]);
  }
  for (const s of w.solutions) if (after(s.version)) done.push([s.id, `Oplossing: ${s.title}`]);
  for (const g of w.goals ?? []) if (after(g.version)) done.push([g.id, `Doel: ${g.statement}`]);
  for (const i of w.evaluation.indicators) if (after(i.version ?? 0)) done.push([i.id, `Indicator: ${i.name}`]);
  for (const r of w.risks ?? []) if (after(r.version)) done.push([r.id, `Risico: ${r.title}`]);
  for (const j of w.journeys ?? []) if (after(j.version)) done.push([j.id, `Klantreis: ${j.title}`]);
  for (const a of w.plan.actions) if (after(a.version)) done.push([a.id, `Actie: ${a.title} — ${STATUS[a.status]}`]);
  for (const d of w.decisionLog) {
    if (after(d.atVersion)) done.push([d.id, `Besluit: ${d.title}`]);
    else if ((d.reviews ?? []).some((r) => after(r.atVersion))) done.push([d.id, `Besluit herzien: ${d.title}`]);
  }
  for (const r of w.reflections) if (since(r.recordedAt)) done.push([r.id, `Reflectie: ${r.text.slice(0, 80)}`]);
  const answers = (w.checklist ?? []).flatMap((c) => c.answers).filter((a) => since(a.answeredAt)).length;
  if (answers) done.push(["checklist", `Checklist: ${answers === 1 ? "1 antwoord" : `${answers} antwoorden`} gegeven`]);
  return done;
}

function toolLinks(w, ctx, tools) {
  if (tools.length === 0) {
    return h("p", { id: "hulpmiddelen" }, "Deze stap heeft geen eigen hulpmiddel: het gaat om het gesprek tussen de partners. Leg vast wat u samen vindt als probleem, besluit of reflectie.");
  }
  return h("ul", { class: "tools", id: "hulpmiddelen" }, tools.map((tool) => {
    const [name, view] = TOOL[tool] ?? [tool, "overzicht"];
    return h("li", { "data-tool": tool }, ctx.readOnly ? name : h("a", { href: `#/w/${w.id}/${view}` }, name));
  }));
}

export function stepGuide(w, ctx) {
  const guide = w.phase.guide;
  if (!guide) return null;
  const began = stepBegan(w);
  const done = doneInStep(w, began);
  const t = began.transition;
  const history = w.phaseHistory ?? [];
  return h("section", { class: "panel guide", id: "stap", "aria-labelledby": "stapgids" },
    h("h2", { id: "stapgids" }, `Stap ${w.phase.number}: ${w.phase.title}`),
    h("div", { class: "guide-grid" },
      h("div", {},
        h("h3", {}, "Wat deze stap oplevert"),
        h("p", { id: "stap-resultaat" }, guide.result),
        h("h3", {}, "Waar het over gaat"),
        h("p", { id: "stap-over" }, guide.about),
        h("p", { class: "meta", id: "stap-bron" }, `Bron: ${guide.source}`)),
      h("div", {},
        h("h3", {}, "Vragen bij deze stap"),
        h("ol", { class: "questions", id: "stap-vragen" }, guide.questions.map((q) => h("li", {}, q)))),
      h("div", {},
        h("h3", {}, "Hulpmiddelen"),
        toolLinks(w, ctx, guide.tools),
        guide.tools.length ? h("p", { class: "hint" }, "De hulpmiddelen helpen bij deze stap; alles kan in elke stap.") : null)),
    h("h3", {}, "Gedaan in deze stap"),
    h("p", { class: "meta", id: "stap-sinds" }, t
      ? `Sinds ${formatDateTime(t.at)} (versie ${t.atVersion}), toen ${t.by?.name ?? "de beheerder"} van stap ${t.from.number} naar deze stap ging${t.note ? `: „${t.note}”` : "."}`
      : "Sinds de werkplaats begon."),
    done.length === 0
      ? h("p", { id: "gedaan" }, "Nog niets vastgelegd in deze stap.")
      : h("ul", { class: "plain", id: "gedaan" }, done.map(([id, text]) => h("li", { "data-item": id }, text))),
    // Every phase change with its note, in order: why the werkplaats moved
    // on is part of its reasoning.
    history.length ? h("div", { class: "history" },
      h("h3", {}, `Stapovergangen (${history.length})`),
      h("ol", { id: "stapovergangen" }, history.map((p) => h("li", { "data-version": p.atVersion },
        `Van stap ${p.from.number} (${p.from.title}) naar stap ${p.to.number} (${p.to.title}), ${formatDateTime(p.at)}, door ${p.by?.name ?? "de beheerder"}`,
        p.note ? [": ", h("q", { class: "note" }, p.note)] : " (zonder toelichting)")))) : null);
}

// --- Goals and results --------------------------------------------------------

function measured(i) {
  const latest = i.latest === null || i.latest === undefined
    ? "nog niet gemeten"
    : `laatste ${formatNumber(i.latest)} ${i.unit}, norm ${i.normMet ? "gehaald" : "niet gehaald"}`;
  return `nulmeting ${formatNumber(i.baseline)} ${i.unit}, norm ${formatNumber(i.norm)} ${i.unit} (${DIRECTION[i.direction]}); ${latest}`;
}

export function goalsView(w, ctx) {
  const editable = !ctx.readOnly && ctx.can.contribute;
  const goals = w.goals ?? [];
  const indicators = w.evaluation.indicators;
  const facilitate = !ctx.readOnly && ctx.can.facilitate;
  return [
    section("Doelen en resultaten", "doelen",
      h("p", { class: "hint" }, "Gedeelde doelen en maatschappelijke resultaten, elk met de indicatoren die laten zien of het lukt."),
      goals.length === 0 ? h("p", {}, "Nog geen doelen vastgelegd.") : null,
      h("ul", { class: "cards goals" }, goals.map((g) => h("li", { class: itemClass(ctx, "card goal", g.id), "data-id": g.id },
        h("h3", {}, g.statement, changeMark(ctx, g.id)),
        h("p", { class: "meta" }, g.targetYear ? `Te bereiken in ${g.targetYear}` : "Zonder jaartal",
          ` · vastgelegd door ${g.recordedBy.name} · versie ${g.version}`),
        h("h4", {}, "Indicatoren bij dit doel"),
        g.indicators.length === 0
          ? h("p", { class: "hint" }, "Nog geen indicatoren bij dit doel.")
          : h("ul", { class: "goal-indicators" }, g.indicators.map((i) => h("li", { "data-indicator": i.id },
            h("strong", {}, i.name), ` — ${INDICATOR_KIND[i.kind] ?? INDICATOR_KIND.OUTCOME}: ${measured(i)}`))),
        editable ? correctButton(ctx, "goal", g, g.statement.slice(0, 80)) : null))),
      editable ? method.recordGoal(w, ctx) : null),
    section("Indicatoren", "doel-indicatoren",
      h("p", { class: "hint" }, "Proces: hoe het werk gaat. Prestatie (output): wat het oplevert. Effect (outcome): wat het voor inwoners verandert. Metingen legt u vast bij Evaluatie."),
      indicators.length === 0 ? h("p", {}, "Nog geen indicatoren.") : scrollBox(h("table", { class: "indicator-table" },
        h("caption", {}, "Alle indicatoren met hun soort en doel"),
        h("thead", {}, h("tr", {}, ["Indicator", "Soort", "Doel", "Nulmeting en norm", "Laatste meting", facilitate ? "Corrigeren" : null]
          .filter(Boolean).map((title) => h("th", { scope: "col" }, title)))),
        h("tbody", {}, indicators.map((i) => h("tr", { class: itemClass(ctx, "", i.id), "data-id": i.id },
          h("th", { scope: "row" }, i.name, changeMark(ctx, i.id), i.template ? h("span", { class: "meta" }, " (sjabloon)") : null),
          h("td", {}, capitalised(INDICATOR_KIND[i.kind] ?? INDICATOR_KIND.OUTCOME)),
          h("td", {}, i.goal ? i.goal.statement : "geen doel"),
          h("td", {}, `${formatNumber(i.baseline)} → ${formatNumber(i.norm)} ${i.unit} (${DIRECTION[i.direction]})`),
          h("td", {}, i.latest === null ? "nog niet gemeten" : `${formatNumber(i.latest)} ${i.unit}: norm ${i.normMet ? "gehaald" : "niet gehaald"}`),
          facilitate ? h("td", {}, correctButton(ctx, "indicator", i, i.name)) : null)))), "Indicatoren"),
      facilitate ? [method.defineFromTemplate(w, ctx), forms.defineIndicator(w, ctx)] : null),
  ];
}

// --- Risks ----------------------------------------------------------------------

const LEVELS = ["LOW", "MEDIUM", "HIGH"];
const score = (r) => (LEVELS.indexOf(r.likelihood) + 1) * (LEVELS.indexOf(r.impact) + 1);
const weight = (n) => (n >= 6 ? "high" : n >= 3 ? "medium" : "low");
const WEIGHT = { high: "groot risico", medium: "middelgroot risico", low: "klein risico" };

function matrix(risks) {
  const open = risks.filter((r) => r.status !== "CLOSED");
  return h("table", { class: "risk-matrix", id: "risicomatrix" },
    h("caption", {}, "Kans × impact van de risico's die niet zijn afgesloten"),
    h("thead", {}, h("tr", {}, h("td", {}),
      LEVELS.map((l) => h("th", { scope: "col" }, `Kans ${RISK_LEVEL[l]}`)))),
    h("tbody", {}, [...LEVELS].reverse().map((impact) => h("tr", {},
      h("th", { scope: "row" }, `Impact ${RISK_LEVEL[impact]}`),
      LEVELS.map((likelihood) => {
        const here = open.filter((r) => r.likelihood === likelihood && r.impact === impact);
        const level = weight((LEVELS.indexOf(likelihood) + 1) * (LEVELS.indexOf(impact) + 1));
        return h("td", { class: `level-${level}` },
          h("span", { class: "visually-hidden" }, `${WEIGHT[level]}: `),
          here.length === 0 ? h("span", { class: "meta" }, "geen") : h("ul", {}, here.map((r) => h("li", {}, r.title))));
      })))));
}

export function risksView(w, ctx) {
  const editable = !ctx.readOnly && ctx.can.plan;
  const risks = w.risks ?? [];
  const order = [...risks].sort((a, b) => (a.status === "CLOSED") - (b.status === "CLOSED") || score(b) - score(a));
  return [
    section("Risico's", "risicos",
      h("p", { class: "hint" }, "Wat de aanpak kan laten mislukken, hoe waarschijnlijk en hoe erg dat is, wie het in de gaten houdt en wat het risico beperkt."),
      risks.length === 0 ? h("p", {}, "Nog geen risico's vastgelegd.") : scrollBox(matrix(risks), "Risicomatrix"),
      h("ul", { class: "cards risks" }, order.map((r) => h("li", { class: itemClass(ctx, `card risk risk-${weight(score(r))}${r.status === "CLOSED" ? " closed" : ""}`, r.id), "data-id": r.id },
        h("h3", {}, r.title, changeMark(ctx, r.id), h("span", { class: "badge" }, ` ${RISK_STATUS[r.status]}`)),
        h("p", { class: "meta" }, `Kans ${RISK_LEVEL[r.likelihood]} × impact ${RISK_LEVEL[r.impact]} (${WEIGHT[weight(score(r))]}) · eigenaar: ${r.owner?.name ?? "geen"}`),
        h("p", {}, r.description),
        h("p", {}, h("span", { class: "label" }, "Wat het beperkt: "), r.mitigation || "nog niets vastgelegd"),
        r.status === "CLOSED" ? h("p", { class: "hint" }, "Afgesloten: dit risico verandert niet meer.")
          : editable ? correctButton(ctx, "risk", r, r.title, "Bijwerken") : null))),
      editable ? method.recordRisk(w, ctx) : null),
  ];
}

// --- Client journeys ------------------------------------------------------------

const days = (n) => (n === 1 ? "1 dag" : `${n} dagen`);

function judgements(step) {
  return h("ul", { class: "judgements" }, Object.entries(JUDGEMENT).map(([key, label]) => {
    const value = step[key];
    return h("li", { class: `quality-${(value ?? "none").toLowerCase()}` },
      `${label}: `, h("strong", {}, value ? QUALITY[value] : "niet beoordeeld"));
  }));
}

function journeyStep(j, s, index, start, w, ctx, editable) {
  return h("li", { class: itemClass(ctx, "journey-step", s.id), "data-id": s.id, id: `stap-${s.id}` },
    h("h4", {}, `Stap ${index + 1}: ${s.title}`, changeMark(ctx, s.id)),
    h("p", { class: "meta" }, s.partner ? s.partner.name : "geen partner",
      " · ", s.days === null || s.days === undefined ? "duur onbekend" : `${days(s.days)} (dag ${start} tot ${start + s.days})`),
    h("p", {}, s.description),
    judgements(s),
    s.bottleneck ? h("p", { class: "bottleneck" }, h("strong", {}, "Knelpunt: "), s.bottleneck) : null,
    editable ? h("div", { class: "buttons" },
      h("button", { type: "button", class: "secondary", id: `beoordeel-${s.id}`, onclick: () => ctx.edit("step", { ...s, journeyId: j.id }) },
        "Beoordelen", h("span", { class: "visually-hidden" }, `: stap ${index + 1}, ${s.title}`)),
      s.bottleneck ? method.bottleneckToProblem(j, s, index, w, ctx) : null) : null);
}

export function journeysView(w, ctx) {
  const editable = !ctx.readOnly && ctx.can.contribute;
  const journeys = w.journeys ?? [];
  return [
    section("Klantreizen", "klantreizen",
      h("p", { class: "hint" }, "De weg van een cliënt langs de partners, gepseudonimiseerd: per stap wie, hoe lang, hoe het ging in kennis, houding, vaardigheden en cliëntgerichtheid, en waar het vastliep. Een knelpunt kan met één knop een probleem vanuit het perspectief van de cliënt worden."),
      journeys.length === 0 ? h("p", {}, "Nog geen klantreizen.") : null,
      journeys.map((j) => {
        let start = 0;
        const headingId = `reis-${j.id}-kop`;
        return h("article", { class: itemClass(ctx, "card journey", j.id), "data-id": j.id, id: `reis-${j.id}`, "aria-labelledby": headingId },
          h("h3", { id: headingId }, j.title, changeMark(ctx, j.id)),
          h("p", {}, h("span", { class: "label" }, "Situatie: "), j.situation),
          h("p", { class: "meta" }, `${j.steps.length === 1 ? "1 stap" : `${j.steps.length} stappen`} · `,
            j.totalDays === null || j.totalDays === undefined ? "geen doorlooptijd bekend" : `${days(j.totalDays)} in totaal`),
          j.steps.length === 0 ? h("p", { class: "hint" }, "Nog geen stappen.") : h("ol", { class: "journey-steps" }, j.steps.map((s, index) => {
            const node = journeyStep(j, s, index, start, w, ctx, editable);
            start += s.days ?? 0;
            return node;
          })),
          editable ? method.addJourneyStep(j, w, ctx) : null);
      }),
      editable ? method.startJourney(w, ctx) : null),
  ];
}

// --- The checklist ------------------------------------------------------------------

// Who may answer for a partner: a facilitator for any, a partner for their own.
function mayAnswer(ctx, partner) {
  if (ctx.readOnly) return false;
  if (ctx.can.facilitate) return true;
  return ctx.me?.role === "PARTNER" && ctx.me.partner?.id === partner.id;
}

const gap = (answer) => answer && answer.answer !== "YES";

export function checklistView(w, ctx) {
  const items = w.checklist ?? [];
  const partners = w.partners;
  const answered = items.flatMap((c) => c.answers).length;
  const gaps = items.flatMap((c) => c.answers).filter(gap).length;
  return [
    section("Checklist kennis, houding en vaardigheden", "checklist",
      h("p", { class: "hint" }, "Per stelling per partner: ja, deels of nee. Een partner antwoordt voor de eigen organisatie, de procesbegeleider voor elke partner. Deels en nee zijn hiaten: daar valt samen iets te leren."),
      h("p", { id: "checklist-stand" }, `${answered} van ${items.length * partners.length} antwoorden gegeven; ${gaps === 1 ? "1 hiaat" : `${gaps} hiaten`}.`),
      partners.length === 0 ? h("p", {}, "Voeg eerst partners toe; de checklist wordt per partner ingevuld.") : null,
      // Focusable, so the keyboard can scroll it on a phone also when its
      // cells hold no controls (read-only, or an earlier version).
      h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": "Antwoorden per stelling en partner" }, h("table", { class: "checklist", id: "checklist-tabel" },
        h("caption", {}, "Antwoorden per stelling en partner"),
        h("thead", {}, h("tr", {},
          h("th", { scope: "col" }, "Stelling"),
          partners.map((p) => h("th", { scope: "col" }, p.name)),
          h("th", { scope: "col" }, "Hiaten"))),
        Object.entries(COMPETENCE).map(([competence, title]) => {
          const rows = items.filter((c) => c.competence === competence);
          return h("tbody", { "data-competence": competence },
            h("tr", { class: "group" }, h("th", { scope: "rowgroup", colspan: partners.length + 2 }, title)),
            rows.map((c) => {
              const byPartner = new Map(c.answers.map((a) => [a.partner.id, a]));
              const rowGaps = c.answers.filter(gap).length;
              const open = partners.filter((p) => !byPartner.has(p.id)).length;
              return h("tr", { class: itemClass(ctx, "", c.id), "data-id": c.id },
                h("th", { scope: "row" }, c.statement, changeMark(ctx, c.id),
                  c.standard ? null : h("span", { class: "badge" }, " eigen")),
                partners.map((p) => {
                  const a = byPartner.get(p.id);
                  return h("td", { class: `answer answer-${a ? a.answer.toLowerCase() : "none"}`, "data-partner": p.id },
                    h("span", { class: "answer-value" }, a ? ANSWER[a.answer] : "nog open"),
                    a && gap(a) ? h("span", { class: "gap" }, " (hiaat)") : null,
                    a?.note ? h("span", { class: "answer-note" }, a.note) : null,
                    a ? h("span", { class: "meta answer-by" }, `${a.answeredBy.name}, ${formatDate(a.answeredAt.slice(0, 10))}`) : null,
                    mayAnswer(ctx, p) ? method.answerButton(c, p, a, w, ctx) : null);
                }),
                h("td", { class: rowGaps ? "gaps" : "" }, rowGaps === 0 ? "geen" : rowGaps === 1 ? "1 hiaat" : `${rowGaps} hiaten`,
                  open ? h("span", { class: "meta" }, ` · ${open} open`) : null));
            }));
        }))),
      !ctx.readOnly && ctx.can.facilitate ? method.addChecklistItem(w, ctx) : null),
  ];
}

// --- The PDCA form ------------------------------------------------------------------

function cycleTable(a, c) {
  const log = c.log ?? [];
  return h("table", { class: "pdca-table" },
    h("caption", {}, `Cyclus ${c.number}${c.number === a.cycle ? " (huidige cyclus)" : ""}`),
    h("tbody", {},
      h("tr", {}, h("th", { scope: "row" }, "Plan"), h("td", {}, a.goal)),
      h("tr", {}, h("th", { scope: "row" }, "Do"), h("td", {},
        h("p", { class: "meta" }, c.startedAt ? `Gestart ${formatDateTime(c.startedAt)}` : "Nog niet gestart."),
        log.length === 0 ? (c.startedAt ? h("p", { class: "hint" }, "Nog geen voortgang vastgelegd.") : null)
          : h("ol", { class: "log" }, log.map((entry) => h("li", {},
            h("strong", {}, formatDate(entry.occurredOn)), `: ${entry.text}`,
            h("span", { class: "meta" }, ` — ${entry.recordedBy.name}, vastgelegd ${formatDateTime(entry.recordedAt)}`)))))),
      h("tr", {}, h("th", { scope: "row" }, "Check"), h("td", {}, c.findings ?? h("span", { class: "hint" }, "Nog niet nagegaan."))),
      h("tr", {}, h("th", { scope: "row" }, "Act"), h("td", {}, c.outcome
        ? [h("strong", {}, OUTCOME[c.outcome]), `: ${c.rationale ?? ""}`, c.concludedAt ? h("span", { class: "meta" }, ` (${formatDateTime(c.concludedAt)})`) : null]
        : h("span", { class: "hint" }, "Nog geen besluit.")))));
}

function pdcaForm(a, w, ctx) {
  const headingId = `pdca-${a.id}-kop`;
  const cycles = a.cycles ?? [];
  const indicators = a.indicators ?? [];
  const canLog = !ctx.readOnly && ctx.can.plan;
  return h("article", { class: itemClass(ctx, "card pdca", a.id), id: `pdca-${a.id}`, "data-id": a.id, "aria-labelledby": headingId },
    h("h3", { id: headingId }, a.title, changeMark(ctx, a.id), h("span", { class: "badge" }, ` ${STATUS[a.status]}`)),
    h("dl", {},
      h("dt", {}, "Eigenaar"), h("dd", {}, a.owner.name),
      h("dt", {}, "Doel"), h("dd", {}, a.goal),
      h("dt", {}, "Oplossing"), h("dd", {}, a.solution ? a.solution.title : "geen"),
      h("dt", {}, "Klaar op"), h("dd", {}, a.dueDate ? formatDate(a.dueDate) : "geen datum"),
      h("dt", {}, "Indicatoren"), h("dd", { class: "pdca-indicators" }, indicators.length === 0 ? "geen gekoppeld"
        : h("ul", {}, indicators.map((i) => h("li", { "data-indicator": i.id },
          `${i.name}: `, i.latest === null || i.latest === undefined ? "nog niet gemeten"
            : `laatste ${formatNumber(i.latest)} ${i.unit}, norm ${formatNumber(i.norm)} ${i.unit} ${i.normMet ? "gehaald" : "niet gehaald"}`))))),
    h("div", { class: "cycles" }, cycles.map((c) => cycleTable(a, c))),
    a.status === "DOING"
      ? (canLog ? method.logProgress(a, w, ctx) : null)
      : h("p", { class: "hint" }, "Voortgang vastleggen kan zolang de actie in Do staat."),
    ctx.readOnly ? null : h("p", {}, h("a", { href: `#/w/${w.id}/plan` }, "Naar het PDCA-bord")));
}

export function pdcaView(w, ctx, actionId) {
  const actions = actionId ? w.plan.actions.filter((a) => a.id === actionId) : w.plan.actions;
  const one = actionId && actions.length === 1;
  return [
    section(one ? `PDCA-formulier: ${actions[0].title}` : "PDCA-formulieren", "pdca-kop",
      h("p", { class: "hint" }, "Per actie en per cyclus: Plan (het doel en de indicatoren), Do (wat er gedaan is), Check (de bevindingen) en Act (het besluit)."),
      actionId ? h("p", {}, h("a", { href: `#/w/${w.id}/pdca` }, "Alle PDCA-formulieren")) : null,
      actions.length === 0
        ? h("p", {}, actionId ? "Deze actie bestaat niet." : "Nog geen acties; plan er een op het PDCA-bord.")
        : null,
      actions.map((a) => pdcaForm(a, w, ctx))),
  ];
}

export const reviewButton = (d, w, ctx, prefix) => method.reviewButton(d, w, ctx, prefix);
