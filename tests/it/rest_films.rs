//! Films (CONTRACT §4): creation, the private, public and invited lists with
//! their pages, and reading, changing and deleting one film.

use serde_json::json;

use crate::common::seed::{ARTHUR, BEATRICE, FRANK, KAREN, USER};
use crate::rest_support::{
    assert_error, completion, create_film, film_input, invite, logged_in, page_counters, page_ids,
    page_titles, service, service_with_page_size,
};

/// Page size of the paging tests.
const PAGE: u32 = 2;

#[actix::test]
async fn creating_a_film_answers_201_with_its_location() {
    let service = service().await;
    let owner = logged_in(&service, &FRANK).await;
    let input = json!({
        "title": "Paprika",
        "private": true,
        "watchDate": "2026-11-30",
        "rating": 9,
        "favorite": true,
    });

    let created = owner.post("/api/films", Some(input)).await;
    let id = created.body["id"].as_i64().expect("an id");
    let location = created.header("location").unwrap_or_default().to_owned();
    let fetched = owner.get(&location, None).await;

    assert_eq!(created.status, 201, "{created:?}");
    let link = format!("/api/films/private/{id}");
    assert_eq!(location, link);
    let expected = json!({
        "id": id,
        "title": "Paprika",
        "owner": FRANK.id,
        "private": true,
        "watchDate": "2026-11-30",
        "rating": 9,
        "favorite": true,
        "self": link,
    });
    assert_eq!(created.body, expected);
    assert_eq!(fetched.status, 200, "{fetched:?}");
    assert_eq!(fetched.body, expected);
}

#[actix::test]
async fn a_created_public_film_is_listed_with_a_reviews_link() {
    let service = service().await;
    let owner = logged_in(&service, &FRANK).await;

    let created = owner
        .post("/api/films", Some(film_input("  Mind Game  ", false)))
        .await;
    let id = created.body["id"].as_i64().expect("an id");
    let anonymous = service
        .client()
        .get(&format!("/api/films/public/{id}"), None)
        .await;
    let list = service.client().get("/api/films/public", None).await;

    assert_eq!(created.status, 201, "{created:?}");
    let link = format!("/api/films/public/{id}");
    assert_eq!(created.header("location"), Some(link.as_str()));
    let expected = json!({
        "id": id,
        "title": "Mind Game",
        "owner": FRANK.id,
        "private": false,
        "self": link,
        "reviews": format!("{link}/reviews"),
    });
    assert_eq!(created.body, expected);
    assert_eq!(anonymous.body, expected);
    assert_eq!(page_ids(&list, "films"), [1, 2, 3, 4, id]);
}

/// The public list is served from memory once read; each write of a public
/// film must show in the very next read.
#[actix::test]
async fn the_public_list_shows_each_change_in_the_next_read() {
    let service = service().await;
    let owner = logged_in(&service, &FRANK).await;
    let anonymous = service.client();

    let before = anonymous.get("/api/films/public", None).await;
    let created = owner
        .post("/api/films", Some(film_input("Tokyo Godfathers", false)))
        .await;
    let id = created.body["id"].as_i64().expect("an id");
    let after_create = anonymous.get("/api/films/public", None).await;
    owner
        .post("/api/films", Some(film_input("Kept private", true)))
        .await;
    let after_private = anonymous.get("/api/films/public", None).await;
    let changed = owner
        .put(
            &format!("/api/films/public/{id}"),
            Some(film_input("Tokyo Godfathers (2003)", false)),
        )
        .await;
    let after_change = anonymous.get("/api/films/public", None).await;
    let deleted = owner.delete(&format!("/api/films/public/{id}"), None).await;
    let after_delete = anonymous.get("/api/films/public", None).await;

    assert_eq!(page_ids(&before, "films"), [1, 2, 3, 4], "{before:?}");
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(page_ids(&after_create, "films"), [1, 2, 3, 4, id]);
    assert_eq!(
        page_titles(&after_create).last(),
        Some(&(id, "Tokyo Godfathers".to_owned()))
    );
    assert_eq!(after_private.body, after_create.body);
    assert_eq!(changed.status, 204, "{changed:?}");
    assert_eq!(
        page_titles(&after_change).last(),
        Some(&(id, "Tokyo Godfathers (2003)".to_owned()))
    );
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert_eq!(after_delete.body, before.body);
}

