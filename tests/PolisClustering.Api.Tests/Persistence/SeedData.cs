using Npgsql;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;
using PolisClustering.Engine;
using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Tests.Persistence;

/// <summary>One vote row of polis_votes.</summary>
internal sealed record VoteRow(Guid? UserId, string? SessionId, Guid? StatementId, string Value, DateTimeOffset At);

/// <summary>Writes seed-schema rows for tests, and runs the service's job steps against a store.</summary>
internal static class SeedData
{
    public static readonly DateTimeOffset T0 = new(2025, 9, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A poll with the column defaults, or with <paramref name="config"/> as clustering_algorithm_config
    /// (jsonb text; null = SQL NULL) and, when <paramref name="nullSettings"/>, every clustering setting NULL.</summary>
    public static async Task<Guid> PollAsync(NpgsqlDataSource db, bool defaults = true, string? config = null, bool nullSettings = false)
    {
        var id = Guid.NewGuid();
        if (defaults)
        {
            await ExecuteAsync(db, "INSERT INTO polis_polls (poll_id, title) VALUES ($1, 'poll')", id);
            return id;
        }

        await ExecuteAsync(db, """
            INSERT INTO polis_polls (poll_id, title, clustering_algorithm_config) VALUES ($1, 'poll', $2::jsonb)
            """, id, config);
        if (nullSettings)
        {
            await ExecuteAsync(db, """
                UPDATE polis_polls SET clustering_min_groups = NULL, clustering_max_groups = NULL,
                  clustering_min_participants = NULL, min_support_pct = NULL, max_opposition_pct = NULL,
                  min_votes_per_group = NULL
                WHERE poll_id = $1
                """, id);
        }

        return id;
    }

    public static async Task<Guid> StatementAsync(NpgsqlDataSource db, Guid poll, bool approved = true, string? content = null)
    {
        var id = Guid.NewGuid();
        await ExecuteAsync(db, "INSERT INTO polis_statements (statement_id, poll_id, content, is_approved) VALUES ($1, $2, $3, $4)",
            id, poll, content ?? "statement " + id.ToString()[..8], approved);
        return id;
    }

    public static async Task<List<Guid>> StatementsAsync(NpgsqlDataSource db, Guid poll, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await StatementAsync(db, poll));
        }

        return ids;
    }

    /// <summary>Inserts votes in one statement (the trigger fires per row).</summary>
    public static Task VotesAsync(NpgsqlDataSource db, Guid poll, IReadOnlyCollection<VoteRow> votes) =>
        ExecuteAsync(db, """
            INSERT INTO polis_votes (poll_id, user_id, session_id, statement_id, vote_value, voted_at)
            SELECT $1, v.u, v.s, v.st, v.val::polis_vote_value, v.at
            FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::timestamptz[]) AS v (u, s, st, val, at)
            """, poll, votes.Select(v => v.UserId).ToArray(), votes.Select(v => v.SessionId).ToArray(),
            votes.Select(v => v.StatementId).ToArray(),
            votes.Select(v => v.Value).ToArray(), votes.Select(v => v.At).ToArray());

    public static async Task ExecuteAsync(NpgsqlDataSource db, string sql, params object?[] values)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var v in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
        }

        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql, params object?[] values)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var v in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<List<object?[]>> RowsAsync(NpgsqlDataSource db, string sql, params object?[] values)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var v in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
        }

        var rows = new List<object?[]>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static ClusterJob Job(Guid poll) => new()
    {
        Id = Guid.NewGuid(),
        PollId = poll.ToString(),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The processor's path: queued, started, load, engine (from the stored state), save.</summary>
    public static async Task<(ClusterJob Job, PollData Poll, ClusteringResult Result, ResultSummary Summary)> ClusterAsync(
        IClusteringStore store, Guid poll)
    {
        var job = Job(poll);
        await store.JobQueuedAsync(job, CancellationToken.None);
        job = job with { Status = JobStatus.Running, StartedAt = DateTimeOffset.UtcNow };
        await store.JobStartedAsync(job, CancellationToken.None);
        var data = await store.LoadPollAsync(poll.ToString(), CancellationToken.None) ?? throw new InvalidOperationException("no poll");
        var state = await store.GetStateAsync(poll.ToString(), CancellationToken.None);
        var result = ClusteringEngine.Run(data.Input,
            new EngineOptions { MinK = data.Settings.MinGroups, MaxK = data.Settings.MaxGroups }, state?.State);
        var summary = await store.SaveResultAsync(job, data, result, CancellationToken.None);
        return (job, data, result, summary);
    }

    /// <summary>
    /// Twelve participants in two camps (3 signed-in users and 3 guests each) on six approved statements: camp A supports
    /// 0-1 and opposes 2-3, camp B the reverse; everyone supports 4 (the consensus point); on 5 camp A supports and camp B is unsure.
    /// Guest a-guest-0 first opposes statement 0, then supports it (the latest vote counts). Votes on an unapproved
    /// statement and on no statement are ignored.
    /// </summary>
    public static async Task<TwoCampPoll> TwoCampsAsync(NpgsqlDataSource db)
    {
        var poll = await PollAsync(db);
        var statements = await StatementsAsync(db, poll, 6);
        var unapproved = await StatementAsync(db, poll, approved: false);
        var participants = new List<(Guid? User, string? Session, char Camp)>();
        foreach (var camp in "AB")
        {
            for (var i = 0; i < 3; i++)
            {
                participants.Add((Guid.NewGuid(), null, camp));
                participants.Add((null, $"{char.ToLowerInvariant(camp)}-guest-{i}", camp));
            }
        }

        var votes = new List<VoteRow>();
        var t = T0;
        foreach (var (user, session, camp) in participants)
        {
            var sign = camp == 'A' ? 1 : -1;
            string Value(int v) => v > 0 ? "support" : v < 0 ? "oppose" : "unsure";
            if (session == "a-guest-0")
            {
                votes.Add(new VoteRow(user, session, statements[0], "oppose", t = t.AddSeconds(1)));
            }

            for (var s = 0; s < 6; s++)
            {
                var v = s switch { 0 or 1 => sign, 2 or 3 => -sign, 4 => 1, _ => camp == 'A' ? 1 : 0 };
                votes.Add(new VoteRow(user, session, statements[s], Value(v), t = t.AddSeconds(1)));
            }

            votes.Add(new VoteRow(user, session, unapproved, "support", t = t.AddSeconds(1)));
            votes.Add(new VoteRow(user, session, null, "support", t = t.AddSeconds(1)));
        }

        await VotesAsync(db, poll, votes);
        return new TwoCampPoll(poll, statements, unapproved, participants, votes);
    }
}

internal sealed record TwoCampPoll(
    Guid Poll, List<Guid> Statements, Guid Unapproved, List<(Guid? User, string? Session, char Camp)> Participants, List<VoteRow> Votes)
{
    public static string Key((Guid? User, string? Session, char Camp) p) => p.Session ?? p.User!.Value.ToString();
}
