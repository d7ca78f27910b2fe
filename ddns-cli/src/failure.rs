//! The one error type of the command: a message for stderr, after which the command exits
//! with status 2. Every module reports through it; it depends on nothing else of the command.

use std::io;

/// A failure to report on stderr before exiting with status 2.
#[derive(Debug)]
pub(crate) struct Failure(pub String);

macro_rules! failure_from {
    ($($error:ty),*) => {$(
        impl From<$error> for Failure {
            fn from(err: $error) -> Failure {
                Failure(err.to_string())
            }
        }
    )*};
}

failure_from!(
    ddns_core::CatalogError,
    ddns_core::LoadError,
    ddns_core::BuildError,
    serde_json::Error
);

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        if err.kind() == io::ErrorKind::BrokenPipe {
            // The reader went away (`ddns check ... | head`): stop quietly, like grep.
            std::process::exit(0);
        }
        Failure(format!("cannot write output: {err}"))
    }
}
