//! The HTTP side of a live fetch: one `reqwest` client, bounded concurrency, retries with
//! `Retry-After` and capped exponential backoff, `@odata.nextLink`/`nextLink` paging, and Graph
//! JSON batching (`/$batch`, 20 sub-requests each, throttled sub-requests retried in a later
//! batch). Everything that is not a complete, well-formed answer is a [`LiveError`].

use super::LiveError;
use super::auth::{Api, Tokens};
use serde_json::{Map, Value};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Graph's limit of sub-requests per `$batch`.
pub const BATCH_SIZE: usize = 20;
/// The largest response body read (a bigger one is an error, never a partial read).
const MAX_BODY: usize = 256 << 20;
/// The most pages one list may have (a server that pages forever is an error).
const MAX_PAGES: usize = 100_000;

/// What an endpoint is, for messages: what it reads and the permission it needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Endpoint {
    pub what: &'static str,
    pub permission: &'static str,
}

/// How hard to try.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries of a throttled or failed request before the fetch fails.
    pub max_retries: u32,
    /// First backoff; doubles each retry.
    pub retry_base: Duration,
    /// The longest wait between two attempts (also caps `Retry-After`).
    pub retry_cap: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency: 8,
            timeout: Duration::from_secs(60),
            max_retries: 6,
            retry_base: Duration::from_millis(500),
            retry_cap: Duration::from_secs(60),
        }
    }
}

/// Counts of what a fetch did.
#[derive(Debug, Default)]
pub struct Counters {
    /// HTTP requests sent (a `$batch` is one).
    pub requests: AtomicU64,
    /// `$batch` requests among them.
    pub batches: AtomicU64,
    /// Sub-requests carried by batches.
    pub sub_requests: AtomicU64,
    /// Follow-up pages fetched.
    pub pages: AtomicU64,
    /// Retries (whole requests and throttled sub-requests).
    pub retries: AtomicU64,
}

pub(crate) struct Http {
    client: reqwest::Client,
    tokens: Tokens,
    graph: String,
    arm: String,
    sem: Semaphore,
    limits: Limits,
    pub counters: Counters,
    progress: Option<indicatif::ProgressBar>,
    secrets: Vec<String>,
}

enum Attempt {
    Done(Value),
    Retry {
        after: Option<Duration>,
        why: String,
    },
}

impl Http {
    pub(crate) fn new(
        tokens: Tokens,
        graph: &str,
        arm: &str,
        limits: Limits,
        progress: Option<indicatif::ProgressBar>,
    ) -> Result<Http, LiveError> {
        let client = reqwest::Client::builder()
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout.min(Duration::from_secs(30)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("pim-lint/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| LiveError::new("HTTP client", e.to_string()))?;
        for (name, url) in [("--graph-url", graph), ("--arm-url", arm)] {
            check_base(name, url)?;
        }
        let secrets = tokens.static_texts();
        Ok(Http {
            client,
            tokens,
            graph: graph.trim_end_matches('/').to_owned(),
            arm: arm.trim_end_matches('/').to_owned(),
            sem: Semaphore::new(limits.concurrency.max(1)),
            limits,
            counters: Counters::default(),
            progress,
            secrets,
        })
    }

    /// `{graph}/v1.0{path}`.
    pub(crate) fn graph_url(&self, path: &str) -> String {
        format!("{}/v1.0{path}", self.graph)
    }

    /// `{arm}{path}`.
    pub(crate) fn arm_url(&self, path: &str) -> String {
        format!("{}{path}", self.arm)
    }

    pub(crate) fn secrets(&self) -> &[String] {
        &self.secrets
    }

    fn base(&self, api: Api) -> &str {
        match api {
            Api::Graph => &self.graph,
            Api::Arm => &self.arm,
        }
    }

    fn tick(&self) {
        if let Some(p) = &self.progress {
            p.inc(1);
        }
    }

    fn backoff(&self, attempt: u32, after: Option<Duration>) -> Duration {
        let exp = self
            .limits
            .retry_base
            .saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX));
        after.unwrap_or(exp).min(self.limits.retry_cap)
    }

