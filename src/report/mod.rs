//! The evaluation report: one self-contained HTML page with the question,
//! partners, phase history, problems and solutions, client journeys, the
//! checklist kennis, houding en vaardigheden, goals, risks, a chart per
//! indicator, every PDCA cycle with its log, the decision log with its
//! reviews and the reflections per phase.
//!
//! Rendering is pure over the read model, so it is tested without a
//! database; [`load`] is the one place that reads the store. The page has no external assets
//! (inline CSS and SVG only) because municipal networks block CDNs and
//! evaluators open the file offline. Interface text is Dutch.

mod chart;
pub mod cli;
mod load;

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::app::WerkplaatsAt;
use crate::domain::{
    ActOutcome, ActionStatus, ChecklistAnswerValue, Competence, Direction, EmpowermentCapital,
    EvidenceBasis, IndicatorKind, Methodology, PartnerKind, Perspective, Quality, RecognitionLevel,
    ReviewOutcome, RiskLevel, RiskStatus, Role,
};
use crate::projections::{ActionView, CycleView, WerkplaatsView};

pub use chart::{line_chart, text_alternative};
pub use load::load;

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number the Dutch way: decimal comma, at most two decimals, no
/// trailing zeros.
fn format_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let text = if text == "-0" { "0" } else { text };
    text.replace('.', ",")
}

fn format_date(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

fn format_time(at: DateTime<Utc>) -> String {
    at.format("%d-%m-%Y %H:%M UTC").to_string()
}

fn methodology_name(methodology: Methodology) -> &'static str {
    match methodology {
        Methodology::SchoudersEronder => "Schouders Eronder",
        Methodology::MovisieVijfStappen => "Movisie/Divosa vijf stappen",
        Methodology::NjiZevenStappen => "NJi zeven stappen",
    }
}

fn phase_title(methodology: Methodology, number: u32) -> String {
    match methodology.phase(number) {
        Some(phase) => format!("{number}. {}", phase.title),
        None => format!("Fase {number}"),
    }
}

fn partner_kind(kind: PartnerKind) -> &'static str {
    match kind {
        PartnerKind::Gemeente => "gemeente",
        PartnerKind::Schuldhulpverlening => "schuldhulpverlening",
        PartnerKind::SociaalWerk => "sociaal werk",
        PartnerKind::Clientenraad => "cliëntenraad",
        PartnerKind::Onderwijs => "onderwijs",
        PartnerKind::Werkgever => "werkgever",
        PartnerKind::Woningcorporatie => "woningcorporatie",
        PartnerKind::Zorg => "zorg",
        PartnerKind::Fonds => "fonds",
        PartnerKind::Overig => "overig",
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Facilitator => "facilitator",
        Role::Partner => "partner",
        Role::ClientVoice => "ervaringsdeskundige",
        Role::Evaluator => "evaluator",
        Role::Observer => "waarnemer",
    }
}

fn status_name(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::Planned => "gepland",
        ActionStatus::Doing => "in uitvoering",
        ActionStatus::Checking => "wordt gecontroleerd",
        ActionStatus::Adopted => "overgenomen",
        ActionStatus::Adapted => "bijgesteld",
        ActionStatus::Abandoned => "gestopt",
    }
}

fn outcome_name(outcome: ActOutcome) -> &'static str {
    match outcome {
        ActOutcome::Adopt => "overnemen",
        ActOutcome::Adapt => "bijstellen voor een nieuwe cyclus",
        ActOutcome::Abandon => "stoppen",
    }
}

fn perspective_name(perspective: Perspective) -> &'static str {
    match perspective {
        Perspective::Client => "perspectief van de cliënt",
        Perspective::Professional => "perspectief van de professional",
        Perspective::Policy => "beleidsperspectief",
        Perspective::Data => "wat de cijfers zeggen",
    }
}

fn basis_name(basis: EvidenceBasis) -> &'static str {
    match basis {
        EvidenceBasis::Casuistry => "casuïstiek",
        EvidenceBasis::Science => "wetenschap",
        EvidenceBasis::Practice => "praktijk",
    }
}

