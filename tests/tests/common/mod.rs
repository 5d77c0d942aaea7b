//! A scripted HTTP/1.1 test server shared by the client tests (the approach of
//! `e2e_server.rs`, made reusable).
//!
//! The server listens on 127.0.0.1:0, records every connection and the exact bytes of
//! every request (request line, headers in wire order, body with chunked transfer
//! decoded), then answers each connection with a scripted raw response (or closes it
//! without answering). It is stopped with [`Server::stop`], or when dropped.
//!
//! Each test binary compiles this module on its own and uses part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the server does with a request it receives.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Writes these bytes (a whole HTTP response), then closes the connection.
    Raw(Vec<u8>),
    /// Reads the request, then closes the connection without answering.
    Close,
}

/// One request as the server read it off the wire.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The request line, e.g. `POST /pets HTTP/1.1`.
    pub request_line: String,
    /// Header names lower-cased, values as sent (trimmed), in wire order.
    pub headers: Vec<(String, String)>,
    /// The body bytes (`Content-Length` of them, or the decoded chunks).
    pub body: Vec<u8>,
    /// Whether the body came with `Transfer-Encoding: chunked`.
    pub chunked: bool,
}

impl Seen {
    /// The method of the request line.
    pub fn method(&self) -> &str {
        self.request_line.split(' ').next().unwrap_or_default()
    }

    /// The request target (path and query, exactly as sent).
    pub fn target(&self) -> &str {
        self.request_line.split(' ').nth(1).unwrap_or_default()
    }

    /// The path part of the target, exactly as sent.
    pub fn path(&self) -> &str {
        let target = self.target();
        target.split_once('?').map_or(target, |(path, _)| path)
    }

    /// The query part of the target (without `?`), exactly as sent.
    pub fn query(&self) -> Option<&str> {
        self.target().split_once('?').map(|(_, query)| query)
    }

    /// The query pairs, percent-decoded (`+` is left as it is).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query()
            .map(|query| {
                query
                    .split('&')
                    .map(|pair| {
                        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                        (percent_decode(name), percent_decode(value))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every value of header `name` (lower-case).
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The one value of header `name`; panics when it is absent or repeated.
    pub fn header(&self, name: &str) -> &str {
        match self.header_values(name).as_slice() {
            [value] => value,
            other => panic!("expected exactly one `{name}` header, got {other:?} in {self:?}"),
        }
    }

    /// Whether header `name` (lower-case) was sent at all.
    pub fn has_header(&self, name: &str) -> bool {
        !self.header_values(name).is_empty()
    }
}

/// A running server; stopped by [`Server::stop`] or on drop.
pub struct Server {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<Seen>>>,
    accept_loop: Option<JoinHandle<()>>,
}

impl Server {
    /// Listens on 127.0.0.1:0 and answers every connection with `reply`.
    pub async fn start(reply: Reply) -> Self {
        Self::start_script(vec![reply]).await
    }

    /// Listens on 127.0.0.1:0 and answers connection `n` with `replies[n]` (the last
    /// reply again once the script is used up).
    pub async fn start_script(replies: Vec<Reply>) -> Self {
        Self::start_script_on(0, replies).await
    }

    /// [`start_script`](Self::start_script) on 127.0.0.1:`port` (0: any free port).
    pub async fn start_script_on(port: u16, replies: Vec<Reply>) -> Self {
        assert!(!replies.is_empty(), "a script needs at least one reply");
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (conn_count, seen) = (connections.clone(), requests.clone());
        let accept_loop = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let index = conn_count.fetch_add(1, Ordering::SeqCst);
                let reply = replies[index.min(replies.len() - 1)].clone();
                tokio::spawn(handle(stream, reply, seen.clone()));
            }
        });
        Self {
            addr,
            connections,
            requests,
            accept_loop: Some(accept_loop),
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.requests.lock().unwrap().clone()
    }

    /// The one request received; panics unless exactly one was.
    pub fn only_request(&self) -> Seen {
        let requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:?}"
        );
        requests.into_iter().next().unwrap()
    }

    /// Stops accepting and closes the listening socket (waits until it is closed).
    pub async fn stop(mut self) {
        if let Some(accept_loop) = self.accept_loop.take() {
            accept_loop.abort();
            let _ = accept_loop.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(accept_loop) = &self.accept_loop {
            accept_loop.abort();
        }
    }
}

/// Reads one request, records it, then answers per `reply`. The request is recorded
/// before anything is written, so it is visible as soon as the client has a result.
async fn handle(mut stream: TcpStream, reply: Reply, seen: Arc<Mutex<Vec<Seen>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    seen.lock().unwrap().push(request);
    match reply {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            let _ = stream.shutdown().await;
        }
        Reply::Close => {
            let _ = stream.shutdown().await;
        }
    }
}

/// Reads more bytes into `buf`; `None` when the peer closes or fails.
async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<()> {
    let mut chunk = [0_u8; 4096];
    let n = stream.read(&mut chunk).await.ok()?;
    if n == 0 {
        return None;
    }
    buf.extend_from_slice(&chunk[..n]);
    Some(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Reads the head (up to the blank line) and the body (`Content-Length` or chunked).
/// `None` when the peer closes first. Never panics (a panic would only kill this task:
/// the tests check `Seen`).
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(pos) = find(&buf, b"\r\n\r\n") {
            break pos;
        }
        fill(stream, &mut buf).await?;
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let mut rest = buf[head_end + 4..].to_vec();
    let body = if chunked {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(pos) = find(&rest, b"\r\n") {
                    break pos;
                }
                fill(stream, &mut rest).await?;
            };
            let size_text = String::from_utf8_lossy(&rest[..line_end]).into_owned();
            let size_text = size_text.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_text, 16).ok()?;
            rest.drain(..line_end + 2);
            if size == 0 {
                break;
            }
            while rest.len() < size + 2 {
                fill(stream, &mut rest).await?;
            }
            body.extend_from_slice(&rest[..size]);
            rest.drain(..size + 2);
        }
        body
    } else {
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap_or(0));
        while rest.len() < length {
            fill(stream, &mut rest).await?;
        }
        rest
    };
    Some(Seen {
        request_line,
        headers,
        body,
        chunked,
    })
}

/// A raw HTTP/1.1 response with `Content-Length` and `Connection: close` added.
pub fn response(status_line: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut out = format!("HTTP/1.1 {status_line}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Raw(bytes)
}

/// Percent-decodes `text` (invalid escapes are kept as they are; `+` stays `+`).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(byte) = text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