    /// One request with retries: 429, 500, 502, 503, 504, timeouts and dropped connections are
    /// retried (waiting `Retry-After` when given, else backing off), anything else fails.
    pub(crate) async fn send(
        &self,
        api: Api,
        method: reqwest::Method,
        url: &str,
        body: Option<&Value>,
        ep: Endpoint,
    ) -> Result<Value, LiveError> {
        let mut last = String::new();
        for attempt in 0..=self.limits.max_retries {
            if attempt > 0 {
                self.counters.retries.fetch_add(1, Ordering::Relaxed);
            }
            match self.attempt(api, method.clone(), url, body, ep).await? {
                Attempt::Done(v) => return Ok(v),
                Attempt::Retry { after, why } => {
                    last = why;
                    if attempt < self.limits.max_retries {
                        tokio::time::sleep(self.backoff(attempt, after)).await;
                    }
                }
            }
        }
        Err(LiveError::new(
            ep.what,
            format!(
                "{last} (still failing after {} attempts: {})",
                self.limits.max_retries + 1,
                redact_url(url)
            ),
        )
        .scrubbed(&self.secrets))
    }

    async fn attempt(
        &self,
        api: Api,
        method: reqwest::Method,
        url: &str,
        body: Option<&Value>,
        ep: Endpoint,
    ) -> Result<Attempt, LiveError> {
        let token = self.tokens.get(api).await?;
        let header = token.header()?;
        let _permit = self
            .sem
            .acquire()
            .await
            .map_err(|_| LiveError::new(ep.what, "the fetch was shut down"))?;
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        self.tick();
        let mut req = self
            .client
            .request(method, url)
            .header(reqwest::header::AUTHORIZATION, header)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(b).map_err(|e| LiveError::new(ep.what, e.to_string()))?);
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                return Ok(Attempt::Retry {
                    after: None,
                    why: transport_error(&e),
                });
            }
        };
        let status = resp.status().as_u16();
        let after = retry_after(resp.headers());
        let bytes = match read_limited(resp).await {
            Ok(b) => b,
            Err(why) if why.starts_with("response body larger") => {
                return Err(LiveError::new(ep.what, why));
            }
            Err(why) => return Ok(Attempt::Retry { after: None, why }),
        };
        if (200..300).contains(&status) {
            return parse_body(&bytes, ep, url).map(Attempt::Done);
        }
        if matches!(status, 429 | 500 | 502 | 503 | 504) {
            return Ok(Attempt::Retry {
                after,
                why: format!("HTTP {status}{}", service_error(&bytes)),
            });
        }
        Err(self.refusal(api, status, &bytes, ep, url))
    }

    /// A final, non-retryable answer, with what to do about it.
    fn refusal(&self, api: Api, status: u16, body: &[u8], ep: Endpoint, url: &str) -> LiveError {
        let why = format!(
            "HTTP {status}{} from {}",
            service_error(body),
            redact_url(url)
        );
        let e = LiveError::new(ep.what, why);
        let e = match status {
            401 => e.hint(match api {
                Api::Graph => {
                    "the token was rejected (expired, or issued for another resource): sign in \
                     again (`az login`) or put a fresh Graph token in PIM_LINT_TOKEN \
                     (`az account get-access-token --resource https://graph.microsoft.com`)"
                }
                Api::Arm => {
                    "the token was rejected (expired, or issued for another resource): sign in \
                     again (`az login`) or put a fresh ARM token in PIM_LINT_ARM_TOKEN \
                     (`az account get-access-token --resource https://management.azure.com`)"
                }
            }),
            403 => e.hint(format!("the caller needs {}", ep.permission)),
            _ => e,
        };
        e.scrubbed(&self.secrets)
    }

    /// Every item of a list, following `@odata.nextLink` (Graph) or `nextLink` (ARM). A next
    /// link must stay on the same service (the token is never sent elsewhere).
    pub(crate) async fn list(
        &self,
        api: Api,
        url: String,
        ep: Endpoint,
    ) -> Result<Vec<Value>, LiveError> {
        let first = self.send(api, reqwest::Method::GET, &url, None, ep).await?;
        let mut items = Vec::new();
        let mut next = take_page(first, &mut items, ep, &url)?;
        self.follow(api, &mut next, &mut items, ep).await?;
        Ok(items)
    }

    async fn follow(
        &self,
        api: Api,
        next: &mut Option<String>,
        items: &mut Vec<Value>,
        ep: Endpoint,
    ) -> Result<(), LiveError> {
        let mut seen = std::collections::HashSet::new();
        while let Some(url) = next.take() {
            if !same_origin(&url, self.base(api)) {
                return Err(LiveError::new(
                    ep.what,
                    format!(
                        "the service returned a next page on another host ({}); not following it",
                        redact_url(&url)
                    ),
                ));
            }
            if !seen.insert(url.clone()) || seen.len() > MAX_PAGES {
                return Err(LiveError::new(ep.what, "the service's paging never ends"));
            }
            self.counters.pages.fetch_add(1, Ordering::Relaxed);
            let page = self.send(api, reqwest::Method::GET, &url, None, ep).await?;
            *next = take_page(page, items, ep, &url)?;
        }
        Ok(())
    }

    /// Graph lists read through JSON batching: `paths` are relative to `/v1.0`, at most
    /// [`BATCH_SIZE`] per `$batch`, batches run concurrently. A throttled or failed sub-request
    /// goes into the next round (waiting the longest `Retry-After` of the round); a sub-response
    /// with a next link is followed with direct requests. Results are in the order of `paths`.
    pub(crate) async fn batch_lists(
        self: &Arc<Self>,
        paths: Vec<(String, Endpoint)>,
    ) -> Result<Vec<Vec<Value>>, LiveError> {
        let mut set = tokio::task::JoinSet::new();
        let chunks: Vec<Vec<(usize, String, Endpoint)>> = paths
            .into_iter()
            .enumerate()
            .map(|(i, (p, e))| (i, p, e))
            .collect::<Vec<_>>()
            .chunks(BATCH_SIZE)
            .map(<[_]>::to_vec)
            .collect();
        let total: usize = chunks.iter().map(Vec::len).sum();
        for chunk in chunks {
            let me = Arc::clone(self);
            set.spawn(async move { me.batch_chunk(chunk).await });
        }
        let mut out: Vec<Vec<Value>> = vec![Vec::new(); total];
        while let Some(joined) = set.join_next().await {
            let done = joined
                .map_err(|e| LiveError::new("a batch of Graph requests", e.to_string()))??;
            for (i, items) in done {
                if let Some(slot) = out.get_mut(i) {
                    *slot = items;
                }
            }
        }
        Ok(out)
    }

    async fn batch_chunk(
        &self,
        chunk: Vec<(usize, String, Endpoint)>,
    ) -> Result<Vec<(usize, Vec<Value>)>, LiveError> {
        let batch_ep = Endpoint {
            what: "Graph $batch",
            permission: "the permissions of the requests it carries",
        };
        let url = self.graph_url("/$batch");
        let mut pending = chunk;
        let mut done = Vec::new();
        let mut round = 0u32;
        while !pending.is_empty() {
            let requests: Vec<Value> = pending
                .iter()
                .map(|(i, path, _)| {
                    let mut m = Map::new();
                    m.insert("id".into(), Value::String(i.to_string()));
                    m.insert("method".into(), Value::String("GET".into()));
                    m.insert("url".into(), Value::String(path.clone()));
                    Value::Object(m)
                })
                .collect();
            let mut body = Map::new();
            body.insert("requests".into(), Value::Array(requests));
            self.counters.batches.fetch_add(1, Ordering::Relaxed);
            self.counters
                .sub_requests
                .fetch_add(pending.len() as u64, Ordering::Relaxed);
            let resp = self
                .send(
                    Api::Graph,
                    reqwest::Method::POST,
                    &url,
                    Some(&Value::Object(body)),
                    batch_ep,
                )
                .await?;
            let responses = resp
                .get("responses")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    LiveError::new(batch_ep.what, "the response has no `responses` list")
                })?;
            let mut by_id = std::collections::HashMap::new();
            for r in responses {
                if let Some(id) = r.get("id").and_then(Value::as_str) {
                    by_id.insert(id.to_owned(), r);
                }
            }
            let mut again = Vec::new();
            let mut wait: Option<Duration> = None;
            let mut last = String::new();
            for (i, path, ep) in pending {
                let Some(r) = by_id.get(&i.to_string()) else {
                    return Err(LiveError::new(
                        ep.what,
                        format!("the $batch response has no answer for request {i} ({path})"),
                    ));
                };
                let status = r
                    .get("status")
                    .and_then(Value::as_u64)
                    .and_then(|s| u16::try_from(s).ok())
                    .unwrap_or(0);
                let sub_body = r.get("body").cloned().unwrap_or(Value::Null);
                if (200..300).contains(&status) {
                    let mut items = Vec::new();
                    let here = self.graph_url(&path);
                    let mut next = take_page(sub_body, &mut items, ep, &here)?;
                    self.follow(Api::Graph, &mut next, &mut items, ep).await?;
                    done.push((i, items));
                } else if matches!(status, 429 | 500 | 502 | 503 | 504) {
                    let after = r
                        .get("headers")
                        .and_then(Value::as_object)
                        .and_then(|h| {
                            h.iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
                                .and_then(|(_, v)| match v {
                                    Value::String(s) => s.trim().parse::<u64>().ok(),
                                    Value::Number(n) => n.as_u64(),
                                    _ => None,
                                })
                        })
                        .map(Duration::from_secs);
                    wait = wait.max(after);
                    last = format!("HTTP {status}{}", service_error_value(&sub_body));
                    again.push((i, path, ep));
                } else {
                    let bytes = serde_json::to_vec(&sub_body).unwrap_or_default();
                    return Err(self.refusal(
                        Api::Graph,
                        status,
                        &bytes,
                        ep,
                        &self.graph_url(&path),
                    ));
                }
            }
            if !again.is_empty() {
                if round >= self.limits.max_retries {
                    let what = again.first().map_or(batch_ep.what, |(_, _, e)| e.what);
                    return Err(LiveError::new(
                        what,
                        format!(
                            "{last} (a batched request still failing after {} attempts)",
                            round + 1
                        ),
                    ));
                }
                self.counters
                    .retries
                    .fetch_add(again.len() as u64, Ordering::Relaxed);
                tokio::time::sleep(self.backoff(round, wait)).await;
                round += 1;
            }
            pending = again;
        }
        Ok(done)
    }
}

