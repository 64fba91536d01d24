// Correcting what was recorded: one spec per kind of item that a revise
// mutation with `expectedVersion` changes (actions, problems, solutions,
// indicators, goals, risks and the assessment of a journey step). The
// dialog, the conflict view and the merge are editor.js's, shared by all.

import { h, field, textInput, textArea, select, checkboxes, checkedValues, formatDate, formatNumber } from "./dom.js";
import {
  BASIS, CAPITAL, INDICATOR_KIND, PERSPECTIVE, QUALITY, RECOGNITION, RISK_LEVEL, RISK_STATUS, pairs,
} from "./labels.js";
import { editItem } from "./editor.js";
import { number, normProblem } from "./forms.js";

const NAME = "1 tot 200 tekens.";
const TEXT = "1 tot 10.000 tekens.";
const NOTE = "Optioneel, tot 10.000 tekens; leeg maakt het leeg.";

const ids = (list) => (list ?? []).map((x) => x?.id ?? x);

// A text: required texts refuse empty (forms.js validate), notes may be
// emptied, which the server takes as "none".
function text(key, label, hint, { name = key, area = false, required = true } = {}) {
  return {
    key, label,
    build: (value) => field(label, area
      ? textArea(name, { value: value ?? "", required, rows: required ? 3 : 2 })
      : textInput(name, { value: value ?? "", required }), hint),
    read: (form) => form.elements[name].value.trim(),
    show: (value) => value || "leeg",
  };
}

// One of an enum's values; `empty` names "none" where none is allowed
// (sent as null, which clears it).
function choice(key, label, labels, { name = key, empty, hint } = {}) {
  return {
    key, label,
    build: (value) => field(label, select(name, pairs(labels), { value: value ?? "", required: empty === undefined, empty }), hint),
    read: (form) => form.elements[name].value || null,
    show: (value) => (value ? labels[value] ?? value : empty ?? "geen"),
  };
}

function partner(key, label, { name = key, empty } = {}) {
  const options = (w) => w.partners.map((p) => [p.id, p.name]);
  return {
    key, label,
    build: (value, w) => field(label, select(name, options(w), { value: value ?? "", required: empty === undefined, empty })),
    read: (form) => form.elements[name].value || null,
    show: (value, w) => (value ? w.partners.find((p) => p.id === value)?.name ?? "onbekend" : empty ?? "geen"),
  };
}

function checks(key, label, options, { name = key, min = 0, hint } = {}) {
  return {
    key, label,
    build: (value, w) => {
      const group = checkboxes(label, name, options(w), { hint, checked: value ?? [] });
      if (min) group.dataset.min = min;
      return group;
    },
    read: (form) => checkedValues(form, name),
    show: (value, w) => {
      const names = new Map(options(w));
      return value?.length ? value.map((v) => names.get(v) ?? v).join(", ") : "geen";
    },
  };
}

function amount(key, label, hint, { name = key, step = "any", min, max, required = false } = {}) {
  return {
    key, label,
    build: (value) => field(label, number(name, { value: value ?? "", required, step, min, max }), hint),
    read: (form) => (form.elements[name].value === "" ? null : Number(form.elements[name].value)),
    show: (value) => (value === null || value === undefined ? "leeg" : formatNumber(value)),
  };
}

function date(key, label, hint, { name = key } = {}) {
  return {
    key, label,
    build: (value) => field(label, h("input", { type: "date", name, value: value ?? "" }), hint),
    read: (form) => form.elements[name].value || null,
    show: (value) => (value ? formatDate(value) : "geen datum"),
  };
}

const indicatorOptions = (w) => w.evaluation.indicators.map((i) => [i.id, `${i.name} (${i.unit})`]);
const goalOptions = (w) => (w.goals ?? []).map((g) => [g.id, g.statement.slice(0, 120)]);

function goalField() {
  return {
    key: "goalId", label: "Bij doel",
    build: (value, w) => field("Bij doel", select("goal", goalOptions(w), { value: value ?? "", required: false, empty: "geen doel" })),
    read: (form) => form.elements.goal.value || null,
    show: (value, w) => (value ? (w.goals ?? []).find((g) => g.id === value)?.statement ?? "onbekend" : "geen doel"),
  };
}

