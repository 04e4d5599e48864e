//! The JSON API under `/api`, one file per concern; every error has the shape of
//! [`crate::error::ErrorBody`].

pub mod admin;
pub mod export;
pub mod health;
pub mod openapi;
pub mod resolutions;
pub mod search;
pub mod similar;

pub use openapi::openapi;
pub(crate) use resolutions::fetch_resolution;
