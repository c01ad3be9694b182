//! A deterministic mutation fuzzer over the whole pipeline: decoding, the JSON/YAML readers,
//! every dialect normaliser, every rule, every renderer, and the YAML pack/config loaders.
//! (cargo-fuzz needs a nightly toolchain, which this project does not have; this harness runs on
//! stable, in CI at a small budget.)
//!
//! `PIM_LINT_FUZZ_ITERS=200000 cargo test --release --test fuzz -- --nocapture` for a long run.
//! A panicking input is written to `target/fuzz-crashes/` and its seed printed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::config;
use pim_lint::engine;
use pim_lint::finding::Outcome;
use pim_lint::pack::{self, RuleSet};
use pim_lint::report;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e999",
    "NaN",
    "\"\"",
    "[]",
    "{}",
    "[",
    "{",
    "]",
    "}",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    "\u{0}",
    "\u{feff}",
    "é",
    "\r\n",
    "\"PT0S\"",
    "\"P1Y\"",
    "\"-PT1H\"",
    "\"c0\"",
    "\"All\"",
    "\"Approval_EndUser_Assignment\"",
    "\"@odata.type\"",
    "\"AdditionalProperties\"",
    "\"rules\"",
    "\"value\"",
    "\"policy\"",
    "&a",
    "*a",
    "- ",
    "? ",
    "!!binary ",
];

fn iterations() -> usize {
    std::env::var("PIM_LINT_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

fn seeds(dirs: &[PathBuf], exts: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p
                    .extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| exts.contains(&x))
                {
                    let len = std::fs::metadata(&p).map_or(0, |m| m.len());
                    if len < 300_000 {
                        out.push((
                            p.display().to_string(),
                            std::fs::read(&p).unwrap_or_default(),
                        ));
                    }
                }
            }
        }
    }
    out.sort();
    // A folder can lie inside another (fixtures/corpus in fixtures): each file once.
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// Structural mutation of JSON: replace one value somewhere with something of another shape.
fn mutate_json_value(v: &mut serde_json::Value, rng: &mut Rng, depth: usize) {
    use serde_json::Value;
    let replace = |rng: &mut Rng| -> Value {
        match rng.below(9) {
            0 => Value::Null,
            1 => Value::Bool(rng.below(2) == 0),
            2 => serde_json::json!(u64::MAX),
            3 => serde_json::json!(-1.5e300),
            4 => Value::String("x".repeat(rng.below(5000))),
            5 => serde_json::json!([]),
            6 => serde_json::json!({}),
            7 => {
                let mut deep = serde_json::json!(null);
                for _ in 0..rng.below(300) {
                    deep = serde_json::json!([deep]);
                }
                deep
            }
            _ => Value::String(
                [
                    "PT0S", "P1Y", "PT25H", "c100", "Group", "EndUser", "None", "Critical", "",
                ][rng.below(9)]
                .into(),
            ),
        }
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let keys: Vec<String> = m.keys().cloned().collect();
            let k = &keys[rng.below(keys.len())];
            if depth > 0 && rng.below(3) > 0 {
                if let Some(child) = m.get_mut(k) {
                    mutate_json_value(child, rng, depth - 1);
                }
            } else if rng.below(4) == 0 {
                m.remove(k);
            } else {
                m.insert(k.clone(), replace(rng));
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let i = rng.below(a.len());
            if depth > 0 && rng.below(3) > 0 {
                mutate_json_value(&mut a[i], rng, depth - 1);
            } else if rng.below(3) == 0 {
                a.remove(i);
            } else {
                a[i] = replace(rng);
            }
        }
        other => *other = replace(rng),
    }
}

fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = input.to_vec();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = b.len();
        match rng.below(9) {
            0 if len > 0 => b.truncate(rng.below(len)),
            1 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            2 => {
                let i = rng.below(len + 1);
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                b.splice(i..i, t.iter().copied());
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let j = (i + rng.below(200)).min(len);
                b.drain(i..j);
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let j = (i + rng.below(400)).min(len);
                let chunk: Vec<u8> = b[i..j].to_vec();
                b.splice(i..i, chunk);
            }
            5 => {
                if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&b) {
                    for _ in 0..1 + rng.below(3) {
                        mutate_json_value(&mut v, rng, 8);
                    }
                    b = if rng.below(2) == 0 {
                        serde_json::to_vec_pretty(&v)
                    } else {
                        serde_json::to_vec(&v)
                    }
                    .unwrap_or_default();
                }
            }
            6 => {
                // Re-encode: UTF-16 (with or without BOM), UTF-8 BOM, CRLF.
                let text = String::from_utf8_lossy(&b).into_owned();
                b = match rng.below(4) {
                    0 => [0xFF, 0xFE]
                        .into_iter()
                        .chain(text.encode_utf16().flat_map(|u| u.to_le_bytes()))
                        .collect(),
                    1 => text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
                    2 => [0xEF, 0xBB, 0xBF].into_iter().chain(text.bytes()).collect(),
                    _ => text.replace('\n', "\r\n").into_bytes(),
                };
            }
            _ => {}
        }
    }
    b
}

fn render_all(out: &Outcome, set: &RuleSet) {
    let _ = report::human::render(out, report::human::Style::PLAIN);
    let _ = report::json::render(out);
    let _ = report::sarif::render(out, set);
    let _ = report::github::render(out);
    let _ = report::markdown::render(out);
}

fn save_crash(name: &str, seed: u64, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-crashes");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!(
        "{seed}-{}",
        name.rsplit('/').next().unwrap_or("input")
    ));
    let _ = std::fs::write(&path, bytes);
    path.display().to_string()
}

#[test]
fn pipeline_never_panics_on_mutated_exports() {
    let repo = common::repo();
    let corpus = seeds(
        &[
            repo.join("fixtures"),
            common::corpus(),
            repo.join("rules/cases"),
        ],
        &["json", "yaml", "yml"],
    );
    assert!(corpus.len() > 50, "seed inputs found: {}", corpus.len());
    let packs = pack::load_specs(&[
        "baseline".into(),
        "cisa-scuba".into(),
        repo.join("examples/packs/exchange-ticket/pack.yaml")
            .display()
            .to_string(),
    ])
    .expect("packs");
    let set = RuleSet::from_packs(&packs);
    let catalog = common::catalog();
    let n = iterations();
    for i in 0..n {
        let seed = 0x9E37_79B9_7F4A_7C15u64 ^ (i as u64).wrapping_mul(0x1000_0000_01b3);
        let mut rng = Rng(seed | 1);
        let (name, bytes) = &corpus[rng.below(corpus.len())];
        let input = mutate(bytes, &mut rng);
        let name = if rng.below(5) == 0 {
            name.replace(".json", ".yaml")
        } else {
            name.clone()
        };
        let result = catch_unwind(AssertUnwindSafe(|| {
            let out = engine::lint_bytes(&[(name.clone(), input.clone())], &set, &catalog);
            render_all(&out, &set);
        }));
        if result.is_err() {
            panic!(
                "seed {seed}: panicked on a mutation of {name}; input saved to {}",
                save_crash(&name, seed, &input)
            );
        }
    }
}

#[test]
fn pack_and_config_loaders_never_panic_on_mutated_yaml() {
    let repo = common::repo();
    let inputs = seeds(
        &[repo.join("rules"), repo.join("examples")],
        &["yaml", "yml"],
    );
    assert!(inputs.len() >= 6);
    let n = iterations();
    for i in 0..n {
        let seed = 0xD1B5_4A32_D192_ED03u64 ^ (i as u64).wrapping_mul(0x9E37_79B9);
        let mut rng = Rng(seed | 1);
        let (name, bytes) = &inputs[rng.below(inputs.len())];
        let input = mutate(bytes, &mut rng);
        let result = catch_unwind(AssertUnwindSafe(|| {
            if let Err(e) = pack::load_pack(name.clone(), &input) {
                let _ = e.all();
            }
            let _ = config::parse(name.clone(), &input, ".".into());
            let _ = pim_lint::roles::load_roles(name.clone(), &input);
        }));
        if result.is_err() {
            panic!(
                "seed {seed}: the YAML loaders panicked on a mutation of {name}; input saved to {}",
                save_crash(name, seed, &input)
            );
        }
    }
}

