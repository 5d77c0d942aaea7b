//! Streamed response bodies read as items: server-sent events (`text/event-stream`,
//! parsed by the WHATWG rules) and line-delimited JSON (`application/x-ndjson`,
//! `application/jsonl`). The parsers take the body in whatever chunks it arrives.

use ::std::time::Duration;

/// One server-sent event (or one line of a JSON-lines body, in `data`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// `event:` (`message` when the server names none).
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last `id:` seen so far in the stream (sent back as `Last-Event-ID`).
    pub id: Option<String>,
    /// The last `retry:` the server asked for.
    pub retry: Option<Duration>,
}

/// How a streamed body is cut into items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamFormat {
    /// `text/event-stream`.
    ServerSentEvents,
    /// One JSON value per line.
    JsonLines,
}

/// Cuts a body into [`Event`]s as its bytes arrive ([`push`](Self::push)), whatever the
/// chunk boundaries (a line, a `\r\n` or a UTF-8 character split across chunks).
#[derive(Debug)]
pub struct EventParser {
    format: StreamFormat,
    pending: Vec<u8>,
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    id: Option<String>,
    retry: Option<Duration>,
}

impl EventParser {
    /// A parser for `format`.
    pub fn new(format: StreamFormat) -> Self {
        Self {
            format,
            pending: Vec::new(),
            started: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            id: None,
            retry: None,
        }
    }

    /// The last event id seen (for `Last-Event-ID`).
    pub fn last_event_id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The reconnection delay the server last asked for (`retry:`).
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    /// Forgets the event being read when the connection was lost (its lines are
    /// discarded, as the WHATWG rules say); the last id and retry delay stay.
    pub fn reconnected(&mut self) {
        self.pending.clear();
        self.started = false;
        self.event.clear();
        self.data.clear();
        self.has_data = false;
    }

    /// Feeds the next bytes; returns the items they complete.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(chunk);
        if !self.started && self.pending.len() >= 3 {
            if self.pending.starts_with(b"\xEF\xBB\xBF") {
                self.pending.drain(..3);
            }
            self.started = true;
        }
        let mut events = Vec::new();
        while let Some(end) = self.pending.iter().position(|b| *b == b'\n' || *b == b'\r') {
            // A `\r` last in the buffer may be the first half of `\r\n`: wait for more.
            if self.pending[end] == b'\r' && end + 1 == self.pending.len() {
                break;
            }
            let skip = if self.pending[end] == b'\r' && self.pending.get(end + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            let line: Vec<u8> = self.pending.drain(..end + skip).take(end).collect();
            let line = String::from_utf8_lossy(&line).into_owned();
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
        }
        events
    }

    /// The end of the body: a JSON line without its line break is an item; a
    /// half-received event is dropped (WHATWG: pending data is discarded).
    pub fn finish(&mut self) -> Vec<Event> {
        let rest = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
        let rest = rest.trim_end_matches('\r');
        match self.format {
            StreamFormat::JsonLines if !rest.trim().is_empty() => vec![self.item(rest.to_owned())],
            _ => Vec::new(),
        }
    }

    fn item(&self, data: String) -> Event {
        Event {
            event: "message".to_owned(),
            data,
            id: self.id.clone(),
            retry: self.retry,
        }
    }

    fn line(&mut self, line: &str) -> Option<Event> {
        if self.format == StreamFormat::JsonLines {
            return (!line.trim().is_empty()).then(|| self.item(line.to_owned()));
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse::<u64>() {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<Event> {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        Some(Event {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.id.clone(),
            retry: self.retry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The events of `text` fed in pieces of `size` bytes.
    fn events(format: StreamFormat, text: &[u8], size: usize) -> Vec<Event> {
        let mut parser = EventParser::new(format);
        let mut out = Vec::new();
        for piece in text.chunks(size) {
            out.extend(parser.push(piece));
        }
        out.extend(parser.finish());
        out
    }

    const STREAM: &[u8] = "\u{feff}: a comment\r\nevent: greet\r\ndata: héllo\r\ndata:  two\r\nid: 7\r\nretry: 1500\r\n\r\ndata: {\"n\":1}\n\nevent: empty\n\nid: 8\rdata: cr only\r\r\ndata: cut off".as_bytes();

    #[test]
    fn server_sent_events_follow_the_whatwg_rules_at_any_chunk_boundary() {
        let whole = events(StreamFormat::ServerSentEvents, STREAM, STREAM.len());
        assert_eq!(
            whole,
            [
                Event {
                    event: "greet".into(),
                    data: "héllo\n two".into(),
                    id: Some("7".into()),
                    retry: Some(Duration::from_millis(1500)),
                },
                Event {
                    event: "message".into(),
                    data: "{\"n\":1}".into(),
                    id: Some("7".into()),
                    retry: Some(Duration::from_millis(1500)),
                },
                Event {
                    event: "message".into(),
                    data: "cr only".into(),
                    id: Some("8".into()),
                    retry: Some(Duration::from_millis(1500)),
                },
            ]
        );
        for size in 1..8 {
            assert_eq!(
                events(StreamFormat::ServerSentEvents, STREAM, size),
                whole,
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn json_lines_are_one_item_per_line_even_without_a_last_break() {
        let text = b"{\"a\":1}\r\n\n{\"a\":2}\n{\"a\":3}";
        for size in 1..5 {
            let data: Vec<String> = events(StreamFormat::JsonLines, text, size)
                .into_iter()
                .map(|e| e.data)
                .collect();
            assert_eq!(
                data,
                ["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"],
                "chunks of {size}"
            );
        }
    }
}
