use super::*;
use std::path::Path;

/// The pack schema, as the pack loader uses it.
static PACK: Kind = Kind::new(
    "pack",
    include_str!("../../schemas/pack.schema.json"),
    &["rules"],
    false,
);

fn read_err(path: &Path) -> String {
    read(path, &path.display().to_string(), "config")
        .expect_err("not read")
        .message
        .clone()
}

#[test]
fn only_regular_files_of_bounded_size_are_read() {
    let dir = tempfile::tempdir().unwrap();
    assert!(read_err(dir.path()).ends_with("it is a directory"));
    assert!(
        read_err(Path::new("/dev/zero"))
            .ends_with("it is not a regular file (a device, FIFO or socket)")
    );
    let big = dir.path().join("big.yaml");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_SIZE + 1)
        .unwrap();
    assert!(read_err(&big).ends_with("it is larger than 4 MiB"));
    let missing = dir.path().join("missing.yaml");
    assert!(read_err(&missing).contains("missing.yaml"));
    let ok = dir.path().join("ok.yaml");
    std::fs::write(&ok, "rules: {}\n").unwrap();
    assert_eq!(read(&ok, "ok.yaml", "config").unwrap(), b"rules: {}\n");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.yaml");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        return; // no mkfifo here
    }
    assert!(read_err(&fifo).ends_with("it is not a regular file (a device, FIFO or socket)"));
}

fn pack_errors(text: &str) -> Vec<(usize, usize, String)> {
    let mut file = DataFile::parse("p.yaml".into(), text.as_bytes(), &PACK).unwrap();
    let _ = file.load::<serde_json::Value>(&|_| false);
    match file.finish(()) {
        Ok(()) => Vec::new(),
        Err(e) => e
            .all()
            .iter()
            .map(|e| (e.line, e.column, e.message.clone()))
            .collect(),
    }
}

#[test]
fn schema_errors_say_what_was_expected_where() {
    assert_eq!(
        pack_errors("name: p\nextends: 7\nrules: []\n"),
        [(
            2,
            10,
            "expected a string or a list of strings, found `7`".into()
        )]
    );
    assert_eq!(
        pack_errors("name: p\nrules:\n  - {rule: PIM101, severity: {tier0: loud}}\n"),
        [(3, 38, "unknown severity `loud`".into())]
    );
    assert_eq!(
        pack_errors("name: p\nrules:\n  - {rule: PIM101, severity: [error]}\n"),
        [(
            3,
            30,
            "expected error, warning, note or a map tier → severity, found a list".into()
        )]
    );
    assert_eq!(
        pack_errors("name: p\nrules:\n  - 5\n"),
        [(
            3,
            5,
            "expected a pack entry: a mapping with `rule` and `severity`, found `5`".into()
        )]
    );
    assert_eq!(
        pack_errors("name: p\nrules:\n  - {rule: PIM101, severity: error, tiers: [tier9]}\n"),
        [(3, 45, "unknown tier `tier9`".into())]
    );
    assert_eq!(
        pack_errors("rules:\n  - {severity: error}\n"),
        [
            (1, 1, "the pack needs a `name`".into()),
            (2, 5, "the entry has no `rule`".into())
        ]
    );
}

#[test]
fn a_file_that_is_not_yaml_or_not_the_kind_shows_none_of_its_content() {
    for bytes in [
        &b"SECRET=hunter2\0PATH=/bin\0"[..],
        b"- hunter2\n",
        b"hunter2: [\n",
    ] {
        let e = DataFile::parse("f.yaml".into(), bytes, &PACK)
            .err()
            .expect("rejected");
        let rendered = format!("{:?}", miette::Report::new(e.clone()));
        assert!(!rendered.contains("hunter2"), "{rendered}");
        assert!(rendered.contains("f.yaml"), "{rendered}");
    }
}
