//! The published JSON Schemas agree with the loader: the built-in packs validate, and a pack the
//! loader rejects for its shape is rejected by the schema too.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may stop at the first surprise

mod common;

use pim_lint::source::{SourceFile, Syntax};
use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("schemas/{name}")).expect("schema file");
    let v: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&v).unwrap_or_else(|e| panic!("{name} is not a valid schema: {e}"))
}

fn yaml_to_json(text: &str) -> Value {
    let src = SourceFile::parse("pack.yaml".into(), text.as_bytes(), Syntax::Yaml);
    src.root.as_ref().expect("YAML parses").to_json()
}

#[test]
fn builtin_packs_validate_against_the_pack_schema() {
    let v = schema("pack.schema.json");
    for (name, text) in pim_lint::pack::BUILTIN_PACKS {
        let doc = yaml_to_json(text);
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn the_schema_rejects_what_the_loader_rejects() {
    let v = schema("pack.schema.json");
    for bad in [
        "name: x\nrules:\n  - {rule: PIM101, severity: loud}\n",
        "name: x\nrules:\n  - {rule: PIM204, severity: error, params: {caps: {tier0: 4 hours}}}\n",
        "name: x\nrules:\n  - {rule: PIM101, severity: {tier9: error}}\n",
        "name: x\nrules:\n  - {rule: PIM101}\n",
        "name: x\nrulez: []\n",
    ] {
        assert!(!v.is_valid(&yaml_to_json(bad)), "schema accepts {bad}");
        assert!(
            pim_lint::pack::load_pack("x.yaml".into(), bad.as_bytes()).is_err(),
            "loader accepts {bad}"
        );
    }
}

#[test]
fn the_role_catalogue_validates_against_its_schema() {
    let v = schema("roles.schema.json");
    let text = std::fs::read_to_string("rules/roles.yaml").expect("roles.yaml");
    let doc = yaml_to_json(&text);
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    for bad in [
        "tier0:\n  - {id: x}\n",
        "tier0:\n  - {id: x, name: X, platform: aws}\n",
        "tier1:\n  - {id: x, name: X}\n",
    ] {
        assert!(!v.is_valid(&yaml_to_json(bad)), "schema accepts {bad}");
        assert!(
            pim_lint::roles::load_roles("r.yaml".into(), bad.as_bytes()).is_err(),
            "loader accepts {bad}"
        );
    }
}

#[test]
fn the_account_mapping_schema_matches_the_readme_shape() {
    let v = schema("account-mapping.schema.json");
    let good = "people:\n  - name: Blake Chen\n    accounts: [blake@contoso.example, adm-blake@contoso.example]\n";
    assert!(v.is_valid(&yaml_to_json(good)));
    assert!(!v.is_valid(&yaml_to_json("people:\n  - name: Blake\n")));
}
