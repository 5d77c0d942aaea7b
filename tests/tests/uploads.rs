//! Uploads of the `fixture-operations` client (`tests/fixtures/specs/operations.yaml`):
//! `Upload` values from bytes, a file path (read as a stream) and a byte stream, in
//! multipart file parts (one part, and several files in one part list) and as a binary
//! body, checked byte for byte at a local server.

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::{response, Server};
use fixture_operations::runtime::{ErrorKind, RetryPolicy, Upload};
use fixture_operations::types::PutPetsUploadRequest;
use fixture_operations::Client;

fn client(server: &Server) -> Client {
    Client::new()
        .with_base_url(server.base_url())
        .with_bearer("t")
        .with_api_key("k")
        .with_timeout(Duration::from_secs(10))
}

/// The boundary a `multipart/form-data; boundary=...` content type names.
fn boundary(content_type: &str) -> String {
    content_type
        .split_once("boundary=")
        .map(|(_, boundary)| boundary.trim_matches('"').to_owned())
        .unwrap_or_else(|| panic!("no boundary in {content_type:?}"))
}

/// One multipart part as reqwest writes it.
fn part(boundary: &str, disposition: &str, content_type: Option<&str>, data: &[u8]) -> Vec<u8> {
    let mut out = format!("--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n");
    if let Some(content_type) = content_type {
        out.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// A file of `size` bytes holding every byte value, in a fresh temp directory.
fn temp_file(name: &str, size: usize) -> (std::path::PathBuf, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("uploads-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let data: Vec<u8> = (0..size).map(|index| (index % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    (path, data)
}

#[tokio::test]
async fn multipart_parts_carry_each_uploads_name_type_and_bytes_exactly() {
    let server = Server::start(response("204 No Content", &[], b"")).await;
    let (path, file_data) = temp_file("cat.png", 70_000);
    let body = PutPetsUploadRequest::new(
        Upload::bytes(&b"\x00\r\nhead\xff"[..])
            .with_file_name("notes.bin")
            .with_content_type("application/x-notes"),
    )
    .with_caption("Rex ☺")
    .with_photos([
        Upload::path(&path),
        // No file name of its own: the field name is announced.
        Upload::from(Bytes::from_static(b"second")),
    ]);
    client(&server).put_pets_upload(Some(&body)).await.unwrap();
    let seen = server.only_request();
    let boundary = boundary(seen.header("content-type"));
    let mut expected = Vec::new();
    expected.extend(part(
        &boundary,
        r#"name="file"; filename="notes.bin""#,
        Some("application/x-notes"),
        b"\x00\r\nhead\xff",
    ));
    expected.extend(part(
        &boundary,
        r#"name="caption""#,
        None,
        "Rex ☺".as_bytes(),
    ));
    // The path's last component, and the type its extension implies.
    expected.extend(part(
        &boundary,
        r#"name="photos"; filename="cat.png""#,
        Some("image/png"),
        &file_data,
    ));
    expected.extend(part(
        &boundary,
        r#"name="photos"; filename="photos""#,
        Some("application/octet-stream"),
        b"second",
    ));
    expected.extend(format!("--{boundary}--\r\n").into_bytes());
    assert_eq!(
        String::from_utf8_lossy(&seen.body),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(seen.body, expected);
    // Every length is known (the file's from its metadata): no chunked encoding.
    assert!(!seen.chunked);
    assert_eq!(seen.header("content-length"), expected.len().to_string());
}

#[tokio::test]
async fn a_binary_body_from_a_path_is_streamed_with_its_length_and_the_specs_type() {
    let server = Server::start(response("200 OK", &[("Content-Type", "text/plain")], b"ok")).await;
    let (path, data) = temp_file("photo.png", 300_000);
    let value = client(&server)
        ._1st_raw_upload(Upload::path(&path))
        .await
        .unwrap();
    assert_eq!(value.into_inner(), "ok");
    let seen = server.only_request();
    assert_eq!(seen.body, data);
    assert!(!seen.chunked, "a file's length is sent, not chunks");
    assert_eq!(seen.header("content-length"), data.len().to_string());
    // The spec names `application/octet-stream`: sent as that, whatever the extension.
    assert_eq!(seen.header("content-type"), "application/octet-stream");
}

#[tokio::test]
async fn a_stream_body_is_sent_chunked_once_and_never_replayed() {
    let server = Server::start(response("503 Service Unavailable", &[], b"busy")).await;
    let pieces: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"first ")),
        Ok(Bytes::from_static(b"second ")),
        Ok(Bytes::from_static(b"third")),
    ];
    let upload = Upload::stream(futures_stream(pieces));
    let error = client(&server)
        ._1st_raw_upload(upload)
        .retry(RetryPolicy {
            max_attempts: 4,
            retry_non_idempotent: true,
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503));
    let seen = server.only_request();
    assert_eq!(seen.body, b"first second third");
    assert!(seen.chunked, "a stream's length is not known: chunked");
}

#[tokio::test]
async fn the_same_bytes_upload_is_sent_again_on_a_retry() {
    let server = Server::start_script(vec![
        response("503 Service Unavailable", &[], b"busy"),
        response("200 OK", &[("Content-Type", "text/plain")], b"ok"),
    ])
    .await;
    let (path, data) = temp_file("retry.bin", 10_000);
    client(&server)
        ._1st_raw_upload(Upload::path(&path))
        .idempotency_key("k1")
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the file is read again for the retry");
    assert!(requests.iter().all(|seen| seen.body == data));
}

#[tokio::test]
async fn a_file_that_cannot_be_read_fails_the_call_before_anything_is_sent() {
    let server = Server::start(response("204 No Content", &[], b"")).await;
    let missing = std::env::temp_dir().join("uploads-test-no-such-file.bin");
    let error = client(&server)
        ._1st_raw_upload(Upload::path(&missing))
        .await
        .unwrap_err();
    let ErrorKind::InvalidRequest(violations) = error.kind() else {
        panic!("{error:?}");
    };
    let text = violations.to_string();
    assert!(
        text.contains("body") && text.contains("uploads-test-no-such-file.bin"),
        "{text}"
    );
    assert_eq!(server.connections(), 0);
}

/// A `Stream` of `items` without a futures dependency in the test crate.
fn futures_stream<T: Unpin + Send + 'static>(
    items: Vec<T>,
) -> impl fixture_operations::runtime::Stream<Item = T> + Send + 'static {
    struct Iter<T>(std::vec::IntoIter<T>);
    impl<T: Unpin> fixture_operations::runtime::Stream for Iter<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Iter(items.into_iter())
}
