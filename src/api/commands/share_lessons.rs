//! `shareLessons`: a facilitator decides whether the werkplaats's lessons
//! are in the library.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::execute;
use crate::api::types::int;
use crate::domain::ShareLessons;

/// Whether the werkplaats shares its lessons with the library (wat werkt).
#[derive(InputObject)]
pub struct ShareLessonsInput {
    /// The werkplaats deciding.
    pub werkplaats_id: ID,
    /// True to share its lessons with every werkplaats, false to stop.
    pub share: bool,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// Whether the werkplaats shares its lessons now.
#[derive(SimpleObject)]
pub struct ShareLessonsPayload {
    /// Whether the werkplaats now shares its lessons.
    pub shares_lessons: bool,
    /// The werkplaats version after this change (the current version when
    /// nothing changed).
    pub version: i32,
}

#[derive(Default)]
pub struct ShareLessonsMutation;

#[Object]
impl ShareLessonsMutation {
    /// Shares the werkplaats's lessons with the library, or stops sharing
    /// them (facilitator). Setting what is already set changes nothing.
    async fn share_lessons(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats and whether it shares.")] input: ShareLessonsInput,
    ) -> Result<ShareLessonsPayload> {
        let command = ShareLessons { share: input.share };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        Ok(ShareLessonsPayload {
            shares_lessons: werkplaats.0.view.shares_lessons,
            version: int(executed.version),
        })
    }
}