/// Moves a page's `value` items into `items`; returns its next link. A page without a `value`
/// list is not a list response: an error, not an empty list.
fn take_page(
    page: Value,
    items: &mut Vec<Value>,
    ep: Endpoint,
    url: &str,
) -> Result<Option<String>, LiveError> {
    let Value::Object(mut m) = page else {
        return Err(LiveError::new(
            ep.what,
            format!("{} did not answer with a JSON object", redact_url(url)),
        ));
    };
    match m.remove("value") {
        Some(Value::Array(v)) => items.extend(v),
        _ => {
            return Err(LiveError::new(
                ep.what,
                format!("the answer of {} has no `value` list", redact_url(url)),
            ));
        }
    }
    let next = m
        .remove("@odata.nextLink")
        .or_else(|| m.remove("nextLink"))
        .and_then(|v| v.as_str().map(str::to_owned))
        .filter(|s| !s.is_empty());
    Ok(next)
}

fn parse_body(bytes: &[u8], ep: Endpoint, url: &str) -> Result<Value, LiveError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let kind = if e.is_eof() { "truncated" } else { "malformed" };
        LiveError::new(
            ep.what,
            format!(
                "the answer of {} is {kind} JSON ({e}; {} bytes)",
                redact_url(url),
                bytes.len()
            ),
        )
    })
}

