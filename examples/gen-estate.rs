//! `cargo run --release --example gen-estate -- --policies 20000 --out /tmp/estate [--seed N]`
//!
//! Writes a realistic PIM estate (ARM policy assignments across management groups, subscriptions
//! and resource groups; Graph directory-role and PIM-for-Groups exports) for benchmarks.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

#[path = "estate/mod.rs"]
mod estate;

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let policies = arg(&args, "--policies")
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let seed = arg(&args, "--seed")
        .and_then(|n| n.parse().ok())
        .unwrap_or(42);
    let Some(out) = arg(&args, "--out") else {
        eprintln!("usage: gen-estate --policies N --out DIR [--seed N]");
        return std::process::ExitCode::from(2);
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    match estate::generate(root, std::path::Path::new(&out), policies, seed) {
        Ok((n, files, bytes)) => {
            println!(
                "wrote {n} policies in {files} files, {:.1} MB, to {out}",
                bytes as f64 / 1e6
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
