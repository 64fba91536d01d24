//! The healthcheck commands of the image (`deploy/Containerfile`) and of
//! compose run for real against a server process: they pass while it
//! serves and fail when nothing listens. (No container engine runs here;
//! the commands are plain bash, so they can be tried without one.)

use std::path::Path;
use std::process::Command;

use uuid::Uuid;

use crate::kit::process::{free_port, Database, Server};

/// The port the commands in `deploy/` are written for.
const IMAGE_PORT: &str = "127.0.0.1/8080";

/// The `bash -c` script of the Containerfile's `HEALTHCHECK CMD [...]`.
fn containerfile_check() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/Containerfile");
    let text = std::fs::read_to_string(path).unwrap();
    // The instruction continues over lines ending in a backslash.
    let joined = text.replace("\\\n", " ");
    let line = joined
        .lines()
        .find(|line| line.starts_with("HEALTHCHECK"))
        .expect("a HEALTHCHECK");
    let exec = &line[line.find("CMD [").expect("exec form") + 4..];
    let command: Vec<String> = serde_json::from_str(exec).expect("a JSON array");
    assert_eq!(command[..2], ["bash", "-c"]);
    command[2].clone()
}

/// The `bash -c` script of compose's healthcheck for the instances.
fn compose_check() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/compose.yaml");
    let mut compose: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    compose.apply_merge().unwrap();
    let test = &compose["services"]["werkplaats-1"]["healthcheck"]["test"];
    let command: Vec<String> = serde_yaml::from_value(test.clone()).unwrap();
    assert_eq!(command[..3], ["CMD", "bash", "-c"]);
    command[3].clone()
}

fn passes(script: &str, port: u16) -> bool {
    let script = script.replace(IMAGE_PORT, &format!("127.0.0.1/{port}"));
    Command::new("bash")
        .args(["-c", &script])
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn the_healthchecks_pass_while_the_server_serves_and_fail_without_it() {
    let database = Database::fresh();
    let server = Server::start(
        &database.url(),
        &format!("admin-{}", Uuid::new_v4()),
        &[],
        &[],
    );
    let nobody = free_port();
    for (name, script) in [
        ("Containerfile", containerfile_check()),
        ("compose", compose_check()),
    ] {
        assert!(
            script.contains(IMAGE_PORT),
            "{name} checks port 8080: {script}"
        );
        assert!(
            passes(&script, server.address.port()),
            "{name}'s check passes: {script}"
        );
        assert!(
            !passes(&script, nobody),
            "{name}'s check fails when nothing listens"
        );
    }
}
