// A form for each of the contract's mutations. Every control has a label
// and shows the contract's limits (required, maximum length, list sizes)
// before the server would refuse; the server's own refusal is shown in
// words beside the form.

import { gql } from "./api.js";
import {
  h, field, textInput, textArea, select, checkboxes, checkedValues, length, announce,
} from "./dom.js";
import {
  BASIS, CAPITAL, DIRECTION, INDICATOR_KIND, OUTCOME, PARTNER_KIND, PERSPECTIVE, RECOGNITION, ROLE,
  errorText, pairs,
} from "./labels.js";
import { itemIndex } from "./views.js";
import { openForm } from "./editor.js";
import { showLink } from "./members.js";

const NAME = "1 tot 200 tekens.";
const TEXT = "1 tot 10.000 tekens.";
const LIST_MAX = 50;

// Checks what the contract checks, on the client: the trimmed length of
// each text and the size of each list. Marks each bad control and returns
// whether all is well.
export function validate(form) {
  let ok = true;
  for (const control of form.querySelectorAll("input[type=text], textarea")) {
    const error = form.querySelector(`#${control.id}-fout`);
    const n = length(control.value);
    const max = Number(control.getAttribute("maxlength"));
    let message = "";
    if (control.required && n === 0) message = "Vul dit veld in.";
    else if (max && n > max) message = `Maximaal ${max} tekens; nu ${n}.`;
    else if (control.dataset.lines) {
      const lines = control.value.split("\n").map((l) => l.trim()).filter(Boolean);
      if (lines.length > LIST_MAX) message = `Maximaal ${LIST_MAX} regels; nu ${lines.length}.`;
      else if (lines.some((l) => [...l].length > 200)) message = "Elke regel heeft maximaal 200 tekens.";
    }
    control.setAttribute("aria-invalid", message ? "true" : "false");
    if (error) error.textContent = message;
    if (message) ok = false;
  }
  for (const group of form.querySelectorAll("fieldset.checks")) {
    const n = group.querySelectorAll("input:checked").length;
    const min = Number(group.dataset.min ?? 0);
    let message = "";
    if (n < min) message = "Kies er minstens één.";
    else if (n > LIST_MAX) message = `Kies er hoogstens ${LIST_MAX}.`;
    group.querySelector(".error").textContent = message;
    if (message) ok = false;
  }
  if (!ok) form.querySelector("[aria-invalid=true], fieldset .error:not(:empty)")?.closest(".field, fieldset")
    ?.querySelector("input, textarea, select")?.focus();
  return ok;
}

// A form that sends one mutation: `variables(form)` builds its input (or
// returns null after showing why not), `done(data)` follows success.
// `collapsed` puts it behind a disclosure (`summary`) so that the
// werkplaats's content, not its forms, fills the page.
export function mutationForm({
  key, ctx, title, submit, mutation, variables, done, children, className, collapsed, summary,
}) {
  return ctx.keep(key, () => {
    const alert = h("div", { class: "form-alert", role: "alert" });
    const button = h("button", { type: "submit" }, submit);
    const form = h("form", { class: className ?? "form", novalidate: true, "aria-label": title },
      title && !collapsed ? h("h3", {}, title) : null,
      children,
      alert,
      button);
    const root = collapsed
      ? h("details", { class: "more" }, h("summary", { id: `open-${key}` }, summary ?? title), form)
      : form;
    // What `keep` looks at to carry the form across a re-render.
    root.addEventListener("input", () => { root.dataset.dirty = "true"; });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      alert.textContent = "";
      if (!validate(form)) return;
      const input = variables(form);
      if (!input) return;
      button.disabled = true;
      try {
        const data = await gql(mutation, { input });
        form.reset();
        delete root.dataset.dirty;
        announce(`${title ?? submit}: opgeslagen.`);
        done?.(data, form);
        ctx.refresh();
      } catch (error) {
        alert.textContent = errorText(error);
      } finally {
        button.disabled = false;
      }
    });
    return root;
  });
}

const value = (form, name) => form.elements[name].value.trim();
const optional = (form, name) => value(form, name) || null;

export function advancePhase(w, ctx) {
  const last = w.phase.number === w.phases.length;
  if (last && w.methodology !== "NJI_ZEVEN_STAPPEN") return null;
  const next = last ? w.phases[2] : w.phases[w.phase.number];
  return mutationForm({
    key: `fase-${w.phase.number}`, ctx, className: "form inline", collapsed: true,
    summary: `Naar stap ${next.number}: ${next.title}…`,
    submit: `Naar stap ${next.number}: ${next.title}`,
    title: "Volgende stap",
    mutation: "mutation($input: AdvancePhaseInput!) { advancePhase(input: $input) { version } }",
    children: field("Toelichting bij de overgang", textArea("note", { required: false, rows: 2 }), "Optioneel, tot 10.000 tekens."),
    variables: (form) => ({ werkplaatsId: w.id, expectedPhase: w.phase.number, note: optional(form, "note") }),
  });
}