async fn read_limited(mut resp: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                if out.len() + c.len() > MAX_BODY {
                    return Err(format!("response body larger than {} MiB", MAX_BODY >> 20));
                }
                out.extend_from_slice(&c);
            }
            Ok(None) => return Ok(out),
            Err(e) => {
                return Err(format!(
                    "the connection broke mid-answer ({})",
                    transport_error(&e)
                ));
            }
        }
    }
}

fn transport_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "the request failed"
    };
    // The innermost cause says what happened (reqwest's own text repeats the URL, which the
    // caller shows once, redacted).
    let mut cause: &dyn std::error::Error = e;
    let mut depth = 0;
    while let Some(s) = cause.source() {
        if depth > 8 {
            break;
        }
        cause = s;
        depth += 1;
    }
    if depth == 0 {
        kind.to_owned()
    } else {
        format!("{kind}: {cause}")
    }
}

/// `Retry-After` in seconds (an HTTP date is left to the backoff).
fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    h.get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// ` (Code: message)` from a Graph or ARM error body, shortened; empty when there is none.
fn service_error(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .map(|v| service_error_value(&v))
        .unwrap_or_default()
}

fn service_error_value(v: &Value) -> String {
    let Some(err) = v.get("error") else {
        return String::new();
    };
    let code = err.get("code").and_then(Value::as_str).unwrap_or("");
    let message = err.get("message").and_then(Value::as_str).unwrap_or("");
    let mut message: String = message.chars().take(300).collect();
    if message.len()
        < err
            .get("message")
            .and_then(Value::as_str)
            .map_or(0, str::len)
    {
        message.push('…');
    }
    match (code.is_empty(), message.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" ({code})"),
        (true, false) => format!(" ({message})"),
        (false, false) => format!(" ({code}: {message})"),
    }
}

