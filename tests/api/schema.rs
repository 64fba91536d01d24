//! The served schema: the committed SDL is the server's, the server's SDL
//! contains the whole contract unchanged, and the HTTP shell around it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{
    FieldDefinition, InputValueDefinition, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::Positioned;
use async_graphql::Value;

use crate::kit::app::spawn_app;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A contract file, beside the project in `../shared/contract/`.
fn contract_file(name: &str) -> PathBuf {
    manifest_dir()
        .join("..")
        .join("shared")
        .join("contract")
        .join(name)
}

#[test]
fn the_committed_schema_file_is_the_servers_sdl() {
    let path = manifest_dir().join("graphql").join("schema.graphql");
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let served = werkplaats::api::sdl();
    if committed != served {
        let first_difference = committed
            .lines()
            .zip(served.lines())
            .enumerate()
            .find(|(_, (c, s))| c != s)
            .map(|(n, (c, s))| {
                format!(
                    "first difference at line {}:\n  file:   {c}\n  server: {s}",
                    n + 1
                )
            })
            .unwrap_or_else(|| {
                format!(
                    "one is a prefix of the other ({} vs {} lines)",
                    committed.lines().count(),
                    served.lines().count()
                )
            });
        panic!(
            "graphql/schema.graphql is not the server's SDL; run `cargo run -- schema > graphql/schema.graphql`\n{first_difference}"
        );
    }
    println!(
        "schema: graphql/schema.graphql equals the served SDL ({} lines)",
        served.lines().count()
    );
}

/// An argument or input field: its type and default value.
#[derive(Debug, Clone, PartialEq)]
struct InputShape {
    ty: String,
    default: Option<Value>,
}

impl InputShape {
    fn of(definition: &InputValueDefinition) -> InputShape {
        InputShape {
            ty: definition.ty.node.to_string(),
            default: definition
                .default_value
                .as_ref()
                .map(|value| value.node.clone()),
        }
    }

    /// Whether a client may leave it out.
    fn optional(&self) -> bool {
        !self.ty.ends_with('!') || self.default.is_some()
    }

    fn describe(&self) -> String {
        match &self.default {
            Some(default) => format!("{} = {default}", self.ty),
            None => self.ty.clone(),
        }
    }
}

/// A field of an object or interface type.
#[derive(Debug, Clone)]
struct FieldShape {
    ty: String,
    args: BTreeMap<String, InputShape>,
}

/// Everything the contract fixes about one named type, merged over its
/// definition and any `extend`s.
#[derive(Debug, Default)]
struct TypeShape {
    kind: &'static str,
    implements: BTreeSet<String>,
    /// Object and interface fields.
    fields: BTreeMap<String, FieldShape>,
    /// Input object fields.
    inputs: BTreeMap<String, InputShape>,
    values: BTreeSet<String>,
    members: BTreeSet<String>,
}

/// The types of an SDL document, extensions merged into their base type,
/// and the root operation types.
struct Shapes {
    types: BTreeMap<String, TypeShape>,
    roots: BTreeMap<&'static str, String>,
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Scalar => "scalar",
        TypeKind::Object(_) => "type",
        TypeKind::Interface(_) => "interface",
        TypeKind::Union(_) => "union",
        TypeKind::Enum(_) => "enum",
        TypeKind::InputObject(_) => "input",
    }
}

fn names<'a>(items: impl IntoIterator<Item = &'a Positioned<async_graphql::Name>>) -> Vec<String> {
    items.into_iter().map(|n| n.node.to_string()).collect()
}

fn field_shapes(fields: &[Positioned<FieldDefinition>]) -> Vec<(String, FieldShape)> {
    fields
        .iter()
        .map(|field| {
            let field = &field.node;
            let args = field
                .arguments
                .iter()
                .map(|arg| (arg.node.name.node.to_string(), InputShape::of(&arg.node)))
                .collect();
            (
                field.name.node.to_string(),
                FieldShape {
                    ty: field.ty.node.to_string(),
                    args,
                },
            )
        })
        .collect()
}