export function recordProblem(w, ctx) {
  return mutationForm({
    key: "probleem", ctx, collapsed: true, title: "Probleem vastleggen", submit: "Probleem vastleggen",
    mutation: "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }",
    children: [
      field("Titel", textInput("title"), NAME),
      field("Beschrijving", textArea("description"), `${TEXT} Beschrijf cliënten alleen gepseudonimiseerd.`),
      field("Perspectief", select("perspective", pairs(PERSPECTIVE))),
    ],
    variables: (form) => ({
      werkplaatsId: w.id, title: value(form, "title"), description: value(form, "description"),
      perspective: form.elements.perspective.value,
    }),
  });
}

export function proposeSolution(w, ctx) {
  return mutationForm({
    key: "oplossing", ctx, collapsed: true, title: "Oplossing voorstellen", submit: "Oplossing voorstellen",
    mutation: "mutation($input: ProposeSolutionInput!) { proposeSolution(input: $input) { version } }",
    children: [
      field("Titel", textInput("title"), NAME),
      field("Beschrijving", textArea("description"), TEXT),
      minimum(checkboxes("Basis (verplicht, minstens één)", "basis", pairs(BASIS)), 1),
      checkboxes("Pakt deze problemen aan", "problems", w.problems.map((p) => [p.id, p.title]),
        { hint: `Hoogstens ${LIST_MAX}.` }),
      checkboxes("Investeert in deze kapitalen", "capitals", pairs(CAPITAL),
        { hint: "De kapitalen van empowerment die de oplossing versterkt; optioneel." }),
      field("Erkenning", select("recognition", pairs(RECOGNITION), { value: "NOT_ASSESSED" }),
        "Trede in de erkenning van sociale interventies."),
    ],
    variables: (form) => ({
      werkplaatsId: w.id, title: value(form, "title"), description: value(form, "description"),
      basis: checkedValues(form, "basis"), addressesProblemIds: checkedValues(form, "problems"),
      capitals: checkedValues(form, "capitals"), recognition: form.elements.recognition.value,
    }),
  });
}

function minimum(group, n) {
  group.dataset.min = n;
  return group;
}

export function addPartner(w, ctx) {
  return mutationForm({
    key: "partner", ctx, collapsed: true, title: "Partner toevoegen", submit: "Partner toevoegen",
    mutation: "mutation($input: AddPartnerInput!) { addPartner(input: $input) { version } }",
    children: [
      field("Naam van de organisatie", textInput("name"), NAME),
      field("Soort", select("kind", pairs(PARTNER_KIND))),
    ],
    variables: (form) => ({ werkplaatsId: w.id, name: value(form, "name"), kind: form.elements.kind.value }),
  });
}

export function inviteMember(w, ctx) {
  return mutationForm({
    key: "lid", ctx, collapsed: true, title: "Lid uitnodigen", submit: "Uitnodiging maken",
    mutation: "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { member { name } token version } }",
    children: [
      field("Naam", textInput("name"), NAME),
      field("Rol", select("role", pairs(ROLE), { value: "PARTNER" })),
      field("Organisatie", select("partner", w.partners.map((p) => [p.id, p.name]), { required: false, empty: "geen" })),
    ],
    variables: (form) => ({
      werkplaatsId: w.id, name: value(form, "name"), role: form.elements.role.value,
      partnerId: optional(form, "partner"),
    }),
    done: (data) => showInvitation(data.inviteMember),
  });
}

// The token is shown once: as a link that signs the new member in.
function showInvitation({ member, token }) {
  showLink(`Uitnodiging voor ${member.name}`,
    "Stuur deze link alleen aan deze persoon, via een veilig kanaal. Hij wordt niet nog eens getoond.", token);
}

export function planAction(w, ctx) {
  return mutationForm({
    key: "actie", ctx, title: "Actie plannen", submit: "Actie plannen",
    mutation: "mutation($input: PlanActionInput!) { planAction(input: $input) { version } }",
    children: actionFields(w),
    variables: (form) => ({
      werkplaatsId: w.id, title: value(form, "title"), goal: value(form, "goal"),
      ownerPartnerId: form.elements.owner.value, solutionId: optional(form, "solution"),
      dueDate: optional(form, "dueDate"), indicatorIds: checkedValues(form, "indicators"),
    }),
  });
}

