//! `chainwarden redact`: the same text with each secret and personal value
//! replaced by a typed placeholder; `--reversible` keeps a keyed mapping,
//! `--restore` puts the values back.

use crate::cli::RedactArgs;
use crate::config::Config;
use anyhow::{Context, Result, bail};
use chainwarden_classify::Engine;
use chainwarden_classify::files;
use chainwarden_classify::redact::{self, Mapping};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const MAX_INPUT: u64 = 64 << 20;

fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut buf)?;
        if buf.len() as u64 > MAX_INPUT {
            bail!("standard input is larger than the {MAX_INPUT}-byte limit");
        }
        return Ok(buf);
    }
    files::read_regular(path, MAX_INPUT).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

pub(crate) fn run(args: &RedactArgs) -> Result<u8> {
    if args.path.as_os_str() != "-" {
        super::check_paths(std::slice::from_ref(&args.path))?;
    }
    let text = read_input(&args.path)?;
    if files::is_binary(&text) {
        bail!("{}: binary content; redact reads text", args.path.display());
    }
    let (key, _) = super::classify::local_key();
    let result = if args.restore {
        let mpath = args
            .mapping
            .as_ref()
            .context("--restore needs --mapping FILE")?;
        let mtext = files::read_regular(mpath, MAX_INPUT)
            .map_err(|e| anyhow::anyhow!("{}: {e}", mpath.display()))?;
        let mapping = Mapping::from_file(&String::from_utf8_lossy(&mtext), &key)
            .map_err(|e| anyhow::anyhow!("{}: {e}", mpath.display()))?;
        mapping
            .restore(&String::from_utf8_lossy(&text))
            .into_bytes()
    } else {
        let start = if args.path.as_os_str() == "-" {
            PathBuf::from(".")
        } else {
            args.path.clone()
        };
        let config = Config::discover(args.config.as_deref(), &start)?;
        let (opts, _) = config.classify.clone();
        let engine = Engine::new(&opts).map_err(|e| anyhow::anyhow!("[classify] {e}"))?;
        let detections = engine.scan(&text);
        let mut mapping = Mapping::default();
        let out = redact::redact(&engine, &text, &detections, &mut mapping);
        if args.reversible {
            let mpath = match (&args.mapping, args.path.as_os_str() == "-") {
                (Some(p), _) => p.clone(),
                (None, false) => PathBuf::from(format!("{}.mapping.json", args.path.display())),
                (None, true) => bail!("--reversible with standard input needs --mapping FILE"),
            };
            files::write_private(&mpath, mapping.to_file(&key).as_bytes())
                .with_context(|| format!("could not write {}", mpath.display()))?;
            note(&format!(
                "mapping of {} value(s) written to {} (it holds the values: keep it private)",
                mapping.len(),
                mpath.display()
            ));
        } else {
            note(&format!("{} distinct value(s) redacted", mapping.len()));
        }
        out
    };
    match &args.output {
        Some(p) => std::fs::write(p, &result)
            .with_context(|| format!("could not write {}", p.display()))?,
        None => {
            let mut so = std::io::stdout().lock();
            so.write_all(&result)?;
            so.flush()?;
        }
    }
    Ok(0)
}

fn note(s: &str) {
    #[allow(clippy::print_stderr)] // a summary beside the redacted text, never inside it
    {
        eprintln!("{s}");
    }
}
