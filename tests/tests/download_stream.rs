//! Downloads as streams: `Call::stream` gives a successful response's body piece by
//! piece, so memory stays flat however large the body (checked against the process's
//! peak RSS, in a test binary of its own so no other test moves it), while `.await`
//! holds it whole (the same check fails that way). A documented error status is still
//! decoded into the operation's typed error.

use std::time::{Duration, Instant};

use fixture_operations::runtime::RetryPolicy;
use fixture_operations::{Client, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CHUNK: usize = 64 * 1024;

/// Serves `GET /photos/...` with `status` and a body of `len` bytes written in 64 KiB
/// chunks (never held whole), once per connection, until dropped.
async fn server(
    status: &'static str,
    len: u64,
    content_type: &'static str,
) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = vec![0u8; 8192];
                let mut read = 0;
                while !request[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut request[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![0xA5u8; CHUNK];
                let mut left = len;
                while left > 0 {
                    let n = left.min(CHUNK as u64) as usize;
                    if stream.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    left -= n as u64;
                }
            });
        }
    });
    (url, task)
}

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn client(url: &str) -> Client {
    Client::new()
        .with_base_url(url)
        .with_retry(RetryPolicy::none())
        .with_timeout(Duration::from_secs(20))
        .with_api_key("k")
}

#[tokio::test(flavor = "current_thread")]
async fn a_large_download_streams_in_flat_memory_and_buffering_it_does_not() {
    const STREAMED: u64 = 1 << 30; // 1 GiB
    const BUFFERED: u64 = 256 << 20; // 256 MiB
    let (url, task) = server("200 OK", STREAMED, "image/png").await;
    let before = peak_rss_kib();
    let started = Instant::now();
    let mut body = client(&url)
        .get_photo("p", 1, ["a"])
        .stream()
        .await
        .expect("a 200 streams");
    assert_eq!(body.status().as_u16(), 200);
    let mut total = 0u64;
    while let Some(chunk) = body.chunk().await.expect("a chunk") {
        assert!(chunk.iter().all(|b| *b == 0xA5));
        total += chunk.len() as u64;
    }
    let elapsed = started.elapsed();
    assert_eq!(total, STREAMED);
    let streamed_growth = peak_rss_kib().saturating_sub(before);
    eprintln!(
        "streamed 1 GiB in {:.2} s ({:.0} MiB/s); peak RSS grew by {streamed_growth} KiB",
        elapsed.as_secs_f64(),
        STREAMED as f64 / (1 << 20) as f64 / elapsed.as_secs_f64()
    );
    assert!(
        streamed_growth < 64 * 1024,
        "streaming 1 GiB grew the peak RSS by {streamed_growth} KiB"
    );
    task.abort();

    // The same check catches a body held whole.
    let (url, task) = server("200 OK", BUFFERED, "image/png").await;
    let before = peak_rss_kib();
    let whole = client(&url).get_photo("p", 1, ["a"]).await.expect("a 200");
    assert_eq!(whole.into_inner().len() as u64, BUFFERED);
    let buffered_growth = peak_rss_kib().saturating_sub(before);
    eprintln!("buffered 256 MiB: peak RSS grew by {buffered_growth} KiB");
    assert!(buffered_growth > 200 * 1024, "{buffered_growth} KiB");
    task.abort();
}

#[tokio::test]
async fn a_documented_error_status_is_decoded_not_streamed() {
    let (url, task) = server("404 Not Found", 0, "application/json").await;
    let error = client(&url)
        .get_photo("p", 1, ["a"])
        .stream()
        .await
        .expect_err("404 is an error");
    // An empty body does not parse as the documented `Problem`: the typed decoding ran.
    assert!(
        matches!(error.kind(), ErrorKind::InvalidResponse { status, .. } if status.as_u16() == 404),
        "{error:?}"
    );
    task.abort();
}
