using System.Text.Json;
using Npgsql;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Tests.Persistence;

/// <summary>SaveResultAsync against seed-app-contract.md §6 items 5-12, 18, 19 on a hand-made two-camp poll.</summary>
[Collection(PostgresTests.Name)]
public sealed class SaveResultTests(PostgresServer server)
{
    [Fact]
    public async Task SaveResultAsync_TwoCamps_WritesTheSeedRows()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.TwoCampsAsync(db);

        var (job, data, result, summary) = await SeedData.ClusterAsync(store, poll.Poll);

        // §6.7: k groups, uuid ids, names, palette colours, description, algorithm, member_count = membership rows.
        Assert.True(result.Outcome.HasGroups, result.Outcome.Reason);
        var groups = await SeedData.RowsAsync(db, """
            SELECT g.group_id, g.name, g.color, g.description, g.algorithm, g.member_count,
                   (SELECT count(*) FROM polis_user_group_membership m WHERE m.group_id = g.group_id),
                   g.cluster_center::text, g.opinion_space_coords::text, g.silhouette_score::float8
            FROM polis_groups g WHERE g.poll_id = $1 ORDER BY g.name
            """, poll.Poll);
        Assert.Equal(2, groups.Count);
        Assert.Equal(["קבוצה 1", "קבוצה 2"], groups.Select(g => (string)g[1]!));
        Assert.Equal(["#3B82F6", "#EF4444"], groups.Select(g => (string)g[2]!));
        Assert.Equal(["קבוצת דעות עם 6 משתתפים", "קבוצת דעות עם 6 משתתפים"], groups.Select(g => (string)g[3]!));
        Assert.All(groups, g => Assert.Equal("polis-kmeans", g[4]));
        Assert.All(groups, g => Assert.Equal(6, g[5]));
        Assert.All(groups, g => Assert.Equal(6L, g[6]));
        Assert.All(groups, g => Assert.Equal(2, JsonDocument.Parse((string)g[7]!).RootElement.GetArrayLength()));
        Assert.All(groups, g => Assert.True(double.IsFinite((double)g[9]!)));

        // §6.8: every participant exactly once, identities copied from the votes; Σ member_count = total_participants.
        var memberships = await SeedData.RowsAsync(db,
            "SELECT group_id, user_id, session_id FROM polis_user_group_membership WHERE poll_id = $1", poll.Poll);
        Assert.Equal(12, memberships.Count);
        var expected = poll.Participants.Select(p => (p.User, p.Session)).ToHashSet();
        Assert.Equal(expected, memberships.Select(m => ((Guid?)m[1], (string?)m[2])).ToHashSet());

        // The camps are the groups, and opinion_space_coords (§6.19) maps exactly each group's members to finite [x, y].
        foreach (var g in groups)
        {
            var members = memberships.Where(m => (Guid)m[0]! == (Guid)g[0]!).Select(m => (string?)m[2] ?? m[1]!.ToString()!).ToHashSet();
            var camps = poll.Participants.Where(p => members.Contains(TwoCampPoll.Key(p))).Select(p => p.Camp).Distinct();
            Assert.Single(camps);
            using var coords = JsonDocument.Parse((string)g[8]!);
            Assert.Equal(members, coords.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet());
            Assert.All(coords.RootElement.EnumerateObject(), p =>
            {
                Assert.Equal(2, p.Value.GetArrayLength());
                Assert.All(p.Value.EnumerateArray(), v => Assert.True(double.IsFinite(v.GetDouble())));
            });
        }

        // §6.9, §6.10: stats only for approved statements, with poll_id, summing to 100, total = the members' latest votes.
        var stats = await SeedData.RowsAsync(db, """
            SELECT s.group_id, s.statement_id, s.support_pct, s.oppose_pct, s.unsure_pct, s.total_votes, g.poll_id
            FROM polis_group_statement_stats s LEFT JOIN polis_groups g ON g.group_id = s.group_id
            WHERE s.poll_id = $1
            """, poll.Poll);
        Assert.Equal(12, stats.Count); // 2 groups × 6 approved statements
        Assert.All(stats, s => Assert.Equal(poll.Poll, s[6]));
        Assert.All(stats, s => Assert.Contains((Guid)s[1]!, poll.Statements));
        Assert.All(stats, s => Assert.Equal(100, (double)s[2]! + (double)s[3]! + (double)s[4]!, 1e-9));
        Assert.All(stats, s => Assert.Equal(6, s[5]));
        Assert.All(stats.Where(s => (Guid)s[1]! == poll.Statements[0] || (Guid)s[1]! == poll.Statements[4]),
            s => Assert.True((double)s[2]! is 0 or 100)); // a-guest-0's first "oppose" was replaced
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_group_statement_stats WHERE group_id NOT IN (SELECT group_id FROM polis_groups WHERE poll_id = $1)", poll.Poll));

