//! The generator config (`<spec>.codegen.toml`): what an Overlay cannot say. Renames
//! of types, fields, enum variants and operations; schemas and `format`s mapped to the
//! user's own types (with the dependencies that bring them); extra derives; which
//! operations to generate; the crate's name and version.
//!
//! Read with `toml` and serde (unknown keys refused), every key and value with its span,
//! so an error, and an entry that names nothing in the spec, points at its line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Diagnostics};
use crate::source::LineCol;

/// A config file's text and the name it is reported under.
#[derive(Debug, Clone, Copy)]
pub struct ConfigFile<'a> {
    /// File name as shown in diagnostics (`openapi/pets.codegen.toml`).
    pub name: &'a str,
    /// Its TOML text.
    pub text: &'a str,
}

type Entries = BTreeMap<Spanned<String>, Spanned<String>>;

/// The parsed config.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    /// `[crate]`: package name and version of the generated crate.
    #[serde(rename = "crate", default)]
    pub package: Package,
    /// `[rename.*]`.
    #[serde(default)]
    pub rename: Renames,
    /// `[types]`: a `format` (`date-time`) or a schema pointer
    /// (`#/components/schemas/Money`) to a Rust type path.
    #[serde(default)]
    pub types: Entries,
    /// `[dependencies]`: added to the generated crate's manifest as written.
    #[serde(default)]
    pub dependencies: BTreeMap<Spanned<String>, toml::Value>,
    /// `[derives]`: a type name (or `"*"` for every struct and enum) to extra derives.
    #[serde(default)]
    pub derives: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// `[operations]`: which operations to generate.
    #[serde(default)]
    pub operations: Selection,
    /// `[features]`: the generated crate's features.
    #[serde(default)]
    pub features: Features,
    /// `[pagination."<operationId or METHOD /path>"]`: how an operation's pages follow
    /// one another, where the spec's conventions do not say (or to turn them off).
    #[serde(default)]
    pub pagination: BTreeMap<Spanned<String>, PageConfig>,
    /// The file, for locating the entries' spans.
    #[serde(skip)]
    file: Option<(String, String)>,
}

/// One `[pagination.*]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct PageConfig {
    /// How the next page is asked for.
    pub style: Spanned<PageStyle>,
    /// The query parameter (wire name) a cursor, page number or offset goes in.
    pub param: Option<Spanned<String>>,
    /// The cursor's field in the body: wire names joined with `.` (`meta.next`).
    pub field: Option<Spanned<String>>,
    /// The items' field in the body, the same way (`""`: the body is the list; absent:
    /// found as the conventions find it).
    pub items: Option<Spanned<String>>,
    /// The number of the first page (`style = "page"`; default 1).
    pub first: Option<Spanned<i64>>,
}

