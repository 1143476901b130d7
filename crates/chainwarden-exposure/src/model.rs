//! What the exposure scan reports.

use crate::secret::Fingerprint;
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// A kind of credential a stealer would take. Each maps to one stable rule
/// id, `exposure/<kind>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExposureKind {
    SshPrivateKey,
    AwsCredentials,
    GcpCredentials,
    AzureTokens,
    KubeConfig,
    DockerAuth,
    NpmToken,
    PypiCredentials,
    GitCredentials,
    Netrc,
    DotenvSecret,
    HistorySecret,
    CryptoWallet,
}

impl ExposureKind {
    pub const ALL: [ExposureKind; 13] = [
        ExposureKind::SshPrivateKey,
        ExposureKind::AwsCredentials,
        ExposureKind::GcpCredentials,
        ExposureKind::AzureTokens,
        ExposureKind::KubeConfig,
        ExposureKind::DockerAuth,
        ExposureKind::NpmToken,
        ExposureKind::PypiCredentials,
        ExposureKind::GitCredentials,
        ExposureKind::Netrc,
        ExposureKind::DotenvSecret,
        ExposureKind::HistorySecret,
        ExposureKind::CryptoWallet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExposureKind::SshPrivateKey => "ssh-private-key",
            ExposureKind::AwsCredentials => "aws-credentials",
            ExposureKind::GcpCredentials => "gcp-credentials",
            ExposureKind::AzureTokens => "azure-tokens",
            ExposureKind::KubeConfig => "kube-config",
            ExposureKind::DockerAuth => "docker-auth",
            ExposureKind::NpmToken => "npm-token",
            ExposureKind::PypiCredentials => "pypi-credentials",
            ExposureKind::GitCredentials => "git-credentials",
            ExposureKind::Netrc => "netrc",
            ExposureKind::DotenvSecret => "dotenv-secret",
            ExposureKind::HistorySecret => "history-secret",
            ExposureKind::CryptoWallet => "crypto-wallet",
        }
    }
}

impl fmt::Display for ExposureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One credential a process running as the user could read. Holds no secret:
/// only where it is, what it is and a non-reversible fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Exposure {
    pub kind: ExposureKind,
    pub path: PathBuf,
    /// 1-based line, for line-oriented files (history, `.env`, `.netrc`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What was found, without the value (`OpenSSH ssh-ed25519 key`,
    /// `profile prod`, `registry ghcr.io`, `key format openai`).
    pub detail: String,
    /// For keys: whether a passphrase protects it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// For recognised API keys: the format name (`openai`, `aws-access-key-id`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_format: Option<&'static str>,
    /// `sha256:<first 12 hex>` of the secret, or an SSH key's `SHA256:` fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<Fingerprint>,
}

impl Exposure {
    pub(crate) fn new(
        kind: ExposureKind,
        path: impl Into<PathBuf>,
        detail: impl Into<String>,
    ) -> Exposure {
        Exposure {
            kind,
            path: path.into(),
            line: None,
            detail: detail.into(),
            protected: None,
            key_format: None,
            fingerprint: None,
        }
    }

    pub(crate) fn line(mut self, line: usize) -> Exposure {
        self.line = u32::try_from(line).ok();
        self
    }

    pub(crate) fn fingerprint(mut self, fp: Fingerprint) -> Exposure {
        self.fingerprint = Some(fp);
        self
    }
}
