using PolisClustering.Api.Persistence;
using PolisClustering.Engine;
using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Tests.Persistence;

/// <summary>The pure result → seed rows mapping (no database).</summary>
public sealed class SeedResultRowsTests
{
    private static readonly Guid PollId = Guid.Parse("6f1c2d3e-0000-4000-8000-000000000001");

    /// <summary>
    /// Two camps of <paramref name="perCamp"/> on <paramref name="statements"/> statements (agree/disagree by camp on
    /// even/odd statements; everyone agrees on the last), plus <paramref name="lowVoters"/> one-vote participants.
    /// </summary>
    private static (PollData Poll, List<string> Statements) TwoCamps(int perCamp = 10, int statements = 8, int lowVoters = 0,
        PollSettings? settings = null, Dictionary<string, ParticipantIdentity>? identities = null)
    {
        var input = new ConversationInput();
        var ids = Enumerable.Range(0, statements).Select(i => new Guid(i + 1, 0, 0, new byte[8]).ToString()).ToList();
        foreach (var id in ids)
        {
            input.AddStatement(new Statement(id, Moderation.Accepted, IsMeta: false));
        }

        for (var p = 0; p < 2 * perCamp; p++)
        {
            var sign = p < perCamp ? 1 : -1;
            for (var s = 0; s < statements; s++)
            {
                input.AddVote($"p{p}", ids[s], s == statements - 1 ? 1 : s % 2 == 0 ? sign : -sign, 1000 + (p * statements) + s);
            }
        }

        for (var p = 0; p < lowVoters; p++)
        {
            input.AddVote($"low{p}", ids[0], -1, 100_000 + p);
        }

        identities ??= Enumerable.Range(0, 2 * perCamp).ToDictionary(p => $"p{p}", p => new ParticipantIdentity(null, $"p{p}"));
        return (new PollData(PollId.ToString(), input, settings ?? PollSettings.Default, new VoteWatermark(0, null, 0), identities), ids);
    }

    private static ClusteringResult Run(PollData poll) => ClusteringEngine.Run(poll.Input);

    [Fact]
    public void Build_TwoCamps_GroupsMembershipsStatsAndConsensus()
    {
        var (poll, statements) = TwoCamps();
        var result = Run(poll);

        var rows = SeedResultRows.Build(PollId, 3, poll, result);

        Assert.Equal(2, rows.Groups.Count);
        Assert.Equal(["קבוצה 1", "קבוצה 2"], rows.Groups.Select(g => g.Name));
        Assert.Equal(["#3B82F6", "#EF4444"], rows.Groups.Select(g => g.Color));
        Assert.All(rows.Groups, g => Assert.Equal($"קבוצת דעות עם {g.MemberCount} משתתפים", g.Description));
        Assert.Equal(20, rows.Memberships.Count);
        Assert.Equal(20, rows.Groups.Sum(g => g.MemberCount));
        Assert.Equal(rows.Memberships.Select(m => m.Key).Order(), rows.Groups.SelectMany(g => g.Members.Select(m => m.Key)).Order());
        Assert.All(rows.Memberships, m => Assert.Equal(m.Key, m.SessionId));
        Assert.Equal(2 * statements.Count, rows.Stats.Count);
        Assert.All(rows.Stats, s => Assert.Equal(100, s.SupportPct + s.OpposePct + s.UnsurePct, 1e-9));
        Assert.All(rows.Stats, s => Assert.Equal(10, s.TotalVotes));
        Assert.Equal([Guid.Parse(statements[^1])], rows.ConsensusStatements);
        Assert.Equal(20, rows.Participants);
        Assert.Equal("polis-kmeans", rows.Algorithm);
        Assert.All(rows.Metrics, m => Assert.True(double.IsFinite(m.Value)));
        Assert.Equal(["silhouette_score", "cluster_balance", "avg_cluster_size", "total_clusters"], rows.Metrics.Select(m => m.Name));
        Assert.Equal([1.0, 10.0, 2.0], rows.Metrics.Skip(1).Select(m => m.Value));
        Assert.Equal([rows.Groups[0].X, rows.Groups[0].Y], System.Text.Json.JsonSerializer.Deserialize<double[]>(rows.Groups[0].CenterJson)!);
    }

    [Fact]
    public void Build_SameResult_SameRows_AndGroupIdsDependOnTheVersion()
    {
        var (poll, _) = TwoCamps();
        var result = Run(poll);

        var a = SeedResultRows.Build(PollId, 1, poll, result);
        var b = SeedResultRows.Build(PollId, 1, poll, result);
        var c = SeedResultRows.Build(PollId, 2, poll, result);

        Assert.Equal(a.Groups.Select(g => g.GroupId), b.Groups.Select(g => g.GroupId));
        Assert.Equal(a.Memberships, b.Memberships);
        Assert.Equal(a.Stats, b.Stats);
        Assert.Empty(a.Groups.Select(g => g.GroupId).Intersect(c.Groups.Select(g => g.GroupId)));
        Assert.All(a.Groups, g => Assert.Equal(8, g.GroupId.Version));
        Assert.All(a.Groups, g => Assert.Equal(SeedResultRows.GroupId(PollId, 1, g.PolisGroupId), g.GroupId));
    }

