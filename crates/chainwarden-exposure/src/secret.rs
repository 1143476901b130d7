//! Secret values held only long enough to fingerprint them.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;

/// A secret read from a file. Its `Debug` never shows the value and it is not
/// `Serialize`: the only thing that leaves this crate is its [`Fingerprint`].
pub(crate) struct Secret(Vec<u8>);

impl Secret {
    pub(crate) fn new(bytes: impl Into<Vec<u8>>) -> Secret {
        Secret(bytes.into())
    }

    pub(crate) fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// A non-reversible label of a secret: the first 12 hex digits of its sha256
/// (`sha256:3f2a…`), or for SSH keys the public key's OpenSSH fingerprint
/// (`SHA256:…`, what `ssh-keygen -lf` prints). Lets a user tell which key or
/// token to rotate without the value ever appearing in output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Fingerprint(String);

impl Fingerprint {
    pub fn of(secret: &[u8]) -> Fingerprint {
        let digest = Sha256::digest(secret);
        let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        Fingerprint(format!("sha256:{hex}"))
    }

    /// The OpenSSH fingerprint of a public key blob.
    pub fn openssh(public_key_blob: &[u8]) -> Fingerprint {
        use base64::Engine;
        let digest = Sha256::digest(public_key_blob);
        Fingerprint(format!(
            "SHA256:{}",
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_fingerprint_is_short() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(<19 bytes redacted>)");
        let fp = s.fingerprint();
        assert_eq!(fp.as_str().len(), "sha256:".len() + 12);
        assert!(!fp.as_str().contains("hunter2"));
    }
}
