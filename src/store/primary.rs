//! Following the primary when `DATABASE_URL` names several hosts, as libpq
//! does with `target_session_attrs=read-write`: `postgres://a:5432,b:5433/db`
//! or `postgres:///db?host=a,b&port=5432,5433`.
//!
//! sqlx connects to one host, so the store probes each in turn and points
//! its pool at the first that is not in recovery. Every new connection is
//! checked again (a demoted primary must not take writes), and a watcher
//! probes the pool's host every second and, once it is gone or no longer a
//! primary, the others, so that after a failover the server finds the new
//! primary by itself.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{ConnectOptions, Connection, PgConnection};

/// How often the hosts are probed while the pool has no primary.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The single-host URLs a (possibly multi-host) URL names, in order.
pub fn hosts(url: &str) -> Vec<String> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return vec![url.to_owned()];
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let (user, hostlist) = match authority.rsplit_once('@') {
        Some((user, hosts)) => (format!("{user}@"), hosts),
        None => (String::new(), authority),
    };
    let tail = tail.replace("target_session_attrs=read-write", "");
    let tail = tidy_query(&tail);
    if hostlist.contains(',') {
        return hostlist
            .split(',')
            .map(|host| format!("{scheme}://{user}{host}{tail}"))
            .collect();
    }
    // `?host=a,b&port=p,q`: the same list in the query.
    let (path, query) = tail.split_once('?').unwrap_or((&tail, ""));
    let params: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    let value = |key: &str| params.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    match value("host").filter(|h| h.contains(',')) {
        Some(list) => {
            let ports: Vec<&str> = value("port").map_or(Vec::new(), |p| p.split(',').collect());
            let others: Vec<String> = params
                .iter()
                .filter(|(k, _)| *k != "host" && *k != "port")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            list.split(',')
                .enumerate()
                .map(|(i, host)| {
                    let port = ports
                        .get(i)
                        .or(ports.last())
                        .map_or(String::new(), |p| format!(":{p}"));
                    let query = if others.is_empty() {
                        String::new()
                    } else {
                        format!("?{}", others.join("&"))
                    };
                    format!("{scheme}://{user}{host}{port}{path}{query}")
                })
                .collect()
        }
        None => vec![format!("{scheme}://{authority}{tail}")],
    }
}

/// Drops empty parameters left by removing one.
fn tidy_query(tail: &str) -> String {
    let Some((path, query)) = tail.split_once('?') else {
        return tail.to_owned();
    };
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// Whether the server behind `connection` takes writes.
pub(super) async fn is_primary(connection: &mut PgConnection) -> bool {
    sqlx::query_scalar::<_, bool>("select not pg_is_in_recovery()")
        .fetch_one(connection)
        .await
        .unwrap_or(false)
}

/// The first of `hosts` that answers and is not in recovery.
pub async fn find_primary(hosts: &[String]) -> Option<String> {
    for url in hosts {
        let Ok(options) = PgConnectOptions::from_str(url) else {
            continue;
        };
        // The database may not exist yet; the maintenance one does.
        let probe = options.database("postgres").disable_statement_logging();
        let connected = tokio::time::timeout(Duration::from_secs(2), probe.connect()).await;
        if let Ok(Ok(mut connection)) = connected {
            let primary = is_primary(&mut connection).await;
            let _ = connection.close().await;
            if primary {
                return Some(url.clone());
            }
        }
    }
    None
}

/// Keeps `pool` pointed at a primary among `hosts` for as long as it lives.
pub(super) fn follow(pool: PgPool, hosts: Vec<String>, mut current: String) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(PROBE_EVERY).await;
            if pool.is_closed() {
                return;
            }
            // Probed directly: the pool's own connect would wait out its
            // acquire timeout on a host that is gone.
            if find_primary(std::slice::from_ref(&current)).await.is_some() {
                continue;
            }
            if let Some(primary) = find_primary(&hosts).await {
                if primary != current {
                    match PgConnectOptions::from_str(&primary) {
                        Ok(options) => {
                            tracing::warn!(from = %redact(&current), to = %redact(&primary), "the primary moved; following it");
                            pool.set_connect_options(options);
                            current = primary;
                        }
                        Err(error) => tracing::error!(%error, "a host's URL does not parse"),
                    }
                }
            }
        }
    });
}

/// A URL without its password, for the log.
fn redact(url: &str) -> String {
    match PgConnectOptions::from_str(url) {
        Ok(options) => format!("{}:{}", options.get_host(), options.get_port()),
        Err(_) => "?".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::hosts;

    #[test]
    fn a_list_of_hosts_becomes_one_url_each() {
        assert_eq!(
            hosts("postgres://u:p@a:5432,b:5433/db?target_session_attrs=read-write"),
            ["postgres://u:p@a:5432/db", "postgres://u:p@b:5433/db"]
        );
        assert_eq!(
            hosts("postgres://u@x/db?host=a,b&port=1,2&sslmode=disable"),
            [
                "postgres://u@a:1/db?sslmode=disable",
                "postgres://u@b:2/db?sslmode=disable"
            ]
        );
        assert_eq!(hosts("postgres://u@a:5432/db"), ["postgres://u@a:5432/db"]);
        assert_eq!(
            hosts("postgres://u@a/db?target_session_attrs=read-write&x=1"),
            ["postgres://u@a/db?x=1"]
        );
    }
}