#[actix::test]
async fn creating_a_film_needs_a_session() {
    let service = service().await;

    let reply = service
        .client()
        .post("/api/films", Some(film_input("Anonymous", true)))
        .await;

    assert_error(&reply, 401, "not_authenticated");
}

#[actix::test]
async fn a_title_of_200_multibyte_characters_is_accepted() {
    let service = service().await;
    let owner = logged_in(&service, &FRANK).await;
    let title = "é".repeat(200);

    let reply = owner
        .post("/api/films", Some(film_input(&title, true)))
        .await;

    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(reply.body["title"], json!(title));
}

#[actix::test]
async fn an_invalid_film_is_a_400_and_creates_nothing() {
    let service = service().await;
    let owner = logged_in(&service, &FRANK).await;
    let cases = [
        (json!({"title": "", "private": true}), "invalid_title"),
        (json!({"title": "   ", "private": true}), "invalid_title"),
        (
            json!({"title": "x".repeat(201), "private": true}),
            "invalid_title",
        ),
        (
            json!({"title": format!("     {}", "x".repeat(200)), "private": true}),
            "invalid_title",
        ),
        (
            json!({"title": "x", "private": true, "watchDate": "2026-02-30"}),
            "invalid_date",
        ),
        (
            json!({"title": "x", "private": true, "watchDate": "+2026-12-03"}),
            "invalid_date",
        ),
        (
            json!({"title": "x", "private": true, "watchDate": "30/11/2026"}),
            "invalid_date",
        ),
        (
            json!({"title": "x", "private": true, "rating": 0}),
            "invalid_rating",
        ),
        (
            json!({"title": "x", "private": true, "rating": 11}),
            "invalid_rating",
        ),
        (
            json!({"title": "x", "private": true, "rating": 5.5}),
            "invalid_body",
        ),
        (json!({"title": "x"}), "invalid_body"),
        (json!({"title": "x", "private": "yes"}), "invalid_body"),
        (
            json!({"title": "x", "private": true, "favorite": 1}),
            "invalid_body",
        ),
        (
            json!({"id": 9, "title": "x", "private": true}),
            "invalid_body",
        ),
        (
            json!({"title": "x", "private": true, "owner": 1}),
            "invalid_body",
        ),
        (
            json!({"title": "x", "private": true, "self": "/x"}),
            "invalid_body",
        ),
        (json!(["x", true]), "invalid_body"),
    ];

    let mut replies = Vec::new();
    for (input, _) in &cases {
        replies.push(owner.post("/api/films", Some(input.clone())).await);
    }
    let private = owner.get("/api/films/private", None).await;
    let public = owner.get("/api/films/public", None).await;

    for ((input, reason), reply) in cases.iter().zip(&replies) {
        assert_eq!(reply.status, 400, "{input}: {reply:?}");
        assert_error(reply, 400, reason);
    }
    assert_eq!(page_counters(&private).2, 0, "{private:?}");
    assert_eq!(page_counters(&public).2, 4, "{public:?}");
}

#[actix::test]
async fn an_empty_private_list_is_page_0_of_0_and_page_2_is_absent() {
    let service = service_with_page_size(PAGE).await;
    let owner = logged_in(&service, &ARTHUR).await;

    let first = owner.get("/api/films/private", None).await;
    let second = owner.get("/api/films/private?pageNo=2", None).await;

    assert_eq!(first.status, 200, "{first:?}");
    let empty = json!({"totalPages": 0, "currentPage": 0, "totalItems": 0, "films": []});
    assert_eq!(first.body, empty);
    assert_error(&second, 404, "not_found");
}

#[actix::test]
async fn the_private_list_pages_only_the_callers_private_films() {
    let service = service_with_page_size(PAGE).await;
    let owner = logged_in(&service, &KAREN).await;
    let other = logged_in(&service, &FRANK).await;
    let mut mine = Vec::new();
    for title in ["One", "Two", "Three"] {
        mine.push(create_film(&owner, title, true).await);
    }
    create_film(&owner, "Public, not listed", false).await;
    create_film(&other, "Someone else's", true).await;

    let first = owner.get("/api/films/private", None).await;
    let next = first.body["next"].as_str().unwrap_or_default().to_owned();
    let last = owner.get(&next, None).await;
    let past = owner.get("/api/films/private?pageNo=3", None).await;

    assert_eq!(
        page_counters(&first),
        (2, 1, 3, Some("/api/films/private?pageNo=2"))
    );
    assert_eq!(page_ids(&first, "films"), mine[..2]);
    assert_eq!(next, "/api/films/private?pageNo=2");
    assert_eq!(page_counters(&last), (2, 2, 3, None));
    assert_eq!(page_ids(&last, "films"), mine[2..]);
    assert_eq!(last.body["films"][0]["owner"], json!(KAREN.id), "{last:?}");
    assert_error(&past, 404, "not_found");
}

