//! The running totals of one expansion, checked against [`Limits`].

use crate::Limits;
use std::io::{self, Read};

pub(crate) struct Budget {
    pub(crate) limits: Limits,
    entries: usize,
    bytes: u64,
    /// Set once a global bound is hit: nothing more is read.
    pub(crate) exhausted: Option<String>,
}

impl Budget {
    pub(crate) fn new(limits: &Limits) -> Budget {
        Budget {
            limits: *limits,
            entries: 0,
            bytes: 0,
            exhausted: None,
        }
    }

    /// Counts one visited entry; false (and exhausted) past the bound.
    pub(crate) fn take_entry(&mut self) -> bool {
        if self.exhausted.is_some() {
            return false;
        }
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            self.exhausted = Some(format!("more than {} entries", self.limits.max_entries));
            return false;
        }
        true
    }

    /// Bytes still allowed for the whole expansion.
    pub(crate) fn remaining_bytes(&self) -> u64 {
        self.limits.max_total_bytes.saturating_sub(self.bytes)
    }

    pub(crate) fn spend(&mut self, n: u64) {
        self.bytes = self.bytes.saturating_add(n);
    }

    pub(crate) fn exhaust_bytes(&mut self) {
        if self.exhausted.is_none() {
            self.exhausted = Some(format!(
                "more than {} uncompressed bytes",
                self.limits.max_total_bytes
            ));
        }
    }

    /// The most bytes an entry of `compressed` bytes may expand to by ratio.
    pub(crate) fn ratio_cap(&self, compressed: u64) -> u64 {
        compressed
            .saturating_mul(self.limits.max_ratio)
            .max(self.limits.ratio_floor_bytes)
    }
}

/// Why a bounded read stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overrun {
    Entry,
    Total,
    Ratio,
}

/// Reads all of `r`, failing with the first bound that `cap` bytes exceed.
/// `caps` are (bound, reason) pairs; the smallest applies.
pub(crate) fn read_capped(r: &mut dyn Read, caps: &[(u64, Overrun)]) -> Result<Vec<u8>, ReadFail> {
    let (cap, why) = caps
        .iter()
        .copied()
        .min_by_key(|(c, _)| *c)
        .unwrap_or((u64::MAX, Overrun::Entry));
    let mut buf = Vec::new();
    r.take(cap.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(ReadFail::Io)?;
    if buf.len() as u64 > cap {
        return Err(ReadFail::Over(why));
    }
    Ok(buf)
}

#[derive(Debug)]
pub(crate) enum ReadFail {
    Over(Overrun),
    Io(io::Error),
}

/// Counts what a decompressor produces and stops it past a bound, so that a
/// gzip bomb is cut off while streaming (tar readers skip unread data by
/// reading it, which this also bounds).
pub(crate) struct CountingReader<R> {
    pub(crate) inner: R,
    pub(crate) produced: u64,
    pub(crate) cap: u64,
    pub(crate) tripped: bool,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.produced >= self.cap {
            self.tripped = true;
            return Err(io::Error::other("decompression bound reached"));
        }
        let room = usize::try_from(self.cap - self.produced).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.inner.read(buf.get_mut(..len).unwrap_or(&mut []))?;
        self.produced += n as u64;
        Ok(n)
    }
}