fn capital_name(capital: EmpowermentCapital) -> &'static str {
    match capital {
        EmpowermentCapital::Psychological => "psychologisch kapitaal",
        EmpowermentCapital::Social => "sociaal kapitaal",
        EmpowermentCapital::Societal => "maatschappelijk kapitaal",
    }
}

fn recognition_name(recognition: RecognitionLevel) -> &'static str {
    match recognition {
        RecognitionLevel::NotAssessed => "niet beoordeeld",
        RecognitionLevel::WellDescribed => "goed beschreven",
        RecognitionLevel::WellFounded => "goed onderbouwd",
        RecognitionLevel::EffectiveFirstIndications => "effectief volgens eerste aanwijzingen",
        RecognitionLevel::EffectiveGoodIndications => "effectief volgens goede aanwijzingen",
        RecognitionLevel::EffectiveStrongIndications => "effectief volgens sterke aanwijzingen",
    }
}

fn indicator_kind_name(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Process => "procesindicator",
        IndicatorKind::Output => "prestatie-indicator (output)",
        IndicatorKind::Outcome => "effectindicator (outcome)",
    }
}

fn risk_level_name(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "laag",
        RiskLevel::Medium => "middel",
        RiskLevel::High => "hoog",
    }
}

fn risk_status_name(status: RiskStatus) -> &'static str {
    match status {
        RiskStatus::Open => "open",
        RiskStatus::Mitigated => "beperkt",
        RiskStatus::Occurred => "opgetreden",
        RiskStatus::Closed => "afgesloten",
    }
}

fn quality_name(quality: Option<Quality>) -> &'static str {
    match quality {
        Some(Quality::Good) => "goed",
        Some(Quality::Adequate) => "voldoende",
        Some(Quality::Poor) => "onvoldoende",
        None => "niet beoordeeld",
    }
}

fn competence_name(competence: Competence) -> &'static str {
    match competence {
        Competence::Knowledge => "Kennis",
        Competence::Attitude => "Houding",
        Competence::Skills => "Vaardigheden",
    }
}

fn answer_name(answer: ChecklistAnswerValue) -> &'static str {
    match answer {
        ChecklistAnswerValue::Yes => "ja",
        ChecklistAnswerValue::Partly => "deels",
        ChecklistAnswerValue::No => "nee",
    }
}

fn review_outcome_name(outcome: ReviewOutcome) -> &'static str {
    match outcome {
        ReviewOutcome::Keep => "handhaven",
        ReviewOutcome::Revise => "bijstellen",
        ReviewOutcome::Retire => "intrekken",
    }
}

/// The name of a partner, escaped; `none` (HTML) when there is none.
fn partner_name(view: &WerkplaatsView, id: Option<Uuid>, none: &str) -> String {
    match id {
        Some(id) => escape(
            &view
                .partner(&id)
                .map_or_else(|| id.to_string(), |p| p.name.clone()),
        ),
        None => none.to_owned(),
    }
}

/// `items` as an HTML list, or `empty` (HTML) when there are none.
fn list(items: Vec<String>, empty: &str) -> String {
    if items.is_empty() {
        return empty.to_owned();
    }
    let items: Vec<String> = items.iter().map(|i| format!("<li>{i}</li>")).collect();
    format!("<ul>{}</ul>", items.concat())
}

