//! Review invitations (CONTRACT §4, `/api/films/public/{id}/reviews`):
//! listing, inviting, completing, withdrawing, and the balanced assignments.

use serde_json::{Value, json};

use crate::common::db::reviews;
use crate::common::seed::{ARTHUR, BEATRICE, FRANK, KAREN, RENE, USER};
use crate::rest_support::{
    assert_error, completion, create_film, invite, logged_in, page_counters, page_ids, service,
    service_with_page_size,
};

/// Page size of the paging tests.
const PAGE: u32 = 2;

#[actix::test]
async fn a_films_reviews_are_listed_in_pages_with_a_next_link() {
    let service = service_with_page_size(PAGE).await;
    let owner = logged_in(&service, &USER).await;
    let anonymous = service.client();

    let one_page = anonymous.get("/api/films/public/2/reviews", None).await;
    let invited = invite(&owner, 2, &[ARTHUR.id]).await;
    let first = anonymous.get("/api/films/public/2/reviews", None).await;
    let last = anonymous
        .get("/api/films/public/2/reviews?pageNo=2", None)
        .await;
    let past = anonymous
        .get("/api/films/public/2/reviews?pageNo=3", None)
        .await;

    assert_eq!(one_page.status, 200, "{one_page:?}");
    assert_eq!(page_counters(&one_page), (1, 1, 2, None));
    let franks = json!({
        "filmId": 2,
        "reviewerId": 2,
        "completed": false,
        "self": "/api/films/public/2/reviews/2",
    });
    assert_eq!(one_page.body["reviews"][0], franks);
    assert_eq!(invited.status, 201, "{invited:?}");
    let next = "/api/films/public/2/reviews?pageNo=2";
    assert_eq!(page_counters(&first), (2, 1, 3, Some(next)));
    assert_eq!(page_ids(&first, "reviews"), [FRANK.id, KAREN.id]);
    assert_eq!(page_counters(&last), (2, 2, 3, None));
    assert_eq!(page_ids(&last, "reviews"), [ARTHUR.id]);
    assert_error(&past, 404, "not_found");
}

#[actix::test]
async fn a_film_without_reviews_lists_page_0_of_0() {
    let service = service_with_page_size(PAGE).await;
    let owner = logged_in(&service, &USER).await;
    let private = create_film(&owner, "Private notes", true).await;
    let anonymous = service.client();

    let empty = anonymous.get("/api/films/public/4/reviews", None).await;
    let past_empty = anonymous
        .get("/api/films/public/4/reviews?pageNo=2", None)
        .await;
    let absent = anonymous.get("/api/films/public/999/reviews", None).await;
    let of_private = owner
        .get(&format!("/api/films/public/{private}/reviews"), None)
        .await;

    assert_eq!(empty.status, 200, "{empty:?}");
    let expected = json!({"totalPages": 0, "currentPage": 0, "totalItems": 0, "reviews": []});
    assert_eq!(empty.body, expected);
    assert_error(&past_empty, 404, "not_found");
    assert_error(&absent, 404, "not_found");
    assert_error(&of_private, 404, "not_found");
}

#[actix::test]
async fn one_review_is_served_to_anyone_and_a_missing_one_is_a_404() {
    let service = service().await;
    let anonymous = service.client();

    let karens = anonymous.get("/api/films/public/2/reviews/3", None).await;
    let not_invited = anonymous.get("/api/films/public/2/reviews/5", None).await;
    let unknown_user = anonymous.get("/api/films/public/2/reviews/999", None).await;
    let absent_film = anonymous.get("/api/films/public/999/reviews/2", None).await;

    assert_eq!(karens.status, 200, "{karens:?}");
    let expected = json!({
        "filmId": 2,
        "reviewerId": 3,
        "completed": false,
        "self": "/api/films/public/2/reviews/3",
    });
    assert_eq!(karens.body, expected);
    assert_error(&not_invited, 404, "not_found");
    assert_error(&unknown_user, 404, "not_found");
    assert_error(&absent_film, 404, "not_found");
}

#[actix::test]
async fn inviting_reviewers_answers_201_with_the_new_reviews() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;

    let reply = invite(&owner, 4, &[BEATRICE.id, ARTHUR.id]).await;
    let listed = owner.get("/api/films/public/4/reviews", None).await;

    assert_eq!(reply.status, 201, "{reply:?}");
    let expected = json!([
        {"filmId": 4, "reviewerId": 5, "completed": false,
         "self": "/api/films/public/4/reviews/5"},
        {"filmId": 4, "reviewerId": 6, "completed": false,
         "self": "/api/films/public/4/reviews/6"},
    ]);
    assert_eq!(reply.body, expected);
    assert_eq!(listed.body["reviews"], expected);
    assert!(reviews(service.db_path()).contains(&(4, ARTHUR.id)));
}

