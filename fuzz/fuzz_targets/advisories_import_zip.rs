#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chainwarden_fuzz_replay::advisories_import_zip(data));
