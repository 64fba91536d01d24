//! Validated text: "parse, don't validate". A [`Name`], [`Text`] or
//! [`Note`] can only exist trimmed and within the contract's limits, so the
//! rules never see raw input.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The contract's limits, in Unicode characters after trimming.
pub struct Limits;

impl Limits {
    pub const NAME_MAX: usize = 200;
    pub const TEXT_MAX: usize = 10_000;
    pub const LIST_MAX: usize = 50;
}

fn trimmed(raw: &str, field: &str, min: usize, max: usize) -> Result<String, String> {
    let value = raw.trim();
    // PostgreSQL cannot store NUL in text or jsonb; refuse it here rather
    // than fail at the database.
    if value.contains('\0') {
        return Err(format!("{field} may not contain NUL characters"));
    }
    let chars = value.chars().count();
    if chars < min {
        return Err(format!("{field} may not be empty"));
    }
    if chars > max {
        return Err(format!(
            "{field} takes at most {max} characters, got {chars}"
        ));
    }
    Ok(value.to_owned())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr) => {
        $(#[$doc])*
        ///
        /// Events carry it as a plain JSON string. Reading one back does not
        /// parse it again: a stored event is history, accepted once, and
        /// must read back even if the limits change.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Trims `raw` and checks its length; `field` names it in the error.
            pub fn parse(raw: &str, field: &str) -> Result<Self, String> {
                trimmed(raw, field, $min, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

bounded_text!(
    /// A name or title: 1 to 200 characters.
    Name,
    1,
    Limits::NAME_MAX
);
bounded_text!(
    /// A required text (question, description, rationale, …): 1 to 10,000 characters.
    Text,
    1,
    Limits::TEXT_MAX
);
bounded_text!(
    /// An optional remark: 0 to 10,000 characters.
    Note,
    0,
    Limits::TEXT_MAX
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_counts_characters_not_bytes() {
        assert_eq!(
            Name::parse("  Cliëntenraad ", "name").unwrap().as_str(),
            "Cliëntenraad"
        );
        let two_hundred_umlauts = "ë".repeat(200);
        assert!(Name::parse(&two_hundred_umlauts, "name").is_ok());
        assert!(Name::parse(&format!("{two_hundred_umlauts}x"), "name").is_err());
    }

    #[test]
    fn blank_is_empty_except_for_notes() {
        assert!(Name::parse("   ", "title").is_err());
        assert!(Text::parse("\n\t", "description").is_err());
        assert_eq!(Note::parse("  ", "note").unwrap().as_str(), "");
        assert!(Text::parse(&"x".repeat(10_001), "text").is_err());
    }

    #[test]
    fn an_event_stores_a_plain_string_and_reads_it_back_unparsed() {
        let name = Name::parse(" Cliëntenraad ", "name").unwrap();
        assert_eq!(serde_json::to_string(&name).unwrap(), r#""Cliëntenraad""#);
        // Stored history reads back even where today's limits would refuse it.
        let stored: Name = serde_json::from_str(r#"" ""#).unwrap();
        assert_eq!(stored.as_str(), " ");
        let long = format!(r#""{}""#, "x".repeat(Limits::NAME_MAX + 1));
        assert!(serde_json::from_str::<Name>(&long).is_ok());
    }
}

/// Parsed texts for the events that unit tests write by hand; the values
/// are the tests' own and valid.
#[cfg(test)]
pub(crate) mod given {
    use super::{Name, Note, Text};

    pub fn name(raw: &str) -> Name {
        Name::parse(raw, "name").unwrap()
    }

    pub fn text(raw: &str) -> Text {
        Text::parse(raw, "text").unwrap()
    }

    pub fn note(raw: &str) -> Note {
        Note::parse(raw, "note").unwrap()
    }
}