#[actix::test]
async fn the_public_list_pages_for_anonymous_callers() {
    let service = service_with_page_size(PAGE).await;
    let anonymous = service.client();

    let default = anonymous.get("/api/films/public", None).await;
    let first = anonymous.get("/api/films/public?pageNo=1", None).await;
    let last = anonymous.get("/api/films/public?pageNo=2", None).await;
    let past = anonymous.get("/api/films/public?pageNo=3", None).await;

    assert_eq!(default.status, 200, "{default:?}");
    assert_eq!(default.body, first.body);
    assert_eq!(
        page_counters(&first),
        (2, 1, 4, Some("/api/films/public?pageNo=2"))
    );
    assert_eq!(page_ids(&first, "films"), [1, 2]);
    assert_eq!(page_counters(&last), (2, 2, 4, None));
    assert_eq!(page_ids(&last, "films"), [3, 4]);
    assert!(
        last.body["films"]
            .as_array()
            .is_some_and(|films| films.iter().all(|film| film["private"] == json!(false))),
        "{last:?}"
    );
    assert_error(&past, 404, "not_found");
}

#[actix::test]
async fn the_invited_list_includes_completed_invitations() {
    let service = service_with_page_size(PAGE).await;
    let frank = logged_in(&service, &FRANK).await;
    let karen = logged_in(&service, &KAREN).await;
    let arthur = logged_in(&service, &ARTHUR).await;
    let completed = karen
        .put("/api/films/public/2/reviews/3", Some(completion()))
        .await;

    let franks = frank.get("/api/films/public/invited", None).await;
    let karens = karen.get("/api/films/public/invited", None).await;
    let arthurs = arthur.get("/api/films/public/invited", None).await;
    let arthurs_second = arthur.get("/api/films/public/invited?pageNo=2", None).await;
    let anonymous = service
        .client()
        .get("/api/films/public/invited", None)
        .await;

    assert_eq!(completed.status, 204, "{completed:?}");
    assert_eq!(page_counters(&franks), (1, 1, 2, None));
    assert_eq!(page_ids(&franks, "films"), [1, 2]);
    assert_eq!(page_counters(&karens), (1, 1, 1, None));
    assert_eq!(page_ids(&karens, "films"), [2]);
    let empty = json!({"totalPages": 0, "currentPage": 0, "totalItems": 0, "films": []});
    assert_eq!(arthurs.body, empty);
    assert_error(&arthurs_second, 404, "not_found");
    assert_error(&anonymous, 401, "not_authenticated");
}

