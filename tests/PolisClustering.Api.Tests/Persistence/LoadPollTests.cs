using PolisClustering.Api.Persistence;
using PolisClustering.Engine;
using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Tests.Persistence;

[Collection(PostgresTests.Name)]
public sealed class LoadPollTests(PostgresServer server)
{
    [Fact]
    public async Task LoadPollAsync_5000Votes_ReadsEveryVote()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.PollAsync(db);
        var statements = await SeedData.StatementsAsync(db, poll, 100);
        var random = new Random(5);
        var values = new[] { "support", "oppose", "unsure" };
        await SeedData.VotesAsync(db, poll, [.. Enumerable.Range(0, 5000).Select(i =>
            new VoteRow(null, $"p{i / 100}", statements[i % 100], values[random.Next(3)], SeedData.T0.AddSeconds(i)))]);

        var (_, data, result, summary) = await SeedData.ClusterAsync(store, poll);

        Assert.Equal(5000, data.Input.VoteEventCount);
        Assert.Equal(5000, data.Watermark.VoteRows);
        Assert.Equal(SeedData.T0.AddSeconds(4999), data.Watermark.LatestVoteAt);
        Assert.Equal(5000, result.UserVoteCounts.Sum());
        Assert.Equal(5000, summary.Votes);
        Assert.Equal(5000, await SeedData.ScalarAsync<int>(db, "SELECT total_votes FROM polis_clustering_jobs WHERE poll_id = $1", poll));
    }

    [Fact]
    public async Task LoadPollAsync_KeepsIdentitiesAndIgnoresUnapprovedAndMissingStatements()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.PollAsync(db);
        var approved = await SeedData.StatementAsync(db, poll, content: "שלום");
        var other = await SeedData.StatementAsync(db, poll);
        var unapproved = await SeedData.StatementAsync(db, poll, approved: false);
        var user = Guid.NewGuid();
        await SeedData.VotesAsync(db, poll,
        [
            new VoteRow(user, null, approved, "support", SeedData.T0),
            new VoteRow(user, null, approved, "oppose", SeedData.T0.AddMinutes(1)), // the latest counts
            new VoteRow(null, "guest-1", approved, "unsure", SeedData.T0),
            new VoteRow(null, "guest-1", other, "oppose", SeedData.T0),
            new VoteRow(null, "guest-1", unapproved, "support", SeedData.T0),
            new VoteRow(null, "guest-2", null, "support", SeedData.T0),
            new VoteRow(null, "guest-2", unapproved, "support", SeedData.T0),
        ]);

        var data = await store.LoadPollAsync(poll.ToString(), TestContext.Current.CancellationToken);

        Assert.NotNull(data);
        Assert.Equal(4, data.Input.VoteEventCount); // every event; the engine keeps the latest per pair
        Assert.Equal(new HashSet<string> { user.ToString(), "guest-1" }, data.Input.ParticipantIds.ToHashSet());
        Assert.Equal(new ParticipantIdentity(user, null), data.Identities[user.ToString()]);
        Assert.Equal(new ParticipantIdentity(null, "guest-1"), data.Identities["guest-1"]);
        Assert.Equal(2, data.Identities.Count);
        Assert.Equal(2, data.Input.Statements.Count);
        Assert.Equal("שלום", data.Input.Statements[approved.ToString()].Text);
        Assert.DoesNotContain(unapproved.ToString(), data.Input.VotedStatementIds);
        var votes = Enumerable.Range(0, data.Input.VoteEventCount).Select(data.Input.GetVote).ToList();
        Assert.Contains(new VoteEvent(user.ToString(), approved.ToString(), -1, SeedData.T0.AddMinutes(1).ToUnixTimeMilliseconds()), votes);
        Assert.Contains(new VoteEvent("guest-1", approved.ToString(), 0, SeedData.T0.ToUnixTimeMilliseconds()), votes);

        var result = ClusteringEngine.Run(data.Input);
        Assert.Equal(3, result.UserVoteCounts.Sum()); // latest per (participant, statement)
    }

    [Theory]
    [InlineData("{\"consensus_threshold\": 0.8, \"min_group_size\": 3}", 0.8, 3)]
    [InlineData("\"{\\\"consensus_threshold\\\": 0.6, \\\"min_group_size\\\": 4}\"", 0.6, 4)]
    [InlineData("{\"pca_dimensions\": 2}", 0.7, 2)]
    [InlineData("\"not json\"", 0.7, 2)]
    [InlineData(null, 0.7, 2)]
    public async Task LoadPollAsync_AlgorithmConfig_ObjectStringOrNull(string? config, double threshold, int minGroupSize)
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.PollAsync(db, defaults: false, config: config, nullSettings: true);

        var data = await store.LoadPollAsync(poll.ToString(), TestContext.Current.CancellationToken);

        Assert.NotNull(data);
        Assert.Equal(PollSettings.Default with { ConsensusThreshold = threshold, MinGroupSize = minGroupSize }, data.Settings);
        Assert.Equal(0, data.Input.VoteEventCount);
        Assert.Null(data.Watermark.LatestVoteAt);
    }

    [Fact]
    public async Task LoadPollAsync_PollColumns_AreRead()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.PollAsync(db);
        await SeedData.ExecuteAsync(db, """
            UPDATE polis_polls SET clustering_min_groups = 3, clustering_max_groups = 7, clustering_min_participants = 10,
              min_support_pct = 60, max_opposition_pct = 30, min_votes_per_group = 4
            WHERE poll_id = $1
            """, poll);

        var data = await store.LoadPollAsync(poll.ToString(), TestContext.Current.CancellationToken);

        var expected = new PollSettings
        {
            MinGroups = 3,
            MaxGroups = 7,
            MinParticipants = 10,
            MinSupportPct = 60,
            MaxOppositionPct = 30,
            MinVotesPerGroup = 4,
        };
        Assert.Equal(expected, data!.Settings);
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("42")]
    [InlineData("")]
    [InlineData("0b8f1f4e-5a49-4c1f-9a8e-000000000000")]
    public async Task UnknownOrNonUuidPoll_IsUnknownNotAnError(string pollId)
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var ct = TestContext.Current.CancellationToken;

        Assert.False(await store.PollExistsAsync(pollId, ct));
        Assert.Null(await store.LoadPollAsync(pollId, ct));
        Assert.Null(await store.GetStateAsync(pollId, ct));
        Assert.Null(await store.GetLatestResultAsync(pollId, ct));
        var job = new Api.Jobs.ClusterJob { Id = Guid.NewGuid(), PollId = pollId, CreatedAt = DateTimeOffset.UtcNow };
        await store.JobQueuedAsync(job, ct);
        await store.JobStartedAsync(job, ct);
        await store.JobFailedAsync(job, "no poll", ct);
        await store.JobSkippedAsync(job, "no poll", ct);
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_clustering_jobs"));
        await store.CheckHealthAsync(ct);
    }

    [Fact]
    public async Task PollExistsAsync_KnownPoll_IsTrue()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.PollAsync(db);

        Assert.True(await store.PollExistsAsync(poll.ToString().ToUpperInvariant(), TestContext.Current.CancellationToken));
        Assert.Equal("postgresql", store.Name);
    }
}
