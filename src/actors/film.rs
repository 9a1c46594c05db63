//! [`FilmActor`]: the single writer of one public film's selection.
//!
//! Every handler that touches the database holds the mailbox until the
//! work is done ([`AtomicResponse`]), so the film's messages take effect one
//! at a time, in arrival order, and its MQTT statuses leave in that order.
//! Every refusal is answered from memory: the actor knows the film's
//! holder and its invitations. Only a grant touches the database, and the
//! transaction there checks the invitation again.

use std::collections::HashMap;

use actix::prelude::*;
use tracing::{debug, instrument};

use super::reviewer::{FilmReleased, FilmRetitled};
use super::{ActorError, Directory, ReviewerActor};
use crate::db::{self, DbError, films::PublicFilm};
use crate::domain::{Completion, FilmId, FilmStatus, Holder, Refusal, UserId};
use crate::mqtt::Publish;

/// The actor of one public film.
pub struct FilmActor {
    id: FilmId,
    title: String,
    holder: Option<Holder>,
    /// Invited reviewers, each with whether their review is completed. It
    /// may briefly list an invitation that a concurrent request removed;
    /// the grant's transaction then refuses and the entry is corrected.
    reviewers: HashMap<UserId, bool>,
    directory: Directory,
}

/// What a granted [`Acquire`] tells the reviewer.
#[derive(Debug)]
pub struct Grant {
    /// The film's title, for the online-users list.
    pub title: String,
    /// The reviewer's previous active film, made inactive in the same
    /// transaction; its actor still has to be told ([`Vacated`]).
    pub previous: Option<FilmId>,
}

/// Sent by a [`super::ReviewerActor`]: make this film the user's active film.
/// Refused, in this order, with `NotInvited`, `ReviewCompleted` or
/// `FilmTaken`.
#[derive(Message)]
#[rtype(result = "Result<Grant, ActorError>")]
pub struct Acquire {
    pub user: Holder,
}

/// Sent by a [`super::ReviewerActor`]: the user releases this film.
/// A no-op when the user does not hold it.
#[derive(Message)]
#[rtype(result = "Result<(), ActorError>")]
pub struct Release {
    pub user: UserId,
}

/// Sent by a [`super::ReviewerActor`] after it acquired another film: the
/// database already shows this film inactive for `user`; update memory and
/// publish.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Vacated {
    pub user: UserId,
}

/// Sent by the HTTP layer for the reviewer themself: complete the review,
/// which releases the film if it was theirs.
#[derive(Message)]
#[rtype(result = "Result<(), ActorError>")]
pub struct CompleteReview {
    pub user: UserId,
    pub completion: Completion,
}

/// Sent by the HTTP layer for the owner: withdraw a non-completed
/// invitation, which releases the film if it was the reviewer's.
#[derive(Message)]
#[rtype(result = "Result<(), ActorError>")]
pub struct Withdraw {
    pub user: UserId,
}

/// Sent by the HTTP layer for the owner: delete the film. The actor
/// publishes `deleted`, frees the holder and stops.
#[derive(Message)]
#[rtype(result = "Result<(), ActorError>")]
pub struct Delete;

/// Sent by the HTTP layer after it stored new invitations of this film.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Invited {
    pub users: Vec<UserId>,
}

/// Sent by the HTTP layer after the owner renamed the film.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Retitle {
    pub title: String,
}

type Reply<T> = AtomicResponse<FilmActor, Result<T, ActorError>>;

impl FilmActor {
    /// The actor of a public film as stored.
    pub fn new(film: PublicFilm, directory: Directory) -> Self {
        let PublicFilm {
            id,
            title,
            holder,
            reviewers,
        } = film;
        FilmActor {
            id,
            title,
            holder,
            reviewers,
            directory,
        }
    }

    /// The refusal the film's state gives `user`, if any; `None` means the
    /// user holds the film already or may try to take it.
    fn refusal_for(&self, user: UserId) -> Option<Refusal> {
        match self.reviewers.get(&user) {
            None => Some(Refusal::NotInvited),
            Some(true) => Some(Refusal::ReviewCompleted),
            Some(false) => match &self.holder {
                Some(holder) if holder.id != user => Some(Refusal::FilmTaken(holder.clone())),
                _ => None,
            },
        }
    }

    fn publish(&self, status: FilmStatus) {
        self.directory.broadcaster().do_send(Publish {
            film: self.id,
            status,
        });
    }

    fn held_by(&self, user: UserId) -> bool {
        self.holder.as_ref().is_some_and(|holder| holder.id == user)
    }

    /// Forgets the holder and publishes `inactive`.
    fn free(&mut self) {
        self.holder = None;
        self.publish(FilmStatus::Inactive);
    }

    /// Frees the film if `user` holds it, and tells the user's actor, which
    /// did not ask for it.
    fn free_if_held_by(&mut self, user: UserId) {
        if self.held_by(user) {
            self.free();
            self.tell_reviewer(user, FilmReleased { film: self.id });
        }
    }

    /// Sends a notification to the actor of `user`, without waiting.
    fn tell_reviewer<M>(&self, user: UserId, message: M)
    where
        M: Message<Result = ()> + Send + 'static,
        ReviewerActor: Handler<M>,
    {
        if let Some(reviewer) = self.directory.reviewer(user) {
            reviewer.do_send(message);
        }
    }

    /// Runs `work` on the blocking pool while holding the mailbox, then
    /// `then` on the actor with its result.
    fn with_db<T, R, W, F>(&self, work: W, then: F) -> Reply<R>
    where
        T: Send + 'static,
        R: 'static,
        W: FnOnce(&mut rusqlite::Connection) -> Result<T, DbError> + Send + 'static,
        F: FnOnce(T, &mut Self, &mut Context<Self>) -> Result<R, ActorError> + 'static,
    {
        let pool = self.directory.pool().clone();
        let work = async move { db::run(&pool, work).await };
        AtomicResponse::new(Box::pin(
            work.into_actor(self)
                .map(|result, act, ctx| then(result?, act, ctx)),
        ))
    }
}

