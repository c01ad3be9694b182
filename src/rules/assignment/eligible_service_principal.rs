use crate::model::Policy;
use crate::model::directory::{Grant, PrincipalKind};
use crate::rules::{Ctx, Hit};

declare_rule! {
    code: "PIM314",
    name: "eligible-service-principal",
    category: Assignment,
    needs: Role,
    summary: "(assignment data) A service principal is eligible for the role (PIM cannot activate it)",
}

fn check(p: &Policy, _: &Ctx) -> Vec<Hit> {
    let Some(list) = &p.assignments else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter(|a| a.grant == Grant::Eligible && a.principal_kind == Some(PrincipalKind::ServicePrincipal))
        .map(|a| {
            Hit::new(
                &a.pointer,
                format!("Service principal {} is eligible for the role; workloads cannot activate PIM eligibilities", a.principal_id.as_deref().unwrap_or("?")),
                "Remove the eligibility. Give the workload the narrowest role it needs as an active assignment (reviewed), or \
                 use application permissions instead of a directory role.",
            )
            .label("service principal")
        })
        .collect()
}

const DOC: &str = r##"## What it does
Reports role eligibilities whose principal is a service principal (from the expanded `principal`
of the schedule, or ARM `principalType: ServicePrincipal`).

## Why it matters
PIM activation needs an interactive user (MFA, justification). An eligible service principal never
gets the role — or someone converts the eligibility into a permanent assignment to "make it work".
Either way the configuration does not do what it says.

## Example that fails
```json
{ "principalId": "…", "roleDefinitionId": "…", "principal": { "@odata.type": "#microsoft.graph.servicePrincipal", "id": "…" } }
```

## Example that passes
Eligibilities for users and role-assignable groups only.

## How to fix
Remove the eligibility and grant the workload what it needs explicitly.

## Severity
Baseline: error. Microsoft states that service principals cannot be assigned as eligible, so the
data describes something PIM does not do.

## References
- Microsoft Learn, *Plan a Privileged Identity Management deployment* ("You can't assign service principals as eligible to Microsoft Entra roles, Azure roles, and PIM for Groups"):
  https://learn.microsoft.com/entra/id-governance/privileged-identity-management/pim-deployment-plan
"##;
