//! What a live fetch reads, in three rounds:
//!
//! 1. lists, concurrently: directory-role policy assignments with their policies and rules, role
//!    definitions, role eligibility schedules and assignment schedule instances, users, groups
//!    (and, for `requests`, role assignment schedule requests); on ARM, each scope's policy
//!    assignments (with their effective rules), eligibility schedules and assignment schedule
//!    instances;
//! 2. for every group that may be PIM-managed (role-assignable, an approver, or holding a role),
//!    batched: its PIM for Groups policy assignments (member and owner), eligibility schedules and
//!    assignment schedule instances (and requests);
//! 3. batched: the transitive members of the groups that approve or hold a role.
//!
//! Requests grow with batches and pages, never one per approver or per role.

use super::auth::Api;
use super::docs::{Document, graph_context, list_document, scope_slug, slim_principal};
use super::http::{Endpoint, Http};
use super::{LiveError, Options, RequestsFetch};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

const DIR_POLICIES: Endpoint = Endpoint {
    what: "Graph: directory-role policies",
    permission: "RoleManagementPolicy.Read.Directory (Graph)",
};
const ROLE_DEFINITIONS: Endpoint = Endpoint {
    what: "Graph: directory role definitions",
    permission: "RoleManagement.Read.Directory (Graph)",
};
const DIR_ELIGIBILITY: Endpoint = Endpoint {
    what: "Graph: directory role eligibility schedules",
    permission: "RoleEligibilitySchedule.Read.Directory (Graph)",
};
const DIR_ASSIGNMENTS: Endpoint = Endpoint {
    what: "Graph: directory role assignment schedule instances",
    permission: "RoleAssignmentSchedule.Read.Directory (Graph)",
};
const DIR_REQUESTS: Endpoint = Endpoint {
    what: "Graph: directory role assignment schedule requests",
    permission: "RoleAssignmentSchedule.Read.Directory (Graph)",
};
const USERS: Endpoint = Endpoint {
    what: "Graph: users",
    permission: "User.Read.All (Graph)",
};
const GROUPS: Endpoint = Endpoint {
    what: "Graph: groups",
    permission: "GroupMember.Read.All (Graph)",
};
const MEMBERS: Endpoint = Endpoint {
    what: "Graph: group members",
    permission: "GroupMember.Read.All (Graph)",
};
const GROUP_POLICIES: Endpoint = Endpoint {
    what: "Graph: PIM for Groups policies",
    permission: "RoleManagementPolicy.Read.AzureADGroup (Graph)",
};
const GROUP_ELIGIBILITY: Endpoint = Endpoint {
    what: "Graph: PIM for Groups eligibility schedules",
    permission: "PrivilegedEligibilitySchedule.Read.AzureADGroup (Graph)",
};
const GROUP_ASSIGNMENTS: Endpoint = Endpoint {
    what: "Graph: PIM for Groups assignment schedule instances",
    permission: "PrivilegedAssignmentSchedule.Read.AzureADGroup (Graph)",
};
const GROUP_REQUESTS: Endpoint = Endpoint {
    what: "Graph: PIM for Groups assignment schedule requests",
    permission: "PrivilegedAssignmentSchedule.Read.AzureADGroup (Graph)",
};
const SUBSCRIPTIONS: Endpoint = Endpoint {
    what: "ARM: subscriptions",
    permission: "Reader on the subscriptions to lint (or name them with --scope)",
};
const MANAGEMENT_GROUPS: Endpoint = Endpoint {
    what: "ARM: management groups",
    permission: "Reader on the management groups to lint (or name the scopes with --scope)",
};
const ARM_POLICIES: Endpoint = Endpoint {
    what: "ARM: role management policy assignments",
    permission: "Reader (Microsoft.Authorization/roleManagementPolicyAssignments/read) on the scope",
};
const ARM_ELIGIBILITY: Endpoint = Endpoint {
    what: "ARM: role eligibility schedules",
    permission: "Reader (Microsoft.Authorization/roleEligibilitySchedules/read) on the scope",
};
const ARM_ASSIGNMENTS: Endpoint = Endpoint {
    what: "ARM: role assignment schedule instances",
    permission: "Reader (Microsoft.Authorization/roleAssignmentScheduleInstances/read) on the scope",
};