/// A URL as shown: the query's `$skiptoken` and anything secret-looking cut.
pub(crate) fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        None => url.to_owned(),
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .map(|kv| {
                    let key = kv.split('=').next().unwrap_or("").to_ascii_lowercase();
                    if key.contains("token")
                        || key.contains("sig")
                        || key.contains("secret")
                        || key.contains("code")
                    {
                        "…"
                    } else {
                        kv
                    }
                })
                .collect();
            format!("{path}?{}", kept.join("&"))
        }
    }
}

/// A base URL the token may be sent to: HTTPS, or plain HTTP to this machine only (a local
/// test server); never a bearer token in clear text over a network.
fn check_base(name: &str, url: &str) -> Result<(), LiveError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| LiveError::new(name, format!("`{url}` is not a URL ({e})")))?;
    let host = parsed.host_str().unwrap_or("");
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(LiveError::new(
            name,
            format!("`{url}`: tokens are sent over HTTPS only (plain HTTP only to this machine)"),
        )),
    }
}

/// Whether `url` is on the same scheme, host and port as `base`.
fn same_origin(url: &str, base: &str) -> bool {
    match (reqwest::Url::parse(url), reqwest::Url::parse(base)) {
        (Ok(a), Ok(b)) => {
            a.scheme() == b.scheme()
                && a.host_str().map(str::to_ascii_lowercase)
                    == b.host_str().map(str::to_ascii_lowercase)
                && a.port_or_known_default() == b.port_or_known_default()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_stay_on_the_service() {
        assert!(same_origin(
            "https://graph.microsoft.com/v1.0/users?$skiptoken=x",
            "https://graph.microsoft.com"
        ));
        assert!(!same_origin(
            "https://evil.example/v1.0/users",
            "https://graph.microsoft.com"
        ));
        assert!(!same_origin("http://127.0.0.1:81/x", "http://127.0.0.1:80"));
    }

    #[test]
    fn tokens_go_over_https_or_to_this_machine() {
        assert!(check_base("g", "https://graph.microsoft.us").is_ok());
        assert!(check_base("g", "http://127.0.0.1:8080").is_ok());
        assert!(check_base("g", "http://localhost:1").is_ok());
        assert!(check_base("g", "http://graph.example.com").is_err());
        assert!(check_base("g", "ftp://127.0.0.1").is_err());
        assert!(check_base("g", "not a url").is_err());
    }

    #[test]
    fn urls_lose_their_skip_tokens() {
        assert_eq!(
            redact_url("https://g/v1.0/users?$top=999&$skiptoken=abc"),
            "https://g/v1.0/users?$top=999&…"
        );
    }

    #[test]
    fn service_errors_are_short() {
        let long = "x".repeat(1000);
        let body = format!(r#"{{"error":{{"code":"C","message":"{long}"}}}}"#);
        let s = service_error(body.as_bytes());
        assert!(s.starts_with(" (C: xxx"));
        assert!(s.chars().count() < 320);
    }
}
