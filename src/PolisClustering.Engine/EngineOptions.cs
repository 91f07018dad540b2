using PolisClustering.Engine.Model;
using PolisClustering.Engine.State;

namespace PolisClustering.Engine;

/// <summary>Engine settings. Defaults are Polis's (polis-math.md §2.0).</summary>
public sealed record EngineOptions
{
    public Algorithm Algorithm { get; init; } = Algorithm.Polis;

    /// <summary>Base clusters (k of the first k-means level).</summary>
    public int BaseK { get; init; } = 100;

    /// <summary>Smallest number of opinion groups tried (Polis: 2).</summary>
    public int MinK { get; init; } = 2;

    /// <summary>Largest number of opinion groups tried; Polis also caps it at 2 + B/12.</summary>
    public int MaxK { get; init; } = 5;

    /// <summary>Lloyd-step budgets: base-iters = 100; the group loop really uses the default 20 (§2.10).</summary>
    public int BaseIterations { get; init; } = 100;
    public int GroupIterations { get; init; } = 20;

    /// <summary>A new best k takes over after this many consecutive runs (group-k-buffer).</summary>
    public int KBuffer { get; init; } = 4;

    /// <summary>In-conv rule (§2.2): min(threshold, C) votes, topped up to a minimum by vote count.</summary>
    public int InConvVoteThreshold { get; init; } = 7;
    public int InConvMinimum { get; init; } = 15;

    /// <summary>
    /// Use these base-cluster memberships as they are (centers recomputed), skipping base k-means: for parity checks
    /// against a Polis blob above 100 participants, where base clusters depend on history (§2.9).
    /// </summary>
    public IReadOnlyList<StoredCluster>? FixedBaseClusters { get; init; }

    /// <summary>Seed for the alternative algorithms (ML.NET k-means); the Polis pipeline uses no randomness.</summary>
    public int Seed { get; init; } = 1;
}
