//! Where the bearer tokens come from. In order: a ready token in an environment variable
//! (`PIM_LINT_TOKEN` for Graph and `PIM_LINT_ARM_TOKEN` for ARM, or the variables `--token-env`
//! and `--arm-token-env` name), then Microsoft's `azure_identity` credentials: a client secret
//! (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`), a client certificate
//! (`AZURE_CLIENT_CERTIFICATE_PATH`, with the `certificate` feature), workload identity
//! federation (`AZURE_FEDERATED_TOKEN_FILE`), managed identity (`IDENTITY_ENDPOINT` or
//! `MSI_ENDPOINT`), and last the Azure CLI / Azure Developer CLI login.
//!
//! A token is held in [`Token`], which has no `Display` and whose `Debug` prints nothing of it;
//! it leaves this module only as the value of an `Authorization` header marked sensitive.

use super::LiveError;
use azure_core::credentials::{Secret, TokenCredential, TokenRequestOptions};
use azure_identity::{
    ClientSecretCredential, ClientSecretCredentialOptions, DeveloperToolsCredential,
    ManagedIdentityCredential, WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use std::sync::Arc;

/// A bearer token. Never printed: `Debug` says only that there is one.
#[derive(Clone)]
pub(crate) struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// The `Authorization` header value, marked sensitive (reqwest and hyper then never show it).
    pub(crate) fn header(&self) -> Result<reqwest::header::HeaderValue, LiveError> {
        let mut v = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.0)).map_err(
            |_| LiveError::auth("the token holds characters an HTTP header cannot carry".into()),
        )?;
        v.set_sensitive(true);
        Ok(v)
    }

    /// The token's text, for scrubbing it from anything that is about to be shown.
    pub(crate) fn expose_for_scrub(&self) -> &str {
        &self.0
    }
}

/// Which API a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    Graph,
    Arm,
}

enum Source {
    Static(Token),
    Credential {
        credential: Arc<dyn TokenCredential>,
        name: &'static str,
    },
}

/// The tokens of a run: one source for Graph, one for ARM (absent with `--no-arm`).
pub(crate) struct Tokens {
    graph: Source,
    arm: Option<Source>,
    graph_scope: String,
    arm_scope: String,
}

