// Dutch names for the contract's enum values and error codes.

export const METHODOLOGY = {
  SCHOUDERS_ERONDER: "Schouders Eronder",
  MOVISIE_VIJF_STAPPEN: "Movisie/Divosa vijf stappen",
  NJI_ZEVEN_STAPPEN: "NJi zeven stappen",
};

// What each methodology asks of a werkplaats, in a sentence or two, shown
// where one is chosen.
export const METHODOLOGY_ABOUT = {
  SCHOUDERS_ERONDER: "Drie stappen: probleemanalyse (de knelpunten door de ogen van inwoners met schulden en vanuit elke partner), "
    + "oplossingen verkennen, en een actieplan dat u in PDCA-cycli uitvoert, verbetert en evalueert.",
  MOVISIE_VIJF_STAPPEN: "Vijf stappen van Movisie en Divosa: voorbereiden (de uitgangssituatie en de checklist kennis, houding en vaardigheden), "
    + "verkennen, verbeelden, vormgeven en verankeren van de aanpak van armoede en schulden.",
  NJI_ZEVEN_STAPPEN: "Zeven stappen van het NJi voor armoede in gezinnen: urgentie, samenwerking, gegevens, resultaten, aanpak, "
    + "meten en uitvoeren; na de laatste stap begint u weer bij de gegevens.",
};

export const ROLE = {
  FACILITATOR: "procesbegeleider",
  PARTNER: "partner",
  CLIENT_VOICE: "ervaringsdeskundige",
  EVALUATOR: "evaluator",
  OBSERVER: "toehoorder",
};

export const PARTNER_KIND = {
  GEMEENTE: "Gemeente",
  SCHULDHULPVERLENING: "Schuldhulpverlening",
  SOCIAAL_WERK: "Sociaal werk",
  CLIENTENRAAD: "Cliëntenraad",
  ONDERWIJS: "Onderwijs",
  WERKGEVER: "Werkgever",
  WONINGCORPORATIE: "Woningcorporatie",
  ZORG: "Zorg",
  FONDS: "Fonds",
  OVERIG: "Overig",
};

// In the order the werkplaats puts them: the client's perspective first.
export const PERSPECTIVE = {
  CLIENT: "Perspectief van de cliënt",
  PROFESSIONAL: "Perspectief van de professional",
  POLICY: "Beleidsperspectief",
  DATA: "Wat de cijfers zeggen",
};

export const BASIS = {
  CASUISTRY: "Casuïstiek",
  SCIENCE: "Wetenschap",
  PRACTICE: "Praktijk",
};

export const STATUS = {
  PLANNED: "Plan",
  DOING: "Do (uitvoeren)",
  CHECKING: "Check (nagaan)",
  ADOPTED: "Aangenomen",
  ADAPTED: "Bijgesteld",
  ABANDONED: "Gestopt",
};

export const OUTCOME = {
  ADOPT: "Aannemen: zo gaan we het doen",
  ADAPT: "Bijstellen: nieuwe cyclus",
  ABANDON: "Stoppen",
};

// How a lesson in the library (wat werkt) ended: the action's last
// outcome, in the words of the board's columns (STATUS).
export const LESSON_OUTCOME = {
  ADOPT: "aangenomen",
  ADAPT: "bijgesteld",
  ABANDON: "gestopt",
};

export const DIRECTION = {
  INCREASE: "hoger is beter",
  DECREASE: "lager is beter",
};

export const ITEM_KIND = {
  PROBLEM: "probleem",
  SOLUTION: "oplossing",
  ACTION: "actie",
  DECISION: "besluit",
  REFLECTION: "reflectie",
  INDICATOR: "indicator",
  PARTNER: "partner",
  MEMBER: "lid",
  PHASE: "fase",
  GOAL: "doel",
  RISK: "risico",
  JOURNEY: "klantreis",
  CHECKLIST_ITEM: "checklistitem",
};

export const CHANGE = { ADDED: "nieuw", CHANGED: "gewijzigd", REMOVED: "verwijderd" };

export const ERROR = {
  UNAUTHENTICATED: "Dit token werkt niet (meer). Vraag de procesbegeleider om een nieuwe uitnodigingslink.",
  FORBIDDEN: "Uw rol mag dit niet.",
  NOT_FOUND: "Niet gevonden.",
  BAD_USER_INPUT: "De invoer klopt niet",
  CONFLICT: "Iemand anders heeft dit intussen gewijzigd.",
  INVALID_STATE: "Dit kan niet in de huidige stand",
  RATE_LIMITED: "Te veel verzoeken; probeer het zo opnieuw.",
  NETWORK: "De server is niet bereikbaar.",
  INTERNAL: "Er ging iets mis op de server.",
};

export function errorText(error) {
  const text = ERROR[error.code] ?? ERROR.INTERNAL;
  // The server's own message says which field; it is English, so it is
  // given after the Dutch summary.
  return ["BAD_USER_INPUT", "INVALID_STATE"].includes(error.code)
    ? `${text}: ${error.message}`
    : text;
}

