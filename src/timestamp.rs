//! The one textual form of a moment: UTC with exactly six fractional digits,
//! the precision PostgreSQL stores. The hash chain and the API both use it,
//! so what a client reads is what was hashed.

use chrono::{DateTime, SubsecRound, Utc};

pub fn format(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Now, cut to the microseconds the database keeps.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn always_six_digits_and_z() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:15:30Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format(at), "2026-11-22T10:15:30.000000Z");
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:15:30.1234567+01:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format(at), "2026-11-22T09:15:30.123456Z");
    }
}
