//! The online-users WebSocket: the [`OnlineUsers`] hub, which knows every
//! live session and each user's active film, and one [`session`] actor per
//! connection.

mod hub;
pub mod session;

pub use hub::{ActiveFilm, LoggedIn, LoggedOut, OnlineUsers};
