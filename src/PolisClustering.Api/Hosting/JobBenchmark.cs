using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;
using PolisClustering.Api.Telemetry;

namespace PolisClustering.Api.Hosting;

/// <summary>
/// `PolisClustering.Api bench-job [votes] [runs]`: one clustering job end to end against the configured PostgreSQL
/// (read every vote by binary COPY, cluster, write the result in one transaction), on a synthetic poll it creates in
/// the seed schema. Prints the median and minimum per stage.
/// </summary>
public static class JobBenchmark
{
    public static async Task<int> RunAsync(IConfiguration config, string[] args)
    {
        if (PostgresHosting.ConnectionString(config) is not { } cs)
        {
            await Console.Error.WriteLineAsync("error: set CLUSTERING_CONNECTION_STRING to a scratch database.").ConfigureAwait(false);
            return 1;
        }

        var votes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5;
        await using var db = NpgsqlDataSource.Create(cs);
        await Migrator.MigrateAsync(db, CancellationToken.None).ConfigureAwait(false);
        var poll = await CreatePollAsync(db, votes).ConfigureAwait(false);

        var store = new PostgresClusteringStore(db, TimeProvider.System);
        var options = Options.Create(new ClusteringOptions { Token = "benchmark-token-not-served" });
        using var meters = new Meters();
        using var telemetry = new ClusteringTelemetry(meters);
        var processor = new JobProcessor(new StoreRouter(new InMemoryClusteringStore(TimeProvider.System, options), store),
            new InMemoryJobStore(options), telemetry, TimeProvider.System, NullLogger<JobProcessor>.Instance);
        var totals = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            var job = new ClusterJob { Id = Guid.CreateVersion7(), PollId = poll.ToString(), Force = true, CreatedAt = DateTimeOffset.UtcNow };
            var watch = Stopwatch.StartNew();
            var done = await processor.RunAsync(job, CancellationToken.None).ConfigureAwait(false);
            watch.Stop();
            if (done.Status != JobStatus.Succeeded)
            {
                await Console.Error.WriteLineAsync($"error: job failed: {done.Error}").ConfigureAwait(false);
                return 1;
            }

            if (i > 0)
            {
                totals.Add(watch.Elapsed.TotalMilliseconds); // run 0 warms up
            }
        }

        Console.WriteLine("runs (ms): " + string.Join(", ", totals.Select(t => t.ToString("0", CultureInfo.InvariantCulture))));
        totals.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"job of {votes} votes (read by COPY, clustered, written in one transaction): median {totals[totals.Count / 2]:0} ms, min {totals[0]:0} ms over {totals.Count} runs"));
        return 0;
    }

    /// <summary>A poll of 10,000 participants x 500 statements in three camps, about <paramref name="votes"/> votes.</summary>
    private static async Task<Guid> CreatePollAsync(NpgsqlDataSource db, int votes)
    {
        var poll = Guid.NewGuid();
        await using (var cmd = db.CreateCommand("INSERT INTO polis_polls (poll_id, title) VALUES ($1, 'benchmark')"))
        {
            cmd.Parameters.AddWithValue(poll);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        const int statements = 500;
        var participants = Math.Max(10, votes / 20);
        var ids = Enumerable.Range(0, statements).Select(_ => Guid.NewGuid()).ToArray();
        await using var connection = await db.OpenConnectionAsync().ConfigureAwait(false);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY polis_statements (statement_id, poll_id, content, is_approved) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false))
        {
            for (var s = 0; s < statements; s++)
            {
                await copy.WriteRowAsync(default, ids[s], poll, $"Statement {s}", true).ConfigureAwait(false);
            }

            await copy.CompleteAsync().ConfigureAwait(false);
        }

        // The trigger would mark the poll for every row; a bulk load skips it, as an import would.
        await using (var off = new NpgsqlCommand("ALTER TABLE polis_votes DISABLE TRIGGER USER", connection))
        {
            await off.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var random = new Random(42);
        var start = new DateTime(2025, 9, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY polis_votes (poll_id, statement_id, session_id, vote_value, voted_at) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false))
        {
            var perParticipant = votes / participants;
            for (var p = 0; p < participants; p++)
            {
                var camp = p % 3;
                foreach (var s in Enumerable.Range(0, statements).OrderBy(_ => random.Next()).Take(perParticipant))
                {
                    var stance = ((s + camp) % 3) - 1;
                    var value = random.NextDouble() < 0.2 ? "unsure" : (stance >= 0 ? "support" : "oppose");
                    await copy.StartRowAsync().ConfigureAwait(false);
                    await copy.WriteAsync(poll, NpgsqlDbType.Uuid).ConfigureAwait(false);
                    await copy.WriteAsync(ids[s], NpgsqlDbType.Uuid).ConfigureAwait(false);
                    await copy.WriteAsync($"bench-{p}", NpgsqlDbType.Text).ConfigureAwait(false);
                    await copy.WriteAsync(value, NpgsqlDbType.Unknown).ConfigureAwait(false);
                    await copy.WriteAsync(start.AddSeconds(p), NpgsqlDbType.TimestampTz).ConfigureAwait(false);
                }
            }

            await copy.CompleteAsync().ConfigureAwait(false);
        }

        await using (var on = new NpgsqlCommand("ALTER TABLE polis_votes ENABLE TRIGGER USER", connection))
        {
            await on.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return poll;
    }

    private sealed class Meters : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
