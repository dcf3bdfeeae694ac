//! `tensorsim consensus-map`: the honest-majority retention map, one chain epoch per point.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use tensorsim::atomic_write::write_atomically;

use crate::exit::{EXIT_BAD_INPUT, EXIT_FAILURE, fail};

#[derive(Args)]
pub(crate) struct ConsensusMapArgs {
    /// The weights' noise σ, comma-separated (W'_ij ~ N(1, σ²)); default 0,0.2,0.4
    #[arg(long, value_name = "LIST")]
    sigma: Option<String>,
    /// Bonds penalties β in [0, 1], comma-separated; default 0,0.5,1
    #[arg(long, value_name = "LIST")]
    beta: Option<String>,
    /// κ values in [0, 1], comma-separated; default 0.5 (stored 32767, as upstream's)
    #[arg(long, value_name = "LIST")]
    kappa: Option<String>,
    /// Honest stakes S_H in (0, 1), comma-separated; default 0.51,0.55,0.6,…,0.95,0.99
    #[arg(long, value_name = "LIST")]
    stakes: Option<String>,
    /// W_H and W_C run over k/N, k = 0..=N
    #[arg(long, value_name = "N", default_value_t = 50)]
    steps: u32,
    /// Independent draws of the network per grid point (upstream: one, seeded alike everywhere)
    #[arg(long, value_name = "N", default_value_t = 1)]
    repeats: u32,
    /// The draws' seed
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    /// Threads (default: the machine's cores); the output does not depend on it
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Write the outputs into DIR (default: reports/out/consensus-map)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress on standard error
    #[arg(long)]
    quiet: bool,
}

/// The study the flags ask for: upstream's grid, with each list flag given in place of its list.
fn consensus_study(args: &ConsensusMapArgs) -> Result<tensorsim::consensus_study::grid::Study, String> {
    use tensorsim::consensus_study::grid::{self, Study};
    let (proportion, sigma) = (grid::PROPORTION_PPM, grid::SIGMA_PPM);
    let mut study = Study { seed: args.seed, repeats: args.repeats, steps: args.steps, ..Study::upstream() };
    let lists = [
        ("--sigma", &args.sigma, &mut study.sigmas, sigma, false),
        ("--beta", &args.beta, &mut study.bonds_penalties, proportion, false),
        ("--kappa", &args.kappa, &mut study.kappas, proportion, false),
        ("--stakes", &args.stakes, &mut study.honest_stakes, proportion, true),
    ];
    for (flag, text, values, (min, max), exclusive) in lists {
        if let Some(text) = text {
            *values = grid::parse_list(flag, text, min, max, exclusive)?;
        }
    }
    study.check()?;
    Ok(study)
}

pub(crate) fn consensus_map_command(args: &ConsensusMapArgs) -> ExitCode {
    use tensorsim::consensus_study::{self, output};
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let study = consensus_study(args).and_then(|study| match threads {
        1..=256 => Ok(study),
        _ => Err(format!("--threads {threads}: expected 1 to 256")),
    });
    let study = match study {
        Ok(study) => study,
        Err(message) => return fail(EXIT_BAD_INPUT, &message),
    };
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from("reports/out/consensus-map"));
    keep_freed_memory();
    let started = std::time::Instant::now();
    let mut bars = tensorsim::progress::Progress::new(args.quiet);
    let map =
        consensus_study::run(&study, threads, &mut |done, total| bars.update("epochs", done as u64, total as u64));
    bars.finish();
    let seconds = started.elapsed().as_secs_f64();
    let readings = output::Readings::of(&map);
    let files = [
        ("map.csv", output::map_csv(&map)),
        ("retention.csv", output::retention_csv(&study, &readings)),
        ("map.md", output::markdown(&map, &readings)),
        ("reproduction.md", output::reproduction(&study, &readings)),
    ];
    if let Err(e) = std::fs::create_dir_all(&out) {
        return fail(EXIT_FAILURE, &format!("{}: {e}", out.display()));
    }
    for (name, text) in &files {
        let path = out.join(name);
        if let Err(e) = write_atomically(&path, text.as_bytes()) {
            return fail(EXIT_FAILURE, &format!("{}: {e}", path.display()));
        }
        println!("{}", path.display());
    }
    if !args.quiet {
        // Standard error only: the outputs carry no time, so that they are the same bytes.
        eprintln!("{} epochs in {seconds:.1} s on {threads} threads", study.epochs());
    }
    ExitCode::SUCCESS
}

/// Each epoch allocates and frees a few MB of matrices. glibc hands freed memory above its trim
/// threshold back to the kernel and faults it in again on the next epoch: 15.8 M page faults, 9 %
/// of the full map's time. Freeing one block larger than its mmap threshold raises both (glibc's
/// dynamic threshold: the trim threshold becomes twice the block), so the epochs' memory stays
/// with the process. Any other allocator just allocates and frees 16 MB.
fn keep_freed_memory() {
    drop(std::hint::black_box(vec![0u8; 16 << 20]));
}
