//! The step plans' own content: a guide for every step, the nine standard
//! statements of the checklist kennis, houding en vaardigheden, and the
//! indicator templates.
//!
//! This is method data, not events. The texts are the same for every
//! werkplaats and at every moment of its history, so writing them into each
//! stream would only copy them, and rewording a guide would then mean
//! rewriting history or leaving old werkplaatsen with old wording. What does
//! belong in the stream is what a werkplaats does with them: the phase it is
//! in, its answers to a checklist item, an indicator it defines from a
//! template. A guide is a function of the methodology and the phase, so a
//! read at `asOfVersion` still finds the guide of the phase it was in then;
//! and the standard checklist items exist without an event, which is why
//! `createWerkplaats` still leaves version 2.
//!
//! The Dutch texts are the server's own words, written from the public step
//! plans (Movisie/Divosa, NJi, Kennisland on Schouders Eronder); each guide
//! names the step it follows in `source`.

use super::{Competence, Direction, IndicatorKind, MethodTool, Methodology};

/// What one step of a step plan is for.
#[derive(Debug)]
pub struct StepGuide {
    /// What the partners have reached when the step is done (the step
    /// plan's "resultaat").
    pub result: &'static str,
    /// What the step is about, in a few sentences.
    pub about: &'static str,
    /// The questions that lead the step.
    pub questions: &'static [&'static str],
    /// The tools that serve this step, in the order of [`MethodTool`]. They
    /// guide; they never forbid a mutation in another phase.
    pub tools: &'static [MethodTool],
    /// The step plan and step this guide is written from, so a partner can
    /// look up the original.
    pub source: &'static str,
}

/// The guide of a phase; `phase` counts from 1, as `Phase::number` does.
pub fn guide(methodology: Methodology, phase: u32) -> Option<&'static StepGuide> {
    let plan: &'static [StepGuide] = match methodology {
        Methodology::SchoudersEronder => &SCHOUDERS_ERONDER,
        Methodology::MovisieVijfStappen => &MOVISIE_VIJF_STAPPEN,
        Methodology::NjiZevenStappen => &NJI_ZEVEN_STAPPEN,
    };
    plan.get(usize::try_from(phase).ok()?.checked_sub(1)?)
}

