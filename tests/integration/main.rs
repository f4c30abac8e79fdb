//! The one integration-test binary: every test runs the real `hivegen` on temp dirs.

mod support;

mod engine;
mod snapshots;
