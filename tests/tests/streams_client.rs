//! Streamed responses of the `fixture-streams` client (`tests/fixtures/specs/streams.yaml`)
//! against a local server that writes the body in odd pieces (a field name, a `\r\n`,
//! a UTF-8 character cut in two): server-sent events typed by the schema and checked
//! one by one, JSON lines typed by `itemSchema`, raw events, and the `[DONE]` end.

use std::time::{Duration, Instant};

use fixture_streams::runtime::RetryPolicy;
use fixture_streams::types::TailLogsItemLevel;
use fixture_streams::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers one request with `content_type` and `pieces` written one at a time, a pause
/// between them, then closes (no content-length: the body ends with the connection).
async fn server(
    content_type: &'static str,
    pieces: Vec<Vec<u8>>,
) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let mut request = vec![0u8; 8192];
        let mut read = 0;
        while !request[..read].windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut request[read..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => read += n,
            }
        }
        let head =
            format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n");
        let _ = stream.write_all(head.as_bytes()).await;
        for piece in pieces {
            if stream.write_all(&piece).await.is_err() {
                return;
            }
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    });
    (url, task)
}

/// `text` cut at the given byte offsets.
fn cut(text: &[u8], at: &[usize]) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for &end in at.iter().chain(std::iter::once(&text.len())) {
        pieces.push(text[start..end].to_vec());
        start = end;
    }
    pieces
}

fn client(url: &str) -> Client {
    Client::new()
        .with_base_url(url)
        .with_retry(RetryPolicy::none())
}

#[tokio::test]
async fn server_sent_events_arrive_typed_and_checked_whatever_the_chunks() {
    let body = b": keep-alive\r\ndata: {\"n\":1}\r\n\r\nid: 2\ndata: {\"n\":\n\ndata: {\"n\":101}\n\ndata: {\"n\":3}\n\ndata: [DONE]\n\ndata: {\"n\":4}\n\n";
    // Cut inside `data`, between `\r` and `\n`, inside a JSON value.
    let (url, task) = server("text/event-stream", cut(body, &[3, 15, 29, 30, 41, 50])).await;
    let mut events = client(&url)
        .watch_ticks()
        .events()
        .await
        .expect("a 200 stream");
    assert_eq!(*events.next().await.unwrap().unwrap().n, 1);
    // `{"n":` is not a Tick; the stream goes on.
    let error = events.next().await.unwrap().expect_err("broken JSON");
    assert!(error.to_string().contains("invalid response"), "{error}");
    // `maximum: 100` is checked on each item.
    let error = events.next().await.unwrap().expect_err("101 > 100");
    assert!(error.to_string().contains("at most 100"), "{error}");
    assert_eq!(*events.next().await.unwrap().unwrap().n, 3);
    assert_eq!(events.last_event_id(), Some("2"));
    // `[DONE]` ends it: the event after it is never read.
    assert!(events.next().await.is_none());
    task.abort();
}

#[tokio::test]
async fn json_lines_arrive_typed_by_their_item_schema() {
    let body = "{\"level\":\"info\",\"message\":\"héllo\"}\r\n\n{\"level\":\"warn\",\"message\":\"two\"}\n{\"level\":\"info\",\"message\":\"last, no break\"}".as_bytes();
    // `é` is two bytes: cut between them.
    let at = body.iter().position(|b| *b == 0xC3).unwrap() + 1;
    let (url, task) = server("application/x-ndjson", cut(body, &[5, at, 40])).await;
    let mut lines = client(&url)
        .tail_logs()
        .events()
        .await
        .expect("a 200 stream");
    let first = lines.next().await.unwrap().unwrap();
    assert_eq!(
        (first.level, first.message.as_str()),
        (TailLogsItemLevel::Info, "héllo")
    );
    assert_eq!(
        lines.next().await.unwrap().unwrap().level,
        TailLogsItemLevel::Warn
    );
    assert_eq!(
        lines.next().await.unwrap().unwrap().message,
        "last, no break"
    );
    assert!(lines.next().await.is_none());
    task.abort();
}

#[tokio::test]
async fn events_without_a_schema_are_the_raw_events() {
    let body = b"event: ping\nid: a1\nretry: 250\ndata: line one\ndata: line two\n\n";
    let (url, task) = server("text/event-stream", cut(body, &[1, 2, 20])).await;
    let mut events = client(&url)
        .raw_events()
        .events()
        .await
        .expect("a 200 stream");
    let event = events.next().await.unwrap().unwrap();
    assert_eq!(event.event, "ping");
    assert_eq!(event.data, "line one\nline two");
    assert_eq!(event.id.as_deref(), Some("a1"));
    assert_eq!(event.retry, Some(Duration::from_millis(250)));
    assert!(events.next().await.is_none());
    task.abort();
}

