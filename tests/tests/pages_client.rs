//! Pagination of the `fixture-pages` client (`tests/fixtures/specs/pages.yaml`) against
//! a scripted local server, one convention per test: a cursor one level down in the
//! body, a top-level page token, page numbers, offsets, and `Link` headers; an empty
//! last page, a server that repeats a cursor, an error mid-walk, and a `Link` to
//! another host.

mod common;

use common::{response, Server};
use fixture_pages::runtime::{ErrorKind, Stream};
use fixture_pages::types::Pet;
use fixture_pages::Client;

fn json(body: &str) -> common::Reply {
    response(
        "200 OK",
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}

fn client(server: &Server) -> Client {
    Client::new().with_base_url(server.base_url())
}

/// Every item of a stream, or the first error.
async fn collect<T, E: std::fmt::Debug>(
    stream: impl Stream<Item = Result<T, fixture_pages::runtime::Error<E>>>,
) -> Result<Vec<T>, fixture_pages::runtime::Error<E>> {
    let mut stream = std::pin::pin!(stream);
    let mut items = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        items.push(item?);
    }
    Ok(items)
}

fn ids(pets: &[Pet]) -> Vec<i64> {
    pets.iter().map(|pet| pet.id).collect()
}

fn targets(server: &Server) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|seen| seen.target().to_owned())
        .collect()
}

