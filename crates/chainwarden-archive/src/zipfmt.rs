//! Zip members (wheels, zip sdists, encrypted sample zips).

use crate::budget::{Budget, Overrun, ReadFail, read_capped};
use crate::names::{check_name, normalise};
use crate::{Anomaly, ArchiveError, Ctx, Expanded, Member, wanted};
use std::io::Cursor;
use zip::result::ZipError;
use zip::{ZipArchive, ZipReadOptions};

pub(crate) fn read(
    ctx: &Ctx<'_>,
    name: &str,
    bytes: &[u8],
    budget: &mut Budget,
    out: &mut Expanded,
) -> Result<Vec<Member>, ArchiveError> {
    let corrupt = |e: ZipError| ArchiveError::Corrupt {
        name: name.to_string(),
        reason: e.to_string(),
    };
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut members = Vec::new();
    for index in 0..archive.len() {
        if !budget.take_entry() {
            break;
        }
        let (path, is_dir, is_link, compressed, declared, encrypted) =
            match archive.by_index_data(index) {
                Ok(e) => (
                    normalise(&String::from_utf8_lossy(e.name_raw())),
                    e.is_dir(),
                    e.is_symlink(),
                    e.compressed_size(),
                    e.size(),
                    e.encrypted(),
                ),
                Err(e) => {
                    out.anomalies.push(Anomaly::Unreadable {
                        path: format!("{name}#{index}"),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
        if is_dir {
            continue;
        }
        if let Some(problem) = check_name(&path) {
            out.anomalies.push(Anomaly::UnsafePath {
                path: path.clone(),
                problem,
            });
        }
        if is_link {
            out.anomalies.push(Anomaly::Link {
                path,
                target: String::new(),
            });
            continue;
        }
        if !wanted(ctx, &path) {
            continue;
        }
        // A declared size over a bound is not inflated at all (sizes that lie
        // low are caught while reading, below).
        if declared > budget.limits.max_entry_bytes {
            out.anomalies.push(Anomaly::EntryTooLarge {
                path,
                limit: budget.limits.max_entry_bytes,
            });
            continue;
        }
        if declared > budget.ratio_cap(compressed) {
            out.anomalies.push(Anomaly::CompressionRatio {
                path,
                ratio_limit: budget.limits.max_ratio,
            });
            continue;
        }
        if encrypted && ctx.password.is_none() {
            return Err(ArchiveError::PasswordRequired {
                name: name.to_string(),
            });
        }
        let options = ZipReadOptions::new().password(ctx.password);
        let mut file = match archive.by_index_with_options(index, options) {
            Ok(f) => f,
            Err(ZipError::InvalidPassword) => {
                return Err(ArchiveError::WrongPassword {
                    name: name.to_string(),
                });
            }
            Err(e) => {
                out.anomalies.push(Anomaly::Unreadable {
                    path,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let caps = [
            (budget.limits.max_entry_bytes, Overrun::Entry),
            (budget.remaining_bytes(), Overrun::Total),
            (budget.ratio_cap(compressed), Overrun::Ratio),
        ];
        match read_capped(&mut file, &caps) {
            Ok(data) => {
                budget.spend(data.len() as u64);
                members.push(Member { path, data });
            }
            Err(ReadFail::Over(Overrun::Entry)) => out.anomalies.push(Anomaly::EntryTooLarge {
                path,
                limit: budget.limits.max_entry_bytes,
            }),
            Err(ReadFail::Over(Overrun::Ratio)) => out.anomalies.push(Anomaly::CompressionRatio {
                path,
                ratio_limit: budget.limits.max_ratio,
            }),
            Err(ReadFail::Over(Overrun::Total)) => {
                budget.exhaust_bytes();
                break;
            }
            Err(ReadFail::Io(e)) => out.anomalies.push(Anomaly::Unreadable {
                path,
                reason: e.to_string(),
            }),
        }
    }
    if let Some(reason) = budget.exhausted.clone()
        && !out
            .anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::Truncated { .. }))
    {
        out.anomalies.push(Anomaly::Truncated { reason });
    }
    Ok(members)
}