/// `style` of a `[pagination.*]` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum PageStyle {
    /// A cursor field of the body sent back in `param`.
    Cursor,
    /// A page number in `param`.
    Page,
    /// An offset in `param`, moved on by each page's item count.
    Offset,
    /// RFC 8288 `Link: <...>; rel="next"` headers.
    Link,
    /// Not paginated (turns the conventions off for the operation).
    None,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Package {
    pub name: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Features {
    /// Each tag's operations behind a feature (default: above 300 operations).
    pub per_tag: Option<Spanned<bool>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Renames {
    /// Generated type name → new name.
    #[serde(default)]
    pub types: Entries,
    /// `Type.wireName` → new field name.
    #[serde(default)]
    pub fields: Entries,
    /// `Enum.wireValue` → new variant name.
    #[serde(default)]
    pub variants: Entries,
    /// `operationId` (or `get /pets/{id}`) → new method name.
    #[serde(default)]
    pub operations: Entries,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Selection {
    #[serde(default)]
    pub include_tags: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude_tags: Vec<Spanned<String>>,
    /// Path templates; `*` matches any run of characters (`/pets/*`).
    #[serde(default)]
    pub include_paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude_paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub include_ids: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude_ids: Vec<Spanned<String>>,
}

/// Crates a mapped type may name without a `[dependencies]` entry: the generated crate
/// depends on them already.
const KNOWN_CRATES: &[&str] = &[
    "crate",
    "std",
    "core",
    "alloc",
    "serde_json",
    "bytes",
    "chrono",
    "uuid",
];

impl Config {
    /// Parses and checks `file`: TOML syntax, unknown keys, type paths and derives that
    /// are not Rust paths, a mapped type whose crate no dependency adds.
    pub(crate) fn parse(file: ConfigFile<'_>) -> Result<Self, Diagnostics> {
        let mut config: Config = toml::from_str(file.text).map_err(|error| {
            let mut diagnostic = Diagnostic::error("", error.message().to_owned());
            diagnostic.location = error
                .span()
                .map(|span| LineCol::at_offset(file.text, span.start));
            diagnostic.file = Some(file.name.to_owned());
            let mut all = Diagnostics::new();
            all.push(diagnostic);
            all
        })?;
        config.file = Some((file.name.to_owned(), file.text.to_owned()));
        let mut diags = Diagnostics::new();
        for (key, path) in &config.types {
            match syn::parse_str::<syn::Path>(path.get_ref()) {
                Ok(parsed) => {
                    let first = parsed
                        .segments
                        .first()
                        .map(|segment| segment.ident.to_string())
                        .unwrap_or_default();
                    let known =
                        KNOWN_CRATES.contains(&first.as_str()) || parsed.segments.len() == 1;
                    let added = config
                        .dependencies
                        .keys()
                        .any(|name| name.get_ref().replace('-', "_") == first);
                    if !known && !added {
                        config.error_at(
                            &mut diags,
                            path.span(),
                            format!(
                                "`{}` (for `{}`) is in crate `{first}`, which `[dependencies]` does not add",
                                path.get_ref(),
                                key.get_ref()
                            ),
                        );
                    }
                }
                Err(_) => config.error_at(
                    &mut diags,
                    path.span(),
                    format!(
                        "`{}` is not a Rust type path (expected e.g. `time::OffsetDateTime`)",
                        path.get_ref()
                    ),
                ),
            }
        }
        for derives in config.derives.values() {
            for derive in derives {
                if syn::parse_str::<syn::Path>(derive.get_ref()).is_err() {
                    config.error_at(
                        &mut diags,
                        derive.span(),
                        format!(
                            "`{}` is not a derive macro path (expected e.g. `Hash`)",
                            derive.get_ref()
                        ),
                    );
                }
            }
        }
        if let Some(name) = &config.package.name {
            let valid = !name.get_ref().is_empty()
                && name
                    .get_ref()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && !name.get_ref().starts_with(|c: char| c.is_ascii_digit());
            if !valid {
                config.error_at(
                    &mut diags,
                    name.span(),
                    format!(
                        "`{}` is not a package name (letters, digits, `-`, `_`)",
                        name.get_ref()
                    ),
                );
            }
        }
        if let Some(version) = &config.package.version {
            let core = version
                .get_ref()
                .split(['-', '+'])
                .next()
                .unwrap_or_default();
            let parts: Vec<&str> = core.split('.').collect();
            if parts.len() != 3
                || parts
                    .iter()
                    .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
            {
                config.error_at(
                    &mut diags,
                    version.span(),
                    format!("`{}` is not a semver version (`1.2.3`)", version.get_ref()),
                );
            }
        }
        let renamed = [
            &config.rename.types,
            &config.rename.fields,
            &config.rename.variants,
            &config.rename.operations,
        ];
        for entries in renamed {
            for name in entries.values() {
                if syn::parse_str::<syn::Ident>(name.get_ref()).is_err() {
                    config.error_at(
                        &mut diags,
                        name.span(),
                        format!("`{}` is not a Rust identifier", name.get_ref()),
                    );
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(config)
    }

    /// An error at `span` of the config file.
    pub(crate) fn error_at(
        &self,
        diags: &mut Diagnostics,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) {
        let mut diagnostic = Diagnostic::error("", message);
        if let Some((name, text)) = &self.file {
            diagnostic.location = Some(LineCol::at_offset(text, span.start));
            diagnostic.file = Some(name.clone());
        }
        diags.push(diagnostic);
    }

    /// The error for a key meant to name an operation that names none.
    pub(crate) fn unknown_operation(&self, diags: &mut Diagnostics, key: &Spanned<String>) {
        self.error_at(
            diags,
            key.span(),
            format!(
                "no operation has operationId `{}` (or is `METHOD /path`)",
                key.get_ref()
            ),
        );
    }

    /// The user type a `[types]` key (a `format`, or `#` and a schema pointer) maps to.
    pub(crate) fn mapped(&self, key: &str) -> Option<&str> {
        self.types
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v.get_ref().as_str())
    }

    /// The `[dependencies]` lines for the generated manifest (`name = value`).
    pub(crate) fn dependency_lines(&self) -> Vec<String> {
        self.dependencies
            .iter()
            .map(|(name, value)| format!("{} = {value}", name.get_ref()))
            .collect()
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(ConfigFile {
            name: "pets.codegen.toml",
            text,
        })
        .map_err(|diags| diags.render("spec.yaml"))
    }

    #[test]
    fn an_unknown_key_is_an_error_with_its_line() {
        let error =
            parse("[crate]\nname = \"x\"\n\n[renames.types]\nPet = \"Animal\"\n").unwrap_err();
        assert!(
            error.starts_with("pets.codegen.toml:4:2: error:"),
            "{error}"
        );
        assert!(error.contains("unknown field `renames`"), "{error}");
    }

    #[test]
    fn a_mapped_type_needs_its_crate_and_a_path() {
        let error = parse("[types]\n\"date-time\" = \"time::OffsetDateTime\"\n").unwrap_err();
        assert!(error.contains("pets.codegen.toml:2:15: error"), "{error}");
        assert!(
            error.contains("in crate `time`, which `[dependencies]` does not add"),
            "{error}"
        );
        let ok = "[types]\n\"date-time\" = \"time::OffsetDateTime\"\n[dependencies]\ntime = { version = \"0.3\", features = [\"serde\"] }\n";
        let config = parse(ok).unwrap();
        assert_eq!(config.mapped("date-time"), Some("time::OffsetDateTime"));
        assert_eq!(
            config.dependency_lines(),
            ["time = { version = \"0.3\", features = [\"serde\"] }"]
        );
        let error = parse("[types]\nMoney = \"not a path\"\n").unwrap_err();
        assert!(error.contains("is not a Rust type path"), "{error}");
    }

    #[test]
    fn globs_match_path_templates() {
        assert!(glob_matches("/pets/*", "/pets/{id}"));
        assert!(glob_matches("/pets", "/pets"));
        assert!(!glob_matches("/pets", "/pets/{id}"));
        assert!(glob_matches("*/photos", "/pets/{id}/photos"));
        assert!(glob_matches("/a*b*c", "/aXbYc"));
        assert!(!glob_matches("/a*b*c", "/aXcYb"));
    }
}

impl Config {
    /// Removes from `root`'s `paths` the operations `[operations]` leaves out: with any
    /// `include-*` list, only operations one of them matches stay; then every operation
    /// an `exclude-*` entry matches goes. An entry that matches no operation is an error.
    pub(crate) fn select_operations(&self, root: &mut serde_json::Value, diags: &mut Diagnostics) {
        use serde_json::Value;
        let s = &self.operations;
        let lists = [
            (&s.include_tags, Criterion::Tag),
            (&s.include_paths, Criterion::Path),
            (&s.include_ids, Criterion::Id),
            (&s.exclude_tags, Criterion::Tag),
            (&s.exclude_paths, Criterion::Path),
            (&s.exclude_ids, Criterion::Id),
        ];
        if lists.iter().all(|(list, _)| list.is_empty()) {
            return;
        }
        let including = lists[..3].iter().any(|(list, _)| !list.is_empty());
        let mut used = vec![Vec::new(); lists.len()];
        for (list, used) in lists.iter().zip(&mut used) {
            *used = vec![false; list.0.len()];
        }
        let Some(Value::Object(paths)) = root.get_mut("paths") else {
            return;
        };
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            let methods: Vec<String> = crate::ir::Method::ALL
                .iter()
                .map(|(key, _)| (*key).to_owned())
                .filter(|key| item.contains_key(key))
                .collect();
            for method in methods {
                let operation = &item[&method];
                let id = operation
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let tags: Vec<&str> = operation
                    .get("tags")
                    .and_then(Value::as_array)
                    .map(|tags| tags.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut hits = |which: usize| {
                    let (list, criterion) = &lists[which];
                    let mut any = false;
                    for (index, entry) in list.iter().enumerate() {
                        let entry = entry.get_ref();
                        let hit = match criterion {
                            Criterion::Tag => tags.contains(&entry.as_str()),
                            Criterion::Path => glob_matches(entry, path),
                            Criterion::Id => entry == id,
                        };
                        if hit {
                            used[which][index] = true;
                            any = true;
                        }
                    }
                    any
                };
                // Every list is tried (no short circuit), so each entry's use is noted.
                let included_by: Vec<bool> = (0..3).map(&mut hits).collect();
                let excluded_by: Vec<bool> = (3..6).map(&mut hits).collect();
                let included = !including || included_by.contains(&true);
                let excluded = excluded_by.contains(&true);
                if !included || excluded {
                    item.shift_remove(&method);
                }
            }
        }
        for ((list, _), used) in lists.iter().zip(&used) {
            for (entry, used) in list.iter().zip(used) {
                if !used {
                    self.error_at(
                        diags,
                        entry.span(),
                        format!("`{}` matches no operation of the spec", entry.get_ref()),
                    );
                }
            }
        }
    }
}

/// What an `[operations]` list matches on.
#[derive(Debug, Clone, Copy)]
enum Criterion {
    Tag,
    Path,
    Id,
}
