//! What belongs to the document as a whole: security schemes, servers, webhooks.

use std::collections::BTreeSet;

use super::Differ;
use crate::diff::sides::Side;
use crate::diff::text::security_kind_text;
use crate::diff::{ChangeKind, Severity};

impl<'a> Differ<'a> {
    pub(super) fn compare_security_schemes(&mut self) {
        for so in &self.old.security_schemes {
            let loc = format!("security scheme {}", so.name);
            match self.new.security_schemes.iter().find(|s| s.name == so.name) {
                None => self.push(
                    Severity::Breaking,
                    ChangeKind::SecuritySchemeRemoved,
                    loc,
                    format!(
                        "security scheme `{}` removed: `Client::with_{}` no longer exists",
                        so.name,
                        so.rust_name.bare()
                    ),
                ),
                Some(sn) => {
                    if sn.kind != so.kind || sn.rust_name != so.rust_name {
                        self.push(
                            Severity::Breaking,
                            ChangeKind::SecuritySchemeChanged,
                            loc,
                            format!(
                                "security scheme `{}` changed from {} (`with_{}`) to {} (`with_{}`)",
                                so.name,
                                security_kind_text(&so.kind),
                                so.rust_name.bare(),
                                security_kind_text(&sn.kind),
                                sn.rust_name.bare()
                            ),
                        );
                    }
                }
            }
        }
        for sn in &self.new.security_schemes {
            if !self.old.security_schemes.iter().any(|s| s.name == sn.name) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::SecuritySchemeAdded,
                    format!("security scheme {}", sn.name),
                    format!(
                        "security scheme `{}` added ({}): new setter `Client::with_{}`",
                        sn.name,
                        security_kind_text(&sn.kind),
                        sn.rust_name.bare()
                    ),
                );
            }
        }
    }

    pub(super) fn compare_servers(&mut self) {
        let a = self.old.servers.first().map(|s| s.url.as_str());
        let b = self.new.servers.first().map(|s| s.url.as_str());
        if a != b {
            self.push(
                Severity::NeedsReview,
                ChangeKind::ServerChanged,
                "servers",
                format!(
                    "default base URL (`DEFAULT_BASE_URL`, used by `Client::new`) changed from `{}` to `{}`: clients that do not call `with_base_url` now talk to another server",
                    a.unwrap_or(""),
                    b.unwrap_or("")
                ),
            );
        }
        let old: BTreeSet<&str> = self
            .old
            .servers
            .iter()
            .skip(1)
            .map(|s| s.url.as_str())
            .collect();
        let new: BTreeSet<&str> = self
            .new
            .servers
            .iter()
            .skip(1)
            .map(|s| s.url.as_str())
            .collect();
        for url in old.difference(&new) {
            if Some(*url) != b {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::ServerRemoved,
                    "servers",
                    format!("server `{url}` no longer listed (documentation only)"),
                );
            }
        }
        for url in new.difference(&old) {
            if Some(*url) != a {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::ServerAdded,
                    "servers",
                    format!("server `{url}` listed (documentation only)"),
                );
            }
        }
    }

    pub(super) fn compare_webhooks(&mut self) {
        for wo in &self.old.webhooks {
            let loc = format!("webhook {}", wo.name);
            match self.new.webhooks.iter().find(|w| w.name == wo.name) {
                None => self.push(
                    Severity::NonBreaking,
                    ChangeKind::WebhookRemoved,
                    loc,
                    format!("webhook `{}` no longer documented", wo.name),
                ),
                Some(wn) => {
                    if let (Some(a), Some(b)) = (&wo.body, &wn.body) {
                        self.compare_ref(&loc, "payload type", a, b, Side::RESPONSE);
                    }
                }
            }
        }
        for wn in &self.new.webhooks {
            if !self.old.webhooks.iter().any(|w| w.name == wn.name) {
                self.push(
                    Severity::NonBreaking,
                    ChangeKind::WebhookAdded,
                    format!("webhook {}", wn.name),
                    format!("webhook `{}` documented", wn.name),
                );
            }
        }
    }
}
