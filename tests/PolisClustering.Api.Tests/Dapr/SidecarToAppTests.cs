using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using PolisClustering.Api.Dapr;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;
using PolisClustering.Api.Tests.Dapr.Sidecar;
using PolisClustering.Api.Tests.Http;

namespace PolisClustering.Api.Tests.Dapr;

/// <summary>The routes the sidecar calls, driven with what daprd sends (dapr-notes §5.2).</summary>
public sealed class SidecarToAppTests : IAsyncLifetime
{
    private static readonly Guid JobId = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a1");
    private FakeSidecar _sidecar = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _sidecar = await FakeSidecar.StartAsync();

    public async ValueTask DisposeAsync() => await _sidecar.DisposeAsync();

    private DaprServiceFactory Factory(Dictionary<string, string?>? settings = null) => new(_sidecar, settings);

    /// <summary>Puts a two-camp poll in the service's memory store, as an inline POST /cluster would.</summary>
    private static void SeedPoll(DaprServiceFactory factory, string pollId)
    {
        var body = JsonSerializer.SerializeToElement(Polls.TwoCamps(pollId));
        var request = Endpoints.ClusterRequest.Parse(body).Request!;
        factory.Services.GetRequiredService<StoreRouter>().Memory.PutPoll(InlinePolls.Create(pollId, request.Inline!));
    }

    private static StringContent Event(string pollId, Guid jobId, string? eventId = null, string priority = "Normal") =>
        new(FakeSidecar.CloudEvent(new PublishEventRequest
        {
            PubsubName = "clustering-pubsub",
            Topic = $"cluster-jobs-{priority.ToLowerInvariant()}",
            DataContentType = "application/json",
            Data = ByteString.CopyFromUtf8(JsonSerializer.Serialize(new { jobId, pollId, priority, force = false, requestedAt = "2026-12-03T12:00:00Z" })),
        }, eventId ?? jobId.ToString(), source: "polis-clustering"), Encoding.UTF8, "application/cloudevents+json");

    private static async Task<string> StatusOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString()!;

    private static async Task<ClusterJob> FinishedAsync(DaprServiceFactory factory, Guid jobId)
    {
        var jobs = factory.Services.GetRequiredService<IJobStore>();
        ClusterJob? job = null;
        await FakeSidecar.WaitUntilAsync(() => (job = jobs.GetAsync(jobId, Ct).GetAwaiter().GetResult()) is { IsFinished: true }, $"job {jobId} finished");
        return job!;
    }

    [Fact]
    public async Task Subscribe_TopicsMode_ThreeTopicsOneRouteWithDeadLetter()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe", Ct);