        // §6.11: the one statement everyone supports.
        var consensus = await SeedData.RowsAsync(db, "SELECT statement_id FROM polis_consensus_points WHERE poll_id = $1", poll.Poll);
        Assert.Equal([poll.Statements[4]], consensus.Select(c => (Guid)c[0]!));

        // §6.5, §6.18: the completed job and its metrics.
        var jobRow = (await SeedData.RowsAsync(db, """
            SELECT status, started_at, completed_at, processing_time_ms, total_votes, total_participants, groups_created,
                   consensus_points_found, error_message
            FROM polis_clustering_jobs WHERE job_id = $1
            """, job.Id)).Single();
        Assert.Equal("completed", jobRow[0]);
        Assert.NotNull(jobRow[1]);
        Assert.NotNull(jobRow[2]);
        Assert.NotNull(jobRow[3]);
        Assert.Equal(12 * 6 + 1, jobRow[4]); // every vote row on an approved statement, a-guest-0's replaced vote included
        Assert.Equal(12, jobRow[5]);
        Assert.Equal(2, jobRow[6]);
        Assert.Equal(1, jobRow[7]);
        Assert.Null(jobRow[8]);
        var metrics = await SeedData.RowsAsync(db, "SELECT metric_name, metric_value::float8 FROM polis_clustering_metrics WHERE job_id = $1", job.Id);
        Assert.Equal(["avg_cluster_size", "cluster_balance", "silhouette_score", "total_clusters"], metrics.Select(m => (string)m[0]!).Order());
        Assert.All(metrics, m => Assert.True(double.IsFinite((double)m[1]!)));
        Assert.Equal(6.0, metrics.Single(m => (string)m[0]! == "avg_cluster_size")[1]);
        Assert.Equal(1.0, metrics.Single(m => (string)m[0]! == "cluster_balance")[1]);

        // §6.6: the poll.
        var pollRow = (await SeedData.RowsAsync(db, """
            SELECT clustering_status, last_clustering_job_id, last_clustered_at >= (SELECT max(voted_at) FROM polis_votes WHERE poll_id = $1)
            FROM polis_polls WHERE poll_id = $1
            """, poll.Poll)).Single();
        Assert.Equal(["completed", job.Id, true], pollRow);

        // Ours: version 1, the head row, the state and its watermark, and the summary the API reports.
        Assert.Equal(1, summary.Version);
        Assert.Equal(2, summary.K);
        Assert.Equal([6, 6], summary.GroupSizes);
        Assert.Equal(1, summary.ConsensusPoints);
        var latest = await store.GetLatestResultAsync(poll.Poll.ToString(), CancellationToken.None);
        Assert.NotNull(latest);
        Assert.Equal(summary, latest.Summary with { GroupSizes = summary.GroupSizes });
        Assert.Equal(summary.GroupSizes, latest.Summary.GroupSizes);
        Assert.Equal(job.Id, latest.JobId);
        using (var polis = JsonDocument.Parse(latest.PolisJson))
        {
            Assert.Equal(12, polis.RootElement.GetProperty("n").GetInt32());
        }

