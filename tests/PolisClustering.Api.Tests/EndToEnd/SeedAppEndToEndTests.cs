using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PolisClustering.Api.Persistence;
using PolisClustering.Api.Tests.Persistence;
using PolisClustering.Engine;

namespace PolisClustering.Api.Tests.EndToEnd;

/// <summary>
/// From the database, on the seed app's schema: votes inserted fire the trigger, the service (real pipeline, real
/// PostgreSQL) clusters the poll, and the app's tables equal what the engine computes for those votes.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class SeedAppEndToEndTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task VotesInserted_TriggerAndService_SeedTablesEqualTheEngineAndANewVersionStartsFromState()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = Service(db);
        using var client = factory.Authorized(); // starts the host: migrations, workers, listener
        var ct = TestContext.Current.CancellationToken;

        var poll = await SeedData.TwoCampsAsync(db); // the trigger NOTIFYs; the listener queues the poll
        await WaitForCompletedJobsAsync(db, poll.Poll, 1, ct);

        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var data = (await store.LoadPollAsync(poll.Poll.ToString(), ct))!;
        var expected = ClusteringEngine.Run(data.Input, Options(data));
        await AssertSeedTablesEqualAsync(db, poll.Poll, data, expected, version: 1);

        // More votes later: a second version, started from the stored state of the first.
        var firstState = (await store.GetStateAsync(poll.Poll.ToString(), ct))!;
        var newcomers = new List<VoteRow>();
        for (var i = 0; i < 4; i++)
        {
            for (var s = 0; s < 6; s++)
            {
                var value = (s < 2) == (i % 2 == 0) ? "support" : "oppose";
                newcomers.Add(new VoteRow(null, $"late-{i}", poll.Statements[s], value, SeedData.T0.AddMinutes(10 + i)));
            }
        }

        await SeedData.VotesAsync(db, poll.Poll, newcomers);
        await WaitForCompletedJobsAsync(db, poll.Poll, 2, ct);

        var data2 = (await store.LoadPollAsync(poll.Poll.ToString(), ct))!;
        var expected2 = ClusteringEngine.Run(data2.Input, Options(data2), firstState.State);
        Assert.Equal(2, expected2.MathTick);
        await AssertSeedTablesEqualAsync(db, poll.Poll, data2, expected2, version: 2);
        var state = (await store.GetStateAsync(poll.Poll.ToString(), ct))!;
        Assert.Equal(2, state.State.MathTick);
        Assert.Equal(16, state.State.ParticipantOrder.Count);
        Assert.Equal(firstState.State.ParticipantOrder, state.State.ParticipantOrder.Take(12)); // rows appended, not reordered
    }

    [Fact]
    public async Task ClusterEndpoint_SeedBodyWithWait_AnswersCountsOfTheRowsWritten()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = Service(db);
        using var client = factory.Authorized();
        var ct = TestContext.Current.CancellationToken;
        var poll = await SeedData.TwoCampsAsync(db);

        using var response = await client.PostAsJsonAsync("/cluster?wait=true",
            new { poll_id = poll.Poll, force_recalculate = true, supabase_url = "https://x.invalid", supabase_key = "secret" }, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.True(body.GetProperty("success").GetBoolean());
        var groups = await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_groups WHERE poll_id = $1", poll.Poll);
        var consensus = await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_consensus_points WHERE poll_id = $1", poll.Poll);
        Assert.Equal(2, groups);
        Assert.Equal(groups, body.GetProperty("groups_created").GetInt32());
        Assert.Equal(consensus, body.GetProperty("consensus_points_found").GetInt32());
        Assert.True(consensus >= 1); // statement 4: everyone supports it
    }

    [Fact]
    public async Task ClusterEndpoint_UnknownOrNonUuidPoll_Is404()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = Service(db);
        using var client = factory.Authorized();

        using var unknown = await client.PostAsJsonAsync("/cluster", new { poll_id = Guid.NewGuid() }, TestContext.Current.CancellationToken);
        using var notUuid = await client.PostAsJsonAsync("/cluster", new { poll_id = "not-a-uuid" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notUuid.StatusCode);
    }

    [Fact]
    public async Task ClusterEndpoint_InlineVotesForADatabasePoll_Is409AndTheStoredPollStillClusters()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = Service(db);
        using var client = factory.Authorized();
        var ct = TestContext.Current.CancellationToken;
        var poll = await SeedData.TwoCampsAsync(db);
        await WaitForCompletedJobsAsync(db, poll.Poll, 1, ct);

        using var shadow = await client.PostAsJsonAsync("/cluster", new
        {
            pollId = poll.Poll,
            votes = new[] { new { participantId = "a", statementId = "1", vote = 1 } },
        }, ct);
        using var result = await client.GetAsync($"/polls/{poll.Poll}/result", ct);

        Assert.Equal(HttpStatusCode.Conflict, shadow.StatusCode);
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var body = await result.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(12, body.GetProperty("polis").GetProperty("n").GetInt32());
    }

    internal static ServiceFactory Service(NpgsqlDataSource db, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CLUSTERING_CONNECTION_STRING"] = db.ConnectionString,
            ["Clustering:SweepInterval"] = "00:00:00",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        return new ServiceFactory(settings);
    }

    internal static EngineOptions Options(PollData data) => new() { MinK = data.Settings.MinGroups, MaxK = data.Settings.MaxGroups };

    internal static async Task WaitForCompletedJobsAsync(NpgsqlDataSource db, Guid poll, int count, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        while (true)
        {
            var done = await SeedData.ScalarAsync<long>(db,
                "SELECT count(*) FROM polis_clustering_jobs WHERE poll_id = $1 AND status = 'completed' AND groups_created IS NOT NULL", poll);
            var failed = await SeedData.ScalarAsync<long>(db,
                "SELECT count(*) FROM polis_clustering_jobs WHERE poll_id = $1 AND status = 'failed'", poll);
            Assert.Equal(0, failed);
            if (done >= count)
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>The seed tables hold exactly the rows SeedResultRows builds from the engine's result.</summary>
    private static async Task AssertSeedTablesEqualAsync(NpgsqlDataSource db, Guid poll, PollData data,
        PolisClustering.Engine.Model.ClusteringResult expected, int version)
    {
        var rows = SeedResultRows.Build(poll, version, data, expected);
        var groups = await SeedData.RowsAsync(db,
            "SELECT group_id, name, color, member_count FROM polis_groups WHERE poll_id = $1 ORDER BY name", poll);
        Assert.Equal(rows.Groups.OrderBy(g => g.Name).Select(g => (g.GroupId, g.Name, g.Color, g.MemberCount)),
            groups.Select(g => ((Guid)g[0]!, (string)g[1]!, (string)g[2]!, (int)g[3]!)));

        var memberships = await SeedData.RowsAsync(db,
            "SELECT group_id, coalesce(session_id, user_id::text) FROM polis_user_group_membership WHERE poll_id = $1", poll);
        Assert.Equal(rows.Memberships.Select(m => (m.GroupId, m.SessionId ?? m.UserId!.Value.ToString())).Order(),
            memberships.Select(m => ((Guid)m[0]!, (string)m[1]!)).Order());

        var stats = await SeedData.RowsAsync(db,
            "SELECT group_id, statement_id, support_pct, oppose_pct, unsure_pct, total_votes FROM polis_group_statement_stats WHERE poll_id = $1", poll);
        Assert.Equal(rows.Stats.Select(s => (s.GroupId, s.StatementId, s.SupportPct, s.OpposePct, s.UnsurePct, s.TotalVotes)).Order(),
            stats.Select(s => ((Guid)s[0]!, (Guid)s[1]!, (double)s[2]!, (double)s[3]!, (double)s[4]!, (int)s[5]!)).Order());

        var consensus = await SeedData.RowsAsync(db, "SELECT statement_id FROM polis_consensus_points WHERE poll_id = $1", poll);
        Assert.Equal(rows.ConsensusStatements.Order(), consensus.Select(c => (Guid)c[0]!).Order());

        var stored = await SeedData.ScalarAsync<int>(db, "SELECT max(version) FROM clustering.results WHERE poll_id = $1", poll);
        Assert.Equal(version, stored);
    }
}
