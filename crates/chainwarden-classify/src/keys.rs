//! The local key: 32 random bytes in a file only its owner can read. It keys
//! the fingerprints in reports (so they are never unsalted hashes of a
//! value), the tag of reversible mappings and the guard's audit log.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

type HmacSha256 = Hmac<Sha256>;

/// A 256-bit key. `Debug` never shows it.
#[derive(Clone)]
pub struct LocalKey([u8; 32]);

impl std::fmt::Debug for LocalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalKey(<redacted>)")
    }
}

impl LocalKey {
    /// `$CHAINWARDEN_KEY_FILE`, else `$XDG_DATA_HOME/chainwarden/local.key`,
    /// else `~/.local/share/chainwarden/local.key`.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("CHAINWARDEN_KEY_FILE") {
            return Some(PathBuf::from(p));
        }
        let data = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
        Some(data.join("chainwarden").join("local.key"))
    }

    /// A fresh key from the operating system's generator.
    pub fn random() -> std::io::Result<LocalKey> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(LocalKey(k))
    }

    /// Reads the key at `path`, creating it (mode 0600, never overwriting) if
    /// it does not exist. A key that is not a regular file of exactly 32
    /// bytes is an error, not replaced.
    pub fn load_or_create(path: &Path) -> std::io::Result<LocalKey> {
        use std::os::unix::fs::OpenOptionsExt;
        match std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
        {
            Ok(f) => {
                if !f.metadata()?.is_file() {
                    return Err(std::io::Error::other(format!(
                        "{}: the key is not a regular file",
                        path.display()
                    )));
                }
                let mut buf = Vec::new();
                f.take(33).read_to_end(&mut buf)?;
                let k: [u8; 32] = buf.try_into().map_err(|_| {
                    std::io::Error::other(format!(
                        "{}: a key file holds exactly 32 bytes",
                        path.display()
                    ))
                })?;
                Ok(LocalKey(k))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let key = LocalKey::random()?;
                match std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path)
                {
                    Ok(mut f) => {
                        f.write_all(&key.0)?;
                        f.sync_all()?;
                        Ok(key)
                    }
                    // Another process created it first: use theirs.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        LocalKey::load_or_create(path)
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", path.display()),
            )),
        }
    }

    /// HMAC-SHA256 over the parts, each length-prefixed (so `("ab","c")` and
    /// `("a","bc")` differ).
    pub fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
        let mut m =
            <HmacSha256 as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        for p in parts {
            m.update(&(p.len() as u64).to_be_bytes());
            m.update(p);
        }
        m.finalize().into_bytes().into()
    }

    /// A short keyed fingerprint of a value: `hmac:` and 16 hex digits.
    pub fn fingerprint(&self, value: &[u8]) -> String {
        let mac = self.mac(&[b"fingerprint", value]);
        format!("hmac:{}", hex(&mac[..8]))
    }

    /// Constant-time comparison of a tag.
    pub fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        let expected = self.mac(parts);
        expected.len() == tag.len()
            && expected.iter().zip(tag).fold(0u8, |a, (x, y)| a | (x ^ y)) == 0
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parses lower- or upper-case hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_private_and_stable() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("k/local.key");
        let a = LocalKey::load_or_create(&p).unwrap();
        let b = LocalKey::load_or_create(&p).unwrap();
        assert_eq!(a.fingerprint(b"x"), b.fingerprint(b"x"));
        assert_ne!(a.fingerprint(b"x"), a.fingerprint(b"y"));
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(format!("{a:?}"), "LocalKey(<redacted>)");
        std::fs::write(&p, b"short").unwrap();
        assert!(LocalKey::load_or_create(&p).is_err());
        assert!(a.verify(&[b"a"], &a.mac(&[b"a"])));
        assert_ne!(a.mac(&[b"ab", b"c"]), a.mac(&[b"a", b"bc"]));
    }
}
