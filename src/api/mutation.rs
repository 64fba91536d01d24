//! One mutation per command: the input becomes a domain command, the app
//! runs it, the payload shows the item as the werkplaats now holds it.
//!
//! Every input also takes an optional `commandId`: send the same one again
//! (after a timeout, say) and the command is not appended twice; the answer
//! is the first one's.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::caller;
use super::enums::*;
use super::error::graphql_error;
use super::scalars::Date;
use super::types::{
    int, phase, Action, Decision, Indicator, Member, Partner, Phase, Problem, Reflection, Solution,
    Werkplaats,
};
use crate::app::{App, Executed};
use crate::domain::{self, Command};

/// A client's command id: a UUID as given, any other string hashed to one.
pub(super) fn command_id(raw: Option<ID>) -> Option<Uuid> {
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

pub(super) async fn execute(
    ctx: &Context<'_>,
    werkplaats_id: &ID,
    command: Command,
    raw_command_id: Option<ID>,
) -> Result<(Werkplaats, Executed)> {
    let app = ctx.data::<App>()?;
    let executed = app
        .execute(
            caller(ctx),
            werkplaats_id,
            command,
            command_id(raw_command_id),
        )
        .await
        .map_err(graphql_error)?;
    Ok((Werkplaats(executed.werkplaats.clone()), executed))
}

/// The id of the item the command's events are about.
pub(super) fn subject(executed: &Executed) -> Option<Uuid> {
    executed.events.iter().rev().find_map(|event| {
        Some(match event {
            domain::Event::PartnerAdded(e) => e.partner_id,
            domain::Event::MemberInvited(e) => e.member_id,
            domain::Event::MemberRemoved(e) => e.member_id,
            domain::Event::RoleChanged(e) => e.member_id,
            domain::Event::MemberForgotten(e) => e.member_id,
            domain::Event::IdentityLinked(e) => e.member_id,
            domain::Event::ProblemRecorded(e) => e.problem_id,
            domain::Event::SolutionProposed(e) => e.solution_id,
            domain::Event::DecisionRecorded(e) => e.decision_id,
            domain::Event::ActionPlanned(e) => e.action_id,
            domain::Event::ActionRevised(e) => e.action_id,
            domain::Event::ActionStarted(e) => e.action_id,
            domain::Event::ActionChecked(e) => e.action_id,
            domain::Event::ActionConcluded(e) => e.action_id,
            domain::Event::ReflectionRecorded(e) => e.reflection_id,
            domain::Event::IndicatorDefined(e) => e.indicator_id,
            domain::Event::MeasurementRecorded(e) => e.indicator_id,
            domain::Event::WerkplaatsCreated(_)
            | domain::Event::PhaseAdvanced(_)
            | domain::Event::CheckpointRecorded(_) => return None,
        })
    })
}

pub(super) fn missing() -> async_graphql::Error {
    "the command's item is missing from the werkplaats".into()
}

pub(super) fn new_id() -> Uuid {
    Uuid::new_v4()
}

#[derive(InputObject)]
pub struct CreateWerkplaatsInput {
    pub name: String,
    pub municipality: String,
    pub question: String,
    pub methodology: Methodology,
    pub facilitator_name: String,
    /// Send again to retry without creating a second werkplaats.
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct CreateWerkplaatsPayload {
    pub werkplaats: Werkplaats,
    pub facilitator: Member,
    /// Shown once; only its hash is kept.
    pub facilitator_token: String,
}

#[derive(InputObject)]
pub struct AddPartnerInput {
    pub werkplaats_id: ID,
    pub name: String,
    pub kind: PartnerKind,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct AddPartnerPayload {
    pub partner: Partner,
    pub version: i32,
}

#[derive(InputObject)]
pub struct InviteMemberInput {
    pub werkplaats_id: ID,
    pub name: String,
    pub role: Role,
    pub partner_id: Option<ID>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    pub member: Member,
    /// Shown once; only its hash is kept.
    pub token: String,
    pub version: i32,
}

#[derive(InputObject)]
pub struct RecordProblemInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub description: String,
    pub perspective: Perspective,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordProblemPayload {
    pub problem: Problem,
    pub version: i32,
}

#[derive(InputObject)]
pub struct ProposeSolutionInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub description: String,
    pub basis: Vec<EvidenceBasis>,
    pub addresses_problem_ids: Vec<ID>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct ProposeSolutionPayload {
    pub solution: Solution,
    pub version: i32,
}

#[derive(InputObject)]
pub struct RecordDecisionInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub context: String,
    pub options_considered: Vec<String>,
    pub decision: String,
    pub rationale: String,
    pub based_on: Vec<ID>,
    pub supersedes_decision_id: Option<ID>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordDecisionPayload {
    pub decision: Decision,
    pub version: i32,
}

#[derive(InputObject)]
pub struct PlanActionInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub goal: String,
    pub owner_partner_id: ID,
    pub solution_id: Option<ID>,
    pub due_date: Option<Date>,
    pub command_id: Option<ID>,
}

#[derive(InputObject)]
pub struct ReviseActionInput {
    pub werkplaats_id: ID,
    pub action_id: ID,
    /// The action's `version` as the client last saw it.
    pub expected_version: i32,
    pub title: Option<String>,
    pub goal: Option<String>,
    pub owner_partner_id: Option<ID>,
    /// An explicit `null` clears the date.
    pub due_date: MaybeUndefined<Date>,
    pub command_id: Option<ID>,
}

#[derive(InputObject)]
pub struct StartActionInput {
    pub werkplaats_id: ID,
    pub action_id: ID,
    pub expected_version: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(InputObject)]
pub struct CheckActionInput {
    pub werkplaats_id: ID,
    pub action_id: ID,
    pub findings: String,
    pub expected_version: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(InputObject)]
pub struct ConcludeActionInput {
    pub werkplaats_id: ID,
    pub action_id: ID,
    pub outcome: ActOutcome,
    pub rationale: String,
    pub expected_version: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct ActionPayload {
    pub action: Action,
    pub version: i32,
}

#[derive(InputObject)]
pub struct RecordReflectionInput {
    pub werkplaats_id: ID,
    pub text: String,
    pub about: Vec<ID>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordReflectionPayload {
    pub reflection: Reflection,
    pub version: i32,
}

#[derive(InputObject)]
pub struct DefineIndicatorInput {
    pub werkplaats_id: ID,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct DefineIndicatorPayload {
    pub indicator: Indicator,
    pub version: i32,
}

#[derive(InputObject)]
pub struct RecordMeasurementInput {
    pub werkplaats_id: ID,
    pub indicator_id: ID,
    pub value: f64,
    pub measured_on: Date,
    pub note: Option<String>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordMeasurementPayload {
    pub indicator: Indicator,
    pub version: i32,
}

#[derive(InputObject)]
pub struct AdvancePhaseInput {
    pub werkplaats_id: ID,
    /// The phase number the client believes is current.
    pub expected_phase: i32,
    pub note: Option<String>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct AdvancePhasePayload {
    pub phase: Phase,
    pub version: i32,
}

fn action_payload(werkplaats: &Werkplaats, executed: &Executed) -> Result<ActionPayload> {
    let action = subject(executed)
        .and_then(|id| werkplaats.action(id))
        .ok_or_else(missing)?;
    Ok(ActionPayload {
        action,
        version: int(executed.version),
    })
}

#[derive(Default)]
pub struct CoreMutation;

#[Object]
impl CoreMutation {
    /// Opens a werkplaats with its facilitator (admin only).
    async fn create_werkplaats(
        &self,
        ctx: &Context<'_>,
        input: CreateWerkplaatsInput,
    ) -> Result<CreateWerkplaatsPayload> {
        let app = ctx.data::<App>()?;
        let facilitator_id = new_id();
        let command = Command::CreateWerkplaats {
            werkplaats_id: new_id(),
            facilitator_id,
            name: input.name,
            municipality: input.municipality,
            question: input.question,
            methodology: input.methodology.into(),
            facilitator_name: input.facilitator_name,
        };
        let executed = app
            .create_werkplaats(caller(ctx), command, command_id(input.command_id))
            .await
            .map_err(graphql_error)?;
        let facilitator = subject(&executed)
            .and_then(|id| executed.werkplaats.member(&id))
            .ok_or_else(missing)?;
        Ok(CreateWerkplaatsPayload {
            werkplaats: Werkplaats(executed.werkplaats.clone()),
            facilitator: facilitator.into(),
            facilitator_token: executed.token.ok_or_else(missing)?,
        })
    }

    /// Adds a partner organisation (facilitator).
    async fn add_partner(
        &self,
        ctx: &Context<'_>,
        input: AddPartnerInput,
    ) -> Result<AddPartnerPayload> {
        let command = Command::AddPartner {
            partner_id: new_id(),
            name: input.name,
            kind: input.kind.into(),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let partner = subject(&executed)
            .and_then(|id| werkplaats.0.view.partner(&id))
            .ok_or_else(missing)?;
        Ok(AddPartnerPayload {
            partner: partner.into(),
            version: int(executed.version),
        })
    }

    /// Invites a member and issues their token (facilitator).
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        input: InviteMemberInput,
    ) -> Result<InviteMemberPayload> {
        let command = Command::InviteMember {
            member_id: new_id(),
            name: input.name,
            role: input.role.into(),
            partner_id: input.partner_id.map(|id| id.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let member = subject(&executed)
            .and_then(|id| werkplaats.0.member(&id))
            .ok_or_else(missing)?;
        Ok(InviteMemberPayload {
            member: member.into(),
            token: executed.token.clone().ok_or_else(missing)?,
            version: int(executed.version),
        })
    }

    /// Records a problem from one perspective.
    async fn record_problem(
        &self,
        ctx: &Context<'_>,
        input: RecordProblemInput,
    ) -> Result<RecordProblemPayload> {
        let command = Command::RecordProblem {
            problem_id: new_id(),
            title: input.title,
            description: input.description,
            perspective: input.perspective.into(),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        Ok(RecordProblemPayload {
            problem: subject(&executed)
                .and_then(|id| werkplaats.problem(id))
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }

    /// Proposes a solution for known problems.
    async fn propose_solution(
        &self,
        ctx: &Context<'_>,
        input: ProposeSolutionInput,
    ) -> Result<ProposeSolutionPayload> {
        let command = Command::ProposeSolution {
            solution_id: new_id(),
            title: input.title,
            description: input.description,
            basis: input.basis.into_iter().map(Into::into).collect(),
            addresses_problem_ids: ids(input.addresses_problem_ids),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        Ok(ProposeSolutionPayload {
            solution: subject(&executed)
                .and_then(|id| werkplaats.solution(id))
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }

    /// Records a decision, optionally superseding an earlier one.
    async fn record_decision(
        &self,
        ctx: &Context<'_>,
        input: RecordDecisionInput,
    ) -> Result<RecordDecisionPayload> {
        let command = Command::RecordDecision {
            decision_id: new_id(),
            title: input.title,
            context: input.context,
            options_considered: input.options_considered,
            decision: input.decision,
            rationale: input.rationale,
            based_on: ids(input.based_on),
            supersedes_decision_id: input.supersedes_decision_id.map(|id| id.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        Ok(RecordDecisionPayload {
            decision: subject(&executed)
                .and_then(|id| werkplaats.decision(id))
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }

    /// Plans an action (PDCA: Plan).
    async fn plan_action(
        &self,
        ctx: &Context<'_>,
        input: PlanActionInput,
    ) -> Result<ActionPayload> {
        let command = Command::PlanAction {
            action_id: new_id(),
            title: input.title,
            goal: input.goal,
            owner_partner_id: input.owner_partner_id.0,
            solution_id: input.solution_id.map(|id| id.0),
            due_date: input.due_date.map(|d| d.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        action_payload(&werkplaats, &executed)
    }

    /// Changes the given fields of an action.
    async fn revise_action(
        &self,
        ctx: &Context<'_>,
        input: ReviseActionInput,
    ) -> Result<ActionPayload> {
        let due_date = match input.due_date {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(d) => Some(Some(d.0)),
        };
        let command = Command::ReviseAction {
            action_id: input.action_id.0,
            expected_version: i64::from(input.expected_version),
            title: input.title,
            goal: input.goal,
            owner_partner_id: input.owner_partner_id.map(|id| id.0),
            due_date,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        action_payload(&werkplaats, &executed)
    }

    /// PDCA: Do.
    async fn start_action(
        &self,
        ctx: &Context<'_>,
        input: StartActionInput,
    ) -> Result<ActionPayload> {
        let command = Command::StartAction {
            action_id: input.action_id.0,
            expected_version: input.expected_version.map(i64::from),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        action_payload(&werkplaats, &executed)
    }

    /// PDCA: Check, with what was found.
    async fn check_action(
        &self,
        ctx: &Context<'_>,
        input: CheckActionInput,
    ) -> Result<ActionPayload> {
        let command = Command::CheckAction {
            action_id: input.action_id.0,
            findings: input.findings,
            expected_version: input.expected_version.map(i64::from),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        action_payload(&werkplaats, &executed)
    }

    /// PDCA: Act — adopt, adapt or abandon.
    async fn conclude_action(
        &self,
        ctx: &Context<'_>,
        input: ConcludeActionInput,
    ) -> Result<ActionPayload> {
        let command = Command::ConcludeAction {
            action_id: input.action_id.0,
            outcome: input.outcome.into(),
            rationale: input.rationale,
            expected_version: input.expected_version.map(i64::from),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        action_payload(&werkplaats, &executed)
    }

    /// Records a reflection in the current phase.
    async fn record_reflection(
        &self,
        ctx: &Context<'_>,
        input: RecordReflectionInput,
    ) -> Result<RecordReflectionPayload> {
        let command = Command::RecordReflection {
            reflection_id: new_id(),
            text: input.text,
            about: ids(input.about),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        Ok(RecordReflectionPayload {
            reflection: subject(&executed)
                .and_then(|id| werkplaats.reflection(id))
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }

    /// Defines an indicator with its baseline and norm (facilitator).
    async fn define_indicator(
        &self,
        ctx: &Context<'_>,
        input: DefineIndicatorInput,
    ) -> Result<DefineIndicatorPayload> {
        let command = Command::DefineIndicator {
            indicator_id: new_id(),
            name: input.name,
            unit: input.unit,
            baseline: input.baseline,
            norm: input.norm,
            direction: input.direction.into(),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        Ok(DefineIndicatorPayload {
            indicator: subject(&executed)
                .and_then(|id| werkplaats.0.view.indicator(&id))
                .map(Indicator::from)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }

    /// Records a measurement of an indicator.
    async fn record_measurement(
        &self,
        ctx: &Context<'_>,
        input: RecordMeasurementInput,
    ) -> Result<RecordMeasurementPayload> {
        let command = Command::RecordMeasurement {
            indicator_id: input.indicator_id.0,
            value: input.value,
            measured_on: input.measured_on.0,
            note: input.note,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        Ok(RecordMeasurementPayload {
            indicator: subject(&executed)
                .and_then(|id| werkplaats.0.view.indicator(&id))
                .map(Indicator::from)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }

    /// Moves to the next phase of the step plan (facilitator).
    async fn advance_phase(
        &self,
        ctx: &Context<'_>,
        input: AdvancePhaseInput,
    ) -> Result<AdvancePhasePayload> {
        let command = Command::AdvancePhase {
            expected_phase: i64::from(input.expected_phase),
            note: input.note,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let view = &werkplaats.0.view;
        Ok(AdvancePhasePayload {
            phase: phase(view.methodology, view.phase),
            version: int(executed.version),
        })
    }
}
