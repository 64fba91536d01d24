//! Field errors as the GraphQL spec answers them ("Handling Field Errors"):
//! a field that fails is `null` in `data` and its error is in `errors`; a
//! non-null field that fails makes its parent `null` instead, up to the
//! nearest nullable field (or list item), or `data` itself.
//!
//! async-graphql 7 leaves a failed field's key out of its object instead,
//! and answers an object whose fields all failed as `null`: one failed root
//! field then removed the whole `data`. [`FieldErrors`] takes every field's
//! error as it leaves the resolver, records it, answers `null` in its place
//! and applies the propagation rules itself; the recorded errors join the
//! response at the end of the operation. It runs for queries and mutations
//! (`execute`); subscriptions are left as the engine answers them.
//!
//! It also answers `__schema { description }` with `null`: async-graphql
//! answers it with the description of the `__Schema` type itself, while
//! this schema has no description of its own.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo,
};
use async_graphql::{
    PathSegment, QueryPathNode, QueryPathSegment, Response, ServerError, ServerResult, Value,
};

/// The extension; see the module's documentation.
pub struct FieldErrors;

impl ExtensionFactory for FieldErrors {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldErrorsExtension::default())
    }
}

/// One step of a response path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Field(String),
    Index(usize),
}

#[derive(Default)]
struct FieldErrorsExtension {
    /// Set while a query or mutation executes.
    executing: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    errors: Vec<ServerError>,
    /// Places (a field or a list item) that must become `null` because a
    /// non-null field below them failed; settled by the field around them.
    poisoned: HashSet<Vec<Step>>,
    /// `data` itself must become `null`.
    root: bool,
}

fn path_of(node: &QueryPathNode<'_>) -> Vec<Step> {
    let mut steps: Vec<Step> = std::iter::once(node)
        .chain(node.parents())
        .map(|node| match node.segment {
            QueryPathSegment::Name(name) => Step::Field(name.to_owned()),
            QueryPathSegment::Index(index) => Step::Index(index),
        })
        .collect();
    steps.reverse();
    steps
}

fn nullable(ty: &str) -> bool {
    !ty.ends_with('!')
}

/// The type of a list's items: `[T!]!` → `T!`.
fn item_type(ty: &str) -> &str {
    let ty = ty.strip_suffix('!').unwrap_or(ty);
    ty.strip_prefix('[')
        .and_then(|ty| ty.strip_suffix(']'))
        .unwrap_or(ty)
}

impl State {
    /// A non-null place at `path` is `null`: its parent becomes `null`.
    fn poison_parent(&mut self, path: &[Step]) {
        match path.split_last() {
            Some((_, [])) | None => self.root = true,
            Some((_, parent)) => {
                self.poisoned.insert(parent.to_vec());
            }
        }
    }

    /// After the field at `path` of type `ty` resolved to `value`: the
    /// places below it that must be `null` (items of its lists) are set so,
    /// and whether the field itself must be `null`.
    fn settle(&mut self, path: &[Step], ty: &str, value: &mut Value) -> bool {
        if self.poisoned.remove(path) {
            return true;
        }
        // Items of (nested) lists of this field, deepest first.
        let mut items: Vec<Vec<Step>> = self
            .poisoned
            .iter()
            .filter(|place| {
                place.len() > path.len()
                    && place.starts_with(path)
                    && place[path.len()..]
                        .iter()
                        .all(|step| matches!(step, Step::Index(_)))
            })
            .cloned()
            .collect();
        items.sort_by_key(|place| std::cmp::Reverse(place.len()));
        let mut whole = false;
        for place in items {
            if !self.poisoned.remove(&place) {
                continue;
            }
            let indices: Vec<usize> = place[path.len()..]
                .iter()
                .filter_map(|step| match step {
                    Step::Index(index) => Some(*index),
                    Step::Field(_) => None,
                })
                .collect();
            let mut item = ty;
            for _ in &indices {
                item = item_type(item);
            }
            if nullable(item) {
                if let Some(slot) = slot(value, &indices) {
                    *slot = Value::Null;
                }
            } else if indices.len() == 1 {
                whole = true;
            } else {
                self.poisoned.insert(place[..place.len() - 1].to_vec());
            }
        }
        whole
    }
}

/// The error, with its place in the response if it does not say.
fn with_path(mut error: ServerError, path: &[Step]) -> ServerError {
    if error.path.is_empty() {
        error.path = path
            .iter()
            .map(|step| match step {
                Step::Field(name) => PathSegment::Field(name.clone()),
                Step::Index(index) => PathSegment::Index(*index),
            })
            .collect();
    }
    error
}

fn slot<'v>(value: &'v mut Value, indices: &[usize]) -> Option<&'v mut Value> {
    let mut value = value;
    for index in indices {
        match value {
            Value::List(items) => value = items.get_mut(*index)?,
            _ => return None,
        }
    }
    Some(value)
}

