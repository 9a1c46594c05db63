//! One actor per online-users WebSocket connection, and the HTTP entry
//! point that upgrades a request to it.
//!
//! The socket only listens: frames from the client other than ping, pong
//! and close are ignored. A connection that answers no ping for
//! [`CLIENT_TIMEOUT`] is dropped.

use std::time::{Duration, Instant};

use actix::prelude::*;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_web_actors::ws;
use tracing::{debug, info};

use super::OnlineUsers;
use super::hub::{Frame, Join, Leave};

/// How often the server pings each client.
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
/// How long a client may stay silent before it is dropped.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

/// The actor of one WebSocket connection.
struct Listener {
    hub: Addr<OnlineUsers>,
    id: Option<u64>,
    last_heard: Instant,
}

impl Actor for Listener {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.run_interval(HEARTBEAT_INTERVAL, |act, ctx| {
            if act.last_heard.elapsed() > CLIENT_TIMEOUT {
                info!(listener = act.id, "online-users socket timed out");
                ctx.stop();
            } else {
                ctx.ping(b"");
            }
        });
        self.hub
            .send(Join(ctx.address().recipient()))
            .into_actor(self)
            .then(|joined, act, ctx| {
                match joined {
                    Ok(id) => act.id = Some(id),
                    Err(_) => ctx.stop(),
                }
                fut::ready(())
            })
            .wait(ctx);
    }

    fn stopped(&mut self, _ctx: &mut Self::Context) {
        if let Some(id) = self.id {
            self.hub.do_send(Leave(id));
        }
    }
}

impl Handler<Frame> for Listener {
    type Result = ();

    fn handle(&mut self, frame: Frame, ctx: &mut Self::Context) {
        // LIMITATION: frames for a client that stopped reading queue in
        // memory until the heartbeat drops it (CLIENT_TIMEOUT).
        ctx.text(&*frame.0);
    }
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for Listener {
    fn handle(&mut self, msg: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        self.last_heard = Instant::now();
        match msg {
            Ok(ws::Message::Ping(bytes)) => ctx.pong(&bytes),
            Ok(ws::Message::Close(reason)) => {
                ctx.close(reason);
                ctx.stop();
            }
            Ok(_) => {}
            Err(error) => {
                debug!(%error, "online-users socket protocol error");
                ctx.stop();
            }
        }
    }
}

/// `GET /ws` (and `/` on the standalone port): upgrades to the online-users
/// WebSocket. Anyone may listen, as on the course's server.
pub async fn connect(
    req: HttpRequest,
    stream: web::Payload,
    hub: web::Data<Addr<OnlineUsers>>,
) -> actix_web::Result<HttpResponse> {
    let listener = Listener {
        hub: hub.get_ref().clone(),
        id: None,
        last_heard: Instant::now(),
    };
    ws::start(listener, &req, stream)
}
