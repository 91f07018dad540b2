namespace PolisClustering.Engine.State;

/// <summary>
/// What one run hands to the next, as Polis's math worker carries it between ticks (polis-math.md §2.0), except that
/// nothing is lost here: group clusterings and the k smoother are kept too. Serialisable with System.Text.Json.
/// </summary>
public sealed record ConversationState
{
    public const int CurrentVersion = 1;

    /// <summary>Required in JSON: a file without it is not a state (a math blob, say), not a version-1 cold start.</summary>
    [System.Text.Json.Serialization.JsonRequired]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>Runs so far; Polis's math_tick.</summary>
    public int MathTick { get; init; }

    /// <summary>Participant ids in matrix row order (first appearance; new participants are appended).</summary>
    public IReadOnlyList<string> ParticipantOrder { get; init; } = [];

    /// <summary>Statement ids in matrix column order (Polis's tids; new statements are appended).</summary>
    public IReadOnlyList<string> StatementOrder { get; init; } = [];

    /// <summary>The sticky in-conv set (§2.2).</summary>
    public IReadOnlyList<string> InConv { get; init; } = [];

    /// <summary>Principal components, each aligned with <see cref="StatementOrder"/> (warm start and sign, §2.4).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Components { get; init; } = [];

    /// <summary>Base clusters of the last run (§2.9).</summary>
    public IReadOnlyList<StoredCluster> BaseClusters { get; init; } = [];

    /// <summary>Group clustering for every candidate k, keyed by k; members are base-cluster ids (§2.10).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<StoredCluster>> GroupClusterings { get; init; } =
        new Dictionary<int, IReadOnlyList<StoredCluster>>();

    /// <summary>The k smoother (§2.10), or null before the first run.</summary>
    public KSmoother? KSmoother { get; init; }

    /// <summary>Last run's group vote tallies, which this run's comment priorities read (§3.10).</summary>
    public IReadOnlyList<GroupVoteTally> GroupVotes { get; init; } = [];

    /// <summary>The latest vote time the last run used (ms).</summary>
    public long LastVoteTimestamp { get; init; }
}

/// <summary>A stored cluster: id, member names (participant ids for base clusters, base ids for groups), center.</summary>
public sealed record StoredCluster(int Id, IReadOnlyList<string> Members, double X, double Y);

/// <summary>k hysteresis state (polis-math.md §2.10, buffer 4).</summary>
public sealed record KSmoother(int LastK, int Count, int SmoothedK);

/// <summary>Agree, disagree and seen counts of one group on one statement (internal convention, §3.7).</summary>
public sealed record GroupVoteTally(int GroupId, string StatementId, int Agree, int Disagree, int Seen);
