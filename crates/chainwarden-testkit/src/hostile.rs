//! Hostile inputs, generated cheaply: archives that explode, nest, lie or
//! break off, built in memory in milliseconds and small on disk.
//!
//! The bombs repeat one deflate chunk: 1 MiB of one byte compressed after a
//! full flush starts and ends on a byte boundary with no back-reference
//! before it, so the same bytes appended N times inflate to N MiB (deflate's
//! best ratio is about 1000:1; a GiB costs about 1 MiB).

use flate2::{Compress, Compression, Crc, FlushCompress};
use std::io::{Cursor, Write};

const MIB: usize = 1024 * 1024;

/// `data` deflated by a fresh compressor and ended with a full flush: it
/// starts and ends on a byte boundary and refers to nothing before it, so
/// such chunks concatenate into one valid stream.
fn flushed_chunk(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() / 100 + 64 * 1024);
    c.compress_vec(data, &mut out, FlushCompress::Full)
        .expect("deflate");
    assert_eq!(c.total_in() as usize, data.len(), "chunk buffer too small");
    out
}

/// A raw deflate stream of `prefix` then `mib` MiB of the byte `fill`, with
/// the CRC-32 and length of what it inflates to.
pub fn deflated(prefix: &[u8], fill: u8, mib: usize) -> (Vec<u8>, u32, u64) {
    let block = vec![fill; MIB];
    let chunk = flushed_chunk(&block);
    let mut one = Crc::new();
    one.update(&block);
    let mut stream = flushed_chunk(prefix);
    stream.reserve(chunk.len() * mib + 2);
    let mut crc = Crc::new();
    crc.update(prefix);
    for _ in 0..mib {
        stream.extend_from_slice(&chunk);
        crc.combine(&one);
    }
    // An empty final block with fixed codes.
    stream.extend_from_slice(&[0x03, 0x00]);
    (stream, crc.sum(), (prefix.len() + mib * MIB) as u64)
}

/// How a zip bomb states its members' sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// The real uncompressed size (caught before inflating).
    Honest,
    /// A few bytes (caught only while inflating).
    Lying,
}

/// A zip of `entries` members named `bomb/N.py`, each inflating to
/// `mib_each` MiB of zeros. All central-directory entries point at one
/// local entry (overlapping members, as real zip bombs do), so the file
/// holds one compressed stream: ten 1 GiB members take about 1 MiB.
pub fn zip_bomb(entries: usize, mib_each: usize, declared: Declared) -> Vec<u8> {
    let (data, crc, len) = deflated(b"", 0, mib_each);
    let size = match declared {
        Declared::Honest => u32::try_from(len).expect("under 4 GiB (no zip64)"),
        Declared::Lying => 100,
    };
    let csize = u32::try_from(data.len()).expect("under 4 GiB");
    let name = b"bomb/0.py";
    let mut z = Vec::new();
    local_header(&mut z, name, 8, crc, csize, size);
    z.extend_from_slice(&data);
    let cd_start = z.len();
    for i in 0..entries {
        let name = format!("bomb/{i}.py");
        central_header(&mut z, name.as_bytes(), 8, crc, csize, size, 0);
    }
    end_of_central_directory(&mut z, entries, cd_start);
    z
}

/// An OSV export zip of `records` (entry name, JSON), each padded with
/// `pad_mib` MiB of spaces after the JSON (still one valid record): about
/// 1 KiB on disk per MiB of padding.
pub fn padded_osv_zip(records: &[(String, Vec<u8>)], pad_mib: usize) -> Vec<u8> {
    let mut z = Vec::new();
    let mut central = Vec::new();
    for (name, json) in records {
        let (data, crc, len) = deflated(json, b' ', pad_mib);
        let csize = u32::try_from(data.len()).expect("under 4 GiB");
        let size = u32::try_from(len).expect("under 4 GiB");
        let offset = u32::try_from(z.len()).expect("under 4 GiB");
        local_header(&mut z, name.as_bytes(), 8, crc, csize, size);
        z.extend_from_slice(&data);
        central_header(&mut central, name.as_bytes(), 8, crc, csize, size, offset);
    }
    let cd_start = z.len();
    z.extend_from_slice(&central);
    end_of_central_directory(&mut z, records.len(), cd_start);
    z
}