#[actix::test]
async fn inviting_an_unknown_or_invited_user_is_a_409() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let before = reviews(service.db_path());

    let unknown = invite(&owner, 2, &[BEATRICE.id, 999]).await;
    let existing = invite(&owner, 2, &[ARTHUR.id, KAREN.id]).await;
    let twice = invite(&owner, 4, &[ARTHUR.id, ARTHUR.id]).await;
    let after = reviews(service.db_path());

    assert_error(&unknown, 409, "unknown_user");
    assert_error(&existing, 409, "already_invited");
    assert_error(&twice, 409, "already_invited");
    assert_eq!(after, before);
}

#[actix::test]
async fn malformed_invitations_are_a_400() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let path = "/api/films/public/4/reviews";
    let too_many: Vec<_> = (1..=101)
        .map(|n| json!({"filmId": 4, "reviewerId": n}))
        .collect();
    let cases = [
        (json!([]), "invalid_invitations"),
        (
            json!([{"filmId": 3, "reviewerId": 5}]),
            "invalid_invitations",
        ),
        (json!(too_many), "invalid_invitations"),
        (json!([{"filmId": 4, "reviewerId": 0}]), "invalid_id"),
        (json!([{"filmId": 4, "reviewerId": -5}]), "invalid_id"),
        (json!({"filmId": 4, "reviewerId": 5}), "invalid_body"),
        (json!([{"filmId": 4}]), "invalid_body"),
        (json!([{"filmId": 4, "reviewerId": "5"}]), "invalid_body"),
        (
            json!([{"filmId": 4, "reviewerId": 5, "completed": true}]),
            "invalid_body",
        ),
    ];
    let before = reviews(service.db_path());

    let mut replies = Vec::new();
    for (input, _) in &cases {
        replies.push(owner.post(path, Some(input.clone())).await);
    }

    for ((input, reason), reply) in cases.iter().zip(&replies) {
        assert_eq!(reply.status, 400, "{input}: {reply:?}");
        assert_error(reply, 400, reason);
    }
    assert_eq!(reviews(service.db_path()), before);
}

#[actix::test]
async fn only_the_owner_of_an_existing_public_film_invites() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let other = logged_in(&service, &FRANK).await;
    let private = create_film(&owner, "Private notes", true).await;

    let by_other = invite(&other, 4, &[ARTHUR.id]).await;
    let by_anonymous = invite(&service.client(), 4, &[ARTHUR.id]).await;
    let absent = invite(&owner, 999, &[ARTHUR.id]).await;
    let to_private = invite(&owner, private, &[ARTHUR.id]).await;

    assert_error(&by_other, 403, "forbidden");
    assert_error(&by_anonymous, 401, "not_authenticated");
    assert_error(&absent, 404, "not_found");
    assert_error(&to_private, 404, "not_found");
    assert!(!reviews(service.db_path()).contains(&(4, ARTHUR.id)));
}

#[actix::test]
async fn completing_a_review_releases_its_active_film() {
    let service = service().await;
    let frank = logged_in(&service, &FRANK).await;
    let path = "/api/films/public/1/reviews/2";

    let completed = frank.put(path, Some(completion())).await;
    let review = service.client().get(path, None).await;
    let selection = frank.get("/api/users/2/selection", None).await;
    let again = frank.put(path, Some(completion())).await;

    assert_eq!(completed.status, 204, "{completed:?}");
    let expected = json!({
        "filmId": 1,
        "reviewerId": 2,
        "completed": true,
        "reviewDate": "2026-12-01",
        "rating": 8,
        "review": "Worth a second look.",
        "self": path,
    });
    assert_eq!(review.body, expected);
    assert_error(&selection, 404, "not_found");
    assert_error(&again, 409, "review_completed");
}

#[actix::test]
async fn completing_someone_elses_or_a_missing_review_is_a_403_or_404() {
    let service = service().await;
    let karen = logged_in(&service, &KAREN).await;
    let arthur = logged_in(&service, &ARTHUR).await;

    let franks = karen
        .put("/api/films/public/2/reviews/2", Some(completion()))
        .await;
    let not_invited = arthur
        .put("/api/films/public/2/reviews/6", Some(completion()))
        .await;
    let absent_film = arthur
        .put("/api/films/public/999/reviews/6", Some(completion()))
        .await;
    let anonymous = service
        .client()
        .put("/api/films/public/2/reviews/3", Some(completion()))
        .await;
    let franks_after = karen.get("/api/films/public/2/reviews/2", None).await;

    assert_error(&franks, 403, "forbidden");
    assert_error(&not_invited, 404, "not_found");
    assert_error(&absent_film, 404, "not_found");
    assert_error(&anonymous, 401, "not_authenticated");
    assert_eq!(franks_after.body["completed"], json!(false));
}

/// A completion with these fields.
fn completion_with(date: &str, rating: i64, text: &str) -> Value {
    json!({ "reviewDate": date, "rating": rating, "review": text })
}