/// Invited lists are served from memory once read; every change of an
/// invitation or of an invited film must show in the user's very next read.
#[actix::test]
async fn the_invited_list_shows_each_change_in_the_next_read() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let arthur = logged_in(&service, &ARTHUR).await;
    let beatrice = logged_in(&service, &BEATRICE).await;
    let invited = "/api/films/public/invited";

    // Each write comes right after a read that filled the lists, so that
    // only that write can make the next read differ.
    let film = create_film(&owner, "Perfect Blue", false).await;
    let before = arthur.get(invited, None).await;
    let invitations = invite(&owner, film, &[ARTHUR.id]).await;
    let after_first = arthur.get(invited, None).await;
    let second = invite(&owner, 2, &[ARTHUR.id]).await;
    let after_invite = arthur.get(invited, None).await;
    let renamed = owner
        .put(
            &format!("/api/films/public/{film}"),
            Some(film_input("Perfect Blue (1997)", false)),
        )
        .await;
    let after_rename = arthur.get(invited, None).await;
    let withdrawn = owner.delete("/api/films/public/2/reviews/6", None).await;
    let after_withdraw = arthur.get(invited, None).await;
    let deleted = owner
        .delete(&format!("/api/films/public/{film}"), None)
        .await;
    let after_delete = arthur.get(invited, None).await;
    let beatrice_before = beatrice.get(invited, None).await;
    let assigned = owner.post("/api/films/public/assignments", None).await;
    let beatrice_after = beatrice.get(invited, None).await;

    assert_eq!(page_ids(&before, "films"), Vec::<i64>::new(), "{before:?}");
    assert_eq!(page_ids(&beatrice_before, "films"), Vec::<i64>::new());
    assert_eq!((invitations.status, second.status), (201, 201));
    assert_eq!(page_ids(&after_first, "films"), [film]);
    assert_eq!(page_ids(&after_invite, "films"), [2, film]);
    assert_eq!(renamed.status, 204, "{renamed:?}");
    assert_eq!(
        page_titles(&after_rename).last(),
        Some(&(film, "Perfect Blue (1997)".to_owned()))
    );
    assert_eq!(withdrawn.status, 204, "{withdrawn:?}");
    assert_eq!(page_ids(&after_withdraw, "films"), [film]);
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert_eq!(page_ids(&after_delete, "films"), Vec::<i64>::new());
    // Film 4 is the owner's only film without reviewers; Beatrice and
    // Arthur have no open invitation left, and Beatrice the lower id.
    assert_eq!(
        assigned.body,
        json!([{"filmId": 4, "reviewerId": BEATRICE.id}])
    );
    assert_eq!(page_ids(&beatrice_after, "films"), [4]);
}

#[actix::test]
async fn the_owner_reads_changes_and_deletes_a_private_film() {
    let service = service().await;
    let owner = logged_in(&service, &FRANK).await;
    let created = owner
        .post(
            "/api/films",
            Some(json!({"title": "Tokyo Godfathers", "private": true, "rating": 6})),
        )
        .await;
    let path = created.header("location").unwrap_or_default().to_owned();
    let change = json!({
        "title": "Tokyo Godfathers (2003)",
        "private": true,
        "watchDate": "2026-12-02",
        "favorite": true,
    });

    let read = owner.get(&path, None).await;
    let changed = owner.put(&path, Some(change)).await;
    let after_change = owner.get(&path, None).await;
    let deleted = owner.delete(&path, None).await;
    let after_delete = owner.get(&path, None).await;
    let deleted_again = owner.delete(&path, None).await;

    assert_eq!(read.status, 200, "{read:?}");
    assert_eq!(read.body, created.body);
    assert_eq!(changed.status, 204, "{changed:?}");
    assert!(changed.raw.is_empty(), "{changed:?}");
    let expected = json!({
        "id": created.body["id"],
        "title": "Tokyo Godfathers (2003)",
        "owner": FRANK.id,
        "private": true,
        "watchDate": "2026-12-02",
        "favorite": true,
        "self": path,
    });
    assert_eq!(after_change.body, expected, "the rating was not cleared");
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert_error(&after_delete, 404, "not_found");
    assert_error(&deleted_again, 404, "not_found");
}

#[actix::test]
async fn a_private_film_is_403_for_others_and_404_when_absent_or_public() {
    let service = service().await;
    let owner = logged_in(&service, &FRANK).await;
    let other = logged_in(&service, &KAREN).await;
    let film = create_film(&owner, "Perfect Strangers", true).await;
    let path = format!("/api/films/private/{film}");
    let change = film_input("Taken over", true);

    let read = other.get(&path, None).await;
    let changed = other.put(&path, Some(change.clone())).await;
    let deleted = other.delete(&path, None).await;
    let absent = other.get("/api/films/private/999", None).await;
    let absent_change = other.put("/api/films/private/999", Some(change)).await;
    let public_by_private_path = owner.get("/api/films/private/1", None).await;
    let private_by_public_path = owner.get(&format!("/api/films/public/{film}"), None).await;
    let still = owner.get(&path, None).await;

    assert_error(&read, 403, "forbidden");
    assert_error(&changed, 403, "forbidden");
    assert_error(&deleted, 403, "forbidden");
    assert_error(&absent, 404, "not_found");
    assert_error(&absent_change, 404, "not_found");
    assert_error(&public_by_private_path, 404, "not_found");
    assert_error(&private_by_public_path, 404, "not_found");
    assert_eq!(still.body["title"], json!("Perfect Strangers"), "{still:?}");
}

