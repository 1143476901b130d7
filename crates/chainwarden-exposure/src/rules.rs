//! One rule per credential kind, `exposure/<kind>`; the fix text is the
//! rotation step. The ids are the public contract: never rename one.

use crate::model::ExposureKind;
use chainwarden_core::{RuleMeta, Severity};

const WHY: &str = "A credential stealer running as this user (a malicious package's install \
                   script or start-up hook, like litellm 1.82.8's) reads exactly these files and \
                   sends them out; every credential listed is what to rotate after a compromise.";

macro_rules! rule {
    ($name:ident, $id:literal, $summary:literal, $sev:expr, $fix:literal) => {
        pub const $name: RuleMeta = RuleMeta {
            id: $id,
            summary: $summary,
            default_severity: $sev,
            why: WHY,
            fix: $fix,
        };
    };
}

rule!(
    SSH_PRIVATE_KEY,
    "exposure/ssh-private-key",
    "An SSH private key readable by the user (graded low when passphrase-protected)",
    Severity::High,
    "Generate a new key (`ssh-keygen -t ed25519`), replace the public key in every authorized_keys, Git host and CI system that trusts the old one, then delete the old key; protect keys with a passphrase or a hardware token."
);
rule!(
    AWS_CREDENTIALS,
    "exposure/aws-credentials",
    "AWS access keys in ~/.aws",
    Severity::High,
    "Create a new access key in IAM, update its users, then deactivate and delete the old key (`aws iam delete-access-key`); prefer short-lived SSO credentials (`aws sso login`)."
);
rule!(
    GCP_CREDENTIALS,
    "exposure/gcp-credentials",
    "Google Cloud credentials (gcloud tokens, application default credentials, service-account keys)",
    Severity::High,
    "Revoke user tokens (`gcloud auth revoke`, `gcloud auth application-default revoke`), delete exposed service-account keys (`gcloud iam service-accounts keys delete`) and move to workload identity or short-lived tokens."
);
rule!(
    AZURE_TOKENS,
    "exposure/azure-tokens",
    "Azure CLI token caches",
    Severity::High,
    "Sign out (`az logout`), revoke the user's refresh tokens (`az ad user revoke-sign-in-sessions` or Entra ID 'Revoke sessions') and rotate any service-principal secrets listed."
);
rule!(
    KUBE_CONFIG,
    "exposure/kube-config",
    "Kubernetes credentials in a kubeconfig (tokens, client keys, passwords)",
    Severity::High,
    "Revoke the service-account token or client certificate on the cluster, issue new credentials, and prefer exec-based short-lived credentials (cloud provider plugins, OIDC)."
);
rule!(
    DOCKER_AUTH,
    "exposure/docker-auth",
    "Registry credentials stored inline in ~/.docker/config.json",
    Severity::High,
    "Revoke the registry token or password at the registry, `docker logout`, and configure a credential helper (`credsStore`) so nothing is stored in plain text."
);
rule!(
    NPM_TOKEN,
    "exposure/npm-token",
    "An npm registry token in .npmrc",
    Severity::High,
    "Revoke the token (`npm token revoke`, or the registry's UI), create a new granular token, and load it from the environment (`${NPM_TOKEN}`) instead of the file."
);
rule!(
    PYPI_CREDENTIALS,
    "exposure/pypi-credentials",
    "A PyPI password or API token in .pypirc",
    Severity::High,
    "Delete the API token in PyPI account settings (change the password if one is stored), and publish with trusted publishing (OIDC) instead of stored tokens."
);
rule!(
    GIT_CREDENTIALS,
    "exposure/git-credentials",
    "Plain-text credentials in the git credential store",
    Severity::High,
    "Revoke the personal access tokens or passwords at each Git host listed, delete the store file, and use a credential helper backed by the OS keychain."
);
rule!(
    NETRC,
    "exposure/netrc",
    "Passwords in .netrc",
    Severity::High,
    "Change the password or revoke the token for each machine listed and remove it from .netrc."
);
rule!(
    DOTENV_SECRET,
    "exposure/dotenv-secret",
    "A secret in a .env file under the home folder",
    Severity::High,
    "Rotate the key at its provider, remove it from the file, and load secrets from a secret manager or the OS keychain at run time."
);
rule!(
    HISTORY_SECRET,
    "exposure/history-secret",
    "An API key, recognised by its published format, in a shell history",
    Severity::High,
    "Rotate the key at its provider, delete the line from the history file, and pass secrets from a secret manager (`HISTCONTROL=ignorespace` keeps space-prefixed commands out)."
);
rule!(
    CRYPTO_WALLET,
    "exposure/crypto-wallet",
    "A cryptocurrency wallet file or wallet extension vault",
    Severity::High,
    "Move funds to a new wallet created on a clean machine (a copied wallet file can be brute-forced offline), then retire the old one."
);

/// Every rule this crate raises.
pub const RULES: &[RuleMeta] = &[
    SSH_PRIVATE_KEY,
    AWS_CREDENTIALS,
    GCP_CREDENTIALS,
    AZURE_TOKENS,
    KUBE_CONFIG,
    DOCKER_AUTH,
    NPM_TOKEN,
    PYPI_CREDENTIALS,
    GIT_CREDENTIALS,
    NETRC,
    DOTENV_SECRET,
    HISTORY_SECRET,
    CRYPTO_WALLET,
];

/// The rule of an exposure kind.
pub fn rule_for(kind: ExposureKind) -> &'static RuleMeta {
    match kind {
        ExposureKind::SshPrivateKey => &SSH_PRIVATE_KEY,
        ExposureKind::AwsCredentials => &AWS_CREDENTIALS,
        ExposureKind::GcpCredentials => &GCP_CREDENTIALS,
        ExposureKind::AzureTokens => &AZURE_TOKENS,
        ExposureKind::KubeConfig => &KUBE_CONFIG,
        ExposureKind::DockerAuth => &DOCKER_AUTH,
        ExposureKind::NpmToken => &NPM_TOKEN,
        ExposureKind::PypiCredentials => &PYPI_CREDENTIALS,
        ExposureKind::GitCredentials => &GIT_CREDENTIALS,
        ExposureKind::Netrc => &NETRC,
        ExposureKind::DotenvSecret => &DOTENV_SECRET,
        ExposureKind::HistorySecret => &HISTORY_SECRET,
        ExposureKind::CryptoWallet => &CRYPTO_WALLET,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_kind_with_matching_id() {
        assert_eq!(RULES.len(), ExposureKind::ALL.len());
        for k in ExposureKind::ALL {
            assert_eq!(rule_for(k).id, format!("exposure/{k}"));
        }
    }
}
