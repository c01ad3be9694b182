//! A local mock Entra/Azure tenant: Microsoft Graph v1.0 and ARM (api-version 2020-10-01) PIM
//! endpoints over plain HTTP/1.1 on `127.0.0.1:0`, for the live client's integration tests and
//! benchmark. Include it from a test crate with
//! `#[path = "support/mock/mod.rs"] mod mock;` (std only, plus `serde_json`).
//!
//! # Data
//! `MockTenant::generate(Spec { roles, groups, users, approver_groups, arm_scopes, seed })`
//! builds a deterministic tenant (same spec → same bytes; `tenant.snapshot()` is all of it as one
//! JSON string). Fields are public: adjust them before starting the server. Shapes follow
//! `fixtures/corpus/` and `fixtures/demo/`:
//! - directory roles: real template ids for the first 20 (Global Administrator first), then
//!   custom roles; one policy assignment each, `policy` + 17 `rules` expanded. Roles 1..=5 get
//!   one weakness each (approval-off, no-mfa, long-activation PT24H, permanent-eligibility,
//!   no-justification), role 0 none, later roles a random one; `tenant.weaknesses` maps the
//!   role id (ARM: `"{scope}|{role guid}"`) to its weakness. Approval rules name an approver
//!   group (`#microsoft.graph.groupMembers`), or user 0 when there are no approver groups.
//! - groups: the first `approver_groups` are `PIM-Approvers-{i}` (the last one empty when there
//!   are 2+), the next two `Role-Holders-{i}` are role-assignable and hold directory roles;
//!   every group has member + owner PIM for Groups policies; every 7th group nests the previous.
//! - users: the first two are break-glass accounts with permanent `Assigned` instances of role
//!   0; every 10th is an `adm-` twin sharing the previous user's employeeId.
//! - role eligibility schedules / assignment schedule instances (`principal` expanded), role
//!   assignment schedule requests (`selfActivate`, `PendingApproval` on Nov 25-28 2026,
//!   `Provisioned` earlier), the PIM for Groups equivalents by group id, ARM subscriptions and,
//!   per scope, policies, policy assignments, eligibility schedules and schedule instances for 7
//!   Azure built-in roles (Owner, Contributor, UAA, RBAC Admin, Reader, VM Contributor, Key
//!   Vault Administrator).
//!
//! # Server
//! `MockServer::start(tenant, Faults::none())`, or `start_with(tenant, faults, Options {..})`
//! for tokens / page sizes / client secret. `base_url()` is `http://127.0.0.1:{port}`
//! (Graph under `{base}/v1.0`, ARM at the root, token at `{base}/{tenant}/oauth2/v2.0/token`).
//! The server stops (and closes keep-alive connections) on drop. The token endpoint takes a
//! client-credentials form and answers the ARM token for a `management.azure.com` scope, the
//! Graph token for any other (401 `invalid_client` when `options.client_secret` differs).
//! - Auth: `Authorization: Bearer {options.graph_token}` on `/v1.0/...`, `{options.arm_token}`
//!   elsewhere (defaults [`GRAPH_TOKEN`], [`ARM_TOKEN`]); otherwise 401 with Graph's
//!   `InvalidAuthenticationToken` body (or ARM's). `faults.expired` → 401 "Lifetime validation
//!   failed, the token is expired." (ARM: `ExpiredAuthenticationToken`). `faults.deny(..)` →
//!   403 `Authorization_RequestDenied` (ARM: `AuthorizationFailed`). An ARM scope that is not in
//!   the spec → 403 `AuthorizationFailed`.
//! - Paging: every list, page size `min(options.graph_page_size, $top)` (Graph, default 100)
//!   or `options.arm_page_size` (ARM, default 50); `@odata.nextLink` / `nextLink` are absolute
//!   urls on this server with an opaque `$skiptoken` / `$skipToken`, also in `$batch` bodies.
//! - `POST /v1.0/$batch`: up to 20 sub-requests (more, none, duplicate ids or bad JSON → 400),
//!   each served by the same router as a direct GET (relative url, no `/v1.0`); sub-requests
//!   get their own faults (not truncation) and are recorded with `in_batch: true`.
//! - `$expand` matters: without `policy($expand=rules)` the policy (or its rules) is left out,
//!   without `principal` the principal is; `$select` projects users, groups and members.
//!   Filters are matched loosely: `scopeId eq '..'`, `scopeType eq '..'`, `groupId eq '..'`,
//!   `status eq '..'`, `principalId eq '..'`, `roleDefinitionId eq '..'`,
//!   `createdDateTime ge ..` (and / or). Queries decode `%XX` and `+`.
//! - Faults: `Faults::none().throttle(target, times, retry_after_secs).error(target, times)
//!   .error_forever(target).unavailable(target, times).truncate(target, times)
//!   .latency(Duration)`; a target is an [`EndpointKind`] or a path substring (`&str`). The
//!   first matching fault with turns left is used.
//! - Recording: `requests()` lists every request (`method`, `path`, decoded `query`, `kind`,
//!   `batch_size` for `$batch`, `in_batch`, `status`); `count(kind)` counts HTTP requests,
//!   `count_with_batched(kind)` also sub-requests; `clear_requests()`.

