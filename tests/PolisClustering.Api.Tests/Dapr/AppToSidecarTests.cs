using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PolisClustering.Api.Dapr;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Tests.Dapr.Sidecar;

namespace PolisClustering.Api.Tests.Dapr;

/// <summary>The real DaprClient against the in-test gRPC sidecar: what the app publishes and how it writes state.</summary>
public sealed class AppToSidecarTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(T0);
    private FakeSidecar _sidecar = null!;
    private global::Dapr.Client.DaprClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _client = _sidecar.Client();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _sidecar.DisposeAsync();
    }

    private static IOptions<DaprComponentOptions> Options(DaprPriorityMode mode = DaprPriorityMode.Topics) =>
        Microsoft.Extensions.Options.Options.Create(new DaprComponentOptions { PriorityMode = mode });

    private static ClusterJob Job(string poll = "poll-1", JobPriority priority = JobPriority.Normal, JobStatus status = JobStatus.Queued) => new()
    {
        Id = Guid.Parse("0193a1b2-0000-7000-8000-000000000042"),
        PollId = poll,
        Priority = priority,
        Status = status,
        Force = true,
        CreatedAt = T0,
        NotBefore = T0,
    };

    private DaprJobStore Store() => new(_client, Options(), NullLogger<DaprJobStore>.Instance);

    [Fact]
    public async Task Publish_HighJobTopicsMode_HighTopicJsonAndCloudEventIdIsJobId()
    {
        var topic = await new DaprJobPublisher(_client, Options()).PublishAsync(Job(priority: JobPriority.High), TestContext.Current.CancellationToken);

        var published = Assert.Single(_sidecar.Published);
        Assert.Equal("cluster-jobs-high", topic);
        Assert.Equal("clustering-pubsub", published.PubsubName);
        Assert.Equal("cluster-jobs-high", published.Topic);
        Assert.Equal("application/json", published.DataContentType);
        Assert.Equal("0193a1b2-0000-7000-8000-000000000042", published.Metadata["cloudevent.id"]);
        Assert.Equal("poll-1", published.Metadata["partitionKey"]);
        Assert.False(published.Metadata.ContainsKey("priority"));
        using var data = JsonDocument.Parse(published.Data.ToStringUtf8());
        Assert.Equal(["jobId", "pollId", "priority", "force", "requestedAt"], data.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("poll-1", data.RootElement.GetProperty("pollId").GetString());
        Assert.Equal("High", data.RootElement.GetProperty("priority").GetString());
        Assert.True(data.RootElement.GetProperty("force").GetBoolean());
    }

    [Theory]
    [InlineData(JobPriority.Low, "0")]
    [InlineData(JobPriority.Normal, "1")]
    [InlineData(JobPriority.High, "2")]
    public async Task Publish_MetadataMode_OneTopicWithPriorityMetadata(JobPriority priority, string expected)
    {
        await new DaprJobPublisher(_client, Options(DaprPriorityMode.Metadata)).PublishAsync(Job(priority: priority), TestContext.Current.CancellationToken);

        var published = Assert.Single(_sidecar.Published);
        Assert.Equal("cluster-jobs", published.Topic);
        Assert.Equal(expected, published.Metadata["priority"]);
    }

    [Fact]
    public async Task JobStore_FirstSave_CreatesWithEmptyETagFirstWriteAndRetention()
    {
        var saved = await Store().SaveAsync(Job(), TestContext.Current.CancellationToken);

        var (item, status) = Assert.Single(_sidecar.StoreNamed("clustering-state").Writes);
        Assert.Equal(StatusCode.OK, status);
        Assert.Equal("job-0193a1b2-0000-7000-8000-000000000042", item.Key);
        Assert.Equal("", item.Etag.Value);
        Assert.Equal(StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite, item.Options.Concurrency);
        Assert.Equal("604800", item.Metadata["ttlInSeconds"]);
        Assert.Equal(JobStatus.Queued, (await Store().GetAsync(saved.Id, TestContext.Current.CancellationToken))!.Status);
    }

    [Fact]
    public async Task JobStore_WriterBetweenReadAndWrite_AbortedThenReReadAndRetried()
    {
        var store = Store();
        var state = _sidecar.StoreNamed("clustering-state");
        var key = DaprJobStore.Key(Job().Id);
        await store.SaveAsync(Job(), TestContext.Current.CancellationToken);
        state.BeforeNextSave(key, () => state.Put(key, JsonSerializer.Serialize(Job() with { Requests = 5 }, ClusterJobMessage.Json)));

        var saved = await store.SaveAsync(Job(status: JobStatus.Running) with { Stage = "loading" }, TestContext.Current.CancellationToken);

        Assert.Equal([StatusCode.OK, StatusCode.Aborted, StatusCode.OK], state.Writes.Select(w => w.Status));
        Assert.Equal(["", "1", "2"], state.Writes.Select(w => w.Item.Etag.Value)); // the retry names the ETag it re-read
        Assert.Equal(JobStatus.Running, saved.Status);
        Assert.Equal("loading", (await store.GetAsync(saved.Id, TestContext.Current.CancellationToken))!.Stage);
    }

    [Fact]
    public async Task JobStore_ConcurrentWriterFinishedTheJob_RunningUpdateYieldsAndStatusStays()
    {
        var store = Store();
        var state = _sidecar.StoreNamed("clustering-state");
        var key = DaprJobStore.Key(Job().Id);
        await store.SaveAsync(Job(), TestContext.Current.CancellationToken);
        state.BeforeNextSave(key, () => state.Put(key, JsonSerializer.Serialize(Job(status: JobStatus.Succeeded), ClusterJobMessage.Json)));

        var saved = await store.SaveAsync(Job(status: JobStatus.Running), TestContext.Current.CancellationToken);

        Assert.Equal(JobStatus.Succeeded, saved.Status);
        Assert.Equal(JobStatus.Succeeded, (await store.GetAsync(saved.Id, TestContext.Current.CancellationToken))!.Status);
        Assert.Equal(2, state.Writes.Count); // the create, then the aborted write; no third write after the re-read
    }

    [Fact]
    public async Task JobStore_StoredFurtherAlong_EarlierStatusIgnoredWithoutWrite()
    {
        var store = Store();
        await store.SaveAsync(Job(status: JobStatus.Failed), TestContext.Current.CancellationToken);

        var saved = await store.SaveAsync(Job(status: JobStatus.Running), TestContext.Current.CancellationToken);

        Assert.Equal(JobStatus.Failed, saved.Status);
        Assert.Single(_sidecar.StoreNamed("clustering-state").Writes);
    }

    [Fact]
    public async Task Leases_SecondJobOfPoll_WaitsUntilReleased()
    {
        var leases = new PollLeases(_client, Options(), _clock);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();

        var a = await leases.TryAcquireAsync("poll-1", first, TestContext.Current.CancellationToken);
        var b = await leases.TryAcquireAsync("poll-1", second, TestContext.Current.CancellationToken);
        await leases.ReleaseAsync("poll-1", first, TestContext.Current.CancellationToken);
        var c = await leases.TryAcquireAsync("poll-1", second, TestContext.Current.CancellationToken);

        Assert.True(a.Acquired);
        Assert.False(b.Acquired);
        Assert.Equal(first, b.Current!.JobId);
        Assert.Equal(T0.AddSeconds(60), b.Current.ExpiresAt);
        Assert.True(c.Acquired);
        Assert.Equal("60", _sidecar.StoreNamed("clustering-state").Writes.First().Item.Metadata["ttlInSeconds"]);
    }

    [Fact]
    public async Task Leases_HolderStoppedRenewing_TakenOverAfterExpiry()
    {
        var leases = new PollLeases(_client, Options(), _clock);
        var dead = Guid.NewGuid();
        await leases.TryAcquireAsync("poll-1", dead, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(61));

        var next = await leases.TryAcquireAsync("poll-1", Guid.NewGuid(), TestContext.Current.CancellationToken);

        Assert.True(next.Acquired);
        Assert.False(await leases.RenewAsync("poll-1", dead, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Health_SidecarUpThenDown_TrueThenFalse()
    {
        var up = await _client.CheckOutboundHealthAsync(TestContext.Current.CancellationToken);
        _sidecar.Healthy = false;
        var down = await _client.CheckOutboundHealthAsync(TestContext.Current.CancellationToken);

        Assert.True(up);
        Assert.False(down);
    }

    [Fact]
    public async Task Client_WithApiToken_SendsItOnGrpcCalls()
    {
        using var client = _sidecar.Client("sidecar-token-0123456789");

        await client.GetStateAsync<string>("clustering-state", "any", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("sidecar-token-0123456789", Assert.Single(_sidecar.ApiTokens));
    }
}