static SCHOUDERS_ERONDER: [StepGuide; 3] = [
    StepGuide {
        result: "De partners hebben samen in beeld welke knelpunten er in de schuldhulpverlening zijn, gezien door de ogen van inwoners met schulden en vanuit het werk van ieder van hen.",
        about: "In de werkplaats staat één vraagstuk centraal. Professionals van de gemeente en van de ketenpartners, zoals sociaal werk, cliëntenraad, onderwijs en werkgevers, bekijken het elk vanuit hun eigen rol. Wat de inwoner met schulden meemaakt en nodig heeft, weegt het zwaarst. Daarnaast kijken jullie naar de kennis en kunde van de professionals, naar de samenwerking in de keten en naar de ruimte die een hulpverlener krijgt om te doen wat nodig is.",
        questions: &[
            "Hoe willen inwoners met schulden zelf het liefst geholpen worden, en wat merken zij nu van onze hulp?",
            "Weten en kunnen onze professionals genoeg om mensen met schulden goed te helpen?",
            "Waar loopt de samenwerking tussen de partners in de keten vast?",
            "Heeft de schuldhulpverlener genoeg mandaat om te doen wat hij of zij nodig vindt?",
        ],
        tools: &[MethodTool::Checklist, MethodTool::Klantreis],
        source: "Methodiek Schouders Eronder, stap 1: Probleemanalyse",
    },
    StepGuide {
        result: "De partners hebben oplossingen voor de knelpunten bedacht en de eerste al in de praktijk uitgeprobeerd, zodat ze weten wat wel en wat niet werkt.",
        about: "Jullie zoeken samen naar oplossingen en putten daarbij uit echte casussen, uit wetenschappelijke kennis en uit de praktijkervaring van iedereen aan tafel. Een idee blijft in deze werkplaatsen niet lang op papier: jullie proberen het meteen uit en kijken wat het de inwoner oplevert. Houd daarbij bij wat er mis kan gaan.",
        questions: &[
            "Welke casussen laten het knelpunt het duidelijkst zien, en wat had de inwoner daar geholpen?",
            "Wat weten we uit onderzoek over oplossingen voor dit knelpunt?",
            "Welke oplossing kunnen we meteen uitproberen, en wat kan daarbij misgaan?",
        ],
        tools: &[MethodTool::Risks],
        source: "Methodiek Schouders Eronder, stap 2: Oplossingen verkennen",
    },
    StepGuide {
        result: "Er ligt een actieplan, de verbeteringen zijn in het werkproces ingevoerd en de partners hebben geëvalueerd wat die verbeteringen inwoners met schulden opleveren.",
        about: "De oplossingen die werken, leggen jullie vast in een actieplan met doelen en concrete verbeterstappen. Die stappen voeren jullie in het dagelijkse werk in, en daarna gaan jullie samen na of ze doen wat ze moeten doen. Wat niet werkt, stellen jullie bij: zo blijft de organisatie leren. Ook hier is het perspectief van de inwoner de maat.",
        questions: &[
            "Welke verbeterstappen nemen we op in het actieplan, en wie is waarvoor verantwoordelijk?",
            "Waaraan zien we dat de hulp aan inwoners met schulden beter is geworden?",
            "Wat leren we van de evaluatie, en wat passen we daarom aan?",
        ],
        tools: &[MethodTool::Pdca, MethodTool::Goals, MethodTool::Indicators],
        source: "Methodiek Schouders Eronder, stap 3: Actieplan opstellen, verbeteren en evalueren",
    },
];