#[test]
fn directory_context_never_panics_on_mutation() {
    // A mutated users, groups or schedules export linted with the demo's policies, so the
    // directory rules, group expansion and the approver report all see the damaged records.
    let repo = common::repo();
    let context = seeds(&[repo.join("fixtures/demo/directory")], &["json"]);
    assert!(context.len() >= 4);
    let policies: Vec<(String, Vec<u8>)> =
        ["entra/directory-roles.json", "entra/pim-for-groups.json"]
            .iter()
            .map(|f| {
                let p = repo.join("fixtures/demo").join(f);
                (f.to_string(), std::fs::read(&p).expect("demo policy"))
            })
            .collect();
    let set = common::baseline();
    let catalog = common::catalog();
    let n = iterations();
    for i in 0..n {
        let seed = 0xA076_1D64_78BD_642Fu64 ^ (i as u64).wrapping_mul(0xE703_7ED1_A0B4_28DB);
        let mut rng = Rng(seed | 1);
        // The other context files stay whole; one is mutated.
        let k = rng.below(context.len());
        let mut docs = policies.clone();
        for (j, (name, bytes)) in context.iter().enumerate() {
            let b = if j == k {
                mutate(bytes, &mut rng)
            } else {
                bytes.clone()
            };
            docs.push((format!("directory/{name}"), b));
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            let out = engine::lint_bytes(&docs, &set, &catalog);
            render_all(&out, &set);
            let rows = report::approvers::rows(&out);
            let _ = report::approvers::csv(&rows);
            let _ = report::approvers::markdown(&rows);
        }));
        if result.is_err() {
            let (name, _) = &context[k];
            panic!(
                "seed {seed}: panicked on a mutation of directory/{name}; input saved to {}",
                save_crash(name, seed, &docs[policies.len() + k].1)
            );
        }
    }
}

