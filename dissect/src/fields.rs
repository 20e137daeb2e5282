//! The glossary: every field the dissector can produce (`dissect -G fields`).
use crate::tree::FieldDef;

/// All field definitions, protocols first within each layer, in pipeline order.
pub fn all() -> Vec<&'static FieldDef> {
    let mut v = crate::engine::fields();
    v.extend(crate::net::link::fields());
    v.extend(crate::net::ip::fields());
    v.extend(crate::net::icmp::fields());
    v.extend(crate::net::tcp::fields());
    v.extend(crate::net::udp::fields());
    v.extend(crate::proto::sctp::fields());
    v.extend(crate::proto::ctp::fields());
    v.extend(crate::proto::tls::fields());
    v.extend(crate::proto::mtatls::fields());
    v.extend(crate::proto::simco::fields());
    v.extend(crate::proto::forces::fields());
    v.extend(crate::proto::gist::fields());
    v.extend(crate::proto::dtls::fields());
    v
}

/// Look a field up by its abbreviation.
pub fn by_abbrev(abbrev: &str) -> Option<&'static FieldDef> {
    all().into_iter().find(|f| f.abbrev == abbrev)
}

#[cfg(test)]
mod tests {
    #[test]
    fn abbreviations_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for f in super::all() {
            assert!(seen.insert(f.abbrev), "duplicate field {}", f.abbrev);
            assert!(
                !f.abbrev.is_empty() && f.abbrev.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
                "{}",
                f.abbrev
            );
        }
    }
}