fn local_header(z: &mut Vec<u8>, name: &[u8], method: u16, crc: u32, csize: u32, size: u32) {
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    z.extend_from_slice(&20u16.to_le_bytes()); // version needed
    z.extend_from_slice(&0u16.to_le_bytes()); // flags
    z.extend_from_slice(&method.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes()); // time
    z.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&csize.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes()); // extra
    z.extend_from_slice(name);
}

fn central_header(
    z: &mut Vec<u8>,
    name: &[u8],
    method: u16,
    crc: u32,
    csize: u32,
    size: u32,
    offset: u32,
) {
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    z.extend_from_slice(&20u16.to_le_bytes()); // made by
    z.extend_from_slice(&20u16.to_le_bytes()); // needed
    z.extend_from_slice(&0u16.to_le_bytes()); // flags
    z.extend_from_slice(&method.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(&0x21u16.to_le_bytes());
    z.extend_from_slice(&crc.to_le_bytes());
    z.extend_from_slice(&csize.to_le_bytes());
    z.extend_from_slice(&size.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
    z.extend_from_slice(&0u32.to_le_bytes()); // external attributes
    z.extend_from_slice(&offset.to_le_bytes());
    z.extend_from_slice(name);
}

fn end_of_central_directory(z: &mut Vec<u8>, entries: usize, cd_start: usize) {
    let count = u16::try_from(entries).expect("under 65,536 entries (no zip64)");
    let cd_size = (z.len() - cd_start) as u32;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    z.extend_from_slice(&[0; 4]); // disk numbers
    z.extend_from_slice(&count.to_le_bytes());
    z.extend_from_slice(&count.to_le_bytes());
    z.extend_from_slice(&cd_size.to_le_bytes());
    z.extend_from_slice(&(cd_start as u32).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
}

/// A zip of `files` (name, content), deflated, optionally ZipCrypto-encrypted.
pub fn zip_of(files: &[(&str, &[u8])], password: Option<&[u8]>) -> Vec<u8> {
    use zip::unstable::write::FileOptionsExt;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        let mut opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        if let Some(pw) = password {
            opts = opts.with_deprecated_encryption(pw).expect("encryption");
        }
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip").into_inner()
}

/// A tar of `files` (name, content). Names are written raw, as a hostile tool
/// would (`..` and absolute names included).
pub fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in files {
        b.append(&tar_header(name, data.len() as u64), *data)
            .expect("tar entry");
    }
    b.into_inner().expect("tar")
}

fn tar_header(name: &str, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    let raw = name.as_bytes();
    h.as_old_mut().name[..raw.len()].copy_from_slice(raw);
    h.set_cksum();
    h
}

/// `bytes`, gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

/// A `.tar.gz` of `entries` empty files `pkg/N.py`.
pub fn many_entries_tar_gz(entries: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
    {
        let mut b = tar::Builder::new(&mut e);
        for i in 0..entries {
            b.append(&tar_header(&format!("pkg/{i}.py"), 0), &[][..])
                .expect("tar entry");
        }
        b.finish().expect("tar");
    }
    e.finish().expect("gzip")
}

/// A `.tar.gz` sdist with `files`, cut off at `keep` of its compressed
/// length (a download that broke off).
pub fn truncated_tar_gz(files: &[(&str, &[u8])], keep: f64) -> Vec<u8> {
    let mut whole = gzip(&tar_of(files));
    let len = (whole.len() as f64 * keep) as usize;
    whole.truncate(len);
    whole
}

/// `inner` (a file named `name`) wrapped in `depth` zips, each holding the
/// previous one as `level-N.zip`.
pub fn nested_zip(depth: usize, name: &str, inner: &[u8]) -> Vec<u8> {
    let mut bytes = zip_of(&[(name, inner)], None);
    for level in 1..depth {
        bytes = zip_of(&[(&format!("level-{level}.zip"), &bytes)], None);
    }
    bytes
}
