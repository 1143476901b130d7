//! Archives built in memory by the tests themselves.

use super::*;

use chainwarden_testkit::hostile::{gzip as gz, tar_of, zip_of};

fn paths(x: &Expanded) -> Vec<&str> {
    x.entries.iter().map(|e| e.path.as_str()).collect()
}

#[test]
fn reads_a_wheel_zip() {
    let whl = zip_of(
        &[
            ("demo/__init__.py", b"import os\n"),
            ("demo-1.0.dist-info/METADATA", b"Name: demo\nVersion: 1.0\n"),
        ],
        None,
    );
    let x = open_archive("demo-1.0-py3-none-any.whl", &whl, &Limits::default(), None).unwrap();
    assert_eq!(
        paths(&x),
        ["demo/__init__.py", "demo-1.0.dist-info/METADATA"]
    );
    assert_eq!(x.entries[0].data, b"import os\n");
    assert!(x.anomalies.is_empty(), "{:?}", x.anomalies);
    assert_eq!(package_meta(&x.entries).unwrap().name, "demo");
}

#[test]
fn reads_a_tar_gz_sdist_and_skips_links() {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(9);
    h.set_mode(0o644);
    b.append_data(&mut h, "demo-1.0/setup.py", &b"import os"[..])
        .unwrap();
    let mut l = tar::Header::new_gnu();
    l.set_entry_type(tar::EntryType::Symlink);
    l.set_size(0);
    b.append_link(&mut l, "demo-1.0/passwd", "/etc/passwd")
        .unwrap();
    let tgz = gz(&b.into_inner().unwrap());
    let x = open_archive("demo-1.0.tar.gz", &tgz, &Limits::default(), None).unwrap();
    assert_eq!(paths(&x), ["demo-1.0/setup.py"]);
    assert_eq!(
        x.anomalies,
        [Anomaly::Link {
            path: "demo-1.0/passwd".into(),
            target: "/etc/passwd".into()
        }]
    );
}

#[test]
fn opens_an_encrypted_zip_holding_a_tar_gz() {
    let tgz = gz(&tar_of(&[(
        "evil-0.1/setup.py",
        b"import base64\nexec(base64.b64decode('cHJpbnQoMSk='))\n",
    )]));
    let sample = zip_of(&[("evil-0.1.tar.gz", &tgz)], Some(b"infected"));
    let x = open_archive("evil.zip", &sample, &Limits::default(), Some(b"infected")).unwrap();
    assert_eq!(paths(&x), ["evil-0.1.tar.gz!/evil-0.1/setup.py"]);
    assert!(x.entries[0].data.starts_with(b"import base64"));

    let err = open_archive("evil.zip", &sample, &Limits::default(), None).unwrap_err();
    assert!(
        matches!(err, ArchiveError::PasswordRequired { .. }),
        "{err}"
    );
    let err = open_archive("evil.zip", &sample, &Limits::default(), Some(b"nope")).unwrap_err();
    assert!(
        matches!(
            err,
            ArchiveError::WrongPassword { .. } | ArchiveError::Corrupt { .. }
        ),
        "{err}"
    );
}

#[test]
fn nesting_deeper_than_the_bound_is_kept_unexpanded() {
    let inner = zip_of(&[("a.py", b"x = 1\n")], None);
    let middle = zip_of(&[("inner.zip", &inner)], None);
    let outer = zip_of(&[("middle.zip", &middle)], None);
    let limits = Limits {
        max_depth: 1,
        ..Limits::default()
    };
    let x = open_archive("outer.zip", &outer, &limits, None).unwrap();
    assert!(x.entries.is_empty());
    assert_eq!(
        x.anomalies,
        [Anomaly::TooDeep {
            path: "middle.zip!/inner.zip".into()
        }]
    );
    let x = open_archive("outer.zip", &outer, &Limits::default(), None).unwrap();
    assert_eq!(paths(&x), ["middle.zip!/inner.zip!/a.py"]);
}