static MOVISIE_VIJF_STAPPEN: [StepGuide; 5] = [
    StepGuide {
        result: "De partners hebben een helder beeld van hoe armoede en schulden er in hun gemeente voor staan, en van wat hun organisaties daarover al weten en eraan doen.",
        about: "Voordat jullie een plan maken, brengen jullie de uitgangssituatie in kaart: welke inwoners hebben met armoede en schulden te maken, en wat doen de gemeente, de wijkteams, de maatschappelijke organisaties en de vrijwilligers er nu al aan? Met de checklist kennis, houding en vaardigheden gaat elke organisatie na wat haar mensen weten, hoe zij naar inwoners kijken en wat zij kunnen.",
        questions: &[
            "Wat speelt er in onze gemeente rond armoede en schulden, en bij welke groepen inwoners?",
            "Wat weten we al over een goede aanpak, en brengen we die kennis ook in de praktijk?",
            "Maken we gebruik van de talenten, het netwerk, de opleiding en het werk van inwoners?",
        ],
        tools: &[MethodTool::Checklist],
        source: "Stappenplan Movisie/Divosa, stap 1: Voorbereiden",
    },
    StepGuide {
        result: "De partners weten wat er goed gaat in hun aanpak, waar die vastloopt en welke kansen er liggen om hem te verbeteren.",
        about: "Jullie onderzoeken hoe de huidige aanpak in de praktijk uitpakt. Een goede manier daarvoor is de klantreis: volg hoe een inwoner binnenkomt en wat er daarna stap voor stap gebeurt. Zo zien jullie hoe goed het contact is, wat het de inwoner oplevert en waar hij of zij blijft hangen. Eén klantreis uittekenen kost ongeveer een uur.",
        questions: &[
            "Hoe komt een inwoner met geldzorgen bij ons binnen, en wat gebeurt er daarna?",
            "Wat werkt al goed, en waar ontstaan wachttijd of misverstanden?",
            "Welke mogelijkheden om te verbeteren zien we?",
        ],
        tools: &[MethodTool::Klantreis],
        source: "Stappenplan Movisie/Divosa, stap 2: Verkennen",
    },
    StepGuide {
        result: "De partners hebben een gezamenlijk doel, weten welke acties nodig zijn om het te bereiken en wie welke actie uitvoert, en kennen de risico's en wat die kleiner maakt.",
        about: "Met wat de verkenning opleverde, spreken jullie af waar jullie samen naartoe willen. Dat doel vertalen jullie in acties die zo concreet mogelijk zijn, elk met iemand die haar trekt: dit is het plan van de PDCA-cyclus. Sta ook stil bij wat het plan kan laten mislukken en wat jullie doen om dat te voorkomen.",
        questions: &[
            "Welk doel willen we met alle partners samen bereiken?",
            "Welke concrete acties brengen ons dichter bij dat doel, en wie neemt welke actie op zich?",
            "Welke risico's lopen we, en wat doen we om ze kleiner te maken?",
        ],
        tools: &[MethodTool::Pdca, MethodTool::Goals, MethodTool::Risks],
        source: "Stappenplan Movisie/Divosa, stap 3: Verbeelden",
    },
    StepGuide {
        result: "De acties zijn in de praktijk uitgevoerd, en knelpunten onderweg hebben de partners samen aangepakt, zodat het doel binnen bereik blijft.",
        about: "Nu gaan jullie aan de slag. Houd bij wat jullie doen, zodat te zien is of een actie aan het doel bijdraagt. Evalueer elke actie en besluit dan of jullie ermee doorgaan, haar aanpassen of ermee stoppen; wat jullie leren kan tot een nieuw plan leiden. Loopt er iets vast, bespreek dan met elkaar wat er nodig is om het doel toch te halen.",
        questions: &[
            "Doen we wat we hebben afgesproken, en houden we bij wat we doen?",
            "Draagt deze actie bij aan ons doel, en gaan we ermee door?",
            "Welk knelpunt staat het doel in de weg, en wat hebben we van elkaar nodig om het op te lossen?",
        ],
        tools: &[MethodTool::Pdca],
        source: "Stappenplan Movisie/Divosa, stap 4: Vormgeven",
    },
    StepGuide {
        result: "De partners weten wat er is bereikt en wat nog niet goed gaat, hebben een eindevaluatie gehouden en hebben aanbevelingen opgesteld om het beleid verder te ontwikkelen en voort te zetten.",
        about: "In deze laatste stap zorgen jullie ervoor dat wat werkt ook blijft. Jullie zetten op een rij wat de aanpak tot nu toe heeft opgeleverd en waar het nog schuurt, en houden een eindevaluatie. Daaruit volgen aanbevelingen: wat krijgt een vaste plek in het gewone beleid en werk, en wat moet nog beter?",
        questions: &[
            "Wat hebben we tot nu toe bereikt, en wat laten de indicatoren zien?",
            "Wat gaat nog niet goed?",
            "Welke aanbevelingen doen we om het beleid verder te ontwikkelen en voort te zetten?",
        ],
        tools: &[MethodTool::Indicators],
        source: "Stappenplan Movisie/Divosa, stap 5: Verankeren",
    },
];

