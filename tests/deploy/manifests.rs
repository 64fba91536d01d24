//! Every YAML file under `deploy/` parses (all documents of it), and the
//! manifests say what running beyond one machine needs: an image, probes,
//! at least two replicas, resources, a preStop that lets websockets drain,
//! and references that meet (Service → pods, Ingress → Service, HPA and
//! PDB → Deployment, ConfigMap and Secret → containers).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_yaml::Value;

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy")
}

fn yaml_files(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, found);
        } else if path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            found.push(path);
        }
    }
}

/// Every document of every YAML file under `deploy/`, by file.
fn documents() -> Vec<(PathBuf, Value)> {
    let mut files = Vec::new();
    yaml_files(&deploy(), &mut files);
    files.sort();
    let mut documents = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for document in serde_yaml::Deserializer::from_str(&text) {
            let mut value = Value::deserialize(document)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
            // Compose's shared settings are YAML merge keys (`<<: *anchor`).
            value
                .apply_merge()
                .unwrap_or_else(|e| panic!("{}: a bad merge key: {e}", path.display()));
            if !value.is_null() {
                documents.push((path.clone(), value));
            }
        }
    }
    documents
}

/// `value` at a dotted path (`spec.template.spec`); numbers index lists.
fn at<'v>(value: &'v Value, path: &str) -> &'v Value {
    path.split('.')
        .fold(value, |value, key| match key.parse::<usize>() {
            Ok(index) => &value[index],
            Err(_) => &value[key],
        })
}

fn text<'v>(value: &'v Value, path: &str) -> &'v str {
    at(value, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string in {value:?}"))
}

/// Kubernetes objects by kind and name.
fn kubernetes() -> HashMap<(String, String), Value> {
    documents()
        .into_iter()
        .filter(|(path, _)| path.components().any(|c| c.as_os_str() == "kubernetes"))
        .filter(|(_, value)| text(value, "kind") != "Kustomization")
        .map(|(path, value)| {
            for field in ["apiVersion", "kind", "metadata.name"] {
                assert!(
                    at(&value, field).is_string(),
                    "{}: {field} missing",
                    path.display()
                );
            }
            let key = (
                text(&value, "kind").to_owned(),
                text(&value, "metadata.name").to_owned(),
            );
            (key, value)
        })
        .collect()
}

fn object<'o>(objects: &'o HashMap<(String, String), Value>, kind: &str) -> &'o Value {
    let mut of_kind = objects.iter().filter(|((k, _), _)| k == kind);
    let (_, value) = of_kind.next().unwrap_or_else(|| panic!("no {kind}"));
    assert!(of_kind.next().is_none(), "one {kind}");
    value
}

/// A container's image, resources and config references are complete.
fn check_container(container: &Value, objects: &HashMap<(String, String), Value>) {
    let image = text(container, "image");
    assert!(
        image.contains(':') && !image.ends_with(":latest"),
        "a pinned image: {image}"
    );
    for field in ["requests.cpu", "requests.memory", "limits.memory"] {
        assert!(
            !at(&container["resources"], field).is_null(),
            "resources.{field} of {image}"
        );
    }
    assert_eq!(
        at(container, "securityContext.allowPrivilegeEscalation"),
        &Value::Bool(false)
    );
    for source in at(container, "envFrom").as_sequence().unwrap() {
        if let Some(name) = source["configMapRef"]["name"].as_str() {
            assert!(
                objects.contains_key(&("ConfigMap".into(), name.into())),
                "ConfigMap {name}"
            );
        }
        if let Some(name) = source["secretRef"]["name"].as_str() {
            assert!(
                objects.contains_key(&("Secret".into(), name.into())),
                "Secret {name}"
            );
        }
    }
}

#[test]
fn every_yaml_file_under_deploy_parses() {
    let documents = documents();
    let files: std::collections::HashSet<_> = documents.iter().map(|(path, _)| path).collect();
    assert!(
        files.len() >= 9,
        "compose and the Kubernetes manifests: {files:?}"
    );
    println!(
        "manifests: {} YAML files, {} documents parse",
        files.len(),
        documents.len()
    );
}