/// Adds one definition or extension to `shape`; panics on a duplicate or a
/// change of kind, which no valid document has.
fn merge(shape: &mut TypeShape, definition: &TypeDefinition, origin: &str) {
    let name = &definition.name.node;
    let kind = kind_name(&definition.kind);
    if shape.kind.is_empty() {
        shape.kind = kind;
    }
    assert_eq!(
        shape.kind, kind,
        "{origin}: {name} is both a {} and a {kind}",
        shape.kind
    );
    let fresh = |set: &mut BTreeSet<String>, item: String, what: &str| {
        assert!(
            set.insert(item.clone()),
            "{origin}: {what} {name}.{item} twice"
        );
    };
    match &definition.kind {
        TypeKind::Scalar => {}
        TypeKind::Object(object) => {
            for implemented in names(&object.implements) {
                shape.implements.insert(implemented);
            }
            for (field, field_shape) in field_shapes(&object.fields) {
                let previous = shape.fields.insert(field.clone(), field_shape);
                assert!(previous.is_none(), "{origin}: field {name}.{field} twice");
            }
        }
        TypeKind::Interface(interface) => {
            for implemented in names(&interface.implements) {
                shape.implements.insert(implemented);
            }
            for (field, field_shape) in field_shapes(&interface.fields) {
                let previous = shape.fields.insert(field.clone(), field_shape);
                assert!(previous.is_none(), "{origin}: field {name}.{field} twice");
            }
        }
        TypeKind::Union(union) => {
            for member in names(&union.members) {
                fresh(&mut shape.members, member, "member");
            }
        }
        TypeKind::Enum(enumeration) => {
            for value in &enumeration.values {
                fresh(
                    &mut shape.values,
                    value.node.value.node.to_string(),
                    "value",
                );
            }
        }
        TypeKind::InputObject(input) => {
            for field in &input.fields {
                let field_name = field.node.name.node.to_string();
                let previous = shape
                    .inputs
                    .insert(field_name.clone(), InputShape::of(&field.node));
                assert!(
                    previous.is_none(),
                    "{origin}: input field {name}.{field_name} twice"
                );
            }
        }
    }
}

fn shapes(sdl: &str, origin: &str) -> Shapes {
    let document = parse_schema(sdl).unwrap_or_else(|e| panic!("{origin} does not parse: {e}"));
    let mut types: BTreeMap<String, TypeShape> = BTreeMap::new();
    let mut roots = BTreeMap::new();
    for definition in &document.definitions {
        match definition {
            TypeSystemDefinition::Type(definition) => {
                let definition = &definition.node;
                let shape = types.entry(definition.name.node.to_string()).or_default();
                merge(shape, definition, origin);
            }
            TypeSystemDefinition::Schema(schema) => {
                let schema = &schema.node;
                for (operation, root) in [
                    ("query", &schema.query),
                    ("mutation", &schema.mutation),
                    ("subscription", &schema.subscription),
                ] {
                    if let Some(root) = root {
                        roots.insert(operation, root.node.to_string());
                    }
                }
            }
            TypeSystemDefinition::Directive(_) => {}
        }
    }
    // Without a schema definition the roots are the types so named.
    for (operation, default) in [
        ("query", "Query"),
        ("mutation", "Mutation"),
        ("subscription", "Subscription"),
    ] {
        if !roots.contains_key(operation) && types.contains_key(default) {
            roots.insert(operation, default.to_owned());
        }
    }
    Shapes { types, roots }
}

/// What was compared, for the report.
#[derive(Debug, Default)]
struct Checked {
    types: usize,
    fields: usize,
    arguments: usize,
    input_fields: usize,
    enum_values: usize,
}

/// Every difference between the contract and our SDL that breaks a client
/// of the contract. Ours may add types, fields, enum values, union members,
/// interfaces and optional arguments or input fields; nothing else.
fn contract_violations(contract: &Shapes, ours: &Shapes) -> (Vec<String>, Checked) {
    let mut problems = Vec::new();
    let mut checked = Checked::default();
    for (operation, root) in &contract.roots {
        if ours.roots.get(operation) != Some(root) {
            problems.push(format!(
                "the {operation} root is {root} in the contract, {:?} in ours",
                ours.roots.get(operation)
            ));
        }
    }
    for (name, theirs) in &contract.types {
        checked.types += 1;
        let Some(mine) = ours.types.get(name) else {
            problems.push(format!("{} {name} is missing", theirs.kind));
            continue;
        };
        if mine.kind != theirs.kind {
            problems.push(format!(
                "{name} is a {} in the contract, a {} in ours",
                theirs.kind, mine.kind
            ));
            continue;
        }
        for implemented in theirs.implements.difference(&mine.implements) {
            problems.push(format!("{name} does not implement {implemented}"));
        }
        for member in theirs.members.difference(&mine.members) {
            problems.push(format!("union {name} lacks member {member}"));
        }
        for value in &theirs.values {
            checked.enum_values += 1;
            if !mine.values.contains(value) {
                problems.push(format!("enum {name} lacks value {value}"));
            }
        }
        for (field, their_field) in &theirs.fields {
            checked.fields += 1;
            let Some(my_field) = mine.fields.get(field) else {
                problems.push(format!("field {name}.{field} is missing"));
                continue;
            };
            if my_field.ty != their_field.ty {
                problems.push(format!(
                    "{name}.{field} is {} in the contract, {} in ours",
                    their_field.ty, my_field.ty
                ));
            }
            compare_inputs(
                &format!("argument {name}.{field}"),
                &their_field.args,
                &my_field.args,
                &mut problems,
            );
            checked.arguments += their_field.args.len();
        }
        compare_inputs(
            &format!("input field {name}"),
            &theirs.inputs,
            &mine.inputs,
            &mut problems,
        );
        checked.input_fields += theirs.inputs.len();
    }
    (problems, checked)
}

