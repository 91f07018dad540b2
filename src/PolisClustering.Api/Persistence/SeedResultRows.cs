using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Persistence;

/// <summary>
/// The seed app's result rows for one result (seed-app-contract.md §3, §4; checklist §6 items 7-11, 18, 19). Pure:
/// the store writes them in one transaction.
/// <list type="bullet">
/// <item>Groups are the Polis groups, in <see cref="ClusteringResult.Groups"/> order: name "קבוצה N", palette colour
/// cycled, deterministic uuid from (poll, version, Polis group id).</item>
/// <item>Every voting participant (on approved statements) gets exactly one membership: in-conv participants by their
/// Polis group, everyone else (too few votes for Polis, DBSCAN noise) by
/// <see cref="ParticipantPlacement.NearestGroupId"/>, the group whose center is nearest.</item>
/// <item>Stats and consensus count the latest vote per (participant, statement) of every member, so they describe the
/// groups as the UI shows them (all members), not only Polis's in-conv subset.</item>
/// </list>
/// </summary>
public sealed class SeedResultRows
{
    /// <summary>The edge engine's five colours and the UI's sixth (§4).</summary>
    public static IReadOnlyList<string> Palette { get; } = ["#3B82F6", "#EF4444", "#10B981", "#F59E0B", "#8B5CF6", "#EC4899"];

    public required string Algorithm { get; init; }
    public required IReadOnlyList<GroupRow> Groups { get; init; }
    public required IReadOnlyList<MembershipRow> Memberships { get; init; }
    public required IReadOnlyList<StatRow> Stats { get; init; }

    /// <summary>Statements that meet the consensus rule (see <see cref="Build"/>), in statement order.</summary>
    public required IReadOnlyList<Guid> ConsensusStatements { get; init; }
    public required IReadOnlyList<MetricRow> Metrics { get; init; }

    /// <summary>Participants with at least one vote on an approved statement (the job's total_participants).</summary>
    public required int Participants { get; init; }

