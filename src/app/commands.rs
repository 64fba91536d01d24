//! Running a command: take the stream's turn, decide on its head, append,
//! fold.

use std::sync::Arc;

use uuid::Uuid;

use super::checkpoints::with_head;
use super::heads::WriteHead;
use super::library::library_change;
use super::load::{decode, Loaded};
use super::{generate_token, App, AppError, Caller, Charge, WerkplaatsAt};
use crate::domain::{decide, Actor, Command, CreateWerkplaats, Decided, Event, State};
use crate::projections::Recorded;
use crate::store::{
    stamp, AccessChange, AppendError, AppendRequest, Appended, Head, MemberRecord, NewEvent,
    StreamChanged,
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

/// A new token for the member whose invitation a command reissues: the
/// token to show once, and the change that swaps it for the old ones.
fn reissue_token(decided: &Decided) -> Option<(String, AccessChange)> {
    decided.events.iter().find_map(|event| match event {
        Event::InvitationReissued(e) => {
            let (token, hash) = generate_token();
            Some((
                token,
                AccessChange::Reissue {
                    member_id: e.member_id,
                    token_hash: hash.to_vec(),
                },
            ))
        }
        _ => None,
    })
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
        charge: Option<Charge>,
    ) -> Result<Executed, AppError> {
        let caller = caller.ok_or(AppError::Unauthenticated)?;
        let Command::CreateWerkplaats(CreateWerkplaats { werkplaats_id, .. }) = command else {
            return Err(AppError::Internal(anyhow::anyhow!("not a creation")));
        };
        self.run(caller, werkplaats_id, true, command, command_id, charge)
            .await
    }

    /// Runs a command against an existing werkplaats. `charge` is the
    /// request's rate-limit charge when it is to be taken with the append.
    pub async fn execute(
        &self,
        caller: Option<Caller>,
        werkplaats_id: &str,
        command: Command,
        command_id: Option<Uuid>,
        charge: Option<Charge>,
    ) -> Result<Executed, AppError> {
        let (caller, id) = self.visible(caller, werkplaats_id)?;
        self.run(caller, id, false, command, command_id, charge)
            .await
    }

    /// Takes the stream's turn, decides on its kept head and appends in
    /// one round trip; see the `heads` module for why that is safe.
    #[tracing::instrument(skip_all, fields(werkplaats = %stream_id))]
    async fn run(
        &self,
        caller: Caller,
        stream_id: Uuid,
        creating: bool,
        command: Command,
        given_id: Option<Uuid>,
        charge: Option<Charge>,
    ) -> Result<Executed, AppError> {
        let command_id = given_id.unwrap_or_else(Uuid::new_v4);
        let actor = caller.actor();
        let _turn = self.writers.lock(stream_id).await;
        let mut head = match creating {
            true => None,
            false => Some(
                self.write_head(stream_id)
                    .await?
                    .ok_or(AppError::NotFound)?,
            ),
        };
        let empty = State::default();
        for _ in 0..ATTEMPTS {
            let state = head.as_ref().map_or(&empty, |h| &h.state);
            if actor
                .member_id()
                .is_some_and(|id| state.departed.contains(&id))
            {
                // Their tokens went with the removal; this one was still
                // cached on this instance for a moment.
                self.keep_head(stream_id, head);
                return Err(AppError::Unauthenticated);
            }
            let command = with_head(head.as_ref(), command.clone());
            let decided = match decide(state, actor, command) {
                Ok(decided) => decided,
                Err(error) => {
                    // A command sent again after it was accepted is decided
                    // on the state it changed, and may then be refused: the
                    // answer is the first one's all the same.
                    let prior = match given_id {
                        Some(id) => self.store.command(id).await?,
                        None => None,
                    };
                    let refused = AppError::refused(error, head.as_ref().map(|h| &*h.at));
                    self.keep_head(stream_id, head);
                    return match prior {
                        Some(prior) => self.replay(caller, stream_id, prior).await,
                        None => Err(refused),
                    };
                }
            };
            if decided.events.is_empty() {
                // Nothing to change: the answer is the werkplaats as it is.
                let Some(head) = head else {
                    return Err(AppError::Internal(anyhow::anyhow!(
                        "a creation appends events"
                    )));
                };
                let werkplaats = head.at.clone();
                let version = head.state.version;
                self.heads.keep(stream_id, head);
                return Ok(Executed {
                    werkplaats,
                    events: Vec::new(),
                    version,
                    token: None,
                });
            }
            let (mut token, member) = issue_token(&decided);
            let mut access = access_changes(&decided);
            if let Some((secret, change)) = reissue_token(&decided) {
                token = Some(secret);
                access.push(change);
            }
            let recorded_at = stamp(head.as_ref().map(|h| &h.head));
            let library = library_change(
                head.as_ref(),
                &decided.events,
                state.version + 1,
                actor,
                recorded_at,
            )?;
            let request = AppendRequest {
                stream_id,
                expected_version: state.version,
                command_id,
                correlation_id: command_id,
                actor: actor.member_id(),
                events: decided.events.iter().map(new_event).collect(),
                members: member.iter().cloned().collect(),
                access: access.clone(),
                recorded_at: Some(recorded_at),
                library,
                charge: charge.as_ref().and_then(Charge::bucket),
            };
            let on = head.as_ref().map(|h| h.head.clone());
            let appended = self.store.append_on(request, on).await;
            if let Some(charge) = &charge {
                match &appended {
                    // Whether the charge was taken is unknown: the request
                    // settles it.
                    Err(AppendError::Store(_)) => {}
                    Err(AppendError::RateLimited { retry_after }) => {
                        charge.record(Err(*retry_after))
                    }
                    _ => charge.record(Ok(())),
                }
            }
            match appended {
                Ok(Appended::Committed {
                    first_version,
                    last_version,
                    recorded_at,
                    hash,
                }) => {
                    for member_id in access.iter().filter_map(AccessChange::revoked) {
                        self.tokens.forget(member_id);
                    }
                    let mut head = self.fold_committed(
                        stream_id,
                        head,
                        &decided.events,
                        first_version,
                        actor,
                        Head { hash, recorded_at },
                    )?;
                    if let Some(member) = member {
                        Arc::make_mut(&mut head.at)
                            .names
                            .insert(member.member_id, Some(member.name));
                    }
                    for event in &decided.events {
                        if let Event::MemberForgotten(e) = event {
                            Arc::make_mut(&mut head.at).names.insert(e.member_id, None);
                        }
                    }
                    let werkplaats = head.at.clone();
                    self.heads.keep(stream_id, head);
                    self.notifier.local(StreamChanged {
                        stream_id,
                        version: last_version,
                    });
                    return Ok(Executed {
                        werkplaats,
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
                    self.keep_head(stream_id, head);
                    let prior = (prior_stream, first_version, last_version);
                    return self.replay(caller, stream_id, prior).await;
                }
                // Another instance appended in between: decide again on the newer state.
                Err(AppendError::WrongExpectedVersion { .. }) if head.is_some() => {
                    let kept = head.take().ok_or(AppError::NotFound)?;
                    head = Some(self.catch_up_head(stream_id, kept).await?);
                }
                Err(AppendError::WrongExpectedVersion { current }) => {
                    return Err(AppError::Busy {
                        current_version: current,
                    })
                }
                Err(AppendError::RateLimited { retry_after }) => {
                    self.keep_head(stream_id, head);
                    return Err(AppError::RateLimited { retry_after });
                }
                // Whether it committed is unknown: the head is folded anew.
                Err(AppendError::Store(error)) => return Err(error.into()),
            }
        }
        Err(AppError::Busy {
            current_version: head.map_or(0, |h| h.state.version),
        })
    }

    fn keep_head(&self, stream_id: Uuid, head: Option<WriteHead>) {
        if let Some(head) = head {
            self.heads.keep(stream_id, head);
        }
    }

    /// Folds a command's committed events into the head it was decided on
    /// (none for a new werkplaats), keeping a snapshot when one is due.
    fn fold_committed(
        &self,
        stream_id: Uuid,
        head: Option<WriteHead>,
        events: &[Event],
        first_version: i64,
        actor: Actor,
        new_head: Head,
    ) -> Result<WriteHead, AppError> {
        let recorded = (first_version..)
            .zip(events)
            .map(|(version, event)| Recorded {
                version,
                recorded_at: new_head.recorded_at,
                actor: actor.member_id(),
                event,
            });
        let head = match head {
            Some(mut head) => {
                recorded.for_each(|r| head.push(r));
                head.head = new_head;
                head
            }
            None => {
                let mut slot = None;
                for r in recorded {
                    Loaded::push(&mut slot, r)?;
                }
                let loaded = slot.ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("a command appended no events"))
                })?;
                WriteHead::new(loaded, new_head)
            }
        };
        self.snapshots
            .passed(stream_id, &head.state, &head.at.view, &head.head.hash);
        Ok(head)
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
            let member_id = match event {
                Event::MemberInvited(e) => e.member_id,
                Event::InvitationReissued(e) => e.member_id,
                _ => continue,
            };
            let (secret, hash) = generate_token();
            self.store
                .reissue_token(member_id, stream_id, &hash)
                .await?;
            self.tokens.forget(member_id);
            token = Some(secret);
        }
        Ok(Executed {
            werkplaats: Arc::new(loaded.at),
            events,
            version: last_version,
            token,
        })
    }
}
