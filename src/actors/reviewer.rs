//! [`ReviewerActor`]: one per user; serializes the user's own selection
//! requests and owns the user's view of their active film.
//!
//! A request holds the reviewer's mailbox until the film actor answered and
//! the previous film's actor was told it is free. So the next request of the
//! same user always finds every film actor agreeing with the database about
//! this user.

use actix::prelude::*;
use tracing::instrument;

use super::film::{Acquire, Release, Vacated};
use super::{ActorError, Directory};
use crate::domain::{FilmId, Holder, Refusal};
use crate::ws::ActiveFilm;

/// The actor of one user.
pub struct ReviewerActor {
    me: Holder,
    active: Option<(FilmId, String)>,
    directory: Directory,
}

/// Sent by the HTTP layer: make `film` the user's active film.
/// Fails with the refusals of CONTRACT §6 (`FilmNotFound` for absent and
/// private films).
#[derive(Message)]
#[rtype(result = "Result<(), ActorError>")]
pub struct Select {
    pub film: FilmId,
}

/// Sent by the HTTP layer: release the user's active film, if any.
#[derive(Message)]
#[rtype(result = "Result<(), ActorError>")]
pub struct Unselect;

/// Sent by the HTTP layer: the user's active film, if any.
#[derive(Message)]
#[rtype(result = "Option<FilmId>")]
pub struct CurrentSelection;

/// Sent by a [`super::FilmActor`]: the film stopped being this user's
/// active film without the user asking (review completed, invitation
/// withdrawn, film deleted).
#[derive(Message)]
#[rtype(result = "()")]
pub struct FilmReleased {
    pub film: FilmId,
}

/// Sent by a [`super::FilmActor`]: the user's active film was renamed.
#[derive(Message)]
#[rtype(result = "()")]
pub struct FilmRetitled {
    pub film: FilmId,
    pub title: String,
}

type Reply = AtomicResponse<ReviewerActor, Result<(), ActorError>>;

impl ReviewerActor {
    /// The actor of user `me`, whose active film is `active`.
    pub fn new(me: Holder, active: Option<(FilmId, String)>, directory: Directory) -> Self {
        ReviewerActor {
            me,
            active,
            directory,
        }
    }

    /// Records the active film and tells the online-users hub.
    fn set_active(&mut self, active: Option<(FilmId, String)>) {
        if self.active != active {
            self.active = active;
            self.announce();
        }
    }

    fn announce(&self) {
        let film = self.active.clone();
        self.directory.hub().do_send(ActiveFilm {
            user: self.me.id,
            film,
        });
    }

    fn active_id(&self) -> Option<FilmId> {
        self.active.as_ref().map(|(id, _)| *id)
    }
}

impl Actor for ReviewerActor {
    type Context = Context<Self>;

    fn started(&mut self, _ctx: &mut Self::Context) {
        self.announce();
    }
}

impl Handler<Select> for ReviewerActor {
    type Result = Reply;

    #[instrument(name = "select", skip_all, fields(user_id = self.me.id, film_id = msg.film))]
    fn handle(&mut self, msg: Select, _ctx: &mut Self::Context) -> Self::Result {
        let Some(film_actor) = self.directory.film(msg.film) else {
            return AtomicResponse::new(Box::pin(fut::ready(Err(Refusal::FilmNotFound.into()))));
        };
        let request = film_actor.send(Acquire {
            user: self.me.clone(),
        });
        AtomicResponse::new(Box::pin(request.into_actor(self).map(
            move |answer, act, _| {
                // A film actor that stopped was deleted.
                let grant = answer.map_err(|_| Refusal::FilmNotFound)??;
                if let Some(previous) = grant.previous.and_then(|id| act.directory.film(id)) {
                    previous.do_send(Vacated { user: act.me.id });
                }
                act.set_active(Some((msg.film, grant.title)));
                Ok(())
            },
        )))
    }
}

impl Handler<Unselect> for ReviewerActor {
    type Result = Reply;

    #[instrument(name = "unselect", skip_all, fields(user_id = self.me.id))]
    fn handle(&mut self, _msg: Unselect, _ctx: &mut Self::Context) -> Self::Result {
        let film_actor = self.active_id().and_then(|id| self.directory.film(id));
        let Some(film_actor) = film_actor else {
            self.set_active(None);
            return AtomicResponse::new(Box::pin(fut::ready(Ok(()))));
        };
        let request = film_actor.send(Release { user: self.me.id });
        AtomicResponse::new(Box::pin(request.into_actor(self).map(|answer, act, _| {
            match answer {
                Ok(released) => released?,
                // The film was deleted meanwhile, which released it.
                Err(MailboxError::Closed) => {}
                Err(timeout) => return Err(timeout.into()),
            }
            act.set_active(None);
            Ok(())
        })))
    }
}

impl Handler<CurrentSelection> for ReviewerActor {
    type Result = Option<FilmId>;

    fn handle(&mut self, _msg: CurrentSelection, _ctx: &mut Self::Context) -> Self::Result {
        self.active_id()
    }
}

impl Handler<FilmReleased> for ReviewerActor {
    type Result = ();

    fn handle(&mut self, msg: FilmReleased, _ctx: &mut Self::Context) {
        if self.active_id() == Some(msg.film) {
            self.set_active(None);
        }
    }
}

impl Handler<FilmRetitled> for ReviewerActor {
    type Result = ();

    fn handle(&mut self, msg: FilmRetitled, _ctx: &mut Self::Context) {
        if self.active_id() == Some(msg.film) {
            self.set_active(Some((msg.film, msg.title)));
        }
    }
}
