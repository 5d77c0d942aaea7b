//! Constraints: one exhaustive match over [`CheckKind`] decides what a change of each means.

use std::collections::BTreeSet;

use super::{
    loosened, loosened_why, loosened_wire, tightened, tightened_why, tightened_wire, Differ,
};
use crate::diff::sides::Side;
use crate::diff::{ChangeKind, Severity};
use crate::ir::{Check, CheckKind, Checks};

impl<'a> Differ<'a> {
    pub(super) fn compare_checks(
        &mut self,
        loc: &str,
        o: &Checks,
        n: &Checks,
        side: Side,
        prefix: &str,
    ) {
        if o == n {
            return;
        }
        self.compare_here(loc, &o.here, &n.here, side, prefix);
        let empty = Checks::default();
        if o.items.is_some() || n.items.is_some() {
            let a = o.items.as_deref().unwrap_or(&empty);
            let b = n.items.as_deref().unwrap_or(&empty);
            self.compare_checks(loc, a, b, side, &format!("{prefix}items: "));
        }
        if o.values.is_some() || n.values.is_some() {
            let a = o.values.as_deref().unwrap_or(&empty);
            let b = n.values.as_deref().unwrap_or(&empty);
            self.compare_checks(loc, a, b, side, &format!("{prefix}values: "));
        }
        let indices: BTreeSet<usize> = o
            .members
            .iter()
            .chain(&n.members)
            .map(|(i, _)| *i)
            .collect();
        for index in indices {
            let a = o
                .members
                .iter()
                .find(|(i, _)| *i == index)
                .map_or(&empty, |(_, c)| c);
            let b = n
                .members
                .iter()
                .find(|(i, _)| *i == index)
                .map_or(&empty, |(_, c)| c);
            self.compare_checks(loc, a, b, side, &format!("{prefix}item {index}: "));
        }
    }

    pub(super) fn constraint(&mut self, loc: &str, side: Side, direction: Direction, text: String) {
        let wire = match direction {
            Direction::Tightened => tightened_wire(side),
            Direction::Loosened => loosened_wire(side),
            Direction::Changed => Severity::NeedsReview,
        };
        let (severity, kind, message) = match direction {
            Direction::Tightened => (
                tightened(side),
                ChangeKind::ConstraintTightened,
                format!("constraint tightened: {text} ({} side: {})", side.text(), tightened_why(side)),
            ),
            Direction::Loosened => (
                loosened(side),
                ChangeKind::ConstraintLoosened,
                format!("constraint loosened: {text} ({} side: {})", side.text(), loosened_why(side)),
            ),
            Direction::Changed => (
                Severity::NeedsReview,
                ChangeKind::ConstraintChanged,
                format!(
                    "constraint changed: {text} ({} side: values valid before may be refused and the reverse)",
                    side.text()
                ),
            ),
        };
        self.push_wire(severity, wire, kind, loc, message);
    }

    /// Compares the checks on one value, keyword by keyword: the `match` names what a
    /// change of each [`CheckKind`] means, so a new kind is listed here by the compiler.
    pub(super) fn compare_here(
        &mut self,
        loc: &str,
        o: &[Check],
        n: &[Check],
        side: Side,
        prefix: &str,
    ) {
        for kind in CheckKind::ALL {
            let a: Vec<&Check> = o.iter().filter(|c| c.kind() == kind).collect();
            let b: Vec<&Check> = n.iter().filter(|c| c.kind() == kind).collect();
            if a == b {
                continue;
            }
            let change = match kind {
                CheckKind::MinItems | CheckKind::MinLength | CheckKind::MinProperties => {
                    lower_count(kind.keyword(), &a, &b)
                }
                CheckKind::MaxItems | CheckKind::MaxLength | CheckKind::MaxProperties => {
                    upper_count(kind.keyword(), &a, &b)
                }
                CheckKind::UniqueItems => unique_items(&a, &b),
                CheckKind::Minimum => minimum(&a, &b),
                CheckKind::Maximum => maximum(&a, &b),
                CheckKind::MultipleOf => multiple_of(&a, &b),
                CheckKind::Pattern => patterns("pattern", &a, &b),
                CheckKind::KeyPattern => patterns("key pattern", &a, &b),
                CheckKind::OneOfValues => allowed_values(&a, &b),
                CheckKind::Contains => contains(&a, &b),
                CheckKind::DependentRequired => dependent_required(&a, &b),
            };
            if let Some((direction, text)) = change {
                self.constraint(loc, side, direction, format!("{prefix}{text}"));
            }
        }
    }
}

/// How one keyword changed, and the text that says so; `None` when the values it
/// allows are the same.
type KeywordChange = Option<(Direction, String)>;

/// The number of a count check (`minItems`, `maxLength`, ...).
fn count(check: &Check) -> Option<u64> {
    match check {
        Check::MinItems(n)
        | Check::MaxItems(n)
        | Check::MinLength(n)
        | Check::MaxLength(n)
        | Check::MinProperties(n)
        | Check::MaxProperties(n) => Some(*n),
        _ => None,
    }
}

