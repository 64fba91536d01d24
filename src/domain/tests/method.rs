//! The method's commands: goals, risks, journeys, the checklist, reviews,
//! the PDCA log and corrections, given events / when command / then events.
