using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using PolisClustering.Api.Tests.Dapr;
using PolisClustering.Api.Tests.Dapr.Sidecar;
using PolisClustering.Api.Tests.Persistence;

namespace PolisClustering.Api.Tests.EndToEnd;

/// <summary>
/// The end-to-end scenario in Dapr mode against the in-test sidecar: the same votes give the same result rows as the
/// embedded mode (issue 4, item 4).
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class DaprModeEndToEndTests(PostgresServer server)
{
    [Fact]
    public async Task SameVotes_DaprModeAndEmbeddedMode_SameSeedRows()
    {
        var ct = TestContext.Current.CancellationToken;
        string embedded;
        await using (var db = await server.CreateDatabaseAsync())
        {
            using var factory = SeedAppEndToEndTests.Service(db);
            using var client = factory.Authorized();
            var poll = await SeedData.TwoCampsAsync(db);
            using var response = await client.PostAsJsonAsync("/cluster?wait=true", new { poll_id = poll.Poll, force_recalculate = true }, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            embedded = await SnapshotAsync(db, poll.Poll);
        }

        await using var sidecar = await FakeSidecar.StartAsync();
        await using var daprDb = await server.CreateDatabaseAsync();
        using var daprFactory = new DaprServiceFactory(sidecar, new()
        {
            ["CLUSTERING_CONNECTION_STRING"] = daprDb.ConnectionString,
        }).Connect();
        using var daprClient = daprFactory.Authorized();
        var daprPoll = await SeedData.TwoCampsAsync(daprDb);

        using var daprResponse = await daprClient.PostAsJsonAsync("/cluster?wait=true", new { poll_id = daprPoll.Poll, force_recalculate = true }, ct);

        Assert.Equal(HttpStatusCode.OK, daprResponse.StatusCode);
        var body = await daprResponse.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Contains(sidecar.Published, p => p.Topic.StartsWith("cluster-jobs", StringComparison.Ordinal));
        Assert.Equal(embedded, await SnapshotAsync(daprDb, daprPoll.Poll));
    }

    /// <summary>The poll's groups, member counts, stats and consensus, keyed by what is the same across databases.</summary>
    private static async Task<string> SnapshotAsync(NpgsqlDataSource db, Guid poll)
    {
        var groups = await SeedData.RowsAsync(db, """
            SELECT g.name, g.color, g.member_count,
                   (SELECT string_agg(coalesce(m.session_id, 'user'), ',' ORDER BY coalesce(m.session_id, 'user'))
                    FROM polis_user_group_membership m WHERE m.group_id = g.group_id)
            FROM polis_groups g WHERE g.poll_id = $1 ORDER BY g.name
            """, poll);
        var stats = await SeedData.RowsAsync(db, """
            SELECT g.name, s.content, st.support_pct, st.oppose_pct, st.unsure_pct, st.total_votes
            FROM polis_group_statement_stats st
            JOIN polis_groups g ON g.group_id = st.group_id
            JOIN polis_statements s ON s.statement_id = st.statement_id
            WHERE st.poll_id = $1 ORDER BY g.name, st.total_votes, st.support_pct
            """, poll);
        var consensus = await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_consensus_points WHERE poll_id = $1", poll);
        var job = (await SeedData.RowsAsync(db, """
            SELECT status, groups_created, consensus_points_found, total_participants FROM polis_clustering_jobs
            WHERE poll_id = $1 AND status = 'completed' ORDER BY completed_at DESC LIMIT 1
            """, poll)).Single();
        return string.Join("\n", groups.Select(r => string.Join(";", r)))
            + "\n" + string.Join("\n", stats.Select(r => string.Join(";", r.Skip(2))))
            + $"\nconsensus {consensus}\njob {string.Join(";", job)}";
    }
}