    [Fact]
    public void Build_ParticipantsOutsidePolisGroups_JoinTheNearestGroup()
    {
        var (poll, _) = TwoCamps(lowVoters: 3);
        var result = Run(poll);

        var rows = SeedResultRows.Build(PollId, 1, poll, result);

        var outside = result.Participants.Where(p => p.GroupId is null).ToList();
        Assert.Equal(3, outside.Count);
        Assert.Equal(23, rows.Memberships.Count);
        Assert.Equal(rows.Memberships.Count, rows.Memberships.Select(m => m.Key).Distinct().Count());
        foreach (var p in outside)
        {
            var membership = rows.Memberships.Single(m => m.Key == p.Id);
            Assert.Equal(rows.Groups.Single(g => g.PolisGroupId == p.NearestGroupId).GroupId, membership.GroupId);
            Assert.Null(membership.UserId);
            Assert.Equal(p.Id, membership.SessionId); // no identity known: the key is a guest session
        }
    }

    [Fact]
    public void Build_ConsensusRule_FollowsThePollSettings()
    {
        var strict = TwoCamps(settings: PollSettings.Default with { MinSupportPct = 100, ConsensusThreshold = 1 }).Poll;
        var tooFewVotes = TwoCamps(settings: PollSettings.Default with { MinVotesPerGroup = 11 }).Poll;
        var lenient = TwoCamps(settings: PollSettings.Default with { MinSupportPct = 0, MaxOppositionPct = 100, ConsensusThreshold = 0 }).Poll;

        Assert.Single(SeedResultRows.Build(PollId, 1, strict, Run(strict)).ConsensusStatements);
        Assert.Empty(SeedResultRows.Build(PollId, 1, tooFewVotes, Run(tooFewVotes)).ConsensusStatements);
        Assert.Equal(8, SeedResultRows.Build(PollId, 1, lenient, Run(lenient)).ConsensusStatements.Count);
    }

    [Fact]
    public void Build_LatestVoteWins_InTheStats()
    {
        var (poll, statements) = TwoCamps();
        poll.Input.AddVote("p0", statements[^1], -1, 0); // older than p0's agree: ignored
        poll.Input.AddVote("p1", statements[^1], 0, 999_999); // newer: p1 passes now
        var result = Run(poll);

        var rows = SeedResultRows.Build(PollId, 1, poll, result);

        var group = rows.Memberships.Single(m => m.Key == "p1").GroupId;
        var stat = rows.Stats.Single(s => s.GroupId == group && s.StatementId == Guid.Parse(statements[^1]));
        Assert.Equal(10, stat.TotalVotes);
        Assert.Equal(90, stat.SupportPct, 1e-9);
        Assert.Equal(10, stat.UnsurePct, 1e-9);
        Assert.Equal(0, stat.OpposePct);
    }

    [Fact]
    public void Build_UserIds_StayUniquePerPoll()
    {
        var shared = Guid.NewGuid();
        var identities = Enumerable.Range(0, 20).ToDictionary(p => $"p{p}", p => new ParticipantIdentity(null, $"p{p}"));
        identities["p0"] = new ParticipantIdentity(shared, null); // a signed-in user keyed by user id...
        identities["p1"] = new ParticipantIdentity(shared, "p1"); // ...whose guest session also carries it
        identities["p2"] = new ParticipantIdentity(Guid.NewGuid(), "p2");
        var (poll, _) = TwoCamps(identities: identities);

        var rows = SeedResultRows.Build(PollId, 1, poll, Run(poll));

        Assert.Equal(shared, rows.Memberships.Single(m => m.Key == "p0").UserId);
        Assert.Null(rows.Memberships.Single(m => m.Key == "p0").SessionId);
        Assert.Equal((null, "p1"), rows.Memberships.Where(m => m.Key == "p1").Select(m => (m.UserId, m.SessionId)).Single());
        Assert.Equal(identities["p2"].UserId, rows.Memberships.Single(m => m.Key == "p2").UserId);
    }

    [Fact]
    public void Build_NoGroups_NoRowsButFiniteMetrics()
    {
        var input = new ConversationInput();
        var statement = Guid.NewGuid().ToString();
        for (var p = 0; p < 5; p++)
        {
            input.AddVote($"p{p}", statement, 1, p);
        }

        var poll = new PollData(PollId.ToString(), input, PollSettings.Default, new VoteWatermark(5, null, 0), new Dictionary<string, ParticipantIdentity>());
        var result = Run(poll);

        var rows = SeedResultRows.Build(PollId, 1, poll, result);

        Assert.False(result.Outcome.HasGroups);
        Assert.Empty(rows.Groups);
        Assert.Empty(rows.Memberships);
        Assert.Empty(rows.Stats);
        Assert.Empty(rows.ConsensusStatements);
        Assert.Equal(5, rows.Participants);
        Assert.All(rows.Metrics, m => Assert.Equal(0, m.Value));
    }

    [Fact]
    public void Palette_CyclesSixColours()
    {
        Assert.Equal(["#3B82F6", "#EF4444", "#10B981", "#F59E0B", "#8B5CF6", "#EC4899"], SeedResultRows.Palette);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("{\"consensus_threshold\": 0.9, \"min_group_size\": 5}", 0.9, 5)]
    [InlineData("\"{\\\"consensus_threshold\\\": 0.55}\"", 0.55, null)]
    [InlineData("{\"consensus_threshold\": \"0.65\", \"min_group_size\": \"3\"}", 0.65, 3)]
    [InlineData("{\"consensus_threshold\": 70}", null, null)]
    [InlineData("[1, 2]", null, null)]
    [InlineData("{broken", null, null)]
    public void ParseAlgorithmConfig_ObjectStringOrGarbage(string? json, double? threshold, int? minGroupSize)
    {
        Assert.Equal((threshold, minGroupSize), PostgresClusteringStore.ParseAlgorithmConfig(json));
    }
}
