//! Streaming file hashing: one read of a file feeds every digest needed.

use crate::record::HashAlgorithm;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use std::io::{self, Read};
use std::path::Path;

/// Which digests to compute in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wanted {
    pub sha224: bool,
    pub sha256: bool,
    pub sha384: bool,
    pub sha512: bool,
}

impl Wanted {
    pub fn add(&mut self, alg: &HashAlgorithm) {
        match alg {
            HashAlgorithm::Sha224 => self.sha224 = true,
            HashAlgorithm::Sha256 => self.sha256 = true,
            HashAlgorithm::Sha384 => self.sha384 = true,
            HashAlgorithm::Sha512 => self.sha512 = true,
            HashAlgorithm::Other(_) => {}
        }
    }
}

/// The digests of one file, and what else one pass tells us.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digests {
    pub size: u64,
    pub sha224: Option<Vec<u8>>,
    pub sha256: Option<[u8; 32]>,
    pub sha384: Option<Vec<u8>>,
    pub sha512: Option<Vec<u8>>,
    /// The file starts with `#!` (a script whose shebang an installer may rewrite).
    pub shebang: bool,
}

impl Digests {
    pub fn get(&self, alg: &HashAlgorithm) -> Option<&[u8]> {
        match alg {
            HashAlgorithm::Sha224 => self.sha224.as_deref(),
            HashAlgorithm::Sha256 => self.sha256.as_ref().map(|d| d.as_slice()),
            HashAlgorithm::Sha384 => self.sha384.as_deref(),
            HashAlgorithm::Sha512 => self.sha512.as_deref(),
            HashAlgorithm::Other(_) => None,
        }
    }
}

/// Hashes `file` (already opened) through `buf`, never holding more than one
/// buffer of it in memory.
pub fn hash_reader(mut file: impl Read, wanted: Wanted, buf: &mut [u8]) -> io::Result<Digests> {
    let mut s224 = wanted.sha224.then(Sha224::new);
    let mut s256 = wanted.sha256.then(Sha256::new);
    let mut s384 = wanted.sha384.then(Sha384::new);
    let mut s512 = wanted.sha512.then(Sha512::new);
    let mut out = Digests::default();
    let mut first = true;
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        if first {
            out.shebang = chunk.starts_with(b"#!");
            first = false;
        }
        out.size += n as u64;
        if let Some(h) = s224.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = s256.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = s384.as_mut() {
            h.update(chunk);
        }
        if let Some(h) = s512.as_mut() {
            h.update(chunk);
        }
    }
    out.sha224 = s224.map(|h| h.finalize().to_vec());
    out.sha256 = s256.map(|h| {
        let mut d = [0u8; 32];
        d.copy_from_slice(&h.finalize());
        d
    });
    out.sha384 = s384.map(|h| h.finalize().to_vec());
    out.sha512 = s512.map(|h| h.finalize().to_vec());
    Ok(out)
}

/// Opens and hashes a path (the caller has checked it is a regular file).
pub fn hash_file(path: &Path, wanted: Wanted, buf: &mut [u8]) -> io::Result<Digests> {
    let file = chainwarden_core::fsutil::open_regular(path).map_err(io::Error::other)?;
    hash_reader(file, wanted, buf)
}

/// sha256 of a byte slice.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut d = [0u8; 32];
    d.copy_from_slice(&Sha256::digest(bytes));
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::hex;

    #[test]
    fn one_pass_many_digests_small_buffer() {
        let data = b"abc".repeat(1000);
        let mut buf = [0u8; 7];
        let all = Wanted {
            sha224: true,
            sha256: true,
            sha384: true,
            sha512: true,
        };
        let d = hash_reader(&data[..], all, &mut buf).unwrap();
        assert_eq!(d.size, 3000);
        assert_eq!(d.sha256, Some(sha256(&data)));
        assert_eq!(d.sha512.as_deref(), Some(Sha512::digest(&data).as_slice()));
        let empty = hash_reader(&b""[..], all, &mut buf).unwrap();
        assert_eq!(
            hex(&empty.sha256.unwrap()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(!empty.shebang);
        let none = hash_reader(&b"#!x"[..], Wanted::default(), &mut buf).unwrap();
        assert!(none.sha256.is_none() && none.shebang && none.size == 3);
    }
}