const ARM_API: &str = "api-version=2020-10-01";
const USER_FIELDS: &str = "id,displayName,userPrincipalName,accountEnabled,userType,employeeId,onPremisesSyncEnabled,assignedPlans";
const GROUP_FIELDS: &str =
    "id,displayName,isAssignableToRole,membershipRule,securityEnabled,mailEnabled,groupTypes";

/// A Graph path with its spaces percent-encoded (the rest of OData's syntax is left as Graph
/// documents it).
fn q(path: &str) -> String {
    path.replace(' ', "%20")
}

/// An id as it may appear inside a quoted OData literal (ids are GUIDs; anything else is
/// refused rather than spliced into a filter).
fn odata_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(id)
}

pub(crate) async fn fetch_all(http: Arc<Http>, opts: &Options) -> Result<Vec<Document>, LiveError> {
    let mut out = Vec::new();

    // Round 1: Graph lists and ARM, concurrently.
    let g = Arc::clone(&http);
    let dir_policies = g.list(
        Api::Graph,
        g.graph_url(&q("/policies/roleManagementPolicyAssignments?$filter=scopeId eq '/' and scopeType eq 'DirectoryRole'&$expand=policy($expand=rules)")),
        DIR_POLICIES,
    );
    let role_defs = g.list(
        Api::Graph,
        g.graph_url(
            "/roleManagement/directory/roleDefinitions?$select=id,displayName,templateId,isBuiltIn",
        ),
        ROLE_DEFINITIONS,
    );
    let eligibility = g.list(
        Api::Graph,
        g.graph_url("/roleManagement/directory/roleEligibilitySchedules?$expand=principal"),
        DIR_ELIGIBILITY,
    );
    let instances = g.list(
        Api::Graph,
        g.graph_url("/roleManagement/directory/roleAssignmentScheduleInstances?$expand=principal"),
        DIR_ASSIGNMENTS,
    );
    let users = g.list(
        Api::Graph,
        g.graph_url(&format!("/users?$select={USER_FIELDS}&$top=999")),
        USERS,
    );
    let groups = g.list(
        Api::Graph,
        g.graph_url(&format!("/groups?$select={GROUP_FIELDS}&$top=999")),
        GROUPS,
    );
    let requests = directory_requests(&g, opts.requests.as_ref());
    let arm = arm(&g, opts);
    let (dir_policies, role_defs, eligibility, instances, users, groups, requests, arm) = tokio::try_join!(
        dir_policies,
        role_defs,
        eligibility,
        instances,
        users,
        groups,
        requests,
        arm
    )?;

    // Which groups may be PIM-managed, and which need their members.
    let mut approvers = BTreeSet::new();
    dir_policies
        .iter()
        .chain(arm.policies.iter())
        .for_each(|p| approver_groups(p, &mut approvers));
    let mut holders = BTreeSet::new();
    group_principals(eligibility.iter().chain(instances.iter()), &mut holders);
    for s in arm.schedules.iter() {
        let props = s.get("properties");
        let is_group = props
            .and_then(|p| p.get("principalType"))
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("Group"));
        if is_group
            && let Some(id) = props
                .and_then(|p| p.get("principalId"))
                .and_then(Value::as_str)
        {
            holders.insert(id.to_ascii_lowercase());
        }
    }
    let known_groups: BTreeSet<String> = groups
        .iter()
        .filter_map(|g| g.get("id").and_then(Value::as_str))
        .map(str::to_ascii_lowercase)
        .collect();
    let mut candidates: BTreeSet<String> = groups
        .iter()
        .filter(|g| {
            opts.all_groups
                || g.get("isAssignableToRole")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
        })
        .filter_map(|g| g.get("id").and_then(Value::as_str))
        .map(str::to_ascii_lowercase)
        .collect();
    candidates.extend(approvers.iter().cloned());
    candidates.extend(holders.iter().cloned());
    let candidates: Vec<String> = candidates
        .into_iter()
        .filter(|id| known_groups.contains(id))
        .filter(|id| odata_id(id).is_some())
        .collect();

    // Round 2: PIM for Groups, batched per group.
    let per_group = if opts.requests.is_some() { 4 } else { 3 };
    let mut paths = Vec::with_capacity(candidates.len() * per_group);
    for id in &candidates {
        paths.push((
            q(&format!("/policies/roleManagementPolicyAssignments?$filter=scopeId eq '{id}' and scopeType eq 'Group'&$expand=policy($expand=rules)")),
            GROUP_POLICIES,
        ));
        paths.push((
            q(&format!(
                "/identityGovernance/privilegedAccess/group/eligibilitySchedules?$filter=groupId eq '{id}'"
            )),
            GROUP_ELIGIBILITY,
        ));
        paths.push((
            q(&format!(
                "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=groupId eq '{id}'"
            )),
            GROUP_ASSIGNMENTS,
        ));
        if opts.requests.is_some() {
            paths.push((
                q(&format!(
                    "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests?$filter=groupId eq '{id}'"
                )),
                GROUP_REQUESTS,
            ));
        }
    }
    let answers = http.batch_lists(paths).await?;
    let (mut group_policies, mut group_eligibility, mut group_instances, mut group_requests) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, items) in answers.into_iter().enumerate() {
        match i % per_group {
            0 => group_policies.extend(items),
            1 => group_eligibility.extend(items),
            2 => group_instances.extend(items),
            _ => group_requests.extend(items),
        }
    }
    group_policies
        .iter()
        .for_each(|p| approver_groups(p, &mut approvers));
    group_principals(
        group_eligibility.iter().chain(group_instances.iter()),
        &mut holders,
    );

    // Round 3: members of the groups that approve or hold something, batched.
    let expand: Vec<String> = approvers
        .union(&holders)
        .filter(|id| known_groups.contains(*id))
        .filter(|id| odata_id(id).is_some())
        .cloned()
        .collect();
    let paths: Vec<(String, Endpoint)> = expand
        .iter()
        .map(|id| {
            (
                format!("/groups/{id}/transitiveMembers?$select=id"),
                MEMBERS,
            )
        })
        .collect();
    let members = http.batch_lists(paths).await?;
    let mut members_of = std::collections::HashMap::new();
    for (id, list) in expand.iter().zip(members) {
        let slim: Vec<Value> = list
            .into_iter()
            .map(|m| {
                let mut o = serde_json::Map::new();
                for k in ["@odata.type", "id"] {
                    if let Some(v) = m.get(k) {
                        o.insert(k.into(), v.clone());
                    }
                }
                Value::Object(o)
            })
            .collect();
        members_of.insert(id.clone(), slim);
    }
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|mut g| {
            let id = g
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase);
            if let (Some(id), Value::Object(o)) = (id, &mut g)
                && let Some(m) = members_of.remove(&id)
            {
                o.insert("members".into(), Value::Array(m));
            }
            g
        })
        .collect();

    let graph = |n: &str| format!("graph/{n}");
    out.push(list_document(
        graph("directory-roles/policy-assignments.json"),
        Some(graph_context(
            "policies/roleManagementPolicyAssignments(policy(rules()))",
        )),
        dir_policies,
    ));
    out.push(list_document(
        graph("directory-roles/role-definitions.json"),
        Some(graph_context(
            "roleManagement/directory/roleDefinitions(id,displayName,templateId,isBuiltIn)",
        )),
        role_defs,
    ));
    out.push(list_document(
        graph("directory-roles/eligibility-schedules.json"),
        Some(graph_context(
            "roleManagement/directory/roleEligibilitySchedules(principal())",
        )),
        eligibility.into_iter().map(slim_principal).collect(),
    ));
    out.push(list_document(
        graph("directory-roles/assignment-schedule-instances.json"),
        Some(graph_context(
            "roleManagement/directory/roleAssignmentScheduleInstances(principal())",
        )),
        instances.into_iter().map(slim_principal).collect(),
    ));
    out.push(list_document(
        graph("users.json"),
        Some(graph_context(&format!("users({USER_FIELDS})"))),
        users,
    ));
    out.push(list_document(
        graph("groups.json"),
        Some(graph_context(&format!("groups({GROUP_FIELDS},members())"))),
        groups,
    ));
    out.push(list_document(
        graph("groups/policy-assignments.json"),
        Some(graph_context(
            "policies/roleManagementPolicyAssignments(policy(rules()))",
        )),
        group_policies,
    ));
    out.push(list_document(
        graph("groups/eligibility-schedules.json"),
        Some(graph_context(
            "identityGovernance/privilegedAccess/group/eligibilitySchedules",
        )),
        group_eligibility,
    ));
    out.push(list_document(
        graph("groups/assignment-schedule-instances.json"),
        Some(graph_context(
            "identityGovernance/privilegedAccess/group/assignmentScheduleInstances",
        )),
        group_instances,
    ));
    if let Some(r) = &opts.requests {
        out.push(list_document(
            graph("directory-roles/assignment-schedule-requests.json"),
            Some(graph_context(
                "roleManagement/directory/roleAssignmentScheduleRequests",
            )),
            requests,
        ));
        out.push(list_document(
            graph("groups/assignment-schedule-requests.json"),
            Some(graph_context(
                "identityGovernance/privilegedAccess/group/assignmentScheduleRequests",
            )),
            group_requests.into_iter().filter(|x| r.wants(x)).collect(),
        ));
    }
    out.extend(arm.documents);
    Ok(out)
}

