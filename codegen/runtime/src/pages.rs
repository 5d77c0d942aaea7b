//! Pagination: the pages of a list operation, and their items, walked as streams. The
//! generated code says, per operation, where the items are and how the next page is
//! asked for ([`Paginated`]); this module sends the requests, stops at the last page,
//! and refuses to loop when a server hands back a page already fetched.

use ::std::collections::HashSet;

use ::reqwest::header::{HeaderMap, LINK};

use super::error::{Error, ErrorKind, ResponseValue};
use super::http::{call_request, Body, ClientCore, Endpoint, RequestOptions};
use super::validate::ValidationError;

/// A list operation whose responses are pages: implemented by its parameters struct.
pub trait Paginated: Endpoint + Clone {
    /// One item of a page.
    type Item;
    /// How to ask for the page after `page`, fetched with these parameters. By default,
    /// the target of its RFC 8288 `Link: <...>; rel="next"` header (the end without one).
    fn next_page(&self, page: &ResponseValue<Self::Response>) -> NextPage<Self> {
        match next_link(page.headers()) {
            Some(link) => NextPage::Link(link),
            None => NextPage::End,
        }
    }
    /// The items of a page.
    fn into_items(page: Self::Response) -> Vec<Self::Item>;
}

/// What comes after a page.
#[derive(Debug, Clone, PartialEq)]
pub enum NextPage<P> {
    /// The same call with these parameters (a cursor, a page number or an offset
    /// moved on).
    Params(P),
    /// The URL the server named (an RFC 8288 `Link: <...>; rel="next"` header, or a
    /// URL in the body), on the client's base URL.
    Link(String),
    /// That was the last page.
    End,
}

impl<P> NextPage<P> {
    /// The next page named by a URL in the body (`"next": "https://..."`, or an
    /// absolute path); the end when the text is empty or not a URL.
    pub fn body_link(link: &str) -> Self {
        let link = link.trim();
        if link.starts_with('/') || link.starts_with("http://") || link.starts_with("https://") {
            NextPage::Link(link.to_owned())
        } else {
            NextPage::End
        }
    }
}

/// The `rel="next"` target of an RFC 8288 `Link` header, if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(split_links)
        .find_map(|(target, params)| {
            params
                .iter()
                .any(|(name, value)| {
                    name.eq_ignore_ascii_case("rel")
                        && value
                            .split_ascii_whitespace()
                            .any(|rel| rel.eq_ignore_ascii_case("next"))
                })
                .then(|| target.to_owned())
        })
}

/// The links of one `Link` header value: `<target>; name="value"; ...`, comma-separated
/// (commas inside `<...>` and quoted values do not split).
fn split_links(value: &str) -> Vec<(&str, Vec<(&str, &str)>)> {
    let mut links = Vec::new();
    let mut rest = value.trim_start();
    while let Some(open) = rest.strip_prefix('<') {
        let Some(close) = open.find('>') else { break };
        let target = &open[..close];
        rest = &open[close + 1..];
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start();
            let Some(after) = rest.strip_prefix(';') else {
                break;
            };
            let after = after.trim_start();
            let name_end = after.find(['=', ';', ',']).unwrap_or(after.len());
            let name = after[..name_end].trim();
            rest = &after[name_end..];
            let mut param_value = "";
            if let Some(value) = rest.strip_prefix('=') {
                let value = value.trim_start();
                if let Some(quoted) = value.strip_prefix('"') {
                    let end = quoted.find('"').unwrap_or(quoted.len());
                    param_value = &quoted[..end];
                    rest = quoted.get(end + 1..).unwrap_or("");
                } else {
                    let end = value.find([';', ',']).unwrap_or(value.len());
                    param_value = value[..end].trim();
                    rest = &value[end..];
                }
            }
            params.push((name, param_value));
        }
        links.push((target, params));
        rest = rest.trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    links
}

/// The request of the next page.
enum Step<P> {
    Params(Result<P, ValidationError>),
    Link(P, String),
}

/// The pages of a list call, one request each ([`next`](Self::next), or
/// [`into_stream`](Self::into_stream); [`items`](Self::items) for the items of every
/// page). Each page is a [`ResponseValue`], its headers included. The walk stops after
/// the last page (no next cursor or link; an empty page for page numbers and offsets),
/// at the first error, or with [`ErrorKind::Pagination`] when the server names a next
/// page that was already fetched.
pub struct Pages<'a, P: Paginated> {
    core: &'a ClientCore,
    next: Option<Step<P>>,
    body: Option<Result<Body, ValidationError>>,
    options: RequestOptions,
    seen: HashSet<String>,
}

impl<P: Paginated> ::std::fmt::Debug for Pages<'_, P> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.debug_struct("Pages")
            .field("fetched", &self.seen.len())
            .field("done", &self.next.is_none())
            .finish_non_exhaustive()
    }
}

/// The pages of the call set up by a generated builder.
pub fn pages<P: Paginated>(
    core: &ClientCore,
    params: Result<P, ValidationError>,
    body: Option<Result<Body, ValidationError>>,
    options: RequestOptions,
) -> Pages<'_, P> {
    Pages {
        core,
        next: Some(Step::Params(params)),
        body,
        options,
        seen: HashSet::new(),
    }
}