static NJI_ZEVEN_STAPPEN: [StepGuide; 7] = [
    StepGuide {
        result: "De partners weten welke opgave er ligt, zien die als een opgave van hen samen en voelen de urgentie om er gezamenlijk aan te werken.",
        about: "Gezinnen in armoede moeten nu vaak bij veel verschillende loketten, regelingen en initiatieven aankloppen. Breng daarom alle betrokkenen bij elkaar: de afdelingen van de gemeente (jeugd, werk en inkomen, schuldhulpverlening, Wmo), onderwijs, kinderopvang, wijkteams, jeugdgezondheidszorg, sport en cultuur, welzijnswerk, fondsen, vrijwilligers en ervaringsdeskundigen. De opgave kan gaan over een hoger inkomen voor ouders en over het verzachten van de gevolgen van armoede voor kinderen; houd beide in het oog. Precies hoeft het nog niet: benoem wat jullie opvalt en waar jullie tegenaan lopen.",
        questions: &[
            "Wat valt ons op aan armoede in gezinnen in onze gemeente, en waar lopen we tegenaan?",
            "Wie moeten er aan tafel zitten, ervaringsdeskundigen inbegrepen?",
            "Richten we ons op het inkomen van ouders, op het verzachten van de gevolgen voor kinderen, of op allebei?",
        ],
        tools: &[],
        source: "Stappenplan NJi, stap 1: Gezamenlijke urgentie zoeken",
    },
    StepGuide {
        result: "Alle partners hebben afgesproken aan één samenhangende aanpak te werken. Het is duidelijk wie de regie heeft en wie het overzicht over de netwerken houdt, en er zijn afspraken over hoe het plan tot stand komt, hoe er wordt besloten en hoe de aanpak op lange termijn geborgd blijft.",
        about: "Een samenhangende aanpak vraagt mensen uit verschillende werkvelden. Bepaal welke afdelingen van jullie gemeente erbij horen en waar de aanpak wordt voorbereid, afgestemd en vastgehouden. Zoek regisseurs: sleutelfiguren die de bestaande overleggen en de besluitvorming kennen. Spreek ook af hoe kinderen, jongeren en ouders het hele traject meedenken.",
        questions: &[
            "Wie heeft de regie, en wie houdt het overzicht over de netwerken?",
            "Hoe en waar nemen we besluiten, en hoe borgen we de aanpak op lange termijn?",
            "Hoe betrekken we kinderen, jongeren, ouders en ervaringsdeskundigen bij elke stap?",
        ],
        tools: &[],
        source: "Stappenplan NJi, stap 2: Samenwerking en besluitvorming organiseren",
    },
    StepGuide {
        result: "De partners hebben gegevens verzameld over hoe het gaat met kinderen, jongeren en gezinnen in hun gemeente of regio, en die samen geanalyseerd en geduid.",
        about: "Breng in kaart welke zorgen en kansen er zijn; die kunnen per school, wijk of gezin verschillen. Begin bij de cijfers die er al zijn, zoals de KansenKaart, het CBS-dashboard over kinderen in armoede en Waarstaatjegemeente.nl, en vul ze aan met eigen gegevens: hoeveel gezinnen zitten in de schuldhulpverlening of leven van een bijstandsuitkering, en hoeveel gebruik wordt er van de voorzieningen gemaakt? Verzamel ook verhalen en signalen van professionals, jongeren en ouders. Bespreek daarna samen wat dat beeld betekent.",
        questions: &[
            "Wat laten de cijfers zien over kinderen en gezinnen in armoede bij ons?",
            "Welke signalen en verhalen horen we van professionals, jongeren en ouders?",
            "Wat betekent dit beeld voor onze gemeente, en waar leggen we de focus?",
        ],
        tools: &[MethodTool::Klantreis, MethodTool::Indicators],
        source: "Stappenplan NJi, stap 3: Gegevens verzamelen",
    },
    StepGuide {
        result: "Op grond van de gezamenlijke analyse hebben de partners concrete maatschappelijke resultaten voor kinderen en jongeren geformuleerd, elk met indicatoren.",
        about: "Uit de analyse volgen ambities en speerpunten voor de korte en de lange termijn. Die vertalen jullie, het liefst samen met jongeren en ouders, in maatschappelijke resultaten: doelen voor de lange termijn, gericht op minder kinderen in armoede of op minder zware gevolgen ervan. Kies bij elk resultaat indicatoren met een norm of streefwaarde, bijvoorbeeld minder gezinnen in de bijstand of meer kinderen die sporten of aan cultuur doen.",
        questions: &[
            "Welke maatschappelijke resultaten willen we op lange termijn voor kinderen en jongeren bereiken?",
            "Waaraan zien we dat we op de goede weg zijn, en welke norm stellen we ons?",
            "Hebben jongeren en ouders meegedacht over deze resultaten?",
        ],
        tools: &[MethodTool::Goals, MethodTool::Indicators],
        source: "Stappenplan NJi, stap 4: Maatschappelijke resultaten formuleren",
    },
    StepGuide {
        result: "Er is een aanpak vormgegeven die de maatschappelijke resultaten dichterbij brengt. De betrokken professionals kennen hun rol en hun bijdrage, en zijn erop toegerust.",
        about: "Kies passende activiteiten en interventies en spreek af wie ze uitvoert. Kijk eerst wat al goed loopt en of dat kan worden versterkt, en bepaal dan wat er nog bij moet. Doelgerichte, samenhangende aanpakken die met lokale partners voor langere tijd lopen en geregeld worden geëvalueerd, werken het best. De effectiviteitscriteria van het werkblad helpen om bestaande en nieuwe aanpakken te beoordelen.",
        questions: &[
            "Welke bestaande aanpakken lopen al goed, en kunnen we die versterken?",
            "Wat is er daarnaast nodig om aan te sluiten bij wat kinderen, jongeren en gezinnen nodig hebben?",
            "Wie voert wat uit, en weten de professionals wat hun rol is?",
        ],
        tools: &[MethodTool::Pdca],
        source: "Stappenplan NJi, stap 5: Een passende aanpak vormgeven",
    },
    StepGuide {
        result: "De partners hebben afspraken gemaakt over hoe zij de inzet, de activiteiten en de resultaten van het plan volgen.",
        about: "Monitoring hoort bij elk verbeterproces en is geen losse klus achteraf. Spreek vooraf af hoe jullie het proces, de output en de outcome volgen, op korte en op lange termijn, en bespreek die cijfers geregeld met jongeren, ouders en professionals. Zo kunnen jullie bijsturen als de doelen niet dichterbij komen of als andere speerpunten belangrijker worden. Kijk bij gezinnen in armoede ook naar het gebruik van voorzieningen: dat laat zien of inwoners de regelingen kennen.",
        questions: &[
            "Doen we de goede dingen, en doen we de dingen goed?",
            "Hoe volgen we het proces, de output en de outcome, en hoe vaak bespreken we die?",
            "Met wie duiden we de cijfers, en hoe sturen we op grond daarvan bij?",
        ],
        tools: &[MethodTool::Indicators],
        source: "Stappenplan NJi, stap 6: Afspraken over meten en bijsturen",
    },
    StepGuide {
        result: "De gemeente en de partners hebben het plan goedgekeurd en voeren het uit. Ze hebben afgesproken elkaar te blijven informeren en ontmoeten, zodat ze al lerend blijvende effecten voor kinderen en jongeren bereiken.",
        about: "Zet de middelen, mensen en activiteiten in die het plan vraagt, en veranker het zo veel mogelijk in het gewone beleid en de bestaande organisatie. Blijf elkaar tijdens de uitvoering opzoeken en op de hoogte houden, ook buiten de vaste monitoringsmomenten, en houd contact met ouders en jongeren. Dit is geen eindpunt: de aanpak is een cyclus van meten, leren en verbeteren, en vanaf hier gaan jullie meestal terug naar stap 3, gegevens verzamelen en samen duiden.",
        questions: &[
            "Zijn de middelen, mensen en activiteiten ingezet die het plan nodig heeft?",
            "Hoe blijven we elkaar, en ouders en jongeren, informeren en ontmoeten?",
            "Wat hebben we geleerd, en welke gegevens verzamelen we als we terugkeren naar stap 3?",
        ],
        tools: &[MethodTool::Pdca],
        source: "Stappenplan NJi, stap 7: De aanpak uitvoeren",
    },
];

