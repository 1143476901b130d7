//! `verify` against a real venv built with pip: clean as installed, and each
//! tampering shape gives exactly the finding a user expects.

use chainwarden_core::{Confidence, Finding, Severity};
use chainwarden_integrity::{VerifyOptions, env_root_for, verify_findings, verify_site_dir};
use chainwarden_testkit as testkit;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn venv() -> PathBuf {
    testkit::venv(
        "integrity",
        &[&["requests==2.32.3", "rich==13.9.4", "black==24.10.0"]],
    )
}

/// A private copy of the cached venv that tests may mutate.
fn copy_venv() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join("venv");
    testkit::run(Command::new("cp").arg("-a").arg(venv()).arg(&dst));
    (tmp, dst)
}

fn findings(venv: &Path) -> (Vec<Finding>, chainwarden_integrity::VerifyReport) {
    let site = testkit::site_packages(venv);
    let report = verify_site_dir(&site, &env_root_for(&site), &VerifyOptions::default());
    (verify_findings(&report), report)
}

/// The `*.dist-info` folder of `name` (versions of dependencies move).
fn dist_info(site: &Path, name: &str) -> PathBuf {
    fs::read_dir(site)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(&format!("{name}-")) && n.ends_with(".dist-info")
        })
        .unwrap_or_else(|| panic!("no dist-info for {name}"))
}

fn serious(f: &[Finding]) -> Vec<&Finding> {
    f.iter().filter(|f| f.severity >= Severity::High).collect()
}

#[test]
fn fresh_venv_is_clean() {
    let venv = venv();
    let (f, report) = findings(&venv);
    assert!(serious(&f).is_empty(), "{:#?}", serious(&f));
    // Every installed distribution was found and read.
    let listed = testkit::pip_list(&venv);
    assert_eq!(report.distributions.len(), listed.len(), "{listed:?}");
    assert!(report.issues.is_empty(), "{:#?}", report.issues);
    assert!(report.unowned.is_empty(), "{:#?}", report.unowned);
    // Console scripts outside site-packages were hashed too.
    assert!(
        report.sha256.keys().any(|p| p.ends_with("bin/black")),
        "bin/black not verified"
    );
    assert!(
        report.stats.files > 500 && report.stats.bytes > 1_000_000,
        "{:?}",
        report.stats
    );
}

#[test]
fn one_byte_edit_is_exactly_one_modified_finding() {
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    let target = site.join("requests/api.py");
    let mut bytes = fs::read(&target).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x01;
    fs::write(&target, &bytes).unwrap();

    let (f, _) = findings(&venv);
    let modified: Vec<&Finding> = f
        .iter()
        .filter(|f| f.rule == "integrity/modified")
        .collect();
    assert_eq!(modified.len(), 1, "{modified:#?}");
    let m = modified[0];
    assert_eq!(m.severity, Severity::High);
    assert_eq!(m.confidence, Confidence::High);
    let pkg = m.package.as_ref().unwrap();
    assert_eq!(
        (pkg.name.as_str(), pkg.version.as_str()),
        ("requests", "2.32.3")
    );
    assert_eq!(m.location.as_ref().unwrap().path, target);
    assert!(m.message.contains("requests/api.py"), "{}", m.message);
    assert_eq!(serious(&f).len(), 1, "{f:#?}");
}

#[test]
fn same_size_edit_and_size_only_change_are_both_caught() {
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    // Appending changes size; the hash changes too, still one finding.
    let target = site.join("rich/__init__.py");
    let mut bytes = fs::read(&target).unwrap();
    bytes.extend_from_slice(b"\nimport os\n");
    fs::write(&target, &bytes).unwrap();
    let (f, _) = findings(&venv);
    let m: Vec<_> = f
        .iter()
        .filter(|f| f.rule == "integrity/modified")
        .collect();
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(m[0].package.as_ref().unwrap().name, "rich");
    assert!(m[0].evidence.iter().any(|e| e.contains("on disk: sha256=")));
}

#[test]
fn deleted_file_is_missing() {
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    fs::remove_file(site.join("rich/color.py")).unwrap();
    // Deleting byte-code is not a finding (it is regenerated).
    let _ = fs::remove_dir_all(site.join("requests/__pycache__"));
    let (f, _) = findings(&venv);
    let missing: Vec<_> = f.iter().filter(|f| f.rule == "integrity/missing").collect();
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert_eq!(missing[0].package.as_ref().unwrap().name, "rich");
    assert!(missing[0].message.contains("rich/color.py"));
    assert!(serious(&f).is_empty(), "{f:#?}");
}

