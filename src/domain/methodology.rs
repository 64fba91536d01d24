//! The three step plans a werkplaats can follow, and their fixed phases.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Methodology {
    /// Schouders Eronder werkplaatsen: three phases.
    SchoudersEronder,
    /// The Movisie/Divosa five-step plan.
    MovisieVijfStappen,
    /// The NJi seven-step plan, a cycle: after the last step it returns to
    /// step 3 (`gegevens`).
    NjiZevenStappen,
}

/// One step of a methodology; `number` counts from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phase {
    pub number: u32,
    pub key: &'static str,
    pub title: &'static str,
}

const SCHOUDERS_ERONDER: &[(&str, &str)] = &[
    ("probleemanalyse", "Probleemanalyse"),
    ("oplossingen_verkennen", "Oplossingen verkennen"),
    ("actieplan_en_evaluatie", "Actieplan en evaluatie"),
];

const MOVISIE_VIJF_STAPPEN: &[(&str, &str)] = &[
    ("voorbereiden", "Voorbereiden"),
    ("verkennen", "Verkennen"),
    ("verbeelden", "Verbeelden"),
    ("vormgeven", "Vormgeven"),
    ("verankeren", "Verankeren"),
];

const NJI_ZEVEN_STAPPEN: &[(&str, &str)] = &[
    ("urgentie", "Urgentie"),
    ("samenwerking", "Samenwerking"),
    ("gegevens", "Gegevens"),
    ("resultaten", "Resultaten"),
    ("aanpak", "Aanpak"),
    ("meten", "Meten"),
    ("uitvoeren", "Uitvoeren"),
];

/// The NJi plan loops back to this phase after its last one.
const NJI_CYCLE_RESTART: u32 = 3;

impl Methodology {
    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Methodology::SchoudersEronder => SCHOUDERS_ERONDER,
            Methodology::MovisieVijfStappen => MOVISIE_VIJF_STAPPEN,
            Methodology::NjiZevenStappen => NJI_ZEVEN_STAPPEN,
        }
    }

    pub fn phases(self) -> Vec<Phase> {
        self.table()
            .iter()
            .zip(1..)
            .map(|(&(key, title), number)| Phase { number, key, title })
            .collect()
    }

    /// The phase with this number; `None` outside the plan.
    pub fn phase(self, number: u32) -> Option<Phase> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        let &(key, title) = self.table().get(index)?;
        Some(Phase { number, key, title })
    }

    /// The phase that follows `number`, or `None` when the plan ends there.
    pub fn next_phase(self, number: u32) -> Option<u32> {
        let last = self.table().len() as u32;
        match self {
            _ if number < last => Some(number + 1),
            Methodology::NjiZevenStappen => Some(NJI_CYCLE_RESTART),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plan_numbers_its_phases_from_one() {
        for m in [
            Methodology::SchoudersEronder,
            Methodology::MovisieVijfStappen,
            Methodology::NjiZevenStappen,
        ] {
            let numbers: Vec<u32> = m.phases().iter().map(|p| p.number).collect();
            assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>());
            assert_eq!(m.phase(1).unwrap().number, 1);
            assert!(m.phase(0).is_none());
        }
    }

    #[test]
    fn nji_cycles_back_to_gegevens_and_the_others_end() {
        assert_eq!(Methodology::NjiZevenStappen.next_phase(7), Some(3));
        assert_eq!(
            Methodology::NjiZevenStappen.phase(3).unwrap().key,
            "gegevens"
        );
        assert_eq!(Methodology::SchoudersEronder.next_phase(3), None);
        assert_eq!(Methodology::MovisieVijfStappen.next_phase(5), None);
        assert_eq!(Methodology::MovisieVijfStappen.next_phase(4), Some(5));
    }
}