    /// <summary>
    /// Maps a result to rows. Consensus rule (§4 "recommended", one rule): a statement is a consensus point when, in
    /// every group, the group cast at least max(1, min_votes_per_group) votes on it, support_pct ≥ min_support_pct and
    /// oppose_pct ≤ max_opposition_pct (percentages of votes cast), and overall support among all members is at
    /// least consensus_threshold × 100. Without groups there are no consensus points.
    /// </summary>
    public static SeedResultRows Build(Guid pollId, int version, PollData poll, ClusteringResult result)
    {
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(result);
        var groupIndex = new Dictionary<int, int>();
        for (var g = 0; g < result.Groups.Count; g++)
        {
            groupIndex[result.Groups[g].Id] = g;
        }

        var k = groupIndex.Count;
        var (statements, latest) = LatestVotes(poll, result);
        var participants = result.Participants;

        // Memberships. A user id is unique per poll (the seed's partial unique index): a user keyed by user id keeps
        // it; a guest-session key that also carries it (migrated or mixed votes) keeps only its session id.
        var groupOf = new int[participants.Count];
        Array.Fill(groupOf, -1);
        var memberships = new List<MembershipRow>(k > 0 ? participants.Count : 0);
        var reservedUsers = new HashSet<Guid>();
        foreach (var p in participants)
        {
            if (Identity(poll, p.Id) is { SessionId: null, UserId: { } user })
            {
                reservedUsers.Add(user);
            }
        }

        var usedUsers = new HashSet<Guid>();
        for (var i = 0; i < participants.Count && k > 0; i++)
        {
            var p = participants[i];
            if ((p.GroupId ?? p.NearestGroupId) is not { } polisGroup || !groupIndex.TryGetValue(polisGroup, out var g))
            {
                continue;
            }

            groupOf[i] = g;
            var (userId, sessionId) = Identity(poll, p.Id);
            if (userId is { } u && (sessionId is null ? !usedUsers.Add(u) : reservedUsers.Contains(u) || !usedUsers.Add(u)))
            {
                userId = null;
            }

            memberships.Add(new MembershipRow(p.Id, GroupId(pollId, version, result.Groups[g].Id), userId,
                userId is null && sessionId is null ? p.Id : sessionId));
        }

        // Tallies of the latest votes per group × statement.
        var support = new int[k, statements.Count];
        var oppose = new int[k, statements.Count];
        var unsure = new int[k, statements.Count];
        foreach (var (participant, statement, vote) in latest)
        {
            var g = groupOf[participant];
            if (g < 0)
            {
                continue;
            }

            var tally = vote > 0 ? support : vote < 0 ? oppose : unsure;
            tally[g, statement]++;
        }

        var groups = new List<GroupRow>(k);
        var silhouette = Finite(result.Silhouettes.TryGetValue(k, out var sk) ? sk ?? 0 : 0);
        var sizes = new int[k];
        foreach (var i in groupOf)
        {
            if (i >= 0)
            {
                sizes[i]++;
            }
        }

        for (var g = 0; g < k; g++)
        {
            var members = new List<MemberPoint>(sizes[g]);
            for (var i = 0; i < participants.Count; i++)
            {
                if (groupOf[i] == g)
                {
                    members.Add(new MemberPoint(participants[i].Id, Finite(participants[i].X), Finite(participants[i].Y)));
                }
            }

            var polisGroup = result.Groups[g];
            groups.Add(new GroupRow(GroupId(pollId, version, polisGroup.Id), polisGroup.Id,
                string.Create(CultureInfo.InvariantCulture, $"קבוצה {g + 1}"), Palette[g % Palette.Count],
                string.Create(CultureInfo.InvariantCulture, $"קבוצת דעות עם {members.Count} משתתפים"),
                Finite(polisGroup.X), Finite(polisGroup.Y), silhouette, members));
        }

        var stats = new List<StatRow>();
        var consensus = new List<Guid>();
        var settings = poll.Settings;
        var minVotes = Math.Max(1, settings.MinVotesPerGroup);
        for (var s = 0; s < statements.Count && k > 0; s++)
        {
            var everyGroup = true;
            int allSupport = 0, allVotes = 0;
            for (var g = 0; g < k; g++)
            {
                var total = support[g, s] + oppose[g, s] + unsure[g, s];
                allSupport += support[g, s];
                allVotes += total;
                if (total == 0)
                {
                    everyGroup = false;
                    continue;
                }

                var row = new StatRow(groups[g].GroupId, statements[s], 100.0 * support[g, s] / total,
                    100.0 * oppose[g, s] / total, 100.0 * unsure[g, s] / total, total);
                stats.Add(row);
                everyGroup &= total >= minVotes && row.SupportPct >= settings.MinSupportPct
                    && row.OpposePct <= settings.MaxOppositionPct;
            }

            if (everyGroup && 100.0 * allSupport / allVotes >= settings.ConsensusThreshold * 100)
            {
                consensus.Add(statements[s]);
            }
        }

        var metrics = new List<MetricRow>
        {
            new("silhouette_score", silhouette),
            new("cluster_balance", k == 0 || sizes.Max() == 0 ? 0 : (double)sizes.Min() / sizes.Max()),
            new("avg_cluster_size", k == 0 ? 0 : (double)memberships.Count / k),
            new("total_clusters", k),
        };

        return new SeedResultRows
        {
            Algorithm = AlgorithmName(result.Algorithm),
            Groups = groups,
            Memberships = memberships,
            Stats = stats,
            ConsensusStatements = consensus,
            Metrics = metrics,
            Participants = participants.Count,
        };
    }

