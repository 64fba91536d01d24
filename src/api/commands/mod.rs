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
//! a command's mutation is one new module and one line here. Payloads that
//! several mutations share (an action's, a member's) live here too.
//!
//! Every input also takes an optional `commandId`: send the same one again
//! (after a timeout, say) and the command is not appended twice; the answer
//! is the first one's.

use async_graphql::{Context, MergedObject, Result, SimpleObject, ID};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::caller;
use super::error::graphql_error;
use super::types::{int, Action, Member, Werkplaats};
use crate::app::{App, Executed};
use crate::domain::{Command, Event};

/// `module::Mutation, …`: declares each module and merges its mutation.
macro_rules! mutations {
    ($($module:ident::$mutation:ident),+ $(,)?) => {
        $(mod $module;)+

        /// The mutations that run a domain command, in this order in the schema.
        #[derive(MergedObject, Default)]
        pub struct CommandMutation($($module::$mutation),+);
    };
}

mutations! {
    create_werkplaats::CreateWerkplaatsMutation,
    add_partner::AddPartnerMutation,
    invite_member::InviteMemberMutation,
    record_problem::RecordProblemMutation,
    propose_solution::ProposeSolutionMutation,
    record_decision::RecordDecisionMutation,
    plan_action::PlanActionMutation,
    revise_action::ReviseActionMutation,
    start_action::StartActionMutation,
    check_action::CheckActionMutation,
    conclude_action::ConcludeActionMutation,
    record_reflection::RecordReflectionMutation,
    define_indicator::DefineIndicatorMutation,
    record_measurement::RecordMeasurementMutation,
    advance_phase::AdvancePhaseMutation,
    record_checkpoint::RecordCheckpointMutation,
    remove_member::RemoveMemberMutation,
    change_role::ChangeRoleMutation,
    forget_member::ForgetMemberMutation,
    link_identity::LinkIdentityMutation,
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

#[derive(SimpleObject)]
pub struct ActionPayload {
    pub action: Action,
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

#[derive(SimpleObject)]
pub struct MemberPayload {
    pub member: Member,
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