#[test]
fn traversal_and_absolute_names_are_anomalies_not_paths() {
    let z = zip_of(
        &[
            ("../../evil.pth", b"import os\n"),
            ("/etc/cron.d/x", b"* * *"),
        ],
        None,
    );
    let x = open_archive("t.zip", &z, &Limits::default(), None).unwrap();
    // Kept under the raw name so the content is still scanned.
    assert_eq!(paths(&x), ["../../evil.pth", "/etc/cron.d/x"]);
    assert_eq!(
        x.anomalies,
        [
            Anomaly::UnsafePath {
                path: "../../evil.pth".into(),
                problem: NameProblem::Traversal
            },
            Anomaly::UnsafePath {
                path: "/etc/cron.d/x".into(),
                problem: NameProblem::Absolute
            },
        ]
    );
    let t = gz(&tar_of(&[("pkg/../../x.py", b"1")]));
    let x = open_archive("t.tar.gz", &t, &Limits::default(), None).unwrap();
    assert!(matches!(
        x.anomalies.as_slice(),
        [Anomaly::UnsafePath {
            problem: NameProblem::Traversal,
            ..
        }]
    ));
}

#[test]
fn a_zip_bomb_entry_is_cut_off_by_its_ratio() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let z = zip_of(&[("bomb.txt", &zeros), ("ok.py", b"x = 1\n")], None);
    assert!(z.len() < 64 * 1024, "deflate should squeeze zeros");
    let limits = Limits {
        ratio_floor_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let x = open_archive("bomb.zip", &z, &limits, None).unwrap();
    assert_eq!(paths(&x), ["ok.py"]);
    assert_eq!(
        x.anomalies,
        [Anomaly::CompressionRatio {
            path: "bomb.txt".into(),
            ratio_limit: 200
        }]
    );
}

#[test]
fn a_gzip_bomb_is_cut_off_while_streaming() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let t = gz(&tar_of(&[("big.txt", &zeros)]));
    let limits = Limits {
        ratio_floor_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let x = open_archive("bomb.tar.gz", &t, &limits, None).unwrap();
    assert!(x.entries.is_empty());
    assert!(
        x.anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::CompressionRatio { .. })),
        "{:?}",
        x.anomalies
    );
}

#[test]
fn too_many_entries_truncates() {
    let names: Vec<String> = (0..50).map(|i| format!("f{i}.py")).collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"1"[..])).collect();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    for (name, bytes) in [
        ("many.zip", zip_of(&files, None)),
        ("many.tar.gz", gz(&tar_of(&files))),
    ] {
        let x = open_archive(name, &bytes, &limits, None).unwrap();
        assert_eq!(x.entries.len(), 10, "{name}");
        assert_eq!(
            x.anomalies,
            [Anomaly::Truncated {
                reason: "more than 10 entries".into()
            }],
            "{name}"
        );
    }
}

#[test]
fn large_entries_and_total_are_bounded() {
    let big = vec![b'a'; 5000];
    let z = zip_of(&[("a.py", &big), ("b.py", b"ok")], None);
    let limits = Limits {
        max_entry_bytes: 4096,
        ..Limits::default()
    };
    let x = open_archive("z.zip", &z, &limits, None).unwrap();
    assert_eq!(paths(&x), ["b.py"]);
    assert_eq!(
        x.anomalies,
        [Anomaly::EntryTooLarge {
            path: "a.py".into(),
            limit: 4096
        }]
    );
    let limits = Limits {
        max_total_bytes: 6000,
        ..Limits::default()
    };
    let z = zip_of(&[("a.py", &big), ("b.py", &big)], None);
    let x = open_archive("z.zip", &z, &limits, None).unwrap();
    assert_eq!(paths(&x), ["a.py"]);
    assert!(matches!(
        x.anomalies.as_slice(),
        [Anomaly::Truncated { .. }]
    ));
}

#[test]
fn garbage_is_a_clear_error() {
    let err = open_archive("x.whl", b"not an archive", &Limits::default(), None).unwrap_err();
    assert_eq!(err.to_string(), "x.whl: not a zip, tar or gzip archive");
    let err = open_archive("x.zip", b"PK\x03\x04garbage", &Limits::default(), None).unwrap_err();
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
    let err = open_archive("x.tgz", &[0x1f, 0x8b, 0, 0], &Limits::default(), None).unwrap_err();
    assert!(err.to_string().starts_with("x.tgz:"), "{err}");
}

#[test]
fn filter_skips_unwanted_members() {
    let z = zip_of(&[("a.py", b"1"), ("lib.so", b"\x7fELF")], None);
    let x = open_archive_filtered("z.zip", &z, &Limits::default(), None, &|p| {
        p.ends_with(".py")
    })
    .unwrap();
    assert_eq!(paths(&x), ["a.py"]);
}
