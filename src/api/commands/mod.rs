//! One mutation per command, one module per mutation.
//!
//! Each module holds a command's GraphQL side whole: its input, its
//! payload and a resolver that turns the input into the domain command
//! (`crate::domain::commands`, the same name), lets the app run it and
//! shows the item the command's own event is about, as the werkplaats now
//! holds it. A resolver never decides: texts and ids go to the domain as
//! the client sent them, so that the domain can report errors in the
//! contract's order.
//!
//! Each module's mutation is an async-graphql object of one field; the
//! `mutations!` list below merges them into [`CommandMutation`], so adding
//! a command's mutation is one new module and one line here, in its group. Payloads that
//! several mutations share (an action's, a member's) live here too.
//!
//! Every input also takes an optional `commandId`: send the same one again
//! (after a timeout, say) and the command is not appended twice; the answer
//! is the first one's.

use std::collections::HashSet;
use std::sync::OnceLock;

use async_graphql::{Context, MaybeUndefined, MergedObject, Result, SimpleObject, ID};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::caller;
use super::error::graphql_error;
use super::method::{ChecklistItem, ClientJourney, Goal, JourneyStep, Risk};
use super::types::{int, Action, Indicator, Member, Werkplaats};
use crate::app::{App, Charge, Executed};
use crate::domain::{Command, Event};

/// `Group { module::Mutation, … }, …`: declares each module, merges the
/// mutations of each group and then the groups. async-graphql resolves a
/// merged object as a chain, one link per part, so one flat list of every
/// mutation would nest its futures thirty deep; groups keep the chain short.
macro_rules! mutations {
    ($($group:ident { $($module:ident::$mutation:ident),+ $(,)? }),+ $(,)?) => {
        $($(mod $module;)+)+

        $(
            #[derive(MergedObject, Default)]
            pub struct $group($($module::$mutation),+);
        )+

        /// The mutations that run a domain command, in this order in the schema.
        #[derive(MergedObject, Default)]
        pub struct CommandMutation($($group),+);

        /// The modules above, named as their mutation fields are in snake case.
        const MODULES: &[&str] = &[$($(stringify!($module)),+),+];
    };
}

/// Whether `field` is a mutation of this module, each of which runs one
/// command through the app and takes the request's deferred rate-limit
/// charge ([`Charge`]) to its append.
pub fn is_command(field: &str) -> bool {
    static FIELDS: OnceLock<HashSet<String>> = OnceLock::new();
    FIELDS
        .get_or_init(|| MODULES.iter().map(|module| camel_case(module)).collect())
        .contains(field)
}

/// `plan_action` → `planAction`, as async-graphql names the fields.
fn camel_case(snake: &str) -> String {
    let mut words = snake.split('_');
    let mut name = words.next().unwrap_or_default().to_owned();
    for word in words {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            name.push(first.to_ascii_uppercase());
            name.extend(chars);
        }
    }
    name
}

mutations! {
    Founding {
        create_werkplaats::CreateWerkplaatsMutation,
        add_partner::AddPartnerMutation,
        invite_member::InviteMemberMutation,
    },
    Analysis {
        record_problem::RecordProblemMutation,
        propose_solution::ProposeSolutionMutation,
        record_decision::RecordDecisionMutation,
    },
    Pdca {
        plan_action::PlanActionMutation,
        revise_action::ReviseActionMutation,
        start_action::StartActionMutation,
        check_action::CheckActionMutation,
        conclude_action::ConcludeActionMutation,
    },
    Learning {
        record_reflection::RecordReflectionMutation,
        define_indicator::DefineIndicatorMutation,
        record_measurement::RecordMeasurementMutation,
        advance_phase::AdvancePhaseMutation,
        record_checkpoint::RecordCheckpointMutation,
    },
    Membership {
        remove_member::RemoveMemberMutation,
        change_role::ChangeRoleMutation,
        forget_member::ForgetMemberMutation,
        link_identity::LinkIdentityMutation,
        reissue_invitation::ReissueInvitationMutation,
    },
    Corrections {
        revise_problem::ReviseProblemMutation,
        revise_solution::ReviseSolutionMutation,
        define_indicator_from_template::DefineIndicatorFromTemplateMutation,
        revise_indicator::ReviseIndicatorMutation,
    },
    GoalsAndRisks {
        record_goal::RecordGoalMutation,
        revise_goal::ReviseGoalMutation,
        record_risk::RecordRiskMutation,
        revise_risk::ReviseRiskMutation,
        review_decision::ReviewDecisionMutation,
        log_action_progress::LogActionProgressMutation,
    },
    Tools {
        start_client_journey::StartClientJourneyMutation,
        add_journey_step::AddJourneyStepMutation,
        assess_journey_step::AssessJourneyStepMutation,
        add_checklist_item::AddChecklistItemMutation,
        answer_checklist_item::AnswerChecklistItemMutation,
    },
    Library {
        share_lessons::ShareLessonsMutation,
    },
}