#[actix::test]
async fn changing_the_visibility_of_a_film_is_a_409_and_changes_nothing() {
    let service = service().await;
    let user = logged_in(&service, &USER).await;
    let film = create_film(&user, "Millennium Actress", true).await;
    let private_path = format!("/api/films/private/{film}");

    let to_public = user
        .put(&private_path, Some(film_input("Now public", false)))
        .await;
    let to_private = user
        .put("/api/films/public/1", Some(film_input("Now private", true)))
        .await;
    let private_after = user.get(&private_path, None).await;
    let public_after = user.get("/api/films/public/1", None).await;

    assert_error(&to_public, 409, "visibility_change");
    assert_error(&to_private, 409, "visibility_change");
    assert_eq!(private_after.body["title"], json!("Millennium Actress"));
    assert_eq!(private_after.body["private"], json!(true));
    assert_eq!(public_after.body["title"], json!("You Can (Not) Redo"));
    assert_eq!(public_after.body["private"], json!(false));
}

#[actix::test]
async fn an_invalid_change_is_a_400_and_changes_nothing() {
    let service = service().await;
    let user = logged_in(&service, &USER).await;
    let cases = [
        (json!({"title": "", "private": false}), "invalid_title"),
        (
            json!({"title": "x", "private": false, "rating": 99}),
            "invalid_rating",
        ),
        (
            json!({"title": "x", "private": false, "watchDate": "yesterday"}),
            "invalid_date",
        ),
        (
            json!({"title": "x", "private": false, "id": 2}),
            "invalid_body",
        ),
        (json!({"title": "x"}), "invalid_body"),
    ];

    let mut replies = Vec::new();
    for (input, _) in &cases {
        replies.push(user.put("/api/films/public/1", Some(input.clone())).await);
    }
    let after = user.get("/api/films/public/1", None).await;

    for ((input, reason), reply) in cases.iter().zip(&replies) {
        assert_eq!(reply.status, 400, "{input}: {reply:?}");
        assert_error(reply, 400, reason);
    }
    assert_eq!(
        after.body["title"],
        json!("You Can (Not) Redo"),
        "{after:?}"
    );
}

#[actix::test]
async fn only_the_owner_changes_or_deletes_a_public_film() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;
    let other = logged_in(&service, &FRANK).await;
    let change = json!({"title": "Spirited Away (2001)", "private": false, "rating": 10});

    let changed_by_other = other.put("/api/films/public/2", Some(change.clone())).await;
    let deleted_by_other = other.delete("/api/films/public/2", None).await;
    let changed = owner.put("/api/films/public/2", Some(change)).await;
    let after_change = service.client().get("/api/films/public/2", None).await;
    let deleted = owner.delete("/api/films/public/2", None).await;
    let after_delete = service.client().get("/api/films/public/2", None).await;
    let reviews_after = service
        .client()
        .get("/api/films/public/2/reviews", None)
        .await;
    let list_after = service.client().get("/api/films/public", None).await;
    let absent = owner.delete("/api/films/public/2", None).await;

    assert_error(&changed_by_other, 403, "forbidden");
    assert_error(&deleted_by_other, 403, "forbidden");
    assert_eq!(changed.status, 204, "{changed:?}");
    assert_eq!(after_change.body["title"], json!("Spirited Away (2001)"));
    assert_eq!(after_change.body["rating"], json!(10));
    assert_eq!(deleted.status, 204, "{deleted:?}");
    assert_error(&after_delete, 404, "not_found");
    assert_error(&reviews_after, 404, "not_found");
    assert_eq!(page_ids(&list_after, "films"), [1, 3, 4]);
    assert_error(&absent, 404, "not_found");
}

#[actix::test]
async fn an_absent_public_film_is_a_404_for_reads_and_writes() {
    let service = service().await;
    let owner = logged_in(&service, &USER).await;

    let read = service.client().get("/api/films/public/999", None).await;
    let changed = owner
        .put("/api/films/public/999", Some(film_input("Nothing", false)))
        .await;
    let deleted = owner.delete("/api/films/public/999", None).await;

    for reply in [&read, &changed, &deleted] {
        assert_error(reply, 404, "not_found");
    }
}
