using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PolisClustering.Api.Tests.Http;
using PolisClustering.Api.Tests.Persistence;

namespace PolisClustering.Api.Tests.EndToEnd;

/// <summary>PostgreSQL goes down under a running service (its own server, so other tests are not disturbed).</summary>
public sealed class OutageTests
{
    [Fact]
    public async Task PostgresStopped_JobFailsWithReasonReadiness503LivenessOkAndPreviousResultIntact()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = new PostgresServer();
        await server.InitializeAsync();
        try
        {
            await using var db = await server.CreateDatabaseAsync();
            using var factory = SeedAppEndToEndTests.Service(db, new() { ["Clustering:DebounceWindow"] = "00:00:02" });
            using var client = factory.Authorized();
            var poll = await SeedData.TwoCampsAsync(db);
            await SeedAppEndToEndTests.WaitForCompletedJobsAsync(db, poll.Poll, 1, ct);
            var groupsBefore = await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_groups WHERE poll_id = $1", poll.Poll);

            using var queued = await client.PostAsJsonAsync("/cluster", new { poll_id = poll.Poll, force_recalculate = true }, ct);
            var jobId = (await queued.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("jobId").GetGuid();
            await server.StopAsync(); // the job is still inside its 2 s debounce window

            var job = await ConcurrencyTests.PollUntilFinishedAsync(client, jobId);
            using var ready = await client.GetAsync("/health/ready", ct);
            var readiness = await ready.Content.ReadFromJsonAsync<JsonElement>(ct);
            using var live = await client.GetAsync("/health", ct);
            using var post = await client.PostAsJsonAsync("/cluster", new { poll_id = poll.Poll }, ct);
            using var result = await client.GetAsync($"/polls/{poll.Poll}/result", ct);

            Assert.Equal("failed", job.GetProperty("status").GetString());
            Assert.Contains("Npgsql", job.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(["postgresql"], readiness.GetProperty("failing").EnumerateArray().Select(e => e.GetString()));
            Assert.DoesNotContain("Password", readiness.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, result.StatusCode);
            Assert.Contains("postgresql", await result.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

            await server.StartAsync();
            db.Clear(); // this data source's idle connections died with the old server process
            var groupsAfter = await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_groups WHERE poll_id = $1", poll.Poll);
            var version = await SeedData.ScalarAsync<int>(db, "SELECT max(version) FROM clustering.results WHERE poll_id = $1", poll.Poll);
            Assert.Equal(2, groupsBefore);
            Assert.Equal(groupsBefore, groupsAfter);
            Assert.Equal(1, version);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
