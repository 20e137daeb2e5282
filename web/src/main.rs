//! `web`: build the browser decoder page and serve it on loopback.
//!
//! - `web build [--out DIR]`: compile the decoder to WebAssembly and write the page to
//!   `web/dist/` (any static host can serve it).
//! - `web serve [--port N] [--no-build]`: build, then serve the page on 127.0.0.1 with the right
//!   MIME types (`application/wasm` for the module) until interrupted. `--port 0` picks a free
//!   port; the first line printed is the page's address.

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    use clap::{Parser, Subcommand};

    #[derive(Parser)]
    #[command(name = "web", about = "Build and serve the browser decoder page")]
    struct Cli {
        #[command(subcommand)]
        cmd: Cmd,
    }

    #[derive(Subcommand)]
    enum Cmd {
        /// Compile the decoder to WebAssembly and write the page.
        Build {
            /// Output directory.
            #[arg(long, value_name = "DIR")]
            out: Option<PathBuf>,
        },
        /// Build the page, then serve it on 127.0.0.1.
        Serve {
            /// Port (0 picks a free one).
            #[arg(long, default_value_t = 8080)]
            port: u16,
            /// Serve what is already built.
            #[arg(long)]
            no_build: bool,
            /// Directory to serve.
            #[arg(long, value_name = "DIR")]
            dir: Option<PathBuf>,
        },
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        let mut log = |m: &str| eprintln!("web: {m}");
        let res = match cli.cmd {
            Cmd::Build { out } => {
                let dist = out.unwrap_or_else(web::build::default_dist);
                web::build::build(&dist, &mut log).map(|()| println!("{}", dist.display()))
            }
            Cmd::Serve { port, no_build, dir } => {
                let dist = dir.unwrap_or_else(web::build::default_dist);
                let built = if no_build { Ok(()) } else { web::build::build(&dist, &mut log) };
                built.and_then(|()| serve(&dist, port))
            }
        };
        match res {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("web: {e}");
                ExitCode::from(1)
            }
        }
    }

    fn serve(dist: &Path, port: u16) -> Result<(), String> {
        let listener = web::serve::bind(dist, port)?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("http://{addr}/");
        let _ = std::io::stdout().flush();
        eprintln!("web: serving {} (Ctrl-C stops)", dist.display());
        web::serve::run(listener, dist);
        Ok(())
    }
}
