//! Representations (with their links), inputs and their validation, and
//! paging: everything the API reads and writes as JSON.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;
use utoipa::{IntoParams, ToSchema};

use super::error::ApiError;
use crate::domain::{Completion, Film, FilmData, FilmId, Review, User, UserId};

/// Longest accepted film title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest accepted review text, in characters.
pub const MAX_REVIEW: usize = 1000;
/// Most invitations accepted in one request.
pub const MAX_INVITATIONS: usize = 100;

/// The link of a film.
pub fn film_link(id: FilmId, private: bool) -> String {
    let kind = if private { "private" } else { "public" };
    format!("/api/films/{kind}/{id}")
}

/// The link of a user's active-film selection.
pub fn selection_link(user: UserId) -> String {
    format!("/api/users/{user}/selection")
}

/// A film.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilmView {
    pub id: FilmId,
    pub title: String,
    pub owner: UserId,
    pub private: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub watch_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 10)]
    pub rating: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub favorite: Option<bool>,
    #[serde(rename = "self")]
    pub self_link: String,
    /// The film's reviews; public films only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviews: Option<String>,
}

impl From<Film> for FilmView {
    fn from(film: Film) -> Self {
        let FilmData {
            title,
            private,
            watch_date,
            rating,
            favorite,
        } = film.data;
        let self_link = film_link(film.id, private);
        let reviews = (!private).then(|| format!("{self_link}/reviews"));
        FilmView {
            id: film.id,
            title,
            owner: film.owner,
            private,
            watch_date,
            rating,
            favorite,
            self_link,
            reviews,
        }
    }
}

/// A review invitation, completed or not.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub film_id: FilmId,
    pub reviewer_id: UserId,
    pub completed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub review_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 10)]
    pub rating: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<String>,
    #[serde(rename = "self")]
    pub self_link: String,
}

impl From<Review> for ReviewView {
    fn from(review: Review) -> Self {
        ReviewView {
            self_link: format!(
                "/api/films/public/{}/reviews/{}",
                review.film_id, review.reviewer_id
            ),
            film_id: review.film_id,
            reviewer_id: review.reviewer_id,
            completed: review.completed,
            review_date: review.review_date,
            rating: review.rating,
            review: review.review,
        }
    }
}

/// A user; never the password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub name: String,
    pub email: String,
    #[serde(rename = "self")]
    pub self_link: String,
}

impl From<User> for UserView {
    fn from(user: User) -> Self {
        UserView {
            self_link: format!("/api/users/{}", user.id),
            id: user.id,
            name: user.name,
            email: user.email,
        }
    }
}

/// The answer to a successful log-in.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginView {
    #[serde(flatten)]
    pub user: UserView,
    /// The user's active-film selection.
    pub selection: String,
}

/// Log-in credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(example = "frank@example.com")]
    pub email: String,
    #[schema(example = "password")]
    pub password: String,
}

/// The fields of a film its owner writes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FilmInput {
    /// Leading and trailing white space is removed; a blank title is refused.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    pub private: bool,
    #[schema(format = Date)]
    pub watch_date: Option<String>,
    #[schema(minimum = 1, maximum = 10)]
    pub rating: Option<i64>,
    pub favorite: Option<bool>,
}

impl FilmInput {
    /// Checks the fields and returns them as domain data.
    pub fn validate(self) -> Result<FilmData, ApiError> {
        let title = self.title.trim().to_owned();
        if title.is_empty() || self.title.chars().count() > MAX_TITLE {
            return Err(ApiError::bad_request(
                "invalid_title",
                format!("the title must have 1 to {MAX_TITLE} characters"),
            ));
        }
        if let Some(date) = &self.watch_date {
            check_date("watchDate", date)?;
        }
        if let Some(rating) = self.rating {
            check_rating(rating)?;
        }
        Ok(FilmData {
            title,
            private: self.private,
            watch_date: self.watch_date,
            rating: self.rating,
            favorite: self.favorite,
        })
    }
}

/// A new active film. The other film fields may come along (so that a film
/// read from the API can be sent back as it is) and are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "film fields other than id are accepted and ignored"
)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SelectionInput {
    /// The film to make active.
    #[schema(minimum = 1)]
    pub id: i64,
    #[serde(default)]
    #[schema(value_type = Value)]
    title: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Value)]
    owner: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Value)]
    private: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Value)]
    watch_date: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Value)]
    rating: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Value)]
    favorite: Option<serde_json::Value>,
    #[serde(default, rename = "self")]
    #[schema(value_type = Value)]
    self_link: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Value)]
    reviews: Option<serde_json::Value>,
}

/// One invitation to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InvitationInput {
    /// The film of the path.
    #[schema(minimum = 1)]
    pub film_id: i64,
    #[schema(minimum = 1)]
    pub reviewer_id: i64,
}

/// One invitation created by the balanced assignment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub film_id: FilmId,
    pub reviewer_id: UserId,
}

