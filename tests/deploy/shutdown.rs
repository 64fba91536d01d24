//! SIGTERM (a rollout, a node drain, `systemctl stop`): the instance stops
//! at once even with websockets open, and their clients see the connection
//! end, so that they reconnect to another instance. This is what the
//! Kubernetes preStop and grace period in `deploy/` are sized on.

use std::time::{Duration, Instant};

use serde_json::json;
use uuid::Uuid;

use crate::client::{Next, Subscription};
use crate::support::{create_werkplaats, Database, Server};

const EVENTS: &str =
    "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id, afterVersion: 0) { version } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_open_websockets_and_the_process() {
    let database = Database::new();
    let admin = format!("admin-{}", Uuid::new_v4());
    let mut server = Server::start(&database.url(), &admin, &[], &[]);
    let (werkplaats, facilitator) =
        create_werkplaats(&server.http(), &admin, "Procesbegeleider").await;
    let ws = format!("ws://{}/graphql", server.address);
    let mut subscriptions = Vec::new();
    for _ in 0..3 {
        let mut subscription =
            Subscription::start(&ws, &facilitator, EVENTS, json!({"id": werkplaats}))
                .await
                .expect("a subscription starts");
        for _ in 0..2 {
            assert!(matches!(
                subscription.next(Duration::from_secs(5)).await,
                Next::Data(_)
            ));
        }
        subscriptions.push(subscription);
    }

    let stopping = Instant::now();
    let status = tokio::task::block_in_place(|| server.terminate(Duration::from_secs(10)))
        .expect("the server exits after SIGTERM with websockets open");
    let stopped = stopping.elapsed();
    assert!(status.success(), "a clean exit: {status}");
    for subscription in &mut subscriptions {
        let next = subscription.next(Duration::from_secs(5)).await;
        assert!(
            matches!(next, Next::Closed(_)),
            "the client sees the end: {next:?}"
        );
    }
    println!(
        "shutdown: SIGTERM with 3 open subscriptions: exited in {} ms, every client saw its connection end",
        stopped.as_millis()
    );
}