#[async_graphql::async_trait::async_trait]
impl Extension for FieldErrorsExtension {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.executing.store(true, Ordering::Relaxed);
        let mut response = next.run(ctx, operation_name).await;
        self.executing.store(false, Ordering::Relaxed);
        let state = std::mem::take(&mut *self.state.lock().expect("the field errors lock"));
        if state.root {
            response.data = Value::Null;
        }
        response.errors.extend(state.errors);
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.parent_type == "__Schema" && info.name == "description" {
            return Ok(Some(Value::Null));
        }
        if !self.executing.load(Ordering::Relaxed) {
            return next.run(ctx, info).await;
        }
        let node = info.path_node;
        let ty = info.return_type.to_owned();
        let result = next.run(ctx, info).await;
        // A list's item: the engine names every item type non-null, so its
        // place is settled by the list's field, which knows its type.
        if let QueryPathSegment::Index(_) = node.segment {
            return match result {
                Ok(value) => Ok(value),
                Err(error) => {
                    let mut state = self.state.lock().expect("the field errors lock");
                    let path = path_of(node);
                    state.errors.push(with_path(error, &path));
                    state.poisoned.insert(path);
                    Ok(Some(Value::Null))
                }
            };
        }
        let mut state = self.state.lock().expect("the field errors lock");
        let failed = match result {
            Ok(value) => {
                let mut value = value.unwrap_or_default();
                if state.poisoned.is_empty() {
                    return Ok(Some(value));
                }
                let path = path_of(node);
                if !state.settle(&path, &ty, &mut value) {
                    return Ok(Some(value));
                }
                path
            }
            Err(error) => {
                let path = path_of(node);
                state.errors.push(with_path(error, &path));
                path
            }
        };
        if !nullable(&ty) {
            state.poison_parent(&failed);
        }
        Ok(Some(Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    struct Inner;

    #[Object]
    impl Inner {
        async fn fails(&self) -> async_graphql::Result<i32> {
            Err("no".into())
        }
        async fn fine(&self) -> i32 {
            1
        }
    }

    struct Root;

    #[Object]
    impl Root {
        async fn maybe(&self) -> async_graphql::Result<Option<i32>> {
            Err("no".into())
        }
        async fn inner(&self) -> Option<Inner> {
            Some(Inner)
        }
        async fn must(&self) -> Inner {
            Inner
        }
        async fn items(&self) -> Vec<Option<Inner>> {
            vec![Some(Inner), Some(Inner)]
        }
        async fn ok(&self) -> i32 {
            2
        }
    }

    async fn run(query: &str) -> serde_json::Value {
        let schema = Schema::build(Root, EmptyMutation, EmptySubscription)
            .extension(FieldErrors)
            .finish();
        serde_json::to_value(schema.execute(query).await).unwrap()
    }

    #[tokio::test]
    async fn errors_null_the_nearest_nullable_place() {
        let response = run("{ maybe ok }").await;
        assert_eq!(
            response["data"],
            serde_json::json!({"maybe": null, "ok": 2})
        );
        assert_eq!(response["errors"][0]["path"], serde_json::json!(["maybe"]));
        let response = run("{ inner { fine fails } ok }").await;
        assert_eq!(
            response["data"],
            serde_json::json!({"inner": null, "ok": 2})
        );
        assert_eq!(
            response["errors"][0]["path"],
            serde_json::json!(["inner", "fails"])
        );
        let response = run("{ items { fine fails } ok }").await;
        assert_eq!(
            response["data"],
            serde_json::json!({"items": [null, null], "ok": 2})
        );
        assert_eq!(response["errors"].as_array().unwrap().len(), 2);
        let response = run("{ must { fails } ok }").await;
        assert_eq!(response["data"], serde_json::Value::Null);
        assert_eq!(
            response["errors"][0]["path"],
            serde_json::json!(["must", "fails"])
        );
        let response = run("{ __schema { description } }").await;
        assert_eq!(
            response["data"],
            serde_json::json!({"__schema": {"description": null}})
        );
    }

    #[test]
    fn item_types_and_nullability() {
        assert_eq!(item_type("[Action!]!"), "Action!");
        assert_eq!(item_type("[[Int]!]"), "[Int]!");
        assert!(nullable("Werkplaats"));
        assert!(!nullable("[Action!]!"));
    }

    #[test]
    fn a_non_null_item_nulls_its_nullable_list_item_or_the_field() {
        let field = vec![Step::Field("actions".into())];
        let item = |i| {
            let mut place = field.clone();
            place.push(Step::Index(i));
            place
        };
        let mut value = Value::List(vec![Value::from(1), Value::from(2)]);
        let mut state = State::default();
        state.poisoned.insert(item(1));
        assert!(!state.settle(&field, "[Action]!", &mut value));
        assert_eq!(value, Value::List(vec![Value::from(1), Value::Null]));
        state.poisoned.insert(item(0));
        assert!(state.settle(&field, "[Action!]", &mut value));
        assert!(state.poisoned.is_empty());
    }
}
