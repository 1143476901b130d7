//! SSH private keys: OpenSSH's own format, PEM (PKCS#1/SEC1) and PKCS#8.
//!
//! Whether a key is passphrase-protected is read from the key itself:
//! - OpenSSH (`openssh-key-v1`, PROTOCOL.key): the `ciphername` string is
//!   `none` for an unprotected key;
//! - PEM: a `Proc-Type: 4,ENCRYPTED` header;
//! - PKCS#8: `BEGIN ENCRYPTED PRIVATE KEY` vs `BEGIN PRIVATE KEY`.

use crate::secret::{Fingerprint, Secret};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// What a private key file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeyInfo {
    /// `openssh`, `pem`, `pkcs8`.
    pub(crate) format: &'static str,
    /// `ssh-ed25519`, `ssh-rsa`, `RSA`, `EC`…, when known.
    pub(crate) algorithm: String,
    pub(crate) protected: bool,
    pub(crate) fingerprint: Fingerprint,
}

/// Reads the first private key block of `text`, if any.
pub(crate) fn parse_private_key(text: &str) -> Option<KeyInfo> {
    let begin = text.find("-----BEGIN ")?;
    let rest = text.get(begin + "-----BEGIN ".len()..)?;
    let label_end = rest.find("-----")?;
    let label = rest.get(..label_end)?.trim();
    if !label.ends_with("PRIVATE KEY") {
        return None;
    }
    let body_start = label_end + 5;
    let end_marker = format!("-----END {label}-----");
    let body_and_end = rest.get(body_start..)?;
    let body = body_and_end.get(..body_and_end.find(&end_marker)?)?;
    let (headers, b64): (Vec<&str>, Vec<&str>) = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .partition(|l| l.contains(':'));
    let der = STANDARD.decode(b64.concat()).ok()?;
    match label {
        "OPENSSH PRIVATE KEY" => parse_openssh(&der),
        "ENCRYPTED PRIVATE KEY" => Some(KeyInfo {
            format: "pkcs8",
            algorithm: String::new(),
            protected: true,
            fingerprint: Secret::new(der).fingerprint(),
        }),
        "PRIVATE KEY" => Some(KeyInfo {
            format: "pkcs8",
            algorithm: String::new(),
            protected: false,
            fingerprint: Secret::new(der).fingerprint(),
        }),
        _ => {
            let protected = headers
                .iter()
                .any(|h| h.starts_with("Proc-Type:") && h.contains("ENCRYPTED"));
            Some(KeyInfo {
                format: "pem",
                algorithm: label.trim_end_matches("PRIVATE KEY").trim().to_string(),
                protected,
                fingerprint: Secret::new(der).fingerprint(),
            })
        }
    }
}

/// A cursor over the SSH wire format (uint32 big-endian lengths).
struct Wire<'a>(&'a [u8]);

impl<'a> Wire<'a> {
    fn u32(&mut self) -> Option<u32> {
        let (head, rest) = self.0.split_first_chunk::<4>()?;
        self.0 = rest;
        Some(u32::from_be_bytes(*head))
    }

    fn string(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        let s = self.0.get(..n)?;
        self.0 = self.0.get(n..)?;
        Some(s)
    }
}

fn parse_openssh(blob: &[u8]) -> Option<KeyInfo> {
    const MAGIC: &[u8] = b"openssh-key-v1\0";
    let mut w = Wire(blob.strip_prefix(MAGIC)?);
    let cipher = w.string()?;
    let _kdf = w.string()?;
    let _kdf_options = w.string()?;
    let n_keys = w.u32()?;
    if n_keys == 0 {
        return None;
    }
    let public = w.string()?;
    let algorithm = Wire(public)
        .string()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .unwrap_or_default();
    Some(KeyInfo {
        format: "openssh",
        algorithm,
        protected: cipher != b"none",
        // The public key's fingerprint: what `ssh-keygen -lf` shows.
        fingerprint: Fingerprint::openssh(public),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_not_a_key() {
        for t in [
            "",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "-----BEGIN RSA PRIVATE KEY-----\nnot base64 !!\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA/////w==\n-----END OPENSSH PRIVATE KEY-----",
        ] {
            assert_eq!(parse_private_key(t), None, "{t}");
        }
    }
}
