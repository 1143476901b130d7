//! Redaction with typed placeholders (`<SECRET_AWS_1>`, `<EMAIL_2>`), stable
//! within a document (the same value always gets the same placeholder), and
//! the reverse: restoring the values of *this* mapping only, in whole texts or
//! in a stream cut at arbitrary points.

use crate::keys::{LocalKey, hex, unhex};
use crate::{Detection, Engine};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Placeholder ↔ value, for one document or one proxied request.
#[derive(Default, Clone)]
pub struct Mapping {
    entries: Vec<(String, Vec<u8>)>,
    by_value: HashMap<Vec<u8>, usize>,
    by_placeholder: HashMap<String, usize>,
    counters: HashMap<String, u32>,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mapping(<{} values redacted>)", self.entries.len())
    }
}

/// The longest placeholder the restorer waits for across a chunk boundary.
const MAX_PLACEHOLDER: usize = 64;

impl Mapping {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The placeholder of `value`, allocating the next number of `kind`.
    pub fn placeholder_for(&mut self, kind: &str, value: &[u8]) -> String {
        if let Some(&i) = self.by_value.get(value) {
            return self.entries[i].0.clone();
        }
        let n = self.counters.entry(kind.to_string()).or_insert(0);
        *n += 1;
        let p = format!("<{kind}_{n}>");
        self.by_value.insert(value.to_vec(), self.entries.len());
        self.by_placeholder.insert(p.clone(), self.entries.len());
        self.entries.push((p.clone(), value.to_vec()));
        p
    }

    pub fn value_of(&self, placeholder: &str) -> Option<&[u8]> {
        self.by_placeholder
            .get(placeholder)
            .map(|&i| self.entries[i].1.as_slice())
    }

    /// Every value (for keyed fingerprints in an audit log).
    pub fn values(&self) -> impl Iterator<Item = &[u8]> {
        self.entries.iter().map(|(_, v)| v.as_slice())
    }

    /// `text` with every placeholder of this mapping replaced by its value;
    /// placeholders this mapping did not make are left alone.
    pub fn restore(&self, text: &str) -> String {
        self.restore_with(text, false)
    }

