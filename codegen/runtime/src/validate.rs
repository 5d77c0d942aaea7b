//! Constraint checking for values whose schema states JSON-Schema constraints.
//!
//! A constrained value is a [`Checked<T, R>`]: the value `T` plus a zero-sized rule `R`
//! that lists the spec's constraints. A `Checked` can only be made through
//! [`Checked::new`] (or `TryFrom`) and through `Deserialize`, and both run the rule, so a
//! value that breaks the spec cannot exist. Every violation is reported, each with the
//! path of the offending part (`clipIds[3]: expected at most 5 characters, got 7`).

use ::std::fmt;
use ::std::marker::PhantomData;

/// One broken constraint, with the path of the part of the value that breaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path from the checked value to the offending part, e.g. `clipIds[3]` or `tags.name`.
    pub path: String,
    /// What is wrong, e.g. `expected at least 6 items, got 5`.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every constraint a value breaks (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    violations: Vec<Violation>,
}

impl ValidationError {
    /// Builds an error from a non-empty list of violations.
    pub fn new(violations: Vec<Violation>) -> Self {
        Self { violations }
    }

    /// The violations, in the order they were found.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The same violations with `prefix` put in front of each path.
    pub fn within(mut self, prefix: &str) -> Self {
        for violation in &mut self.violations {
            violation.path = join_path(prefix, &violation.path);
        }
        self
    }

    /// The same violations with the paths that start at `from` (a rule's label) starting
    /// at `to` instead (the field the value is for).
    pub fn relabel(mut self, from: &str, to: &str) -> Self {
        if from == to {
            return self;
        }
        for violation in &mut self.violations {
            if let Some(rest) = violation.path.strip_prefix(from) {
                if rest.is_empty() || rest.starts_with('.') || rest.starts_with('[') {
                    violation.path = format!("{to}{rest}");
                }
            }
        }
        self
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, violation) in self.violations.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            fmt::Display::fmt(violation, f)?;
        }
        Ok(())
    }
}

impl ::std::error::Error for ValidationError {}

/// More violations of the same value (or request).
impl Extend<Violation> for ValidationError {
    fn extend<I: IntoIterator<Item = Violation>>(&mut self, violations: I) {
        self.violations.extend(violations);
    }
}

impl IntoIterator for ValidationError {
    type Item = Violation;
    type IntoIter = ::std::vec::IntoIter<Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.violations.into_iter()
    }
}

/// Lets `TryInto<Checked<..>, Error: Into<ValidationError>>` take an already checked
/// value (whose conversion cannot fail) as well as a plain one.
impl From<::std::convert::Infallible> for ValidationError {
    fn from(never: ::std::convert::Infallible) -> Self {
        match never {}
    }
}

