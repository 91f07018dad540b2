using System.Text;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PolisClustering.Api.Dapr;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Tests.Dapr.Sidecar;

namespace PolisClustering.Api.Tests.Dapr;

/// <summary>The poll actor through ActorHost.CreateForTest: reminders are recorded and fired by hand (dapr-notes §5.1).</summary>
public sealed class PollDebounceActorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(T0);
    private readonly FakeTimerManager _timers = new();
    private readonly FakeActorStateManager _state = new();
    private readonly InMemoryJobStore _jobs = new(Options.Create(new ClusteringOptions { Token = "x" }));
    private FakeSidecar _sidecar = null!;
    private global::Dapr.Client.DaprClient _client = null!;
    private PollDebounceActor _actor = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _client = _sidecar.Client();
        var dapr = Options.Create(new DaprComponentOptions());
        var host = ActorHost.CreateForTest<PollDebounceActor>(new ActorTestOptions { ActorId = new ActorId("poll-1"), TimerManager = _timers });
        _actor = new PollDebounceActor(host, new DaprJobPublisher(_client, dapr), _jobs, new PollLeases(_client, dapr, _clock),
            Options.Create(new ClusteringOptions { Token = "x", DebounceWindow = TimeSpan.FromSeconds(2), MaxWait = TimeSpan.FromSeconds(10) }),
            dapr, _clock, _state);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _sidecar.DisposeAsync();
    }

    private Task<DebounceAdmission> RequestAsync(JobPriority priority = JobPriority.Normal, bool force = false) =>
        _actor.RequestAsync(new DebounceRequest(priority, force), Ct);

    private Task FireAsync(Guid jobId) => FireAsync(Encoding.UTF8.GetBytes(jobId.ToString()));

    private Task FireAsync(byte[] data) =>
        _actor.ReceiveReminderAsync(PollDebounceActor.FlushReminder, data, TimeSpan.Zero, TimeSpan.FromMilliseconds(-1));

    private PollDebounceState State => _state.Get<PollDebounceState>(PollDebounceActor.StateKey);

    [Fact]
    public async Task Request_ThreeInsideWindow_OneJobAndOneReminderReArmedEachTime()
    {
        var first = await RequestAsync();
        _clock.Advance(TimeSpan.FromSeconds(1));
        await RequestAsync();
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        var third = await RequestAsync(JobPriority.High, force: true);

        Assert.False(first.Joined);
        Assert.True(third.Joined);
        Assert.Equal(first.Job.Id, third.Job.Id);
        Assert.Equal(3, third.Job.Requests);
        Assert.Equal(JobPriority.High, third.Job.Priority);
        Assert.True(third.Job.Force);
        Assert.Equal(T0.AddSeconds(3.5), third.Job.NotBefore); // 2 s after the last request
        Assert.Equal([2.0, 2.0, 2.0], _timers.Registered.Select(r => r.DueTime.TotalSeconds));
        Assert.All(_timers.Registered, r => Assert.Equal(PollDebounceActor.FlushReminder, r.Name));
        Assert.All(_timers.Registered, r => Assert.Equal(TimeSpan.FromMilliseconds(-1), r.Period)); // one-shot
        Assert.Equal(first.Job.Id.ToString(), Encoding.UTF8.GetString(_timers.Last.State));
        Assert.Equal(3, (await _jobs.GetAsync(first.Job.Id, Ct))!.Requests);
        Assert.Empty(_sidecar.Published);
    }

    [Fact]
    public async Task Request_KeepsComing_DueAtMaxWait()
    {
        var first = await RequestAsync();
        for (var i = 0; i < 12; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await RequestAsync();
        }

        Assert.Equal(T0.AddSeconds(10), State.Queued!.NotBefore);
        Assert.Equal(TimeSpan.Zero, _timers.Last.DueTime); // past the cap: due now
        Assert.Equal(first.Job.Id, State.Queued.Id);
    }

    [Fact]
    public async Task Reminder_Due_PublishesOnceAndRepeatDoesNothing()
    {
        var job = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(2));

        await FireAsync(job.Id);
        await FireAsync(job.Id); // a reminder delivered twice (dapr-notes §6 pitfall 11)

        var published = Assert.Single(_sidecar.Published);
        Assert.Equal("cluster-jobs-normal", published.Topic);
        Assert.Equal(job.Id.ToString(), published.Metadata["cloudevent.id"]);
        Assert.Null(State.Queued);
        Assert.Equal(job.Id, State.Running);
        Assert.Equal(T0.AddSeconds(2), State.RunningSince);
    }

    [Fact]
    public async Task Reminder_StaleJobId_NothingPublishedNothingChanged()
    {
        var job = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(5));

        await FireAsync(Guid.NewGuid());
        await FireAsync(Encoding.UTF8.GetBytes("not a job id"));

        Assert.Empty(_sidecar.Published);
        Assert.Equal(job.Id, State.Queued!.Id);
        Assert.Single(_timers.Registered);
    }

    [Fact]
    public async Task Reminder_BeforeExtendedWindow_ReArmsWithoutPublishing()
    {
        var job = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        await RequestAsync(); // due now at 3.5 s

        _clock.Advance(TimeSpan.FromSeconds(0.5));
        await FireAsync(job.Id);

        Assert.Empty(_sidecar.Published);
        Assert.Equal(TimeSpan.FromSeconds(1.5), _timers.Last.DueTime);
    }

    [Fact]
    public async Task Request_DuringRun_ExactlyOneFollowUpPublishedAfterFinish()
    {
        var first = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(2));
        await FireAsync(first.Id);
        await _jobs.SaveAsync(first with { Status = JobStatus.Running }, Ct);

        var second = await RequestAsync();
        var third = await RequestAsync(JobPriority.High);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await FireAsync(second.Job.Id); // the first still runs: wait
        var publishedWhileRunning = _sidecar.Published.Count;
        var recheck = _timers.Last.DueTime;
        await _jobs.SaveAsync(first with { Status = JobStatus.Succeeded }, Ct);
        await _actor.JobFinishedAsync(first.Id, Ct);
        var afterFinish = _timers.Last.DueTime;
        await FireAsync(second.Job.Id);

        Assert.NotEqual(first.Id, second.Job.Id);
        Assert.Equal(second.Job.Id, third.Job.Id);
        Assert.True(third.Joined);
        Assert.Equal(1, publishedWhileRunning);
        Assert.Equal(TimeSpan.FromSeconds(15), recheck);
        Assert.Equal(TimeSpan.Zero, afterFinish);
        Assert.Equal([first.Id.ToString(), second.Job.Id.ToString()], _sidecar.Published.Select(p => p.Metadata["cloudevent.id"]));
        Assert.Equal("cluster-jobs-high", _sidecar.Published.Last().Topic);
        Assert.Equal(second.Job.Id, State.Running);
    }

    [Fact]
    public async Task Reminder_RunningJobLostNoLease_FollowUpGoesAndLostJobFailed()
    {
        var first = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(2));
        await FireAsync(first.Id);
        var followUp = (await RequestAsync()).Job;

        _clock.Advance(TimeSpan.FromSeconds(61)); // past the lease duration, and nobody holds the poll's lease
        await FireAsync(followUp.Id);

        Assert.Equal(2, _sidecar.Published.Count);
        var lost = (await _jobs.GetAsync(first.Id, Ct))!;
        Assert.Equal(JobStatus.Failed, lost.Status);
        Assert.StartsWith("lost:", lost.Error, StringComparison.Ordinal);
        Assert.Equal(followUp.Id, State.Running);
    }

    [Fact]
    public async Task Reminder_RunningJobHoldsLease_FollowUpWaits()
    {
        var first = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(2));
        await FireAsync(first.Id);
        var followUp = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(61));
        await new PollLeases(_client, Options.Create(new DaprComponentOptions()), _clock).TryAcquireAsync("poll-1", first.Id, Ct);

        await FireAsync(followUp.Id);

        Assert.Single(_sidecar.Published);
        Assert.Equal(first.Id, State.Running);
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync(first.Id, Ct))!.Status);
    }

    [Fact]
    public async Task Reminder_PublishFails_ReArmedInFiveSecondsAndJobStaysQueued()
    {
        var job = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(2));
        _sidecar.FailPublish = true;

        await FireAsync(job.Id);

        Assert.Empty(_sidecar.Published);
        Assert.Equal(job.Id, State.Queued!.Id);
        Assert.Null(State.Running);
        Assert.Equal(TimeSpan.FromSeconds(5), _timers.Last.DueTime);
    }

    [Fact]
    public async Task JobFinished_OtherJob_Ignored()
    {
        var job = (await RequestAsync()).Job;
        _clock.Advance(TimeSpan.FromSeconds(2));
        await FireAsync(job.Id);

        await _actor.JobFinishedAsync(Guid.NewGuid(), Ct);

        Assert.Equal(job.Id, State.Running);
    }
}
