use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM017",
    name: "value-unknown-statically",
    category: Validity,
    needs: Policy,
    summary: "A setting is decided only at deployment (a Terraform variable without a default, a Bicep or ARM parameter, `$ConfigurationData` in a DSC configuration, a placeholder in an EasyPIM config): it was not judged",
}

/// A Bicep module the run does not read (a registry module, a template spec, a path outside
/// the tree): what it deploys is known only at deployment.
pub const MODULE_HELP: &str = "Lint the module's own file (or a `bicep build` template of the whole deployment): pim-lint follows only local, relative .bicep modules";
pub const MODULE_LABEL: &str = "not read";

/// How many expressions the message names before it counts the rest.
const NAMED: usize = 4;

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some(first) = p.unknown.first() else {
        return Vec::new();
    };
    let mut names: Vec<&str> = p.unknown.iter().map(|u| u.value.as_str()).collect();
    names.dedup();
    let shown = names
        .iter()
        .take(NAMED)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = names.len().saturating_sub(NAMED);
    let rest = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let what = if p.unknown.len() == 1 {
        "A setting depends on a value"
    } else {
        "Settings depend on values"
    };
    vec![
        Hit::new(
            &first.pointer,
            format!(
                "{what} known only at deployment ({shown}{rest}): the settings they feed were not judged"
            ),
            "Write the value in the file, or lint what is deployed: Terraform, a variable default or \
             a `terraform show -json` plan; Bicep or an ARM template, a parameter default or the \
             template with its parameter values; Microsoft365DSC, the literal in place of \
             `$ConfigurationData.…`; EasyPIM, the config after the pipeline has filled in its \
             placeholders. Or lint the tenant itself (`pim-lint check --live`).",
        )
        .label("known only at deployment"),
    ]
}

const DOC: &str = r##"## What it does
Authoring formats leave some values to deployment. The formats that can, and what this note
names:

- Terraform (`.tf`): a `variable` without a default, a reference to another resource's
  attribute, a function of either, a `dynamic` block;
- Terraform plans (`terraform show -json`): a value known only after apply that the
  configuration sets (an approver group created in the same apply), named by its reference;
- Bicep (`.bicep`) and ARM deployment templates: a parameter without a default value, a
  reference to another resource, a function of either;
- Microsoft365DSC (`AADRoleSetting` in a `.ps1`): a value known only when the configuration is
  compiled (`$ConfigurationData.NonNodeData.…`, a variable, a string with `$(…)` in it);
- EasyPIM orchestrator configs: an assignment's value left for a pipeline to fill in
  (`#{…}#`, `${…}`, `$(…)`, `{{…}}`, `__NAME__`, `<…>`), or of a type EasyPIM does not read
  there.

pim-lint never guesses such a value. The reader leaves the settings (or the assignment) it
feeds out of the policy (as in a partial document: they are neither passed nor failed) and
this note says, once per policy, which expressions were not judged, pointing at the first.
Exports, live reads and pim-lint's desired-state YAML hold values only: they never produce it.

Values that *can* be known in the file are resolved: literals, `variable` defaults and `locals`
in the same module (Terraform), parameter defaults and variables (Bicep), and roles named the way
the providers' examples name them. A Bicep module is read with the values its call gives, and a
`.bicepparam` gives its values to the file it uses; a value the caller does not know is named with
the caller's file. A loop over a list known only at deployment names the list.

The same note, without a policy, marks a Bicep `module` that is not read: a registry module
(`br:`), a template spec (`ts:`), or a path that is absolute, computed, or outside the working
directory and the caller's folder. What such a module deploys is not judged.

## Why it matters
A linter that treats an unknown value as absent reports false errors (approval "off" because it
comes from a variable), and one that treats it as fine reports a false pass. Saying what was not
judged keeps both out, and tells the reader where to look.

## Example that fails
```hcl
activation_rules {
  maximum_duration = var.activation_duration   # variable without a default
}
```

## Example that passes
```hcl
variable "activation_duration" { default = "PT4H" }
activation_rules { maximum_duration = var.activation_duration }
```

## How to fix
Nothing is wrong with the file: give the variable or parameter a default (or write the literal)
to have it judged, or lint what is deployed: the Terraform plan (`terraform show -json plan.out >
plan.json`), the built template, the EasyPIM config as the pipeline hands it to EasyPIM, or the
live tenant.

## Severity
Note: the policy may well be right; the note only says which settings this run could not see.

## References
- Terraform, *Input Variables* (values assigned at plan time):
  https://developer.hashicorp.com/terraform/language/values/variables
- Microsoft Learn, *Parameters in Bicep* (values supplied at deployment):
  https://learn.microsoft.com/azure/azure-resource-manager/bicep/parameters
- Microsoft Learn, *Using configuration data in DSC* (`$ConfigurationData`, known when the
  configuration is compiled):
  https://learn.microsoft.com/powershell/dsc/configurations/configdata
"##;