/// The value for the field `name` (its wire name) as the field's [`Checked`] type: the
/// plain value is checked, an already checked one taken as it is. Errors name the field.
/// Generated constructors and setters call this for constrained fields.
pub fn field<T, R, V>(name: &str, value: V) -> Result<Checked<T, R>, ValidationError>
where
    R: Rule<T>,
    V: TryInto<Checked<T, R>, Error: Into<ValidationError>>,
{
    value
        .try_into()
        .map_err(|error| error.into().relabel(R::LABEL, name))
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn join_path(prefix: &str, rest: &str) -> String {
    if prefix.is_empty() {
        rest.to_owned()
    } else if rest.is_empty() {
        prefix.to_owned()
    } else if rest.starts_with('[') {
        format!("{prefix}{rest}")
    } else {
        format!("{prefix}.{rest}")
    }
}

/// Collects violations while a rule walks a value, keeping track of the current path.
#[derive(Debug, Default)]
pub struct Checker {
    path: String,
    violations: Vec<Violation>,
}

impl Checker {
    /// A checker whose paths start at `root` (the field's wire name, or empty).
    pub fn new(root: &str) -> Self {
        Self {
            path: root.to_owned(),
            violations: Vec::new(),
        }
    }

    /// `Ok(())` when nothing was reported, otherwise every violation.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError::new(self.violations))
        }
    }

    /// Records a violation at the current path.
    pub fn report(&mut self, message: impl Into<String>) {
        self.violations.push(Violation {
            path: self.path.clone(),
            message: message.into(),
        });
    }

    /// Runs `check` with `.name` appended to the path.
    pub fn field(&mut self, name: &str, check: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
        check(self);
        self.path.truncate(len);
    }

    /// Runs `check` with `[index]` appended to the path.
    pub fn index(&mut self, index: usize, check: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        self.path.push_str(&format!("[{index}]"));
        check(self);
        self.path.truncate(len);
    }

    /// Runs `check` with `["key"]` appended to the path (map entries).
    pub fn key(&mut self, key: &str, check: impl FnOnce(&mut Self)) {
        let len = self.path.len();
        self.path.push_str(&format!("[{key:?}]"));
        check(self);
        self.path.truncate(len);
    }

    /// `minItems`.
    pub fn min_items(&mut self, len: usize, min: usize) {
        if len < min {
            self.report(format!(
                "expected at least {min} {}, got {len}",
                plural(min, "item", "items")
            ));
        }
    }

    /// `maxItems`.
    pub fn max_items(&mut self, len: usize, max: usize) {
        if len > max {
            self.report(format!(
                "expected at most {max} {}, got {len}",
                plural(max, "item", "items")
            ));
        }
    }

    /// `uniqueItems: true`: reports the first index that repeats an earlier item.
    pub fn unique_items<T: PartialEq>(&mut self, items: &[T]) {
        for (later, item) in items.iter().enumerate() {
            if let Some(earlier) = items[..later].iter().position(|other| other == item) {
                self.report(format!(
                    "expected unique items, but items {earlier} and {later} are equal"
                ));
                return;
            }
        }
    }

    /// `minLength`, counted in Unicode code points as JSON Schema defines.
    pub fn min_length(&mut self, value: &str, min: usize) {
        let len = value.chars().count();
        if len < min {
            self.report(format!(
                "expected at least {min} {}, got {len}",
                plural(min, "character", "characters")
            ));
        }
    }

    /// `maxLength`, counted in Unicode code points as JSON Schema defines.
    pub fn max_length(&mut self, value: &str, max: usize) {
        let len = value.chars().count();
        if len > max {
            self.report(format!(
                "expected at most {max} {}, got {len}",
                plural(max, "character", "characters")
            ));
        }
    }

    /// `pattern` (ECMAScript regular expression, unanchored as JSON Schema defines).
    pub fn pattern(&mut self, value: &str, pattern: &Pattern) {
        match pattern.is_match(value) {
            Some(true) => {}
            Some(false) => self.report(format!(
                "expected to match the pattern {:?}",
                pattern.source()
            )),
            None => self.report(format!(
                "the spec's pattern {:?} is not a valid ECMAScript regular expression",
                pattern.source()
            )),
        }
    }

    /// `minimum` (inclusive) or `exclusiveMinimum` (exclusive).
    pub fn minimum<N: Number>(&mut self, value: N, min: f64, exclusive: bool) {
        let value = value.as_f64();
        if value.is_nan() {
            self.report("expected a number, got NaN");
            return;
        }
        if exclusive && value <= min {
            self.report(format!("expected a value greater than {min}, got {value}"));
        } else if !exclusive && value < min {
            self.report(format!("expected a value of at least {min}, got {value}"));
        }
    }

    /// `maximum` (inclusive) or `exclusiveMaximum` (exclusive).
    pub fn maximum<N: Number>(&mut self, value: N, max: f64, exclusive: bool) {
        let value = value.as_f64();
        if value.is_nan() {
            self.report("expected a number, got NaN");
            return;
        }
        if exclusive && value >= max {
            self.report(format!("expected a value less than {max}, got {value}"));
        } else if !exclusive && value > max {
            self.report(format!("expected a value of at most {max}, got {value}"));
        }
    }

    /// `multipleOf`.
    pub fn multiple_of<N: Number>(&mut self, value: N, divisor: f64) {
        let value = value.as_f64();
        let quotient = value / divisor;
        let off = (quotient - quotient.round()).abs();
        if !quotient.is_finite() || off > 1e-9 * quotient.abs().max(1.0) {
            self.report(format!("expected a multiple of {divisor}, got {value}"));
        }
    }

    /// `minProperties`.
    pub fn min_properties(&mut self, len: usize, min: usize) {
        if len < min {
            self.report(format!(
                "expected at least {min} {}, got {len}",
                plural(min, "property", "properties")
            ));
        }
    }

    /// `maxProperties`.
    pub fn max_properties(&mut self, len: usize, max: usize) {
        if len > max {
            self.report(format!(
                "expected at most {max} {}, got {len}",
                plural(max, "property", "properties")
            ));
        }
    }

    /// `contains` with `minContains`/`maxContains`: how many items equal one of `allowed`
    /// (JSON texts).
    pub fn contains<T: ::serde::Serialize>(
        &mut self,
        items: &[T],
        allowed: &[&str],
        min: usize,
        max: Option<usize>,
    ) {
        let allowed: Vec<::serde_json::Value> = allowed
            .iter()
            .filter_map(|text| ::serde_json::from_str(text).ok())
            .collect();
        let count = items
            .iter()
            .filter(|item| ::serde_json::to_value(item).is_ok_and(|value| allowed.contains(&value)))
            .count();
        let shown: Vec<String> = allowed.iter().map(ToString::to_string).collect();
        if count < min {
            self.report(format!(
                "expected at least {min} {} equal to {}, got {count}",
                plural(min, "item", "items"),
                shown.join(" or ")
            ));
        }
        if let Some(max) = max.filter(|max| count > *max) {
            self.report(format!(
                "expected at most {max} {} equal to {}, got {count}",
                plural(max, "item", "items"),
                shown.join(" or ")
            ));
        }
    }

    /// `dependentRequired`: for each `(property, needs)`, when `property` is present in the
    /// value's JSON form, every name in `needs` must be present too.
    pub fn dependent_required<T: ::serde::Serialize>(
        &mut self,
        value: &T,
        rules: &[(&str, &[&str])],
    ) {
        let Ok(::serde_json::Value::Object(object)) = ::serde_json::to_value(value) else {
            return;
        };
        for (property, needs) in rules {
            if !object.contains_key(*property) {
                continue;
            }
            let missing: Vec<&str> = needs
                .iter()
                .copied()
                .filter(|n| !object.contains_key(*n))
                .collect();
            if !missing.is_empty() {
                self.report(format!(
                    "`{property}` is present, so `{}` must be too",
                    missing.join("`, `")
                ));
            }
        }
    }

    /// `enum` or `const` on a value that is not a generated Rust enum: the value, as JSON,
    /// must equal one of `allowed` (each given as JSON text).
    pub fn one_of_values<T: ::serde::Serialize>(&mut self, value: &T, allowed: &[&str]) {
        let Ok(actual) = ::serde_json::to_value(value) else {
            self.report("value cannot be represented as JSON");
            return;
        };
        let found = allowed.iter().any(|text| {
            ::serde_json::from_str::<::serde_json::Value>(text).is_ok_and(|v| v == actual)
        });
        if !found {
            self.report(format!(
                "expected one of {}, got {actual}",
                allowed.join(", ")
            ));
        }
    }
}

