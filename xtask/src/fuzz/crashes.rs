//! Finding, minimizing and saving crashes: one per deduplication key, minimized, written to
//! the crashes folder with a `.txt` of details.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::Value;

use codegen::source::SourceFormat;

use super::exec::{fnv1a, Executor, Failure};
use super::input::Input;
use super::predicates::is_container;
use super::seeds::{parse_value, serialize, Seed};
use super::tree::{get, get_mut, rename_at, walk, Seg, SegRef};
use super::{Crash, CrashKind, FuzzConfig, FuzzReport};

pub(super) struct Fuzzer<'a> {
    pub(super) config: &'a FuzzConfig,
    pub(super) seeds: &'a [Seed],
    pub(super) exec: Executor,
    /// Crash key → index in `report.crashes`.
    pub(super) seen: HashMap<String, usize>,
    pub(super) report: FuzzReport,
    pub(super) minimize_budget: Duration,
}

impl Fuzzer<'_> {
    pub(super) fn handle_failure(&mut self, failure: Failure, input: &Input, iteration: u64) {
        let mut queue = VecDeque::from([(failure, input.format, input.text.clone())]);
        while let Some((mut failure, format, text)) = queue.pop_front() {
            if failure.kind == CrashKind::Hang {
                // Hangs have no location: one per seed spec.
                let seed = &self.seeds[input.seed_index].path;
                let name = seed.file_name().unwrap_or_default().to_string_lossy();
                failure.key = format!("{} (from {name})", failure.key);
            }
            if let Some(&index) = self.seen.get(&failure.key) {
                self.report.crashes[index].hits += 1;
                continue;
            }
            eprintln!(
                "fuzz: new crash: {}: {}{} (minimizing {} bytes)",
                failure.kind,
                failure.message,
                if failure.location.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", failure.location)
                },
                text.len()
            );
            let mut others = Vec::new();
            let minimized = if failure.kind == CrashKind::Hang {
                text.clone()
            } else {
                minimize(
                    &mut self.exec,
                    format,
                    &text,
                    &failure.key,
                    self.minimize_budget,
                    &mut others,
                )
            };
            let crash = self.save(
                &failure,
                format,
                &text,
                &minimized,
                input.seed_index,
                iteration,
            );
            self.seen
                .insert(failure.key.clone(), self.report.crashes.len());
            self.report.crashes.push(crash);
            for (other, other_text) in others {
                if !self.seen.contains_key(&other.key) && other.kind != CrashKind::Hang {
                    queue.push_back((other, format, other_text));
                }
            }
        }
    }

    fn save(
        &mut self,
        failure: &Failure,
        format: SourceFormat,
        original: &str,
        minimized: &str,
        seed_index: usize,
        iteration: u64,
    ) -> Crash {
        let stem = format!("{:016x}", fnv1a(failure.key.as_bytes()));
        let dir = &self.config.crashes_dir;
        let input = dir.join(format!("{stem}.{}", format.extension()));
        let details = dir.join(format!("{stem}.txt"));
        let seed_spec = self.seeds[seed_index].path.clone();
        // An earlier run may have saved this crash already: keep the smaller input.
        for ext in ["json", "yaml"] {
            let earlier = dir.join(format!("{stem}.{ext}"));
            match std::fs::metadata(&earlier) {
                Ok(meta) if (meta.len() as usize) <= minimized.len() => {
                    let minimized_bytes = meta.len() as usize;
                    return Crash {
                        kind: failure.kind,
                        key: failure.key.clone(),
                        message: failure.message.clone(),
                        location: failure.location.clone(),
                        input: earlier,
                        details,
                        seed_spec,
                        iteration,
                        hits: 1,
                        original_bytes: original.len(),
                        minimized_bytes,
                    };
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(&earlier);
                }
                Err(_) => {}
            }
        }
        let text = format!(
            "kind: {}\nmessage: {}\nlocation: {}\nkey: {}\nseed spec: {}\nfound at: iteration {iteration} of seed {}\n\
             input: {} bytes, minimized to {} bytes ({})\n\nbacktrace:\n{}\n",
            failure.kind,
            failure.message,
            failure.location,
            failure.key,
            seed_spec.display(),
            self.config.seed,
            original.len(),
            minimized.len(),
            input.display(),
            failure.backtrace.as_ref().map_or_else(|| "(none)".to_owned(), |b| b.to_string()),
        );
        for (path, contents) in [(&input, minimized), (&details, text.as_str())] {
            if let Err(e) = std::fs::write(path, contents) {
                self.report
                    .errors
                    .push(format!("cannot write {}: {e}", path.display()));
            }
        }
        Crash {
            kind: failure.kind,
            key: failure.key.clone(),
            message: failure.message.clone(),
            location: failure.location.clone(),
            input,
            details,
            seed_spec,
            iteration,
            hits: 1,
            original_bytes: original.len(),
            minimized_bytes: minimized.len(),
        }
    }

    pub(super) fn finish(self) -> FuzzReport {
        let mut report = self.report;
        report.executions = self.exec.executions;
        report
    }
}

