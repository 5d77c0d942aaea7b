//! Tests across sections (whole runs, reproducible inputs), and helpers the other fuzz tests
//! use too (`lock`: fuzz runs go one at a time, as the panic hook is process-wide).

use super::*;

use serde_json::{json, Map};

use super::mutate::mutate;
use super::seeds::{parse_value, Seed};

/// The panic hook is process-wide: fuzz runs in tests go one at a time.
static LOCK: Mutex<()> = Mutex::new(());

pub(super) fn lock() -> std::sync::MutexGuard<'static, ()> {
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-fuzz-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub(super) fn small_seeds() -> Vec<Seed> {
    let root = crate::workspace::root();
    let mut paths = spec_files(&root.join("tests/fixtures/specs"), None);
    paths.extend(spec_files(&root.join("tests/fixtures/invalid"), None));
    let (seeds, skipped) = load_seeds(&paths);
    assert!(skipped.is_empty(), "{skipped:?}");
    assert!(seeds.iter().any(|s| s.value.is_some()));
    seeds
}

#[test]
fn mutator_is_deterministic_for_a_seed() {
    let seeds = small_seeds();
    for iteration in 0..60 {
        let a = generate_input(&seeds, 42, iteration);
        let b = generate_input(&seeds, 42, iteration);
        assert_eq!(a, b, "iteration {iteration}");
    }
    let differs = (0..20)
        .filter(|&i| generate_input(&seeds, 42, i).text != generate_input(&seeds, 43, i).text);
    assert!(differs.count() > 10);

    let value = seeds
        .iter()
        .find_map(|s| s.value.clone())
        .expect("a parsed seed");
    let run = |seed: u64| {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut v = value.clone();
        let names: Vec<&str> = (0..50).map(|_| mutate(&mut v, &mut rng, &seeds)).collect();
        (v, names)
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).0, value);
}

#[test]
fn default_corpus_has_the_project_specs() {
    let root = crate::workspace::root();
    let corpus = default_corpus(&root);
    for wanted in [
        "tests/fixtures/seed-3.1.yaml",
        "tests/fixtures/invalid/bad-json.json",
        "tests/fixtures/specs/names.yaml",
    ] {
        assert!(corpus.contains(&root.join(wanted)), "{wanted} missing");
    }
    assert!(corpus.iter().any(|p| p.starts_with(root.join("openapi"))));
    let shared = root
        .parent()
        .map(|p| p.join("shared/specs"))
        .unwrap_or_default();
    for path in corpus.iter().filter(|p| p.starts_with(&shared)) {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(u64::MAX);
        assert!(len < MAX_SHARED_SEED_BYTES, "{}", path.display());
    }
}

#[test]
fn short_run_over_the_default_corpus() {
    let _guard = lock();
    let dir = temp_dir("short");
    let config = FuzzConfig {
        seconds: 1,
        seed: 1,
        corpus: default_corpus(&crate::workspace::root()),
        crashes_dir: dir.clone(),
    };
    let report = run(&config);
    assert!(report.iterations > 0, "{report}");
    assert!(report.seeds > 0);
    assert!(report.executions >= report.iterations);
    assert!(report.skipped_seeds.is_empty(), "{report}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("crash dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".in-flight"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn finds_and_minimizes_an_injected_crash() {
    let _guard = lock();
    let seeds = temp_dir("seeds");
    let crashes = temp_dir("crashes");
    let mut schemas = Map::new();
    for i in 0..12 {
        schemas.insert(
            format!("S{i}"),
            json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"$ref": "#/components/schemas/S0"}}}),
        );
    }
    schemas.insert(
        "Pet".to_owned(),
        json!({"type": "object", "x-boom": true, "properties": {"id": {"type": "integer"}}}),
    );
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/bad": {"get": {"x-bad": 1, "responses": {"200": {"description": "ok"}}}},
            "/pets": {"get": {"operationId": "list", "responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": schemas},
    });
    std::fs::write(
        seeds.join("a.json"),
        serde_json::to_string_pretty(&spec).unwrap(),
    )
    .unwrap();
    std::fs::write(seeds.join("b.yaml"), serde_yaml::to_string(&spec).unwrap()).unwrap();
    let config = FuzzConfig {
        seconds: 2,
        seed: 5,
        corpus: vec![seeds.join("a.json"), seeds.join("b.yaml")],
        crashes_dir: crashes.clone(),
    };
    let report = run_with(&config, |name, text| {
        let Some(value) = parse_value(SourceFormat::detect(name, ""), text) else {
            return Ok(());
        };
        if value.pointer("/components/schemas/Pet/x-boom").is_some() {
            panic!("boom: the marker is there");
        }
        if value.pointer("/paths/~1bad/get/x-bad").is_some() {
            return Err("bad output for `x-bad` 42".to_owned());
        }
        Ok(())
    });
    assert_eq!(report.crashes.len(), 2, "{report}");
    let boom = report
        .crashes
        .iter()
        .find(|c| c.kind == CrashKind::Panic)
        .expect("the panic");
    assert_eq!(boom.message, "boom: the marker is there");
    assert!(boom.location.contains(file!()), "{}", boom.location);
    assert!(boom.hits > 1, "{report}");
    let minimized = std::fs::read_to_string(&boom.input).expect("saved input");
    let value = parse_value(
        SourceFormat::from_path(&boom.input).expect("ext"),
        &minimized,
    )
    .expect("parses");
    assert_eq!(value.as_object().map(Map::len), Some(1), "{minimized}");
    assert_eq!(
        value["components"].as_object().map(Map::len),
        Some(1),
        "{minimized}"
    );
    assert_eq!(
        value["components"]["schemas"].as_object().map(Map::len),
        Some(1),
        "{minimized}"
    );
    assert_eq!(
        value["components"]["schemas"]["Pet"]
            .as_object()
            .map(Map::len),
        Some(1),
        "{minimized}"
    );
    let details = std::fs::read_to_string(&boom.details).expect("details");
    assert!(details.contains("boom: the marker is there"), "{details}");

    let bad = report
        .crashes
        .iter()
        .find(|c| c.kind == CrashKind::BadOutput)
        .expect("the error");
    assert_eq!(bad.message, "bad output for `x-bad` 42");
    let minimized = std::fs::read_to_string(&bad.input).expect("saved input");
    let value = parse_value(
        SourceFormat::from_path(&bad.input).expect("ext"),
        &minimized,
    )
    .expect("parses");
    assert_eq!(value.as_object().map(Map::len), Some(1), "{minimized}");
    assert_eq!(
        value["paths"].as_object().map(Map::len),
        Some(1),
        "{minimized}"
    );
    let _ = std::fs::remove_dir_all(&seeds);
    let _ = std::fs::remove_dir_all(&crashes);
}
