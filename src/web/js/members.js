// The members of a werkplaats and what the facilitator (and the admin) can
// do with them: a new invitation link for a member who lost theirs, another
// role, removing a member and forgetting one (erasing their personal data).
// Every member can replace their own token. A token is shown once, as a
// link that signs its holder in, with a copy button.

import { gql, replaceToken } from "./api.js";
import { h, field, select, announce } from "./dom.js";
import { ROLE, errorText, pairs } from "./labels.js";
import { mutationForm } from "./forms.js";
import { openForm, closeForm } from "./editor.js";

// The invitation link a token signs in with.
export function invitationLink(token) {
  return `${location.origin}/#token=${encodeURIComponent(token)}`;
}

// Shows a link once, with a button that copies it.
export function showLink(title, explanation, token) {
  const link = invitationLink(token);
  const input = h("input", { type: "text", readonly: true, value: link, class: "wide", id: "nieuwe-link" });
  const copied = h("p", { class: "hint", role: "status" });
  openForm(title, h("div", { class: "link-shown" },
    h("p", {}, explanation),
    field("Uitnodigingslink", input),
    h("div", { class: "buttons" },
      h("button", {
        type: "button", id: "kopieer-link",
        onclick: async () => {
          try {
            await navigator.clipboard.writeText(link);
            copied.textContent = "Link gekopieerd.";
          } catch {
            input.select();
            copied.textContent = "Kopiëren lukte niet; de link is geselecteerd: kopieer hem met Ctrl+C.";
          }
        },
      }, "Link kopiëren"),
      h("button", { type: "button", class: "secondary", onclick: () => closeForm() }, "Klaar")),
    copied));
}

// How a member stands, in words: removed and forgotten members stay listed
// because the history refers to them.
export function memberState(m) {
  if (m.forgotten) return h("strong", { class: "badge member-forgotten" }, " vergeten");
  if (m.active === false) return h("strong", { class: "badge member-removed" }, " verwijderd");
  return null;
}

export function memberLabel(m) {
  return `${m.name} — ${ROLE[m.role]}${m.partner ? `, ${m.partner.name}` : ""}`;
}

// The list of members, with the buttons the viewer may use on each.
export function memberList(w, ctx, { itemClass, changeMark }) {
  const manage = !ctx.readOnly && (ctx.can.facilitate || ctx.can.admin);
  return h("ul", { class: "plain members", id: "leden" }, w.members.map((m) => h("li", {
    class: itemClass(ctx, m.forgotten ? "member forgotten" : m.active === false ? "member removed" : "member", m.id),
    "data-member": m.id,
  },
  h("span", { class: "member-name" }, memberLabel(m)), memberState(m), changeMark(ctx, m.id),
  manage ? memberButtons(m, w, ctx) : null)));
}

function memberButtons(m, w, ctx) {
  if (m.forgotten) return null;
  const self = m.id === ctx.me?.id;
  const button = (id, label, onclick, cls = "secondary") => h("button", {
    type: "button", class: `${cls} small`, id: `${id}-${m.id}`, onclick,
  }, label, h("span", { class: "visually-hidden" }, `: ${m.name}`));
  const active = m.active !== false;
  return h("div", { class: "buttons member-buttons" },
    active && !self ? button("heruitnodig", "Nieuwe uitnodigingslink", () => reissue(m, w, ctx)) : null,
    active && !self && ctx.can.facilitate ? button("rol", "Rol wijzigen", () => changeRole(m, w, ctx)) : null,
    active && !self && ctx.can.facilitate ? button("verwijder", "Verwijderen", () => remove(m, w, ctx)) : null,
    !self ? button("vergeet", "Vergeten", () => forget(m, w, ctx)) : null);
}

// A form in the dialog: never kept across re-renders (it lives in the
// dialog, not on the page).
function dialogForm(m, ctx, options) {
  return mutationForm({ ...options, ctx: { ...ctx, keep: (_, build) => build() } });
}

function reissue(m, w, ctx) {
  openForm(`Nieuwe uitnodigingslink voor ${m.name}`, dialogForm(m, ctx, {
    key: `heruitnodig-${m.id}`, submit: "Nieuwe link maken", title: "Nieuwe uitnodigingslink",
    mutation: `mutation($input: ReissueInvitationInput!) { reissueInvitation(input: $input) {
      member { id name } token version } }`,
    children: h("p", {}, `${m.name} krijgt een nieuwe link om zich aan te melden. De oude link en het oude token werken daarna meteen niet meer, ook niet in een geopend tabblad.`),
    variables: () => ({ werkplaatsId: w.id, memberId: m.id }),
    done: (data) => {
      const { member, token } = data.reissueInvitation;
      showLink(`Nieuwe link voor ${member.name}`,
        `Stuur deze link alleen aan ${member.name}, via een veilig kanaal. Hij wordt niet nog eens getoond.`, token);
    },
  }));
}

