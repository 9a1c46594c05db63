//! [`OnlineUsers`]: the hub of the online-users channel (CONTRACT §7).
//!
//! It learns log-ins and log-outs from the HTTP layer and active films from
//! the reviewer actors, expires sessions with its own timers, and fans every
//! change out to the connected sockets. Fan-out never waits on a socket, so
//! a slow client cannot delay the others.

use std::collections::HashMap;
use std::time::Duration;

use actix::prelude::*;
use serde::Serialize;
use tracing::{debug, info};

use crate::domain::{FilmId, Holder, UserId};

/// One JSON text frame for a socket.
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Frame(pub std::sync::Arc<str>);

/// Sent by the log-in handler: a session of `user` starts and lasts `ttl`.
#[derive(Message)]
#[rtype(result = "()")]
pub struct LoggedIn {
    pub session: String,
    pub user: Holder,
    pub ttl: Duration,
}

/// Sent by the log-out and log-in handlers: the session ended.
#[derive(Message)]
#[rtype(result = "()")]
pub struct LoggedOut {
    pub session: String,
}

/// Sent by a reviewer actor: the user's active film is now `film`.
#[derive(Message)]
#[rtype(result = "()")]
pub struct ActiveFilm {
    pub user: UserId,
    pub film: Option<(FilmId, String)>,
}

/// Sent by a socket actor when it opens; the hub replays one `login` per
/// logged-in user to it and returns its listener id.
#[derive(Message)]
#[rtype(result = "u64")]
pub struct Join(pub Recipient<Frame>);

/// Sent by a socket actor when it closes.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Leave(pub u64);

/// The messages of CONTRACT §7.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notice<'a> {
    type_message: &'static str,
    user_id: UserId,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    film_id: Option<FilmId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    film_title: Option<&'a str>,
}

struct Session {
    user: UserId,
    expiry: SpawnHandle,
}

/// The online-users hub.
#[derive(Default)]
pub struct OnlineUsers {
    sessions: HashMap<String, Session>,
    /// Logged-in users: name and number of live sessions.
    online: HashMap<UserId, (String, usize)>,
    /// Every user's active film, online or not.
    active: HashMap<UserId, (FilmId, String)>,
    listeners: HashMap<u64, Recipient<Frame>>,
    next_listener: u64,
}

impl OnlineUsers {
    fn notice(&self, type_message: &'static str, user: UserId) -> Frame {
        let name = self.online.get(&user).map(|(name, _)| name.as_str());
        let film = self.active.get(&user).filter(|_| type_message != "logout");
        let notice = Notice {
            type_message,
            user_id: user,
            user_name: name.filter(|_| type_message != "logout"),
            film_id: film.map(|(id, _)| *id),
            film_title: film.map(|(_, title)| title.as_str()),
        };
        Frame(serde_json::to_string(&notice).unwrap_or_default().into())
    }

    fn broadcast(&self, frame: Frame) {
        for listener in self.listeners.values() {
            listener.do_send(frame.clone());
        }
    }

    fn end_session(&mut self, session: &str, why: &'static str, ctx: &mut Context<Self>) {
        let Some(ended) = self.sessions.remove(session) else {
            return;
        };
        ctx.cancel_future(ended.expiry);
        let Some((_, live)) = self.online.get_mut(&ended.user) else {
            return;
        };
        *live -= 1;
        if *live == 0 {
            let frame = self.notice("logout", ended.user);
            self.online.remove(&ended.user);
            info!(user_id = ended.user, why, "user offline");
            self.broadcast(frame);
        }
    }
}

impl Actor for OnlineUsers {
    type Context = Context<Self>;
}

impl Handler<LoggedIn> for OnlineUsers {
    type Result = ();

    fn handle(&mut self, msg: LoggedIn, ctx: &mut Self::Context) {
        let session = msg.session.clone();
        let expiry = ctx.run_later(msg.ttl, move |act, ctx| {
            act.end_session(&session, "session expired", ctx);
        });
        self.sessions.insert(
            msg.session,
            Session {
                user: msg.user.id,
                expiry,
            },
        );
        self.online
            .entry(msg.user.id)
            .or_insert((msg.user.name, 0))
            .1 += 1;
        info!(user_id = msg.user.id, "user online");
        self.broadcast(self.notice("login", msg.user.id));
    }
}

impl Handler<LoggedOut> for OnlineUsers {
    type Result = ();

    fn handle(&mut self, msg: LoggedOut, ctx: &mut Self::Context) {
        self.end_session(&msg.session, "logged out", ctx);
    }
}

impl Handler<ActiveFilm> for OnlineUsers {
    type Result = ();

    fn handle(&mut self, msg: ActiveFilm, _ctx: &mut Self::Context) {
        let changed = match msg.film {
            Some(film) => self.active.insert(msg.user, film.clone()) != Some(film),
            None => self.active.remove(&msg.user).is_some(),
        };
        if changed && self.online.contains_key(&msg.user) {
            self.broadcast(self.notice("update", msg.user));
        }
    }
}

impl Handler<Join> for OnlineUsers {
    type Result = u64;

    fn handle(&mut self, msg: Join, _ctx: &mut Self::Context) -> u64 {
        let mut users: Vec<UserId> = self.online.keys().copied().collect();
        users.sort_unstable();
        for user in users {
            msg.0.do_send(self.notice("login", user));
        }
        self.next_listener += 1;
        self.listeners.insert(self.next_listener, msg.0);
        debug!(
            listener = self.next_listener,
            sockets = self.listeners.len(),
            "socket joined"
        );
        self.next_listener
    }
}

impl Handler<Leave> for OnlineUsers {
    type Result = ();

    fn handle(&mut self, msg: Leave, _ctx: &mut Self::Context) {
        self.listeners.remove(&msg.0);
        debug!(
            listener = msg.0,
            sockets = self.listeners.len(),
            "socket left"
        );
    }
}
