//! The service's vocabulary: users, films, reviews and a film's selection
//! status, independent of HTTP, SQL and MQTT.

use serde::Serialize;

/// A user's id (the `users.id` column).
pub type UserId = i64;

/// A film's id (the `films.id` column), also its MQTT topic.
pub type FilmId = i64;

/// A registered user. The password hash never leaves the `db` module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
}

/// A stored film.
#[derive(Debug, Clone, PartialEq)]
pub struct Film {
    pub id: FilmId,
    pub owner: UserId,
    pub data: FilmData,
}

/// The fields of a film its owner chooses.
#[derive(Debug, Clone, PartialEq)]
pub struct FilmData {
    pub title: String,
    pub private: bool,
    pub watch_date: Option<String>,
    pub rating: Option<i64>,
    pub favorite: Option<bool>,
}

/// A review invitation, completed or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub film_id: FilmId,
    pub reviewer_id: UserId,
    pub completed: bool,
    pub review_date: Option<String>,
    pub rating: Option<i64>,
    pub review: Option<String>,
}

/// What a reviewer writes to complete a review.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub review_date: String,
    pub rating: i64,
    pub review: String,
}

/// The user who has a film active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub id: UserId,
    pub name: String,
}

/// The selection status of a public film, as published on its MQTT topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilmStatus {
    Active(Holder),
    Inactive,
    Deleted,
}

/// The MQTT payload shapes; the user id travels as a string.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
enum StatusPayload<'a> {
    Active {
        #[serde(rename = "userId")]
        user_id: String,
        #[serde(rename = "userName")]
        user_name: &'a str,
    },
    Inactive,
    Deleted,
}

impl FilmStatus {
    /// The status of a film held by `holder`, or free.
    pub fn of(holder: Option<&Holder>) -> Self {
        holder.map_or(FilmStatus::Inactive, |h| FilmStatus::Active(h.clone()))
    }

    /// The compact JSON payload of CONTRACT §5.1.
    pub fn payload(&self) -> String {
        let payload = match self {
            FilmStatus::Active(holder) => StatusPayload::Active {
                user_id: holder.id.to_string(),
                user_name: &holder.name,
            },
            FilmStatus::Inactive => StatusPayload::Inactive,
            FilmStatus::Deleted => StatusPayload::Deleted,
        };
        // Serializing a tagged enum of strings cannot fail.
        serde_json::to_string(&payload).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_the_contracts_bytes() {
        let frank = Holder {
            id: 2,
            name: "Frank".into(),
        };

        assert_eq!(
            FilmStatus::Active(frank).payload(),
            r#"{"status":"active","userId":"2","userName":"Frank"}"#
        );
        assert_eq!(FilmStatus::Inactive.payload(), r#"{"status":"inactive"}"#);
        assert_eq!(FilmStatus::Deleted.payload(), r#"{"status":"deleted"}"#);
    }
}

/// Why the service declines a change. Each maps to one 4xx answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("film not found")]
    FilmNotFound,
    #[error("no review invitation for this user and film")]
    NotInvited,
    #[error("the review of this film is already completed")]
    ReviewCompleted,
    #[error("the film is the active film of {} (user {})", .0.name, .0.id)]
    FilmTaken(Holder),
    #[error("user {0} does not exist")]
    UnknownUser(UserId),
    #[error("user {0} is already invited to review this film")]
    AlreadyInvited(UserId),
}
