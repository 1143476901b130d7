//! Walking one home folder: the well-known credential files by path, a
//! bounded walk for `.env` files and service-account keys, shell histories
//! and wallets. Nothing outside the home folder is read: a symlink that leads
//! out of it is reported as not followed.

use crate::model::{Exposure, ExposureKind};
use crate::readers;
use chainwarden_core::fsutil;
use chainwarden_core::inventory::InputError;
use std::fs;
use std::path::{Path, PathBuf};

/// Bounds of one scan.
#[derive(Debug, Clone)]
pub struct ExposureOptions {
    /// Largest credential/config file read.
    pub max_file_size: u64,
    /// Largest history file read.
    pub max_history_size: u64,
    /// Depth of the walk for `.env` files below the home folder.
    pub max_depth: usize,
    /// Entries visited by that walk before it stops.
    pub max_entries: usize,
}

impl Default for ExposureOptions {
    fn default() -> Self {
        ExposureOptions {
            max_file_size: 1024 * 1024,
            max_history_size: 32 * 1024 * 1024,
            max_depth: 5,
            max_entries: 200_000,
        }
    }
}

/// What one scan found, and the files it could not read.
#[derive(Debug, Clone, Default)]
pub struct ExposureReport {
    pub exposures: Vec<Exposure>,
    pub errors: Vec<InputError>,
}

/// Credentials a process running as the owner of `home` could read.
pub fn scan_home(home: &Path, opts: &ExposureOptions) -> Vec<Exposure> {
    scan_home_report(home, opts).exposures
}

/// Like [`scan_home`], with the files that could not be read.
pub fn scan_home_report(home: &Path, opts: &ExposureOptions) -> ExposureReport {
    let mut s = Scanner {
        home: home.to_path_buf(),
        canon_home: fs::canonicalize(home).unwrap_or_else(|_| home.to_path_buf()),
        opts: opts.clone(),
        report: ExposureReport::default(),
    };
    s.ssh();
    for rel in [".aws/credentials", ".aws/config"] {
        s.each(rel, opts.max_file_size, readers::aws);
    }
    for rel in [
        ".config/gcloud/application_default_credentials.json",
        ".config/gcloud/credentials.json",
    ] {
        s.one(rel, opts.max_file_size, readers::gcp_json);
    }
    s.gcloud_databases();
    for rel in [
        ".azure/accessTokens.json",
        ".azure/msal_token_cache.json",
        ".azure/service_principal_entries.json",
    ] {
        s.one(rel, opts.max_file_size, readers::azure);
    }
    s.each(".kube/config", opts.max_file_size, readers::kube);
    s.each(".docker/config.json", opts.max_file_size, readers::docker);
    s.each(".npmrc", opts.max_file_size, readers::npmrc);
    s.each(".pypirc", opts.max_file_size, readers::pypirc);
    for rel in [".git-credentials", ".config/git/credentials"] {
        s.each(rel, opts.max_file_size, readers::git_credentials);
    }
    for rel in [".netrc", "_netrc"] {
        s.each(rel, opts.max_file_size, readers::netrc);
    }
    s.histories();
    s.walk();
    s.wallets();
    s.report.exposures.sort();
    s.report.exposures.dedup();
    s.report
}

struct Scanner {
    home: PathBuf,
    canon_home: PathBuf,
    opts: ExposureOptions,
    report: ExposureReport,
}

impl Scanner {
    /// `Some(real path)` when `path` exists and stays inside home.
    fn inside(&mut self, path: &Path) -> Option<PathBuf> {
        let meta = fs::symlink_metadata(path).ok()?;
        if !meta.file_type().is_symlink() {
            return Some(path.to_path_buf());
        }
        match fs::canonicalize(path) {
            Ok(real) if real.starts_with(&self.canon_home) => Some(real),
            Ok(real) => {
                self.report.errors.push(InputError::new(
                    path,
                    format!(
                        "a symlink out of the home folder (to {}); not followed",
                        real.display()
                    ),
                ));
                None
            }
            Err(_) => None,
        }
    }

