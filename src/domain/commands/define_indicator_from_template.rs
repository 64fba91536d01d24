//! `defineIndicatorFromTemplate`: a facilitator defines an indicator from
//! one of the server's templates, which fixes its name, unit, direction and
//! kind. It appends the same `IndicatorDefined` as `defineIndicator`, with
//! the template's key in it.

use uuid::Uuid;

use super::define_indicator::goal_reference;
use super::{Actor, IndicatorDefined, Rule};
use crate::domain::decide::{bad, norm_beyond, Allowed, Decided};
use crate::domain::{template, DomainError, Name, State};

#[derive(Clone, Debug, PartialEq)]
pub struct DefineIndicatorFromTemplate {
    pub indicator_id: Uuid,
    pub template_key: String,
    pub baseline: f64,
    pub norm: f64,
    pub goal_id: Option<String>,
}

impl Rule for DefineIndicatorFromTemplate {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let template = template(self.template_key.trim())
            .ok_or_else(|| bad(format!("templateKey: no template {}", self.template_key)))?;
        norm_beyond(self.baseline, self.norm, template.direction)?;
        let goal_id = goal_reference(state, self.goal_id)?;
        let method_text = |text: &str| Name::parse(text, "template").map_err(bad);
        Ok(IndicatorDefined {
            indicator_id: self.indicator_id,
            name: method_text(template.name)?,
            unit: method_text(template.unit)?,
            baseline: self.baseline,
            norm: self.norm,
            direction: template.direction,
            kind: template.kind,
            goal_id,
            template: Some(template.key.to_owned()),
        }
        .into())
    }
}
