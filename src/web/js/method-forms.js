// The forms of the method (method.graphql): goals, indicators from a
// template, risks, client journeys and their steps, the checklist, the
// progress log of an action and the review of a decision. Like forms.js:
// every control labelled, the contract's limits shown and checked before
// anything is sent, the server's refusal in words beside the form.

import { gql } from "./api.js";
import { h, field, textInput, textArea, select, uid, announce } from "./dom.js";
import {
  ANSWER, COMPETENCE, DIRECTION, INDICATOR_KIND, REVIEW_OUTCOME, RISK_LEVEL, errorText, pairs,
} from "./labels.js";
import { mutationForm, number, normProblem, goalChoice } from "./forms.js";
import { openForm } from "./editor.js";
import { yearProblem } from "./revise.js";

const NAME = "1 tot 200 tekens.";
const TEXT = "1 tot 10.000 tekens.";
const NOTE = "Optioneel, tot 10.000 tekens.";

const value = (form, name) => form.elements[name].value.trim();
const optional = (form, name) => value(form, name) || null;
const refuse = (form, text) => {
  form.querySelector(".form-alert").textContent = text;
  return null;
};

const pad = (n) => String(n).padStart(2, "0");

// Today in the browser's own calendar, as a `Date` (yyyy-mm-dd).
export function today() {
  const now = new Date();
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function dateInput(name, { required = false, initial = "" } = {}) {
  const input = h("input", { type: "date", name, required });
  // The default survives the form's reset after saving.
  input.defaultValue = initial;
  return input;
}

// A form in the dialog, built afresh each time it opens.
function dialogForm(heading, options, ctx) {
  openForm(heading, mutationForm({
    ...options,
    ctx: { ...ctx, keep: (_, build) => build() },
    done: (data, form) => {
      ctx.closeForm();
      options.done?.(data, form);
    },
  }));
}

// One choice of a few, as radio buttons in a fieldset with a legend.
function radios(legend, name, options, checked) {
  return h("fieldset", { class: "radios" },
    h("legend", {}, legend, h("span", { class: "required" }, " (verplicht)")),
    options.map(([key, text, hint]) => {
      const id = uid("keuze");
      return h("div", { class: "check" },
        h("input", { type: "radio", id, name, value: key, checked: key === checked, required: true }),
        h("label", { for: id }, text, hint ? h("span", { class: "hint" }, ` — ${hint}`) : null));
    }));
}

const picked = (form, name) => form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;

// --- Goals and indicators ------------------------------------------------------

export function recordGoal(w, ctx) {
  return mutationForm({
    key: "doel", ctx, collapsed: true, title: "Doel vastleggen", submit: "Doel vastleggen",
    mutation: "mutation($input: RecordGoalInput!) { recordGoal(input: $input) { version } }",
    children: [
      field("Doel", textArea("statement"), `${TEXT} Een gedeeld doel of maatschappelijk resultaat, bijvoorbeeld: minder huishoudens met problematische schulden.`),
      field("Jaartal", number("targetYear", { required: false, step: 1, min: 2000, max: 2100 }), "Optioneel: het jaar waarin het bereikt moet zijn (2000 tot 2100)."),
    ],
    variables: (form) => {
      const raw = form.elements.targetYear.value;
      const year = raw === "" ? null : Number(raw);
      const refused = yearProblem(year);
      if (refused) return refuse(form, refused);
      return { werkplaatsId: w.id, statement: value(form, "statement"), targetYear: year };
    },
  });
}

export function defineFromTemplate(w, ctx) {
  const templates = ctx.templates ?? [];
  const about = h("p", { class: "hint template-about", id: "sjabloon-uitleg", "aria-live": "polite" });
  const choice = select("template", templates.map((t) => [t.key,
    `${t.name} (${t.unit}, ${DIRECTION[t.direction]}, ${INDICATOR_KIND[t.kind]})`]));
  const explain = () => {
    const t = templates.find((x) => x.key === choice.value);
    about.textContent = t ? t.about : "";
  };
  choice.addEventListener("change", explain);
  explain();
  const chosen = field("Sjabloon", choice, "Naam, eenheid, richting en soort komen uit het sjabloon.");
  choice.setAttribute("aria-describedby", `${choice.getAttribute("aria-describedby")} sjabloon-uitleg`);
  return mutationForm({
    key: "sjabloon", ctx, collapsed: true, title: "Indicator uit een sjabloon", submit: "Indicator uit sjabloon vastleggen",
    mutation: "mutation($input: DefineIndicatorFromTemplateInput!) { defineIndicatorFromTemplate(input: $input) { version } }",
    children: [
      templates.length === 0 ? h("p", { class: "hint" }, "Er zijn geen sjablonen.") : null,
      chosen,
      about,
      field("Nulmeting", number("baseline")),
      field("Norm", number("norm"), "Moet voorbij de nulmeting liggen, in de richting van het sjabloon."),
      goalChoice(w),
    ],
    variables: (form) => {
      const template = templates.find((t) => t.key === form.elements.template.value);
      if (!template) return refuse(form, "Kies een sjabloon.");
      const raw = [form.elements.baseline.value, form.elements.norm.value];
      const [baseline, norm] = raw.map((x) => (x === "" ? NaN : Number(x)));
      const refused = normProblem(baseline, norm, template.direction);
      if (refused) return refuse(form, refused);
      return { werkplaatsId: w.id, templateKey: template.key, baseline, norm, goalId: optional(form, "goal") };
    },
    done: () => explain(),
  });
}

// --- Risks ------------------------------------------------------------------------

export function recordRisk(w, ctx) {
  return mutationForm({
    key: "risico", ctx, collapsed: true, title: "Risico vastleggen", submit: "Risico vastleggen",
    mutation: "mutation($input: RecordRiskInput!) { recordRisk(input: $input) { version } }",
    children: [
      field("Titel", textInput("title"), NAME),
      field("Beschrijving", textArea("description"), TEXT),
      field("Kans", select("likelihood", pairs(RISK_LEVEL), { value: "MEDIUM" })),
      field("Impact", select("impact", pairs(RISK_LEVEL), { value: "MEDIUM" })),
      field("Wat het risico beperkt", textArea("mitigation", { required: false, rows: 2 }), NOTE),
      field("Eigenaar", select("owner", w.partners.map((p) => [p.id, p.name]), { required: false, empty: "geen eigenaar" }), "De partner die het risico in de gaten houdt; optioneel."),
    ],
    variables: (form) => ({
      werkplaatsId: w.id, title: value(form, "title"), description: value(form, "description"),
      likelihood: form.elements.likelihood.value, impact: form.elements.impact.value,
      mitigation: optional(form, "mitigation"), ownerPartnerId: optional(form, "owner"),
    }),
  });
}

// --- Client journeys ----------------------------------------------------------------

export function startJourney(w, ctx) {
  return mutationForm({
    key: "klantreis", ctx, collapsed: true, title: "Klantreis beginnen", submit: "Klantreis beginnen",
    mutation: "mutation($input: StartClientJourneyInput!) { startClientJourney(input: $input) { version } }",
    children: [
      field("Titel", textInput("title"), NAME),
      field("Situatie", textArea("situation"), `${TEXT} Gepseudonimiseerd: nooit de echte naam of herkenbare gegevens van een cliënt.`),
    ],
    variables: (form) => ({ werkplaatsId: w.id, title: value(form, "title"), situation: value(form, "situation") }),
  });
}

export function addJourneyStep(j, w, ctx) {
  return mutationForm({
    key: `reisstap-${j.id}`, ctx, collapsed: true, summary: "Stap toevoegen", title: `Stap toevoegen aan ${j.title}`,
    submit: "Stap toevoegen",
    mutation: "mutation($input: AddJourneyStepInput!) { addJourneyStep(input: $input) { version } }",
    children: [
      field("Titel", textInput("title"), `${NAME} Bijvoorbeeld: aanmelding bij de schuldhulp.`),
      field("Wat er gebeurt", textArea("description"), TEXT),
      field("Partner", select("partner", w.partners.map((p) => [p.id, p.name]), { required: false, empty: "geen partner" }), "Optioneel: bij wie de cliënt in deze stap is."),
      field("Aantal dagen", number("days", { required: false, step: 1, min: 0, max: 3650 }), "Optioneel: 0 tot 3.650."),
    ],
    variables: (form) => {
      const raw = form.elements.days.value;
      const days = raw === "" ? null : Number(raw);
      if (days !== null && !(Number.isInteger(days) && days >= 0 && days <= 3650)) {
        return refuse(form, "Het aantal dagen is een heel getal van 0 tot 3.650.");
      }
      return {
        werkplaatsId: w.id, journeyId: j.id, title: value(form, "title"), description: value(form, "description"),
        partnerId: optional(form, "partner"), days,
      };
    },
  });
}

// What a problem made from a bottleneck says: the bottleneck, and where it
// was found.
function fromBottleneck(j, s, index) {
  const title = [...`Knelpunt in de klantreis: ${s.title}`].slice(0, 200).join("");
  const description = [...`${s.bottleneck.trim()} (Uit de klantreis „${j.title}”, stap ${index + 1}: ${s.title}.)`].slice(0, 10000).join("");
  return { title, description };
}

// One button: the bottleneck becomes a problem from the client's
// perspective, in the words of the journey.
export function bottleneckToProblem(j, s, index, w, ctx) {
  const { title, description } = fromBottleneck(j, s, index);
  const already = w.problems.find((p) => p.perspective === "CLIENT" && p.title === title
    && p.description.startsWith(s.bottleneck.trim()));
  if (already) {
    return h("p", { class: "meta made-problem", id: `gemaakt-${s.id}`, tabindex: "-1" }, `Vastgelegd als probleem: ${already.title}`);
  }
  const alert = h("span", { class: "form-alert", role: "alert" });
  const button = h("button", {
    type: "button", id: `probleem-van-${s.id}`,
    onclick: async () => {
      button.disabled = true;
      alert.textContent = "";
      try {
        await gql("mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }",
          { input: { werkplaatsId: w.id, title, description, perspective: "CLIENT" } });
        announce(`Probleem vastgelegd vanuit het perspectief van de cliënt: ${title}.`);
        await ctx.refresh();
        // The button made way for what it did; the keyboard goes there.
        document.getElementById(`gemaakt-${s.id}`)?.focus();
      } catch (error) {
        alert.textContent = errorText(error);
        button.disabled = false;
      }
    },
  }, "Knelpunt als cliëntprobleem vastleggen", h("span", { class: "visually-hidden" }, `: stap ${index + 1}, ${s.title}`));
  return [button, alert];
}

// --- The checklist ----------------------------------------------------------------------

export function answerButton(item, partner, answer, w, ctx) {
  return h("button", {
    type: "button", class: "secondary small", id: `antwoord-${item.id}-${partner.id}`,
    onclick: () => dialogForm(`Checklist voor ${partner.name}`, {
      key: `antwoord-${item.id}-${partner.id}`, title: "Antwoord op de checklist", submit: "Antwoord opslaan",
      mutation: "mutation($input: AnswerChecklistItemInput!) { answerChecklistItem(input: $input) { version } }",
      children: [
        h("p", { class: "statement" }, h("span", { class: "label" }, "Stelling: "), item.statement),
        radios(`Antwoord van ${partner.name}`, "answer", pairs(ANSWER).map(([key, text]) => [key, text]), answer?.answer),
        field("Toelichting", textArea("note", { required: false, rows: 2, value: answer?.note ?? "" }), NOTE),
      ],
      variables: (form) => {
        const chosen = picked(form, "answer");
        if (!chosen) return refuse(form, "Kies ja, deels of nee.");
        return { werkplaatsId: w.id, itemId: item.id, partnerId: partner.id, answer: chosen, note: optional(form, "note") };
      },
    }, ctx),
  }, answer ? "Wijzigen" : "Beantwoorden",
  h("span", { class: "visually-hidden" }, ` voor ${partner.name}: ${item.statement}`));
}

export function addChecklistItem(w, ctx) {
  return mutationForm({
    key: "checklistitem", ctx, collapsed: true, title: "Eigen stelling toevoegen", submit: "Stelling toevoegen",
    mutation: "mutation($input: AddChecklistItemInput!) { addChecklistItem(input: $input) { version } }",
    children: [
      field("Onderdeel", select("competence", pairs(COMPETENCE))),
      field("Stelling", textArea("statement", { rows: 2 }), TEXT),
    ],
    variables: (form) => ({ werkplaatsId: w.id, competence: form.elements.competence.value, statement: value(form, "statement") }),
  });
}

// --- The PDCA form and decisions -----------------------------------------------------------

export function logProgress(a, w, ctx) {
  return mutationForm({
    key: `voortgang-${a.id}`, ctx, title: "Voortgang vastleggen", submit: "Voortgang vastleggen",
    mutation: "mutation($input: LogActionProgressInput!) { logActionProgress(input: $input) { version } }",
    children: [
      field("Wat is er gedaan", textArea("text", { rows: 2 }), TEXT),
      field("Gebeurd op", dateInput("occurredOn", { required: true, initial: today() })),
    ],
    variables: (form) => {
      if (!form.elements.occurredOn.value) return refuse(form, "Vul de datum in waarop het gebeurde.");
      return { werkplaatsId: w.id, actionId: a.id, text: value(form, "text"), occurredOn: form.elements.occurredOn.value };
    },
  });
}

const REVIEW_HINT = {
  KEEP: "het besluit blijft staan",
  REVISE: "het besluit blijft, met wat er anders moet in de toelichting",
  RETIRE: "het besluit geldt niet meer",
};

export function reviewButton(d, w, ctx, prefix = "herzien") {
  return h("button", {
    type: "button", class: "secondary", id: `${prefix}-${d.id}`,
    onclick: () => dialogForm(`Besluit herzien: ${d.title}`, {
      key: `herziening-${d.id}`, title: "Besluit herzien", submit: "Herziening vastleggen",
      mutation: "mutation($input: ReviewDecisionInput!) { reviewDecision(input: $input) { version } }",
      children: [
        h("p", {}, h("span", { class: "label" }, "Besluit: "), d.decision),
        radios("Uitkomst", "outcome", pairs(REVIEW_OUTCOME).map(([key, text]) => [key, text, REVIEW_HINT[key]])),
        field("Toelichting", textArea("note"), TEXT),
        field("Volgende herziening", dateInput("nextReviewOn"), "Bij handhaven of bijstellen: wanneer opnieuw; leeg is geen nieuwe datum. Bij intrekken leeg laten."),
      ],
      variables: (form) => {
        const outcome = picked(form, "outcome");
        if (!outcome) return refuse(form, "Kies handhaven, bijstellen of intrekken.");
        const next = form.elements.nextReviewOn.value || null;
        if (outcome === "RETIRE" && next) return refuse(form, "Een ingetrokken besluit krijgt geen nieuwe herzieningsdatum.");
        return { werkplaatsId: w.id, decisionId: d.id, outcome, note: value(form, "note"), nextReviewOn: next };
      },
    }, ctx),
  }, "Herzien", h("span", { class: "visually-hidden" }, `: ${d.title}`));
}