#[test]
fn the_deployment_runs_replicas_with_probes_resources_and_a_drain() {
    let objects = kubernetes();
    let deployment = object(&objects, "Deployment");
    let replicas = at(deployment, "spec.replicas").as_u64().unwrap();
    assert!(replicas >= 2, "replicas {replicas}");
    let pod = at(deployment, "spec.template.spec");
    assert_eq!(at(pod, "securityContext.runAsNonRoot"), &Value::Bool(true));
    let container = at(pod, "containers.0");
    check_container(container, &objects);
    assert_eq!(text(container, "readinessProbe.httpGet.path"), "/readyz");
    assert_eq!(text(container, "livenessProbe.httpGet.path"), "/healthz");
    let pre_stop: Vec<&str> = at(container, "lifecycle.preStop.exec.command")
        .as_sequence()
        .unwrap()
        .iter()
        .map(|part| part.as_str().unwrap())
        .collect();
    assert_eq!(pre_stop[0], "sleep");
    let drain: u64 = pre_stop[1].parse().unwrap();
    let grace = at(pod, "terminationGracePeriodSeconds").as_u64().unwrap();
    assert!(
        grace > drain + 10,
        "time after the preStop for requests in flight"
    );
    let port = text(container, "ports.0.name");

    let labels = at(deployment, "spec.template.metadata.labels");
    let selects = |selector: &Value| {
        selector
            .as_mapping()
            .unwrap()
            .iter()
            .all(|(key, value)| &labels[key.as_str().unwrap()] == value)
    };
    assert!(selects(at(deployment, "spec.selector.matchLabels")));
    let service = object(&objects, "Service");
    assert!(
        selects(at(service, "spec.selector")),
        "the Service selects the pods"
    );
    assert_eq!(text(service, "spec.ports.0.targetPort"), port);
    let pdb = object(&objects, "PodDisruptionBudget");
    assert!(
        selects(at(pdb, "spec.selector.matchLabels")),
        "the PDB covers the pods"
    );
    let hpa = object(&objects, "HorizontalPodAutoscaler");
    assert_eq!(
        text(hpa, "spec.scaleTargetRef.name"),
        text(deployment, "metadata.name")
    );
    let min = at(hpa, "spec.minReplicas").as_u64().unwrap();
    assert!(min >= 2 && at(hpa, "spec.maxReplicas").as_u64().unwrap() >= min);

    let ingress = object(&objects, "Ingress");
    let annotations = at(ingress, "metadata.annotations");
    for timeout in ["proxy-read-timeout", "proxy-send-timeout"] {
        let seconds: u64 = annotations[format!("nginx.ingress.kubernetes.io/{timeout}").as_str()]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            seconds >= 60,
            "{timeout} outlasts the server's ping interval"
        );
    }
    for path in at(ingress, "spec.rules.0.http.paths")
        .as_sequence()
        .unwrap()
    {
        assert_eq!(
            text(path, "backend.service.name"),
            text(service, "metadata.name")
        );
        assert_ne!(text(path, "path"), "/metrics");
    }
}

#[test]
fn the_migration_job_runs_the_same_image() {
    let objects = kubernetes();
    let job = object(&objects, "Job");
    let deployment = object(&objects, "Deployment");
    let container = at(job, "spec.template.spec.containers.0");
    check_container(container, &objects);
    assert_eq!(
        text(container, "image"),
        text(deployment, "spec.template.spec.containers.0.image")
    );
    assert_eq!(at(container, "args.0").as_str(), Some("migrate"));
}

#[test]
fn the_configuration_file_holds_only_settings_serve_knows() {
    let objects = kubernetes();
    let deployment = object(&objects, "Deployment");
    let volume = at(deployment, "spec.template.spec.volumes.0.configMap.name");
    let config = &objects[&("ConfigMap".to_owned(), volume.as_str().unwrap().to_owned())];
    let file: toml::Table = config["data"]["werkplaats.toml"]
        .as_str()
        .expect("werkplaats.toml in the ConfigMap")
        .parse()
        .expect("werkplaats.toml is TOML");
    // The server is told where the mounted file is.
    let container = at(deployment, "spec.template.spec.containers.0");
    let env_name = text(container, "envFrom.0.configMapRef.name");
    let env = &objects[&("ConfigMap".to_owned(), env_name.to_owned())];
    assert_eq!(
        text(env, "data.WERKPLAATS_CONFIG"),
        format!(
            "{}/werkplaats.toml",
            text(container, "volumeMounts.0.mountPath")
        )
    );
    let help = Command::new(env!("CARGO_BIN_EXE_werkplaats"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(!file.is_empty());
    for key in file.keys() {
        assert!(help.contains(&format!("--{key}")), "serve has no --{key}");
    }
}

#[test]
fn compose_runs_two_instances_behind_nginx() {
    let (_, compose) = documents()
        .into_iter()
        .find(|(path, _)| path.ends_with("compose.yaml"))
        .expect("deploy/compose.yaml");
    let services = compose["services"].as_mapping().unwrap();
    let instances: Vec<&Value> = services
        .iter()
        .filter(|(name, _)| name.as_str().unwrap().starts_with("werkplaats-"))
        .map(|(_, service)| service)
        .collect();
    assert!(instances.len() >= 2, "two instances or more");
    for instance in instances {
        assert!(instance["image"].is_string());
        assert!(!instance["healthcheck"]["test"].is_null());
        assert!(!at(instance, "deploy.resources.limits.memory").is_null());
        assert!(text(instance, "environment.DATABASE_URL").contains("@postgres:5432/"));
    }
    assert!(services.contains_key("postgres"));
    let volume = text(&compose, "services.nginx.volumes.0");
    let file = deploy().join(volume.split(':').next().unwrap());
    let nginx = std::fs::read_to_string(&file).unwrap();
    for line in [
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_http_version 1.1;",
    ] {
        assert!(
            nginx.contains(line),
            "{} passes websockets: {line}",
            file.display()
        );
    }
}
