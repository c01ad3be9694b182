use super::{role_key, scope_key};
use crate::model::compare::{Aspect, weakenings};
use crate::model::{Policy, PolicyKind, Tier};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM502",
    name: "scope-weaker-than-parent",
    category: Approval,
    needs: Run,
    summary: "An Azure role's policy at a child scope is weaker than the same role's policy at a parent scope in the run (settings are not inherited)",
}

/// Whether `parent` is a proper ancestor of `child` by path segment (both [`scope_key`]s).
fn is_ancestor(parent: &str, child: &str) -> bool {
    child.len() > parent.len()
        && child.starts_with(parent)
        && child.as_bytes().get(parent.len()) == Some(&b'/')
}

fn check(p: &Policy, cx: &Ctx) -> Vec<Hit> {
    if p.kind != PolicyKind::AzureResource
        || !matches!(p.tier(), Some(Tier::Tier0 | Tier::Privileged))
    {
        return Vec::new();
    }
    let (Some(role), Some(scope)) = (role_key(p), scope_key(p)) else {
        return Vec::new();
    };
    // The nearest parent scope with a policy for the same role: each level is compared with
    // the one above it, so a weakening is reported once, where it happens.
    let parent = cx
        .policies
        .iter()
        .filter(|q| q.kind == PolicyKind::AzureResource)
        .filter(|q| role_key(q).as_deref() == Some(role.as_str()))
        .filter_map(|q| scope_key(q).map(|s| (s, q)))
        .filter(|(s, _)| is_ancestor(s, &scope))
        .max_by_key(|(s, _)| s.len());
    let Some((parent_scope, parent)) = parent else {
        return Vec::new();
    };
    let shown = parent.scope.as_deref().unwrap_or(&parent_scope);
    weakenings(parent, p, &Aspect::all())
        .into_iter()
        .map(|w| {
            Hit::new(
                w.weak.at.clone(),
                format!(
                    "{} is weaker here than at the parent scope {shown}: {} here, {} there",
                    super::capitalise(&w.aspect.describe()),
                    w.weak.text,
                    w.strong.text
                ),
                format!(
                    "Azure role settings are not inherited: set {} at this scope at least as strictly as at {shown}.",
                    w.aspect.describe()
                ),
            )
            .label(format!("weaker than at {shown}"))
        })
        .collect()
}

const DOC: &str = r##"## What it does
Compares each Azure resource role policy of a tier0 or privileged role (Owner, User Access
Administrator, Contributor, …) with the policy for the same role at the nearest parent scope read
in the same run (scopes are compared by path: a resource group's policy is compared with its subscription's, a resource's with its resource
group's). It reports each setting that is weaker at the child: approval off, fewer activation
requirements (justification, ticket), weaker authentication (none < MFA < authentication
context), a longer activation, permanent or longer assignments, and notifications turned off.

## Why it matters
PIM settings for Azure roles are set per scope and are **not inherited**: a subscription that
requires approval to activate Owner says nothing about the Owner role of a resource group in it.
Someone eligible for Owner on the resource group activates it under the resource group's policy;
a weaker one there bypasses the careful settings above it.

## Example that fails
The Owner policy at `/subscriptions/…` requires approval and PT4H; the Owner policy at
`/subscriptions/…/resourceGroups/prod` has approval off and PT8H.

## Example that passes
The resource group's Owner policy is as strict as the subscription's, or stricter.

## How to fix
Apply the parent scope's settings at the child scope (portal: the resource group → Access control
→ Privileged Identity Management → Settings → the role), or declare them once in code and deploy
them to every scope.

## Severity
Baseline: warning. A management group's relation to its subscriptions is not in the policy
exports, so only scopes whose ids nest by path are compared; a setting one of the two policies
does not state (a partial document, a value known only at deployment) is not compared.

## References
- Microsoft Learn, *Configure Azure resource role settings in Privileged Identity Management*:
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-resource-roles-configure-role-settings
- Microsoft Learn, *Role management policies (ARM)*:
  https://learn.microsoft.com/rest/api/authorization/role-management-policies
"##;