        Assert.Equal(["cluster-jobs-high", "cluster-jobs-low", "cluster-jobs-normal"],
            subscriptions.EnumerateArray().Select(s => s.GetProperty("topic").GetString()).Order());
        Assert.All(subscriptions.EnumerateArray(), s =>
        {
            Assert.Equal("clustering-pubsub", s.GetProperty("pubsubName").GetString());
            Assert.Equal("events/cluster-jobs", s.GetProperty("route").GetString());
            Assert.Equal("cluster-jobs-dead", s.GetProperty("deadLetterTopic").GetString());
            Assert.False(s.TryGetProperty("metadata", out _));
        });
    }

    [Fact]
    public async Task Subscribe_MetadataMode_OneTopicWithMaxPriority()
    {
        using var factory = Factory(new() { ["Dapr:PriorityMode"] = "metadata" });
        using var client = factory.CreateClient();

        var subscriptions = await client.GetFromJsonAsync<JsonElement>("/dapr/subscribe", Ct);

        var only = Assert.Single(subscriptions.EnumerateArray());
        Assert.Equal("cluster-jobs", only.GetProperty("topic").GetString());
        Assert.Equal("2", only.GetProperty("metadata").GetProperty("maxPriority").GetString());
        Assert.Equal("cluster-jobs-dead", only.GetProperty("deadLetterTopic").GetString());
    }

    [Fact]
    public async Task JobEvent_ValidCloudEvent_SuccessAndTheJobRunsOnce()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        SeedPoll(factory, "camps");

        using var response = await client.PostAsync("/events/cluster-jobs", Event("camps", JobId), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SUCCESS", await StatusOf(response));
        var job = await FinishedAsync(factory, JobId);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(2, job.Result!.K);
        Assert.Equal(1, job.Result.Version);
        Assert.Null(await factory.Services.GetRequiredService<PollLeases>().ReadAsync("camps", Ct)); // released
    }

    [Fact]
    public async Task JobEvent_SameEventDeliveredThrice_OneJobOneResultWrite()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        SeedPoll(factory, "twice");

        using var first = await client.PostAsync("/events/cluster-jobs", Event("twice", JobId), Ct);
        using var second = await client.PostAsync("/events/cluster-jobs", Event("twice", JobId), Ct);
        await FinishedAsync(factory, JobId);
        using var third = await client.PostAsync("/events/cluster-jobs", Event("twice", JobId), Ct);

        Assert.Equal(["SUCCESS", "SUCCESS", "SUCCESS"], [await StatusOf(first), await StatusOf(second), await StatusOf(third)]);
        var result = await factory.Services.GetRequiredService<StoreRouter>().Memory.GetLatestResultAsync("twice", Ct);
        Assert.Equal(1, result!.Version);
        var writes = _sidecar.StoreNamed("clustering-state").Writes.Where(w => w.Item.Key == DaprJobStore.Key(JobId)).ToList();
        Assert.Single(writes, w => w.Item.Value.ToStringUtf8().Contains("\"stage\":\"loading\"", StringComparison.Ordinal)); // started once
    }

    [Fact]
    public async Task JobEvent_OtherJobSameVotes_SkippedWithoutSecondResult()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        SeedPoll(factory, "same-votes");
        var other = Guid.Parse("0193a1b2-0000-7000-8000-0000000000a2");
        await client.PostAsync("/events/cluster-jobs", Event("same-votes", JobId), Ct);
        await FinishedAsync(factory, JobId);

        using var response = await client.PostAsync("/events/cluster-jobs", Event("same-votes", other), Ct);

        Assert.Equal("SUCCESS", await StatusOf(response));
        var job = await FinishedAsync(factory, other);
        Assert.Equal("votes unchanged since result version 1", job.Skipped);
        Assert.Equal(1, (await factory.Services.GetRequiredService<StoreRouter>().Memory.GetLatestResultAsync("same-votes", Ct))!.Version);
    }

    [Theory]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e1\",\"datacontenttype\":\"application/json\",\"data\":\"not a job\"}")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e2\",\"datacontenttype\":\"application/json\",\"data\":{\"jobId\":\"0193a1b2-0000-7000-8000-0000000000a1\"}}")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e3\",\"datacontenttype\":\"application/json\",\"data\":{\"jobId\":\"x\",\"pollId\":\"p\"}}")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e4\",\"datacontenttype\":\"application/json\",\"data\":{\"jobId\":\"0193a1b2-0000-7000-8000-0000000000a1\",\"pollId\":\"p\",\"priority\":\"urgent\"}}")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e5\"}")]
    [InlineData("{not json at all")]
    public async Task JobEvent_Unreadable_DropNotRetried(string envelope)
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/events/cluster-jobs", new StringContent(envelope, Encoding.UTF8, "application/cloudevents+json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", await StatusOf(response));
        Assert.Empty(factory.Services.GetRequiredService<DaprJobWorkers>().Snapshot().Queued);
    }

    [Fact]
    public async Task JobEvent_LocalQueueFull_RetryAndLaterAccepted()
    {
        using var factory = Factory(new() { ["Clustering:Workers"] = "1", ["Clustering:QueueLimit"] = "1" });
        using var client = factory.CreateClient();
        var hold = _sidecar.StoreNamed("clustering-state").HoldReads("lease-");
        await client.PostAsync("/events/cluster-jobs", Event("a", Guid.NewGuid()), Ct);
        await FakeSidecar.WaitUntilAsync(() => !_sidecar.StoreNamed("clustering-state").HeldKeys.IsEmpty, "the worker is busy with the first job");
        using var queued = await client.PostAsync("/events/cluster-jobs", Event("b", Guid.NewGuid()), Ct);

        using var refused = await client.PostAsync("/events/cluster-jobs", Event("c", JobId), Ct);

        Assert.Equal("SUCCESS", await StatusOf(queued));
        Assert.Equal("RETRY", await StatusOf(refused));
        hold.SetResult();
        await FakeSidecar.WaitUntilAsync(() => factory.Services.GetRequiredService<DaprJobWorkers>().Snapshot().Queued.Count == 0, "queue drained");
        using var redelivered = await client.PostAsync("/events/cluster-jobs", Event("c", JobId), Ct);
        Assert.Equal("SUCCESS", await StatusOf(redelivered));
    }

    [Fact]
    public async Task JobEvents_WorkerBusy_HighOvertakesNormalThenLow()
    {
        using var factory = Factory(new() { ["Clustering:Workers"] = "1" });
        using var client = factory.CreateClient();
        foreach (var poll in new[] { "busy", "low", "normal", "high" })
        {
            SeedPoll(factory, poll);
        }

        var hold = _sidecar.StoreNamed("clustering-state").HoldReads("lease-");
        var busy = Guid.NewGuid();
        await client.PostAsync("/events/cluster-jobs", Event("busy", busy), Ct);
        await FakeSidecar.WaitUntilAsync(() => !_sidecar.StoreNamed("clustering-state").HeldKeys.IsEmpty, "the worker is busy");
        var ids = new Dictionary<string, Guid> { ["low"] = Guid.NewGuid(), ["normal"] = Guid.NewGuid(), ["high"] = Guid.NewGuid() };
        foreach (var (poll, id) in ids)
        {
            await client.PostAsync("/events/cluster-jobs", Event(poll, id, priority: char.ToUpperInvariant(poll[0]) + poll[1..]), Ct);
        }

        var queuedOrder = factory.Services.GetRequiredService<DaprJobWorkers>().Snapshot().Queued.Select(j => j.PollId).ToList();
        hold.SetResult();
        var started = new List<(string Poll, DateTimeOffset At)>();
        foreach (var (poll, id) in ids)
        {
            started.Add((poll, (await FinishedAsync(factory, id)).StartedAt!.Value));
        }

        Assert.Equal(["high", "normal", "low"], queuedOrder);
        Assert.Equal(["high", "normal", "low"], started.OrderBy(s => s.At).Select(s => s.Poll));
    }

    [Theory]
    [InlineData("/cluster-requests")]
    [InlineData("/clustering-sweep")]
    public async Task Binding_OptionsProbe_200(string route)
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, route), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("nonsense", "body is not valid JSON")]
    [InlineData("{\"force\":true}", "pollId is required")]
    [InlineData("{\"poll_id\":\"nobody-knows\"}", "poll 'nobody-knows' is unknown")]
    public async Task QueueBinding_Unusable_200DroppedNoActorCall(string body, string reason)
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/cluster-requests", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(reason, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("dropped").GetString(), StringComparison.Ordinal);
        Assert.Empty(_sidecar.ActorCalls);
    }

    [Fact]
    public async Task QueueBinding_SeedBody_ThroughActorPubSubAndWorkerToResult()
    {
        using var factory = Factory().Connect();
        using var client = factory.CreateClient();
        SeedPoll(factory, "from-queue");

        using var response = await client.PostAsync("/cluster-requests", Polls.Json(new { poll_id = "from-queue", force_recalculate = true }), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("jobId").GetGuid();
        var job = await FinishedAsync(factory, jobId);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.True(job.Force);
        Assert.Contains("PollDebounceActor/from-queue/RequestAsync", _sidecar.ActorCalls);
        Assert.Equal(jobId.ToString(), Assert.Single(_sidecar.Published).Metadata["cloudevent.id"]);
        await FakeSidecar.WaitUntilAsync(() => _sidecar.ActorCalls.Contains("PollDebounceActor/from-queue/JobFinishedAsync"), "the worker told the actor");
        Assert.Equal(new FakeSidecar.Delivery("cluster-jobs-normal", jobId.ToString(), "SUCCESS"), Assert.Single(_sidecar.Deliveries));
    }

    [Fact]
    public async Task SweepBinding_PollWithoutResult_QueuedThroughActor()
    {
        using var factory = Factory(new() { ["Clustering:DebounceWindow"] = "00:10:00" }).Connect();
        using var client = factory.CreateClient();
        SeedPoll(factory, "swept");

        using var response = await client.PostAsync("/clustering-sweep", null, Ct);

        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("queued").GetInt32());
        Assert.Equal(["PollDebounceActor/swept/RequestAsync"], _sidecar.ActorCalls);
        Assert.Equal("0", _sidecar.ActorState("PollDebounceActor", "swept", "poll")!["queued"]!["priority"]!.ToJsonString()); // low
    }

    [Fact]
    public async Task ActorRoutes_RequestTwiceAndReminders_OneJobStaleIgnoredOnePublish()
    {
        using var factory = Factory(new() { ["Clustering:DebounceWindow"] = "00:10:00", ["Clustering:MaxWait"] = "00:10:00" });
        using var client = factory.CreateClient();
        const string Method = "/actors/PollDebounceActor/p-42/method/";

        using var first = await client.PutAsync(Method + "RequestAsync", Polls.Raw("{\"priority\":1,\"force\":false}"), Ct);
        using var second = await client.PutAsync(Method + "RequestAsync", Polls.Raw("{\"priority\":2,\"force\":false}"), Ct);
        var a = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var b = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var jobId = a.GetProperty("job").GetProperty("id").GetString()!;
        string Remind(string data) => JsonSerializer.Serialize(new { dueTime = "0h0m0s0ms", period = "", data = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)) });
        using var stale = await client.PutAsync(Method + "remind/flush", Polls.Raw(Remind(Guid.NewGuid().ToString())), Ct);
        var publishedAfterStale = _sidecar.Published.Count;
        using var early = await client.PutAsync(Method + "remind/flush", Polls.Raw(Remind(jobId)), Ct);
        var publishedAfterEarly = _sidecar.Published.Count;

        Assert.False(a.GetProperty("joined").GetBoolean());
        Assert.True(b.GetProperty("joined").GetBoolean());
        Assert.Equal(jobId, b.GetProperty("job").GetProperty("id").GetString());
        Assert.Equal(2, b.GetProperty("job").GetProperty("requests").GetInt32());
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal(0, publishedAfterStale);
        Assert.Equal(0, publishedAfterEarly); // the window is still open: re-armed, not published
        Assert.All(_sidecar.Reminders, r => Assert.Equal(("PollDebounceActor", "p-42", "flush", ""), (r.ActorType, r.ActorId, r.Name, r.Period)));
        Assert.Equal("0h10m0s0ms", _sidecar.Reminders.First().DueTime);
        Assert.Equal(jobId, _sidecar.ActorState("PollDebounceActor", "p-42", "poll")!["queued"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ActorRoutes_DueReminderTwice_PublishedOnceToHighTopic()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        _sidecar.FireReminders = false; // this test fires it, as daprd would, twice
        const string Method = "/actors/PollDebounceActor/p-7/method/";
        using var requested = await client.PutAsync(Method + "RequestAsync", Polls.Raw("{\"priority\":2,\"force\":true}"), Ct);
        var jobId = (await requested.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("job").GetProperty("id").GetString()!;
        var remind = JsonSerializer.Serialize(new { dueTime = "0h0m0s0ms", period = "", data = Convert.ToBase64String(Encoding.UTF8.GetBytes(jobId)) });

        using var fired = await client.PutAsync(Method + "remind/flush", Polls.Raw(remind), Ct);
        using var again = await client.PutAsync(Method + "remind/flush", Polls.Raw(remind), Ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (fired.StatusCode, again.StatusCode));
        var published = Assert.Single(_sidecar.Published);
        Assert.Equal("cluster-jobs-high", published.Topic);
        Assert.Equal(jobId, published.Metadata["cloudevent.id"]);
        Assert.Equal("0h0m0s0ms", Assert.Single(_sidecar.Reminders).DueTime);
        Assert.Equal(jobId, _sidecar.ActorState("PollDebounceActor", "p-7", "poll")!["running"]!.GetValue<string>());
    }

    [Fact]
    public async Task DaprConfig_ListsTheActorType()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();

        var config = await client.GetFromJsonAsync<JsonElement>("/dapr/config", Ct);

        Assert.Equal(["PollDebounceActor"], config.GetProperty("entities").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("wrong-app-token-0123456789", HttpStatusCode.Unauthorized)]
    [InlineData("app-token-0123456789abcdef", HttpStatusCode.OK)]
    public async Task AppToken_SidecarRoutes_401WithoutTheToken(string? token, HttpStatusCode expected)
    {
        using var factory = Factory(new() { ["APP_API_TOKEN"] = "app-token-0123456789abcdef", ["Clustering:DebounceWindow"] = "00:10:00" });
        using var client = factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Add("dapr-api-token", token);
        }

        HttpRequestMessage[] calls =
        [
            new(HttpMethod.Get, "/dapr/subscribe"),
            new(HttpMethod.Get, "/dapr/config"),
            new(HttpMethod.Post, "/events/cluster-jobs") { Content = Event("p", JobId) },
            new(HttpMethod.Options, "/cluster-requests"),
            new(HttpMethod.Post, "/clustering-sweep"),
            new(HttpMethod.Put, "/actors/PollDebounceActor/p/method/RequestAsync") { Content = Polls.Raw("{\"priority\":1,\"force\":false}") },
        ];
        var statuses = new List<HttpStatusCode>();
        foreach (var call in calls)
        {
            using var response = await client.SendAsync(call, Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses, s => Assert.Equal(expected, s));
        using var health = await client.GetAsync("/health", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode); // liveness stays open
    }

    [Fact]
    public async Task SidecarToken_AppCallsSidecar_SendsDaprApiToken()
    {
        using var factory = Factory(new() { ["DAPR_API_TOKEN"] = "sidecar-token-0123456789" }).Connect();
        using var client = factory.CreateClient();
        SeedPoll(factory, "tokens");

        await client.PostAsync("/cluster-requests", Polls.Json(new { pollId = "tokens" }), Ct);

        Assert.NotEmpty(_sidecar.ApiTokens);
        Assert.All(_sidecar.ApiTokens, t => Assert.Equal("sidecar-token-0123456789", t)); // gRPC state and HTTP actor calls
    }

    [Fact]
    public async Task Readiness_SidecarDown_503NamingItWhileLivenessStays200()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var ready = await client.GetAsync("/health/ready", Ct);
        _sidecar.Healthy = false;

        using var notReady = await client.GetAsync("/health/ready", Ct);
        using var live = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var body = await notReady.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(["dapr-sidecar"], body.GetProperty("failing").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task ClusterEndpoint_DaprMode_SameApiThroughActorAndTopic()
    {
        using var factory = Factory().Connect();
        using var client = factory.Authorized();

        using var response = await client.PostAsync("/cluster?wait=true", Polls.Json(Polls.TwoCamps("http-api")), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("succeeded", body.GetProperty("status").GetString());
        Assert.Equal(2, body.GetProperty("groups_created").GetInt32());
        var job = await client.GetFromJsonAsync<JsonElement>($"/jobs/{body.GetProperty("job_id").GetGuid()}", Ct);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("cluster-jobs-normal", Assert.Single(_sidecar.Published).Topic);
    }
}