/// What the user chose on the command line about credentials.
#[derive(Debug, Clone, Default)]
pub struct AuthOptions {
    /// The variable holding a ready Graph token (default `PIM_LINT_TOKEN`).
    pub token_env: Option<String>,
    /// The variable holding a ready ARM token (default `PIM_LINT_ARM_TOKEN`).
    pub arm_token_env: Option<String>,
    /// The Entra authority host for `azure_identity` credentials (sovereign clouds), HTTPS only.
    pub login_url: Option<String>,
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Tokens {
    /// Chooses the token sources. `need_arm` is false with `--no-arm`.
    pub(crate) fn from_env(
        auth: &AuthOptions,
        graph_url: &str,
        arm_url: &str,
        need_arm: bool,
    ) -> Result<Tokens, LiveError> {
        let graph_var = auth.token_env.as_deref().unwrap_or("PIM_LINT_TOKEN");
        let arm_var = auth
            .arm_token_env
            .as_deref()
            .unwrap_or("PIM_LINT_ARM_TOKEN");
        let graph_scope = format!("{}/.default", graph_url.trim_end_matches('/'));
        let arm_scope = format!("{}/.default", arm_url.trim_end_matches('/'));
        let graph_static = env_nonempty(graph_var).map(|t| Source::Static(Token(t.trim().into())));
        let arm_static = env_nonempty(arm_var).map(|t| Source::Static(Token(t.trim().into())));
        if auth.token_env.is_some() && graph_static.is_none() {
            return Err(LiveError::auth(format!(
                "--token-env names {graph_var}, which is not set or empty"
            )));
        }
        if auth.arm_token_env.is_some() && arm_static.is_none() && need_arm {
            return Err(LiveError::auth(format!(
                "--arm-token-env names {arm_var}, which is not set or empty"
            )));
        }
        let (graph, arm) = match (graph_static, arm_static) {
            (Some(g), Some(a)) => (g, need_arm.then_some(a)),
            (Some(g), None) if !need_arm => (g, None),
            (Some(_), None) => {
                return Err(LiveError::auth(format!(
                    "{graph_var} holds a Graph token, but Azure resource policies need an ARM \
                     token too: set {arm_var} (a token for {arm_scope}), or pass --no-arm to read \
                     only Entra roles and PIM for Groups"
                )));
            }
            (None, arm_static) => {
                let (credential, name) = credential(auth)?;
                let arm = if need_arm {
                    Some(arm_static.unwrap_or(Source::Credential {
                        credential: credential.clone(),
                        name,
                    }))
                } else {
                    None
                };
                (Source::Credential { credential, name }, arm)
            }
        };
        Ok(Tokens {
            graph,
            arm,
            graph_scope,
            arm_scope,
        })
    }

    /// A token for `api`.
    pub(crate) async fn get(&self, api: Api) -> Result<Token, LiveError> {
        let (source, scope) = match api {
            Api::Graph => (&self.graph, &self.graph_scope),
            Api::Arm => match &self.arm {
                Some(s) => (s, &self.arm_scope),
                None => {
                    return Err(LiveError::auth(
                        "no ARM credential for an Azure resource request".into(),
                    ));
                }
            },
        };
        match source {
            Source::Static(t) => Ok(t.clone()),
            Source::Credential { credential, name } => {
                let options: Option<TokenRequestOptions<'_>> = None;
                let scopes = [scope.as_str()];
                match credential.get_token(&scopes, options).await {
                    Ok(t) => Ok(Token(t.token.secret().to_owned())),
                    Err(e) => Err(LiveError::auth(format!(
                        "{name} could not get a token for {scope}: {}",
                        one_paragraph(&e.to_string())
                    ))
                    .hint(
                        "sign in with `az login` (people), configure AZURE_TENANT_ID, \
                         AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE \
                         (pipelines), or put ready tokens in PIM_LINT_TOKEN and PIM_LINT_ARM_TOKEN",
                    )),
                }
            }
        }
    }

    /// Every static token's text, so that error texts can be scrubbed of them.
    pub(crate) fn static_texts(&self) -> Vec<String> {
        [Some(&self.graph), self.arm.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|s| match s {
                Source::Static(t) => Some(t.expose_for_scrub().to_owned()),
                Source::Credential { .. } => None,
            })
            .collect()
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// A multi-line credential error on one line, shortened.
fn one_paragraph(s: &str) -> String {
    let joined = s
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("To troubleshoot"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out: String = joined.chars().take(600).collect();
    if out.len() < joined.len() {
        out.push('…');
    }
    out
}

fn client_options(auth: &AuthOptions) -> Result<azure_core::http::ClientOptions, LiveError> {
    let mut options = azure_core::http::ClientOptions::default();
    if let Some(url) = &auth.login_url {
        if !url.starts_with("https://") {
            return Err(LiveError::auth(format!(
                "--login-url must be an https:// authority host (got {url}); azure_identity \
                 refuses any other"
            )));
        }
        let mut custom = azure_core::cloud::CustomConfiguration::default();
        custom.authority_host = url.trim_end_matches('/').to_owned();
        options.cloud = Some(Arc::new(azure_core::cloud::CloudConfiguration::Custom(
            custom,
        )));
    }
    Ok(options)
}

/// The first `azure_identity` credential the environment configures.
fn credential(auth: &AuthOptions) -> Result<(Arc<dyn TokenCredential>, &'static str), LiveError> {
    let wrap = |name: &'static str| {
        move |e: azure_core::Error| {
            LiveError::auth(format!("{name}: {}", first_line(&e.to_string())))
        }
    };
    let tenant = env_nonempty("AZURE_TENANT_ID");
    let client = env_nonempty("AZURE_CLIENT_ID");
    if let Some(secret) = env_nonempty("AZURE_CLIENT_SECRET") {
        let (Some(tenant), Some(client)) = (tenant, client) else {
            return Err(LiveError::auth(
                "AZURE_CLIENT_SECRET is set: AZURE_TENANT_ID and AZURE_CLIENT_ID must be set too"
                    .into(),
            ));
        };
        let options = ClientSecretCredentialOptions {
            client_options: client_options(auth)?,
        };
        let c = ClientSecretCredential::new(&tenant, client, Secret::new(secret), Some(options))
            .map_err(wrap("client secret credential"))?;
        return Ok((c, "the client secret credential"));
    }
    if let Some(path) = env_nonempty("AZURE_CLIENT_CERTIFICATE_PATH") {
        return certificate(auth, tenant, client, &path);
    }
    if env_nonempty("AZURE_FEDERATED_TOKEN_FILE").is_some() {
        let mut options = WorkloadIdentityCredentialOptions::default();
        options.credential_options.client_options = client_options(auth)?;
        let c = WorkloadIdentityCredential::new(Some(options))
            .map_err(wrap("workload identity credential"))?;
        return Ok((c, "the workload identity credential"));
    }
    if env_nonempty("IDENTITY_ENDPOINT").is_some() || env_nonempty("MSI_ENDPOINT").is_some() {
        let c =
            ManagedIdentityCredential::new(None).map_err(wrap("managed identity credential"))?;
        return Ok((c, "the managed identity credential"));
    }
    let c = DeveloperToolsCredential::new(None).map_err(wrap("Azure CLI credential"))?;
    Ok((c, "the Azure CLI / Azure Developer CLI login"))
}

#[cfg(feature = "certificate")]
fn certificate(
    auth: &AuthOptions,
    tenant: Option<String>,
    client: Option<String>,
    path: &str,
) -> Result<(Arc<dyn TokenCredential>, &'static str), LiveError> {
    use azure_identity::{ClientCertificateCredential, ClientCertificateCredentialOptions};
    let (Some(tenant), Some(client)) = (tenant, client) else {
        return Err(LiveError::auth(
            "AZURE_CLIENT_CERTIFICATE_PATH is set: AZURE_TENANT_ID and AZURE_CLIENT_ID must be set too"
                .into(),
        ));
    };
    let bytes = crate::input::read_file(std::path::Path::new(path))
        .map_err(|e| LiveError::auth(format!("AZURE_CLIENT_CERTIFICATE_PATH: {e}")))?;
    let mut options = ClientCertificateCredentialOptions::default();
    options.client_options = client_options(auth)?;
    if let Some(p) = env_nonempty("AZURE_CLIENT_CERTIFICATE_PASSWORD") {
        options.password = Some(Secret::new(p));
    }
    let encoded = base64_encode(&bytes);
    let c = ClientCertificateCredential::new(tenant, client, Secret::new(encoded), Some(options))
        .map_err(|e| {
        LiveError::auth(format!(
            "client certificate credential: {}",
            first_line(&e.to_string())
        ))
    })?;
    Ok((c, "the client certificate credential"))
}

#[cfg(feature = "certificate")]
fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(not(feature = "certificate"))]
fn certificate(
    _: &AuthOptions,
    _: Option<String>,
    _: Option<String>,
    _: &str,
) -> Result<(Arc<dyn TokenCredential>, &'static str), LiveError> {
    Err(LiveError::auth(
        "AZURE_CLIENT_CERTIFICATE_PATH is set, but this build has no certificate credential \
         (rebuild with `--features certificate`, which needs OpenSSL), or use workload identity \
         federation (AZURE_FEDERATED_TOKEN_FILE) or a client secret"
            .into(),
    ))
}