export function actionFields(w, a = {}) {
  return [
    field("Titel", textInput("title", { value: a.title ?? "" }), NAME),
    field("Doel", textArea("goal", { value: a.goal ?? "" }), TEXT),
    field("Eigenaar", select("owner", w.partners.map((p) => [p.id, p.name]), { value: a.owner?.id })),
    a.id ? null : field("Oplossing", select("solution", w.solutions.map((s) => [s.id, s.title]), { required: false, empty: "geen" })),
    field("Klaar op", h("input", { type: "date", name: "dueDate", value: a.dueDate ?? "" }), "Optioneel."),
    indicatorChoice(w, (a.indicators ?? []).map((i) => i.id ?? i)),
  ];
}

// The indicators an action should move.
export function indicatorChoice(w, checked = []) {
  return checkboxes("Moet deze indicatoren bewegen", "indicators",
    w.evaluation.indicators.map((i) => [i.id, `${i.name} (${i.unit})`]),
    { hint: `Optioneel; hoogstens ${LIST_MAX}.`, checked });
}

// The buttons on an action card: revise it, or move it on in its cycle.
export function actionButtons(a, w, ctx) {
  const input = (extra) => ({ werkplaatsId: w.id, actionId: a.id, expectedVersion: a.version, ...extra });
  const step = (label, mutation, children, extra) => h("button", {
    type: "button", class: "secondary", id: `${label.split(" ")[0].toLowerCase()}-${a.id}`,
    onclick: () => openForm(`${label}: ${a.title}`, mutationForm({
      key: `${label}-${a.id}-${a.version}`, ctx: { ...ctx, keep: (_, build) => build() }, submit: label,
      mutation: `mutation($input: ${mutation[0]}!) { ${mutation[1]}(input: $input) { version } }`,
      children, variables: (form) => input(extra(form)), done: () => ctx.closeForm(),
    })),
  }, label);
  const final = a.status === "ADOPTED" || a.status === "ABANDONED";
  return h("div", { class: "buttons" },
    final ? null : h("button", { type: "button", class: "secondary", id: `bewerk-${a.id}`, onclick: () => ctx.onEdit(a) }, "Bewerken"),
    a.status === "PLANNED" || a.status === "ADAPTED"
      ? step(a.status === "ADAPTED" ? "Nieuwe cyclus starten" : "Starten", ["StartActionInput", "startAction"], [], () => ({})) : null,
    a.status === "DOING"
      ? step("Nagaan", ["CheckActionInput", "checkAction"],
        field("Bevindingen", textArea("findings"), TEXT), (form) => ({ findings: value(form, "findings") })) : null,
    a.status === "CHECKING"
      ? step("Afronden", ["ConcludeActionInput", "concludeAction"], [
        field("Uitkomst", select("outcome", pairs(OUTCOME))),
        field("Onderbouwing", textArea("rationale"), TEXT),
      ], (form) => ({ outcome: form.elements.outcome.value, rationale: value(form, "rationale") })) : null);
}

export function recordDecision(w, ctx) {
  const items = [...itemIndex(w)];
  const open = w.decisionLog.filter((d) => !d.supersededBy).map((d) => [d.id, d.title]);
  const options = textArea("options", { required: false, rows: 3 });
  options.dataset.lines = "true";
  options.removeAttribute("maxlength");
  return mutationForm({
    key: "besluit", ctx, collapsed: true, title: "Besluit vastleggen", submit: "Besluit vastleggen",
    mutation: "mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { version } }",
    children: [
      field("Titel", textInput("title"), NAME),
      field("Context", textArea("context"), TEXT),
      field("Overwogen opties", options, `Eén optie per regel; hoogstens ${LIST_MAX} regels van elk tot 200 tekens.`),
      field("Besluit", textArea("decision"), TEXT),
      field("Onderbouwing", textArea("rationale"), TEXT),
      checkboxes("Gebaseerd op", "basedOn", items, { hint: `Problemen, oplossingen, acties, reflecties, indicatoren of besluiten; hoogstens ${LIST_MAX}.` }),
      field("Vervangt besluit", select("supersedes", open, { required: false, empty: "geen" })),
      field("Gevolgen", textArea("consequences", { required: false, rows: 2 }), "Wat het besluit voor de partners en de cliënten betekent. Optioneel, tot 10.000 tekens."),
      field("Herzien op", h("input", { type: "date", name: "reviewOn" }), "Optioneel: wanneer de partners dit besluit opnieuw bekijken."),
    ],
    variables: (form) => ({
      werkplaatsId: w.id, title: value(form, "title"), context: value(form, "context"),
      optionsConsidered: form.elements.options.value.split("\n").map((l) => l.trim()).filter(Boolean),
      decision: value(form, "decision"), rationale: value(form, "rationale"),
      basedOn: checkedValues(form, "basedOn"), supersedesDecisionId: optional(form, "supersedes"),
      consequences: optional(form, "consequences"), reviewOn: optional(form, "reviewOn"),
    }),
  });
}

