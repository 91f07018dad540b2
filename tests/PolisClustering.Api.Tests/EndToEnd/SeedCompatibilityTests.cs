using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PolisClustering.Api.Tests.Http;
using PolisClustering.Api.Tests.Persistence;

namespace PolisClustering.Api.Tests.EndToEnd;

/// <summary>
/// The seed app's compatibility checklist (seed-app-contract.md §6) through the running service on PostgreSQL.
/// Items 5, 7-15, 18 and 19 are asserted row by row in Persistence/ (SaveResultTests, LoadPollTests,
/// SeedResultRowsTests, MigratorTests); items 1-2 also in Http/ (embedded mode).
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class SeedCompatibilityTests(PostgresServer server)
{
    [Fact]
    public async Task Item1_SeedTriggerBody_2xxOnAdmissionWithJobIdAndWrongToken401()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = SeedAppEndToEndTests.Service(db);
        using var client = factory.Authorized();
        using var anonymous = factory.CreateClient();
        var poll = await SeedData.TwoCampsAsync(db);
        var body = new { poll_id = poll.Poll, force_recalculate = false, supabase_url = "https://p.invalid", supabase_key = "eyJ.service-role" };

        using var accepted = await client.PostAsJsonAsync("/cluster", body, TestContext.Current.CancellationToken);
        using var refused = await anonymous.PostAsJsonAsync("/cluster", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var json = await accepted.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(json.GetProperty("success").GetBoolean());
        Assert.NotEqual(Guid.Empty, json.GetProperty("job_id").GetGuid());
        // It answers on admission, before any clustering, so pg_net's 5 s timeout is never at stake (latency: bench-http).
        Assert.Equal("queued", json.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Items3And4And6_OneRequestOneJobRowThroughItsLifecycleAndQueueBackToZero()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = SeedAppEndToEndTests.Service(db, new() { ["Clustering:DebounceWindow"] = "00:00:01" });
        using var client = factory.Authorized();
        var ct = TestContext.Current.CancellationToken;
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedAppEndToEndTests.WaitForCompletedJobsAsync(db, poll.Poll, 1, ct); // the trigger's own job
        var newestVote = await SeedData.ScalarAsync<DateTime>(db, "SELECT max(voted_at) FROM polis_votes WHERE poll_id = $1", poll.Poll);

        // Two requests inside the debounce window: one job, one pending row that they both merge into.
        using var first = await client.PostAsJsonAsync("/cluster", new { poll_id = poll.Poll, force_recalculate = true }, ct);
        using var second = await client.PostAsJsonAsync("/cluster", new { poll_id = poll.Poll, force_recalculate = true }, ct);
        var jobId = (await first.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("jobId").GetGuid();
        Assert.Equal(jobId, (await second.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("jobId").GetGuid());
        Assert.Equal("pending", await SeedData.ScalarAsync<string>(db, "SELECT status FROM polis_clustering_jobs WHERE job_id = $1", jobId));
        await ConcurrencyTests.PollUntilFinishedAsync(client, jobId);

        var job = (await SeedData.RowsAsync(db, """
            SELECT status, started_at IS NOT NULL, completed_at IS NOT NULL, processing_time_ms, total_participants, groups_created
            FROM polis_clustering_jobs WHERE job_id = $1
            """, jobId)).Single();
        Assert.Equal(["completed", true, true], job.Take(3));
        Assert.Equal(12, job[4]);
        Assert.Equal(2, job[5]);
        Assert.Equal(2, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_clustering_jobs WHERE poll_id = $1", poll.Poll));
        Assert.Empty(await SeedData.RowsAsync(db,
            "SELECT status FROM polis_clustering_jobs WHERE status NOT IN ('pending', 'running', 'completed', 'failed')"));
        var pollRow = (await SeedData.RowsAsync(db,
            "SELECT clustering_status, last_clustering_job_id, last_clustered_at FROM polis_polls WHERE poll_id = $1", poll.Poll)).Single();
        Assert.Equal("completed", pollRow[0]);
        Assert.Equal(jobId, pollRow[1]);
        Assert.True((DateTime)pollRow[2]! >= newestVote);
        var queue = await client.GetFromJsonAsync<JsonElement>("/queue/status", ct);
        Assert.Equal(0, queue.GetProperty("queued_jobs").GetInt32());
        Assert.Equal(0, queue.GetProperty("processing_jobs").GetInt32());
    }

    [Fact]
    public async Task Item16_BelowMinimumParticipants_ResultsUntouchedAndNoFailedJob()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = SeedAppEndToEndTests.Service(db);
        using var client = factory.Authorized();
        var ct = TestContext.Current.CancellationToken;
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedAppEndToEndTests.WaitForCompletedJobsAsync(db, poll.Poll, 1, ct);
        var groups = await SeedData.RowsAsync(db, "SELECT group_id FROM polis_groups WHERE poll_id = $1 ORDER BY group_id", poll.Poll);
        await SeedData.ExecuteAsync(db, "UPDATE polis_polls SET clustering_min_participants = 50 WHERE poll_id = $1", poll.Poll);

        using var response = await client.PostAsJsonAsync("/cluster?wait=true", new { poll_id = poll.Poll, force_recalculate = true }, ct);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Contains("fewer than the poll's minimum of 50", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_clustering_jobs WHERE status = 'failed'"));
        Assert.Equal(groups.Select(g => g[0]), (await SeedData.RowsAsync(db,
            "SELECT group_id FROM polis_groups WHERE poll_id = $1 ORDER BY group_id", poll.Poll)).Select(g => g[0]));
        Assert.Equal(1, await SeedData.ScalarAsync<int>(db, "SELECT max(version) FROM clustering.results WHERE poll_id = $1", poll.Poll));
    }

    [Fact]
    public async Task Item17_RequestsDuringARun_AtMostOneFollowUpAndNeverTwoAtOnce()
    {
        await using var db = await server.CreateDatabaseAsync();
        using var factory = SeedAppEndToEndTests.Service(db, new() { ["Clustering:Workers"] = "2" });
        using var client = factory.Authorized();
        var ct = TestContext.Current.CancellationToken;
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedAppEndToEndTests.WaitForCompletedJobsAsync(db, poll.Poll, 1, ct);

        var ids = new HashSet<Guid>();
        for (var i = 0; i < 10; i++)
        {
            using var r = await client.PostAsJsonAsync("/cluster", new { poll_id = poll.Poll, force_recalculate = true }, ct);
            ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("jobId").GetGuid());
        }

        var requests = 0;
        foreach (var id in ids)
        {
            requests += (await ConcurrencyTests.PollUntilFinishedAsync(client, id)).GetProperty("requests").GetInt32();
        }

        // Every request landed in exactly one job (joined, or the one follow-up of a running job); how many jobs that
        // makes depends on how fast each run is. The scheduler tests pin the one-follow-up rule exactly.
        Assert.Equal(10, requests);
        var runs = await SeedData.RowsAsync(db,
            "SELECT started_at, completed_at FROM polis_clustering_jobs WHERE poll_id = $1 AND status = 'completed' ORDER BY started_at", poll.Poll);
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.True((DateTime)runs[i][0]! >= (DateTime)runs[i - 1][1]!, "two jobs of one poll overlapped");
        }
    }

    [Fact]
    public async Task Item20_SameVotesOnAFreshDatabase_SameGroupsNamesAndColoursAndTablesPublished()
    {
        var ct = TestContext.Current.CancellationToken;
        var outcomes = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            await using var db = await server.CreateDatabaseAsync();
            using var factory = SeedAppEndToEndTests.Service(db);
            using var client = factory.Authorized();
            var poll = await SeedData.TwoCampsAsync(db);
            await SeedAppEndToEndTests.WaitForCompletedJobsAsync(db, poll.Poll, 1, ct);
            var rows = await SeedData.RowsAsync(db, """
                SELECT g.name, g.color, g.member_count,
                       (SELECT string_agg(coalesce(m.session_id, 'user'), ',' ORDER BY coalesce(m.session_id, 'user'))
                        FROM polis_user_group_membership m WHERE m.group_id = g.group_id)
                FROM polis_groups g WHERE g.poll_id = $1 ORDER BY g.name
                """, poll.Poll);
            outcomes.Add(string.Join(" | ", rows.Select(r => string.Join(";", r))));
        }

        Assert.Equal(outcomes[0], outcomes[1]);
        Assert.Contains("קבוצה 1;#3B82F6;6", outcomes[0], StringComparison.Ordinal);
        Assert.Contains("קבוצה 2;#EF4444;6", outcomes[0], StringComparison.Ordinal);
    }
}