/// One standard statement of the checklist kennis, houding en vaardigheden
/// (Movisie/Divosa hulpmiddel 1), which each partner answers with yes,
/// partly or no for its own organisation.
#[derive(Debug)]
pub struct ChecklistStatement {
    pub competence: Competence,
    pub statement: &'static str,
}

/// The nine statements every werkplaats starts with, grouped by competence
/// because the contract lists them that way and partners compare their
/// answers per competence.
pub const STANDARD_CHECKLIST: [ChecklistStatement; 9] = [
    ChecklistStatement {
        competence: Competence::Knowledge,
        statement: "Onze medewerkers weten hoe schulden en armoede ontstaan en wat ze met mensen doen, zoals stress en schaamte.",
    },
    ChecklistStatement {
        competence: Competence::Knowledge,
        statement: "Onze medewerkers kennen de regelingen en voorzieningen voor inwoners met een laag inkomen of schulden, en weten naar wie ze kunnen verwijzen.",
    },
    ChecklistStatement {
        competence: Competence::Knowledge,
        statement: "Onze medewerkers weten welke aanpakken van armoede en schulden bewezen of veelbelovend zijn.",
    },
    ChecklistStatement {
        competence: Competence::Attitude,
        statement: "Onze medewerkers benaderen inwoners met geldzorgen met respect en zonder oordeel.",
    },
    ChecklistStatement {
        competence: Competence::Attitude,
        statement: "Onze medewerkers gaan uit van wat inwoners zelf kunnen: hun talenten, hun sociale netwerk, hun opleiding en hun werk.",
    },
    ChecklistStatement {
        competence: Competence::Attitude,
        statement: "Onze medewerkers zien inwoners als mensen die iets voor de samenleving kunnen betekenen, en dagen hen daartoe uit.",
    },
    ChecklistStatement {
        competence: Competence::Skills,
        statement: "Onze medewerkers herkennen signalen van geldzorgen en maken die op tijd bespreekbaar.",
    },
    ChecklistStatement {
        competence: Competence::Skills,
        statement: "Onze medewerkers zetten hun kennis over armoede en schulden om in concrete acties met en voor de inwoner.",
    },
    ChecklistStatement {
        competence: Competence::Skills,
        statement: "Onze medewerkers werken samen met andere organisaties en dragen een inwoner persoonlijk over als een ander beter kan helpen.",
    },
];

