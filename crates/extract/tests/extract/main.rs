//! Integration tests of `edusearch-extract`, compiled into one binary.

mod broken;
mod fixtures;
mod formats;
mod never_panics;
mod records;
