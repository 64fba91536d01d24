//! Replay for facilitators and evaluators: what changed between two
//! versions, and what a decision rested on as the partners saw it then.
//!
//! Both are answered by folding: the werkplaats at a version is the fold of
//! its first events, so "as it was" is simply another fold, and an item
//! "changed" exactly when its rendering as the query shows it differs.

use std::collections::HashMap;

use serde_json::Value;
use uuid::Uuid;

use super::render::{self, ItemKind, RenderedItem};
use super::{App, AppError, EventRecord, WerkplaatsAt};
use crate::projections::DecisionView;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

/// One item added, changed or removed between two versions.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemChange {
    pub kind: ItemKind,
    pub id: String,
    pub change: ChangeKind,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// What happened after `from_version` up to and including `to_version`.
#[derive(Clone, Debug)]
pub struct Changes {
    pub from_version: i64,
    pub to_version: i64,
    pub items: Vec<ItemChange>,
    pub events: Vec<EventRecord>,
}

/// A basis item of a decision, as it was when the decision was taken.
#[derive(Clone, Debug, PartialEq)]
pub struct ProvenanceItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub at_decision: Value,
    pub changed_since: bool,
}

/// The item changes between two readings: items of `after` in its order
/// (kind, then creation), each compared with `before`; then items only
/// `before` has, in its order. Items are never removed in the domain today,
/// but a diff that could not say so would hide it if they ever were.
pub fn diff(before: &[RenderedItem], after: &[RenderedItem]) -> Vec<ItemChange> {
    let key = |item: &RenderedItem| (item.kind, item.id.clone());
    let earlier: HashMap<_, &RenderedItem> = before.iter().map(|i| (key(i), i)).collect();
    let later: HashMap<_, &RenderedItem> = after.iter().map(|i| (key(i), i)).collect();
    let mut changes: Vec<(ItemKind, ItemChange)> = Vec::new();
    for item in after {
        let change = match earlier.get(&key(item)) {
            None => ChangeKind::Added,
            Some(old) if old.json != item.json => ChangeKind::Changed,
            Some(_) => continue,
        };
        changes.push((
            item.kind,
            ItemChange {
                kind: item.kind,
                id: item.id.clone(),
                change,
                before: earlier.get(&key(item)).map(|old| old.json.clone()),
                after: Some(item.json.clone()),
            },
        ));
    }
    for item in before.iter().filter(|i| !later.contains_key(&key(i))) {
        changes.push((
            item.kind,
            ItemChange {
                kind: item.kind,
                id: item.id.clone(),
                change: ChangeKind::Removed,
                before: Some(item.json.clone()),
                after: None,
            },
        ));
    }
    // Stable: within a kind, the order above (creation, then removed) stays.
    changes.sort_by_key(|(kind, _)| *kind);
    changes.into_iter().map(|(_, change)| change).collect()
}

/// Ids of the decisions in `wp` that refer to `decision`, through `basedOn`
/// or `supersedes`, in the order they were recorded. Actions cannot refer
/// to a decision in the domain today, so only decisions can appear here.
pub fn referenced_by(wp: &WerkplaatsAt, decision: &Uuid) -> Vec<Uuid> {
    wp.view
        .decisions
        .iter()
        .filter(|d| d.based_on.contains(decision) || d.supersedes.as_ref() == Some(decision))
        .map(|d| d.id)
        .collect()
}

impl App {
    /// The werkplaats `wp` belongs to, folded up to `version` (0: nothing yet).
    async fn reading(
        &self,
        wp: &WerkplaatsAt,
        version: i64,
    ) -> Result<Vec<RenderedItem>, AppError> {
        if version == 0 {
            return Ok(Vec::new());
        }
        let loaded = self
            .load(wp.view.id, version)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(render::items(&loaded.at))
    }

    /// What changed after `from` up to and including `to` (default: the
    /// version of `wp`). Both lie within `0..=wp.version` and `from < to`.
    pub async fn changes(
        &self,
        wp: &WerkplaatsAt,
        from: i64,
        to: Option<i64>,
    ) -> Result<Changes, AppError> {
        let head = wp.view.version;
        let to = to.unwrap_or(head);
        if !(0..=head).contains(&from) || !(0..=head).contains(&to) {
            return Err(AppError::BadInput(format!(
                "fromVersion and toVersion must lie between 0 and {head}"
            )));
        }
        if from >= to {
            return Err(AppError::BadInput(
                "fromVersion must be below toVersion".into(),
            ));
        }
        let before = self.reading(wp, from).await?;
        // The reading at `to` is `wp` itself when `to` is its version; the
        // fold is repeated otherwise.
        let after = if to == head {
            render::items(wp)
        } else {
            self.reading(wp, to).await?
        };
        let stored = self
            .store
            .read_stream(wp.view.id, from, to, to - from)
            .await?;
        Ok(Changes {
            from_version: from,
            to_version: to,
            items: diff(&before, &after),
            events: stored
                .into_iter()
                .map(|s| EventRecord::new(s, wp))
                .collect(),
        })
    }

    /// Every basis item of `decision`, in `basedOn` order, as it was at the
    /// decision's version, and whether `wp` shows it differently.
    pub async fn provenance(
        &self,
        wp: &WerkplaatsAt,
        decision: &DecisionView,
    ) -> Result<Vec<ProvenanceItem>, AppError> {
        let then = self
            .load(wp.view.id, decision.at_version)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(decision
            .based_on
            .iter()
            // `basedOn` was checked when the decision was recorded, so each
            // id exists at its version; a missing one would be a broken
            // stream, and is left out rather than shown as something else.
            .filter_map(|id| {
                let at_decision = render::item(&then.at, id)?;
                let now = render::item(wp, id);
                Some(ProvenanceItem {
                    id: *id,
                    kind: at_decision.kind,
                    changed_since: now.as_ref().map(|n| &n.json) != Some(&at_decision.json),
                    at_decision: at_decision.json,
                })
            })
            .collect())
    }
}