/// Greedy minimization keeping the failure `key`: on the value tree when the text parses
/// (and its re-serialization still fails), else on lines, then characters. Failures with
/// other keys met on the way go to `others`.
fn minimize(
    exec: &mut Executor,
    format: SourceFormat,
    text: &str,
    key: &str,
    budget: Duration,
    others: &mut Vec<(Failure, String)>,
) -> String {
    let deadline = Instant::now() + budget;
    let name = format!("fuzz.{}", format.extension());
    let mut check = |candidate: &str| -> bool {
        match exec.exec(&name, candidate).into_failure() {
            Some(failure) if failure.key == key => true,
            Some(failure) => {
                if others.len() < 16 && !others.iter().any(|(o, _)| o.key == failure.key) {
                    others.push((failure, candidate.to_owned()));
                }
                false
            }
            None => false,
        }
    };
    if let Some(value) = parse_value(format, text) {
        let canonical = serialize(format, &value, false);
        if canonical == text || check(&canonical) {
            let value = minimize_tree(
                value,
                &mut |v| check(&serialize(format, v, false)),
                deadline,
            );
            return serialize(format, &value, false);
        }
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let lines = ddmin(lines, &mut |items| check(&items.concat()), deadline);
    let text = lines.concat();
    if text.len() > 4096 {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    ddmin(
        chars,
        &mut |items| check(&items.iter().collect::<String>()),
        deadline,
    )
    .into_iter()
    .collect()
}

/// Removes chunks of `items` (all, halves, quarters, ... single items) while `check`
/// holds for the rest.
fn ddmin<T: Clone>(
    mut items: Vec<T>,
    check: &mut dyn FnMut(&[T]) -> bool,
    deadline: Instant,
) -> Vec<T> {
    let mut chunk = items.len();
    while chunk > 0 {
        let mut start = 0;
        while start < items.len() {
            if Instant::now() >= deadline {
                return items;
            }
            let end = (start + chunk).min(items.len());
            let candidate: Vec<T> = items[..start]
                .iter()
                .chain(&items[end..])
                .cloned()
                .collect();
            if check(&candidate) {
                items = candidate;
            } else {
                start = end;
            }
        }
        chunk /= 2;
    }
    items
}

/// Deletes object members and array elements, top-down, while `check` holds; repeats
/// until nothing more goes (or time is up).
fn minimize_tree(
    mut current: Value,
    check: &mut dyn FnMut(&Value) -> bool,
    deadline: Instant,
) -> Value {
    loop {
        let before = serde_json::to_string(&current).unwrap_or_default().len();
        let mut queue: VecDeque<Vec<Seg>> = VecDeque::from([Vec::new()]);
        while let Some(path) = queue.pop_front() {
            if Instant::now() >= deadline {
                return current;
            }
            let children: Vec<(Seg, Value)> = match get(&current, &path) {
                Some(Value::Object(map)) => map
                    .iter()
                    .map(|(k, v)| (Seg::Key(k.clone()), v.clone()))
                    .collect(),
                Some(Value::Array(items)) => items
                    .iter()
                    .cloned()
                    .enumerate()
                    .map(|(i, v)| (Seg::Index(i), v))
                    .collect(),
                _ => continue,
            };
            let is_object = matches!(get(&current, &path), Some(Value::Object(_)));
            let rebuild = |kept: &[(Seg, Value)]| -> Value {
                if is_object {
                    Value::Object(
                        kept.iter()
                            .filter_map(|(seg, v)| match seg {
                                Seg::Key(k) => Some((k.clone(), v.clone())),
                                Seg::Index(_) => None,
                            })
                            .collect(),
                    )
                } else {
                    Value::Array(kept.iter().map(|(_, v)| v.clone()).collect())
                }
            };
            let kept = ddmin(
                children,
                &mut |kept| {
                    let mut candidate = current.clone();
                    match get_mut(&mut candidate, &path) {
                        Some(slot) => *slot = rebuild(kept),
                        None => return false,
                    }
                    check(&candidate)
                },
                deadline,
            );
            if let Some(slot) = get_mut(&mut current, &path) {
                *slot = rebuild(&kept);
            }
            for (i, (seg, value)) in kept.into_iter().enumerate() {
                if is_container(&value) {
                    let mut child = path.clone();
                    child.push(if is_object { seg } else { Seg::Index(i) });
                    queue.push_back(child);
                }
            }
        }
        current = shrink_strings(current, check, deadline);
        let after = serde_json::to_string(&current).unwrap_or_default().len();
        if after >= before {
            return current;
        }
    }
}

/// Shortens string values and object keys character by character while `check` holds.
fn shrink_strings(
    mut current: Value,
    check: &mut dyn FnMut(&Value) -> bool,
    deadline: Instant,
) -> Value {
    let mut paths = Vec::new();
    let mut stack = Vec::new();
    walk(&current, &mut stack, &mut |path, value| {
        // Names and texts keep at least one character (an empty name is an edge case of
        // its own); the version stays as it is.
        let is_key = matches!(path.last(), Some(SegRef::Key(k)) if k.chars().count() > 1);
        let is_text = matches!(value, Value::String(s) if s.chars().count() > 1)
            && !matches!(path, [SegRef::Key("openapi" | "swagger")]);
        if is_key || is_text {
            paths.push((
                path.iter().map(|s| s.to_owned_seg()).collect::<Vec<_>>(),
                is_key,
                is_text,
            ));
        }
    });
    // Deepest first, so renaming a key does not invalidate paths still to do.
    for (path, is_key, is_text) in paths.into_iter().rev() {
        if Instant::now() >= deadline {
            break;
        }
        if is_text {
            if let Some(Value::String(text)) = get(&current, &path) {
                let chars: Vec<char> = text.chars().collect();
                let kept = ddmin(
                    chars,
                    &mut |kept| {
                        if kept.is_empty() {
                            return false;
                        }
                        let mut candidate = current.clone();
                        match get_mut(&mut candidate, &path) {
                            Some(slot) => *slot = Value::String(kept.iter().collect()),
                            None => return false,
                        }
                        check(&candidate)
                    },
                    deadline,
                );
                if let Some(slot) = get_mut(&mut current, &path) {
                    *slot = Value::String(kept.into_iter().collect());
                }
            }
        }
        if let (true, Some((Seg::Key(key), parent))) = (is_key, path.split_last()) {
            let chars: Vec<char> = key.chars().collect();
            let taken = |name: &str, value: &Value| matches!(get(value, parent), Some(Value::Object(map)) if map.contains_key(name));
            let kept = ddmin(
                chars,
                &mut |kept| {
                    let name: String = kept.iter().collect();
                    if name.is_empty() || taken(&name, &current) {
                        return false;
                    }
                    let mut candidate = current.clone();
                    rename_at(&mut candidate, &path, &name) && check(&candidate)
                },
                deadline,
            );
            let name: String = kept.into_iter().collect();
            if name != *key && !taken(&name, &current) {
                rename_at(&mut current, &path, &name);
            }
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

    use crate::fuzz::tests::{lock, temp_dir};

    #[test]
    fn text_minimization_when_the_input_does_not_parse() {
        let _guard = lock();
        let dir = temp_dir("text");
        let mut exec = Executor::new(
            Arc::new(|_: &str, text: &str| {
                if text.contains("{{") {
                    panic!("double brace");
                }
                Ok(())
            }),
            &dir,
        );
        let text = "a: 1\nb: [\nc: {{ x\nd: 4\n";
        let key = exec.exec("x.yaml", text).into_failure().expect("fails").key;
        let mut others = Vec::new();
        let out = minimize(
            &mut exec,
            SourceFormat::Yaml,
            text,
            &key,
            Duration::from_secs(5),
            &mut others,
        );
        assert_eq!(out, "{{");
        assert!(others.is_empty());
        drop(exec);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
