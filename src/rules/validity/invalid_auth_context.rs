use crate::model::Policy;
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM011",
    name: "invalid-auth-context",
    category: Validity,
    needs: Policy,
    summary: "Authentication context enabled with an empty claim or one outside c1…c99",
}

/// Conditional Access authentication context ids are `c1` … `c99`.
pub fn is_valid_claim(s: &str) -> bool {
    s.strip_prefix('c')
        .and_then(|n| {
            n.parse::<u8>()
                .ok()
                .filter(|n| (1..=99).contains(n))
                .map(|v| v.to_string() == n)
        })
        .unwrap_or(false)
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some((rule, Some(enabled), claim)) = p.auth_context() else {
        return Vec::new();
    };
    if !enabled.value {
        return Vec::new();
    }
    let help = "Set `claimValue` to the id of an authentication context defined in Conditional Access \
                (c1 … c99), or set `isEnabled` to false.";
    match claim {
        Some(c) => match c.value.as_deref() {
            Some(v) if is_valid_claim(v) => Vec::new(),
            Some("") | None => vec![
                Hit::new(&c.pointer, "The authentication context is enabled but `claimValue` is empty", help).label("empty"),
            ],
            Some(v) => vec![
                Hit::new(
                    &c.pointer,
                    format!("The authentication context is enabled with claim \"{v}\", which is not an authentication context id (c1 … c99)"),
                    help,
                )
                .label("not c1 … c99"),
            ],
        },
        None => vec![
            Hit::new(
                &enabled.pointer,
                if crate::rules::single_rule(p) {
                    "The authentication context is enabled but has no `claimValue`".to_owned()
                } else {
                    format!("{} is enabled but has no `claimValue`", rule.id.value)
                },
                help,
            )
                .label("enabled without a claim"),
        ],
    }
}

const DOC: &str = r##"## What it does
Reports an enabled `AuthenticationContext_EndUser_Assignment` rule whose `claimValue` is missing,
null, empty, or not an authentication context id (`c1` … `c99`).

## Why it matters
An enabled authentication context without a valid claim either fails to deploy or does not bind
activation to any Conditional Access policy — the step-up you think protects the role does not.

## Example that fails
```json
{ "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": true, "claimValue": "" }
```

## Example that passes
```json
{ "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": true, "claimValue": "c1" }
```

## How to fix
Create the authentication context in Conditional Access, bind a policy to it, and put its id in
`claimValue`.

## Severity
Baseline: error. An enabled authentication context with a claim no context can have binds
activation to no Conditional Access policy, or does not deploy.

## References
- Microsoft Graph, *authenticationContextClassReference resource type* (`id`: the value issued in the `acrs` claim, which `claimValue` names):
  https://learn.microsoft.com/graph/api/resources/authenticationcontextclassreference
- Microsoft Graph, *authContext resource type* (`authenticationContextValue`: supported values are `c1` through `c99`):
  https://learn.microsoft.com/graph/api/resources/authcontext
- Microsoft Graph, *unifiedRoleManagementPolicyAuthenticationContextRule resource type*:
  https://learn.microsoft.com/graph/api/resources/unifiedrolemanagementpolicyauthenticationcontextrule
- Microsoft Learn, *Conditional Access: target resources*, section Authentication context:
  https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps#authentication-context
"##;

#[cfg(test)]
mod tests {
    #[test]
    fn claims() {
        for ok in ["c1", "c9", "c10", "c99"] {
            assert!(super::is_valid_claim(ok), "{ok}");
        }
        for bad in ["", "c", "c0", "c100", "C1", "c01", "x1", "c1 "] {
            assert!(!super::is_valid_claim(bad), "{bad}");
        }
    }
}
