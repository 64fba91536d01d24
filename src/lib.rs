pub mod app;
pub mod config;
pub mod domain;
pub mod projections;
pub mod store;
pub mod timestamp;
