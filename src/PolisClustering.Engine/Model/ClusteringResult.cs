using PolisClustering.Engine.State;

namespace PolisClustering.Engine.Model;

/// <summary>
/// Everything one run computes. Vectors indexed by statement follow <see cref="StatementIds"/> (Polis's tids), and
/// signs are Polis's internal convention (agree = -1), so every field compares directly with a math-pca2 blob.
/// </summary>
public sealed record ClusteringResult
{
    public required Algorithm Algorithm { get; init; }
    public required ClusteringOutcome Outcome { get; init; }
    public required IReadOnlyList<string> ParticipantIds { get; init; }
    public required IReadOnlyList<string> StatementIds { get; init; }
    public required IReadOnlyList<int> UserVoteCounts { get; init; }
    public required IReadOnlyList<string> InConv { get; init; }
    public required IReadOnlyList<string> ModOut { get; init; }
    public required IReadOnlyList<string> ModIn { get; init; }
    public required IReadOnlyList<string> MetaTids { get; init; }
    public required PcaResult Pca { get; init; }
    public required IReadOnlyList<ParticipantPlacement> Participants { get; init; }
    public required IReadOnlyList<BaseCluster> BaseClusters { get; init; }
    public required IReadOnlyList<OpinionGroup> Groups { get; init; }

    /// <summary>Silhouette per candidate k (null where undefined); the k chosen before smoothing, and after.</summary>
    public required IReadOnlyDictionary<int, double?> Silhouettes { get; init; }
    public required int BestK { get; init; }

    /// <summary>In-conv participants DBSCAN left in no group (always empty for the other algorithms).</summary>
    public required IReadOnlyList<string> Noise { get; init; }

    /// <summary>Agree/disagree/seen per base cluster (votes-base), [base][statement].</summary>
    public required VoteTallies BaseVotes { get; init; }

    /// <summary>Agree/disagree/seen per group (group-votes), [group][statement], groups in <see cref="Groups"/> order.</summary>
    public required VoteTallies GroupVotes { get; init; }
    public required IReadOnlyList<IReadOnlyList<RepresentativeStatement>> Repness { get; init; }
    public required IReadOnlyList<ConsensusStatement> ConsensusAgree { get; init; }
    public required IReadOnlyList<ConsensusStatement> ConsensusDisagree { get; init; }
    public required IReadOnlyList<double> GroupAwareConsensus { get; init; }
    public required IReadOnlyList<double> CommentPriorities { get; init; }
    public required long LastVoteTimestamp { get; init; }
    public required int MathTick { get; init; }

    /// <summary>The state the next run of this conversation starts from.</summary>
    public required ConversationState NextState { get; init; }
}

public enum Algorithm
{
    Polis,
    KMeans,
    Dbscan,
}

/// <summary>Whether opinion groups were found; when not, why (never an exception, never NaN).</summary>
public sealed record ClusteringOutcome(bool HasGroups, string? Reason)
{
    public static readonly ClusteringOutcome Groups = new(true, null);

    public static ClusteringOutcome NoGroups(string reason) => new(false, reason);
}

public sealed record PcaResult(
    IReadOnlyList<double> Center,
    IReadOnlyList<IReadOnlyList<double>> Components,
    IReadOnlyList<IReadOnlyList<double>> CommentProjection,
    IReadOnlyList<double> CommentExtremity);

/// <summary>
/// A participant's position and group. <see cref="GroupId"/> is Polis's (in-conv only); <see cref="NearestGroupId"/>
/// places everyone, clustered or not, in the group whose center is nearest, for platforms that show every voter a group.
/// </summary>
public sealed record ParticipantPlacement(
    string Id, double X, double Y, int VoteCount, bool InConv, int? BaseClusterId, int? GroupId, int? NearestGroupId);

public sealed record BaseCluster(int Id, IReadOnlyList<string> Members, double X, double Y);

public sealed record OpinionGroup(int Id, IReadOnlyList<int> BaseClusterIds, IReadOnlyList<string> Members, double X, double Y);

public sealed record VoteTallies(int[][] Agree, int[][] Disagree, int[][] Seen);

public sealed record RepresentativeStatement(
    string StatementId, int NSuccess, int NTrials, double PSuccess, double PTest, double Repness, float RepnessTest,
    bool RepfulForAgree, int? NAgree, bool BestAgree);

public sealed record ConsensusStatement(string StatementId, int NSuccess, int NTrials, double PSuccess, double PTest);
