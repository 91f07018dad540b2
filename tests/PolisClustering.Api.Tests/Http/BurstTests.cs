using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PolisClustering.Api.Tests.Http;

/// <summary>A burst of distinct polls against a real process on loopback (bounded in count and time).</summary>
public sealed class BurstTests
{
    private const int Requests = 10_000;
    private const int Limit = 500;

    [Fact]
    public async Task Burst_TenThousandDistinctPolls_LimitAcceptedRest429QueueNeverOverLimitMemoryBounded()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var service = await ServiceProcess.StartAsync(new()
        {
            ["Clustering__QueueLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Clustering__DebounceWindow"] = "00:05:00", // nothing runs during the burst: the queue only fills
            ["Clustering__MaxWait"] = "00:05:00",
        }, ct);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32 }) { BaseAddress = service.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ServiceFactory.Token);
        var before = service.ResidentBytes();

        using var watcherStop = new CancellationTokenSource();
        var maxReported = 0;
        var watcher = Task.Run(async () =>
        {
            while (!watcherStop.IsCancellationRequested)
            {
                var status = await client.GetFromJsonAsync<JsonElement>("/queue/status", ct);
                maxReported = Math.Max(maxReported, status.GetProperty("queued_jobs").GetInt32());
                await Task.Delay(20, ct);
            }
        }, ct);

        var accepted = 0;
        var refused = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = deadline.Token }, async (i, token) =>
        {
            var body = $$"""{"pollId":"burst-{{i}}","votes":[{"participantId":"a","statementId":"1","vote":1},{"participantId":"b","statementId":"1","vote":-1},{"participantId":"c","statementId":"2","vote":0}]}""";
            using var response = await client.PostAsync("/cluster", new StringContent(body, Encoding.UTF8, "application/json"), token);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref accepted);
            }
            else if ((int)response.StatusCode == 429)
            {
                Interlocked.Increment(ref refused);
            }
        });
        await watcherStop.CancelAsync();
        await watcher.ContinueWith(_ => { }, CancellationToken.None);
        var final = await client.GetFromJsonAsync<JsonElement>("/queue/status", ct);
        var after = service.ResidentBytes();

        Assert.Equal(Limit, accepted);
        Assert.Equal(Requests - Limit, refused);
        Assert.True(maxReported <= Limit, $"queue/status reported {maxReported} > {Limit}");
        Assert.Equal(Limit, final.GetProperty("queued_jobs").GetInt32());
        Assert.True(after - before < 150L * 1024 * 1024, $"resident memory grew by {(after - before) / (1024 * 1024)} MiB");
    }
}