/// A ready-made indicator a facilitator can define with one call, so that
/// werkplaatsen measuring the same thing use the same name and unit and can
/// compare.
#[derive(Debug)]
pub struct IndicatorTemplate {
    pub key: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub direction: Direction,
    pub kind: IndicatorKind,
    /// Why this indicator, and which step plan names it.
    pub about: &'static str,
}

/// The templates in the order `indicatorTemplates` lists them: process,
/// then output, then outcome, the order in which effects show.
pub const INDICATOR_TEMPLATES: [IndicatorTemplate; 6] = [
    IndicatorTemplate {
        key: "vroegsignalering_tijdig_opgevolgd",
        name: "Signalen van betalingsachterstanden tijdig opgevolgd",
        unit: "%",
        direction: Direction::Increase,
        kind: IndicatorKind::Process,
        about: "Het deel van de signalen over (dreigende) betalingsachterstanden waarop op het juiste moment een aanbod van hulp volgde. Vroegsignalering helpt pas als er op een signaal ook goed vervolg komt, en de Inspectie SZW vraagt gemeenten te registreren welke inwoners op tijd in beeld komen; Movisie noemt dit bij wat werkt in de aanpak van schulden. Als procesindicator hoort het bij het volgen van het proces in stap 6 van het stappenplan NJi.",
    },
    IndicatorTemplate {
        key: "doorlooptijd_tot_hulp",
        name: "Doorlooptijd tot hulp",
        unit: "dagen",
        direction: Direction::Decrease,
        kind: IndicatorKind::Process,
        about: "Het aantal dagen tussen het moment dat een inwoner zich meldt of in beeld komt en het moment dat de hulp begint. Wachten kost mensen met schulden geld en moed. De klantreis, hulpmiddel 2 van het stappenplan Movisie/Divosa, laat zien hoe lang elke stap duurt; deze procesindicator volgt of die tijd korter wordt.",
    },
    IndicatorTemplate {
        key: "gebruik_voorzieningen",
        name: "Gebruik van voorzieningen",
        unit: "%",
        direction: Direction::Increase,
        kind: IndicatorKind::Output,
        about: "Het deel van de huishoudens met recht op een regeling of voorziening dat die ook gebruikt. Het stappenplan NJi noemt het gebruik van voorzieningen bij het verzamelen van gegevens (stap 3) en bij meten en bijsturen (stap 6), omdat het laat zien of inwoners de regelingen kennen.",
    },
    IndicatorTemplate {
        key: "kinderen_sport_cultuur",
        name: "Kinderen die meedoen aan sport en cultuur",
        unit: "%",
        direction: Direction::Increase,
        kind: IndicatorKind::Outcome,
        about: "Het deel van de kinderen uit gezinnen met een laag inkomen dat sport of aan cultuur meedoet. Meedoen verkleint de kans dat kinderen in armoede buiten de groep vallen. Het stappenplan NJi geeft dit in stap 4 als voorbeeld van een indicator bij een maatschappelijk resultaat.",
    },
    IndicatorTemplate {
        key: "huishoudens_bijstand",
        name: "Huishoudens met een bijstandsuitkering",
        unit: "aantal",
        direction: Direction::Decrease,
        kind: IndicatorKind::Outcome,
        about: "Het aantal huishoudens dat van een bijstandsuitkering moet rondkomen. Een daling wijst op minder gezinnen in armoede. Het stappenplan NJi noemt dit cijfer bij de eigen gegevens van stap 3 en als voorbeeld van een effectindicator in stap 4.",
    },
    IndicatorTemplate {
        key: "voortijdig_schoolverlaters",
        name: "Voortijdig schoolverlaters",
        unit: "aantal",
        direction: Direction::Decrease,
        kind: IndicatorKind::Outcome,
        about: "Het aantal jongeren dat zonder startkwalificatie van school gaat. Opgroeien in armoede drukt op het toekomstperspectief van kinderen, en een diploma is een van de beste wegen eruit. Het stappenplan NJi noemt dit cijfer (via Waarstaatjegemeente.nl) bij de gegevens van stap 3; als resultaat voor jongeren hoort het bij stap 4.",
    },
];