#[test]
fn dropped_startup_files_are_unowned_and_high() {
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    fs::write(site.join("zz_evil.pth"), b"import os; os.system('true')\n").unwrap();
    fs::write(site.join("sitecustomize.py"), b"print('hi')\n").unwrap();
    fs::create_dir(site.join("stray_pkg")).unwrap();
    fs::write(site.join("stray_pkg/__init__.py"), b"").unwrap();
    fs::write(site.join("requests/_injected.py"), b"x = 1\n").unwrap();
    fs::write(site.join("rich/notes.txt"), b"x\n").unwrap();
    std::os::unix::fs::symlink("/usr/lib/python3/dist-packages", site.join("linked")).unwrap();
    let (f, _) = findings(&venv);
    let unowned: Vec<(String, Severity)> = f
        .iter()
        .filter(|f| f.rule == "integrity/unowned")
        .map(|f| {
            let p = f
                .location
                .as_ref()
                .unwrap()
                .path
                .strip_prefix(&site)
                .unwrap();
            (p.display().to_string(), f.severity)
        })
        .collect();
    assert_eq!(
        unowned,
        [
            ("linked".to_string(), Severity::Medium),
            ("requests/_injected.py".to_string(), Severity::Medium),
            ("rich/notes.txt".to_string(), Severity::Low),
            ("sitecustomize.py".to_string(), Severity::High),
            ("stray_pkg".to_string(), Severity::Medium),
            ("zz_evil.pth".to_string(), Severity::High),
        ]
    );
    assert!(f.iter().all(|f| f.rule == "integrity/unowned"), "{f:#?}");
}

#[test]
fn escapes_are_refused_not_read() {
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    // A listed file replaced by a symlink leading out of the environment.
    let help = site.join("requests/help.py");
    fs::remove_file(&help).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", &help).unwrap();
    // A RECORD entry climbing out of the environment root.
    let record = dist_info(&site, "idna").join("RECORD");
    let mut text = fs::read_to_string(&record).unwrap();
    text.push_str(
        "../../../../../../../../etc/passwd,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n",
    );
    fs::write(&record, text).unwrap();

    let (f, report) = findings(&venv);
    let outside: Vec<_> = f
        .iter()
        .filter(|f| f.rule == "integrity/outside-root")
        .collect();
    assert_eq!(outside.len(), 2, "{outside:#?}");
    assert!(
        outside
            .iter()
            .any(|f| f.package.as_ref().unwrap().name == "requests")
    );
    assert!(
        outside
            .iter()
            .any(|f| f.package.as_ref().unwrap().name == "idna")
    );
    assert!(!report.sha256.contains_key(&help));
    assert!(!report.sha256.keys().any(|p| p.ends_with("etc/passwd")));
}

#[test]
fn rewritten_script_is_graded_as_a_quirk() {
    let (_tmp, venv) = copy_venv();
    let script = venv.join("bin/black");
    let text = fs::read_to_string(&script).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    assert!(first.starts_with("#!"));
    fs::write(&script, format!("#!/opt/moved/venv/bin/python\n{rest}")).unwrap();
    let (f, _) = findings(&venv);
    let m: Vec<_> = f
        .iter()
        .filter(|f| f.rule == "integrity/modified")
        .collect();
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(
        (m[0].severity, m[0].confidence),
        (Severity::Medium, Confidence::Low)
    );
    assert_eq!(m[0].package.as_ref().unwrap().name, "black");
}

#[test]
fn wholesale_rewrite_of_a_distribution_is_one_grouped_finding() {
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    let mut n = 0;
    for e in fs::read_dir(site.join("idna")).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "py") {
            let mut b = fs::read(&p).unwrap();
            b.extend_from_slice(b"\n# patched by a distro\n");
            fs::write(&p, b).unwrap();
            n += 1;
        }
    }
    assert!(n >= 5);
    let (f, _) = findings(&venv);
    let m: Vec<_> = f
        .iter()
        .filter(|f| f.rule == "integrity/modified")
        .collect();
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(
        (m[0].severity, m[0].confidence),
        (Severity::Medium, Confidence::Low)
    );
    assert!(
        m[0].message.contains(&format!("{n} of ")),
        "{}",
        m[0].message
    );
    assert_eq!(m[0].package.as_ref().unwrap().name, "idna");
}

