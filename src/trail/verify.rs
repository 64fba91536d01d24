//! Checking an export with nothing but the file.
//!
//! Every hash is recomputed with [`crate::store::event_hash`], the same pure
//! function the store appends with, so the server and this verifier cannot
//! disagree about the canonical encoding. The first problem found is
//! reported with its 1-based line number (the header is line 1, version `v`
//! is line `v + 1`), because that is what an evaluator opens the file at.

use std::io::BufRead;

use chrono::{DateTime, Utc};

use super::{Checkpoint, EventLine, Header, FORMAT_VERSION};
use crate::{progress, store, timestamp};

/// A file that checked out.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    pub header: Header,
    /// Event lines read (equal to the header's head version).
    pub events: i64,
}

/// The first thing wrong with a file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {reason}", .version.map(|v| format!(" (version {v})")).unwrap_or_default())]
pub struct Failure {
    /// 1-based; the header is line 1.
    pub line: usize,
    /// The version that line holds or should hold, when there is one.
    pub version: Option<i64>,
    pub reason: String,
}

fn fail(line: usize, version: Option<i64>, reason: impl Into<String>) -> Failure {
    Failure {
        line,
        version,
        reason: reason.into(),
    }
}

/// Checks an export read from `input`: the header, every event's hash and
/// link, gapless versions from 1, the header's head, and each checkpoint.
pub fn verify(input: impl BufRead, checkpoints: &[Checkpoint]) -> Result<Verified, Failure> {
    let mut lines = input.split(b'\n');
    let header_line = lines
        .next()
        .transpose()
        .map_err(|e| fail(1, None, format!("cannot read: {e}")))?
        .ok_or_else(|| fail(1, None, "empty file: no header line"))?;
    let header: Header = serde_json::from_slice(&header_line)
        .map_err(|e| fail(1, None, format!("not a header: {e}")))?;
    if header.format_version != FORMAT_VERSION {
        return Err(fail(
            1,
            None,
            format!(
                "format version {} is not {FORMAT_VERSION}",
                header.format_version
            ),
        ));
    }
    let bar = progress::bar(u64::try_from(header.head_version).unwrap_or(0), "verify");

    let mut prev_hash: Option<String> = None;
    let mut version = 0;
    let mut hashes = std::collections::HashMap::new();
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let line = line.map_err(|e| fail(number, None, format!("cannot read: {e}")))?;
        if line.is_empty() {
            // Only the newline ending the last line may leave an empty one.
            continue;
        }
        let expected = version + 1;
        let event: EventLine = serde_json::from_slice(&line)
            .map_err(|e| fail(number, Some(expected), format!("not an event line: {e}")))?;
        if event.version != expected {
            return Err(fail(
                number,
                Some(expected),
                format!("holds version {}, expected {expected}", event.version),
            ));
        }
        if expected > header.head_version {
            return Err(fail(
                number,
                Some(expected),
                format!("beyond the header's head version {}", header.head_version),
            ));
        }
        if event.prev_hash != prev_hash {
            return Err(fail(
                number,
                Some(expected),
                "prevHash is not the previous line's hash",
            ));
        }
        let recorded_at = parse_recorded_at(&event.recorded_at).ok_or_else(|| {
            fail(
                number,
                Some(expected),
                "recordedAt is not UTC with six fractional digits",
            )
        })?;
        let recomputed = store::event_hash(
            prev_hash.as_deref(),
            header.werkplaats,
            event.version,
            &event.event_type,
            event.actor,
            recorded_at,
            &event.data,
        );
        if event.hash != recomputed {
            if expected == 1 && header_stream_is_wrong(&header, &event) {
                return Err(fail(1, None, "werkplaats is not the one version 1 created"));
            }
            return Err(fail(
                number,
                Some(expected),
                format!(
                    "hash {} does not match the recomputed {recomputed}",
                    event.hash
                ),
            ));
        }
        if expected == 1 {
            check_header_against_creation(&header, &event)
                .map_err(|reason| fail(1, None, reason))?;
        }
        hashes.insert(event.version, (number, event.hash.clone()));
        prev_hash = Some(event.hash);
        version = expected;
        bar.inc(1);
    }
    bar.finish_and_clear();

    if version < header.head_version {
        let missing = version + 1;
        return Err(fail(
            usize::try_from(missing)
                .unwrap_or(usize::MAX)
                .saturating_add(1),
            Some(missing),
            format!(
                "missing: the header's head is version {}",
                header.head_version
            ),
        ));
    }
    if header.head_hash != prev_hash {
        return Err(fail(1, None, "head hash is not the last event's hash"));
    }
    for checkpoint in checkpoints {
        let line = usize::try_from(checkpoint.version)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        match hashes.get(&checkpoint.version) {
            Some((line, hash)) if *hash != checkpoint.hash => {
                return Err(fail(
                    *line,
                    Some(checkpoint.version),
                    format!(
                        "checkpoint hash {} is not the trail's {hash}",
                        checkpoint.hash
                    ),
                ))
            }
            Some(_) => {}
            None => {
                return Err(fail(
                    line,
                    Some(checkpoint.version),
                    format!("checkpoint beyond the trail's head version {version}"),
                ))
            }
        }
    }
    Ok(Verified {
        header,
        events: version,
    })
}

/// The moment of `text`, only when it is in the one canonical form, so a
/// file cannot carry a differently written time that hashes the same.
fn parse_recorded_at(text: &str) -> Option<DateTime<Utc>> {
    let at = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    (timestamp::format(at) == text).then_some(at)
}

/// Whether version 1 hashes correctly under the werkplaats id its own
/// data names, so the header's id, not the line, is what was changed.
fn header_stream_is_wrong(header: &Header, first: &EventLine) -> bool {
    let Some(stream) = first.data["werkplaatsId"]
        .as_str()
        .and_then(|id| id.parse::<uuid::Uuid>().ok())
    else {
        return false;
    };
    let Some(recorded_at) = parse_recorded_at(&first.recorded_at) else {
        return false;
    };
    stream != header.werkplaats
        && store::event_hash(
            None,
            stream,
            first.version,
            &first.event_type,
            first.actor,
            recorded_at,
            &first.data,
        ) == first.hash
}

/// The header's name and methodology are not hashed themselves, so they
/// must match the hashed `WerkplaatsCreated` event they were taken from.
fn check_header_against_creation(header: &Header, first: &EventLine) -> Result<(), String> {
    let data = &first.data;
    if data["name"].as_str() != Some(header.name.as_str()) {
        return Err("name is not the one version 1 created".into());
    }
    if data["methodology"].as_str() != Some(header.methodology.as_str()) {
        return Err("methodology is not the one version 1 created".into());
    }
    Ok(())
}
