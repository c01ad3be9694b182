//! Live access to a tenant, read-only: Microsoft Graph `v1.0` and Azure Resource Manager
//! `2020-10-01`. A live fetch is an input source: it produces documents in exactly the shapes
//! `check` reads from files (Graph and ARM list responses), which `fetch --out` writes to a folder
//! and `check --live`, `approvers --live` and `requests --live` lint in memory. Nothing after the
//! input stage knows where a document came from.
//!
//! tokio lives only inside this module: [`fetch`] builds a runtime, runs the fetch and returns.
//! Any request that still fails after its retries, a truncated or malformed answer, a refused
//! token or permission, or a scope that cannot be read ends the fetch with a [`LiveError`]: the
//! caller exits 2 and lints nothing.

mod auth;
mod docs;
mod error;
mod http;
mod tenant;

pub use auth::AuthOptions;
pub use docs::Document;
pub use error::LiveError;
pub use http::Limits;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Public Graph and ARM endpoints (other clouds: `--graph-url`, `--arm-url`, `--login-url`).
pub const GRAPH_URL: &str = "https://graph.microsoft.com";
pub const ARM_URL: &str = "https://management.azure.com";

/// What to fetch and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Graph base URL, without the version (`https://graph.microsoft.com`).
    pub graph_url: String,
    /// ARM base URL (`https://management.azure.com`).
    pub arm_url: String,
    pub auth: AuthOptions,
    /// Read Azure resource policies (false with `--no-arm`).
    pub arm: bool,
    /// ARM scopes to read; empty: every subscription the caller can list.
    pub scopes: Vec<String>,
    /// Read PIM for Groups for every group, not only role-assignable, approving or role-holding
    /// ones.
    pub all_groups: bool,
    /// Also read activation requests (`requests --live`).
    pub requests: Option<RequestsFetch>,
    pub limits: Limits,
    /// Show a progress bar on standard error (only when it is a terminal).
    pub progress: bool,
}

impl Options {
    /// Defaults for the public cloud.
    pub fn new() -> Options {
        Options {
            graph_url: GRAPH_URL.into(),
            arm_url: ARM_URL.into(),
            auth: AuthOptions::default(),
            arm: true,
            scopes: Vec::new(),
            all_groups: false,
            requests: None,
            limits: Limits::default(),
            progress: false,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

/// Which activation requests to read: pending ones always; with `since` (an RFC 3339 time),
/// those created since then too.
#[derive(Debug, Clone, Default)]
pub struct RequestsFetch {
    pub since: Option<String>,
}

impl RequestsFetch {
    /// Whether a request object is one to keep: pending, or created since `since`.
    fn wants(&self, r: &serde_json::Value) -> bool {
        let pending = r
            .get("status")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("PendingApproval"));
        let recent = match (
            &self.since,
            r.get("createdDateTime").and_then(|c| c.as_str()),
        ) {
            // RFC 3339 UTC times of the same shape order as strings.
            (Some(since), Some(created)) => created >= since.as_str(),
            _ => false,
        };
        pending || recent
    }
}

/// What a fetch read and what it cost.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub documents: Vec<Document>,
    pub stats: Stats,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// HTTP requests sent (each `$batch` counts once).
    pub requests: u64,
    /// `$batch` requests, and the sub-requests they carried.
    pub batches: u64,
    pub sub_requests: u64,
    /// Follow-up pages.
    pub pages: u64,
    /// Retried requests and sub-requests.
    pub retries: u64,
    pub elapsed: Duration,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests ({} batches carrying {} sub-requests, {} follow-up pages, {} retries) in {:.1} s",
            self.requests,
            self.batches,
            self.sub_requests,
            self.pages,
            self.retries,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Fetches the tenant. Blocks; runs its own tokio runtime.
pub fn fetch(opts: &Options) -> Result<Fetched, LiveError> {
    let started = Instant::now();
    let tokens = auth::Tokens::from_env(&opts.auth, &opts.graph_url, &opts.arm_url, opts.arm)?;
    let progress = opts.progress.then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} fetching the tenant: {pos} requests, {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let http = Arc::new(http::Http::new(
        tokens,
        &opts.graph_url,
        &opts.arm_url,
        opts.limits.clone(),
        progress.clone(),
    )?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| LiveError::new("the async runtime", e.to_string()))?;
    let result = runtime.block_on(tenant::fetch_all(Arc::clone(&http), opts));
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let secrets = http.secrets().to_vec();
    let mut documents = result.map_err(|e| e.scrubbed(&secrets))?;
    // In the order a walk of the folder `fetch` writes reads them.
    documents.sort_by(|a, b| a.name.cmp(&b.name));
    let c = &http.counters;
    let stats = Stats {
        requests: c.requests.load(Ordering::Relaxed),
        batches: c.batches.load(Ordering::Relaxed),
        sub_requests: c.sub_requests.load(Ordering::Relaxed),
        pages: c.pages.load(Ordering::Relaxed),
        retries: c.retries.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    };
    Ok(Fetched { documents, stats })
}

/// Writes fetched documents under `dir`, each atomically (a temporary file renamed over the
/// old one) and only when its bytes changed; files a previous fetch wrote that this one did not
/// (a scope no longer read) are removed. Returns how many files changed.
pub fn write(dir: &std::path::Path, documents: &[Document]) -> Result<WriteSummary, String> {
    let mut summary = WriteSummary::default();
    let mut written = std::collections::BTreeSet::new();
    for d in documents {
        let path = dir.join(&d.name);
        written.insert(path.clone());
        if std::fs::read(&path).is_ok_and(|old| old == d.bytes) {
            summary.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &d.bytes)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })?;
        summary.changed += 1;
    }
    // Stale files: only names a fetch writes, only under its own folders.
    const OWN: &[&str] = &[
        "policy-assignments.json",
        "eligibility-schedules.json",
        "assignment-schedule-instances.json",
        "assignment-schedule-requests.json",
    ];
    let arm = dir.join("arm");
    if let Ok(scopes) = std::fs::read_dir(&arm) {
        for scope in scopes.flatten() {
            for name in OWN {
                let p = scope.path().join(name);
                if !written.contains(&p) && p.is_file() && std::fs::remove_file(&p).is_ok() {
                    summary.removed += 1;
                }
            }
            let _ = std::fs::remove_dir(scope.path());
        }
    }
    Ok(summary)
}

#[derive(Debug, Default, Clone, Copy)]
pub struct WriteSummary {
    pub changed: usize,
    pub unchanged: usize,
    pub removed: usize,
}