/// Lower bounds on counts: the largest applies, and larger is tighter.
fn lower_count(keyword: &str, o: &[&Check], n: &[&Check]) -> KeywordChange {
    let a = o.iter().filter_map(|c| count(c)).max();
    let b = n.iter().filter_map(|c| count(c)).max();
    let direction = if b.unwrap_or(0) > a.unwrap_or(0) {
        Direction::Tightened
    } else {
        Direction::Loosened
    };
    (a != b).then(|| (direction, format!("{keyword} {}", bound_change(a, b))))
}

/// Upper bounds on counts: the smallest applies, and smaller is tighter.
fn upper_count(keyword: &str, o: &[&Check], n: &[&Check]) -> KeywordChange {
    let a = o.iter().filter_map(|c| count(c)).min();
    let b = n.iter().filter_map(|c| count(c)).min();
    let direction = if b.unwrap_or(u64::MAX) < a.unwrap_or(u64::MAX) {
        Direction::Tightened
    } else {
        Direction::Loosened
    };
    (a != b).then(|| (direction, format!("{keyword} {}", bound_change(a, b))))
}

fn unique_items(o: &[&Check], n: &[&Check]) -> KeywordChange {
    match (o.is_empty(), n.is_empty()) {
        (true, false) => Some((Direction::Tightened, "uniqueItems added".to_owned())),
        (false, true) => Some((Direction::Loosened, "uniqueItems removed".to_owned())),
        _ => None,
    }
}

/// A numeric bound and whether it is exclusive.
fn bound(check: &Check) -> Option<(f64, bool)> {
    match check {
        Check::Minimum(v, x) | Check::Maximum(v, x) => Some((*v, *x)),
        _ => None,
    }
}

fn minimum(o: &[&Check], n: &[&Check]) -> KeywordChange {
    numeric_bound("minimum", o, n, cmp_lower)
}

fn maximum(o: &[&Check], n: &[&Check]) -> KeywordChange {
    // A smaller upper bound is the stricter one.
    numeric_bound("maximum", o, n, |a, b| cmp_upper(b, a))
}

/// A numeric bound: the strictest applies (`stricter(a, b)` is `Greater` when `a` refuses
/// more values than `b`), and a stricter one is tighter.
fn numeric_bound(
    keyword: &str,
    o: &[&Check],
    n: &[&Check],
    stricter: fn((f64, bool), (f64, bool)) -> std::cmp::Ordering,
) -> KeywordChange {
    let strictest = |cs: &[&Check]| {
        cs.iter()
            .filter_map(|c| bound(c))
            .max_by(|a, b| stricter(*a, *b))
    };
    let (a, b) = (strictest(o), strictest(n));
    let direction = match (a, b) {
        (None, _) => Direction::Tightened,
        (_, None) => Direction::Loosened,
        (Some(a), Some(b)) if stricter(b, a).is_gt() => Direction::Tightened,
        (Some(_), Some(_)) => Direction::Loosened,
    };
    (a != b).then(|| (direction, numeric_change(keyword, a, b)))
}

fn multiple_of(o: &[&Check], n: &[&Check]) -> KeywordChange {
    let divisor = |cs: &[&Check]| {
        cs.iter().find_map(|c| match c {
            Check::MultipleOf(d) => Some(*d),
            _ => None,
        })
    };
    let (a, b) = (divisor(o), divisor(n));
    if a == b {
        return None;
    }
    let show = |d: Option<f64>| d.map_or_else(|| "none".to_owned(), |d| d.to_string());
    let is_multiple = |x: f64, y: f64| {
        let q = x / y;
        y != 0.0 && q.is_finite() && (q - q.round()).abs() < 1e-9
    };
    let direction = match (a, b) {
        (None, _) => Direction::Tightened,
        (_, None) => Direction::Loosened,
        (Some(a), Some(b)) if is_multiple(b, a) => Direction::Tightened,
        (Some(a), Some(b)) if is_multiple(a, b) => Direction::Loosened,
        _ => Direction::Changed,
    };
    Some((direction, format!("multipleOf {} -> {}", show(a), show(b))))
}

/// Value or key patterns: every one must match, so more patterns refuse more.
fn patterns(keyword: &str, o: &[&Check], n: &[&Check]) -> KeywordChange {
    let set = |cs: &[&Check]| -> BTreeSet<String> {
        cs.iter()
            .filter_map(|c| match c {
                Check::Pattern(p) | Check::KeyPattern(p) => Some(p.clone()),
                _ => None,
            })
            .collect()
    };
    let (a, b) = (set(o), set(n));
    let direction = if b.is_superset(&a) {
        Direction::Tightened
    } else if b.is_subset(&a) {
        Direction::Loosened
    } else {
        Direction::Changed
    };
    (a != b).then(|| {
        let text = format!("{keyword} {} -> {}", show_set(&a), show_set(&b));
        (direction, text)
    })
}

