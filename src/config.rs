//! Typed settings: compiled-in defaults from `config/default.toml`, an
//! optional file named by `FM_CONFIG`, then `FM_*` environment variables.

use std::path::PathBuf;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;

/// The defaults, compiled in so that the binary runs from any directory.
const DEFAULTS: &str = include_str!("../config/default.toml");

/// Every setting of the service. Defaults and meanings are documented in
/// `config/default.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub http_bind: String,
    pub ws_bind: String,
    pub mqtt_url: String,
    pub mqtt_ws_url: String,
    pub mqtt_username: String,
    pub mqtt_password: String,
    pub db_path: PathBuf,
    pub session_seconds: u64,
    pub page_size: u32,
    pub cors_origins: Vec<String>,
    pub static_dir: PathBuf,
    pub max_body_bytes: usize,
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("invalid configuration: {0}")]
    Invalid(#[from] config::ConfigError),
    #[error("invalid configuration: {0}")]
    OutOfRange(&'static str),
}

impl Settings {
    /// Loads the layered settings from the process environment.
    pub fn load() -> Result<Self, SettingsError> {
        let mut builder = Config::builder().add_source(File::from_str(DEFAULTS, FileFormat::Toml));
        if let Ok(path) = std::env::var("FM_CONFIG") {
            builder = builder.add_source(File::with_name(&path));
        }
        let env = Environment::with_prefix("FM")
            .try_parsing(true)
            .list_separator(",")
            .with_list_parse_key("cors_origins");
        let settings: Settings = builder.add_source(env).build()?.try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if self.session_seconds == 0 {
            return Err(SettingsError::OutOfRange(
                "session_seconds must be at least 1",
            ));
        }
        if self.page_size == 0 {
            return Err(SettingsError::OutOfRange("page_size must be at least 1"));
        }
        Ok(())
    }

    /// The standalone WebSocket address, unless it was turned off.
    pub fn standalone_ws_bind(&self) -> Option<&str> {
        Some(self.ws_bind.trim()).filter(|bind| !bind.is_empty())
    }

    /// The service's broker credentials, unless it connects anonymously.
    pub fn mqtt_credentials(&self) -> Option<(&str, &str)> {
        (!self.mqtt_username.is_empty())
            .then_some((self.mqtt_username.as_str(), self.mqtt_password.as_str()))
    }
}
