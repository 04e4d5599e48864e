//! `edusearch`: build the index, search it, inspect files, serve the search page.

mod app;
mod output;

use std::io::ErrorKind as IoErrorKind;
use std::process::ExitCode;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = app::Cli::parse();
    app::init_tracing(cli.verbose);
    match app::run(cli) {
        Ok(code) => code,
        Err(error) => {
            // `edusearch search … | head` closes the pipe early: not an error.
            let broken_pipe = error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == IoErrorKind::BrokenPipe)
                    || cause
                        .downcast_ref::<serde_json::Error>()
                        .is_some_and(|json| json.io_error_kind() == Some(IoErrorKind::BrokenPipe))
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            app::exit_code_for(&error)
        }
    }
}
