//! Tar members, plain or gzip-compressed (sdists, npm tarballs).

use crate::budget::{Budget, CountingReader, Overrun, ReadFail, read_capped};
use crate::names::{check_name, normalise};
use crate::{Anomaly, ArchiveError, Ctx, Expanded, Member, wanted};
use flate2::read::GzDecoder;
use std::io::Read;
use tar::{Archive, EntryType};

pub(crate) fn read_gz(
    ctx: &Ctx<'_>,
    name: &str,
    bytes: &[u8],
    budget: &mut Budget,
    out: &mut Expanded,
) -> Result<Vec<Member>, ArchiveError> {
    // The whole gzip stream is bounded by the total budget and by its ratio
    // to the compressed size, so a gzip bomb stops while it streams.
    let by_ratio = budget.ratio_cap(bytes.len() as u64);
    let cap = by_ratio.min(budget.remaining_bytes());
    let mut reader = CountingReader {
        inner: GzDecoder::new(bytes),
        produced: 0,
        cap,
        tripped: false,
    };
    let members = read_tar(ctx, name, &mut reader, budget, out);
    if reader.tripped {
        if cap == by_ratio && by_ratio < budget.remaining_bytes() {
            out.anomalies.push(Anomaly::CompressionRatio {
                path: name.to_string(),
                ratio_limit: budget.limits.max_ratio,
            });
        } else {
            budget.exhaust_bytes();
            push_truncated(budget, out);
        }
    }
    budget.spend(reader.produced);
    members
}

pub(crate) fn read_plain(
    ctx: &Ctx<'_>,
    name: &str,
    bytes: &[u8],
    budget: &mut Budget,
    out: &mut Expanded,
) -> Result<Vec<Member>, ArchiveError> {
    let mut reader = CountingReader {
        inner: bytes,
        produced: 0,
        cap: budget.remaining_bytes(),
        tripped: false,
    };
    let members = read_tar(ctx, name, &mut reader, budget, out);
    budget.spend(reader.produced);
    members
}

fn push_truncated(budget: &Budget, out: &mut Expanded) {
    if let Some(reason) = budget.exhausted.clone()
        && !out
            .anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::Truncated { .. }))
    {
        out.anomalies.push(Anomaly::Truncated { reason });
    }
}

fn read_tar<R: Read>(
    ctx: &Ctx<'_>,
    name: &str,
    reader: &mut CountingReader<R>,
    budget: &mut Budget,
    out: &mut Expanded,
) -> Result<Vec<Member>, ArchiveError> {
    let corrupt = |e: std::io::Error| ArchiveError::Corrupt {
        name: name.to_string(),
        reason: e.to_string(),
    };
    let mut archive = Archive::new(reader);
    let mut members = Vec::new();
    let entries = archive.entries().map_err(corrupt)?;
    for (seen, entry) in entries.enumerate() {
        let mut entry = match entry {
            Ok(e) => e,
            // A stream cut by our own bound ends the walk; the caller records why.
            Err(e) if seen == 0 => return Err(corrupt(e)),
            Err(e) => {
                out.anomalies.push(Anomaly::Unreadable {
                    path: name.to_string(),
                    reason: e.to_string(),
                });
                break;
            }
        };
        if !budget.take_entry() {
            push_truncated(budget, out);
            break;
        }
        let path = normalise(&String::from_utf8_lossy(&entry.path_bytes()));
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default();
            out.anomalies.push(Anomaly::Link { path, target });
            continue;
        }
        if !matches!(kind, EntryType::Regular | EntryType::Continuous) {
            continue;
        }
        if let Some(problem) = check_name(&path) {
            out.anomalies.push(Anomaly::UnsafePath {
                path: path.clone(),
                problem,
            });
        }
        if !wanted(ctx, &path) {
            continue;
        }
        let declared = entry.size();
        if declared > budget.limits.max_entry_bytes {
            out.anomalies.push(Anomaly::EntryTooLarge {
                path,
                limit: budget.limits.max_entry_bytes,
            });
            continue;
        }
        let caps = [(budget.limits.max_entry_bytes, Overrun::Entry)];
        match read_capped(&mut entry, &caps) {
            Ok(data) => members.push(Member { path, data }),
            Err(ReadFail::Over(_)) => out.anomalies.push(Anomaly::EntryTooLarge {
                path,
                limit: budget.limits.max_entry_bytes,
            }),
            Err(ReadFail::Io(e)) => {
                out.anomalies.push(Anomaly::Unreadable {
                    path,
                    reason: e.to_string(),
                });
                break;
            }
        }
    }
    Ok(members)
}