/// A client's command id: a UUID as given, any other string hashed to one.
fn command_id(raw: Option<ID>) -> Option<Uuid> {
    let raw = raw?;
    Some(Uuid::parse_str(&raw).unwrap_or_else(|_| {
        let digest = Sha256::digest(raw.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Uuid::from_bytes(bytes)
    }))
}

fn ids(raw: Vec<ID>) -> Vec<String> {
    raw.into_iter().map(|id| id.0).collect()
}

/// The id of an item the command creates; the domain takes it from the
/// command so that it stays deterministic.
fn new_id() -> Uuid {
    Uuid::new_v4()
}

/// Runs `command` against an existing werkplaats.
async fn execute(
    ctx: &Context<'_>,
    werkplaats_id: &ID,
    command: impl Into<Command>,
    raw_command_id: Option<ID>,
) -> Result<(Werkplaats, Executed)> {
    let app = ctx.data::<App>()?;
    let executed = app
        .execute(
            caller(ctx),
            werkplaats_id,
            command.into(),
            command_id(raw_command_id),
            ctx.data_opt::<Charge>().cloned(),
        )
        .await
        .map_err(graphql_error)?;
    Ok((Werkplaats(executed.werkplaats.clone()), executed))
}

fn missing() -> async_graphql::Error {
    "the command's item is missing from the werkplaats".into()
}

/// The command's own event, which names the item the payload shows. A
/// command retried under its `commandId` answers with the events appended
/// the first time, so the item's id is read from them, not from the input.
fn own<'a, E>(executed: &'a Executed) -> Result<&'a E>
where
    &'a E: TryFrom<&'a Event>,
{
    executed
        .events
        .iter()
        .rev()
        .find_map(|event| event.try_into().ok())
        .ok_or_else(missing)
}

/// The action after the change.
#[derive(SimpleObject)]
pub struct ActionPayload {
    /// The action as it is now.
    pub action: Action,
    /// The werkplaats version after this change.
    pub version: i32,
}

impl ActionPayload {
    fn of(werkplaats: &Werkplaats, executed: &Executed, action_id: Uuid) -> Result<Self> {
        Ok(ActionPayload {
            action: werkplaats.action(action_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}

/// The member after the change.
#[derive(SimpleObject)]
pub struct MemberPayload {
    /// The member as it is now.
    pub member: Member,
    /// The werkplaats version after this change.
    pub version: i32,
}

impl MemberPayload {
    fn of(werkplaats: &Werkplaats, executed: &Executed, member_id: Uuid) -> Result<Self> {
        let member = werkplaats.0.member(&member_id).ok_or_else(missing)?;
        Ok(MemberPayload {
            member: member.into(),
            version: int(executed.version),
        })
    }
}

/// A field where an explicit `null` clears the value: absent is `None`,
/// null is `Some(None)`.
fn clearable<T, U>(value: MaybeUndefined<T>, convert: impl FnOnce(T) -> U) -> Option<Option<U>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(convert(v))),
    }
}

/// The indicator after the change.
#[derive(SimpleObject)]
pub struct IndicatorPayload {
    /// The indicator as it is now.
    pub indicator: Indicator,
    /// The werkplaats version after this change.
    pub version: i32,
}

impl IndicatorPayload {
    fn of(werkplaats: &Werkplaats, executed: &Executed, indicator_id: Uuid) -> Result<Self> {
        Ok(IndicatorPayload {
            indicator: Indicator::at(&werkplaats.0, &indicator_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}

/// The goal after the change.
#[derive(SimpleObject)]
pub struct GoalPayload {
    /// The goal as it is now.
    pub goal: Goal,
    /// The werkplaats version after this change.
    pub version: i32,
}

impl GoalPayload {
    fn of(werkplaats: &Werkplaats, executed: &Executed, goal_id: Uuid) -> Result<Self> {
        Ok(GoalPayload {
            goal: Goal::at(&werkplaats.0, &goal_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}

/// The risk after the change.
#[derive(SimpleObject)]
pub struct RiskPayload {
    /// The risk as it is now.
    pub risk: Risk,
    /// The werkplaats version after this change.
    pub version: i32,
}

impl RiskPayload {
    fn of(werkplaats: &Werkplaats, executed: &Executed, risk_id: Uuid) -> Result<Self> {
        Ok(RiskPayload {
            risk: Risk::at(&werkplaats.0, &risk_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}

/// The client journey after the change.
#[derive(SimpleObject)]
pub struct ClientJourneyPayload {
    /// The client journey as it is now, with all its steps.
    pub journey: ClientJourney,
    /// The step added or assessed; null for `startClientJourney`.
    pub step: Option<JourneyStep>,
    /// The werkplaats version after this change.
    pub version: i32,
}

impl ClientJourneyPayload {
    fn of(
        werkplaats: &Werkplaats,
        executed: &Executed,
        journey_id: Uuid,
        step_id: Option<Uuid>,
    ) -> Result<Self> {
        let step = match step_id {
            Some(step) => {
                Some(JourneyStep::at(&werkplaats.0, &journey_id, &step).ok_or_else(missing)?)
            }
            None => None,
        };
        Ok(ClientJourneyPayload {
            journey: ClientJourney::at(&werkplaats.0, &journey_id).ok_or_else(missing)?,
            step,
            version: int(executed.version),
        })
    }
}

/// The checklist statement after the change.
#[derive(SimpleObject)]
pub struct ChecklistItemPayload {
    /// The checklist statement as it is now, with its answers.
    pub item: ChecklistItem,
    /// The werkplaats version after this change.
    pub version: i32,
}

impl ChecklistItemPayload {
    fn of(werkplaats: &Werkplaats, executed: &Executed, item_id: Uuid) -> Result<Self> {
        Ok(ChecklistItemPayload {
            item: ChecklistItem::at(&werkplaats.0, &item_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_module_names_a_mutation_of_the_schema() {
        let schema = include_str!("../../../graphql/schema.graphql");
        let mutation = &schema[schema.find("type Mutation {").unwrap()..];
        let mutation = &mutation[..mutation.find("\n}").unwrap()];
        for module in MODULES {
            let field = camel_case(module);
            assert!(is_command(&field));
            assert!(mutation.contains(&format!("\n\t{field}(")), "{field}");
        }
        assert_eq!(
            camel_case("define_indicator_from_template"),
            "defineIndicatorFromTemplate"
        );
        assert!(!is_command("setPresence"));
        assert!(!is_command("plan_action"));
    }
}
