//! Integration tests, compiled into one binary (see `[[test]]` in Cargo.toml).

mod browser;
mod cli;
mod fetch;
mod http;
