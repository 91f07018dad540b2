using System.Data;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PolisClustering.Api.Jobs;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Output;
using PolisClustering.Engine.State;

namespace PolisClustering.Api.Persistence;

/// <summary>
/// The seed app's Supabase/PostgreSQL schema plus ours (schema <c>clustering</c>, Persistence/Sql). Reads every vote
/// with binary COPY (no 1000-row cap, §5 #5) and writes each result, the seed rows included, in one transaction
/// (§6.12). Poll ids are uuids: anything else is an unknown poll, never an exception.
/// </summary>
public sealed class PostgresClusteringStore(NpgsqlDataSource dataSource, TimeProvider clock) : IClusteringStore
{
    /// <summary>polis_clustering_jobs.algorithm_version of our jobs.</summary>
    public const string AlgorithmVersion = "polis-clustering-1";

    /// <summary>Result versions kept per poll in clustering.results (the newest is current).</summary>
    public const int KeptVersions = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly JsonSerializerOptions SnakeJson = new(Json) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string Name => "postgresql";

    public async Task<bool> PollExistsAsync(string pollId, CancellationToken ct)
    {
        if (!Guid.TryParse(pollId, out var id))
        {
            return false;
        }

        await using var cmd = Command("SELECT EXISTS (SELECT 1 FROM public.polis_polls WHERE poll_id = $1)", id);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true;
    }