pub use crate::pattern::Pattern;

/// The number of properties in the JSON form of `value` (structs with `minProperties`).
pub fn property_count<T: ::serde::Serialize>(value: &T) -> usize {
    match ::serde_json::to_value(value) {
        Ok(::serde_json::Value::Object(object)) => object.len(),
        _ => 0,
    }
}

/// Numbers a rule can compare with the spec's bounds.
pub trait Number: Copy {
    /// The value as `f64` (bounds in a spec are JSON numbers).
    fn as_f64(self) -> f64;
}

macro_rules! impl_number {
    ($($ty:ty),*) => {
        $(impl Number for $ty {
            #[allow(clippy::cast_lossless, clippy::cast_precision_loss)]
            fn as_f64(self) -> f64 {
                self as f64
            }
        })*
    };
}
impl_number!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

::std::thread_local! {
    /// The violations of the last `Checked` value that failed to deserialize on this
    /// thread: serde errors are strings, so the decoder picks the structured list up here
    /// to give every violation its full path (`tags[2]: ...`).
    static LAST_VIOLATIONS: ::std::cell::RefCell<Option<ValidationError>> =
        const { ::std::cell::RefCell::new(None) };
}

/// The message of the last failed `Checked` deserialization on this thread, without
/// taking it (a struct's field reader checks whether an error is that one).
pub(crate) fn last_violations_message() -> Option<String> {
    LAST_VIOLATIONS.with(|last| last.borrow().as_ref().map(ToString::to_string))
}

/// Takes (and clears) the violations of the last failed `Checked` deserialization.
pub fn take_last_violations() -> Option<ValidationError> {
    LAST_VIOLATIONS.with(|last| last.borrow_mut().take())
}

::std::thread_local! {
    /// While a [`TolerateViolations`] guard lives: how many more broken `Checked` values
    /// this thread's deserializers let through before failing on the next one.
    static TOLERATED: ::std::cell::Cell<Option<usize>> = const { ::std::cell::Cell::new(None) };
}

/// Lets the next `count` broken `Checked` values deserialize on this thread (until the
/// guard drops), so a decoder can re-run and find the violation after them: serde stops
/// at the first error, and this is how the decoder lists every broken value of a
/// document. Values decoded under the guard may break their rules: they must be
/// discarded, never handed out.
pub(crate) struct TolerateViolations {
    previous: Option<usize>,
}

impl TolerateViolations {
    pub(crate) fn new(count: usize) -> Self {
        Self {
            previous: TOLERATED.with(|tolerated| tolerated.replace(Some(count))),
        }
    }
}