/// What a reviewer writes to complete a review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CompletionInput {
    #[schema(format = Date, example = "2026-12-03")]
    pub review_date: String,
    #[schema(minimum = 1, maximum = 10)]
    pub rating: i64,
    #[schema(max_length = 1000)]
    pub review: String,
}

impl CompletionInput {
    /// Checks the fields and returns them as domain data.
    pub fn validate(self) -> Result<Completion, ApiError> {
        check_date("reviewDate", &self.review_date)?;
        check_rating(self.rating)?;
        if self.review.chars().count() > MAX_REVIEW {
            return Err(ApiError::bad_request(
                "invalid_review",
                format!("a review has at most {MAX_REVIEW} characters"),
            ));
        }
        Ok(Completion {
            review_date: self.review_date,
            rating: self.rating,
            review: self.review,
        })
    }
}

fn check_date(field: &str, value: &str) -> Result<(), ApiError> {
    // The parser alone would also take a signed or longer year.
    let shaped = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let format = format_description!("[year]-[month]-[day]");
    if shaped && Date::parse(value, format).is_ok() {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "invalid_date",
        format!("the field {field} must be a date as YYYY-MM-DD"),
    ))
}

fn check_rating(rating: i64) -> Result<(), ApiError> {
    if (1..=10).contains(&rating) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "invalid_rating",
            "a rating is a whole number from 1 to 10",
        ))
    }
}

/// Checks an id taken from a path or a body: ids are positive.
pub fn check_id(what: &str, id: i64) -> Result<i64, ApiError> {
    if id > 0 {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            "invalid_id",
            format!("{what} must be a positive integer"),
        ))
    }
}

/// The page requested by `?pageNo=`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000_000, nullable = false)]
    pub page_no: Option<i64>,
}

/// Where one page starts and how long it is.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub number: u64,
    pub size: u32,
}

impl PageRequest {
    /// Checks the page number against the configured size.
    pub fn new(query: &PageQuery, size: u32) -> Result<Self, ApiError> {
        match query.page_no.unwrap_or(1) {
            number @ 1..=1_000_000_000 => Ok(PageRequest {
                number: number as u64,
                size,
            }),
            _ => Err(ApiError::bad_request(
                "invalid_page",
                "the page number (pageNo) must be a positive integer",
            )),
        }
    }

    /// How many items precede the page.
    pub fn offset(&self) -> u64 {
        (self.number - 1) * u64::from(self.size)
    }

    /// The page's counters and link once the total is known; 404 past the
    /// end. An empty collection is page 0 of 0.
    pub fn info(&self, total: u64, path: &str) -> Result<PageInfo, ApiError> {
        let total_pages = total.div_ceil(u64::from(self.size));
        if total == 0 && self.number == 1 {
            return Ok(PageInfo {
                total_pages: 0,
                current_page: 0,
                total_items: 0,
                next: None,
            });
        }
        if self.number > total_pages {
            return Err(ApiError::NotFound("no such page"));
        }
        let next =
            (self.number < total_pages).then(|| format!("{path}?pageNo={}", self.number + 1));
        Ok(PageInfo {
            total_pages,
            current_page: self.number,
            total_items: total,
            next,
        })
    }
}

/// The counters of a page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub total_pages: u64,
    pub current_page: u64,
    pub total_items: u64,
    /// The next page, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// A page of films.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilmPage {
    #[serde(flatten)]
    pub page: PageInfo,
    pub films: Vec<FilmView>,
}

/// A page of reviews.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewPage {
    #[serde(flatten)]
    pub page: PageInfo,
    pub reviews: Vec<ReviewView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: i64) -> PageRequest {
        PageRequest::new(
            &PageQuery {
                page_no: Some(number),
            },
            10,
        )
        .unwrap()
    }

    #[test]
    fn an_empty_collection_is_page_zero_of_zero_and_page_two_is_absent() {
        let first = page(1).info(0, "/x").unwrap();

        assert_eq!((first.current_page, first.total_pages), (0, 0));
        assert!(page(2).info(0, "/x").is_err());
    }

    #[test]
    fn the_last_page_has_no_next_link_and_the_one_after_is_absent() {
        let first = page(1).info(11, "/x").unwrap();
        let last = page(2).info(11, "/x").unwrap();

        assert_eq!(first.next.as_deref(), Some("/x?pageNo=2"));
        assert_eq!(
            (last.current_page, last.total_pages, last.next),
            (2, 2, None)
        );
        assert!(page(3).info(11, "/x").is_err());
    }

    #[test]
    fn dates_are_exactly_year_month_day() {
        assert!(check_date("d", "2026-12-03").is_ok());
        for bad in [
            "+2026-12-03",
            "-0001-01-01",
            "2026-13-01",
            "2026-02-30",
            "26-12-03",
            "",
        ] {
            assert!(check_date("d", bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn page_numbers_below_one_are_refused() {
        assert!(PageRequest::new(&PageQuery { page_no: Some(0) }, 10).is_err());
        assert!(PageRequest::new(&PageQuery { page_no: Some(-3) }, 10).is_err());
    }
}