#![allow(dead_code, unused_imports, clippy::unwrap_used, clippy::expect_used)]

mod router;
mod tenant;

pub use tenant::{ArmScope, DEFAULT_SUBSCRIPTION, MockTenant, Spec};

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// The Graph token the server accepts by default.
pub const GRAPH_TOKEN: &str = "mock-graph-token";
/// The ARM token the server accepts by default.
pub const ARM_TOKEN: &str = "mock-arm-token";

/// What an endpoint serves; faults and counts are per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointKind {
    Token,
    Batch,
    DirectoryPolicyAssignments,
    GroupPolicyAssignments,
    RoleDefinitions,
    RoleEligibilitySchedules,
    RoleAssignmentScheduleInstances,
    RoleAssignmentScheduleRequests,
    Users,
    Groups,
    TransitiveMembers,
    GroupEligibilitySchedules,
    GroupAssignmentScheduleInstances,
    GroupAssignmentScheduleRequests,
    ArmSubscriptions,
    ArmManagementGroups,
    ArmPolicies,
    ArmPolicyAssignments,
    ArmEligibilitySchedules,
    ArmAssignmentScheduleInstances,
    Unknown,
}

/// Which requests a fault (or a denial) applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Kind(EndpointKind),
    /// A substring of the decoded path (case-insensitive).
    Path(String),
}

impl From<EndpointKind> for Target {
    fn from(k: EndpointKind) -> Self {
        Target::Kind(k)
    }
}

impl From<&str> for Target {
    fn from(s: &str) -> Self {
        Target::Path(s.to_string())
    }
}