/// Arguments of one field, or fields of one input type: every one of the
/// contract's with the same type and default; any extra one optional.
fn compare_inputs(
    what: &str,
    theirs: &BTreeMap<String, InputShape>,
    mine: &BTreeMap<String, InputShape>,
    problems: &mut Vec<String>,
) {
    for (name, their_input) in theirs {
        match mine.get(name) {
            None => problems.push(format!("{what}({name}) is missing")),
            Some(my_input) if my_input != their_input => problems.push(format!(
                "{what}({name}) is `{}` in the contract, `{}` in ours",
                their_input.describe(),
                my_input.describe()
            )),
            Some(_) => {}
        }
    }
    for (name, my_input) in mine {
        if !theirs.contains_key(name) && !my_input.optional() {
            problems.push(format!(
                "{what}({name}: {}) is required in ours but not in the contract",
                my_input.describe()
            ));
        }
    }
}

/// Panics, listing every difference, unless the served SDL contains the
/// contract file `name` unchanged.
fn assert_contains_contract(name: &str) -> Checked {
    assert_contains_contracts(&[name])
}

/// Contract files read as one: a file of extensions (`method.graphql`)
/// is checked together with the types it extends.
fn assert_contains_contracts(names: &[&str]) -> Checked {
    let contract: String = names
        .iter()
        .map(|name| {
            let path = contract_file(name);
            std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let name = names.join(" + ");
    let contract = shapes(&contract, &name);
    let ours = shapes(&werkplaats::api::sdl(), "the served SDL");
    let (problems, checked) = contract_violations(&contract, &ours);
    assert!(
        problems.is_empty(),
        "the served SDL breaks {name} in {} place(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    checked
}

#[test]
fn the_served_schema_contains_the_core_contract_unchanged() {
    let checked = assert_contains_contract("core.graphql");
    assert!(
        checked.types > 50,
        "the whole contract was read: {checked:?}"
    );
    println!(
        "schema: core.graphql: {} types, {} fields, {} arguments, {} input fields, {} enum values checked",
        checked.types, checked.fields, checked.arguments, checked.input_fields, checked.enum_values
    );
}

/// The comparison itself: extensions merge into their type, and each kind
/// of difference is caught.
#[test]
fn the_contract_check_merges_extensions_and_catches_differences() {
    let contract = shapes(
        "extend type Query { b(x: Int = 1): String }
         type Query { a: Int! }
         enum E { X Y }
         input I { f: ID! }",
        "contract",
    );
    let same = shapes(
        "type Query { a: Int! b(x: Int = 1, y: Int): String c: ID }
         enum E { X Y Z }
         input I { f: ID! g: Int }",
        "same",
    );
    let (problems, checked) = contract_violations(&contract, &same);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        (checked.types, checked.fields, checked.arguments),
        (3, 2, 1)
    );

    let different = shapes(
        "type Query { a: Int b(x: Int! = 1, z: Int!): String }
         enum E { X }
         input I { f: ID! g: Int! }",
        "different",
    );
    let (problems, _) = contract_violations(&contract, &different);
    assert_eq!(problems.len(), 5, "{problems:#?}");
}

#[tokio::test]
async fn graphiql_and_health_are_served() {
    let app = spawn_app().await;

    let response = app.get("/graphql").await;
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await.unwrap();
    assert!(
        page.to_lowercase().contains("graphiql"),
        "GraphiQL is served on GET /graphql"
    );

    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    println!(
        "schema: GET /graphql serves GraphiQL ({} bytes); /healthz and /readyz 200",
        page.len()
    );
}

#[test]
fn the_served_schema_contains_the_live_contract_unchanged() {
    let checked = assert_contains_contract("live.graphql");
    assert!(
        checked.types >= 5,
        "the whole contract was read: {checked:?}"
    );
    println!(
        "schema: live.graphql: {} types, {} fields, {} arguments, {} input fields checked",
        checked.types, checked.fields, checked.arguments, checked.input_fields
    );
}

#[test]
fn the_served_schema_contains_the_audit_contract_unchanged() {
    let checked = assert_contains_contract("audit.graphql");
    assert!(
        checked.types >= 10,
        "the whole contract was read: {checked:?}"
    );
    println!(
        "schema: audit.graphql: {} types, {} fields, {} arguments, {} input fields, {} enum values checked",
        checked.types, checked.fields, checked.arguments, checked.input_fields, checked.enum_values
    );
}

#[test]
fn the_served_schema_contains_the_trust_contract_unchanged() {
    let checked = assert_contains_contract("trust.graphql");
    assert!(
        checked.types >= 7,
        "the whole contract was read: {checked:?}"
    );
    println!(
        "schema: trust.graphql: {} types, {} fields, {} arguments, {} input fields checked",
        checked.types, checked.fields, checked.arguments, checked.input_fields
    );
}

#[test]
fn the_served_schema_contains_the_method_contract_unchanged() {
    let checked = assert_contains_contracts(&["core.graphql", "method.graphql"]);
    assert!(
        checked.types >= 90,
        "the whole contract was read: {checked:?}"
    );
    println!(
        "schema: core.graphql + method.graphql: {} types, {} fields, {} arguments, {} input fields, {} enum values checked",
        checked.types, checked.fields, checked.arguments, checked.input_fields, checked.enum_values
    );
}

#[test]
fn the_served_schema_contains_the_access_contract_unchanged() {
    let checked = assert_contains_contract("access.graphql");
    assert!(
        checked.types >= 2,
        "the whole contract was read: {checked:?}"
    );
    println!(
        "schema: access.graphql: {} types, {} fields, {} arguments, {} input fields checked",
        checked.types, checked.fields, checked.arguments, checked.input_fields
    );
}

/// Whether a definition lacks a description: none, or only whitespace.
fn undescribed(description: &Option<Positioned<String>>) -> bool {
    description
        .as_ref()
        .is_none_or(|description| description.node.trim().is_empty())
}

/// Every type (but the built-in scalars), field, argument, input field and
/// enum value of `sdl` without a description, and how many were checked.
fn missing_descriptions(sdl: &str, origin: &str) -> (Vec<String>, usize) {
    const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];
    let document = parse_schema(sdl).unwrap_or_else(|e| panic!("{origin} does not parse: {e}"));
    let mut missing = Vec::new();
    let mut checked = 0usize;
    let mut check = |description: &Option<Positioned<String>>, what: String| {
        checked += 1;
        if undescribed(description) {
            missing.push(what);
        }
    };
    for definition in &document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        if matches!(definition.kind, TypeKind::Scalar) && BUILT_IN_SCALARS.contains(&name) {
            continue;
        }
        check(
            &definition.description,
            format!("{} {name}", kind_name(&definition.kind)),
        );
        let fields = match &definition.kind {
            TypeKind::Object(object) => &object.fields[..],
            TypeKind::Interface(interface) => &interface.fields[..],
            _ => &[],
        };
        for field in fields {
            let field = &field.node;
            let field_name = field.name.node.as_str();
            check(&field.description, format!("field {name}.{field_name}"));
            for argument in &field.arguments {
                let argument = &argument.node;
                check(
                    &argument.description,
                    format!("argument {name}.{field_name}({})", argument.name.node),
                );
            }
        }
        match &definition.kind {
            TypeKind::InputObject(input) => {
                for field in &input.fields {
                    let field = &field.node;
                    check(
                        &field.description,
                        format!("input field {name}.{}", field.name.node),
                    );
                }
            }
            TypeKind::Enum(enumeration) => {
                for value in &enumeration.values {
                    let value = &value.node;
                    check(
                        &value.description,
                        format!("enum value {name}.{}", value.value.node),
                    );
                }
            }
            _ => {}
        }
    }
    (missing, checked)
}

