//! Paths in a value tree: walking it; picking, reading, removing and renaming nodes; the
//! `$ref` pointers to them.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy)]
pub(super) enum SegRef<'a> {
    Key(&'a str),
    Index(usize),
}

impl SegRef<'_> {
    pub(super) fn to_owned_seg(self) -> Seg {
        match self {
            SegRef::Key(k) => Seg::Key(k.to_owned()),
            SegRef::Index(i) => Seg::Index(i),
        }
    }
}

/// The key `up` segments from the end of `path` (1 = the last), if it is a key.
pub(super) fn key_at<'a>(path: &[SegRef<'a>], up: usize) -> Option<&'a str> {
    match path.len().checked_sub(up).map(|i| path[i]) {
        Some(SegRef::Key(k)) => Some(k),
        _ => None,
    }
}

pub(super) fn walk<'a>(
    value: &'a Value,
    stack: &mut Vec<SegRef<'a>>,
    f: &mut dyn FnMut(&[SegRef<'a>], &'a Value),
) {
    f(stack, value);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                stack.push(SegRef::Key(k));
                walk(v, stack, f);
                stack.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                stack.push(SegRef::Index(i));
                walk(v, stack, f);
                stack.pop();
            }
        }
        _ => {}
    }
}

/// A uniformly random node matching `pred` (reservoir sampling, one walk).
pub(super) fn pick(
    root: &Value,
    rng: &mut fastrand::Rng,
    pred: &dyn Fn(&[SegRef<'_>], &Value) -> bool,
) -> Option<Vec<Seg>> {
    let mut count = 0usize;
    let mut chosen: Option<Vec<Seg>> = None;
    let mut stack = Vec::new();
    walk(root, &mut stack, &mut |path, value| {
        if pred(path, value) {
            count += 1;
            if rng.usize(..count) == 0 {
                chosen = Some(path.iter().map(|s| s.to_owned_seg()).collect());
            }
        }
    });
    chosen
}

pub(super) fn get<'v>(root: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    let mut current = root;
    for seg in path {
        current = match (seg, current) {
            (Seg::Key(k), Value::Object(map)) => map.get(k)?,
            (Seg::Index(i), Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

pub(super) fn get_mut<'v>(root: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut current = root;
    for seg in path {
        current = match (seg, current) {
            (Seg::Key(k), Value::Object(map)) => map.get_mut(k)?,
            (Seg::Index(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

pub(super) fn remove_at(root: &mut Value, path: &[Seg]) -> Option<Value> {
    let (last, parent) = path.split_last()?;
    match (last, get_mut(root, parent)?) {
        (Seg::Key(k), Value::Object(map)) => map.shift_remove(k),
        (Seg::Index(i), Value::Array(items)) if *i < items.len() => Some(items.remove(*i)),
        _ => None,
    }
}

/// Renames the member at `path` (keeping its place); false when `path` is not a member.
pub(super) fn rename_at(root: &mut Value, path: &[Seg], new: &str) -> bool {
    let Some((Seg::Key(old), parent)) = path.split_last() else {
        return false;
    };
    let Some(Value::Object(map)) = get_mut(root, parent) else {
        return false;
    };
    rename_key(map, old, new);
    true
}

fn rename_key(map: &mut Map<String, Value>, old: &str, new: &str) {
    let entries = std::mem::take(map);
    for (k, v) in entries {
        if k == old {
            map.insert(new.to_owned(), v);
        } else {
            map.entry(k).or_insert(v);
        }
    }
}

/// `#/a/b~1c` for a path (escaped by `codegen::pointer`, as the generator reads it).
pub(super) fn encode_pointer(path: &[Seg]) -> String {
    let tokens: Vec<String> = path
        .iter()
        .map(|seg| match seg {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect();
    format!("#{}", codegen::pointer::encode(&tokens))
}

pub(super) fn escape_token(token: &str) -> String {
    codegen::pointer::escape_token(token).into_owned()
}

pub(super) fn percent_encode_some(text: &str, rng: &mut fastrand::Rng) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let special = !(c.is_ascii_alphanumeric() || "#/-_.".contains(c));
        if special || rng.u8(..8) == 0 {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}
