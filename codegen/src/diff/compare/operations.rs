//! Operations: paths, parameters, bodies, responses and their security.

use std::collections::BTreeSet;

use super::Differ;
use crate::diff::matching::new_name;
use crate::diff::sides::Side;
use crate::diff::text::op_label;
use crate::diff::{ChangeKind, Severity};
use crate::ir::{
    Api, ErrorType, Operation, Param, ParamLocation, ParamStyle, RequestBody, Response,
    StatusMatch, SuccessType,
};

impl<'a> Differ<'a> {
    pub(super) fn compare_operation(&mut self, o: &'a Operation, n: &'a Operation) {
        let loc = op_label(n);
        if o.rust_name != n.rust_name {
            self.push(
                Severity::Breaking,
                ChangeKind::MethodRenamed,
                &loc,
                format!(
                    "client method renamed `{}` -> `{}` (operationId `{}` -> `{}`)",
                    o.rust_name, n.rust_name, o.operation_id, n.operation_id
                ),
            );
        }
        if o.method != n.method {
            self.push(
                Severity::NeedsReview,
                ChangeKind::OperationMethodChanged,
                &loc,
                format!(
                    "HTTP method changed from {} to {} (`{}`): calls compile unchanged but send another request (retries and caching may differ)",
                    o.method.as_upper(),
                    n.method.as_upper(),
                    n.rust_name
                ),
            );
        }
        if o.path != n.path {
            self.push(
                Severity::NeedsReview,
                ChangeKind::OperationPathChanged,
                &loc,
                format!(
                    "path changed from `{}` to `{}` (`{}`): calls compile unchanged but go to the new path",
                    o.path, n.path, n.rust_name
                ),
            );
        }
        if o.deprecated != n.deprecated {
            let message = if n.deprecated {
                format!(
                    "`{}` is now deprecated (`#[deprecated]`: uses warn)",
                    n.rust_name
                )
            } else {
                format!("`{}` is no longer deprecated", n.rust_name)
            };
            self.push(
                Severity::NonBreaking,
                ChangeKind::OperationDeprecated,
                &loc,
                message,
            );
        }
        self.compare_params(&loc, o, n);
        self.compare_body(&loc, o.body.as_ref(), n.body.as_ref());
        self.compare_responses(&loc, o, n);
        self.compare_op_security(&loc, o, n);
    }

    pub(super) fn params_type_name(&self, op: &Operation, new: bool) -> String {
        let id = op.params_type.0;
        let def = if new {
            self.new_type(id)
        } else {
            self.old_type(id)
        };
        def.map_or_else(|| "params".to_owned(), |t| format!("`{}`", t.name))
    }