#[tokio::test]
async fn a_cursor_one_level_down_is_sent_back_until_the_server_gives_none() {
    let server = Server::start_script(vec![
        json(r#"{"data":[{"id":1},{"id":2}],"response_metadata":{"next_cursor":"c2"}}"#),
        json(r#"{"data":[{"id":3}],"response_metadata":{"next_cursor":"c3"}}"#),
        // The last page: an empty cursor (Slack's convention), then nothing is asked.
        json(r#"{"data":[{"id":4}],"response_metadata":{"next_cursor":""}}"#),
    ])
    .await;
    let pets = collect(client(&server).list_by_cursor().limit(2).items())
        .await
        .unwrap();
    assert_eq!(ids(&pets), [1, 2, 3, 4]);
    assert_eq!(
        targets(&server),
        [
            "/cursor?limit=2",
            "/cursor?cursor=c2&limit=2",
            "/cursor?cursor=c3&limit=2"
        ]
    );
}

#[tokio::test]
async fn a_page_token_ends_when_absent_and_each_page_keeps_its_headers() {
    let page = |body: &str, request_id: &str| {
        response(
            "200 OK",
            &[
                ("Content-Type", "application/json"),
                ("X-Request-Id", request_id),
            ],
            body.as_bytes(),
        )
    };
    let server = Server::start_script(vec![
        page(r#"{"pets":[{"id":1}],"nextPageToken":"t/2 é"}"#, "r1"),
        page(r#"{"pets":[{"id":2}]}"#, "r2"),
    ])
    .await;
    let client = client(&server);
    let mut pages = client.list_by_token().pages();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.headers()["x-request-id"], "r1");
    assert_eq!(ids(first.pets.as_deref().unwrap()), [1]);
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!(second.headers()["x-request-id"], "r2");
    assert!(pages.next().await.is_none());
    // The token goes back percent-encoded, as any query value.
    assert_eq!(
        targets(&server),
        ["/tokens", "/tokens?pageToken=t%2F2%20%C3%A9"]
    );
}

#[tokio::test]
async fn page_numbers_count_up_from_one_and_stop_at_an_empty_page() {
    let server = Server::start_script(vec![
        json(r#"{"results":[{"id":1},{"id":2}]}"#),
        json(r#"{"results":[{"id":3}]}"#),
        json(r#"{"results":[]}"#),
    ])
    .await;
    let pets = collect(client(&server).list_by_page().per_page(2).items())
        .await
        .unwrap();
    assert_eq!(ids(&pets), [1, 2, 3]);
    assert_eq!(
        targets(&server),
        [
            "/numbered?per_page=2",
            "/numbered?page=2&per_page=2",
            "/numbered?page=3&per_page=2"
        ]
    );
}

#[tokio::test]
async fn page_numbers_stop_where_the_spec_allows_no_further_page() {
    // `page` has `maximum: 1000`: page 1001 is never asked for.
    let server = Server::start(json(r#"{"results":[{"id":1}]}"#)).await;
    let pages = collect(
        client(&server)
            .list_by_page()
            .page(999)
            .pages()
            .into_stream(),
    )
    .await
    .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(
        targets(&server),
        ["/numbered?page=999", "/numbered?page=1000"]
    );
}

#[tokio::test]
async fn offsets_move_on_by_each_page_count_from_the_one_given() {
    let server = Server::start_script(vec![
        json(r#"[{"id":11},{"id":12},{"id":13}]"#),
        json(r#"[{"id":14}]"#),
        json(r#"[]"#),
    ])
    .await;
    let pets = collect(client(&server).list_by_offset().offset(10).limit(3).items())
        .await
        .unwrap();
    assert_eq!(ids(&pets), [11, 12, 13, 14]);
    assert_eq!(
        targets(&server),
        [
            "/offsets?offset=10&limit=3",
            "/offsets?offset=13&limit=3",
            "/offsets?offset=14&limit=3"
        ]
    );
}

#[tokio::test]
async fn link_headers_are_followed_to_the_last_page() {
    // The links name the server's own address: a free port is picked first, then the
    // server is scripted with links to itself on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let next = |page: u32| {
        format!(
            r#"<http://127.0.0.1:{port}/linked?per_page=1&page={page}>; rel="next", <http://127.0.0.1:{port}/linked?per_page=1&page=3>; rel="last""#
        )
    };
    let replies = vec![
        response(
            "200 OK",
            &[("Content-Type", "application/json"), ("Link", &next(2))],
            br#"[{"id":1}]"#,
        ),
        response(
            "200 OK",
            &[("Content-Type", "application/json"), ("Link", &next(3))],
            br#"[{"id":2}]"#,
        ),
        // The last page names no next one.
        response(
            "200 OK",
            &[
                ("Content-Type", "application/json"),
                (
                    "Link",
                    &format!(r#"<http://127.0.0.1:{port}/linked?per_page=1&page=2>; rel="prev""#),
                ),
            ],
            br#"[{"id":3}]"#,
        ),
    ];
    let server = Server::start_script_on(port, replies).await;
    let pets = collect(client(&server).list_by_link().per_page(1).items())
        .await
        .unwrap();
    assert_eq!(ids(&pets), [1, 2, 3]);
    assert_eq!(
        targets(&server),
        [
            "/linked?per_page=1",
            "/linked?per_page=1&page=2",
            "/linked?per_page=1&page=3"
        ]
    );
}

#[tokio::test]
async fn a_next_url_in_the_body_is_followed_until_it_is_null() {
    // Django REST framework's shape: `{"count", "next", "previous", "results"}`. The URL
    // wins over the `page` parameter beside it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let page = |ids: &str, next: &str| {
        json(&format!(
            r#"{{"count":3,"next":{next},"previous":null,"results":[{ids}]}}"#
        ))
    };
    let server = Server::start_script_on(
        port,
        vec![
            page(
                r#"{"id":1},{"id":2}"#,
                &format!(r#""http://127.0.0.1:{port}/drf?page=2""#),
            ),
            // An absolute path works as well.
            page(r#"{"id":3}"#, r#""/drf?page=3&x=y""#),
            page("", "null"),
        ],
    )
    .await;
    let pets = collect(client(&server).list_by_next_url().items())
        .await
        .unwrap();
    assert_eq!(ids(&pets), [1, 2, 3]);
    assert_eq!(targets(&server), ["/drf", "/drf?page=2", "/drf?page=3&x=y"]);
}

#[tokio::test]
async fn a_link_to_another_host_is_not_followed() {
    let server = Server::start(response(
        "200 OK",
        &[
            ("Content-Type", "application/json"),
            (
                "Link",
                r#"<http://elsewhere.example/linked?page=2>; rel="next""#,
            ),
        ],
        br#"[{"id":1}]"#,
    ))
    .await;
    let client = client(&server);
    let mut pages = client.list_by_link().pages();
    assert!(pages.next().await.unwrap().is_ok());
    let error = pages.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Pagination { message } if message.contains("elsewhere.example")),
        "{error}"
    );
    assert!(pages.next().await.is_none());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_repeated_cursor_stops_the_walk_with_an_error_instead_of_looping() {
    let server = Server::start_script(vec![
        json(r#"{"data":[{"id":1}],"response_metadata":{"next_cursor":"same"}}"#),
        // From here on the server hands back the cursor it was given.
        json(r#"{"data":[{"id":2}],"response_metadata":{"next_cursor":"same"}}"#),
    ])
    .await;
    let result = collect(client(&server).list_by_cursor().items()).await;
    let error = result.unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Pagination { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("already fetched"), "{error}");
    assert_eq!(
        targets(&server),
        ["/cursor", "/cursor?cursor=same"],
        "two requests, not a loop"
    );
}

#[tokio::test]
async fn an_error_page_ends_the_walk_after_the_items_before_it() {
    let server = Server::start_script(vec![
        json(r#"{"results":[{"id":1}]}"#),
        response("404 Not Found", &[], b"gone"),
    ])
    .await;
    let client = client(&server);
    let mut items = std::pin::pin!(client.list_by_page().items());
    let mut seen = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| items.as_mut().poll_next(cx)).await {
        seen.push(item.map(|pet| pet.id).map_err(|error| error.status()));
    }
    assert_eq!(
        seen,
        [Ok(1), Err(Some(fixture_pages::StatusCode::NOT_FOUND))]
    );
}

#[tokio::test]
async fn a_cursor_the_spec_does_not_allow_back_ends_the_walk() {
    // `cursor` has `maxLength: 16`: a longer one cannot be sent, so there is no next
    // page the client may ask for.
    let server = Server::start(json(
        r#"{"data":[{"id":1}],"response_metadata":{"next_cursor":"0123456789abcdefX"}}"#,
    ))
    .await;
    let pets = collect(client(&server).list_by_cursor().items())
        .await
        .unwrap();
    assert_eq!(ids(&pets), [1]);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_cursor_declared_in_the_generator_config_is_followed() {
    // `pages.codegen.toml`: `meta.after` goes back as `starting_after`, items in `hits`
    // (the body has two arrays, so no convention could pick).
    let server = Server::start_script(vec![
        json(r#"{"hits":[{"id":1}],"facets":["x"],"meta":{"after":"p2"}}"#),
        json(r#"{"hits":[{"id":2}],"facets":[],"meta":{}}"#),
    ])
    .await;
    let pets = collect(client(&server).search().items()).await.unwrap();
    assert_eq!(ids(&pets), [1, 2]);
    assert_eq!(targets(&server), ["/search", "/search?starting_after=p2"]);
}

#[test]
fn the_config_turns_a_convention_off() {
    let client = include_str!("../clients/pages/src/client.rs");
    assert!(
        client.contains("Paginated for types::ListByPageParams"),
        "the assertion below can fail"
    );
    assert!(!client.contains("Paginated for types::FeedParams"));
    assert!(!client.contains("Paginated for types::GetPetParams"));
}

const SPEC: &str = include_str!("../fixtures/specs/pages.yaml");

fn config_errors(config: &str) -> String {
    let options = codegen::Options::new("pages.yaml", "pages");
    let inputs = codegen::Inputs {
        files: None,
        overlay: None,
        config: Some(codegen::ConfigFile {
            name: "pages.codegen.toml",
            text: config,
        }),
    };
    match codegen::generate_with(SPEC, &options, &inputs) {
        Ok(_) => "generated".to_owned(),
        Err(diags) => diags.render("pages.yaml"),
    }
}

#[test]
fn every_broken_pagination_entry_is_an_error_at_its_line() {
    let cases = [
        ("no such operation", "[pagination.listAll]\nstyle = \"link\"\n"),
        ("unknown style", "[pagination.search]\nstyle = \"tokens\"\n"),
        ("cursor without a param", "[pagination.search]\nstyle = \"cursor\"\nfield = \"meta.after\"\nitems = \"hits\"\n"),
        ("param that is not a query parameter", "[pagination.search]\nstyle = \"cursor\"\nparam = \"after\"\nfield = \"meta.after\"\nitems = \"hits\"\n"),
        ("cursor field that is not there", "[pagination.search]\nstyle = \"cursor\"\nparam = \"starting_after\"\nfield = \"meta.next\"\nitems = \"hits\"\n"),
        ("cursor field that is not a string", "[pagination.search]\nstyle = \"cursor\"\nparam = \"starting_after\"\nfield = \"hits\"\nitems = \"hits\"\n"),
        ("items that are not an array", "[pagination.search]\nstyle = \"link\"\nitems = \"meta\"\n"),
        ("items left to the conventions among two arrays", "[pagination.search]\nstyle = \"link\"\n"),
        ("page number on a string parameter", "[pagination.search]\nstyle = \"page\"\nparam = \"starting_after\"\nitems = \"hits\"\n"),
    ];
    let mut text = String::new();
    for (case, config) in cases {
        let rendered = config_errors(config);
        assert_ne!(rendered, "generated", "{case}");
        text.push_str(&format!("== {case}\n{rendered}"));
    }
    insta::with_settings!({snapshot_path => "../fixtures/snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("pages-config-errors", text);
    });
}