export function recordReflection(w, ctx) {
  return mutationForm({
    key: "reflectie", ctx, collapsed: true, title: `Reflectie in stap ${w.phase.number}: ${w.phase.title}`, submit: "Reflectie vastleggen",
    mutation: "mutation($input: RecordReflectionInput!) { recordReflection(input: $input) { version } }",
    children: [
      field("Reflectie", textArea("text"), TEXT),
      checkboxes("Gaat over", "about", [...itemIndex(w)], { hint: `Hoogstens ${LIST_MAX}.` }),
    ],
    variables: (form) => ({ werkplaatsId: w.id, text: value(form, "text"), about: checkedValues(form, "about") }),
  });
}

export function number(name, { required = true, value = "", step = "any", min, max } = {}) {
  return h("input", { type: "number", name, step, required, inputmode: step === "any" ? "decimal" : "numeric", value, min, max });
}

// Refuses a norm that does not lie beyond the baseline in the direction;
// returns the reason, or null.
export function normProblem(baseline, norm, direction) {
  if (!Number.isFinite(baseline) || !Number.isFinite(norm)) return "Vul nulmeting en norm in.";
  const up = direction === "INCREASE";
  if (up ? norm > baseline : norm < baseline) return null;
  return up
    ? "Vul nulmeting en norm in; de norm moet hoger zijn dan de nulmeting."
    : "Vul nulmeting en norm in; de norm moet lager zijn dan de nulmeting.";
}

// The goal an indicator serves.
export function goalChoice(w, value) {
  return field("Bij doel", select("goal", (w.goals ?? []).map((g) => [g.id, g.statement.slice(0, 120)]),
    { required: false, empty: "geen doel", value }), "Optioneel.");
}

export function defineIndicator(w, ctx) {
  const alertFor = (form) => form.querySelector(".form-alert");
  return mutationForm({
    key: "indicator", ctx, collapsed: true, title: "Indicator vastleggen", submit: "Indicator vastleggen",
    mutation: "mutation($input: DefineIndicatorInput!) { defineIndicator(input: $input) { version } }",
    children: [
      field("Naam", textInput("name"), NAME),
      field("Eenheid", textInput("unit"), `${NAME} Bijvoorbeeld: aanmeldingen per maand.`),
      field("Nulmeting", number("baseline")),
      field("Norm", number("norm"), "Moet voorbij de nulmeting liggen, in de gekozen richting."),
      field("Richting", select("direction", pairs(DIRECTION))),
      field("Soort", select("kind", pairs(INDICATOR_KIND), { value: "OUTCOME" }),
        "Proces: hoe het werk gaat; prestatie: wat het oplevert; effect: wat het voor inwoners verandert."),
      goalChoice(w),
    ],
    variables: (form) => {
      const baseline = Number(form.elements.baseline.value);
      const norm = Number(form.elements.norm.value);
      const up = form.elements.direction.value === "INCREASE";
      if (form.elements.baseline.value === "" || form.elements.norm.value === ""
        || (up ? norm <= baseline : norm >= baseline)) {
        alertFor(form).textContent = up
          ? "Vul nulmeting en norm in; de norm moet hoger zijn dan de nulmeting."
          : "Vul nulmeting en norm in; de norm moet lager zijn dan de nulmeting.";
        return null;
      }
      return {
        werkplaatsId: w.id, name: value(form, "name"), unit: value(form, "unit"),
        baseline, norm, direction: form.elements.direction.value,
        kind: form.elements.kind.value, goalId: optional(form, "goal"),
      };
    },
  });
}

export function recordMeasurement(w, indicator, ctx) {
  return mutationForm({
    key: `meting-${indicator.id}`, ctx, title: `Meting van ${indicator.name}`, submit: "Meting vastleggen",
    collapsed: true, summary: "Meting toevoegen",
    mutation: "mutation($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { version } }",
    children: [
      field(`Waarde (${indicator.unit})`, number("value")),
      field("Gemeten op", h("input", { type: "date", name: "measuredOn", required: true })),
      field("Toelichting", textArea("note", { required: false, rows: 2 }), "Optioneel, tot 10.000 tekens."),
    ],
    variables: (form) => {
      if (form.elements.value.value === "" || form.elements.measuredOn.value === "") {
        form.querySelector(".form-alert").textContent = "Vul een waarde en een datum in.";
        return null;
      }
      return {
        werkplaatsId: w.id, indicatorId: indicator.id, value: Number(form.elements.value.value),
        measuredOn: form.elements.measuredOn.value, note: optional(form, "note"),
      };
    },
  });
}