impl Target {
    fn matches(&self, kind: EndpointKind, path: &str) -> bool {
        match self {
            Target::Kind(k) => *k == kind,
            Target::Path(p) => path.to_ascii_lowercase().contains(&p.to_ascii_lowercase()),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 with `Retry-After: {secs}`.
    Throttle { retry_after_secs: u64 },
    /// 500 `InternalServerError`.
    Error,
    /// 503 `ServiceUnavailable`.
    Unavailable,
    /// The normal response, cut mid-way (Content-Length matches the cut body). Direct requests
    /// only; inside `$batch` it is skipped.
    Truncated,
}

#[derive(Clone, Debug)]
pub struct Fault {
    pub target: Target,
    pub kind: FaultKind,
    /// `None`: forever.
    pub times: Option<usize>,
}

/// Injected failures and conditions.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub faults: Vec<Fault>,
    /// Added before every response.
    pub latency: Duration,
    /// Every otherwise valid token is reported as expired.
    pub expired: bool,
    /// Requests that lack a permission: 403.
    pub denied: Vec<Target>,
}

impl Faults {
    pub fn none() -> Self {
        Faults::default()
    }
    fn push(mut self, target: impl Into<Target>, kind: FaultKind, times: Option<usize>) -> Self {
        self.faults.push(Fault {
            target: target.into(),
            kind,
            times,
        });
        self
    }
    /// `times` × 429 with `Retry-After: {retry_after_secs}`.
    pub fn throttle(self, target: impl Into<Target>, times: usize, retry_after_secs: u64) -> Self {
        self.push(
            target,
            FaultKind::Throttle { retry_after_secs },
            Some(times),
        )
    }
    /// `times` × 500, then success.
    pub fn error(self, target: impl Into<Target>, times: usize) -> Self {
        self.push(target, FaultKind::Error, Some(times))
    }
    /// 500 forever.
    pub fn error_forever(self, target: impl Into<Target>) -> Self {
        self.push(target, FaultKind::Error, None)
    }
    /// `times` × 503.
    pub fn unavailable(self, target: impl Into<Target>, times: usize) -> Self {
        self.push(target, FaultKind::Unavailable, Some(times))
    }
    /// `times` × a truncated body.
    pub fn truncate(self, target: impl Into<Target>, times: usize) -> Self {
        self.push(target, FaultKind::Truncated, Some(times))
    }
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
    pub fn expired(mut self) -> Self {
        self.expired = true;
        self
    }
    pub fn deny(mut self, target: impl Into<Target>) -> Self {
        self.denied.push(target.into());
        self
    }
}

/// Server settings other than faults.
#[derive(Clone, Debug)]
pub struct Options {
    pub graph_token: String,
    pub arm_token: String,
    pub graph_page_size: usize,
    pub arm_page_size: usize,
    /// When set, the token endpoint requires this `client_secret`.
    pub client_secret: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            graph_token: GRAPH_TOKEN.to_string(),
            arm_token: ARM_TOKEN.to_string(),
            graph_page_size: 100,
            arm_page_size: 50,
            client_secret: None,
        }
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Decoded path (`/v1.0/users`, `/subscriptions/...`).
    pub path: String,
    /// Decoded query (`$filter=scopeId eq '/' and ...&$expand=...`).
    pub query: String,
    pub kind: EndpointKind,
    /// Number of sub-requests, for `$batch`.
    pub batch_size: Option<usize>,
    /// A `$batch` sub-request.
    pub in_batch: bool,
    /// The status the server answered with.
    pub status: u16,
}

pub(crate) struct State {
    pub(crate) tenant: MockTenant,
    pub(crate) faults: Faults,
    pub(crate) options: Options,
    pub(crate) base: String,
    log: Mutex<Vec<RecordedRequest>>,
    remaining: Mutex<Vec<Option<usize>>>,
    /// Open connections (by number), closed on drop.
    streams: Mutex<BTreeMap<u64, TcpStream>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    pub(crate) fn record(&self, r: RecordedRequest) {
        lock(&self.log).push(r);
    }

    /// The fault to apply to this request, if any (consumes one turn).
    pub(crate) fn take_fault(
        &self,
        kind: EndpointKind,
        path: &str,
        in_batch: bool,
    ) -> Option<FaultKind> {
        let mut remaining = lock(&self.remaining);
        for (i, f) in self.faults.faults.iter().enumerate() {
            if !f.target.matches(kind, path) || (in_batch && f.kind == FaultKind::Truncated) {
                continue;
            }
            match &mut remaining[i] {
                None => return Some(f.kind),
                Some(0) => continue,
                Some(n) => {
                    *n -= 1;
                    return Some(f.kind);
                }
            }
        }
        None
    }

    pub(crate) fn denied(&self, kind: EndpointKind, path: &str) -> bool {
        self.faults.denied.iter().any(|t| t.matches(kind, path))
    }
}

