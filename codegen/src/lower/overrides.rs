//! The generator config's edits of the lowered IR: type, field and variant renames,
//! then extra derives. (Operation renames happen while operations are named, so the
//! types named after an operation follow; type mappings while schemas are lowered.)
//! Every entry must name something, and a new name must not take another's.

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::ir::{Api, TypeKind};
use crate::names::RustName;

/// Applies the config's renames and derives to `api`.
pub(super) fn apply(api: &mut Api, config: &Config, diags: &mut Diagnostics) {
    rename_types(api, config, diags);
    rename_fields(api, config, diags);
    rename_variants(api, config, diags);
    add_derives(api, config, diags);
}

fn rename_types(api: &mut Api, config: &Config, diags: &mut Diagnostics) {
    for (old, new) in &config.rename.types {
        let Some(index) = api.types.iter().position(|def| def.name == *old.get_ref()) else {
            config.error_at(
                diags,
                old.span(),
                format!("no generated type is named `{}`", old.get_ref()),
            );
            continue;
        };
        if api.types.iter().any(|def| def.name == *new.get_ref()) {
            config.error_at(
                diags,
                new.span(),
                format!("`{}` is already the name of another type", new.get_ref()),
            );
            continue;
        }
        api.types[index].name = new.get_ref().clone();
    }
}

/// `Type.name` split at its last dot.
fn owner_and_member(key: &str) -> Option<(&str, &str)> {
    key.split_once('.')
}

fn rename_fields(api: &mut Api, config: &Config, diags: &mut Diagnostics) {
    for (key, new) in &config.rename.fields {
        let Some((owner, wire)) = owner_and_member(key.get_ref()) else {
            config.error_at(
                diags,
                key.span(),
                format!("expected `Type.property`, got `{}`", key.get_ref()),
            );
            continue;
        };
        let fields = api
            .types
            .iter_mut()
            .find(|def| def.name == owner)
            .and_then(|def| match &mut def.kind {
                TypeKind::Struct(s) => Some(&mut s.fields),
                _ => None,
            });
        let Some(fields) = fields else {
            config.error_at(
                diags,
                key.span(),
                format!("no generated struct is named `{owner}`"),
            );
            continue;
        };
        let Some(index) = fields
            .iter()
            .position(|f| f.wire_name == wire || f.rust_name.bare() == wire)
        else {
            config.error_at(
                diags,
                key.span(),
                format!("`{owner}` has no property `{wire}`"),
            );
            continue;
        };
        let renamed = crate::names::snake_name(new.get_ref());
        if renamed.bare() != new.get_ref() {
            config.error_at(
                diags,
                new.span(),
                format!(
                    "a field name is `snake_case`: `{}`, not `{}`",
                    renamed.bare(),
                    new.get_ref()
                ),
            );
            continue;
        }
        if fields
            .iter()
            .enumerate()
            .any(|(i, f)| i != index && f.rust_name.bare() == renamed.bare())
        {
            config.error_at(
                diags,
                new.span(),
                format!("`{owner}` already has a field `{}`", new.get_ref()),
            );
            continue;
        }
        fields[index].rust_name = RustName::from(renamed.as_str().to_owned());
    }
}

fn rename_variants(api: &mut Api, config: &Config, diags: &mut Diagnostics) {
    for (key, new) in &config.rename.variants {
        let Some((owner, value)) = owner_and_member(key.get_ref()) else {
            config.error_at(
                diags,
                key.span(),
                format!("expected `Enum.value`, got `{}`", key.get_ref()),
            );
            continue;
        };
        let variants = api
            .types
            .iter_mut()
            .find(|def| def.name == owner)
            .and_then(|def| match &mut def.kind {
                TypeKind::Enum(e) => Some(&mut e.variants),
                _ => None,
            });
        let Some(variants) = variants else {
            config.error_at(
                diags,
                key.span(),
                format!("no generated enum is named `{owner}`"),
            );
            continue;
        };
        let wire = |v: &crate::ir::EnumVariant| match &v.value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let Some(index) = variants
            .iter()
            .position(|v| wire(v) == value || v.rust_name == value)
        else {
            config.error_at(
                diags,
                key.span(),
                format!("`{owner}` has no value `{value}`"),
            );
            continue;
        };
        if new.get_ref() == "Unknown"
            || variants
                .iter()
                .enumerate()
                .any(|(i, v)| i != index && v.rust_name == *new.get_ref())
        {
            config.error_at(
                diags,
                new.span(),
                format!("`{owner}` already has a variant `{}`", new.get_ref()),
            );
            continue;
        }
        variants[index].rust_name = new.get_ref().clone();
    }
}

fn add_derives(api: &mut Api, config: &Config, diags: &mut Diagnostics) {
    for (name, derives) in &config.derives {
        let every = name.get_ref() == "*";
        let mut found = false;
        for def in &mut api.types {
            let model = matches!(
                def.kind,
                TypeKind::Struct(_) | TypeKind::Enum(_) | TypeKind::Union(_)
            );
            if (every && model) || def.name == *name.get_ref() {
                found = true;
                for derive in derives {
                    if !def.derives.contains(derive.get_ref()) {
                        def.derives.push(derive.get_ref().clone());
                    }
                }
            }
        }
        if !found {
            config.error_at(
                diags,
                name.span(),
                format!("no generated type is named `{}`", name.get_ref()),
            );
        }
    }
}
