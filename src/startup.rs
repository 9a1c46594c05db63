//! Wiring: opens the database, starts the actors, binds the HTTP servers
//! and logs where everything listens.

use std::time::{Duration, Instant};

use actix::{Actor, Arbiter};
use actix_cors::Cors;
use actix_session::SessionMiddleware;
use actix_session::config::PersistentSession;
use actix_web::cookie::{Key, SameSite, time::Duration as CookieDuration};
use actix_web::dev::{Service, ServiceRequest};
use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpServer, http::header, web};
use anyhow::Context;
use tracing::{debug, info, warn};

use crate::actors::Directory;
use crate::config::Settings;
use crate::db;
use crate::http::{self, AppState, auth::MemoryStore};
use crate::mqtt::{BrokerAddress, StatusBroadcaster};
use crate::ws::{self, OnlineUsers};

/// Runs the service until it is stopped.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let pool = db::open(&settings.db_path)
        .with_context(|| format!("opening the database {}", settings.db_path.display()))?;

    let mut broker = BrokerAddress::parse(&settings.mqtt_url).map_err(anyhow::Error::msg)?;
    broker.credentials = settings
        .mqtt_credentials()
        .map(|(user, password)| (user.to_owned(), password.to_owned()));
    let actors = Arbiter::new().handle();
    let broadcaster =
        StatusBroadcaster::start_in_arbiter(&actors, move |_| StatusBroadcaster::new(broker));
    let hub = OnlineUsers::start_in_arbiter(&actors, |_| OnlineUsers::default());
    let directory = Directory::start(actors, pool.clone(), broadcaster, hub.clone())
        .await
        .context("loading films and users")?;

    let state = AppState {
        pool,
        directory,
        hub: hub.clone(),
        page_size: settings.page_size,
        session_ttl: Duration::from_secs(settings.session_seconds),
        mqtt_ws_url: settings.mqtt_ws_url.clone(),
        static_dir: settings.static_dir.clone(),
        max_body_bytes: settings.max_body_bytes,
    };
    if !settings.static_dir.join("index.html").is_file() {
        warn!(dir = %settings.static_dir.display(), "web client not built; / answers 404");
    }
    let session_key = Key::generate();
    let store = MemoryStore::default();
    let app_settings = settings.clone();
    // LIMITATION: actix-http bounds only the first request head of a
    // connection in time; slow later heads, slow bodies and clients that
    // never read keep their connection (see README, Known limitations).
    let main = HttpServer::new(move || {
        App::new()
            .wrap(cors(&app_settings.cors_origins))
            .wrap(ErrorHandlers::new().default_handler(http::error::contract_body))
            .wrap(sessions(
                store.clone(),
                session_key.clone(),
                app_settings.session_seconds,
            ))
            .wrap_fn(|req: ServiceRequest, srv| {
                let (method, path, started) =
                    (req.method().clone(), req.path().to_owned(), Instant::now());
                let response = srv.call(req);
                async move {
                    let response = response.await?;
                    let status = response.status().as_u16();
                    debug!(%method, path, status, micros = started.elapsed().as_micros() as u64,
                        "request");
                    Ok(response)
                }
            })
            .configure(|cfg| http::routes(cfg, &state))
    })
    .bind(&settings.http_bind)
    .with_context(|| format!("binding HTTP to {}", settings.http_bind))?;
    let http_addrs = main.addrs();

    let standalone = match settings.standalone_ws_bind() {
        Some(bind) => {
            let hub = hub.clone();
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(web::Data::new(hub.clone()))
                    .route("/", web::get().to(ws::session::connect))
            })
            .workers(1)
            .bind(bind)
            .with_context(|| format!("binding the online-users WebSocket to {bind}"))?;
            info!(addrs = ?server.addrs(), "online-users WebSocket listening on its own port");
            Some(server.run())
        }
        None => None,
    };

    info!(
        http = ?http_addrs,
        mqtt = %settings.mqtt_url,
        mqtt_for_browsers = %settings.mqtt_ws_url,
        db = %settings.db_path.display(),
        "film-manager started: REST at /api, docs at /docs, WebSocket at /ws"
    );
    match standalone {
        Some(ws) => {
            futures_util::future::try_join(main.run(), ws).await?;
        }
        None => main.run().await?,
    }
    Ok(())
}

fn cors(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers([header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([header::LOCATION])
        .supports_credentials()
        .max_age(3600)
}

fn sessions(store: MemoryStore, key: Key, seconds: u64) -> SessionMiddleware<MemoryStore> {
    let lifetime = CookieDuration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX));
    SessionMiddleware::builder(store, key)
        .cookie_name(http::auth::COOKIE_NAME.to_owned())
        .cookie_secure(false)
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .session_lifecycle(PersistentSession::default().session_ttl(lifetime))
        .build()
}