export const SPECS = {
  action: {
    heading: "Actie bewerken", what: "deze actie", saved: "Actie opgeslagen",
    title: (a) => a.title,
    mutation: ["ReviseActionInput", "reviseAction"],
    input: (a) => ({ actionId: a.id }),
    values: (a) => ({
      title: a.title, goal: a.goal, ownerPartnerId: a.owner?.id ?? a.ownerPartnerId ?? null,
      dueDate: a.dueDate ?? null, indicatorIds: ids(a.indicators ?? a.indicatorIds),
    }),
    fields: [
      text("title", "Titel", NAME),
      text("goal", "Doel", TEXT, { area: true }),
      partner("ownerPartnerId", "Eigenaar", { name: "owner" }),
      date("dueDate", "Klaar op", "Optioneel."),
      checks("indicatorIds", "Moet deze indicatoren bewegen", indicatorOptions, { name: "indicators", hint: "Optioneel; hoogstens 50." }),
    ],
  },
  problem: {
    heading: "Probleem corrigeren", what: "dit probleem", saved: "Probleem gecorrigeerd",
    title: (p) => p.title,
    mutation: ["ReviseProblemInput", "reviseProblem"],
    input: (p) => ({ problemId: p.id }),
    values: (p) => ({ title: p.title, description: p.description, perspective: p.perspective }),
    fields: [
      text("title", "Titel", NAME),
      text("description", "Beschrijving", `${TEXT} Beschrijf cliënten alleen gepseudonimiseerd.`, { area: true }),
      choice("perspective", "Perspectief", PERSPECTIVE),
    ],
  },
  solution: {
    heading: "Oplossing corrigeren", what: "deze oplossing", saved: "Oplossing gecorrigeerd",
    title: (s) => s.title,
    mutation: ["ReviseSolutionInput", "reviseSolution"],
    input: (s) => ({ solutionId: s.id }),
    values: (s) => ({
      title: s.title, description: s.description, basis: s.basis ?? [],
      addressesProblemIds: ids(s.addresses ?? s.addressesProblemIds),
      capitals: s.capitals ?? [], recognition: s.recognition ?? "NOT_ASSESSED",
    }),
    fields: [
      text("title", "Titel", NAME),
      text("description", "Beschrijving", TEXT, { area: true }),
      checks("basis", "Basis (verplicht, minstens één)", () => pairs(BASIS), { min: 1 }),
      checks("addressesProblemIds", "Pakt deze problemen aan", (w) => w.problems.map((p) => [p.id, p.title]), { name: "problems" }),
      checks("capitals", "Investeert in deze kapitalen", () => pairs(CAPITAL)),
      choice("recognition", "Erkenning", RECOGNITION),
    ],
  },
  indicator: {
    heading: "Indicator corrigeren", what: "deze indicator", saved: "Indicator gecorrigeerd",
    title: (i) => i.name,
    mutation: ["ReviseIndicatorInput", "reviseIndicator"],
    input: (i) => ({ indicatorId: i.id }),
    values: (i) => ({ name: i.name, unit: i.unit, norm: i.norm, kind: i.kind ?? "OUTCOME", goalId: i.goal?.id ?? i.goalId ?? null }),
    fields: [
      text("name", "Naam", NAME),
      text("unit", "Eenheid", NAME),
      amount("norm", "Norm", "Moet voorbij de nulmeting liggen, in de richting van de indicator.", { required: true }),
      choice("kind", "Soort", INDICATOR_KIND),
      goalField(),
    ],
    check: (values, i) => normProblem(i.baseline, values.norm ?? NaN, i.direction),
  },
  goal: {
    heading: "Doel corrigeren", what: "dit doel", saved: "Doel gecorrigeerd",
    title: (g) => g.statement.slice(0, 80),
    mutation: ["ReviseGoalInput", "reviseGoal"],
    input: (g) => ({ goalId: g.id }),
    values: (g) => ({ statement: g.statement, targetYear: g.targetYear ?? null }),
    fields: [
      text("statement", "Doel", TEXT, { area: true }),
      amount("targetYear", "Jaartal", "Optioneel: 2000 tot 2100; leeg haalt het weg.", { step: 1, min: 2000, max: 2100 }),
    ],
    check: (values) => yearProblem(values.targetYear),
  },
  risk: {
    heading: "Risico bijwerken", what: "dit risico", saved: "Risico bijgewerkt",
    title: (r) => r.title,
    mutation: ["ReviseRiskInput", "reviseRisk"],
    input: (r) => ({ riskId: r.id }),
    values: (r) => ({
      title: r.title, description: r.description, likelihood: r.likelihood, impact: r.impact,
      mitigation: r.mitigation ?? "", ownerPartnerId: r.owner?.id ?? r.ownerPartnerId ?? null, status: r.status,
    }),
    fields: [
      text("title", "Titel", NAME),
      text("description", "Beschrijving", TEXT, { area: true }),
      choice("likelihood", "Kans", RISK_LEVEL),
      choice("impact", "Impact", RISK_LEVEL),
      text("mitigation", "Wat het risico beperkt", NOTE, { area: true, required: false }),
      partner("ownerPartnerId", "Eigenaar", { name: "owner", empty: "geen eigenaar" }),
      choice("status", "Status", RISK_STATUS, { hint: "Afgesloten is definitief." }),
    ],
  },
  step: {
    heading: "Stap beoordelen", what: "deze stap van de klantreis", saved: "Beoordeling opgeslagen",
    title: (s) => s.title,
    mutation: ["AssessJourneyStepInput", "assessJourneyStep"],
    input: (s) => ({ journeyId: s.journeyId, stepId: s.id }),
    // A CONFLICT may show the journey; the step is in it.
    locate: (current, base) => (current.steps ? current.steps.find((s) => s.id === base.id) : current),
    values: (s) => ({
      knowledge: s.knowledge ?? null, attitude: s.attitude ?? null, skills: s.skills ?? null,
      clientCentred: s.clientCentred ?? null, bottleneck: s.bottleneck ?? "",
    }),
    fields: [
      choice("knowledge", "Kennis", QUALITY, { empty: "niet beoordeeld" }),
      choice("attitude", "Houding", QUALITY, { empty: "niet beoordeeld" }),
      choice("skills", "Vaardigheden", QUALITY, { empty: "niet beoordeeld" }),
      choice("clientCentred", "Cliëntgericht", QUALITY, { empty: "niet beoordeeld" }),
      text("bottleneck", "Knelpunt", `Wat de cliënt hier tegenhoudt. ${NOTE}`, { area: true, required: false }),
    ],
  },
};

export function yearProblem(year) {
  if (year === null) return null;
  return Number.isInteger(year) && year >= 2000 && year <= 2100 ? null : "Het jaartal ligt tussen 2000 en 2100.";
}

export function revise(kind, item, w, ctx) {
  editItem(SPECS[kind], item, w, ctx);
}