#[actix::test]
async fn an_invalid_completion_is_a_400() {
    let service = service().await;
    let karen = logged_in(&service, &KAREN).await;
    let path = "/api/films/public/2/reviews/3";
    let cases = [
        (completion_with("2026-12-01", 0, "ok"), "invalid_rating"),
        (completion_with("2026-12-01", 11, "ok"), "invalid_rating"),
        (completion_with("2026-13-01", 5, "ok"), "invalid_date"),
        (completion_with("01.12.2026", 5, "ok"), "invalid_date"),
        (
            completion_with("2026-12-01", 5, &"x".repeat(1001)),
            "invalid_review",
        ),
        (
            json!({"reviewDate": "2026-12-01", "rating": 5}),
            "invalid_body",
        ),
        (
            json!({"reviewDate": "2026-12-01", "rating": "5", "review": "ok"}),
            "invalid_body",
        ),
        (
            json!({"reviewDate": "2026-12-01", "rating": 5, "review": "ok", "completed": true}),
            "invalid_body",
        ),
    ];

    let mut replies = Vec::new();
    for (input, _) in &cases {
        replies.push(karen.put(path, Some(input.clone())).await);
    }
    let still_open = karen.get(path, None).await;
    let longest = karen
        .put(
            path,
            Some(completion_with("2026-12-01", 5, &"ü".repeat(1000))),
        )
        .await;

    for ((input, reason), reply) in cases.iter().zip(&replies) {
        let shown: String = input.to_string().chars().take(120).collect();
        assert_eq!(reply.status, 400, "{shown}: {reply:?}");
        assert_error(reply, 400, reason);
    }
    assert_eq!(still_open.body["completed"], json!(false), "{still_open:?}");
    assert_eq!(longest.status, 204, "{longest:?}");
}

#[actix::test]
async fn withdrawing_an_invitation_releases_its_active_film() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let rene = logged_in(&service, &RENE).await;
    let path = "/api/films/public/3/reviews/4";
    let held = rene.get("/api/users/4/selection", None).await;

    let withdrawn = owner.delete(path, None).await;
    let review = owner.get(path, None).await;
    let selection = rene.get("/api/users/4/selection", None).await;
    let again = owner.delete(path, None).await;

    assert_eq!(held.body["id"], json!(3), "{held:?}");
    assert_eq!(withdrawn.status, 204, "{withdrawn:?}");
    assert_error(&review, 404, "not_found");
    assert_error(&selection, 404, "not_found");
    assert_error(&again, 404, "not_found");
    assert!(!reviews(service.db_path()).contains(&(3, RENE.id)));
}

#[actix::test]
async fn withdrawing_is_for_the_owner_and_not_for_a_completed_review() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let karen = logged_in(&service, &KAREN).await;
    let completed = karen
        .put("/api/films/public/2/reviews/3", Some(completion()))
        .await;

    let of_completed = owner.delete("/api/films/public/2/reviews/3", None).await;
    let by_reviewer = karen.delete("/api/films/public/1/reviews/2", None).await;
    let by_anonymous = service
        .client()
        .delete("/api/films/public/1/reviews/2", None)
        .await;
    let never_invited = owner.delete("/api/films/public/4/reviews/5", None).await;
    let absent_film = owner.delete("/api/films/public/999/reviews/2", None).await;

    assert_eq!(completed.status, 204, "{completed:?}");
    assert_error(&of_completed, 409, "review_completed");
    assert_error(&by_reviewer, 403, "forbidden");
    assert_error(&by_anonymous, 401, "not_authenticated");
    assert_error(&never_invited, 404, "not_found");
    assert_error(&absent_film, 404, "not_found");
    let all = reviews(service.db_path());
    assert!(
        all.contains(&(2, KAREN.id)) && all.contains(&(1, FRANK.id)),
        "{all:?}"
    );
}

#[actix::test]
async fn assignments_pick_the_least_loaded_user_per_film() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let fifth = create_film(&owner, "Fifth", false).await;
    let sixth = create_film(&owner, "Sixth", false).await;
    create_film(&owner, "Private, not assigned", true).await;

    let first = owner.post("/api/films/public/assignments", None).await;
    let second = owner.post("/api/films/public/assignments", None).await;
    let listed = owner.get("/api/films/public/4/reviews", None).await;

    // Open invitations before: Frank 2, Karen 1, Rene 1, Beatrice 0,
    // Arthur 0; the owner is never picked; ties go to the lowest id.
    assert_eq!(first.status, 200, "{first:?}");
    let expected = json!([
        {"filmId": 4, "reviewerId": BEATRICE.id},
        {"filmId": fifth, "reviewerId": ARTHUR.id},
        {"filmId": sixth, "reviewerId": KAREN.id},
    ]);
    assert_eq!(first.body, expected);
    assert_eq!(second.status, 200, "{second:?}");
    assert_eq!(second.body, json!([]));
    assert_eq!(page_ids(&listed, "reviews"), [BEATRICE.id]);
}

#[actix::test]
async fn assignments_without_public_films_are_empty() {
    let service = service().await;
    let frank = logged_in(&service, &FRANK).await;
    let before = reviews(service.db_path());

    let mine = frank.post("/api/films/public/assignments", None).await;
    let anonymous = service
        .client()
        .post("/api/films/public/assignments", None)
        .await;

    assert_eq!(mine.status, 200, "{mine:?}");
    assert_eq!(mine.body, json!([]));
    assert_error(&anonymous, 401, "not_authenticated");
    assert_eq!(reviews(service.db_path()), before);
}