#[test]
fn distribution_without_record_is_noted() {
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    fs::remove_file(dist_info(&site, "certifi").join("RECORD")).unwrap();
    let (f, _) = findings(&venv);
    let nr: Vec<_> = f
        .iter()
        .filter(|f| f.rule == "integrity/no-record")
        .collect();
    assert_eq!(nr.len(), 1, "{nr:#?}");
    assert_eq!(nr[0].severity, Severity::Info);
    // Its files are now unowned: certifi/ is one folder finding.
    let unowned: Vec<_> = f.iter().filter(|f| f.rule == "integrity/unowned").collect();
    assert_eq!(unowned.len(), 1, "{unowned:#?}");
    assert!(unowned[0].message.contains("certifi"));
}

#[test]
fn other_algorithms_bad_lines_and_egg_info_owners() {
    use base64::Engine;
    use sha2::Digest;
    let (_tmp, venv) = copy_venv();
    let site = testkit::site_packages(&venv);
    // A distribution recorded with sha512 and md5, plus a malformed line.
    let dist = site.join("demo_pkg-1.0.dist-info");
    fs::create_dir_all(&dist).unwrap();
    fs::create_dir_all(site.join("demo_pkg")).unwrap();
    let body = b"VALUE = 1\n";
    fs::write(site.join("demo_pkg/__init__.py"), body).unwrap();
    fs::write(site.join("demo_pkg/extra.py"), body).unwrap();
    let b64 = |d: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d);
    let sha512 = b64(&sha2::Sha512::digest(body));
    fs::write(
        dist.join("RECORD"),
        format!(
            "demo_pkg/__init__.py,sha512={sha512},{}\n\
             demo_pkg/extra.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,{}\n\
             \"demo_pkg/broken.py,sha256=,1\n",
            body.len(),
            body.len()
        ),
    )
    .unwrap();
    // A legacy egg-info install: owned through installed-files.txt.
    let egg = site.join("legacy_pkg-0.1-py3.11.egg-info");
    fs::create_dir_all(&egg).unwrap();
    fs::create_dir_all(site.join("legacy_pkg")).unwrap();
    fs::write(site.join("legacy_pkg/__init__.py"), b"").unwrap();
    fs::write(
        egg.join("installed-files.txt"),
        "../legacy_pkg/__init__.py\nPKG-INFO\n",
    )
    .unwrap();

    // A file two distributions list: the later install overwrote it.
    for (name, content) in [("shared_a", b"A = 1\n"), ("shared_b", b"B = 2\n")] {
        let d = site.join(format!("{name}-1.0.dist-info"));
        fs::create_dir_all(&d).unwrap();
        let h = b64(&sha2::Sha256::digest(content));
        fs::write(d.join("RECORD"), format!("shared_mod.py,sha256={h},6\n")).unwrap();
    }
    fs::write(site.join("shared_mod.py"), b"B = 2\n").unwrap();

    let (f, report) = findings(&venv);
    assert!(
        !f.iter().any(|f| f.rule == "integrity/modified"),
        "overwritten shared file reported: {f:#?}"
    );
    let demo: Vec<(&str, u32)> = f
        .iter()
        .filter(|f| f.package.as_ref().is_some_and(|p| p.name == "demo-pkg"))
        .map(|f| {
            (
                f.rule.as_str(),
                f.location.as_ref().and_then(|l| l.line).unwrap_or(0),
            )
        })
        .collect();
    // sha512 verified clean; md5 unverifiable; the unterminated quote named by line.
    assert_eq!(
        demo,
        [
            ("integrity/record-invalid", 0),
            ("integrity/record-invalid", 3)
        ],
        "{f:#?}"
    );
    let legacy: Vec<_> = f
        .iter()
        .filter(|f| f.package.as_ref().is_some_and(|p| p.name == "legacy-pkg"))
        .collect();
    assert_eq!(legacy.len(), 1);
    assert_eq!(legacy[0].rule, "integrity/no-record");
    assert!(!f.iter().any(|f| f.rule == "integrity/unowned"), "{f:#?}");
    assert!(report.record_errors[0].1.to_string().contains("RECORD:3"));
}
