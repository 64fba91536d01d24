//! Running a command: load, decide, append, fold.

use std::sync::Arc;

use uuid::Uuid;

use super::load::{decode, Loaded};
use super::{generate_token, App, AppError, Caller, WerkplaatsAt};
use crate::domain::{decide, Command, CreateWerkplaats, Decided, Event, State};
use crate::projections::Recorded;
use crate::store::{
    AccessChange, AppendError, AppendRequest, Appended, MemberRecord, NewEvent, StreamChanged,
};

/// How often a command is decided again after losing the race for its
/// stream before the client is asked to retry.
const ATTEMPTS: usize = 50;

/// An accepted command.
#[derive(Clone, Debug)]
pub struct Executed {
    /// The werkplaats right after the command's events.
    pub werkplaats: Arc<WerkplaatsAt>,
    /// The command's events, in order.
    pub events: Vec<Event>,
    /// The werkplaats version after the command.
    pub version: i64,
    /// A member token issued by the command (shown once).
    pub token: Option<String>,
}

fn new_event(event: &Event) -> NewEvent {
    NewEvent {
        event_type: event.event_type(),
        schema_version: Event::SCHEMA_VERSION,
        payload: event.payload(),
    }
}

/// A new token for the member a command invites, with the personal data to
/// keep beside the stream: the token to show once, and the record to store.
fn issue_token(decided: &Decided) -> (Option<String>, Option<MemberRecord>) {
    let Some(profile) = &decided.profile else {
        return (None, None);
    };
    let (token, hash) = generate_token();
    let record = MemberRecord {
        member_id: profile.member_id,
        name: profile.name.as_str().to_owned(),
        token_hash: hash.to_vec(),
    };
    (Some(token), Some(record))
}

/// What the command's events change about who may act as a member.
fn access_changes(decided: &Decided) -> Vec<AccessChange> {
    let mut changes: Vec<AccessChange> = decided
        .events
        .iter()
        .filter_map(|event| match event {
            Event::MemberRemoved(e) => Some(AccessChange::Revoke {
                member_id: e.member_id,
            }),
            Event::MemberForgotten(e) => Some(AccessChange::Forget {
                member_id: e.member_id,
            }),
            _ => None,
        })
        .collect();
    if let Some(identity) = &decided.identity {
        changes.push(AccessChange::Link {
            member_id: identity.member_id,
            subject: identity.subject.as_str().to_owned(),
        });
    }
    changes
}

impl App {
    /// Creates a werkplaats; the command carries its new id.
    pub async fn create_werkplaats(
        &self,
        caller: Option<Caller>,
        command: Command,
        command_id: Option<Uuid>,
    ) -> Result<Executed, AppError> {
        let caller = caller.ok_or(AppError::Unauthenticated)?;
        let Command::CreateWerkplaats(CreateWerkplaats { werkplaats_id, .. }) = command else {
            return Err(AppError::Internal(anyhow::anyhow!("not a creation")));
        };
        self.run(caller, werkplaats_id, None, command, command_id)
            .await
    }

    /// Runs a command against an existing werkplaats.
    pub async fn execute(
        &self,
        caller: Option<Caller>,
        werkplaats_id: &str,
        command: Command,
        command_id: Option<Uuid>,
    ) -> Result<Executed, AppError> {
        let (caller, id) = self.visible(caller, werkplaats_id)?;
        let loaded = self.load(id, i64::MAX).await?.ok_or(AppError::NotFound)?;
        self.run(caller, id, Some(loaded), command, command_id)
            .await
    }