#[tokio::test]
async fn event_throughput_against_reading_the_body_whole() {
    const EVENTS: usize = 50_000;
    let body: Vec<u8> = (0..EVENTS)
        .flat_map(|n| format!("data: {{\"n\":{}}}\n\n", n % 100).into_bytes())
        .collect();
    let pieces: Vec<Vec<u8>> = body.chunks(16 * 1024).map(<[u8]>::to_vec).collect();
    let (url, task) = server("text/event-stream", pieces.clone()).await;
    let started = Instant::now();
    let mut events = client(&url).watch_ticks().events().await.unwrap();
    let mut count = 0;
    while let Some(event) = events.next().await {
        event.unwrap();
        count += 1;
    }
    let streamed = started.elapsed();
    assert_eq!(count, EVENTS);
    task.abort();
    let (url, task) = server("text/event-stream", pieces).await;
    let started = Instant::now();
    let whole = client(&url).watch_ticks().await.unwrap().into_inner();
    let buffered = started.elapsed();
    assert_eq!(whole.len(), body.len());
    eprintln!(
        "{EVENTS} events: typed stream {:.0} ms ({:.0} events/s), body read whole {:.0} ms",
        streamed.as_secs_f64() * 1000.0,
        EVENTS as f64 / streamed.as_secs_f64(),
        buffered.as_secs_f64() * 1000.0
    );
    task.abort();
}

/// Answers connection `n` with `scripts[n]`: a head and pieces written in turn, the
/// connection then closed (mid-body, for a chunked response left unfinished). Returns
/// the request heads it read.
async fn reconnecting_server(
    scripts: Vec<Vec<Vec<u8>>>,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    tokio::task::JoinHandle<()>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heads.clone();
    let task = tokio::spawn(async move {
        for script in scripts {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut request = vec![0u8; 8192];
            let mut read = 0;
            while !request[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut request[read..]).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => read += n,
                }
            }
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request[..read]).to_ascii_lowercase());
            for piece in script {
                let _ = stream.write_all(&piece).await;
                let _ = stream.flush().await;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let _ = stream.shutdown().await;
        }
    });
    (url, heads, task)
}

/// A chunked 200 event-stream head and one chunk of `data`, the body left unfinished.
fn dropped_after(data: &[u8]) -> Vec<Vec<u8>> {
    let mut chunk = format!("{:x}\r\n", data.len()).into_bytes();
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(b"\r\n");
    vec![
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec(),
        chunk,
    ]
}

#[tokio::test]
async fn a_dropped_event_stream_reconnects_with_last_event_id_and_drops_the_cut_event() {
    let (url, heads, task) = reconnecting_server(vec![
        // `retry: 5` asks for a 5 ms wait; the second event is cut by the drop.
        dropped_after(b"retry: 5\nid: 7\ndata: {\"n\":1}\n\ndata: {\"n\":99"),
        vec![
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
                .to_vec(),
            b"id: 8\ndata: {\"n\":2}\n\n".to_vec(),
        ],
    ])
    .await;
    let client = Client::new().with_base_url(url).with_retry(RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        ..RetryPolicy::default()
    });
    let mut events = client.watch_ticks().events().await.unwrap();
    assert_eq!(*events.next().await.unwrap().unwrap().n, 1);
    // The cut `{"n":99` never surfaces; the stream goes on after reconnecting.
    assert_eq!(*events.next().await.unwrap().unwrap().n, 2);
    assert_eq!(events.last_event_id(), Some("8"));
    assert!(events.next().await.is_none());
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2);
    assert!(!heads[0].contains("last-event-id"), "{}", heads[0]);
    assert!(
        heads[1].contains("\r\nlast-event-id: 7\r\n"),
        "{}",
        heads[1]
    );
    task.abort();
}

#[tokio::test]
async fn without_retries_a_dropped_event_stream_ends_with_the_transport_error() {
    let (url, heads, task) = reconnecting_server(vec![dropped_after(
        b"id: 7\ndata: {\"n\":1}\n\ndata: {\"n\":99",
    )])
    .await;
    let mut events = client(&url).watch_ticks().events().await.unwrap();
    assert_eq!(*events.next().await.unwrap().unwrap().n, 1);
    let error = events.next().await.unwrap().expect_err("the drop");
    assert!(
        matches!(
            error.kind(),
            fixture_streams::runtime::ErrorKind::Transport { .. }
        ),
        "{error:?}"
    );
    assert!(events.next().await.is_none());
    assert_eq!(heads.lock().unwrap().len(), 1, "no reconnection");
    task.abort();
}

#[test]
fn the_item_type_can_be_mapped_to_a_type_of_the_users_by_the_generator_config() {
    let spec = include_str!("../fixtures/specs/streams.yaml");
    let options = codegen::Options::new("streams.yaml", "streams");
    let config = "[types]\n\"#/components/schemas/Tick\" = \"my_ticks::Tick\"\n\n[dependencies]\nmy_ticks = { path = \"../my_ticks\" }\n";
    let inputs = codegen::Inputs {
        files: None,
        overlay: None,
        config: Some(codegen::ConfigFile {
            name: "streams.codegen.toml",
            text: config,
        }),
    };
    let output = codegen::generate_with(spec, &options, &inputs).expect("generates");
    let file = |path: &str| {
        output
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.text.clone())
            .unwrap()
    };
    assert!(file("src/types.rs").contains("pub type Tick = ::my_ticks::Tick;"));
    let client = file("src/client.rs");
    let streaming = client
        .split("impl crate::runtime::http::Streaming for types::WatchTicksParams {")
        .nth(1)
        .expect("watch_ticks streams");
    assert!(
        streaming
            .trim_start()
            .starts_with("type Item = types::Tick;"),
        "{streaming}"
    );
    assert!(file("Cargo.toml").contains("my_ticks = { path = \"../my_ticks\" }"));
}