/// The project rule: every type and field of the schema has a description
/// a partner understands. Built-in scalars describe themselves.
#[test]
fn every_type_field_argument_and_enum_value_has_a_description() {
    // The check itself: each kind of definition without a description is
    // caught, a blank one counts as none, and built-in scalars are skipped.
    let (caught, counted) = missing_descriptions(
        r#"
        scalar String
        "A day." scalar Date
        "Q." type Query { "F." f("A." a: Int, b: Int): String g: Date }
        interface Node { id: ID }
        input I { "X." x: Int y: Int }
        "  " enum E { "V." V W }
        "#,
        "the sample",
    );
    assert_eq!(
        caught,
        [
            "argument Query.f(b)",
            "field Query.g",
            "interface Node",
            "field Node.id",
            "input I",
            "input field I.y",
            "enum E",
            "enum value E.W",
        ],
        "the check misses or invents an undescribed definition"
    );
    assert_eq!(
        counted, 14,
        "every definition but the built-in scalar is counted"
    );

    let (missing, checked) = missing_descriptions(&werkplaats::api::sdl(), "the served SDL");
    assert!(
        checked > 500,
        "the whole schema was read: {checked} checked"
    );
    assert!(
        missing.is_empty(),
        "{} of {checked} schema definitions have no description; add a `///` doc comment \
         (or `#[graphql(desc = \"…\")]` on an argument) in src/api and regenerate \
         graphql/schema.graphql:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
    println!(
        "schema: {checked} types, fields, arguments, input fields and enum values checked; all described"
    );
}