    /// Like [`Mapping::restore`]; with `json_escape` the values are escaped
    /// for the inside of a JSON string (tool-call arguments are JSON text).
    pub fn restore_with(&self, text: &str, json_escape: bool) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find('<') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            match placeholder_len(tail.as_bytes()) {
                Some(n) if self.by_placeholder.contains_key(&tail[..n]) => {
                    let v = self.value_of(&tail[..n]).unwrap_or_default();
                    push_value(&mut out, v, json_escape);
                    rest = &tail[n..];
                }
                _ => {
                    out.push('<');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Serialises the mapping with an HMAC tag under `key`, so a mapping file
    /// that was edited (a value swapped in) is refused when read back.
    pub fn to_file(&self, key: &LocalKey) -> String {
        let entries: Vec<FileEntry> = self
            .entries
            .iter()
            .map(|(p, v)| FileEntry {
                placeholder: p.clone(),
                value: String::from_utf8_lossy(v).into_owned(),
            })
            .collect();
        let body = serde_json::to_string(&entries).unwrap_or_default();
        let tag = hex(&key.mac(&[b"mapping", body.as_bytes()]));
        serde_json::to_string_pretty(&MappingFile {
            format: "chainwarden-redaction-mapping/1".into(),
            entries,
            tag,
        })
        .unwrap_or_default()
    }

    /// Reads a mapping file written by [`Mapping::to_file`] under the same key.
    pub fn from_file(text: &str, key: &LocalKey) -> Result<Mapping, String> {
        let f: MappingFile =
            serde_json::from_str(text).map_err(|e| format!("not a redaction mapping: {e}"))?;
        if f.format != "chainwarden-redaction-mapping/1" {
            return Err(format!("unknown mapping format `{}`", f.format));
        }
        let body = serde_json::to_string(&f.entries).unwrap_or_default();
        let tag = unhex(&f.tag).ok_or("the mapping's tag is not hex")?;
        if !key.verify(&[b"mapping", body.as_bytes()], &tag) {
            return Err("the mapping's tag does not verify under this machine's key: it was edited, or made with another key".into());
        }
        let mut m = Mapping::default();
        for e in f.entries {
            if placeholder_len(e.placeholder.as_bytes()) != Some(e.placeholder.len()) {
                return Err(format!("`{}` is not a placeholder", e.placeholder));
            }
            let i = m.entries.len();
            m.by_value.insert(e.value.as_bytes().to_vec(), i);
            m.by_placeholder.insert(e.placeholder.clone(), i);
            m.entries.push((e.placeholder, e.value.into_bytes()));
        }
        Ok(m)
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    placeholder: String,
    value: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    format: String,
    entries: Vec<FileEntry>,
    tag: String,
}

fn push_value(out: &mut String, v: &[u8], json_escape: bool) {
    let s = String::from_utf8_lossy(v);
    if json_escape {
        let quoted = serde_json::to_string(&*s).unwrap_or_default();
        out.push_str(&quoted[1..quoted.len() - 1]);
    } else {
        out.push_str(&s);
    }
}

/// Length of the placeholder `<TYPE_N>` at the start of `b`, if one is there.
fn placeholder_len(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&b'<') {
        return None;
    }
    let mut i = 1;
    while i < b.len() && i < MAX_PLACEHOLDER && (b[i].is_ascii_uppercase() || b[i] == b'_') {
        i += 1;
    }
    if i < 3 || b[i - 1] != b'_' {
        return None;
    }
    let digits = i;
    while i < b.len() && i < MAX_PLACEHOLDER && b[i].is_ascii_digit() {
        i += 1;
    }
    (i > digits && b.get(i) == Some(&b'>')).then_some(i + 1)
}

/// Could `b` (starting with `<`) still grow into a placeholder?
fn placeholder_prefix(b: &[u8]) -> bool {
    if b.len() >= MAX_PLACEHOLDER {
        return false;
    }
    let mut i = 1;
    while i < b.len() && (b[i].is_ascii_uppercase() || b[i] == b'_') {
        i += 1;
    }
    while i < b.len() && b[i].is_ascii_digit() {
        if b[i - 1] != b'_' && !b[i - 1].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    i == b.len()
}

/// Restores placeholders in a text that arrives in pieces (SSE deltas): a
/// piece ending in what could be the start of a placeholder holds that tail
/// back until the next piece or [`StreamRestorer::finish`].
#[derive(Debug, Default)]
pub struct StreamRestorer {
    pending: String,
    json_escape: bool,
}

impl StreamRestorer {
    pub fn new(json_escape: bool) -> StreamRestorer {
        StreamRestorer {
            pending: String::new(),
            json_escape,
        }
    }

    /// The text that can be released after `piece`.
    pub fn feed(&mut self, mapping: &Mapping, piece: &str) -> String {
        self.pending.push_str(piece);
        let hold = match self.pending.rfind('<') {
            Some(i) if placeholder_prefix(&self.pending.as_bytes()[i..]) => i,
            _ => self.pending.len(),
        };
        let ready: String = self.pending.drain(..hold).collect();
        mapping.restore_with(&ready, self.json_escape)
    }

    /// Whatever is held back (not a placeholder after all).
    pub fn finish(&mut self, mapping: &Mapping) -> String {
        let rest = std::mem::take(&mut self.pending);
        mapping.restore_with(&rest, self.json_escape)
    }

    pub fn holding(&self) -> bool {
        !self.pending.is_empty()
    }
}

/// The detections redaction replaces: redactable rules, overlaps resolved in
/// favour of the earlier (then longer) one.
pub fn redactable<'d>(engine: &Engine, detections: &'d [Detection]) -> Vec<&'d Detection> {
    let mut out: Vec<&Detection> = Vec::new();
    let mut end = 0;
    for d in detections {
        if !engine.rule(d).redact || d.start < end {
            continue;
        }
        end = d.end;
        out.push(d);
    }
    out
}

/// `text` with each redactable detection replaced by its placeholder.
pub fn redact(
    engine: &Engine,
    text: &[u8],
    detections: &[Detection],
    mapping: &mut Mapping,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut pos = 0;
    for d in redactable(engine, detections) {
        out.extend_from_slice(&text[pos..d.start]);
        let p = mapping.placeholder_for(&engine.rule(d).placeholder, &text[d.start..d.end]);
        out.extend_from_slice(p.as_bytes());
        pos = d.end;
    }
    out.extend_from_slice(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EngineOptions;
    use proptest::prelude::*;

    #[test]
    fn stable_typed_placeholders_and_roundtrip() {
        let e = Engine::new(&EngineOptions::default()).unwrap();
        let text = "key AKIAZ7Q3NVBRC5W2X4P6 mail jane@acme-corp.com.au and again AKIAZ7Q3NVBRC5W2X4P6, bob@northwind.io";
        let d = e.scan(text.as_bytes());
        let mut m = Mapping::default();
        let red = String::from_utf8(redact(&e, text.as_bytes(), &d, &mut m)).unwrap();
        assert_eq!(
            red,
            "key <SECRET_AWS_1> mail <EMAIL_1> and again <SECRET_AWS_1>, <EMAIL_2>"
        );
        assert_eq!(m.restore(&red), text);
        assert_eq!(m.restore("<EMAIL_9> <EMAIL_1"), "<EMAIL_9> <EMAIL_1");
        let key = LocalKey::random().unwrap();
        let file = m.to_file(&key);
        let back = Mapping::from_file(&file, &key).unwrap();
        assert_eq!(back.restore(&red), text);
        let edited = file.replace("bob@northwind.io", "eve@evil.test");
        assert!(Mapping::from_file(&edited, &key).is_err());
        assert!(Mapping::from_file(&file, &LocalKey::random().unwrap()).is_err());
    }

    #[test]
    fn json_escaped_restore() {
        let mut m = Mapping::default();
        let p = m.placeholder_for("SECRET_VALUE", b"a\"b\\c");
        assert_eq!(
            m.restore_with(&format!("{{\"k\":\"{p}\"}}"), true),
            r#"{"k":"a\"b\\c"}"#
        );
    }

    proptest! {
        #[test]
        fn stream_restore_equals_whole_restore(cuts in proptest::collection::vec(0usize..80, 0..6)) {
            let mut m = Mapping::default();
            let a = m.placeholder_for("EMAIL", b"jane@acme-corp.com.au");
            let b = m.placeholder_for("SECRET_AWS", b"AKIAZ7Q3NVBRC5W2X4P6");
            let text = format!("Hi {a}, your key {b} <b> is <EMAIL_7> x<{a}>");
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(text.len())).collect();
            cuts.sort();
            let mut s = StreamRestorer::new(false);
            let mut out = String::new();
            let mut prev = 0;
            for c in cuts.into_iter().chain([text.len()]) {
                out.push_str(&s.feed(&m, &text[prev..c]));
                prev = c;
            }
            out.push_str(&s.finish(&m));
            prop_assert_eq!(out, m.restore(&text));
        }
    }
}