impl Drop for TolerateViolations {
    fn drop(&mut self) {
        TOLERATED.with(|tolerated| tolerated.set(self.previous));
    }
}

/// Whether a broken `Checked` value may pass (and uses up one tolerated value).
fn tolerate_violation() -> bool {
    TOLERATED.with(|tolerated| match tolerated.get() {
        Some(left) if left > 0 => {
            tolerated.set(Some(left - 1));
            true
        }
        _ => false,
    })
}

/// The constraints the spec states for values of type `T`, as a zero-sized marker type.
pub trait Rule<T> {
    /// The name errors start their paths with when a value is checked on its own
    /// (the property's wire name, or the schema's name).
    const LABEL: &'static str;

    /// Reports every constraint `value` breaks.
    fn check(value: &T, checker: &mut Checker);
}

/// A value of type `T` that satisfies the rule `R`: it can only be built through
/// [`Checked::new`], `TryFrom` or `Deserialize`, each of which runs the rule.
pub struct Checked<T, R> {
    value: T,
    rule: PhantomData<fn() -> R>,
}

impl<T, R: Rule<T>> Checked<T, R> {
    /// Checks `value` against the spec's constraints; the error lists every violation,
    /// with paths starting at the rule's label.
    pub fn new(value: T) -> Result<Self, ValidationError> {
        let mut checker = Checker::new(R::LABEL);
        R::check(&value, &mut checker);
        checker.finish()?;
        Ok(Self {
            value,
            rule: PhantomData,
        })
    }

    /// The checked value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Changes the value and checks it again: on error the original is kept unchanged.
    pub fn try_update(&mut self, update: impl FnOnce(&mut T)) -> Result<(), ValidationError>
    where
        T: Clone,
    {
        let mut value = self.value.clone();
        update(&mut value);
        *self = Self::new(value)?;
        Ok(())
    }
}

impl<T, R> ::std::ops::Deref for Checked<T, R> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T, R> AsRef<T> for Checked<T, R> {
    fn as_ref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug, R> fmt::Debug for Checked<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: Clone, R> Clone for Checked<T, R> {
    fn clone(&self) -> Self {
        Self {
            value: self.value.clone(),
            rule: PhantomData,
        }
    }
}

impl<T: PartialEq, R> PartialEq for Checked<T, R> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T, R: Rule<Vec<T>>> TryFrom<Vec<T>> for Checked<Vec<T>, R> {
    type Error = ValidationError;
    fn try_from(value: Vec<T>) -> Result<Self, ValidationError> {
        Self::new(value)
    }
}

impl<K, V, R: Rule<::std::collections::BTreeMap<K, V>>> TryFrom<::std::collections::BTreeMap<K, V>>
    for Checked<::std::collections::BTreeMap<K, V>, R>
{
    type Error = ValidationError;
    fn try_from(value: ::std::collections::BTreeMap<K, V>) -> Result<Self, ValidationError> {
        Self::new(value)
    }
}

macro_rules! impl_try_from {
    ($($ty:ty),*) => {
        $(impl<R: Rule<$ty>> TryFrom<$ty> for Checked<$ty, R> {
            type Error = ValidationError;
            fn try_from(value: $ty) -> Result<Self, ValidationError> {
                Self::new(value)
            }
        })*
    };
}
impl_try_from!(String, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, bool);

impl<R: Rule<String>> TryFrom<&str> for Checked<String, R> {
    type Error = ValidationError;
    fn try_from(value: &str) -> Result<Self, ValidationError> {
        Self::new(value.to_owned())
    }
}

impl<R: Rule<String>> ::std::str::FromStr for Checked<String, R> {
    type Err = ValidationError;
    fn from_str(value: &str) -> Result<Self, ValidationError> {
        Self::new(value.to_owned())
    }
}

impl<T: fmt::Display, R> fmt::Display for Checked<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: ::serde::Serialize, R> ::serde::Serialize for Checked<T, R> {
    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<'de, T: ::serde::Deserialize<'de>, R: Rule<T>> ::serde::Deserialize<'de> for Checked<T, R> {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = T::deserialize(deserializer)?;
        // Paths are relative to the value here: the decoder that called us knows
        // where in the document the value sits and reports that location.
        let mut checker = Checker::new("");
        R::check(&value, &mut checker);
        match checker.finish() {
            Ok(()) => Ok(Self {
                value,
                rule: PhantomData,
            }),
            Err(_) if tolerate_violation() => Ok(Self {
                value,
                rule: PhantomData,
            }),
            Err(error) => {
                let message = error.to_string();
                LAST_VIOLATIONS.with(|last| *last.borrow_mut() = Some(error));
                Err(::serde::de::Error::custom(message))
            }
        }
    }
}