impl<'a, P: Paginated + 'a> Pages<'a, P> {
    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<ResponseValue<P::Response>, Error<P::Error>>> {
        let op = P::operation();
        let (request, params) = match self.next.take()? {
            Step::Params(Ok(params)) => (
                call_request(Ok(params.clone()), self.body.clone()),
                Some(params),
            ),
            Step::Params(Err(error)) => (call_request::<P>(Err(error), self.body.clone()), None),
            Step::Link(params, link) => {
                let mut request = call_request(Ok(params.clone()), self.body.clone());
                match relative_link(self.core.base_url(), &link) {
                    Some((path, query)) => {
                        request.path = path;
                        request.query = query;
                    }
                    None => {
                        return Some(Err(Error::new(ErrorKind::Pagination {
                            message: format!(
                                "the next-page link `{link}` is not under the client's base URL"
                            ),
                        })
                        .in_operation(op.info())))
                    }
                }
                (request, Some(params))
            }
        };
        let mut key = request.path.clone();
        for (name, value) in &request.query {
            key.push_str(&format!("&{name}={value}"));
        }
        if !self.seen.insert(key) {
            return Some(Err(Error::new(ErrorKind::Pagination {
                message: format!(
                    "the server named page `{}` as next, which was already fetched",
                    request.path
                ),
            })
            .in_operation(op.info())));
        }
        // The options may carry an idempotency key: each page is its own request.
        let options = self.options.clone();
        let page = match self.core.call(op, request, options, P::decode).await {
            Ok(page) => page,
            Err(error) => return Some(Err(error)),
        };
        if let Some(params) = params {
            self.next = match params.next_page(&page) {
                NextPage::Params(next) => Some(Step::Params(Ok(next))),
                NextPage::Link(link) => Some(Step::Link(params, link)),
                NextPage::End => None,
            };
        }
        Some(Ok(page))
    }

    /// The pages as a `Stream`.
    pub fn into_stream(
        self,
    ) -> impl ::futures_util::Stream<Item = Result<ResponseValue<P::Response>, Error<P::Error>>> + 'a
    {
        ::futures_util::stream::unfold(self, |mut pages| async move {
            let page = pages.next().await?;
            Some((page, pages))
        })
    }

    /// The items of every page, in order, as a `Stream`.
    pub fn items(
        self,
    ) -> impl ::futures_util::Stream<Item = Result<P::Item, Error<P::Error>>> + 'a {
        use ::futures_util::StreamExt as _;
        self.into_stream().flat_map(|page| {
            let items: Vec<Result<P::Item, Error<P::Error>>> = match page {
                Ok(page) => P::into_items(page.into_inner())
                    .into_iter()
                    .map(Ok)
                    .collect(),
                Err(error) => vec![Err(error)],
            };
            ::futures_util::stream::iter(items)
        })
    }
}

/// `link` (absolute, or relative to the base URL) as a path under `base_url` and its
/// query pairs, as they are (already percent-encoded); `None` when it points elsewhere.
fn relative_link(base_url: &str, link: &str) -> Option<(String, Vec<(String, String)>)> {
    let base = ::reqwest::Url::parse(&format!("{}/", base_url.trim_end_matches('/'))).ok()?;
    let next = base.join(link).ok()?;
    if next.origin() != base.origin() {
        return None;
    }
    let prefix = base.path().trim_end_matches('/');
    let path = next.path().strip_prefix(prefix)?;
    if !path.is_empty() && !path.starts_with('/') {
        return None;
    }
    let query = next
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect();
    Some((path.to_owned(), query))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::reqwest::header::HeaderValue;

    #[test]
    fn the_next_link_is_found_among_others_whatever_the_order_and_quoting() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LINK,
            HeaderValue::from_static(
                r#"<https://api.example.com/items?page=1&a=b,c>; rel="prev", <https://api.example.com/items?page=3>; rel="next last"; title="x;y""#,
            ),
        );
        assert_eq!(
            next_link(&headers).as_deref(),
            Some("https://api.example.com/items?page=3")
        );
        headers.insert(LINK, HeaderValue::from_static("</items?page=2>; rel=next"));
        assert_eq!(next_link(&headers).as_deref(), Some("/items?page=2"));
        headers.insert(
            LINK,
            HeaderValue::from_static(r#"<https://x/a>; rel="last""#),
        );
        assert_eq!(next_link(&headers), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn a_link_is_followed_only_under_the_base_url() {
        let base = "http://127.0.0.1:8080/v1";
        assert_eq!(
            relative_link(base, "http://127.0.0.1:8080/v1/items?page=2&per_page=5"),
            Some((
                "/items".to_owned(),
                vec![
                    ("page".to_owned(), "2".to_owned()),
                    ("per_page".to_owned(), "5".to_owned())
                ]
            ))
        );
        assert_eq!(
            relative_link(base, "/v1/items?q=a%20b"),
            Some((
                "/items".to_owned(),
                vec![("q".to_owned(), "a%20b".to_owned())]
            ))
        );
        assert_eq!(relative_link(base, "http://evil.example/v1/items"), None);
        assert_eq!(relative_link(base, "http://127.0.0.1:8080/v2/items"), None);
        assert_eq!(relative_link(base, "http://127.0.0.1:8080/v1x/items"), None);
    }
}
