mod common;
#[test]
fn build_all() {
    for v in [
        common::real_venv(),
        common::namespace_venv(),
        common::editable_venv(),
        common::egg_venv(),
        common::large_venv(),
    ] {
        eprintln!("{}", v.display());
    }
}