/// `enum`/`const` values: one must match, so fewer values refuse more.
fn allowed_values(o: &[&Check], n: &[&Check]) -> KeywordChange {
    let set = |cs: &[&Check]| -> Option<BTreeSet<String>> {
        cs.iter().find_map(|c| match c {
            Check::OneOfValues(v) => Some(v.iter().cloned().collect()),
            _ => None,
        })
    };
    let (a, b) = (set(o), set(n));
    if a == b {
        return None;
    }
    let show = |s: &Option<BTreeSet<String>>| {
        s.as_ref().map_or_else(
            || "any".to_owned(),
            |s| format!("[{}]", s.iter().cloned().collect::<Vec<_>>().join(", ")),
        )
    };
    let direction = match (&a, &b) {
        (None, _) => Direction::Tightened,
        (_, None) => Direction::Loosened,
        (Some(a), Some(b)) if b.is_subset(a) => Direction::Tightened,
        (Some(a), Some(b)) if b.is_superset(a) => Direction::Loosened,
        _ => Direction::Changed,
    };
    Some((
        direction,
        format!("allowed values {} -> {}", show(&a), show(&b)),
    ))
}

fn contains(o: &[&Check], n: &[&Check]) -> KeywordChange {
    let texts = |cs: &[&Check]| -> Vec<String> {
        cs.iter()
            .filter_map(|c| match c {
                Check::Contains { allowed, min, max } => Some(format!(
                    "contains [{}] {}..{}",
                    allowed.join(", "),
                    min,
                    max.map_or_else(String::new, |m| m.to_string())
                )),
                _ => None,
            })
            .collect()
    };
    let (a, b) = (texts(o), texts(n));
    if a == b {
        return None;
    }
    let show = |v: &[String]| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join("; ")
        }
    };
    let direction = if a.is_empty() {
        Direction::Tightened
    } else if b.is_empty() {
        Direction::Loosened
    } else {
        Direction::Changed
    };
    Some((direction, format!("{} -> {}", show(&a), show(&b))))
}

/// `dependentRequired` as (present property, property it requires) pairs: more pairs
/// refuse more objects.
fn dependent_required(o: &[&Check], n: &[&Check]) -> KeywordChange {
    let pairs = |cs: &[&Check]| -> BTreeSet<(String, String)> {
        cs.iter()
            .filter_map(|c| match c {
                Check::DependentRequired(rules) => Some(rules),
                _ => None,
            })
            .flatten()
            .flat_map(|(present, needed)| needed.iter().map(move |n| (present.clone(), n.clone())))
            .collect()
    };
    let (a, b) = (pairs(o), pairs(n));
    if a == b {
        return None;
    }
    let show = |pairs: &BTreeSet<(String, String)>| {
        if pairs.is_empty() {
            return "none".to_owned();
        }
        let shown: Vec<String> = pairs.iter().map(|(p, n)| format!("{p} -> {n}")).collect();
        format!("[{}]", shown.join(", "))
    };
    let direction = if b.is_superset(&a) {
        Direction::Tightened
    } else if b.is_subset(&a) {
        Direction::Loosened
    } else {
        Direction::Changed
    };
    Some((
        direction,
        format!("dependentRequired {} -> {}", show(&a), show(&b)),
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Tightened,
    Loosened,
    Changed,
}

fn bound_change(a: Option<u64>, b: Option<u64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a} -> {b}"),
        (None, Some(b)) => format!("{b} added"),
        (Some(a), None) => format!("{a} removed"),
        (None, None) => "unchanged".to_owned(),
    }
}

/// Orders lower bounds by strictness: a larger bound, or an exclusive one at the same
/// value, is stricter (greater).
fn cmp_lower(a: (f64, bool), b: (f64, bool)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// Orders upper bounds by strictness: a smaller bound, or an exclusive one at the same
/// value, is stricter (less).
fn cmp_upper(a: (f64, bool), b: (f64, bool)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(b.1.cmp(&a.1))
}

fn numeric_change(keyword: &str, a: Option<(f64, bool)>, b: Option<(f64, bool)>) -> String {
    let show = |bound: (f64, bool)| {
        if bound.1 {
            let mut exclusive = String::from("exclusive");
            let mut chars = keyword.chars();
            if let Some(first) = chars.next() {
                exclusive.push(first.to_ascii_uppercase());
                exclusive.push_str(chars.as_str());
            }
            format!("{exclusive} {}", bound.0)
        } else {
            format!("{keyword} {}", bound.0)
        }
    };
    match (a, b) {
        (Some(a), Some(b)) => format!("{} -> {}", show(a), show(b)),
        (None, Some(b)) => format!("{} added", show(b)),
        (Some(a), None) => format!("{} removed", show(a)),
        (None, None) => format!("{keyword} unchanged"),
    }
}

fn show_set(set: &BTreeSet<String>) -> String {
    if set.is_empty() {
        "none".to_owned()
    } else {
        set.iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_bounds_compare_by_strictness() {
        assert!(cmp_lower((1.0, true), (1.0, false)).is_gt());
        assert!(cmp_upper((1.0, true), (1.0, false)).is_lt());
        assert_eq!(
            numeric_change("minimum", Some((0.0, false)), Some((0.0, true))),
            "minimum 0 -> exclusiveMinimum 0"
        );
    }
}
