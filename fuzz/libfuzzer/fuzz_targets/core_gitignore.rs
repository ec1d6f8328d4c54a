// Written by fuzz/tests/libfuzzer.rs; see fuzz/src/targets.rs.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| signoff_fuzz::run_named("core_gitignore", data));