    /// Reads a regular file inside home as (lossy) text.
    fn read(&mut self, path: &Path, limit: u64) -> Option<String> {
        let real = self.inside(path)?;
        if !fs::metadata(&real).is_ok_and(|m| m.is_file()) {
            return None;
        }
        match fsutil::read_bounded(&real, limit) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) => {
                self.report
                    .errors
                    .push(InputError::new(path, e.to_string()));
                None
            }
        }
    }

    fn each(&mut self, rel: &str, limit: u64, f: fn(&Path, &str) -> Vec<Exposure>) {
        let path = self.home.join(rel);
        if let Some(text) = self.read(&path, limit) {
            self.report.exposures.extend(f(&path, &text));
        }
    }

    fn one(&mut self, rel: &str, limit: u64, f: fn(&Path, &str) -> Option<Exposure>) {
        let path = self.home.join(rel);
        if let Some(text) = self.read(&path, limit) {
            self.report.exposures.extend(f(&path, &text));
        }
    }

    fn list_dir(&mut self, dir: &Path) -> Vec<PathBuf> {
        let Some(real) = self.inside(dir) else {
            return Vec::new();
        };
        let mut v: Vec<PathBuf> = fs::read_dir(&real)
            .map(|rd| rd.flatten().map(|e| dir.join(e.file_name())).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Every file in `~/.ssh` (one level of sub-folders) holding a private key.
    fn ssh(&mut self) {
        let dir = self.home.join(".ssh");
        let mut files = Vec::new();
        for p in self.list_dir(&dir) {
            if fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
                files.extend(self.list_dir(&p));
            } else {
                files.push(p);
            }
        }
        for p in files {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.ends_with(".pub")
                || matches!(
                    name.as_str(),
                    "known_hosts" | "known_hosts.old" | "config" | "authorized_keys"
                )
            {
                continue;
            }
            if let Some(text) = self.read(&p, 256 * 1024)
                && let Some(e) = readers::ssh_key(&p, &text)
            {
                self.report.exposures.push(e);
            }
        }
    }

    /// gcloud's SQLite credential stores: their presence is the exposure.
    fn gcloud_databases(&mut self) {
        for rel in [
            ".config/gcloud/credentials.db",
            ".config/gcloud/access_tokens.db",
        ] {
            let p = self.home.join(rel);
            if let Some(real) = self.inside(&p)
                && fs::metadata(&real).is_ok_and(|m| m.is_file() && m.len() > 0)
            {
                self.report.exposures.push(Exposure::new(
                    ExposureKind::GcpCredentials,
                    &p,
                    "gcloud credential store (OAuth refresh/access tokens)",
                ));
            }
        }
        for p in self.list_dir(&self.home.join(".config/gcloud/legacy_credentials")) {
            let file = p.join("adc.json");
            if let Some(text) = self.read(&file, self.opts.max_file_size) {
                self.report
                    .exposures
                    .extend(readers::gcp_json(&file, &text));
            }
        }
    }

    fn histories(&mut self) {
        for rel in [
            ".bash_history",
            ".zsh_history",
            ".zhistory",
            ".local/share/fish/fish_history",
            ".python_history",
            ".node_repl_history",
            ".psql_history",
            ".mysql_history",
            ".sh_history",
        ] {
            let p = self.home.join(rel);
            if let Some(text) = self.read(&p, self.opts.max_history_size) {
                self.report.exposures.extend(readers::keys_in_text(
                    ExposureKind::HistorySecret,
                    &p,
                    &text,
                    "shell history",
                ));
            }
        }
    }

    /// The bounded walk: `.env` files anywhere (to `max_depth`), and JSON
    /// service-account keys in the top two levels.
    fn walk(&mut self) {
        let mut seen = 0usize;
        let mut walk = walkdir::WalkDir::new(&self.home)
            .follow_links(false)
            .min_depth(1)
            .max_depth(self.opts.max_depth)
            .sort_by_file_name()
            .into_iter();
        let mut found = Vec::new();
        while let Some(item) = walk.next() {
            seen += 1;
            if seen > self.opts.max_entries {
                self.report.errors.push(InputError::new(
                    &self.home,
                    format!(
                        "stopped the .env walk after {} entries",
                        self.opts.max_entries
                    ),
                ));
                break;
            }
            let Ok(entry) = item else { continue };
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_dir() {
                if skip_dir(&name) {
                    walk.skip_current_dir();
                }
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
                found.push((entry.path().to_path_buf(), true));
            } else if entry.depth() <= 2
                && name.ends_with(".json")
                && entry.metadata().is_ok_and(|m| m.len() <= 64 * 1024)
            {
                found.push((entry.path().to_path_buf(), false));
            }
        }
        for (path, is_env) in found {
            let Some(text) = self.read(&path, self.opts.max_file_size) else {
                continue;
            };
            if is_env {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_ascii_lowercase());
                let template = name.is_some_and(|n| {
                    ["example", "sample", "template", "dist", "defaults"]
                        .iter()
                        .any(|t| n.contains(t))
                });
                self.report
                    .exposures
                    .extend(readers::dotenv(&path, &text, template));
            } else if text.contains("\"service_account\"") || text.contains("\"refresh_token\"") {
                self.report
                    .exposures
                    .extend(readers::gcp_json(&path, &text));
            }
        }
    }

    fn wallets(&mut self) {
        let mut candidates: Vec<(PathBuf, &str)> = vec![
            (self.home.join(".bitcoin/wallet.dat"), "Bitcoin Core wallet"),
            (self.home.join(".litecoin/wallet.dat"), "Litecoin wallet"),
            (self.home.join(".dogecoin/wallet.dat"), "Dogecoin wallet"),
            (
                self.home.join(".config/Exodus/exodus.wallet"),
                "Exodus wallet",
            ),
            (
                self.home.join(".config/solana/id.json"),
                "Solana CLI keypair",
            ),
        ];
        for p in self.list_dir(&self.home.join(".bitcoin/wallets")) {
            candidates.push((p.join("wallet.dat"), "Bitcoin Core wallet"));
        }
        for p in self.list_dir(&self.home.join(".ethereum/keystore")) {
            candidates.push((p, "Ethereum keystore file"));
        }
        for p in self.list_dir(&self.home.join(".electrum/wallets")) {
            candidates.push((p, "Electrum wallet"));
        }
        // MetaMask's extension storage in Chromium-family browser profiles.
        const METAMASK: &str = "nkbihfbeogaeaoehlefnkodbefgpgknn";
        for browser in [
            ".config/google-chrome",
            ".config/chromium",
            ".config/BraveSoftware/Brave-Browser",
            ".config/microsoft-edge",
        ] {
            for profile in self.list_dir(&self.home.join(browser)) {
                candidates.push((
                    profile.join("Local Extension Settings").join(METAMASK),
                    "MetaMask extension vault",
                ));
            }
        }
        for (p, what) in candidates {
            if self.inside(&p).is_some() {
                self.report
                    .exposures
                    .push(Exposure::new(ExposureKind::CryptoWallet, &p, what));
            }
        }
    }
}

/// Folders the `.env` walk never enters: caches, dependency trees, VCS data.
fn skip_dir(name: &str) -> bool {
    matches!(
        name,
        "node_modules"
            | ".git"
            | ".hg"
            | ".svn"
            | ".cache"
            | ".npm"
            | ".cargo"
            | ".rustup"
            | ".pyenv"
            | ".nvm"
            | ".gradle"
            | ".m2"
            | "site-packages"
            | "__pycache__"
            | ".venv"
            | "venv"
            | "snap"
            | "Trash"
            | ".mozilla"
            | "google-chrome"
            | "chromium"
            | "BraveSoftware"
    )
}
