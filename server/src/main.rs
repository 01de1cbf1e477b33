//! skillmeat-lsp: the command-line entry point (CLI commands and, later, the language server).

mod cli;
mod json;
mod lsp;

fn main() {
    std::process::exit(cli::main());
}
