//! The `film-manager` binary: logging, settings, then the service.

use film_manager::{config::Settings, startup};
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let settings = Settings::load()?;
    actix_web::rt::System::new().block_on(startup::run(settings))
}