/// Directory-role requests: pending ones, and with `--since` those created since then.
async fn directory_requests(
    http: &Http,
    fetch: Option<&RequestsFetch>,
) -> Result<Vec<Value>, LiveError> {
    let Some(fetch) = fetch else {
        return Ok(Vec::new());
    };
    let base = "/roleManagement/directory/roleAssignmentScheduleRequests";
    let mut items = http
        .list(
            Api::Graph,
            http.graph_url(&q(&format!("{base}?$filter=status eq 'PendingApproval'"))),
            DIR_REQUESTS,
        )
        .await?;
    if let Some(since) = &fetch.since {
        items.extend(
            http.list(
                Api::Graph,
                http.graph_url(&q(&format!("{base}?$filter=createdDateTime ge {since}"))),
                DIR_REQUESTS,
            )
            .await?,
        );
    }
    Ok(items)
}

#[derive(Default)]
struct Arm {
    documents: Vec<Document>,
    /// Every scope's policy assignments (for the approver groups they name).
    policies: Vec<Value>,
    /// Every scope's schedules (for the groups that hold roles).
    schedules: Vec<Value>,
}

async fn arm(http: &Http, opts: &Options) -> Result<Arm, LiveError> {
    let mut arm = Arm::default();
    if !opts.arm {
        return Ok(arm);
    }
    let scopes: Vec<String> = if opts.scopes.is_empty() {
        // Every subscription and management group the caller can see (an empty list is a
        // caller with no Azure access: nothing to read, not an error).
        let (subs, groups) = tokio::try_join!(
            http.list(
                Api::Arm,
                http.arm_url("/subscriptions?api-version=2020-01-01"),
                SUBSCRIPTIONS,
            ),
            http.list(
                Api::Arm,
                http.arm_url(
                    "/providers/Microsoft.Management/managementGroups?api-version=2020-05-01"
                ),
                MANAGEMENT_GROUPS,
            ),
        )?;
        let mut ids: Vec<String> = subs
            .iter()
            .chain(groups.iter())
            .filter_map(|s| s.get("id").and_then(Value::as_str))
            .map(str::to_owned)
            .collect();
        ids.sort_by_key(|a| a.to_ascii_lowercase());
        ids.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        ids
    } else {
        opts.scopes.clone()
    };
    let mut lists = Vec::new();
    for scope in &scopes {
        let scope = scope.trim_end_matches('/').to_owned();
        lists.push(async move {
            let base = |kind: &str| {
                http.arm_url(&format!(
                    "{scope}/providers/Microsoft.Authorization/{kind}?{ARM_API}"
                ))
            };
            let (p, e, a) = tokio::try_join!(
                http.list(
                    Api::Arm,
                    base("roleManagementPolicyAssignments"),
                    ARM_POLICIES
                ),
                http.list(Api::Arm, base("roleEligibilitySchedules"), ARM_ELIGIBILITY),
                http.list(
                    Api::Arm,
                    base("roleAssignmentScheduleInstances"),
                    ARM_ASSIGNMENTS
                ),
            )
            .map_err(|e| LiveError {
                what: format!("{} at {scope}", e.what),
                ..e
            })?;
            Ok::<_, LiveError>((scope.clone(), p, e, a))
        });
    }
    let results = futures_join_all(lists).await?;
    for (scope, p, e, a) in results {
        let slug = scope_slug(&scope);
        arm.policies.extend(p.iter().cloned());
        arm.schedules.extend(e.iter().cloned());
        arm.schedules.extend(a.iter().cloned());
        arm.documents.push(list_document(
            format!("arm/{slug}/policy-assignments.json"),
            None,
            p,
        ));
        arm.documents.push(list_document(
            format!("arm/{slug}/eligibility-schedules.json"),
            None,
            e,
        ));
        arm.documents.push(list_document(
            format!("arm/{slug}/assignment-schedule-instances.json"),
            None,
            a,
        ));
    }
    Ok(arm)
}