    pub(super) fn compare_params(&mut self, loc: &str, o: &'a Operation, n: &'a Operation) {
        let key = |p: &Param| (p.location, p.wire_name.clone());
        let old_keys: BTreeSet<_> = o.params.iter().map(key).collect();
        let new_keys: BTreeSet<_> = n.params.iter().map(key).collect();
        // Path parameters are positional arguments: their order is part of the signature.
        let old_order: Vec<&str> = o
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path && new_keys.contains(&key(p)))
            .map(|p| p.wire_name.as_str())
            .collect();
        let new_order: Vec<&str> = n
            .params
            .iter()
            .filter(|p| p.location == ParamLocation::Path && old_keys.contains(&key(p)))
            .map(|p| p.wire_name.as_str())
            .collect();
        if old_order != new_order {
            self.push(
                Severity::Breaking,
                ChangeKind::PathParamsReordered,
                loc,
                format!(
                    "path parameters (positional arguments of `{}`) reordered: {} -> {}",
                    n.rust_name,
                    old_order.join(", "),
                    new_order.join(", ")
                ),
            );
        }
        for p in &o.params {
            if new_keys.contains(&key(p)) {
                continue;
            }
            let at = format!(
                "{loc} {}:{}",
                ParamLocation::as_str(p.location),
                p.wire_name
            );
            let message = if p.location == ParamLocation::Path {
                format!(
                    "path parameter `{}` removed: `{}` loses the argument `{}`",
                    p.wire_name,
                    n.rust_name,
                    p.rust_name.bare()
                )
            } else {
                format!(
                    "{} parameter `{}` removed: the field `{}` of {} is gone",
                    ParamLocation::as_str(p.location),
                    p.wire_name,
                    p.rust_name.bare(),
                    self.params_type_name(o, false)
                )
            };
            // A server that no longer reads a parameter may ignore it or refuse it.
            self.push_wire(
                Severity::Breaking,
                Severity::NeedsReview,
                ChangeKind::ParamRemoved,
                at,
                message,
            );
        }
        for p in &n.params {
            let at = format!(
                "{loc} {}:{}",
                ParamLocation::as_str(p.location),
                p.wire_name
            );
            let Some(po) = o.params.iter().find(|x| key(x) == key(p)) else {
                let ty = self.render_new(&p.ty);
                let message = if p.location == ParamLocation::Path {
                    format!(
                        "path parameter `{}` added: `{}` takes the new argument `{}: {ty}`",
                        p.wire_name,
                        n.rust_name,
                        p.rust_name.bare()
                    )
                } else {
                    if p.required {
                        format!(
                            "required {} parameter `{}` added: `{}` takes the new argument `{}: {ty}`",
                            ParamLocation::as_str(p.location),
                            p.wire_name,
                            n.rust_name,
                            p.rust_name.bare()
                        )
                    } else {
                        format!(
                            "optional {} parameter `{}` added: the call builder gains a setter and {} (`#[non_exhaustive]`) the field `{}: Option<{ty}>`",
                            ParamLocation::as_str(p.location),
                            p.wire_name,
                            self.params_type_name(n, true),
                            p.rust_name.bare()
                        )
                    }
                };
                let severity = if p.required || p.location == ParamLocation::Path {
                    Severity::Breaking
                } else {
                    Severity::NonBreaking
                };
                self.push(severity, ChangeKind::ParamAdded, at, message);
                continue;
            };
            if po.required != p.required {
                let ty = self.render_new(&p.ty);
                let message = if p.required {
                    format!(
                        "parameter `{}` is now required: `Option<{ty}>` -> `{ty}`",
                        p.wire_name
                    )
                } else {
                    format!(
                        "parameter `{}` is now optional: `{ty}` -> `Option<{ty}>`",
                        p.wire_name
                    )
                };
                // On the wire only a parameter that becomes required breaks old callers.
                let wire = if p.required {
                    Severity::Breaking
                } else {
                    Severity::NonBreaking
                };
                self.push_wire(
                    Severity::Breaking,
                    wire,
                    ChangeKind::ParamRequiredChanged,
                    &at,
                    message,
                );
            }
            if po.rust_name != p.rust_name {
                let (severity, what) = if p.location == ParamLocation::Path {
                    (Severity::NonBreaking, "argument")
                } else {
                    (Severity::Breaking, "field")
                };
                self.push(
                    severity,
                    ChangeKind::ParamRenamed,
                    &at,
                    format!(
                        "{what} renamed `{}` -> `{}`",
                        po.rust_name.bare(),
                        p.rust_name.bare()
                    ),
                );
            }
            if po.style != p.style || po.explode != p.explode {
                self.push(
                    Severity::NeedsReview,
                    ChangeKind::ParamEncodingChanged,
                    &at,
                    format!(
                        "serialization changed from style {} explode {} to style {} explode {}: same Rust type, other text on the wire",
                        ParamStyle::as_str(po.style),
                        po.explode,
                        ParamStyle::as_str(p.style),
                        p.explode
                    ),
                );
            }
            self.compare_ref(&at, "parameter type", &po.ty, &p.ty, Side::REQUEST);
        }
    }

    pub(super) fn body_arg(&self, body: &RequestBody, new: bool) -> String {
        let inner = match body.kind {
            crate::ir::BodyKind::Text => "&str".to_owned(),
            crate::ir::BodyKind::Bytes => "Bytes".to_owned(),
            _ => {
                let ty = if new {
                    self.render_new(&body.ty)
                } else {
                    self.render_old(&body.ty)
                };
                format!("&{ty}")
            }
        };
        inner
    }

    pub(super) fn compare_body(
        &mut self,
        loc: &str,
        o: Option<&'a RequestBody>,
        n: Option<&'a RequestBody>,
    ) {
        let at = format!("{loc} request body");
        match (o, n) {
            (None, None) => {}
            (Some(o), None) => {
                let arg = self.body_arg(o, false);
                self.push(
                    Severity::Breaking,
                    ChangeKind::BodyRemoved,
                    at,
                    format!("request body removed: the `body: {arg}` argument is gone"),
                );
            }
            (None, Some(n)) => {
                let arg = self.body_arg(n, true);
                let arg = if n.required {
                    arg
                } else {
                    format!("Option<{arg}>")
                };
                self.push(
                    Severity::Breaking,
                    ChangeKind::BodyAdded,
                    at,
                    format!("request body added: new argument `body: {arg}`"),
                );
            }
            (Some(o), Some(n)) => {
                let arg_o = self.body_arg(o, false);
                let arg_n = self.body_arg(n, true);
                if o.required != n.required {
                    let message = if n.required {
                        format!("request body is now required: `Option<{arg_n}>` -> `{arg_n}`")
                    } else {
                        format!("request body is now optional: `{arg_n}` -> `Option<{arg_n}>`")
                    };
                    let wire = if n.required {
                        Severity::Breaking
                    } else {
                        Severity::NonBreaking
                    };
                    self.push_wire(
                        Severity::Breaking,
                        wire,
                        ChangeKind::BodyRequiredChanged,
                        &at,
                        message,
                    );
                }
                let typed = |b: &RequestBody| {
                    !matches!(
                        b.kind,
                        crate::ir::BodyKind::Text | crate::ir::BodyKind::Bytes
                    )
                };
                if typed(o) && typed(n) {
                    self.compare_ref(&at, "request body type", &o.ty, &n.ty, Side::REQUEST);
                } else if arg_o != arg_n {
                    self.push(
                        Severity::Breaking,
                        ChangeKind::TypeChanged,
                        &at,
                        format!("request body argument changed from `{arg_o}` to `{arg_n}`"),
                    );
                }
                if o.content_type != n.content_type {
                    self.push(
                        Severity::NeedsReview,
                        ChangeKind::BodyContentTypeChanged,
                        &at,
                        format!(
                            "content type changed from `{}` to `{}`: the body is encoded differently",
                            o.content_type, n.content_type
                        ),
                    );
                }
            }
        }
    }

    pub(super) fn success_text(&self, s: &SuccessType, new: bool) -> String {
        match s {
            SuccessType::Single(ty) if new => self.render_new(ty),
            SuccessType::Single(ty) => self.render_old(ty),
            SuccessType::Enum(id) if new => new_name(self.new, id.0),
            SuccessType::Enum(id) => self.m.old_name(self.old, self.new, id.0),
        }
    }

    pub(super) fn error_text(&self, e: &ErrorType, new: bool) -> String {
        match e {
            ErrorType::None => "Infallible".to_owned(),
            ErrorType::Single(ty) if new => self.render_new(ty),
            ErrorType::Single(ty) => self.render_old(ty),
            ErrorType::Enum(id) if new => new_name(self.new, id.0),
            ErrorType::Enum(id) => self.m.old_name(self.old, self.new, id.0),
        }
    }

    pub(super) fn compare_responses(&mut self, loc: &str, o: &'a Operation, n: &'a Operation) {
        let ret_o = self.success_text(&o.success, false);
        let ret_n = self.success_text(&n.success, true);
        let ret_same = ret_o == ret_n;
        match (&o.success, &n.success) {
            (SuccessType::Single(a), SuccessType::Single(b)) => {
                self.compare_ref(
                    &format!("{loc} response"),
                    "return type",
                    a,
                    b,
                    Side::RESPONSE,
                );
            }
            _ if !ret_same => self.push(
                Severity::Breaking,
                ChangeKind::ReturnTypeChanged,
                format!("{loc} response"),
                format!(
                    "return type of `{}` changed from `{ret_o}` to `{ret_n}`",
                    n.rust_name
                ),
            ),
            _ => {}
        }
        let err_o = self.error_text(&o.error, false);
        let err_n = self.error_text(&n.error, true);
        let err_same = err_o == err_n;
        match (&o.error, &n.error) {
            (ErrorType::Single(a), ErrorType::Single(b)) => {
                self.compare_ref(
                    &format!("{loc} error response"),
                    "error type",
                    a,
                    b,
                    Side::RESPONSE,
                );
            }
            // Documenting errors where there were none changes no bytes on the wire.
            _ if !err_same => self.push_wire(
                Severity::Breaking,
                if matches!(o.error, ErrorType::None) {
                    Severity::NonBreaking
                } else {
                    Severity::NeedsReview
                },
                ChangeKind::ErrorTypeChanged,
                format!("{loc} error response"),
                format!(
                    "error type of `{}` changed from `Error<{err_o}>` to `Error<{err_n}>`",
                    n.rust_name
                ),
            ),
            _ => {}
        }
        // Statuses: a status that adds or removes a variant of an outcome enum that exists
        // in both versions breaks exhaustive matches; others only document.
        let success_enum = ret_same && matches!(n.success, SuccessType::Enum(_));
        let error_enum = err_same && matches!(n.error, ErrorType::Enum(_));
        let enum_name = |r: &Response| {
            if r.success {
                (success_enum, ret_n.clone())
            } else {
                (error_enum, err_n.clone())
            }
        };
        let statuses: BTreeSet<StatusMatch> = o
            .responses
            .iter()
            .chain(&n.responses)
            .map(|r| r.status)
            .collect();
        for status in statuses {
            let at = format!("{loc} response {}", status);
            let ro = o.responses.iter().find(|r| r.status == status);
            let rn = n.responses.iter().find(|r| r.status == status);
            match (ro, rn) {
                (Some(r), None) => {
                    let (in_enum, name) = enum_name(r);
                    let (severity, message) = if in_enum {
                        (
                            Severity::Breaking,
                            format!(
                                "response {} removed: variant `{name}::{}` is gone",
                                status, r.variant
                            ),
                        )
                    } else {
                        (
                            Severity::NonBreaking,
                            format!("response {} no longer documented", status),
                        )
                    };
                    self.push(severity, ChangeKind::ResponseRemoved, at, message);
                }
                (None, Some(r)) => {
                    let (in_enum, name) = enum_name(r);
                    let (severity, message) = if in_enum {
                        (
                            Severity::NonBreaking,
                            format!(
                                "response {} added: new variant `{name}::{}` (the enum is `#[non_exhaustive]`)",
                                status,
                                r.variant
                            ),
                        )
                    } else {
                        (
                            Severity::NonBreaking,
                            format!(
                                "response {} documented ({})",
                                status,
                                if r.success { "success" } else { "error" }
                            ),
                        )
                    };
                    self.push(severity, ChangeKind::ResponseAdded, at, message);
                }
                (Some(a), Some(b)) => {
                    if a.success != b.success {
                        self.push(
                            Severity::Breaking,
                            ChangeKind::ResponseStatusChanged,
                            &at,
                            format!(
                                "status {} is now {} (was {})",
                                status,
                                if b.success { "a success" } else { "an error" },
                                if a.success { "a success" } else { "an error" }
                            ),
                        );
                        continue;
                    }
                    let (in_enum, name) = enum_name(b);
                    if !in_enum {
                        // Single success/error types are compared above.
                        continue;
                    }
                    if a.variant != b.variant {
                        self.push(
                            Severity::Breaking,
                            ChangeKind::TypeChanged,
                            &at,
                            format!(
                                "variant renamed `{name}::{}` -> `{name}::{}`",
                                a.variant, b.variant
                            ),
                        );
                    }
                    self.compare_ref(&at, "response body type", &a.ty, &b.ty, Side::RESPONSE);
                }
                (None, None) => {}
            }
        }
    }

    pub(super) fn compare_op_security(&mut self, loc: &str, o: &Operation, n: &Operation) {
        let alternatives = |api: &Api, op: &Operation| -> BTreeSet<BTreeSet<String>> {
            let mut set: BTreeSet<BTreeSet<String>> = op
                .security
                .iter()
                .map(|alt| {
                    alt.iter()
                        .map(|&i| {
                            api.security_schemes
                                .get(i)
                                .map_or_else(|| format!("#{i}"), |s| s.name.clone())
                        })
                        .collect()
                })
                .collect();
            if set.is_empty() {
                set.insert(BTreeSet::new());
            }
            set
        };
        let a = alternatives(self.old, o);
        let b = alternatives(self.new, n);
        if a == b {
            return;
        }
        let show = |set: &BTreeSet<BTreeSet<String>>| {
            set.iter()
                .map(|alt| {
                    if alt.is_empty() {
                        "anonymous".to_owned()
                    } else {
                        alt.iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(" + ")
                    }
                })
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let removed: BTreeSet<_> = a.difference(&b).cloned().collect();
        let (severity, why) = if removed.is_empty() {
            (
                Severity::NonBreaking,
                "every credential accepted before still is".to_owned(),
            )
        } else {
            (
                Severity::Breaking,
                format!(
                    "no longer accepted: {}; the client refuses to send without a credential the new requirement names",
                    show(&removed)
                ),
            )
        };
        self.push(
            severity,
            ChangeKind::SecurityChanged,
            format!("{loc} security"),
            format!(
                "security of `{}` changed from {} to {}: {why}",
                n.rust_name,
                show(&a),
                show(&b)
            ),
        );
    }
}
