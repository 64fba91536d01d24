//! Replay and audit (`audit.graphql`): what changed between two versions and
//! a decision's provenance. The folding and comparing happen in the app
//! layer; this is their GraphQL shape.

use async_graphql::{Context, Enum, Json, Result, SimpleObject, ID};
use serde_json::Value;

use super::error::graphql_error;
use super::types::{int, Event, Shared};
use crate::app::{self, render, App};
use crate::projections::DecisionView;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "render::ItemKind")]
pub enum ItemKind {
    Problem,
    Solution,
    Action,
    Decision,
    Reflection,
    Indicator,
    Partner,
    Member,
    Phase,
    Goal,
    Risk,
    Journey,
    ChecklistItem,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "app::ChangeKind")]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

/// One item added, changed or removed between two versions.
#[derive(SimpleObject)]
pub struct ItemChange {
    pub kind: ItemKind,
    pub id: ID,
    pub change: ChangeKind,
    /// The item as the werkplaats query shows it before; null where absent.
    pub before: Option<Json<Value>>,
    /// The item as the werkplaats query shows it after; null where absent.
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
    pub from_version: i32,
    pub to_version: i32,
    pub items: Vec<ItemChange>,
    pub events: Vec<Event>,
}

/// An item a decision was based on, as it was when the decision was taken.
#[derive(SimpleObject)]
pub struct ProvenanceItem {
    pub id: ID,
    pub kind: ItemKind,
    /// The item as it was at the decision's version.
    pub at_decision: Json<Value>,
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
        events: changes.events.into_iter().map(Event).collect(),
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