/// What an id in `basedOn` or `supersedes` refers to, in words.
fn item_name(view: &WerkplaatsView, id: &Uuid) -> String {
    if let Some(p) = view.problem(id) {
        format!("probleem “{}”", p.title)
    } else if let Some(s) = view.solution(id) {
        format!("oplossing “{}”", s.title)
    } else if let Some(a) = view.action(id) {
        format!("actie “{}”", a.title)
    } else if let Some(d) = view.decision(id) {
        format!("besluit “{}”", d.title)
    } else if let Some(i) = view.indicator(id) {
        format!("indicator “{}”", i.name)
    } else if let Some(p) = view.partner(id) {
        format!("partner “{}”", p.name)
    } else if let Some(g) = view.goal(id) {
        format!("doel “{}”", g.statement)
    } else if let Some(r) = view.risk(id) {
        format!("risico “{}”", r.title)
    } else if let Some(j) = view.journey(id) {
        format!("klantreis “{}”", j.title)
    } else if let Some(c) = view.checklist_item(id) {
        format!("checklistvraag “{}”", c.statement)
    } else {
        id.to_string()
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
padding:0 1rem;color:#1b1b1b;line-height:1.5}h1,h2,h3{line-height:1.25}\
table{border-collapse:collapse;width:100%;margin:0.5rem 0 1rem}\
th,td{border:1px solid #888;padding:0.3rem 0.5rem;text-align:left;vertical-align:top}\
th{background:#eee}caption{text-align:left;font-weight:bold;padding:0.3rem 0}\
td.open{font-style:italic;color:#6b1d1d}figure{margin:0 0 1rem}figcaption{font-size:0.95rem}\
.besluit,.actie{border-left:4px solid #1a4f8b;padding-left:1rem;margin-bottom:1.5rem}\
.vervangen{border-left-style:dashed}.meta{color:#444;font-size:0.9rem}";

/// The whole report as an HTML document.
pub fn render(at: &WerkplaatsAt) -> String {
    let view = &at.view;
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Evaluatierapport – {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&view.name)
    );
    let _ = write!(
        html,
        "<h1>Evaluatierapport: {}</h1>\n<p class=\"meta\">Gemeente {} · versie {} · bijgewerkt {}</p>\n",
        escape(&view.name),
        escape(&view.municipality),
        view.version,
        format_time(view.updated_at),
    );
    question(&mut html, view);
    partners(&mut html, at);
    phase_history(&mut html, view);
    problems(&mut html, view);
    solutions(&mut html, view);
    journeys(&mut html, view);
    checklist(&mut html, view);
    goals(&mut html, view);
    risks(&mut html, view);
    indicators(&mut html, view);
    actions(&mut html, at);
    decisions(&mut html, at);
    reflections(&mut html, at);
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

fn question(html: &mut String, view: &WerkplaatsView) {
    let _ = write!(
        html,
        "<section>\n<h2>Vraag</h2>\n<p>{}</p>\n<p>Werkwijze: {}. Huidige fase: {}.</p>\n</section>\n",
        escape(&view.question),
        methodology_name(view.methodology),
        escape(&phase_title(view.methodology, view.phase)),
    );
}

fn partners(html: &mut String, at: &WerkplaatsAt) {
    html.push_str("<section>\n<h2>Partners</h2>\n");
    if at.view.partners.is_empty() {
        html.push_str("<p>Nog geen partners.</p>\n</section>\n");
        return;
    }
    html.push_str(
        "<table>\n<thead><tr><th scope=\"col\">Partner</th><th scope=\"col\">Soort</th>\
         <th scope=\"col\">Leden</th></tr></thead>\n<tbody>\n",
    );
    let members = at.members();
    for partner in &at.view.partners {
        let names: Vec<String> = members
            .iter()
            .filter(|m| m.partner.as_ref().is_some_and(|p| p.id == partner.id))
            .map(|m| format!("{} ({})", escape(&m.name), role_name(m.role)))
            .collect();
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            escape(&partner.name),
            partner_kind(partner.kind),
            names.join(", "),
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn phase_history(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Fasegeschiedenis</h2>\n");
    let _ = writeln!(
        html,
        "<p>Gestart op {} in fase {}.</p>",
        format_time(view.created_at),
        escape(&phase_title(view.methodology, 1)),
    );
    if view.phase_history.is_empty() {
        html.push_str("<p>Nog geen faseovergangen.</p>\n</section>\n");
        return;
    }
    html.push_str(
        "<table>\n<thead><tr><th scope=\"col\">Moment</th><th scope=\"col\">Van</th>\
         <th scope=\"col\">Naar</th><th scope=\"col\">Toelichting</th></tr></thead>\n<tbody>\n",
    );
    for change in &view.phase_history {
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{} (versie {})</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            format_time(change.at),
            change.version,
            escape(&phase_title(view.methodology, change.from)),
            escape(&phase_title(view.methodology, change.to)),
            escape(change.note.as_deref().unwrap_or("")),
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn problems(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Problemen</h2>\n");
    if view.problems.is_empty() {
        html.push_str("<p>Nog geen problemen.</p>\n");
    }
    for problem in &view.problems {
        let _ = write!(
            html,
            "<article class=\"probleem\">\n<h3>{}</h3>\n<p class=\"meta\">Vanuit het {}</p>\n<p>{}</p>\n</article>\n",
            escape(&problem.title),
            perspective_name(problem.perspective),
            escape(&problem.description),
        );
    }
    html.push_str("</section>\n");
}

fn solutions(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Oplossingen</h2>\n");
    if view.solutions.is_empty() {
        html.push_str("<p>Nog geen oplossingen.</p>\n");
    }
    for solution in &view.solutions {
        let basis: Vec<&str> = solution.basis.iter().map(|b| basis_name(*b)).collect();
        let capitals: Vec<String> = solution
            .capitals
            .iter()
            .map(|c| capital_name(*c).to_owned())
            .collect();
        let addresses: Vec<String> = solution
            .addresses
            .iter()
            .map(|id| escape(&item_name(view, id)))
            .collect();
        let _ = write!(
            html,
            "<article class=\"oplossing\">\n<h3>{}</h3>\n<p>{}</p>\n<dl>\n\
             <dt>Onderbouwd met</dt><dd>{}</dd>\n\
             <dt>Investeert in</dt><dd>{}</dd>\n\
             <dt>Erkenning</dt><dd>{}</dd>\n\
             <dt>Pakt aan</dt><dd>{}</dd>\n</dl>\n</article>\n",
            escape(&solution.title),
            escape(&solution.description),
            if basis.is_empty() {
                "–".to_owned()
            } else {
                basis.join(", ")
            },
            list(capitals, "geen kapitaal genoemd"),
            recognition_name(solution.recognition),
            list(addresses, "geen probleem genoemd"),
        );
    }
    html.push_str("</section>\n");
}

fn journeys(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Klantreizen</h2>\n");
    if view.journeys.is_empty() {
        html.push_str("<p>Nog geen klantreizen.</p>\n");
    }
    for journey in &view.journeys {
        let title = escape(&journey.title);
        let _ = write!(
            html,
            "<article class=\"klantreis\">\n<h3>{title}</h3>\n<p>{}</p>\n",
            escape(&journey.situation),
        );
        if journey.steps.is_empty() {
            html.push_str("<p>Nog geen stappen.</p>\n</article>\n");
            continue;
        }
        let _ = write!(
            html,
            "<table>\n<caption>Stappen van de klantreis “{title}”, in volgorde</caption>\n\
             <thead><tr><th scope=\"col\">Stap</th><th scope=\"col\">Omschrijving</th>\
             <th scope=\"col\">Partner</th><th scope=\"col\">Dagen</th>\
             <th scope=\"col\">Kennis</th><th scope=\"col\">Houding</th>\
             <th scope=\"col\">Vaardigheden</th><th scope=\"col\">Klantgerichtheid</th>\
             <th scope=\"col\">Knelpunt</th></tr></thead>\n<tbody>\n",
        );
        for (n, step) in journey.steps.iter().enumerate() {
            let _ = writeln!(
                html,
                "<tr><th scope=\"row\">{}. {}</th><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                n + 1,
                escape(&step.title),
                escape(&step.description),
                partner_name(view, step.partner, "–"),
                step.days.map_or("onbekend".to_owned(), |d| d.to_string()),
                quality_name(step.knowledge),
                quality_name(step.attitude),
                quality_name(step.skills),
                quality_name(step.client_centred),
                escape(step.bottleneck.as_deref().unwrap_or("–")),
            );
        }
        let unknown = journey.steps.iter().filter(|s| s.days.is_none()).count();
        let total = match journey.total_days() {
            None => "onbekend".to_owned(),
            Some(days) if unknown > 0 => format!(
                "{days}, zonder {unknown} {} waarvan het aantal dagen onbekend is",
                if unknown == 1 { "stap" } else { "stappen" }
            ),
            Some(days) => days.to_string(),
        };
        let _ = write!(
            html,
            "</tbody>\n<tfoot><tr><th scope=\"row\" colspan=\"3\">Totaal dagen</th>\
             <td colspan=\"6\">{total}</td></tr></tfoot>\n</table>\n</article>\n",
        );
    }
    html.push_str("</section>\n");
}

fn checklist(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Checklist kennis, houding en vaardigheden</h2>\n");
    if view.partners.is_empty() {
        html.push_str("<p>Nog geen partners, dus nog geen antwoorden.</p>\n");
    }
    for competence in [
        Competence::Knowledge,
        Competence::Attitude,
        Competence::Skills,
    ] {
        let items: Vec<_> = view
            .checklist
            .iter()
            .filter(|item| item.competence == competence)
            .collect();
        if items.is_empty() {
            continue;
        }
        let name = competence_name(competence);
        let expected = items.len() * view.partners.len();
        let given = items
            .iter()
            .flat_map(|item| &item.answers)
            .filter(|a| view.partner(&a.partner).is_some())
            .count();
        let _ = writeln!(html, "<h3>{name}</h3>");
        if expected > 0 {
            let _ = writeln!(
                html,
                "<p class=\"meta\">{given} van {expected} antwoorden gegeven.</p>"
            );
        }
        let _ = write!(
            html,
            "<table>\n<caption>{name}: antwoord per stelling en partner</caption>\n\
             <thead><tr><th scope=\"col\">Stelling</th>",
        );
        for partner in &view.partners {
            let _ = write!(html, "<th scope=\"col\">{}</th>", escape(&partner.name));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for item in items {
            let own = if item.standard {
                ""
            } else {
                " (eigen stelling)"
            };
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}{own}</th>",
                escape(&item.statement)
            );
            for partner in &view.partners {
                match item.answers.iter().find(|a| a.partner == partner.id) {
                    Some(answer) => {
                        let note = answer
                            .note
                            .as_deref()
                            .map_or(String::new(), |n| format!("<br>{}", escape(n)));
                        let _ = write!(html, "<td>{}{note}</td>", answer_name(answer.answer));
                    }
                    None => html.push_str("<td class=\"open\">geen antwoord</td>"),
                }
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table>\n");
    }
    html.push_str("</section>\n");
}

fn goals(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Doelen en maatschappelijke resultaten</h2>\n");
    let indicator = |i: &crate::projections::IndicatorView| {
        format!("{}: {}", escape(&i.name), indicator_kind_name(i.kind))
    };
    if view.goals.is_empty() {
        html.push_str("<p>Nog geen doelen.</p>\n");
    } else {
        html.push_str(
            "<table>\n<caption>Doelen met streefjaar en de indicatoren die ze volgen</caption>\n\
             <thead><tr><th scope=\"col\">Doel</th><th scope=\"col\">Streefjaar</th>\
             <th scope=\"col\">Indicatoren</th></tr></thead>\n<tbody>\n",
        );
        for goal in &view.goals {
            let indicators: Vec<String> = view
                .indicators
                .iter()
                .filter(|i| i.goal == Some(goal.id))
                .map(indicator)
                .collect();
            let _ = writeln!(
                html,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td{}>{}</td></tr>",
                escape(&goal.statement),
                goal.target_year
                    .map_or("geen streefjaar".to_owned(), |y| y.to_string()),
                if indicators.is_empty() {
                    " class=\"open\""
                } else {
                    ""
                },
                list(indicators, "nog geen indicator"),
            );
        }
        html.push_str("</tbody>\n</table>\n");
    }
    let loose: Vec<String> = view
        .indicators
        .iter()
        .filter(|i| i.goal.and_then(|g| view.goal(&g)).is_none())
        .map(indicator)
        .collect();
    if !loose.is_empty() {
        let _ = writeln!(html, "<p>Indicatoren zonder doel:</p>\n{}", list(loose, ""));
    }
    html.push_str("</section>\n");
}

fn risks(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Risico's</h2>\n");
    if view.risks.is_empty() {
        html.push_str("<p>Nog geen risico's.</p>\n</section>\n");
        return;
    }
    html.push_str(
        "<table>\n<caption>Risico's met kans, impact, eigenaar, status en mitigatie</caption>\n\
         <thead><tr><th scope=\"col\">Risico</th><th scope=\"col\">Omschrijving</th>\
         <th scope=\"col\">Kans</th><th scope=\"col\">Impact</th><th scope=\"col\">Eigenaar</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">Mitigatie</th></tr></thead>\n<tbody>\n",
    );
    for risk in &view.risks {
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            escape(&risk.title),
            escape(&risk.description),
            risk_level_name(risk.likelihood),
            risk_level_name(risk.impact),
            partner_name(view, risk.owner, "geen eigenaar"),
            risk_status_name(risk.status),
            escape(risk.mitigation.as_deref().unwrap_or("geen mitigatie")),
        );
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
}

fn indicators(html: &mut String, view: &WerkplaatsView) {
    html.push_str("<section>\n<h2>Indicatoren</h2>\n");
    if view.indicators.is_empty() {
        html.push_str("<p>Nog geen indicatoren.</p>\n");
    }
    for (key, indicator) in view.indicators.iter().enumerate() {
        let unit = escape(&indicator.unit);
        let _ = writeln!(html, "<h3>{}</h3>", escape(&indicator.name));
        let _ = write!(
            html,
            "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            line_chart(indicator, key),
            escape(&text_alternative(indicator)),
        );
        let latest = indicator.latest().map_or("geen meting".to_owned(), |v| {
            format!("{} {unit}", format_number(v))
        });
        let progress = indicator.progress().map_or("–".to_owned(), |p| {
            format!("{}%", format_number((p * 100.0).round()))
        });
        let direction = match indicator.direction {
            Direction::Increase => "hoger is beter",
            Direction::Decrease => "lager is beter",
        };
        let met = if indicator.norm_met() { "ja" } else { "nee" };
        let goal = indicator
            .goal
            .and_then(|g| view.goal(&g))
            .map_or("geen".to_owned(), |g| escape(&g.statement));
        let _ = writeln!(
            html,
            "<table>\n<tbody>\n\
             <tr><th scope=\"row\">Soort</th><td>{}</td></tr>\n\
             <tr><th scope=\"row\">Doel</th><td>{goal}</td></tr>\n\
             <tr><th scope=\"row\">Nulmeting</th><td>{} {unit}</td></tr>\n\
             <tr><th scope=\"row\">Norm</th><td>{} {unit} ({direction})</td></tr>\n\
             <tr><th scope=\"row\">Laatste meting</th><td>{latest}</td></tr>\n\
             <tr><th scope=\"row\">Voortgang van nulmeting naar norm</th><td>{progress}</td></tr>\n\
             <tr><th scope=\"row\">Norm gehaald</th><td>{met}</td></tr>\n\
             </tbody>\n</table>",
            indicator_kind_name(indicator.kind),
            format_number(indicator.baseline),
            format_number(indicator.norm),
        );
    }
    html.push_str("</section>\n");
}

fn actions(html: &mut String, at: &WerkplaatsAt) {
    let view = &at.view;
    html.push_str("<section>\n<h2>Acties en PDCA-cycli</h2>\n");
    if view.actions.is_empty() {
        html.push_str("<p>Nog geen acties.</p>\n");
    }
    for action in &view.actions {
        let _ = write!(
            html,
            "<article class=\"actie\">\n<h3>{}</h3>\n<p>Doel: {}</p>\n\
             <p class=\"meta\">Eigenaar: {} · status: {} · cyclus {}{}</p>\n",
            escape(&action.title),
            escape(&action.goal),
            partner_name(view, Some(action.owner), "–"),
            status_name(action.status),
            action.cycle,
            action.due_date.map_or(String::new(), |d| format!(
                " · gereed op {}",
                format_date(d)
            )),
        );
        if let Some(solution) = action.solution {
            let _ = writeln!(
                html,
                "<p>Werkt uit: {}.</p>",
                escape(&item_name(view, &solution))
            );
        }
        if !action.indicators.is_empty() {
            let names: Vec<String> = action
                .indicators
                .iter()
                .map(|id| escape(&item_name(view, id)))
                .collect();
            let _ = writeln!(
                html,
                "<p>Indicatoren die de actie moet verbeteren: {}.</p>",
                names.join(", ")
            );
        }
        cycles(html, at, action);
        html.push_str("</article>\n");
    }
    html.push_str("</section>\n");
}

/// Whether anything happened in the cycle yet.
fn begun(cycle: &CycleView) -> bool {
    cycle.started_at.is_some()
        || !cycle.log.is_empty()
        || cycle.findings.is_some()
        || cycle.outcome.is_some()
}

fn cycles(html: &mut String, at: &WerkplaatsAt, action: &ActionView) {
    if !action.cycles.iter().any(begun) {
        html.push_str("<p>Nog niet gestart.</p>\n");
        return;
    }
    let _ = write!(
        html,
        "<table>\n<caption>PDCA-cycli van “{}”</caption>\n\
         <thead><tr><th scope=\"col\">Cyclus</th><th scope=\"col\">Gestart (do)</th>\
         <th scope=\"col\">Logboek (do)</th><th scope=\"col\">Bevindingen (check)</th>\
         <th scope=\"col\">Uitkomst (act)</th><th scope=\"col\">Onderbouwing</th></tr></thead>\n<tbody>\n",
        escape(&action.title),
    );
    for cycle in &action.cycles {
        let log: Vec<String> = cycle
            .log
            .iter()
            .map(|entry| {
                let by = entry
                    .recorded_by
                    .and_then(|id| at.member(&id))
                    .map_or(String::new(), |m| {
                        format!(" <span class=\"meta\">({})</span>", escape(&m.name))
                    });
                format!(
                    "<time datetime=\"{}\">{}</time>: {}{by}",
                    entry.occurred_on,
                    format_date(entry.occurred_on),
                    escape(&entry.text)
                )
            })
            .collect();
        let outcome = match (cycle.outcome, cycle.concluded_at) {
            (Some(outcome), Some(at)) => format!("{} ({})", outcome_name(outcome), format_time(at)),
            (Some(outcome), None) => outcome_name(outcome).to_owned(),
            (None, _) => "nog open".to_owned(),
        };
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{outcome}</td><td>{}</td></tr>",
            cycle.number,
            cycle.started_at.map_or("–".to_owned(), format_time),
            list(log, "–"),
            escape(cycle.findings.as_deref().unwrap_or("–")),
            escape(cycle.rationale.as_deref().unwrap_or("–")),
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

fn decisions(html: &mut String, at: &WerkplaatsAt) {
    let view = &at.view;
    html.push_str("<section>\n<h2>Besluitenlog</h2>\n");
    if view.decisions.is_empty() {
        html.push_str("<p>Nog geen besluiten.</p>\n");
    }
    for decision in &view.decisions {
        let class = if decision.superseded_by.is_some() || decision.retired {
            "besluit vervangen"
        } else {
            "besluit"
        };
        let by = decision
            .decided_by
            .and_then(|id| at.member(&id))
            .map_or(String::new(), |m| format!(" door {}", escape(&m.name)));
        let _ = write!(
            html,
            "<article class=\"{class}\">\n<h3>{}</h3>\n<p class=\"meta\">Besloten op {}{by} (versie {})</p>\n",
            escape(&decision.title),
            format_time(decision.decided_at),
            decision.at_version,
        );
        // Said in words, not only by the dashed border.
        if let Some(later) = decision.superseded_by {
            let _ = writeln!(
                html,
                "<p><strong>Vervangen</strong> door {}.</p>",
                escape(&item_name(view, &later))
            );
        }
        if decision.retired {
            html.push_str("<p><strong>Ingetrokken</strong> bij een herziening.</p>\n");
        }
        if let Some(earlier) = decision.supersedes {
            let _ = writeln!(
                html,
                "<p>Vervangt {}.</p>",
                escape(&item_name(view, &earlier))
            );
        }
        let _ = write!(
            html,
            "<dl>\n<dt>Context</dt><dd>{}</dd>\n<dt>Besluit</dt><dd>{}</dd>\n<dt>Onderbouwing</dt><dd>{}</dd>\n",
            escape(&decision.context),
            escape(&decision.decision),
            escape(&decision.rationale),
        );
        if let Some(consequences) = &decision.consequences {
            let _ = writeln!(html, "<dt>Gevolgen</dt><dd>{}</dd>", escape(consequences));
        }
        let _ = writeln!(
            html,
            "<dt>Herzien op</dt><dd>{}</dd>",
            decision
                .review_on
                .map_or("geen datum".to_owned(), format_date)
        );
        if !decision.options_considered.is_empty() {
            let options: Vec<String> = decision
                .options_considered
                .iter()
                .map(|o| format!("<li>{}</li>", escape(o)))
                .collect();
            let _ = writeln!(
                html,
                "<dt>Overwogen opties</dt><dd><ul>{}</ul></dd>",
                options.concat()
            );
        }
        if !decision.based_on.is_empty() {
            let basis: Vec<String> = decision
                .based_on
                .iter()
                .map(|id| format!("<li>{}</li>", escape(&item_name(view, id))))
                .collect();
            let _ = writeln!(
                html,
                "<dt>Gebaseerd op</dt><dd><ul>{}</ul></dd>",
                basis.concat()
            );
        }
        if !decision.reviews.is_empty() {
            let reviews: Vec<String> = decision
                .reviews
                .iter()
                .map(|review| {
                    let by = review
                        .reviewed_by
                        .and_then(|id| at.member(&id))
                        .map_or(String::new(), |m| format!("{}, ", escape(&m.name)));
                    let next = review.next_review_on.map_or(String::new(), |d| {
                        format!("; volgende herziening op {}", format_date(d))
                    });
                    format!(
                        "<li><strong>{}</strong>: {} <span class=\"meta\">({by}{}, versie {}{next})</span></li>",
                        review_outcome_name(review.outcome),
                        escape(&review.note),
                        format_time(review.reviewed_at),
                        review.at_version,
                    )
                })
                .collect();
            let _ = writeln!(
                html,
                "<dt>Herzieningen</dt><dd><ol>{}</ol></dd>",
                reviews.concat()
            );
        }
        html.push_str("</dl>\n</article>\n");
    }
    html.push_str("</section>\n");
}

fn reflections(html: &mut String, at: &WerkplaatsAt) {
    let view = &at.view;
    html.push_str("<section>\n<h2>Reflecties per fase</h2>\n");
    if view.reflections.is_empty() {
        html.push_str("<p>Nog geen reflecties.</p>\n");
    }
    let mut by_phase: BTreeMap<u32, Vec<_>> = BTreeMap::new();
    for reflection in &view.reflections {
        by_phase
            .entry(reflection.phase)
            .or_default()
            .push(reflection);
    }
    for (phase, list) in by_phase {
        let _ = writeln!(
            html,
            "<h3>Fase {}</h3>\n<ul>",
            escape(&phase_title(view.methodology, phase))
        );
        for reflection in list {
            let by = reflection
                .recorded_by
                .and_then(|id| at.member(&id))
                .map_or(String::new(), |m| format!("{}, ", escape(&m.name)));
            let _ = writeln!(
                html,
                "<li><p>{}</p><p class=\"meta\">{by}{}</p></li>",
                escape(&reflection.text),
                format_time(reflection.recorded_at),
            );
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</section>\n");
}

#[cfg(test)]
mod tests;
