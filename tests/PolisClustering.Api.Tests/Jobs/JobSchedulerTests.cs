using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Tests.Jobs;

public sealed class JobSchedulerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    private JobScheduler Scheduler(int limit = 100, double windowSeconds = 2, double maxWaitSeconds = 10) => new(
        Options.Create(new ClusteringOptions
        {
            Token = "x",
            QueueLimit = limit,
            DebounceWindow = TimeSpan.FromSeconds(windowSeconds),
            MaxWait = TimeSpan.FromSeconds(maxWaitSeconds),
        }), _clock);

    [Fact]
    public void Request_TwoForOnePollInsideWindow_OneJobTwoRequests()
    {
        var scheduler = Scheduler();

        var first = scheduler.Request("poll", JobPriority.Normal, force: false);
        var second = scheduler.Request("poll", JobPriority.Normal, force: false);

        Assert.False(first.Joined);
        Assert.True(second.Joined);
        Assert.Equal(first.Job!.Id, second.Job!.Id);
        Assert.Equal(2, second.Job.Requests);
        Assert.Single(scheduler.Status().Queued);
    }

    [Fact]
    public async Task Request_WhileRunning_ExactlyOneFollowUpThatRunsAfterTheFirst()
    {
        var scheduler = Scheduler(windowSeconds: 0);
        var first = scheduler.Request("poll", JobPriority.Normal, force: false).Job!;
        var running = await scheduler.TakeAsync(TestContext.Current.CancellationToken);

        var second = scheduler.Request("poll", JobPriority.Normal, force: false);
        var third = scheduler.Request("poll", JobPriority.High, force: true);
        var blocked = scheduler.TakeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(first.Id, running.Id);
        Assert.NotEqual(first.Id, second.Job!.Id);
        Assert.Equal(second.Job.Id, third.Job!.Id);
        Assert.True(third.Job.Force);
        Assert.Equal(JobPriority.High, third.Job.Priority);
        Assert.Single(scheduler.Status().Queued);
        Assert.False(blocked.IsCompleted); // at most one running job per poll
        scheduler.Complete(running);
        var followUp = await blocked.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(second.Job.Id, followUp.Id);
    }

    [Fact]
    public async Task Take_Priorities_HighBeforeNormalBeforeLowFirstComeWithinLevel()
    {
        var scheduler = Scheduler(windowSeconds: 0);
        scheduler.Request("low", JobPriority.Low, false);
        scheduler.Request("normal-1", JobPriority.Normal, false);
        scheduler.Request("high", JobPriority.High, false);
        scheduler.Request("normal-2", JobPriority.Normal, false);

        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            order.Add((await scheduler.TakeAsync(TestContext.Current.CancellationToken)).PollId);
        }

        Assert.Equal(["high", "normal-1", "normal-2", "low"], order);
    }

    [Fact]
    public void Request_PastLimit_RefusedAndJoinStillAllowed()
    {
        var scheduler = Scheduler(limit: 2);
        scheduler.Request("a", JobPriority.Normal, false);
        scheduler.Request("b", JobPriority.Normal, false);

        var refused = scheduler.Request("c", JobPriority.Normal, false);
        var joined = scheduler.Request("a", JobPriority.Normal, false);

        Assert.True(refused.QueueFull);
        Assert.Null(refused.Job);
        Assert.True(joined.Joined);
        Assert.Equal(2, scheduler.Status().Queued.Count);
    }

    [Fact]
    public async Task Debounce_RequestsKeepComing_RunsAtMaxWait()
    {
        var scheduler = Scheduler(windowSeconds: 2, maxWaitSeconds: 5);
        var job = scheduler.Request("busy", JobPriority.Normal, false).Job!;
        for (var i = 0; i < 6; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            scheduler.Request("busy", JobPriority.Normal, false);
        }

        var queued = scheduler.Status().Queued.Single();

        Assert.Equal(job.CreatedAt + TimeSpan.FromSeconds(5), queued.NotBefore);
        Assert.Equal(7, queued.Requests);
        var take = scheduler.TakeAsync(TestContext.Current.CancellationToken);
        Assert.True(take.IsCompleted); // 6 s after the first request, past the 5 s cap
        Assert.Equal(job.Id, (await take).Id);
    }

    [Fact]
    public void DebounceWindow_QuietPoll_RunsWindowAfterLastRequest()
    {
        var first = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var due = DebounceWindow.DueAt(first, first.AddSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));

        Assert.Equal(first.AddSeconds(3), due);
    }
}
