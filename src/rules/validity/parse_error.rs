use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM001",
    name: "parse-error",
    category: Validity,
    needs: File,
    summary: "The file is not valid JSON or YAML",
}

fn check(_: &Policy, _: &Ctx) -> Vec<Hit> {
    Vec::new()
}

/// The finding's words; the engine places it at the error.
pub fn message(syntax: &str, detail: &str) -> String {
    format!("Not valid {syntax}: {detail}")
}

pub const HELP: &str = "Fix the syntax at this position (re-export the file if it was cut short); the other files of the run are still linted.";
/// The label when reading stopped at the end of the file.
pub const LABEL_AT_END: &str = "the file ends here";
pub const LABEL: &str = "reading stopped here";

const DOC: &str = r##"## What it does
Reports a file that cannot be read: invalid JSON or YAML (truncated, a trailing comma, a comment,
`NaN`), invalid UTF-8, UTF-16 without a byte order mark, or nesting deeper than 256 levels. The
diagnostic points at the line and column where reading stopped.

## Why it matters
A policy that does not parse is a policy nobody reviewed. Graph and ARM reject the same documents,
so a deployment pipeline would fail later and less clearly. The other files of the run are still
linted.

## Example that fails
```json
{ "id": "Expiration_EndUser_Assignment", "maximumDuration": "PT8H", }
```

## Example that passes
```json
{ "id": "Expiration_EndUser_Assignment", "maximumDuration": "PT8H" }
```

## How to fix
Fix the syntax at the reported position. Re-export the file if it was cut short. Save files as
UTF-8, or as UTF-16 with a BOM (Windows PowerShell 5.1 `Out-File` writes UTF-16 LE with a BOM).

## Severity
Baseline: error. A file that does not parse says nothing that can be reviewed, and Graph and ARM
accept only well-formed JSON bodies; the run still fails rather than passing it silently.

## References
- RFC 8259, *The JavaScript Object Notation (JSON) Data Interchange Format*:
  https://www.rfc-editor.org/rfc/rfc8259
- YAML 1.2.2 specification:
  https://yaml.org/spec/1.2.2/
"##;
