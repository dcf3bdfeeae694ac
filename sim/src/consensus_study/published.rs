//! What subtensor's docs/consensus.md publishes about the retention map (its sections "Subjectivity
//! variance" and "Bonds penalty (β)"), for the tables to set ours beside. Its κ claims ("κ = 0.4
//! demands higher honest utility when S_H < 0.6", "κ = 0.6: no protection for S_H < 0.6 even with
//! W_H = 1") are statements, not figures: reports/reproductions.md sets our κ table beside them.

/// One published figure: the honest utility an honest 60 % majority needs, read off a plot.
pub struct Figure {
    /// How the docs name it.
    pub label: &'static str,
    /// σ, β and κ in millionths.
    pub sigma_ppm: u32,
    pub bonds_penalty_ppm: u32,
    pub kappa_ppm: u32,
    pub needed_utility: f64,
}

/// The S_H every published figure is read at.
pub const HONEST_STAKE_PPM: u32 = 600_000;

/// "σ = 0, 0.2 and 0.4 respectively require 60 %, 67 % and 73 % honest utility to preserve 60 %
/// honest stake": the docs (Nov 2023) predate the bonds-penalty hyperparameter, and the chain of
/// their day bought bonds with the clipped weights, β = 1. "β = 0, 0.5 and 1 respectively show
/// 78 %, 76 % and 73 %": at σ = 0.4, the σ of upstream's test, where β = 1 gives the same 73 %.
pub const FIGURES: [Figure; 5] = [
    Figure {
        label: "σ = 0 (β = 1)",
        sigma_ppm: 0,
        bonds_penalty_ppm: 1_000_000,
        kappa_ppm: 500_000,
        needed_utility: 0.60,
    },
    Figure {
        label: "σ = 0.2 (β = 1)",
        sigma_ppm: 200_000,
        bonds_penalty_ppm: 1_000_000,
        kappa_ppm: 500_000,
        needed_utility: 0.67,
    },
    Figure {
        label: "σ = 0.4, β = 1",
        sigma_ppm: 400_000,
        bonds_penalty_ppm: 1_000_000,
        kappa_ppm: 500_000,
        needed_utility: 0.73,
    },
    Figure {
        label: "β = 0.5 (σ = 0.4)",
        sigma_ppm: 400_000,
        bonds_penalty_ppm: 500_000,
        kappa_ppm: 500_000,
        needed_utility: 0.76,
    },
    Figure {
        label: "β = 0 (σ = 0.4)",
        sigma_ppm: 400_000,
        bonds_penalty_ppm: 0,
        kappa_ppm: 500_000,
        needed_utility: 0.78,
    },
];
