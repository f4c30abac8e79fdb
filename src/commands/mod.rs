//! One module per subcommand; each returns the run's [`Exit`](crate::exit::Exit).

pub(crate) mod anchors;
pub(crate) mod explain;
pub(crate) mod guard;
pub(crate) mod phase;
pub(crate) mod spec;
pub(crate) mod verify;
