//! Replay and audit (`audit.graphql`): what changed between two versions and
//! a decision's provenance. The folding and comparing happen in the app
//! layer; this is their GraphQL shape.

use async_graphql::{Context, Enum, Json, Result, SimpleObject, ID};
use serde_json::Value;

use super::error::graphql_error;
use super::types::{int, Event, Shared};
use crate::app::{self, render, App};
use crate::projections::DecisionView;

/// What kind of item of a werkplaats something is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "render::ItemKind")]
pub enum ItemKind {
    /// A problem.
    Problem,
    /// A solution.
    Solution,
    /// An action.
    Action,
    /// A decision.
    Decision,
    /// A reflection.
    Reflection,
    /// An indicator.
    Indicator,
    /// A partner organisation.
    Partner,
    /// A member.
    Member,
    /// The phase the werkplaats is in.
    Phase,
    /// A goal.
    Goal,
    /// A risk.
    Risk,
    /// A client journey.
    Journey,
    /// A statement of the checklist.
    ChecklistItem,
}

/// How an item changed between two versions.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "app::ChangeKind")]
pub enum ChangeKind {
    /// It is new.
    Added,
    /// It was there before and is different now.
    Changed,
    /// It was there before and is gone now.
    Removed,
}

/// One item added, changed or removed between two versions.
#[derive(SimpleObject)]
pub struct ItemChange {
    /// What kind of item it is.
    pub kind: ItemKind,
    /// The item's id.
    pub id: ID,
    /// Whether it was added, changed or removed.
    pub change: ChangeKind,
    /// The item as it was before, as the werkplaats shows it; empty when it did
    /// not exist yet.
    pub before: Option<Json<Value>>,
    /// The item as it is after, as the werkplaats shows it; empty when it was
    /// removed.
    pub after: Option<Json<Value>>,
}

impl From<app::ItemChange> for ItemChange {
    fn from(c: app::ItemChange) -> Self {
        ItemChange {
            kind: c.kind.into(),
            id: ID(c.id),
            change: c.change.into(),
            before: c.before.map(Json),
            after: c.after.map(Json),
        }
    }
}

/// What changed after `fromVersion` up to and including `toVersion`.
#[derive(SimpleObject)]
pub struct Changes {
    /// The version compared from; its own changes are not included.
    pub from_version: i32,
    /// The version compared to; its changes are included.
    pub to_version: i32,
    /// Every item that was added, changed or removed.
    pub items: Vec<ItemChange>,
    /// The events in between, in version order.
    pub events: Vec<Event>,
}

/// An item a decision was based on, as it was when the decision was taken.
#[derive(SimpleObject)]
pub struct ProvenanceItem {
    /// The item's id.
    pub id: ID,
    /// What kind of item it is.
    pub kind: ItemKind,
    /// The item as it was at the decision's version.
    pub at_decision: Json<Value>,
    /// Whether the item has changed since the decision was taken.
    pub changed_since: bool,
}

/// `Werkplaats.changes`.
pub async fn changes(
    ctx: &Context<'_>,
    wp: &Shared,
    from_version: i32,
    to_version: Option<i32>,
) -> Result<Changes> {
    let app = ctx.data::<App>()?;
    let changes = app
        .changes(wp, i64::from(from_version), to_version.map(i64::from))
        .await
        .map_err(graphql_error)?;
    Ok(Changes {
        from_version: int(changes.from_version),
        to_version: int(changes.to_version),
        items: changes.items.into_iter().map(ItemChange::from).collect(),
        events: changes.events.into_iter().map(Event::from).collect(),
    })
}

/// `Decision.provenance`.
pub async fn provenance(
    ctx: &Context<'_>,
    wp: &Shared,
    decision: &DecisionView,
) -> Result<Vec<ProvenanceItem>> {
    let app = ctx.data::<App>()?;
    let items = app.provenance(wp, decision).await.map_err(graphql_error)?;
    Ok(items
        .into_iter()
        .map(|p| ProvenanceItem {
            id: ID(p.id.to_string()),
            kind: p.kind.into(),
            at_decision: Json(p.at_decision),
            changed_since: p.changed_since,
        })
        .collect())
}

/// `Decision.referencedBy`.
pub fn referenced_by(wp: &Shared, decision: &DecisionView) -> Vec<ID> {
    app::referenced_by(wp, &decision.id)
        .into_iter()
        .map(|id| ID(id.to_string()))
        .collect()
}
