using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Tests.Persistence;

/// <summary>The vote trigger's pending marker and NOTIFY (supabase-notes.md §1.5), seen through the listener.</summary>
[Collection(PostgresTests.Name)]
public sealed class VoteTriggerTests(PostgresServer server)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Votes_CreateOneMarkerAndOneNotificationPerWindow()
    {
        await using var db = await server.CreateDatabaseAsync();
        await using var listener = await Listening.StartAsync(db);
        var poll = await SeedData.PollAsync(db);
        var statement = await SeedData.StatementAsync(db, poll);

        await SeedData.VotesAsync(db, poll, [new VoteRow(null, "g1", statement, "support", SeedData.T0)]);
        Assert.Equal(poll.ToString(), await listener.NextAsync());
        var marker = await MarkerAsync(db, poll);
        Assert.NotNull(marker);

        // Inside the 30 s window: the same marker, no second notification.
        await SeedData.VotesAsync(db, poll, [new VoteRow(null, "g2", statement, "oppose", SeedData.T0)]);
        await SeedData.VotesAsync(db, poll, [new VoteRow(Guid.NewGuid(), null, statement, "unsure", SeedData.T0)]);
        Assert.Null(await listener.NextAsync(Quiet));
        Assert.Equal(marker, await MarkerAsync(db, poll));
        Assert.Equal(1L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM clustering.pending"));
    }

    [Fact]
    public async Task StaleOrClearedMarker_NotifiesAgain_OnInsertUpdateAndDelete()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        await using var listener = await Listening.StartAsync(db);
        var poll = await SeedData.PollAsync(db);
        var statement = await SeedData.StatementAsync(db, poll);
        await SeedData.VotesAsync(db, poll, [new VoteRow(null, "g1", statement, "support", SeedData.T0)]);
        Assert.Equal(poll.ToString(), await listener.NextAsync());

        // Older than 30 s: the next vote (an update) re-notifies, once.
        await SeedData.ExecuteAsync(db, "UPDATE clustering.pending SET notified_at = now() - interval '31 seconds'");
        await SeedData.ExecuteAsync(db, "UPDATE polis_votes SET vote_value = 'oppose' WHERE poll_id = $1", poll);
        Assert.Equal(poll.ToString(), await listener.NextAsync());
        await SeedData.ExecuteAsync(db, "UPDATE polis_votes SET vote_value = 'unsure' WHERE poll_id = $1", poll);
        Assert.Null(await listener.NextAsync(Quiet));

        // A job start clears the marker: the next vote (a delete) marks and notifies again.
        var job = SeedData.Job(poll);
        await store.JobStartedAsync(job, TestContext.Current.CancellationToken);
        Assert.Null(await MarkerAsync(db, poll));
        Assert.Equal([poll.ToString()], await store.FindPollsNeedingClusteringAsync(TestContext.Current.CancellationToken));
        await SeedData.ExecuteAsync(db, "DELETE FROM polis_votes WHERE poll_id = $1", poll);
        Assert.Equal(poll.ToString(), await listener.NextAsync());
        Assert.NotNull(await MarkerAsync(db, poll));

        // Deleting the poll cascades to its votes without marking anything.
        await SeedData.VotesAsync(db, poll, [new VoteRow(null, "g1", statement, "support", SeedData.T0)]);
        await SeedData.ExecuteAsync(db, "DELETE FROM polis_polls WHERE poll_id = $1", poll);
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM clustering.pending"));
    }

    [Fact]
    public async Task FindPollsNeedingClusteringAsync_MarkersAndVotesNewerThanTheResult()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var ct = TestContext.Current.CancellationToken;
        var poll = await SeedData.TwoCampsAsync(db);
        var idle = await SeedData.PollAsync(db);
        Assert.Equal([poll.Poll.ToString()], await store.FindPollsNeedingClusteringAsync(ct)); // its marker

        await SeedData.ClusterAsync(store, poll.Poll);
        Assert.Empty(await store.FindPollsNeedingClusteringAsync(ct));

        // A vote the trigger missed (no marker), newer than the result, is still found.
        await Task.Delay(10, ct);
        await SeedData.VotesAsync(db, poll.Poll, [new VoteRow(null, "late", poll.Statements[0], "support", DateTimeOffset.UtcNow)]);
        await SeedData.ExecuteAsync(db, "DELETE FROM clustering.pending");
        Assert.Equal([poll.Poll.ToString()], await store.FindPollsNeedingClusteringAsync(ct));

        // A skip accounts for the votes too: no job per sweep for a poll that cannot be clustered.
        var skipped = SeedData.Job(poll.Poll);
        await store.JobStartedAsync(skipped, ct);
        await store.JobSkippedAsync(skipped, "votes unchanged", ct);
        Assert.Empty(await store.FindPollsNeedingClusteringAsync(ct));
        Assert.NotEqual(Guid.Empty, idle);
    }

    [Fact]
    public async Task Listener_Reconnects_AfterTheConnectionIsKilled()
    {
        await using var db = await server.CreateDatabaseAsync();
        await using var listener = await Listening.StartAsync(db);
        var poll = await SeedData.PollAsync(db);
        var statement = await SeedData.StatementAsync(db, poll);

        await SeedData.ExecuteAsync(db, """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND datname = current_database() AND (query ILIKE 'LISTEN%' OR query = 'SELECT 1')
            """);
        await listener.WaitListeningAsync(2);
        await SeedData.VotesAsync(db, poll, [new VoteRow(null, "g1", statement, "support", SeedData.T0)]);

        Assert.Equal(poll.ToString(), await listener.NextAsync());
    }

    private static async Task<DateTime?> MarkerAsync(NpgsqlDataSource db, Guid poll)
    {
        var rows = await SeedData.RowsAsync(db, "SELECT notified_at FROM clustering.pending WHERE poll_id = $1", poll);
        return rows.Count == 0 ? null : (DateTime)rows[0][0]!;
    }

    /// <summary>A running <see cref="PostgresNotificationListener"/> whose notifications land in a channel.</summary>
    private sealed class Listening : IAsyncDisposable
    {
        private readonly Channel<string> _polls = Channel.CreateUnbounded<string>();
        private readonly CancellationTokenSource _stop = new();
        private int _listening;
        private Task _run = Task.CompletedTask;

        public static async Task<Listening> StartAsync(NpgsqlDataSource db)
        {
            var l = new Listening();
            var listener = new PostgresNotificationListener(db, NullLogger<PostgresNotificationListener>.Instance)
            {
                MinBackoff = TimeSpan.FromMilliseconds(100),
                KeepAlive = TimeSpan.FromMilliseconds(500),
            };
            l._run = listener.RunAsync(
                poll => l._polls.Writer.WriteAsync(poll).AsTask(),
                _ =>
                {
                    Interlocked.Increment(ref l._listening);
                    return Task.CompletedTask;
                },
                l._stop.Token);
            await l.WaitListeningAsync(1);
            return l;
        }

        public async Task WaitListeningAsync(int times)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (Volatile.Read(ref _listening) < times)
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        /// <summary>The next notified poll id, or null when none arrives within <paramref name="wait"/> (10 s by default).</summary>
        public async Task<string?> NextAsync(TimeSpan? wait = null)
        {
            using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
            try
            {
                return await _polls.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run;
            _stop.Dispose();
        }
    }
}
