//! Throughput of `check` on a generated estate of several thousand policies.
//!
//! `cargo bench --bench check` (or `-- --policies 20000`). Generates Graph directory-role,
//! PIM-for-Groups and ARM policy-assignment files from the demo export (ids and settings varied,
//! half pretty-printed, half compact), then times: reading + parsing + normalising + linting the
//! folder, and, for comparison, a bare `serde_json::from_slice::<serde_json::Value>` over the same
//! bytes. Prints MB/s, policies/s and the ratio. Numbers, not assertions.

use pim_lint::lint;
use pim_lint::pack::{self, RuleSet};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DURATIONS: &[&str] = &["PT1H", "PT2H", "PT4H", "PT8H", "PT10H", "P1D"];

fn templates() -> Vec<(Value, usize)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    [
        "entra/directory-roles.json",
        "entra/pim-for-groups.json",
        "azure/prod-subscription-policy-assignments.json",
    ]
    .iter()
    .map(|f| {
        let text = std::fs::read_to_string(root.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        let n = v["value"].as_array().map_or(0, Vec::len);
        (v, n)
    })
    .collect()
}

/// Rewrites every string that looks like an id, and varies activation durations.
fn vary(v: &mut Value, seed: usize) {
    match v {
        Value::String(s) => {
            if s.contains("-0000-4000-8000-") {
                *s = s.replace(
                    "-0000-4000-8000-",
                    &format!("-{:04x}-4000-8000-", seed % 0xffff),
                );
            }
            if DURATIONS.contains(&s.as_str()) && s.starts_with("PT") {
                *s = DURATIONS[seed % DURATIONS.len()].to_owned();
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| vary(x, seed)),
        Value::Object(m) => m.values_mut().for_each(|x| vary(x, seed)),
        _ => {}
    }
}

fn generate(dir: &Path, policies: usize) -> (usize, u64) {
    let templates = templates();
    let mut written = 0;
    let mut bytes = 0;
    let mut i = 0;
    while written < policies {
        let (t, n) = &templates[i % templates.len()];
        let mut doc = t.clone();
        vary(&mut doc, i);
        let text = if i % 2 == 0 {
            serde_json::to_vec_pretty(&doc)
        } else {
            serde_json::to_vec(&doc)
        }
        .expect("serialises");
        let sub = dir.join(format!("tenant-{:03}", i / 100));
        std::fs::create_dir_all(&sub).expect("mkdir");
        std::fs::write(sub.join(format!("export-{i:05}.json")), &text).expect("write");
        bytes += text.len() as u64;
        written += n;
        i += 1;
    }
    (written, bytes)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let policies = args
        .iter()
        .position(|a| a == "--policies")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5000);
    let runs = 5;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-estate")
        .join(policies.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    let (n, bytes) = generate(&dir, policies);
    let mb = bytes as f64 / 1e6;

    let ruleset = RuleSet::from_packs(&[pack::builtin_pack("baseline")
        .expect("exists")
        .expect("loads")]);
    let catalog = pack::builtin_roles().expect("roles");
    let mut lint_times = Vec::new();
    let mut findings = 0;
    let mut linted_policies = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let mut errors = Vec::new();
        let inputs = lint::discover(std::slice::from_ref(&dir), &mut errors);
        let out = lint::lint(&inputs, &ruleset, &catalog);
        lint_times.push(t.elapsed());
        findings = out.findings.len();
        linted_policies = out.policies.len();
        assert!(errors.is_empty() && out.errors.is_empty());
    }
    let mut serde_times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut errors = Vec::new();
        for input in lint::discover(std::slice::from_ref(&dir), &mut errors) {
            let b = std::fs::read(&input.path).expect("read");
            let v: Value = serde_json::from_slice(&b).expect("parses");
            std::hint::black_box(v);
        }
        serde_times.push(t.elapsed());
    }
    let lint_t = median(lint_times).as_secs_f64();
    let serde_t = median(serde_times).as_secs_f64();
    println!(
        "estate: {n} policies generated, {linted_policies} linted, {mb:.1} MB in {}",
        dir.display()
    );
    println!(
        "check (read+parse+normalise+lint, 1 thread): {lint_t:.3} s  {:.1} MB/s  {:.0} policies/s  ({findings} findings)",
        mb / lint_t,
        linted_policies as f64 / lint_t
    );
    println!(
        "serde_json::Value parse of the same files:   {serde_t:.3} s  {:.1} MB/s",
        mb / serde_t
    );
    println!("ratio check / serde_json::Value: {:.2}", lint_t / serde_t);
}
