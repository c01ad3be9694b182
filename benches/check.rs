//! Throughput and memory of `pim-lint check` on a generated estate.
//!
//! `cargo bench --bench check` (20,000 policies) or `cargo bench --bench check -- --policies N`.
//! Generates the estate with the same code as `cargo run --example gen-estate`, then measures:
//! - the end-to-end `pim-lint check DIR --format json` (the release binary, output to /dev/null),
//!   wall time (median of 3) and peak resident memory (getrusage of the child);
//! - the same with a pack that turns off every policy rule, so only reading, parsing and
//!   normalising remain (memory of the pipeline itself, not of 50,000 findings);
//! - a bare `serde_json::from_slice::<serde_json::Value>` over the same files (median of 3),
//!   single-threaded, in this process;
//! - the same with the SIMD parser sonic-rs, `sonic_rs::from_slice::<sonic_rs::Value>` (a full
//!   tree with unescaped strings, the counterpart of `serde_json::Value`; not its `LazyValue`,
//!   which only delimits raw text). sonic-rs picks its SIMD code at compile time: without
//!   `RUSTFLAGS="-C target-cpu=native"` (which also rebuilds pim-lint) it runs its SSE2 path, the
//!   same baseline target the measured binary is built for. The output says which.
//!
//! Prints MB/s, policies/s and the ratios. Numbers, not assertions.

// A benchmark, not the product: it measures the child process with getrusage (unsafe FFI) and
// may stop at the first I/O error.
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used)]

#[path = "../examples/estate/mod.rs"]
mod estate;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[path = "support/rusage.rs"]
mod rusage;
use rusage::children_max_rss_kib;

/// The instruction set sonic-rs was compiled for (it selects its kernels with `cfg`).
fn sonic_simd() -> &'static str {
    if cfg!(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "pclmulqdq"
    )) {
        "avx2+pclmulqdq"
    } else if cfg!(all(target_arch = "aarch64", target_feature = "neon")) {
        "neon"
    } else if cfg!(target_feature = "sse2") {
        "sse2 only: built without target-cpu=native"
    } else {
        "no SIMD"
    }
}

fn run_check(bin: &str, dir: &Path, extra: &[&str]) -> (Duration, i32) {
    let t = Instant::now();
    let status = Command::new(bin)
        .arg("check")
        .arg(dir)
        .args(["--format", "json", "--no-config"])
        .args(extra)
        .stdout(Stdio::null())
        .status()
        .expect("pim-lint runs");
    (t.elapsed(), status.code().unwrap_or(-1))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let policies: usize = args
        .iter()
        .position(|a| a == "--policies")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench-estate").join(policies.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    let (n, nfiles, bytes) = estate::generate(root, &dir, policies, 42).expect("estate written");
    let mb = bytes as f64 / 1e6;
    let all = files(&dir);
    let largest = all
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .max()
        .unwrap_or(0);
    let bin = env!("CARGO_BIN_EXE_pim-lint");
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());

    // A pack that keeps only the always-on validity rules.
    let quiet_pack = dir.with_extension("quiet-pack.yaml");
    std::fs::write(&quiet_pack, "name: quiet\nrules: []\n").expect("pack written");

    // The quiet runs go first: RUSAGE_CHILDREN reports the maximum over all children so far.
    let mut quiet = Vec::new();
    for _ in 0..3 {
        quiet.push(
            run_check(
                bin,
                &dir,
                &["--pack", quiet_pack.to_str().unwrap_or_default()],
            )
            .0,
        );
    }
    let rss_quiet = children_max_rss_kib();
    let mut check = Vec::new();
    for _ in 0..3 {
        check.push(run_check(bin, &dir, &[]).0);
    }
    let rss_full = children_max_rss_kib();

    let mut serde_times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        for p in &all {
            let b = std::fs::read(p).expect("read");
            let v: serde_json::Value = serde_json::from_slice(&b).expect("parses");
            std::hint::black_box(v);
        }
        serde_times.push(t.elapsed());
    }
    let mut sonic_times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        for p in &all {
            let b = std::fs::read(p).expect("read");
            let v: sonic_rs::Value = sonic_rs::from_slice(&b).expect("parses");
            std::hint::black_box(v);
        }
        sonic_times.push(t.elapsed());
    }
    let (c, q, s, k) = (
        median(check).as_secs_f64(),
        median(quiet).as_secs_f64(),
        median(serde_times).as_secs_f64(),
        median(sonic_times).as_secs_f64(),
    );
    println!(
        "machine: {cpus} cores; estate: {n} policies in {nfiles} files, {mb:.1} MB, largest file {:.1} KB",
        largest as f64 / 1e3
    );
    println!(
        "check --format json (baseline pack):      {c:.3} s  {:.1} MB/s  {:.0} policies/s  peak RSS {:.1} MB",
        mb / c,
        n as f64 / c,
        rss_full as f64 / 1024.0
    );
    println!(
        "check --format json (no policy rules):    {q:.3} s  {:.1} MB/s  {:.0} policies/s  peak RSS {:.1} MB",
        mb / q,
        n as f64 / q,
        rss_quiet as f64 / 1024.0
    );
    println!(
        "serde_json::Value parse, 1 thread:        {s:.3} s  {:.1} MB/s",
        mb / s
    );
    println!(
        "sonic_rs::Value parse, 1 thread:          {k:.3} s  {:.1} MB/s  (full tree, not LazyValue; sonic-rs SIMD: {})",
        mb / k,
        sonic_simd()
    );
    println!(
        "ratio check / serde_json::Value:          {:.2} (baseline pack), {:.2} (no policy rules)",
        c / s,
        q / s
    );
    println!(
        "ratio check / sonic_rs::Value:            {:.2} (baseline pack), {:.2} (no policy rules)",
        c / k,
        q / k
    );
    println!(
        "peak RSS: {:.1} MB reading and normalising (largest file {:.1} KB); {:.1} MB with the findings held for sorting and the summary",
        rss_quiet as f64 / 1024.0,
        largest as f64 / 1e3,
        rss_full as f64 / 1024.0
    );
}