/// The template with this key; `None` for a key the server does not know.
pub fn template(key: &str) -> Option<&'static IndicatorTemplate> {
    // Named as a 'static borrow so the answer outlives the call; a const
    // without interior mutability is promoted to a static.
    let all: &'static [IndicatorTemplate] = &INDICATOR_TEMPLATES;
    all.iter().find(|t| t.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const METHODOLOGIES: [Methodology; 3] = [
        Methodology::SchoudersEronder,
        Methodology::MovisieVijfStappen,
        Methodology::NjiZevenStappen,
    ];

    #[test]
    fn every_phase_of_every_plan_has_a_full_guide() {
        for m in METHODOLOGIES {
            let phases = m.phases();
            for phase in &phases {
                let g = guide(m, phase.number)
                    .unwrap_or_else(|| panic!("{m:?} phase {} has no guide", phase.number));
                assert!(!g.result.is_empty(), "{m:?} {}", phase.number);
                assert!(!g.about.is_empty(), "{m:?} {}", phase.number);
                assert!(!g.source.is_empty(), "{m:?} {}", phase.number);
                assert!(g.questions.len() >= 2, "{m:?} {}", phase.number);
                assert!(g.questions.iter().all(|q| !q.is_empty()));
                assert!(
                    g.source.contains(&format!("stap {}:", phase.number)),
                    "{m:?} {} cites {}",
                    phase.number,
                    g.source
                );
            }
            // A guide beyond the plan would be a step nobody can reach.
            assert!(guide(m, 0).is_none());
            assert!(guide(m, phases.len() as u32 + 1).is_none());
        }
    }

    #[test]
    fn each_guide_names_its_own_step_plan() {
        for (m, plan) in [
            (Methodology::SchoudersEronder, "Schouders Eronder"),
            (Methodology::MovisieVijfStappen, "Movisie/Divosa"),
            (Methodology::NjiZevenStappen, "NJi"),
        ] {
            for phase in m.phases() {
                assert!(guide(m, phase.number).unwrap().source.contains(plan));
            }
        }
    }

    #[test]
    fn tools_are_the_contracts_table() {
        use MethodTool::*;
        let table: [(Methodology, &[&[MethodTool]]); 3] = [
            (
                Methodology::SchoudersEronder,
                &[
                    &[Checklist, Klantreis],
                    &[Risks],
                    &[Pdca, Goals, Indicators],
                ],
            ),
            (
                Methodology::MovisieVijfStappen,
                &[
                    &[Checklist],
                    &[Klantreis],
                    &[Pdca, Goals, Risks],
                    &[Pdca],
                    &[Indicators],
                ],
            ),
            (
                Methodology::NjiZevenStappen,
                &[
                    &[],
                    &[],
                    &[Klantreis, Indicators],
                    &[Goals, Indicators],
                    &[Pdca],
                    &[Indicators],
                    &[Pdca],
                ],
            ),
        ];
        for (m, tools) in table {
            assert_eq!(m.phases().len(), tools.len(), "{m:?}");
            for (number, expected) in (1..).zip(tools) {
                let actual = guide(m, number).unwrap().tools;
                assert_eq!(actual, *expected, "{m:?} phase {number}");
                assert!(actual.windows(2).all(|w| w[0] < w[1]), "enum order");
            }
        }
    }

    #[test]
    fn the_issue_asks_these_facts_of_the_guides() {
        let nji = |n| guide(Methodology::NjiZevenStappen, n).unwrap();
        let movisie = |n| guide(Methodology::MovisieVijfStappen, n).unwrap();
        for level in ["proces", "output", "outcome"] {
            assert!(nji(6).about.contains(level), "{level}");
        }
        assert!(nji(7).about.contains("stap 3"));
        for fact in ["gezamenlijk doel", "acties", "wie welke actie", "risico's"] {
            assert!(movisie(3).result.contains(fact), "{fact}");
        }
        for fact in ["bereikt", "eindevaluatie", "aanbevelingen"] {
            assert!(movisie(5).result.contains(fact), "{fact}");
        }
        for n in 1..=3 {
            let g = guide(Methodology::SchoudersEronder, n).unwrap();
            assert!(g.about.contains("inwoner"), "phase {n}");
        }
    }

    #[test]
    fn checklist_is_three_knowledge_then_attitude_then_skills() {
        let competences: Vec<Competence> =
            STANDARD_CHECKLIST.iter().map(|s| s.competence).collect();
        use Competence::*;
        assert_eq!(
            competences,
            [
                Knowledge, Knowledge, Knowledge, Attitude, Attitude, Attitude, Skills, Skills,
                Skills
            ]
        );
        assert!(STANDARD_CHECKLIST.iter().all(|s| !s.statement.is_empty()));
    }

    #[test]
    fn templates_are_the_contracts_table() {
        use Direction::*;
        use IndicatorKind::*;
        let expected = [
            ("vroegsignalering_tijdig_opgevolgd", "%", Increase, Process),
            ("doorlooptijd_tot_hulp", "dagen", Decrease, Process),
            ("gebruik_voorzieningen", "%", Increase, Output),
            ("kinderen_sport_cultuur", "%", Increase, Outcome),
            ("huishoudens_bijstand", "aantal", Decrease, Outcome),
            ("voortijdig_schoolverlaters", "aantal", Decrease, Outcome),
        ];
        for (t, (key, unit, direction, kind)) in INDICATOR_TEMPLATES.iter().zip(expected) {
            assert_eq!(
                (t.key, t.unit, t.direction, t.kind),
                (key, unit, direction, kind)
            );
            assert!(!t.name.is_empty() && !t.about.is_empty(), "{key}");
            assert_eq!(template(key).unwrap().key, key);
        }
        assert!(template("onbekend").is_none());
    }
}