/// A running mock server; stops on drop.
pub struct MockServer {
    state: Arc<State>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl MockServer {
    pub fn start(tenant: MockTenant, faults: Faults) -> MockServer {
        MockServer::start_with(tenant, faults, Options::default())
    }

    pub fn start_with(tenant: MockTenant, faults: Faults, options: Options) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let remaining = faults.faults.iter().map(|f| f.times).collect();
        let state = Arc::new(State {
            tenant,
            faults,
            options,
            base: format!("http://{addr}"),
            log: Mutex::new(Vec::new()),
            remaining: Mutex::new(remaining),
            streams: Mutex::new(BTreeMap::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let state = Arc::clone(&state);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for (n, conn) in (0u64..).zip(listener.incoming()) {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    if let Ok(clone) = stream.try_clone() {
                        lock(&state.streams).insert(n, clone);
                    }
                    let state = Arc::clone(&state);
                    thread::spawn(move || {
                        serve_connection(stream, &state);
                        lock(&state.streams).remove(&n);
                    });
                }
            })
        };
        MockServer {
            state,
            addr,
            stop,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> String {
        self.state.base.clone()
    }

    /// `http://127.0.0.1:{port}/v1.0`.
    pub fn graph_url(&self) -> String {
        format!("{}/v1.0", self.state.base)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn tenant(&self) -> &MockTenant {
        &self.state.tenant
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.state.log).clear();
    }

    /// HTTP requests of this kind (`$batch` sub-requests not included).
    pub fn count(&self, kind: EndpointKind) -> usize {
        lock(&self.state.log)
            .iter()
            .filter(|r| r.kind == kind && !r.in_batch)
            .count()
    }

    /// Requests of this kind, direct or inside a `$batch`.
    pub fn count_with_batched(&self, kind: EndpointKind) -> usize {
        lock(&self.state.log)
            .iter()
            .filter(|r| r.kind == kind)
            .count()
    }

    /// HTTP requests by kind.
    pub fn counts(&self) -> BTreeMap<EndpointKind, usize> {
        let mut m = BTreeMap::new();
        for r in lock(&self.state.log).iter().filter(|r| !r.in_batch) {
            *m.entry(r.kind).or_insert(0) += 1;
        }
        m
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop, then close every open connection.
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
        for s in std::mem::take(&mut *lock(&self.state.streams)).into_values() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

/// A parsed HTTP request.
pub(crate) struct HttpRequest {
    pub(crate) method: String,
    /// Decoded path.
    pub(crate) path: String,
    /// Raw (still encoded) query string.
    pub(crate) raw_query: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl HttpRequest {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response before serialisation.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: serde_json::Value,
    pub(crate) truncate: bool,
}

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;

fn serve_connection(stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let req = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(status) => {
                let _ = write_response(&mut writer, &router::plain_error(status), true);
                return;
            }
        };
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let resp = router::handle(state, &req);
        if !state.faults.latency.is_zero() {
            thread::sleep(state.faults.latency);
        }
        if write_response(&mut writer, &resp, close).is_err() || close {
            return;
        }
    }
}

/// `Ok(None)` on a clean end of stream; `Err(status)` on a malformed request.
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Option<HttpRequest>, u16> {
    let mut head = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    loop {
        let mut line = Vec::new();
        match reader
            .by_ref()
            .take(MAX_HEAD as u64)
            .read_until(b'\n', &mut line)
        {
            Ok(0) => {
                return if lines.is_empty() { Ok(None) } else { Err(400) };
            }
            Ok(_) => {}
            Err(_) => return Ok(None),
        }
        head.extend_from_slice(&line);
        if head.len() > MAX_HEAD {
            return Err(431);
        }
        let text = String::from_utf8_lossy(&line)
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if text.is_empty() {
            if lines.is_empty() {
                continue; // tolerate blank lines between requests
            }
            break;
        }
        lines.push(text);
    }
    // Lenient about unencoded spaces in the target: method first, version last.
    let Some((method, rest)) = lines[0].split_once(' ') else {
        return Err(400);
    };
    let Some((target, version)) = rest.rsplit_once(' ') else {
        return Err(400);
    };
    if !version.starts_with("HTTP/1.") {
        return Err(505);
    }
    let mut headers = Vec::new();
    for l in &lines[1..] {
        let Some((k, v)) = l.split_once(':') else {
            return Err(400);
        };
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    if find("transfer-encoding").is_some() {
        return Err(411);
    }
    let len = match find("content-length") {
        Some(v) => v.parse::<usize>().map_err(|_| 400u16)?,
        None => 0,
    };
    if len > MAX_BODY {
        return Err(413);
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).map_err(|_| 400u16)?;
    let (path, raw_query) = match target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (target, ""),
    };
    Ok(Some(HttpRequest {
        method: method.to_string(),
        path: router::percent_decode(path, false),
        raw_query: raw_query.to_string(),
        headers,
        body,
    }))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

fn write_response(w: &mut TcpStream, resp: &Response, close: bool) -> std::io::Result<()> {
    let mut body = serde_json::to_vec(&resp.body).unwrap_or_default();
    if resp.truncate {
        body.truncate(body.len() / 2);
    }
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n",
        resp.status,
        reason(resp.status),
        body.len()
    );
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&body);
    w.write_all(&bytes)?;
    w.flush()
}