#[test]
fn account_mapping_loader_never_panics_on_mutation() {
    let seed_text = b"people:\n  - name: ada\n    accounts: [ada@example.com, 11111111-1111-1111-1111-111111111111]\n  - name: bob\n    accounts: [bob-admin@example.com]\n";
    let dir = std::env::temp_dir().join(format!("pim-lint-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let n = iterations();
    for i in 0..n {
        let seed = 0x2545_F491_4F6C_DD1Du64 ^ (i as u64).wrapping_mul(0x9E37_79B9);
        let mut rng = Rng(seed | 1);
        let input = mutate(seed_text, &mut rng);
        let path = dir.join("accounts.yaml");
        std::fs::write(&path, &input).expect("write");
        let result = catch_unwind(AssertUnwindSafe(|| {
            let _ = config::load_account_mapping(&path, "accounts.yaml".into());
        }));
        if result.is_err() {
            panic!(
                "seed {seed}: the account mapping loader panicked; input saved to {}",
                save_crash("accounts.yaml", seed, &input)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn requests_never_panic_on_mutation() {
    // A mutated request export judged with the example set's policies and groups (every request
    // rule on, past activations in scope, usual hours set), rendered in every format.
    let repo = common::repo();
    let all = seeds(&[repo.join("fixtures/requests")], &["json"]);
    let (requests, others): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(name, _)| name.ends_with("requests.json"));
    assert!(requests.len() >= 2 && others.len() >= 2);
    let set = common::every_rule();
    let catalog = common::catalog();
    let n = iterations();
    for i in 0..n {
        let seed = 0x5851_F42D_4C95_7F2Du64 ^ (i as u64).wrapping_mul(0x1405_7B7E_F767_814F);
        let mut rng = Rng(seed | 1);
        let k = rng.below(requests.len());
        let mut docs = others.clone();
        for (j, (name, bytes)) in requests.iter().enumerate() {
            let b = if j == k {
                mutate(bytes, &mut rng)
            } else {
                bytes.clone()
            };
            docs.push((name.clone(), b));
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            let out = engine::lint_bytes(&docs, &set, &catalog);
            render_all(&out, &set);
        }));
        if result.is_err() {
            let (name, _) = &requests[k];
            panic!(
                "seed {seed}: panicked on a mutation of {name}; input saved to {}",
                save_crash(name, seed, &docs[others.len() + k].1)
            );
        }
    }
}

/// Tokens of the authoring formats read as text: PowerShell DSC (`.ps1`) and EasyPIM's JSON
/// with comments.
const AUTHORING_TOKENS: &[&str] = &[
    "AADRoleSetting x {",
    "AADRoleSetting",
    "Configuration c {",
    "Node localhost {",
    "{",
    "}",
    "@(",
    "(",
    ")",
    "=",
    ";",
    ",",
    "$true",
    "$false",
    "$null",
    "$ConfigurationData.NonNodeData.X",
    "$(",
    "\"",
    "'",
    "`",
    "`\"",
    "@\"\n",
    "\n\"@",
    "@'\n",
    "\n'@",
    "#",
    "<#",
    "#>",
    "\r\n",
    "\r",
    "\u{0}",
    "\u{feff}",
    "\u{2028}",
    "é",
    "1e999",
    "-1",
    "0x7fffffff",
    "Displayname = \"Global Administrator\"",
    "ActivationMaxDuration = \"PT8H\"",
    "Approvers = @(\"a\", @(\"b\"))",
    "//",
    "/*",
    "*/",
    "\"Assignments\"",
    "\"assignments\"",
    "\"permanent\"",
    "\"PrincipalIds\"",
    "\"#{x}#\"",
    "\"assignmentType\"",
    "\"Template\"",
];

/// A mutation of a `.ps1` configuration or an EasyPIM config: the generic ones (truncation, bit
/// flips, re-encoding, JSON structure), tokens of the format, or deep nesting.
fn mutate_authored(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = match rng.below(3) {
        0 => input.to_vec(),
        _ => mutate(input, rng),
    };
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(b.len() + 1);
        let insert: Vec<u8> = match rng.below(6) {
            0 => {
                let open = ["@(", "{", "[", "(", "/*", "<#", "AADRoleSetting x {"][rng.below(7)];
                open.repeat(1 + rng.below(20_000)).into_bytes()
            }
            1 => "// a comment\n".as_bytes().to_vec(),
            _ => AUTHORING_TOKENS[rng.below(AUTHORING_TOKENS.len())]
                .as_bytes()
                .to_vec(),
        };
        // Byte positions, not character boundaries: a token may split a character.
        b.splice(i..i, insert);
    }
    b
}

#[test]
fn authoring_formats_never_panic_on_mutation() {
    // Microsoft365DSC configurations (the `.ps1` reader) and EasyPIM configs (JSON with
    // comments, read again with the comments blanked): policies and assignments.
    let repo = common::repo();
    let mut inputs = seeds(&[repo.join("fixtures/m365dsc")], &["ps1"]);
    inputs.extend(seeds(&[repo.join("fixtures/easypim")], &["json"]));
    inputs.extend(
        seeds(&[common::corpus()], &["ps1", "json"])
            .into_iter()
            .filter(|(n, _)| n.contains("m365dsc_") || n.contains("easypim_")),
    );
    assert!(
        inputs.iter().filter(|(n, _)| n.ends_with(".ps1")).count() >= 3
            && inputs.iter().filter(|(n, _)| n.contains("easypim")).count() >= 4,
        "{:?}",
        inputs.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    let set = common::every_rule();
    let catalog = common::catalog();
    let n = iterations();
    for i in 0..n {
        let seed = 0x94D0_49BB_1331_11EBu64 ^ (i as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let mut rng = Rng(seed | 1);
        let (name, bytes) = &inputs[rng.below(inputs.len())];
        let input = mutate_authored(bytes, &mut rng);
        let result = catch_unwind(AssertUnwindSafe(|| {
            let out = engine::lint_bytes(&[(name.clone(), input.clone())], &set, &catalog);
            render_all(&out, &set);
        }));
        if result.is_err() {
            panic!(
                "seed {seed}: panicked on a mutation of {name}; input saved to {}",
                save_crash(name, seed, &input)
            );
        }
    }
}
