using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static PolisClustering.Api.Tests.Http.Polls;

namespace PolisClustering.Api.Tests.Http;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Cluster_TwoSimultaneousFirstRequests_OneJob()
    {
        using var factory = new ServiceFactory(new() { ["Clustering:DebounceWindow"] = "00:00:01" });
        using var client = factory.Authorized();
        var body = JsonSerializer.Serialize(TwoCamps("twins"));

        var responses = await Task.WhenAll(
            client.PostAsync("/cluster", Raw(body), TestContext.Current.CancellationToken),
            client.PostAsync("/cluster", Raw(body), TestContext.Current.CancellationToken));

        var ids = new List<Guid>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            ids.Add((await r.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("jobId").GetGuid());
        }

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task Cluster_ClientHangsUpWhileWaiting_JobStillSucceeds()
    {
        using var factory = new ServiceFactory(new() { ["Clustering:DebounceWindow"] = "00:00:01" });
        using var client = factory.Authorized();
        using var queued = await client.PostAsync("/cluster", Json(TwoCamps("hang-up")), TestContext.Current.CancellationToken);
        var jobId = (await queued.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("jobId").GetGuid();

        using (var hangUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                client.PostAsync("/cluster?wait=true", Json(new { pollId = "hang-up" }), hangUp.Token));
        }

        var status = await PollUntilFinishedAsync(client, jobId);
        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        Assert.Equal(2, status.GetProperty("requests").GetInt32());
    }

    [Fact]
    public async Task Cluster_QueueFull_Is429WithRetryAfter()
    {
        using var factory = new ServiceFactory(new()
        {
            ["Clustering:DebounceWindow"] = "00:01:00",
            ["Clustering:MaxWait"] = "00:01:00",
            ["Clustering:QueueLimit"] = "2",
        });
        using var client = factory.Authorized();
        await client.PostAsync("/cluster", Json(TwoCamps("q1")), TestContext.Current.CancellationToken);
        await client.PostAsync("/cluster", Json(TwoCamps("q2")), TestContext.Current.CancellationToken);

        using var refused = await client.PostAsync("/cluster", Json(TwoCamps("q3")), TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        var status = await client.GetFromJsonAsync<JsonElement>("/queue/status", TestContext.Current.CancellationToken);
        Assert.Equal(2, status.GetProperty("queued_jobs").GetInt32());
        Assert.Equal(2, status.GetProperty("queue").GetArrayLength());
    }

    internal static async Task<JsonElement> PollUntilFinishedAsync(HttpClient client, Guid jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonElement>($"/jobs/{jobId}", timeout.Token);
            if (job.GetProperty("status").GetString() is "succeeded" or "failed" or "superseded")
            {
                return job;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
