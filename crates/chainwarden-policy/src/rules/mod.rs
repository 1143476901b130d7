pub mod actions;
pub mod cooldown;
pub mod credentials;
pub mod lists;
pub mod managers;
pub mod mcp;
pub mod pins;

use chainwarden_core::RuleMeta;

pub const RULES: &[RuleMeta] = &[
    actions::ACTION_UNPINNED,
    actions::ACTIONS_LOCK_STALE,
    mcp::MCP_UNPINNED,
    pins::UNPINNED,
    pins::MISSING_HASH,
    cooldown::TOO_NEW,
    lists::DENIED,
    lists::NOT_ALLOWED,
    managers::COOLDOWN_MISCONFIGURED,
    managers::COOLDOWN_MISSING,
    credentials::URL_CREDENTIAL,
];

#[cfg(test)]
pub(crate) mod test_support {
    use chainwarden_core::inventory::Collected;
    use chainwarden_core::{
        Component, Ecosystem, Inventory, Location, Package, Source, SourceKind,
    };

    /// (ecosystem, name, version, properties) of one test component.
    pub(crate) type Spec<'a> = (Ecosystem, &'a str, &'a str, &'a [(&'a str, &'a str)]);

    /// An inventory of one source with the given components, at lines 1, 2, 3…
    pub(crate) fn inventory(kind: SourceKind, file: &str, comps: &[Spec<'_>]) -> Inventory {
        let mut inv = Inventory::default();
        let components = comps
            .iter()
            .enumerate()
            .map(|(i, (eco, name, version, props))| {
                let mut c = Component::new(
                    Package::new(*eco, name, version),
                    *name,
                    Location::line(file, i as u32 + 1),
                );
                for (k, v) in *props {
                    c.properties.insert(k.to_string(), v.to_string());
                }
                c
            })
            .collect();
        inv.push(Collected {
            source: Source::new(kind, file, "test"),
            components,
        });
        inv
    }
}