    #[tracing::instrument(skip_all, fields(werkplaats = %stream_id))]
    async fn run(
        &self,
        caller: Caller,
        stream_id: Uuid,
        mut loaded: Option<Loaded>,
        command: Command,
        command_id: Option<Uuid>,
    ) -> Result<Executed, AppError> {
        if let Some(command_id) = command_id {
            if let Some(prior) = self.store.command(command_id).await? {
                return self.replay(caller, stream_id, prior).await;
            }
        }
        let command_id = command_id.unwrap_or_else(Uuid::new_v4);
        let actor = caller.actor();
        let _turn = self.writers.lock(stream_id).await;
        if loaded.is_some() {
            // Folded before our turn came: take in what was appended meanwhile.
            self.catch_up(stream_id, &mut loaded).await?;
        }
        let empty = State::default();
        for _ in 0..ATTEMPTS {
            let state = loaded.as_ref().map_or(&empty, |l| &l.state);
            let command = self
                .with_head(stream_id, state.version, command.clone())
                .await?;
            let decided = decide(state, actor, command)
                .map_err(|error| AppError::refused(error, loaded.as_ref().map(|l| &l.at)))?;
            let (token, member) = issue_token(&decided);
            let request = AppendRequest {
                stream_id,
                expected_version: state.version,
                command_id,
                correlation_id: command_id,
                actor: actor.member_id(),
                events: decided.events.iter().map(new_event).collect(),
                members: member.iter().cloned().collect(),
                access: access_changes(&decided),
            };
            match self.store.append(request).await {
                Ok(Appended::Committed {
                    first_version,
                    last_version,
                    recorded_at,
                }) => {
                    for (version, event) in (first_version..).zip(&decided.events) {
                        let recorded = Recorded {
                            version,
                            recorded_at,
                            actor: actor.member_id(),
                            event,
                        };
                        Loaded::push(&mut loaded, recorded)?;
                    }
                    let mut loaded = loaded.ok_or_else(|| {
                        AppError::Internal(anyhow::anyhow!("a command appended no events"))
                    })?;
                    if let Some(member) = member {
                        loaded.at.names.insert(member.member_id, Some(member.name));
                    }
                    for event in &decided.events {
                        if let Event::MemberForgotten(e) = event {
                            loaded.at.names.insert(e.member_id, None);
                        }
                    }
                    self.notifier.local(StreamChanged {
                        stream_id,
                        version: last_version,
                    });
                    return Ok(Executed {
                        werkplaats: Arc::new(loaded.at),
                        events: decided.events,
                        version: last_version,
                        token,
                    });
                }
                Ok(Appended::Duplicate {
                    stream_id: prior_stream,
                    first_version,
                    last_version,
                }) => {
                    let prior = (prior_stream, first_version, last_version);
                    return self.replay(caller, stream_id, prior).await;
                }
                // Another instance appended in between: decide again on the newer state.
                Err(AppendError::WrongExpectedVersion { .. }) if loaded.is_some() => {
                    self.catch_up(stream_id, &mut loaded).await?;
                }
                Err(AppendError::WrongExpectedVersion { current }) => {
                    return Err(AppError::Busy {
                        current_version: current,
                    })
                }
                Err(AppendError::Store(error)) => return Err(error.into()),
            }
        }
        Err(AppError::Busy {
            current_version: loaded.map_or(0, |l| l.state.version),
        })
    }

    /// The result of a command appended before under the same command id.
    /// A token it issued cannot be shown again (only its hash is kept), so
    /// the member gets a fresh one and the old one stops working.
    async fn replay(
        &self,
        caller: Caller,
        requested_stream: Uuid,
        (stream_id, first_version, last_version): (Uuid, i64, i64),
    ) -> Result<Executed, AppError> {
        if stream_id != requested_stream || !caller.sees(stream_id) {
            return Err(AppError::BadInput(
                "this commandId was used for another command".into(),
            ));
        }
        let loaded = self
            .load(stream_id, last_version)
            .await?
            .ok_or(AppError::NotFound)?;
        let events = self
            .store
            .read_stream(stream_id, first_version - 1, last_version, last_version)
            .await?
            .iter()
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        let mut token = None;
        for event in &events {
            if let Event::MemberInvited(invited) = event {
                let (secret, hash) = generate_token();
                self.store
                    .reissue_token(invited.member_id, stream_id, &hash)
                    .await?;
                token = Some(secret);
            }
        }
        Ok(Executed {
            werkplaats: Arc::new(loaded.at),
            events,
            version: last_version,
            token,
        })
    }
}
