use crate::fixture;
use chainwarden_report::{Format, RenderOptions, render_to_string};

fn table(options: RenderOptions) -> String {
    let owned = fixture::owned();
    render_to_string(Format::Table, &owned.report(), &options).expect("render")
}

#[test]
fn findings_first_worst_first_with_locations() {
    let t = table(RenderOptions::default());
    let findings_at = t.find("FINDINGS (4)").expect("findings heading");
    let components_at = t
        .find("COMPONENTS (4 in 2 sources)")
        .expect("components heading");
    assert!(findings_at < components_at, "{t}");
    let rows: Vec<&str> = t[findings_at..components_at]
        .lines()
        .filter(|l| {
            ["critical", "high", "medium", "low", "info"]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .collect();
    assert_eq!(rows.len(), 4, "{t}");
    assert!(
        rows[0].starts_with("critical  advisory/malicious") && rows[0].contains("litellm@1.82.8"),
        "{t}"
    );
    assert!(
        rows[1].contains("LiteLLM@1.82.8") && rows[1].contains("uv.lock:12"),
        "{t}"
    );
    assert!(
        rows[2].starts_with("critical  hook/pth-exec")
            && rows[2].contains("site-packages/litellm_init.pth:1"),
        "{t}"
    );
    assert!(rows[3].starts_with("high      advisory/vulnerable"), "{t}");
    // The message sits under its row, indented.
    let hook_row = t
        .lines()
        .position(|l| l.starts_with("critical  hook/pth-exec"))
        .expect("hook row");
    let message = t.lines().nth(hook_row + 1).expect("message line");
    assert!(
        message.starts_with("          litellm_init.pth runs a base64-encoded payload"),
        "{t}"
    );
}

#[test]
fn components_grouped_by_source_with_notes() {
    let t = table(RenderOptions::default());
    let env = t
        .lines()
        .find(|l| l.starts_with("environment "))
        .expect("environment heading");
    assert!(
        env.contains("site-packages") && env.contains("(dist-info, Python 3.11, 3 components)"),
        "{env}"
    );
    let lock = t
        .lines()
        .find(|l| l.starts_with("lockfile "))
        .expect("lockfile heading");
    assert!(lock.contains("uv.lock (uv.lock, 1 component)"), "{lock}");
    let row = |name: &str| {
        t.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row for {name}:\n{t}"))
            .to_string()
    };
    assert!(row("openai").contains("1.99.0") && row("openai").contains("transitive"));
    let setuptools = row("setuptools");
    assert!(
        setuptools.contains("direct")
            && setuptools.contains("editable; url: file:///home/dev/src/setuptools"),
        "{setuptools}"
    );
    assert!(t.contains("note: advisory data is 3 days old"));
    assert!(t.contains("ERRORS (1)") && t.contains("not UTF-8"));
    assert!(t.contains("advisory data: osv (2026-03-21, 412345 records)"));
    assert_eq!(
        t.lines().last(),
        Some("4 components in 2 sources; 4 findings: 3 critical, 1 high")
    );
}

#[test]
fn lines_fit_the_width_and_colour_only_when_asked() {
    for width in [100, 80, 60] {
        let t = table(RenderOptions {
            width,
            ..Default::default()
        });
        for line in t.lines() {
            assert!(
                line.chars().count() <= width,
                "line wider than {width}:\n{line}\n\n{t}"
            );
        }
        assert!(!t.contains('\x1b'));
    }
    let colored = table(RenderOptions {
        color: true,
        ..Default::default()
    });
    assert!(colored.contains("\x1b[1;31mcritical"), "{colored}");
    assert!(colored.contains("\x1b[0m"));
}

#[test]
fn a_gate_table_has_findings_and_a_summary_but_no_inventory() {
    let full = table(RenderOptions::default());
    let gate = table(RenderOptions {
        inventory: false,
        ..Default::default()
    });
    assert!(full.contains("COMPONENTS ("), "{full}");
    assert!(!gate.contains("COMPONENTS"), "{gate}");
    assert!(gate.contains("FINDINGS (4)"), "{gate}");
    assert_eq!(gate.lines().last(), full.lines().last());
}

#[test]
fn hostile_names_cannot_drive_the_terminal() {
    let mut owned = fixture::owned();
    owned.inventory.components[1].display_name = "openai\x1b[2J\x1b]0;pwned\x07".into();
    owned.findings[0].message = "payload\rOK: nothing found".into();
    let t = render_to_string(Format::Table, &owned.report(), &RenderOptions::default())
        .expect("render");
    assert!(
        !t.contains('\x1b') && !t.contains('\r') && !t.contains('\x07'),
        "{t:?}"
    );
    assert!(t.contains("openai\\u{1b}[2J"), "{t}");
    assert!(t.contains("payload\\u{d}OK"), "{t}");
}

/// The whole table, compared with `tests/golden/`. Set
/// `CHAINWARDEN_UPDATE_GOLDEN=1` to rewrite the expected files after an
/// intended change, and review the diff.
#[test]
fn golden_tables() {
    let mut owned = fixture::owned();
    fixture::relocate(
        &mut owned,
        std::path::Path::new("/home/dev/projects/assistant/.venv-with-a-long-name"),
    );
    let mut report = owned.report();
    report.target = "/home/dev/projects/assistant".into();
    for width in [100, 72] {
        let actual = render_to_string(
            Format::Table,
            &report,
            &RenderOptions {
                width,
                ..Default::default()
            },
        )
        .expect("render")
        .replace(chainwarden_core::TOOL_VERSION, "<VERSION>");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/golden/table-{width}.txt"));
        if std::env::var_os("CHAINWARDEN_UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &actual).expect("write golden");
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with CHAINWARDEN_UPDATE_GOLDEN=1)",
                path.display()
            )
        });
        assert_eq!(
            actual, expected,
            "table at {width} columns changed:\n{actual}"
        );
    }
}