        var state = await store.GetStateAsync(poll.Poll.ToString(), CancellationToken.None);
        Assert.NotNull(state);
        Assert.Equal(data.Watermark, state.Watermark);
        Assert.Equal(result.NextState.MathTick, state.State.MathTick);
        Assert.Equal([1, 2, 12], (await SeedData.RowsAsync(db, "SELECT version, k, participants FROM clustering.poll_results WHERE poll_id = $1", poll.Poll)).Single());
    }

    [Fact]
    public async Task SaveResultAsync_Again_ReplacesTheRowsAndBumpsTheVersion()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedData.ClusterAsync(store, poll.Poll);
        var firstGroups = await SeedData.RowsAsync(db, "SELECT group_id FROM polis_groups WHERE poll_id = $1", poll.Poll);

        var (_, _, _, second) = await SeedData.ClusterAsync(store, poll.Poll);

        Assert.Equal(2, second.Version);
        var groups = await SeedData.RowsAsync(db, "SELECT group_id FROM polis_groups WHERE poll_id = $1", poll.Poll);
        Assert.Equal(2, groups.Count);
        Assert.Empty(groups.Select(g => g[0]).Intersect(firstGroups.Select(g => g[0])));
        Assert.Equal(12L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_user_group_membership WHERE poll_id = $1", poll.Poll));
        Assert.Equal(12L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_group_statement_stats WHERE poll_id = $1", poll.Poll));
        Assert.Equal(1L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_consensus_points WHERE poll_id = $1", poll.Poll));
        Assert.Equal(2L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM clustering.results WHERE poll_id = $1", poll.Poll));
        Assert.Equal(8L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_clustering_metrics WHERE poll_id = $1", poll.Poll));
        Assert.Equal(2, (await store.GetLatestResultAsync(poll.Poll.ToString(), CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task SaveResultAsync_ConcurrentReader_NeverSeesAPartialResult()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedData.ClusterAsync(store, poll.Poll);

        using var stop = new CancellationTokenSource();
        var observations = 0;
        var reader = Task.Run(async () =>
        {
            // One statement, one snapshot: groups, their members and stats, and the completed jobs against the version.
            await using var connection = await db.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT (SELECT count(*) FROM polis_groups WHERE poll_id = $1),
                       (SELECT coalesce(sum(member_count), 0) FROM polis_groups WHERE poll_id = $1),
                       (SELECT count(*) FROM polis_user_group_membership WHERE poll_id = $1),
                       (SELECT count(*) FROM polis_group_statement_stats WHERE poll_id = $1),
                       (SELECT count(*) FROM polis_clustering_jobs WHERE poll_id = $1 AND status = 'completed'),
                       (SELECT version FROM clustering.poll_results WHERE poll_id = $1)
                """, connection);
            cmd.Parameters.Add(new NpgsqlParameter { Value = poll.Poll });
            while (!stop.IsCancellationRequested)
            {
                await using var r = await cmd.ExecuteReaderAsync();
                await r.ReadAsync();
                Assert.Equal(2L, r.GetInt64(0));
                Assert.Equal(12L, r.GetInt64(1));
                Assert.Equal(12L, r.GetInt64(2));
                Assert.Equal(12L, r.GetInt64(3));
                Assert.Equal((long)r.GetInt32(5), r.GetInt64(4)); // the completed job becomes visible with its results
                observations++;
            }
        }, TestContext.Current.CancellationToken);

        for (var i = 0; i < 6; i++)
        {
            await SeedData.ClusterAsync(store, poll.Poll);
        }

        await stop.CancelAsync();
        await reader;
        Assert.True(observations > 10, $"only {observations} observations");
        Assert.Equal(7, (await store.GetLatestResultAsync(poll.Poll.ToString(), CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task JobFailedAsync_LeavesThePreviousResultUntouched()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedData.ClusterAsync(store, poll.Poll);
        const string Snapshot = """
            SELECT (SELECT array_agg(group_id ORDER BY group_id)::text FROM polis_groups WHERE poll_id = $1),
                   (SELECT count(*) FROM polis_user_group_membership WHERE poll_id = $1),
                   (SELECT count(*) FROM polis_group_statement_stats WHERE poll_id = $1),
                   (SELECT count(*) FROM polis_consensus_points WHERE poll_id = $1),
                   (SELECT last_clustered_at FROM polis_polls WHERE poll_id = $1),
                   (SELECT version FROM clustering.poll_results WHERE poll_id = $1),
                   (SELECT version FROM clustering.state WHERE poll_id = $1)
            """;
        var before = (await SeedData.RowsAsync(db, Snapshot, poll.Poll)).Single();

        var job = SeedData.Job(poll.Poll);
        await store.JobQueuedAsync(job, CancellationToken.None);
        await store.JobStartedAsync(job with { StartedAt = DateTimeOffset.UtcNow }, CancellationToken.None);
        await store.JobFailedAsync(job, "engine exploded", CancellationToken.None);

        Assert.Equal(before, (await SeedData.RowsAsync(db, Snapshot, poll.Poll)).Single());
        Assert.Equal(["failed", "engine exploded", true], (await SeedData.RowsAsync(db,
            "SELECT status, error_message, completed_at IS NOT NULL FROM polis_clustering_jobs WHERE job_id = $1", job.Id)).Single());
        Assert.Equal(["failed", job.Id], (await SeedData.RowsAsync(db,
            "SELECT clustering_status, last_clustering_job_id FROM polis_polls WHERE poll_id = $1", poll.Poll)).Single());
    }

    [Fact]
    public async Task JobSkippedAsync_CompletesTheJobWithTheCurrentCountsAndTouchesNoResult()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedData.ClusterAsync(store, poll.Poll);
        var groupsBefore = await SeedData.RowsAsync(db, "SELECT group_id FROM polis_groups WHERE poll_id = $1 ORDER BY 1", poll.Poll);
        var empty = await SeedData.PollAsync(db);

        var skipped = SeedData.Job(poll.Poll);
        await store.JobQueuedAsync(skipped, CancellationToken.None);
        await store.JobStartedAsync(skipped, CancellationToken.None);
        await store.JobSkippedAsync(skipped, "votes unchanged", CancellationToken.None);
        var firstRun = SeedData.Job(empty);
        await store.JobStartedAsync(firstRun, CancellationToken.None);
        await store.JobSkippedAsync(firstRun, "0 participants", CancellationToken.None);

        Assert.Equal(["completed", 73, 12, 2, 1, null], (await SeedData.RowsAsync(db, """
            SELECT status, total_votes, total_participants, groups_created, consensus_points_found, error_message
            FROM polis_clustering_jobs WHERE job_id = $1
            """, skipped.Id)).Single());
        Assert.Equal(groupsBefore, await SeedData.RowsAsync(db, "SELECT group_id FROM polis_groups WHERE poll_id = $1 ORDER BY 1", poll.Poll));
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_clustering_jobs WHERE status = 'failed'"));
        Assert.Equal(1, (await store.GetLatestResultAsync(poll.Poll.ToString(), CancellationToken.None))!.Version);
        Assert.Equal("completed", await SeedData.ScalarAsync<string>(db, "SELECT clustering_status FROM polis_polls WHERE poll_id = $1", poll.Poll));
        Assert.Equal(["completed", 0, 0], (await SeedData.RowsAsync(db,
            "SELECT status, groups_created, total_participants FROM polis_clustering_jobs WHERE job_id = $1", firstRun.Id)).Single());
        Assert.Equal(["never_run", null], (await SeedData.RowsAsync(db,
            "SELECT clustering_status, last_clustered_at FROM polis_polls WHERE poll_id = $1", empty)).Single());
    }

    [Fact]
    public async Task SaveResultAsync_ParticipantsOutsidePolisGroups_GetTheNearestGroup()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.PollAsync(db);
        var statements = await SeedData.StatementsAsync(db, poll, 8);
        var votes = new List<VoteRow>();
        for (var p = 0; p < 20; p++)
        {
            var sign = p < 10 ? 1 : -1;
            votes.AddRange(statements.Select((s, i) => new VoteRow(null, $"full-{p}", s, (i % 2 == 0 ? sign : -sign) > 0 ? "support" : "oppose", SeedData.T0.AddSeconds(p * 10 + i))));
        }

        for (var p = 0; p < 3; p++)
        {
            votes.Add(new VoteRow(Guid.NewGuid(), null, statements[0], "oppose", SeedData.T0.AddHours(1).AddSeconds(p)));
        }

        await SeedData.VotesAsync(db, poll, votes);

        var (_, _, result, _) = await SeedData.ClusterAsync(store, poll);

        Assert.True(result.Outcome.HasGroups, result.Outcome.Reason);
        Assert.Equal(3, result.Participants.Count(p => p.GroupId is null));
        Assert.Equal(23L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_user_group_membership WHERE poll_id = $1", poll));
        Assert.Equal(23L, await SeedData.ScalarAsync<long>(db, "SELECT sum(member_count) FROM polis_groups WHERE poll_id = $1", poll));
        Assert.Equal(3L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_user_group_membership WHERE poll_id = $1 AND user_id IS NOT NULL AND session_id IS NULL", poll));
        Assert.Equal(23, await SeedData.ScalarAsync<int>(db, "SELECT total_participants FROM polis_clustering_jobs WHERE poll_id = $1", poll));
    }

    [Fact]
    public async Task SaveResultAsync_NoGroups_WritesNoGroupsAndStillCompletesTheJob()
    {
        await using var db = await server.CreateDatabaseAsync();
        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var poll = await SeedData.TwoCampsAsync(db);
        await SeedData.ClusterAsync(store, poll.Poll);
        // Everyone changes to the same votes: one opinion position, no groups.
        await SeedData.VotesAsync(db, poll.Poll, [.. poll.Participants.SelectMany(p => poll.Statements.Select(s =>
            new VoteRow(p.User, p.Session, s, "support", SeedData.T0.AddDays(1))))]);

        var (job, _, result, summary) = await SeedData.ClusterAsync(store, poll.Poll);

        Assert.False(result.Outcome.HasGroups);
        Assert.Equal(0, summary.K);
        Assert.NotNull(summary.NoGroupsReason);
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_groups WHERE poll_id = $1", poll.Poll));
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_user_group_membership WHERE poll_id = $1", poll.Poll));
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM polis_consensus_points WHERE poll_id = $1", poll.Poll));
        Assert.Equal(["completed", 0, 0, 12], (await SeedData.RowsAsync(db,
            "SELECT status, groups_created, consensus_points_found, total_participants FROM polis_clustering_jobs WHERE job_id = $1", job.Id)).Single());
        var metrics = await SeedData.RowsAsync(db, "SELECT metric_name, metric_value::float8 FROM polis_clustering_metrics WHERE job_id = $1", job.Id);
        Assert.Equal(4, metrics.Count);
        Assert.Equal(0.0, metrics.Single(m => (string)m[0]! == "total_clusters")[1]);
    }
}
