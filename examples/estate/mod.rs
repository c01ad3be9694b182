//! Generates a realistic PIM estate from the demo export's shapes: ARM policy-assignment lists
//! per management group, subscription and resource group, and Graph directory-role exports per
//! tenant, with varied settings, half pretty-printed and half compact. Deterministic (a seed).
//! Shared by `examples/gen-estate.rs` and `benches/check.rs`.

use serde_json::Value;
use std::path::Path;

const ACTIVATION: &[&str] = &["PT1H", "PT2H", "PT4H", "PT8H", "PT10H", "P1D"];
const ELIGIBLE: &[&str] = &["P15D", "P30D", "P90D", "P180D", "P365D"];
const DEMO_SUB: &str = "/subscriptions/3f6b2c1d-8e9a-4b7c-a1d2-e3f4a5b6c7d8";

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            b >> 52,
            b & 0xffff_ffff_ffff
        )
    }
}

fn template(root: &Path, file: &str) -> Value {
    let text = std::fs::read_to_string(root.join("fixtures/demo").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Varies one value in place: ids, scopes, durations, switches.
fn vary(v: &mut Value, rng: &mut Rng, scope: &str, id_tag: &str) {
    match v {
        Value::String(s) => {
            if s.contains(DEMO_SUB) {
                *s = s.replace(DEMO_SUB, scope);
            }
            if s.contains("-0000-4000-8000-") {
                *s = s.replace("-0000-4000-8000-", &format!("-{id_tag}-4000-8000-"));
            }
            if ACTIVATION.contains(&s.as_str()) && s.starts_with("PT") {
                *s = rng.pick(ACTIVATION).to_owned();
            } else if ELIGIBLE.contains(&s.as_str()) {
                *s = rng.pick(ELIGIBLE).to_owned();
            }
        }
        Value::Bool(b) if rng.chance(10) => *b = !*b,
        Value::Array(a) => a.iter_mut().for_each(|x| vary(x, rng, scope, id_tag)),
        Value::Object(m) => m.values_mut().for_each(|x| vary(x, rng, scope, id_tag)),
        _ => {}
    }
}

/// Writes an estate of about `policies` policies under `out`; returns (policies, files, bytes).
pub fn generate(
    root: &Path,
    out: &Path,
    policies: usize,
    seed: u64,
) -> std::io::Result<(usize, usize, u64)> {
    let arm = template(root, "azure/prod-subscription-policy-assignments.json");
    let entra = template(root, "entra/directory-roles.json");
    let groups = template(root, "entra/pim-for-groups.json");
    let mut rng = Rng::new(seed);
    let (mut written, mut files, mut bytes) = (0usize, 0usize, 0u64);
    let mut i = 0usize;
    while written < policies {
        let (doc_template, dir, scope) = match i % 10 {
            // Most of an estate is Azure: a policy per role per scope.
            0..=6 => {
                let mg = i % 7;
                let sub = rng.guid();
                let scope = match i % 3 {
                    0 => format!("/providers/Microsoft.Management/managementGroups/mg-{mg}"),
                    1 => format!("/subscriptions/{sub}"),
                    _ => format!("/subscriptions/{sub}/resourceGroups/rg-{}", i % 50),
                };
                (&arm, format!("arm/mg-{mg}"), scope)
            }
            7 | 8 => (&entra, format!("entra/tenant-{}", i % 13), String::new()),
            _ => (
                &groups,
                format!("entra/tenant-{}/groups", i % 13),
                String::new(),
            ),
        };
        let mut doc = doc_template.clone();
        vary(
            &mut doc,
            &mut rng,
            if scope.is_empty() { DEMO_SUB } else { &scope },
            &format!("{:04x}", i % 0xffff),
        );
        let text = if i.is_multiple_of(2) {
            serde_json::to_vec_pretty(&doc)
        } else {
            serde_json::to_vec(&doc)
        }
        .map_err(std::io::Error::other)?;
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("export-{i:06}.json")), &text)?;
        written += doc["value"].as_array().map_or(0, Vec::len);
        files += 1;
        bytes += text.len() as u64;
        i += 1;
    }
    Ok((written, files, bytes))
}