/// Runs futures concurrently on this task and collects their results in order; the first error
/// wins (the semaphore in [`Http`] bounds what is in flight).
async fn futures_join_all<F, T>(futures: Vec<F>) -> Result<Vec<T>, LiveError>
where
    F: std::future::Future<Output = Result<T, LiveError>>,
{
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<T>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if results.get(i).is_some_and(Option::is_some) {
                continue;
            }
            match f.as_mut().poll(cx) {
                std::task::Poll::Ready(Ok(v)) => {
                    if let Some(slot) = results.get_mut(i) {
                        *slot = Some(v);
                    }
                }
                std::task::Poll::Ready(Err(e)) => return std::task::Poll::Ready(Err(e)),
                std::task::Poll::Pending => pending = true,
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(Ok(()))
        }
    })
    .await?;
    Ok(results.into_iter().flatten().collect())
}

/// The groups among the principals of Graph schedules (`principal` expanded).
fn group_principals<'a>(schedules: impl Iterator<Item = &'a Value>, out: &mut BTreeSet<String>) {
    for s in schedules {
        if principal_is_group(s)
            && let Some(id) = s.get("principalId").and_then(Value::as_str)
        {
            out.insert(id.to_ascii_lowercase());
        }
    }
}

fn principal_is_group(schedule: &Value) -> bool {
    schedule
        .get("principal")
        .and_then(|p| p.get("@odata.type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("#microsoft.graph.group"))
}

/// The groups a policy names as approvers: Graph v1.0 `groupMembers` (`groupId`), Graph beta and
/// ARM (`{id, userType: Group}`), anywhere under the policy's approval rule.
fn approver_groups(policy: &Value, out: &mut BTreeSet<String>) {
    let mut stack = vec![policy];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(id) = o.get("groupId").and_then(Value::as_str) {
                    out.insert(id.to_ascii_lowercase());
                }
                let is_group = o
                    .get("userType")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.eq_ignore_ascii_case("Group"));
                if is_group && let Some(id) = o.get("id").and_then(Value::as_str) {
                    out.insert(id.to_ascii_lowercase());
                }
                stack.extend(o.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn approver_groups_in_every_shape() {
        let p = json!({"rules": [{"setting": {"approvalStages": [{
            "primaryApprovers": [{"@odata.type": "#microsoft.graph.groupMembers", "groupId": "G1"}],
            "escalationApprovers": [{"id": "g2", "userType": "Group"}, {"id": "u1", "userType": "User"}]
        }]}}]});
        let mut out = BTreeSet::new();
        approver_groups(&p, &mut out);
        assert_eq!(out.into_iter().collect::<Vec<_>>(), vec!["g1", "g2"]);
    }

    #[test]
    fn ids_spliced_into_filters_are_plain() {
        assert!(odata_id("5c9e1f3a-7b2d-4e6c-8a0f-9d8c7b6a5f4e").is_some());
        assert!(odata_id("x' or 1 eq 1").is_none());
        assert!(odata_id("").is_none());
    }
}