    public async Task<PollData?> LoadPollAsync(string pollId, CancellationToken ct)
    {
        if (!Guid.TryParse(pollId, out var id))
        {
            return null;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        // One snapshot for settings, statements and votes.
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
        PollSettings settings;
        await using (var cmd = Command(connection, tx, """
            SELECT clustering_min_groups::int, clustering_max_groups::int, clustering_min_participants::int,
                   min_support_pct::float8, max_opposition_pct::float8, min_votes_per_group::int,
                   clustering_algorithm_config::text
            FROM public.polis_polls WHERE poll_id = $1
            """, id))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            settings = ReadSettings(reader);
        }

        var input = new ConversationInput();
        await using (var cmd = Command(connection, tx, """
            SELECT statement_id, content FROM public.polis_statements
            WHERE poll_id = $1 AND is_approved ORDER BY created_at, statement_id
            """, id))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                input.AddStatement(new Statement(reader.GetGuid(0).ToString(), Moderation.Accepted, IsMeta: false,
                    reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }

        var (watermark, identities) = await ReadVotesAsync(connection, tx, id, input, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new PollData(pollId, input, settings, watermark, identities);
    }

    public async Task<StoredState?> GetStateAsync(string pollId, CancellationToken ct)
    {
        if (!Guid.TryParse(pollId, out var id))
        {
            return null;
        }

        await using var cmd = Command("""
            SELECT version, state::text, vote_rows, latest_vote_at, fingerprint FROM clustering.state WHERE poll_id = $1
            """, id);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        var watermark = new VoteWatermark(reader.GetInt64(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt64(4));
        return new StoredState(reader.GetInt32(0), ConversationStateJson.Deserialize(reader.GetString(1)), watermark);
    }

    public async Task<StoredResult?> GetLatestResultAsync(string pollId, CancellationToken ct)
    {
        if (!Guid.TryParse(pollId, out var id))
        {
            return null;
        }

        await using var cmd = Command("""
            SELECT r.version, r.job_id, r.computed_at, r.summary::text, r.polis_math::text
            FROM clustering.poll_results h
            JOIN clustering.results r ON r.poll_id = h.poll_id AND r.version = h.version
            WHERE h.poll_id = $1
            """, id);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            return null;
        }

        var summary = JsonSerializer.Deserialize<ResultSummary>(reader.GetString(3), Json)
            ?? throw new InvalidDataException($"clustering.results of poll {pollId} has an empty summary.");
        return new StoredResult(pollId, reader.GetInt32(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2),
            summary, reader.GetString(4));
    }

    public async Task JobQueuedAsync(ClusterJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!Guid.TryParse(job.PollId, out var poll))
        {
            return;
        }

        // §6.4: one pending row per accepted job (a merged request is the same job id). The poll shows 'pending' unless
        // a run is under way (the UI never auto-triggers while 'running').
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var cmd = Command(connection, tx, """
            INSERT INTO public.polis_clustering_jobs (job_id, poll_id, status, algorithm_version, created_at)
            SELECT $1, p.poll_id, 'pending', $3, $4 FROM public.polis_polls p WHERE p.poll_id = $2
            ON CONFLICT (job_id) DO NOTHING
            """, job.Id, poll, AlgorithmVersion, Utc(job.CreatedAt)))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await using (var cmd = Command(connection, tx, """
            UPDATE public.polis_polls SET clustering_status = 'pending'
            WHERE poll_id = $1 AND clustering_status IS DISTINCT FROM 'running' AND clustering_status IS DISTINCT FROM 'pending'
            """, poll))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task JobStartedAsync(ClusterJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!Guid.TryParse(job.PollId, out var poll))
        {
            return;
        }

        // §6.4, §6.6: job and poll 'running', last_clustering_job_id = the job. The pending marker goes first: votes
        // from now on make a new marker, so N votes during this run cause at most one follow-up (§6.17). Call this
        // before LoadPollAsync: the DELETE waits for voters that saw the old marker, so the load reads their votes.
        var started = Utc(job.StartedAt ?? clock.GetUtcNow());
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var cmd = Command(connection, tx, "DELETE FROM clustering.pending WHERE poll_id = $1", poll))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await using (var cmd = Command(connection, tx, """
            INSERT INTO public.polis_clustering_jobs AS j (job_id, poll_id, status, algorithm_version, created_at, started_at)
            SELECT $1, p.poll_id, 'running', $3, $4, $5 FROM public.polis_polls p WHERE p.poll_id = $2
            ON CONFLICT (job_id) DO UPDATE SET status = 'running', started_at = excluded.started_at
            WHERE j.status IN ('pending', 'running')
            """, job.Id, poll, AlgorithmVersion, Utc(job.CreatedAt), started))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await SetPollStatusAsync(connection, tx, job.Id, poll, "running", ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<ResultSummary> SaveResultAsync(ClusterJob job, PollData poll, ClusteringResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(result);
        if (!Guid.TryParse(poll.PollId, out var pollId))
        {
            throw new ArgumentException($"Poll id '{poll.PollId}' is not a uuid, so it has no rows in this database.", nameof(poll));
        }

        var now = clock.GetUtcNow();
        var started = Utc(job.StartedAt ?? now);
        var elapsedMs = (int)Math.Clamp((now - started).TotalMilliseconds, 0, int.MaxValue);
        var polisJson = PolisJson(result);
        var participantsJson = JsonSerializer.Serialize(result.Participants.Select(p =>
            new ParticipantPosition(p.Id, p.X, p.Y, p.InConv, p.GroupId, p.NearestGroupId, p.VoteCount)), SnakeJson);
        var repnessJson = JsonSerializer.Serialize(result.Groups.Select((g, i) =>
            new GroupRepness(g.Id, i < result.Repness.Count ? result.Repness[i] : [])), SnakeJson);
        var votes = (int)Math.Min(poll.Watermark.VoteRows, int.MaxValue);

        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        // Serialises saves of one poll (voters' foreign-key KEY SHARE locks are compatible with this one).
        await using (var cmd = Command(connection, tx, "SELECT 1 FROM public.polis_polls WHERE poll_id = $1 FOR NO KEY UPDATE", pollId))
        {
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                throw new InvalidOperationException($"Poll {pollId} no longer exists.");
            }
        }

        int version;
        await using (var cmd = Command(connection, tx,
            "SELECT coalesce(max(version), 0) + 1 FROM clustering.results WHERE poll_id = $1", pollId))
        {
            version = (int)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }

        var rows = SeedResultRows.Build(pollId, version, poll, result);
        var summary = new ResultSummary(version, rows.Groups.Count, [.. rows.Groups.Select(g => g.MemberCount)],
            rows.Participants, votes, rows.ConsensusStatements.Count, result.Outcome.HasGroups ? null : result.Outcome.Reason);
        var summaryJson = JsonSerializer.Serialize(summary, Json);

        var batch = new NpgsqlBatch(connection, tx);
        await using (batch.ConfigureAwait(false))
        {
            Add(batch, """
                INSERT INTO clustering.results (poll_id, version, job_id, computed_at, summary, polis_math, participants, representative)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb)
                """, pollId, version, job.Id, now, summaryJson, polisJson, participantsJson, repnessJson);
            Add(batch, "DELETE FROM clustering.results WHERE poll_id = $1 AND version <= $2", pollId, version - KeptVersions);
            Add(batch, """
                INSERT INTO clustering.state (poll_id, version, state, vote_rows, latest_vote_at, fingerprint, updated_at)
                VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)
                ON CONFLICT (poll_id) DO UPDATE SET version = excluded.version, state = excluded.state,
                  vote_rows = excluded.vote_rows, latest_vote_at = excluded.latest_vote_at,
                  fingerprint = excluded.fingerprint, updated_at = excluded.updated_at
                """, pollId, version, ConversationStateJson.Serialize(result.NextState), poll.Watermark.VoteRows,
                poll.Watermark.LatestVoteAt is { } latest ? Utc(latest) : null, poll.Watermark.Fingerprint, now);
            Add(batch, """
                INSERT INTO clustering.poll_results AS h (poll_id, version, job_id, computed_at, k, group_sizes, participants, votes, consensus_points, no_groups_reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (poll_id) DO UPDATE SET version = excluded.version, job_id = excluded.job_id,
                  computed_at = excluded.computed_at, k = excluded.k, group_sizes = excluded.group_sizes,
                  participants = excluded.participants, votes = excluded.votes,
                  consensus_points = excluded.consensus_points, no_groups_reason = excluded.no_groups_reason
                """, pollId, version, job.Id, now, summary.K, summary.GroupSizes.ToArray(), summary.Participants,
                summary.Votes, summary.ConsensusPoints, summary.NoGroupsReason);

            // §6.12: the seed rows are replaced inside this transaction, so readers see the old set or the new one.
            // A result without groups (Outcome.HasGroups false: no opinion structure in the votes) replaces the old
            // groups with none: showing groups of older votes would misstate the poll. The job still completes, with
            // groups_created = 0, and the reason stays in clustering.results.summary.
            Add(batch, "DELETE FROM public.polis_user_group_membership WHERE poll_id = $1", pollId);
            Add(batch, "DELETE FROM public.polis_group_statement_stats WHERE poll_id = $1 OR group_id IN (SELECT group_id FROM public.polis_groups WHERE poll_id = $1)", pollId);
            Add(batch, "DELETE FROM public.polis_consensus_points WHERE poll_id = $1", pollId);
            Add(batch, "DELETE FROM public.polis_groups WHERE poll_id = $1", pollId);
            Add(batch, """
                INSERT INTO public.polis_groups (group_id, poll_id, algorithm, name, description, color, member_count,
                  cluster_center, silhouette_score, opinion_space_coords)
                SELECT g.id, $1, $2, g.name, g.description, g.color, g.members, g.center::jsonb, g.silhouette, g.coords::jsonb
                FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::float8[], $10::text[])
                  AS g (id, name, description, color, members, center, silhouette, coords)
                """, pollId, rows.Algorithm, rows.Groups.Select(g => g.GroupId).ToArray(),
                rows.Groups.Select(g => g.Name).ToArray(), rows.Groups.Select(g => g.Description).ToArray(),
                rows.Groups.Select(g => g.Color).ToArray(), rows.Groups.Select(g => g.MemberCount).ToArray(),
                rows.Groups.Select(g => g.CenterJson).ToArray(), rows.Groups.Select(g => g.Silhouette).ToArray(),
                rows.Groups.Select(g => g.CoordinatesJson).ToArray());
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await CopyMembershipsAsync(connection, pollId, rows.Memberships, ct).ConfigureAwait(false);
        await CopyStatsAsync(connection, pollId, rows.Stats, ct).ConfigureAwait(false);

        var finish = new NpgsqlBatch(connection, tx);
        await using (finish.ConfigureAwait(false))
        {
            Add(finish, "INSERT INTO public.polis_consensus_points (statement_id, poll_id) SELECT unnest($2::uuid[]), $1",
                pollId, rows.ConsensusStatements.ToArray());

            // §6.5: the completed job (visible with the results, not before: same transaction, §6.12).
            Add(finish, """
                INSERT INTO public.polis_clustering_jobs AS j (job_id, poll_id, status, algorithm_version, total_votes,
                  total_participants, groups_created, consensus_points_found, processing_time_ms, created_at, started_at, completed_at)
                VALUES ($1, $2, 'completed', $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT (job_id) DO UPDATE SET status = 'completed', algorithm_version = excluded.algorithm_version,
                  total_votes = excluded.total_votes, total_participants = excluded.total_participants,
                  groups_created = excluded.groups_created, consensus_points_found = excluded.consensus_points_found,
                  processing_time_ms = excluded.processing_time_ms, started_at = coalesce(j.started_at, excluded.started_at),
                  completed_at = excluded.completed_at, error_message = NULL
                """, job.Id, pollId, AlgorithmVersion, votes, rows.Participants, rows.Groups.Count,
                rows.ConsensusStatements.Count, elapsedMs, Utc(job.CreatedAt), started, now);

            // §6.18: finite metrics of the job.
            Add(finish, """
                INSERT INTO public.polis_clustering_metrics (job_id, poll_id, metric_name, metric_value, metadata)
                SELECT $1, $2, m.name, m.value, jsonb_build_object('result_version', $5::int)
                FROM unnest($3::text[], $4::float8[]) AS m (name, value)
                """, job.Id, pollId, rows.Metrics.Select(m => m.Name).ToArray(), rows.Metrics.Select(m => m.Value).ToArray(), version);

            // §6.6: last_clustered_at ≥ the newest vote read (database clock, like voted_at).
            Add(finish, """
                UPDATE public.polis_polls SET clustering_status = 'completed', last_clustering_job_id = $2,
                  last_clustered_at = greatest(now(), $3)
                WHERE poll_id = $1
                """, pollId, job.Id, poll.Watermark.LatestVoteAt is { } newest ? Utc(newest) : null);
            await finish.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return summary;
    }

    public async Task JobFailedAsync(ClusterJob job, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!Guid.TryParse(job.PollId, out var poll))
        {
            return;
        }

        // §6.5, §6.6: error_message; poll 'failed'; last_clustered_at and every result row untouched.
        var now = clock.GetUtcNow();
        var started = Utc(job.StartedAt ?? now);
        var message = string.IsNullOrEmpty(reason) ? "failed" : reason.Length > 2000 ? reason[..2000] : reason;
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var cmd = Command(connection, tx, """
            INSERT INTO public.polis_clustering_jobs AS j (job_id, poll_id, status, algorithm_version, error_message,
              processing_time_ms, created_at, started_at, completed_at)
            SELECT $1, p.poll_id, 'failed', $3, $4, $5, $6, $7, $8 FROM public.polis_polls p WHERE p.poll_id = $2
            ON CONFLICT (job_id) DO UPDATE SET status = 'failed', error_message = excluded.error_message,
              processing_time_ms = excluded.processing_time_ms, started_at = coalesce(j.started_at, excluded.started_at),
              completed_at = excluded.completed_at
            WHERE j.status IN ('pending', 'running')
            """, job.Id, poll, AlgorithmVersion, message, (int)Math.Clamp((now - started).TotalMilliseconds, 0, int.MaxValue),
            Utc(job.CreatedAt), started, now))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await SetPollStatusAsync(connection, tx, job.Id, poll, "failed", ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task JobSkippedAsync(ClusterJob job, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!Guid.TryParse(job.PollId, out var poll))
        {
            return;
        }

        // §6.16: a skip (too few participants, votes unchanged) is no failure: the job row completes with the counts of
        // the result that stays current, so no error toast and no failed job per vote, and nothing in the results
        // moves. The poll returns to 'completed' (or 'never_run' when it has no result yet). The reason itself is
        // only in the API's job record: the seed has no column for it.
        var now = clock.GetUtcNow();
        var started = Utc(job.StartedAt ?? now);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var cmd = Command(connection, tx, """
            INSERT INTO public.polis_clustering_jobs AS j (job_id, poll_id, status, algorithm_version, total_votes,
              total_participants, groups_created, consensus_points_found, processing_time_ms, created_at, started_at, completed_at)
            SELECT $1, p.poll_id, 'completed', $3, coalesce(h.votes, 0), coalesce(h.participants, 0),
              (SELECT count(*)::int FROM public.polis_groups g WHERE g.poll_id = p.poll_id),
              (SELECT count(*)::int FROM public.polis_consensus_points c WHERE c.poll_id = p.poll_id),
              $4, $5, $6, $7
            FROM public.polis_polls p LEFT JOIN clustering.poll_results h ON h.poll_id = p.poll_id
            WHERE p.poll_id = $2
            ON CONFLICT (job_id) DO UPDATE SET status = 'completed', total_votes = excluded.total_votes,
              total_participants = excluded.total_participants, groups_created = excluded.groups_created,
              consensus_points_found = excluded.consensus_points_found, processing_time_ms = excluded.processing_time_ms,
              started_at = coalesce(j.started_at, excluded.started_at), completed_at = excluded.completed_at
            WHERE j.status IN ('pending', 'running')
            """, job.Id, poll, AlgorithmVersion, (int)Math.Clamp((now - started).TotalMilliseconds, 0, int.MaxValue),
            Utc(job.CreatedAt), started, now))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await SetPollStatusAsync(connection, tx, job.Id, poll, null, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> FindPollsNeedingClusteringAsync(CancellationToken ct)
    {
        // A pending marker, or a vote newer than everything the poll's last result (or last skip) accounted for. Per
        // poll it is one index probe on polis_votes (poll_id, voted_at), not a scan of all votes.
        await using var cmd = dataSource.CreateCommand("""
            SELECT poll_id::text FROM clustering.pending
            UNION
            SELECT p.poll_id::text
            FROM public.polis_polls p
            LEFT JOIN clustering.state s ON s.poll_id = p.poll_id
            WHERE EXISTS (
              SELECT 1 FROM public.polis_votes v
              WHERE v.poll_id = p.poll_id
                AND v.voted_at > coalesce(greatest(s.latest_vote_at, p.last_clustered_at,
                  (SELECT max(j.completed_at) FROM public.polis_clustering_jobs j
                   WHERE j.poll_id = p.poll_id AND j.status = 'completed')), '-infinity'))
            """);
        var polls = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            polls.Add(reader.GetString(0));
        }

        return polls;
    }

    public async Task CheckHealthAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT 1");
        await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Every vote of the poll on an approved statement, by binary COPY. COPY takes no parameters, so the poll id travels
    /// as a transaction-local setting rather than in the SQL text. Participant key = COALESCE(session_id, user_id)
    /// (§2); support = +1, oppose = −1, unsure = 0; time in ms. The engine keeps the latest vote per pair.
    /// Votes are filtered to the poll's approved statements here, not by a join: with stale statistics after a bulk
    /// load the planner turned that join into a nested loop over statements (measured: 7 s instead of 0.2 s for
    /// 200,000 votes).
    /// </summary>
    private static async Task<(VoteWatermark, Dictionary<string, ParticipantIdentity>)> ReadVotesAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid pollId, ConversationInput input, CancellationToken ct)
    {
        await using (var cmd = Command(connection, tx, "SELECT set_config('clustering.poll_id', $1, true)", pollId.ToString()))
        {
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var identities = new Dictionary<string, ParticipantIdentity>(StringComparer.Ordinal);
        var approved = input.Statements.Keys.ToDictionary(Guid.Parse, k => k);
        var fingerprint = new VoteFingerprint();
        var export = await connection.BeginBinaryExportAsync("""
            COPY (
              SELECT coalesce(v.session_id, v.user_id::text), v.user_id, v.session_id, v.statement_id,
                     (CASE v.vote_value WHEN 'support' THEN 1 WHEN 'oppose' THEN -1 ELSE 0 END)::int2, v.voted_at
              FROM public.polis_votes v
              WHERE v.poll_id = current_setting('clustering.poll_id')::uuid AND v.statement_id IS NOT NULL
            ) TO STDOUT (FORMAT BINARY)
            """, ct).ConfigureAwait(false);
        await using (export.ConfigureAwait(false))
        {
            export.Timeout = Timeout.InfiniteTimeSpan; // bounded by the job's token instead
            // Synchronous column reads: no per-column async state machine; this runs on a worker thread.
            var rows = 0;
            while (export.StartRow() != -1)
            {
                if (++rows % 65_536 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                var key = export.Read<string>(NpgsqlDbType.Text);
                Guid? user = export.IsNull ? Skip<Guid?>(export) : export.Read<Guid>(NpgsqlDbType.Uuid);
                var session = export.IsNull ? Skip<string>(export) : export.Read<string>(NpgsqlDbType.Text);
                var statement = export.Read<Guid>(NpgsqlDbType.Uuid);
                var vote = export.Read<short>(NpgsqlDbType.Smallint);
                DateTime? at = export.IsNull ? Skip<DateTime?>(export) : export.Read<DateTime>(NpgsqlDbType.TimestampTz);
                var ms = at is { } t ? (t.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond : 0;

                if (!approved.TryGetValue(statement, out var sid))
                {
                    continue; // unapproved, or another poll's statement
                }

                identities.TryAdd(key, new ParticipantIdentity(user, session));
                input.AddVote(key, sid, vote, ms);
                fingerprint.Add(key, sid, vote, ms);
            }
        }

        return (fingerprint.ToWatermark(), identities);
    }

    private static T? Skip<T>(NpgsqlBinaryExporter export)
    {
        export.Skip();
        return default;
    }

    private static async Task CopyMembershipsAsync(NpgsqlConnection connection, Guid pollId,
        IReadOnlyList<SeedResultRows.MembershipRow> rows, CancellationToken ct)
    {
        var import = await connection.BeginBinaryImportAsync(
            "COPY public.polis_user_group_membership (poll_id, group_id, user_id, session_id) FROM STDIN (FORMAT BINARY)",
            ct).ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            import.Timeout = Timeout.InfiniteTimeSpan;
            foreach (var m in rows)
            {
                await import.StartRowAsync(ct).ConfigureAwait(false);
                await import.WriteAsync(pollId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await import.WriteAsync(m.GroupId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await WriteNullableAsync(import, m.UserId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await WriteNullableAsync(import, m.SessionId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
            }

            await import.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task CopyStatsAsync(NpgsqlConnection connection, Guid pollId,
        IReadOnlyList<SeedResultRows.StatRow> rows, CancellationToken ct)
    {
        var import = await connection.BeginBinaryImportAsync("""
            COPY public.polis_group_statement_stats (group_id, statement_id, poll_id, support_pct, oppose_pct, unsure_pct, total_votes)
            FROM STDIN (FORMAT BINARY)
            """, ct).ConfigureAwait(false);
        await using (import.ConfigureAwait(false))
        {
            import.Timeout = Timeout.InfiniteTimeSpan;
            foreach (var s in rows)
            {
                await import.StartRowAsync(ct).ConfigureAwait(false);
                await import.WriteAsync(s.GroupId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await import.WriteAsync(s.StatementId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await import.WriteAsync(pollId, NpgsqlDbType.Uuid, ct).ConfigureAwait(false);
                await import.WriteAsync(s.SupportPct, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await import.WriteAsync(s.OpposePct, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await import.WriteAsync(s.UnsurePct, NpgsqlDbType.Double, ct).ConfigureAwait(false);
                await import.WriteAsync(s.TotalVotes, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
            }

            await import.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, Guid? value, NpgsqlDbType type, CancellationToken ct) =>
        value is { } v ? import.WriteAsync(v, type, ct) : import.WriteNullAsync(ct);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is not null ? import.WriteAsync(value, type, ct) : import.WriteNullAsync(ct);

    /// <summary>
    /// Poll status and last_clustering_job_id for a job whose row exists (the foreign key). A null status means "back to
    /// the last result": 'completed', or 'never_run' when there is none.
    /// </summary>
    private static async Task SetPollStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid jobId, Guid poll,
        string? status, CancellationToken ct)
    {
        await using var cmd = Command(connection, tx, """
            UPDATE public.polis_polls
            SET clustering_status = coalesce($3, CASE WHEN last_clustered_at IS NULL THEN 'never_run' ELSE 'completed' END),
                last_clustering_job_id = $1
            WHERE poll_id = $2 AND EXISTS (SELECT 1 FROM public.polis_clustering_jobs WHERE job_id = $1)
            """, jobId, poll, status);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static PollSettings ReadSettings(NpgsqlDataReader r)
    {
        var d = PollSettings.Default;
        var (threshold, minGroupSize) = ParseAlgorithmConfig(r.IsDBNull(6) ? null : r.GetString(6));
        return new PollSettings
        {
            MinGroups = r.IsDBNull(0) ? d.MinGroups : r.GetInt32(0),
            MaxGroups = r.IsDBNull(1) ? d.MaxGroups : r.GetInt32(1),
            MinParticipants = r.IsDBNull(2) ? d.MinParticipants : r.GetInt32(2),
            MinSupportPct = r.IsDBNull(3) ? d.MinSupportPct : r.GetDouble(3),
            MaxOppositionPct = r.IsDBNull(4) ? d.MaxOppositionPct : r.GetDouble(4),
            MinVotesPerGroup = r.IsDBNull(5) ? d.MinVotesPerGroup : r.GetInt32(5),
            ConsensusThreshold = threshold ?? d.ConsensusThreshold,
            MinGroupSize = minGroupSize ?? d.MinGroupSize,
        };
    }

    /// <summary>
    /// clustering_algorithm_config as a jsonb object, as a JSON string inside jsonb (the admin UI's JSON.stringify,
    /// §2 gotcha, §5 #12), or NULL; missing, malformed or non-numeric keys take the defaults (§6.15).
    /// </summary>
    internal static (double? ConsensusThreshold, int? MinGroupSize) ParseAlgorithmConfig(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, null);
        }

        try
        {
            using var outer = JsonDocument.Parse(json);
            if (outer.RootElement.ValueKind == JsonValueKind.String)
            {
                return ParseAlgorithmConfig(outer.RootElement.GetString());
            }

            if (outer.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var threshold = Number(outer.RootElement, "consensus_threshold");
            var size = Number(outer.RootElement, "min_group_size");
            return (threshold is > 0 and <= 1 ? threshold : null,
                size is >= 1 and <= int.MaxValue ? (int)Math.Round(size.Value) : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static double? Number(JsonElement config, string name) =>
        !config.TryGetProperty(name, out var v) ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d
        : v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var s) ? s
        : null;

    private static string PolisJson(ClusteringResult result)
    {
        using var stream = new MemoryStream();
        PolisMathJson.Write(result, stream);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Npgsql writes timestamptz only from UTC values.</summary>
    private static DateTimeOffset Utc(DateTimeOffset value) => value.ToUniversalTime();

    /// <summary>A command with positional parameters $1, $2, ... (values are never part of the SQL text).</summary>
    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return cmd;
    }

    private NpgsqlCommand Command(string sql, params object?[] values)
    {
        var cmd = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return cmd;
    }

    private static void Add(NpgsqlBatch batch, string sql, params object?[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        batch.BatchCommands.Add(cmd);
    }

    /// <summary>clustering.results.participants: everyone's position and group.</summary>
    private sealed record ParticipantPosition(string Id, double X, double Y, bool InConv, int? Group, int? NearestGroup, int Votes);

    /// <summary>clustering.results.representative: the representative statements of one Polis group.</summary>
    private sealed record GroupRepness(int Group, IReadOnlyList<RepresentativeStatement> Statements);
}