impl Actor for FilmActor {
    type Context = Context<Self>;

    fn started(&mut self, _ctx: &mut Self::Context) {
        self.publish(FilmStatus::of(self.holder.as_ref()));
    }
}

impl Handler<Acquire> for FilmActor {
    type Result = Reply<Grant>;

    #[instrument(name = "acquire", skip_all, fields(film_id = self.id, user_id = msg.user.id))]
    fn handle(&mut self, msg: Acquire, _ctx: &mut Self::Context) -> Self::Result {
        if let Some(refusal) = self.refusal_for(msg.user.id) {
            debug!(%refusal, "refused from memory");
            return AtomicResponse::new(Box::pin(fut::ready(Err(refusal.into()))));
        }
        if self.held_by(msg.user.id) {
            debug!("already the user's active film");
            let grant = Grant {
                title: self.title.clone(),
                previous: None,
            };
            return AtomicResponse::new(Box::pin(fut::ready(Ok(grant))));
        }

        let (film, user) = (self.id, msg.user.id);
        self.with_db(
            move |conn| db::selection::activate(conn, film, user),
            move |activated, act, _| match activated {
                Ok(previous) => {
                    debug!(?previous, "granted");
                    act.holder = Some(msg.user.clone());
                    act.publish(FilmStatus::Active(msg.user));
                    Ok(Grant {
                        title: act.title.clone(),
                        previous,
                    })
                }
                Err(refusal) => {
                    debug!(%refusal, "refused by the database; correcting memory");
                    match refusal {
                        Refusal::ReviewCompleted => act.reviewers.insert(user, true),
                        _ => act.reviewers.remove(&user),
                    };
                    Err(refusal.into())
                }
            },
        )
    }
}

impl Handler<Release> for FilmActor {
    type Result = Reply<()>;

    #[instrument(name = "release", skip_all, fields(film_id = self.id, user_id = msg.user))]
    fn handle(&mut self, msg: Release, _ctx: &mut Self::Context) -> Self::Result {
        if !self.held_by(msg.user) {
            return AtomicResponse::new(Box::pin(fut::ready(Ok(()))));
        }
        let (film, user) = (self.id, msg.user);
        self.with_db(
            move |conn| db::selection::deactivate(conn, film, user),
            |(), act, _| {
                debug!("released");
                act.free();
                Ok(())
            },
        )
    }
}

impl Handler<Vacated> for FilmActor {
    type Result = ();

    fn handle(&mut self, msg: Vacated, _ctx: &mut Self::Context) {
        if self.held_by(msg.user) {
            debug!(
                film_id = self.id,
                user_id = msg.user,
                "vacated for another film"
            );
            self.free();
        }
    }
}

impl Handler<CompleteReview> for FilmActor {
    type Result = Reply<()>;

    #[instrument(name = "complete", skip_all, fields(film_id = self.id, user_id = msg.user))]
    fn handle(&mut self, msg: CompleteReview, _ctx: &mut Self::Context) -> Self::Result {
        let (film, user) = (self.id, msg.user);
        self.with_db(
            move |conn| db::reviews::complete(conn, film, user, &msg.completion),
            move |completed, act, _| {
                completed?;
                act.reviewers.insert(user, true);
                act.free_if_held_by(user);
                Ok(())
            },
        )
    }
}

impl Handler<Withdraw> for FilmActor {
    type Result = Reply<()>;

    #[instrument(name = "withdraw", skip_all, fields(film_id = self.id, user_id = msg.user))]
    fn handle(&mut self, msg: Withdraw, _ctx: &mut Self::Context) -> Self::Result {
        let (film, user) = (self.id, msg.user);
        let withdraw = move |conn: &mut _| db::reviews::withdraw(conn, film, user);
        self.with_db(
            self.directory.listings().after_write(withdraw),
            move |withdrawn, act, _| {
                withdrawn?;
                act.reviewers.remove(&user);
                act.free_if_held_by(user);
                Ok(())
            },
        )
    }
}

impl Handler<Delete> for FilmActor {
    type Result = Reply<()>;

    #[instrument(name = "delete", skip_all, fields(film_id = self.id))]
    fn handle(&mut self, _msg: Delete, _ctx: &mut Self::Context) -> Self::Result {
        let film = self.id;
        let delete = move |conn: &mut _| db::films::delete(conn, film);
        self.with_db(
            self.directory.listings().after_write(delete),
            |(), act, ctx| {
                if let Some(holder) = act.holder.take() {
                    act.tell_reviewer(holder.id, FilmReleased { film: act.id });
                }
                act.publish(FilmStatus::Deleted);
                act.directory.forget_film(act.id);
                ctx.stop();
                debug!("deleted");
                Ok(())
            },
        )
    }
}

impl Handler<Invited> for FilmActor {
    type Result = ();

    fn handle(&mut self, msg: Invited, _ctx: &mut Self::Context) {
        for user in msg.users {
            self.reviewers.entry(user).or_insert(false);
        }
    }
}

impl Handler<Retitle> for FilmActor {
    type Result = ();

    fn handle(&mut self, msg: Retitle, _ctx: &mut Self::Context) {
        self.title = msg.title;
        if let Some(holder) = &self.holder {
            self.tell_reviewer(
                holder.id,
                FilmRetitled {
                    film: self.id,
                    title: self.title.clone(),
                },
            );
        }
    }
}