export const pairs = (labels) => Object.entries(labels);

export const EVENT = {
  WerkplaatsCreated: "werkplaats geopend",
  PartnerAdded: "partner toegevoegd",
  MemberInvited: "lid uitgenodigd",
  ProblemRecorded: "probleem vastgelegd",
  SolutionProposed: "oplossing voorgesteld",
  DecisionRecorded: "besluit vastgelegd",
  ActionPlanned: "actie gepland",
  ActionRevised: "actie bijgewerkt",
  ActionStarted: "actie gestart",
  ActionChecked: "actie nagegaan",
  ActionConcluded: "actie afgerond",
  ReflectionRecorded: "reflectie vastgelegd",
  IndicatorDefined: "indicator vastgelegd",
  MeasurementRecorded: "meting vastgelegd",
  PhaseAdvanced: "naar de volgende stap",
  CheckpointRecorded: "controlepunt vastgelegd",
  ProblemRevised: "probleem gecorrigeerd",
  SolutionRevised: "oplossing gecorrigeerd",
  IndicatorRevised: "indicator gecorrigeerd",
  GoalRecorded: "doel vastgelegd",
  GoalRevised: "doel gecorrigeerd",
  RiskRecorded: "risico vastgelegd",
  RiskRevised: "risico bijgewerkt",
  DecisionReviewed: "besluit herzien",
  ActionProgressLogged: "voortgang van een actie vastgelegd",
  ClientJourneyStarted: "klantreis begonnen",
  JourneyStepAdded: "stap aan een klantreis toegevoegd",
  JourneyStepAssessed: "stap van een klantreis beoordeeld",
  ChecklistItemAdded: "checklistitem toegevoegd",
  ChecklistItemAnswered: "checklistitem beantwoord",
  LessonsShared: "lessen gedeeld in Wat werkt",
  LessonsUnshared: "lessen niet meer gedeeld in Wat werkt",
  MemberRemoved: "lid verwijderd",
  RoleChanged: "rol van een lid gewijzigd",
  MemberForgotten: "lid vergeten (persoonsgegevens gewist)",
  IdentityLinked: "inlog gekoppeld aan een lid",
  InvitationReissued: "nieuwe uitnodigingslink gemaakt",
  TokenRotated: "eigen token vernieuwd",
};

// An event type without a name here (added to the server later) reads as
// words rather than as an identifier.
export const eventText = (type) => EVENT[type]
  ?? `gebeurtenis: ${type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()}`;

// The method (method.graphql): step guides, goals, risks, the three
// hulpmiddelen and reviews.

// The hulpmiddelen of a step, and the view each opens.
export const TOOL = {
  CHECKLIST: ["Checklist kennis, houding en vaardigheden", "checklist"],
  KLANTREIS: ["Klantreis", "klantreis"],
  PDCA: ["PDCA-formulier", "pdca"],
  GOALS: ["Doelen en resultaten", "doelen"],
  RISKS: ["Risico's", "risicos"],
  INDICATORS: ["Indicatoren", "evaluatie"],
};

export const INDICATOR_KIND = {
  PROCESS: "procesindicator",
  OUTPUT: "prestatie-indicator (output)",
  OUTCOME: "effectindicator (outcome)",
};

export const RISK_LEVEL = { LOW: "laag", MEDIUM: "middel", HIGH: "hoog" };

export const RISK_STATUS = {
  OPEN: "open",
  MITIGATED: "beperkt",
  OCCURRED: "opgetreden",
  CLOSED: "afgesloten",
};

export const CAPITAL = {
  PSYCHOLOGICAL: "psychologisch kapitaal",
  SOCIAL: "sociaal kapitaal",
  SOCIETAL: "maatschappelijk kapitaal",
};

// The rungs of the Erkenningsregeling for social interventions.
export const RECOGNITION = {
  NOT_ASSESSED: "niet beoordeeld",
  WELL_DESCRIBED: "goed beschreven",
  WELL_FOUNDED: "goed onderbouwd",
  EFFECTIVE_FIRST_INDICATIONS: "effectief volgens eerste aanwijzingen",
  EFFECTIVE_GOOD_INDICATIONS: "effectief volgens goede aanwijzingen",
  EFFECTIVE_STRONG_INDICATIONS: "effectief volgens sterke aanwijzingen",
};

export const REVIEW_OUTCOME = {
  KEEP: "Handhaven",
  REVISE: "Bijstellen",
  RETIRE: "Intrekken",
};

export const QUALITY = { GOOD: "goed", ADEQUATE: "voldoende", POOR: "onvoldoende" };

// The four judgements of a step in the client journey.
export const JUDGEMENT = {
  knowledge: "Kennis",
  attitude: "Houding",
  skills: "Vaardigheden",
  clientCentred: "Cliëntgericht",
};

export const COMPETENCE = {
  KNOWLEDGE: "Kennis",
  ATTITUDE: "Houding",
  SKILLS: "Vaardigheden",
};

export const ANSWER = { YES: "ja", PARTLY: "deels", NO: "nee" };
