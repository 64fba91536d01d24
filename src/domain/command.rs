//! What members ask of a werkplaats, one variant per contract mutation.
//!
//! Texts and referenced ids arrive as the client sent them: [`super::decide`]
//! checks them after the role, so that the contract's order of errors holds
//! (a refused role is reported before bad input). Ids of the items a command
//! creates are drawn by the caller, which keeps the domain deterministic.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{ActOutcome, Direction, EvidenceBasis, Methodology, PartnerKind, Perspective, Role};

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    CreateWerkplaats {
        werkplaats_id: Uuid,
        facilitator_id: Uuid,
        name: String,
        municipality: String,
        question: String,
        methodology: Methodology,
        facilitator_name: String,
    },
    AddPartner {
        partner_id: Uuid,
        name: String,
        kind: PartnerKind,
    },
    InviteMember {
        member_id: Uuid,
        name: String,
        role: Role,
        partner_id: Option<String>,
    },
    RecordProblem {
        problem_id: Uuid,
        title: String,
        description: String,
        perspective: Perspective,
    },
    ProposeSolution {
        solution_id: Uuid,
        title: String,
        description: String,
        basis: Vec<EvidenceBasis>,
        addresses_problem_ids: Vec<String>,
    },
    RecordDecision {
        decision_id: Uuid,
        title: String,
        context: String,
        options_considered: Vec<String>,
        decision: String,
        rationale: String,
        based_on: Vec<String>,
        supersedes_decision_id: Option<String>,
    },
    PlanAction {
        action_id: Uuid,
        title: String,
        goal: String,
        owner_partner_id: String,
        solution_id: Option<String>,
        due_date: Option<NaiveDate>,
    },
    ReviseAction {
        action_id: String,
        expected_version: i64,
        title: Option<String>,
        goal: Option<String>,
        owner_partner_id: Option<String>,
        /// `Some(None)` clears the due date.
        due_date: Option<Option<NaiveDate>>,
    },
    StartAction {
        action_id: String,
        expected_version: Option<i64>,
    },
    CheckAction {
        action_id: String,
        findings: String,
        expected_version: Option<i64>,
    },
    ConcludeAction {
        action_id: String,
        outcome: ActOutcome,
        rationale: String,
        expected_version: Option<i64>,
    },
    RecordReflection {
        reflection_id: Uuid,
        text: String,
        about: Vec<String>,
    },
    DefineIndicator {
        indicator_id: Uuid,
        name: String,
        unit: String,
        baseline: f64,
        norm: f64,
        direction: Direction,
    },
    RecordMeasurement {
        indicator_id: String,
        value: f64,
        measured_on: NaiveDate,
        note: Option<String>,
    },
    AdvancePhase {
        expected_phase: i64,
        note: Option<String>,
    },
    RemoveMember {
        member_id: String,
    },
    ChangeRole {
        member_id: String,
        role: Role,
    },
    ForgetMember {
        member_id: String,
    },
    /// Lets the member sign in with the identity provider as `subject`
    /// (the value of the configured claim).
    LinkIdentity {
        member_id: String,
        subject: String,
    },
    /// Records the head before this command. The domain knows no hashes,
    /// so the application reads the head's hash and passes it in.
    RecordCheckpoint {
        version: i64,
        hash: String,
    },
}
