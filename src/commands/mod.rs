//! One module per subcommand; each returns the run's [`Exit`](crate::exit::Exit).

pub mod anchors;
pub mod generate;
pub mod phase;
pub mod spec;
pub mod verify;
