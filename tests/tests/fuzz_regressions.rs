//! Every input the fuzzer (`cargo xtask fuzz`) found to break the generator is kept under
//! `tests/fixtures/fuzz-crashes/` and must now generate valid Rust (or clean
//! diagnostics), quickly and without a panic.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn fuzz_crash_fixtures_generate_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz-crashes");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("fuzz-crashes dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no fixtures found in {}", dir.display());
    for input in inputs {
        let name = input
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(&input).expect("read fixture");
        let (sender, receiver) = mpsc::channel();
        let spec_name = name.clone();
        std::thread::spawn(move || {
            let result =
                std::panic::catch_unwind(|| xtask::fuzz::codegen_target(&spec_name, &text));
            let _ = sender.send(result);
        });
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(problem))) => panic!("{name}: {problem}"),
            Ok(Err(_)) => panic!("{name}: the generator panicked"),
            Err(_) => panic!("{name}: the generator did not finish within 60 s"),
        }
    }
}