function changeRole(m, w, ctx) {
  openForm(`Rol van ${m.name} wijzigen`, dialogForm(m, ctx, {
    key: `rol-${m.id}`, submit: "Rol wijzigen", title: "Rol wijzigen",
    mutation: "mutation($input: ChangeRoleInput!) { changeRole(input: $input) { member { id role } version } }",
    children: field("Nieuwe rol", select("role", pairs(ROLE), { value: m.role }),
      `Nu: ${ROLE[m.role]}. De rol bepaalt wat ${m.name} mag doen.`),
    variables: (form) => ({ werkplaatsId: w.id, memberId: m.id, role: form.elements.role.value }),
    done: () => closeForm(),
  }));
}

function remove(m, w, ctx) {
  openForm(`${m.name} verwijderen`, dialogForm(m, ctx, {
    key: `verwijder-${m.id}`, submit: "Lid verwijderen", title: "Lid verwijderen",
    mutation: "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { member { id active } version } }",
    children: [
      h("p", {}, `${m.name} kan daarna niet meer in de werkplaats: de link en het token werken meteen niet meer, ook niet in een geopend tabblad.`),
      h("p", {}, `Wat ${m.name} heeft gedaan, blijft staan, met de naam erbij, gemarkeerd als verwijderd. Wilt u ook de naam wissen? Kies dan daarna "Vergeten".`),
    ],
    variables: () => ({ werkplaatsId: w.id, memberId: m.id }),
    done: () => { closeForm(); announce(`${m.name} is verwijderd.`); },
  }));
}

function forget(m, w, ctx) {
  const confirmId = `bevestig-vergeten-${m.id}`;
  const confirm = h("input", { type: "checkbox", name: "confirm", id: confirmId, required: true });
  openForm(`${m.name} vergeten`, dialogForm(m, ctx, {
    key: `vergeet-${m.id}`, submit: "Lid vergeten", title: "Lid vergeten",
    mutation: "mutation($input: ForgetMemberInput!) { forgetMember(input: $input) { member { id forgotten } version } }",
    children: [
      h("p", {}, `Vergeten wist de persoonsgegevens van ${m.name} voorgoed. Dat kan niet ongedaan worden gemaakt.`),
      h("div", { class: "erasure" },
        h("div", {}, h("h3", {}, "Wat verdwijnt"), h("ul", {},
          h("li", {}, "de naam: overal staat voortaan \u201evergeten lid\u201d"),
          h("li", {}, "de aanmeldlink en het token: die werken meteen niet meer"),
          h("li", {}, "een gekoppelde inlog bij de identiteitsaanbieder"))),
        h("div", {}, h("h3", {}, "Wat blijft"), h("ul", {},
          h("li", {}, "wat dit lid heeft gedaan (problemen, besluiten, metingen en zo verder), als \u201evergeten lid\u201d"),
          h("li", {}, "de rol en de organisatie"),
          h("li", {}, "de audittrail: die blijft kloppen en controleerbaar")))),
      h("div", { class: "check" }, confirm,
        h("label", { for: confirmId }, `Ik begrijp dat de naam van ${m.name} voorgoed wordt gewist.`)),
    ],
    variables: (form) => {
      if (!confirm.checked) {
        form.querySelector(".form-alert").textContent = "Vink eerst aan dat u begrijpt wat vergeten doet.";
        confirm.focus();
        return null;
      }
      return { werkplaatsId: w.id, memberId: m.id };
    },
    done: () => { closeForm(); announce("Het lid is vergeten."); },
  }));
}

// The member replaces their own token; `before` and `after` let the shell
// close and reopen its live connection around it.
export function rotateOwnToken({ before, after }) {
  const alert = h("div", { class: "form-alert", role: "alert" });
  const go = h("button", {
    type: "button", id: "vernieuw-token",
    onclick: async () => {
      go.disabled = true;
      alert.textContent = "";
      before?.();
      try {
        const { rotateToken } = await gql("mutation { rotateToken { token } }");
        replaceToken(rotateToken.token);
        after?.();
        showLink("Uw nieuwe link",
          "Bewaar deze link op een veilige plek: hij wordt niet nog eens getoond. Uw oude link en token werken niet meer; in dit tabblad bent u al aangemeld met de nieuwe.",
          rotateToken.token);
      } catch (error) {
        after?.();
        alert.textContent = errorText(error);
        go.disabled = false;
      }
    },
  }, "Nieuwe link maken");
  openForm("Nieuwe link voor uzelf", h("div", {},
    h("p", {}, "Denkt u dat iemand anders uw link of token kent? Maak dan een nieuwe. De oude werkt daarna meteen niet meer, ook niet in andere tabbladen of op andere apparaten."),
    alert,
    h("div", { class: "buttons" }, go,
      h("button", { type: "button", class: "secondary", onclick: () => closeForm() }, "Annuleren"))));
}
