//! A minimal blocking HTTP/1.1 GET client for plain `http://` mirrors.
//!
//! No TLS on purpose: the small Rust TLS stacks pull `ring` (a C/asm build)
//! and `webpki-roots` (CDLA licence), outside our dependency budget. HTTPS
//! downloads go through the system `curl` when present (see [`fetch`]).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: {reason}")]
    Failed { url: String, reason: String },
}

fn fail(url: &str, reason: impl Into<String>) -> FetchError {
    FetchError::Failed {
        url: url.to_string(),
        reason: reason.into(),
    }
}

/// Downloads `url` into `dest` (at most `max_bytes`). `http://` is served by
/// the built-in client, `https://` by `curl` (HTTPS only, no redirects to
/// other schemes), `file://` and plain paths are copied.
pub fn fetch(url: &str, dest: &Path, max_bytes: u64) -> Result<u64, FetchError> {
    if let Some(rest) = url.strip_prefix("http://") {
        http_get(url, rest, dest, max_bytes, 5)
    } else if url.starts_with("https://") {
        curl(url, dest, max_bytes)
    } else {
        let src = url.strip_prefix("file://").unwrap_or(url);
        let bytes = chainwarden_core::fsutil::read_bounded(Path::new(src), max_bytes)
            .map_err(|e| fail(url, e.to_string()))?;
        std::fs::write(dest, &bytes).map_err(|e| fail(url, e.to_string()))?;
        Ok(bytes.len() as u64)
    }
}

fn curl(url: &str, dest: &Path, max_bytes: u64) -> Result<u64, FetchError> {
    let status = std::process::Command::new("curl")
        .args([
            "--proto",
            "=https",
            "--proto-redir",
            "=https",
            "--tlsv1.2",
            "-fsSL",
        ])
        .args([
            "--max-filesize",
            &max_bytes.to_string(),
            "--max-time",
            "1800",
            "-o",
        ])
        .arg(dest)
        .arg(url)
        .status()
        .map_err(|e| {
            fail(
                url,
                format!("HTTPS needs `curl` on PATH ({e}); or use an http:// or local mirror"),
            )
        })?;
    if !status.success() {
        return Err(fail(url, format!("curl failed ({status})")));
    }
    std::fs::metadata(dest)
        .map(|m| m.len())
        .map_err(|e| fail(url, e.to_string()))
}

fn http_get(
    url: &str,
    rest: &str,
    dest: &Path,
    max_bytes: u64,
    redirects: u8,
) -> Result<u64, FetchError> {
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(fail(url, "unsupported URL authority"));
    }
    let addr = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let stream = TcpStream::connect(&addr).map_err(|e| fail(url, e.to_string()))?;
    let timeout = Some(Duration::from_secs(60));
    stream
        .set_read_timeout(timeout)
        .map_err(|e| fail(url, e.to_string()))?;
    stream
        .set_write_timeout(timeout)
        .map_err(|e| fail(url, e.to_string()))?;
    let mut w = &stream;
    write!(
        w,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: chainwarden/{}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n",
        chainwarden_core::TOOL_VERSION
    )
    .map_err(|e| fail(url, e.to_string()))?;
    let mut r = BufReader::new(&stream);
    let mut line = String::new();
    read_line(&mut r, &mut line, url)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| fail(url, format!("bad status line `{}`", line.trim())))?;
    let mut length: Option<u64> = None;
    let mut chunked = false;
    let mut location = None;
    let mut headers = 0;
    loop {
        line.clear();
        read_line(&mut r, &mut line, url)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        headers += 1;
        if headers > 200 {
            return Err(fail(url, "too many response headers"));
        }
        if let Some((k, v)) = l.split_once(':') {
            let v = v.trim();
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = v.parse().ok(),
                "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
                "location" => location = Some(v.to_string()),
                _ => {}
            }
        }
    }
    if (300..400).contains(&status) {
        let to = location.ok_or_else(|| fail(url, format!("HTTP {status} without Location")))?;
        let next = to
            .strip_prefix("http://")
            .ok_or_else(|| fail(url, format!("redirect to `{to}` leaves plain HTTP")))?;
        if redirects == 0 {
            return Err(fail(url, "too many redirects"));
        }
        return http_get(&to, next, dest, max_bytes, redirects - 1);
    }
    if status != 200 {
        return Err(fail(url, format!("HTTP {status}")));
    }
    if length.is_some_and(|l| l > max_bytes) {
        return Err(fail(
            url,
            format!("response is over the {max_bytes}-byte limit"),
        ));
    }
    let mut out = std::fs::File::create(dest).map_err(|e| fail(url, e.to_string()))?;
    let written = if chunked {
        copy_chunked(&mut r, &mut out, max_bytes, url)?
    } else {
        let n = std::io::copy(&mut (&mut r).take(max_bytes + 1), &mut out)
            .map_err(|e| fail(url, e.to_string()))?;
        if let Some(l) = length
            && n != l
        {
            return Err(fail(url, format!("got {n} of {l} bytes")));
        }
        n
    };
    if written > max_bytes {
        return Err(fail(
            url,
            format!("response is over the {max_bytes}-byte limit"),
        ));
    }
    Ok(written)
}

fn read_line<R: BufRead>(r: &mut R, line: &mut String, url: &str) -> Result<(), FetchError> {
    let n = r
        .take(16 * 1024)
        .read_line(line)
        .map_err(|e| fail(url, e.to_string()))?;
    if n == 0 {
        return Err(fail(url, "connection closed early"));
    }
    Ok(())
}

fn copy_chunked<R: BufRead>(
    r: &mut R,
    out: &mut impl Write,
    max: u64,
    url: &str,
) -> Result<u64, FetchError> {
    let mut total = 0u64;
    let mut line = String::new();
    loop {
        line.clear();
        read_line(r, &mut line, url)?;
        let size_hex = line.trim().split(';').next().unwrap_or("");
        let size = u64::from_str_radix(size_hex, 16).map_err(|_| fail(url, "bad chunk size"))?;
        if size == 0 {
            return Ok(total);
        }
        total = total.saturating_add(size);
        if total > max {
            return Err(fail(url, format!("response is over the {max}-byte limit")));
        }
        let n = std::io::copy(&mut r.take(size), out).map_err(|e| fail(url, e.to_string()))?;
        if n != size {
            return Err(fail(url, "truncated chunk"));
        }
        line.clear();
        read_line(r, &mut line, url)?;
    }
}