    /// <summary>Deterministic group uuid (RFC 9562 version 8, from SHA-256): the same result always gets the same ids.</summary>
    public static Guid GroupId(Guid pollId, int version, int polisGroupId)
    {
        Span<byte> name = stackalloc byte[24];
        pollId.TryWriteBytes(name, bigEndian: true, out _);
        BitConverter.TryWriteBytes(name[16..], version);
        BitConverter.TryWriteBytes(name[20..], polisGroupId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(name, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    private static string AlgorithmName(Algorithm algorithm) => algorithm switch
    {
        Engine.Model.Algorithm.Polis => "polis-kmeans",
        Engine.Model.Algorithm.KMeans => "k-means",
        Engine.Model.Algorithm.Dbscan => "dbscan",
        _ => algorithm.ToString().ToLowerInvariant(),
    };

    private static (Guid? UserId, string? SessionId) Identity(PollData poll, string key) =>
        poll.Identities.TryGetValue(key, out var id) && (id.UserId is not null || id.SessionId is not null)
            ? (id.UserId, id.SessionId)
            : (null, key);

    /// <summary>
    /// The latest vote per (participant, statement) on approved statements with a uuid id, by the engine's rule
    /// (later time wins; equal times, the larger value). Participants index <see cref="ClusteringResult.Participants"/>.
    /// </summary>
    private static (List<Guid> Statements, List<(int Participant, int Statement, int Vote)> Votes) LatestVotes(
        PollData poll, ClusteringResult result)
    {
        var input = poll.Input;
        var participantIndex = new Dictionary<string, int>(result.Participants.Count, StringComparer.Ordinal);
        for (var i = 0; i < result.Participants.Count; i++)
        {
            participantIndex[result.Participants[i].Id] = i;
        }

        var statementIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var statements = new List<Guid>();
        foreach (var id in input.VotedStatementIds.Order(StringComparer.Ordinal))
        {
            var approved = !input.Statements.TryGetValue(id, out var s) || (s.Moderation == Moderation.Accepted && !s.IsMeta);
            if (approved && Guid.TryParse(id, out var uuid))
            {
                statementIndex[id] = statements.Count;
                statements.Add(uuid);
            }
        }

        var best = new Dictionary<(int, int), (int Vote, long Time)>();
        for (var e = 0; e < input.VoteEventCount; e++)
        {
            var v = input.GetVote(e);
            if (!participantIndex.TryGetValue(v.ParticipantId, out var p) || !statementIndex.TryGetValue(v.StatementId, out var s))
            {
                continue;
            }

            if (!best.TryGetValue((p, s), out var b) || v.Timestamp > b.Time || (v.Timestamp == b.Time && v.Vote > b.Vote))
            {
                best[(p, s)] = (v.Vote, v.Timestamp);
            }
        }

        return (statements, [.. best.Select(kv => (kv.Key.Item1, kv.Key.Item2, kv.Value.Vote))]);
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    /// <summary>A polis_groups row; <see cref="Members"/> are its members' opinion-space points (opinion_space_coords).</summary>
    public sealed record GroupRow(
        Guid GroupId, int PolisGroupId, string Name, string Color, string Description, double X, double Y,
        double Silhouette, IReadOnlyList<MemberPoint> Members)
    {
        public int MemberCount => Members.Count;

        /// <summary>cluster_center: [x, y].</summary>
        public string CenterJson => JsonSerializer.Serialize(new[] { X, Y });

        /// <summary>opinion_space_coords: {participant key: [x, y]} of exactly this group's members.</summary>
        public string CoordinatesJson => JsonSerializer.Serialize(Members.ToDictionary(m => m.Key, m => new[] { m.X, m.Y }, StringComparer.Ordinal));
    }

    public sealed record MemberPoint(string Key, double X, double Y);

    /// <summary>A polis_user_group_membership row; <see cref="Key"/> is the participant key it stands for.</summary>
    public sealed record MembershipRow(string Key, Guid GroupId, Guid? UserId, string? SessionId);

    public sealed record StatRow(Guid GroupId, Guid StatementId, double SupportPct, double OpposePct, double UnsurePct, int TotalVotes);

    public sealed record MetricRow(string Name, double Value);
}
