// Dutch names for the contract's enum values and error codes.

export const METHODOLOGY = {
  SCHOUDERS_ERONDER: "Schouders Eronder",
  MOVISIE_VIJF_STAPPEN: "Movisie/Divosa vijf stappen",
  NJI_ZEVEN_STAPPEN: "NJi zeven stappen",
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
};

export const CHANGE = { ADDED: "nieuw", CHANGED: "gewijzigd", REMOVED: "verwijderd" };

export const ERROR = {
  UNAUTHENTICATED: "Dit token is onbekend. Meld u opnieuw aan.",
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
};

export const eventText = (type) => EVENT[type] ?? type;
