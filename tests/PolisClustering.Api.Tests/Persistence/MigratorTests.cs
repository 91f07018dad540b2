using System.Text.Json;
using Npgsql;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Tests.Persistence;

[Collection(PostgresTests.Name)]
public sealed class MigratorTests(PostgresServer server)
{
    private static readonly string[] SeedTables =
    [
        "polis_polls", "polis_statements", "polis_votes", "polis_groups", "polis_user_group_membership",
        "polis_group_statement_stats", "polis_consensus_points", "polis_clustering_metrics", "polis_clustering_jobs",
        "polis_system_settings",
    ];

    private static readonly string[] OurTables = ["results", "state", "pending", "settings", "poll_results", "schema_migrations"];

    [Fact]
    public async Task MigrateAsync_FreshDatabase_AppliesEveryScriptOnceThenDoesNothing()
    {
        await using var db = await server.CreateDatabaseAsync(migrated: false);

        var first = await Migrator.MigrateAsync(db, CancellationToken.None);
        var second = await Migrator.MigrateAsync(db, CancellationToken.None);

        Assert.Equal(Migrator.Scripts.Select(s => s.Name), first);
        Assert.True(first.Count >= 4);
        Assert.Empty(second);
        Assert.Equal(first.Count, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM clustering.schema_migrations"));
        foreach (var table in SeedTables)
        {
            Assert.True(await SeedData.ScalarAsync<bool>(db, "SELECT to_regclass($1) IS NOT NULL", "public." + table), table);
        }

        foreach (var table in OurTables)
        {
            Assert.True(await SeedData.ScalarAsync<bool>(db, "SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass($1)", "clustering." + table), table);
        }

        Assert.Equal("clustering_vote_change", await SeedData.ScalarAsync<string>(db,
            "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'public.polis_votes'::regclass AND NOT tgisinternal"));
    }

    [Fact]
    public async Task MigrateAsync_ConcurrentInstances_ApplyEachScriptOnce()
    {
        await using var db = await server.CreateDatabaseAsync(migrated: false);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Migrator.MigrateAsync(db, CancellationToken.None)));

        Assert.Single(runs, r => r.Count > 0);
        Assert.Equal(Migrator.Scripts.Count, runs.Sum(r => r.Count));
    }

    [Fact]
    public async Task MigrationScripts_RunAgainOverTheirOwnObjects_AreNoOps()
    {
        await using var db = await server.CreateDatabaseAsync();
        var poll = await SeedData.PollAsync(db);

        // As on a database where the tables already exist (the seed's): every script again, outside the history.
        foreach (var (name, sql) in Migrator.Scripts)
        {
            await SeedData.ExecuteAsync(db, sql);
            Assert.True(await SeedData.ScalarAsync<bool>(db, "SELECT EXISTS (SELECT 1 FROM polis_polls WHERE poll_id = $1)", poll), name);
        }

        Assert.Equal(1L, await SeedData.ScalarAsync<long>(db,
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.polis_votes'::regclass AND NOT tgisinternal"));
    }

    [Fact]
    public async Task MigrateAsync_SeedDatabase_ReplacesTheEdgeFunctionTriggerPath()
    {
        await using var db = await server.CreateDatabaseAsync(migrated: false);
        await SeedData.ExecuteAsync(db, Migrator.Scripts[0].Sql); // the seed's tables, then the seed's trigger path
        await SeedData.ExecuteAsync(db, """
            CREATE TABLE public.old_path_calls (poll_id uuid);
            CREATE FUNCTION public.trigger_clustering_and_consensus(poll_id_param uuid) RETURNS void
              LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN INSERT INTO public.old_path_calls VALUES (poll_id_param); END $$;
            CREATE FUNCTION public.on_vote_change() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN PERFORM public.trigger_clustering_and_consensus(NEW.poll_id); RETURN NEW; END $$;
            CREATE TRIGGER polis_votes_clustering_trigger AFTER INSERT OR UPDATE OR DELETE ON public.polis_votes
              FOR EACH ROW EXECUTE FUNCTION public.on_vote_change();
            CREATE FUNCTION public.update_group_member_counts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
            CREATE TRIGGER update_member_counts AFTER INSERT OR UPDATE OR DELETE ON public.polis_user_group_membership
              FOR EACH ROW EXECUTE FUNCTION public.update_group_member_counts();
            """);

        await Migrator.MigrateAsync(db, CancellationToken.None);
        var poll = await SeedData.PollAsync(db);
        var statement = await SeedData.StatementAsync(db, poll);
        await SeedData.VotesAsync(db, poll, [new VoteRow(null, "guest", statement, "support", SeedData.T0)]);
        var markerFromVote = await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM clustering.pending WHERE poll_id = $1", poll);
        await SeedData.ExecuteAsync(db, "DELETE FROM clustering.pending");
        await SeedData.ExecuteAsync(db, "SELECT public.trigger_clustering_and_consensus($1)", poll);

        Assert.Equal(1, markerFromVote);
        Assert.Equal(0L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM public.old_path_calls"));
        Assert.Equal(1L, await SeedData.ScalarAsync<long>(db, "SELECT count(*) FROM clustering.pending WHERE poll_id = $1", poll));
        var triggers = await SeedData.RowsAsync(db, """
            SELECT tgname::text FROM pg_trigger
            WHERE tgrelid IN ('public.polis_votes'::regclass, 'public.polis_user_group_membership'::regclass) AND NOT tgisinternal
            """);
        Assert.Equal(["clustering_vote_change"], triggers.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task MigrateAsync_SupabaseLikeDatabase_PublishesTablesAndPostsThroughPgNet()
    {
        await using var db = await server.CreateDatabaseAsync(migrated: false);
        // What Supabase brings: client roles, an empty supabase_realtime publication, pg_net (schema net), Vault.
        await SeedData.ExecuteAsync(db, """
            DO $$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
            END $$;
            CREATE PUBLICATION supabase_realtime;
            CREATE SCHEMA net;
            CREATE TABLE net.calls (url text, body jsonb, headers jsonb, timeout_milliseconds int);
            CREATE FUNCTION net.http_post(url text, body jsonb DEFAULT '{}', params jsonb DEFAULT '{}',
              headers jsonb DEFAULT '{"Content-Type": "application/json"}', timeout_milliseconds int DEFAULT 5000)
              RETURNS bigint LANGUAGE sql AS
              $$ INSERT INTO net.calls VALUES (url, body, headers, timeout_milliseconds) RETURNING 1::bigint $$;
            CREATE SCHEMA vault;
            CREATE TABLE vault.secrets (name text, decrypted_secret text);
            CREATE VIEW vault.decrypted_secrets AS SELECT name, decrypted_secret FROM vault.secrets;
            INSERT INTO vault.secrets VALUES ('clustering_service_url', 'https://vault.example/'), ('clustering_service_token', 'vault-token');
            """);
        await Migrator.MigrateAsync(db, CancellationToken.None);
        foreach (var (_, sql) in Migrator.Scripts)
        {
            await SeedData.ExecuteAsync(db, sql); // a re-run adds nothing twice
        }

        var poll = await SeedData.PollAsync(db);
        var statement = await SeedData.StatementAsync(db, poll);
        await SeedData.ExecuteAsync(db, """
            GRANT USAGE ON SCHEMA public TO anon;
            GRANT INSERT ON public.polis_votes TO anon;
            INSERT INTO public.polis_system_settings (setting_key, setting_value)
            VALUES ('clustering_microservice_url', 'https://seed.example'), ('clustering_microservice_token', 'seed-token');
            """);

        // A voter without any right on schema clustering still fires the path (SECURITY DEFINER).
        async Task VoteAsAnonAsync(string session)
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var role = new NpgsqlCommand("SET LOCAL ROLE anon", connection, tx))
            {
                await role.ExecuteNonQueryAsync();
            }

            await using var cmd = new NpgsqlCommand("""
                INSERT INTO public.polis_votes (poll_id, statement_id, session_id, vote_value) VALUES ($1, $2, $3, 'support')
                """, connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = poll });
            cmd.Parameters.Add(new NpgsqlParameter { Value = statement });
            cmd.Parameters.Add(new NpgsqlParameter { Value = session });
            await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }

        await VoteAsAnonAsync("g1");
        await VoteAsAnonAsync("g2"); // debounced: no second call
        await SeedData.ExecuteAsync(db, "DELETE FROM clustering.pending; DELETE FROM vault.secrets");
        await SeedData.ExecuteAsync(db, "INSERT INTO clustering.settings VALUES ('clustering_service_url', 'https://settings.example'), ('clustering_service_token', 'settings-token')");
        await VoteAsAnonAsync("g3");
        await SeedData.ExecuteAsync(db, "DELETE FROM clustering.pending; DELETE FROM clustering.settings");
        await VoteAsAnonAsync("g4");

        var calls = await SeedData.RowsAsync(db, "SELECT url, body::text, headers::text, timeout_milliseconds FROM net.calls");
        Assert.Equal(["https://vault.example/cluster", "https://settings.example/cluster", "https://seed.example/cluster"],
            calls.Select(c => (string)c[0]!));
        Assert.Equal(["Bearer vault-token", "Bearer settings-token", "Bearer seed-token"],
            calls.Select(c => JsonDocument.Parse((string)c[2]!).RootElement.GetProperty("Authorization").GetString()));
        using var body = JsonDocument.Parse((string)calls[0][1]!);
        Assert.Equal(poll.ToString(), body.RootElement.GetProperty("poll_id").GetString());
        Assert.False(body.RootElement.GetProperty("force_recalculate").GetBoolean());
        Assert.Equal(10000, calls[0][3]);

        var published = await SeedData.RowsAsync(db,
            "SELECT schemaname::text || '.' || tablename::text FROM pg_publication_tables WHERE pubname = 'supabase_realtime'");
        Assert.Contains("clustering.poll_results", published.Select(r => (string)r[0]!));
        Assert.Contains("public.polis_groups", published.Select(r => (string)r[0]!));
        Assert.DoesNotContain("clustering.results", published.Select(r => (string)r[0]!));
        Assert.Equal(8, published.Count);
        Assert.Equal('f', await SeedData.ScalarAsync<char>(db, "SELECT relreplident FROM pg_class WHERE oid = 'public.polis_user_group_membership'::regclass"));
        Assert.True(await SeedData.ScalarAsync<bool>(db, "SELECT has_table_privilege('anon', 'clustering.poll_results', 'SELECT')"));
        Assert.False(await SeedData.ScalarAsync<bool>(db, "SELECT has_table_privilege('anon', 'clustering.results', 'SELECT')"));
        Assert.False(await SeedData.ScalarAsync<bool>(db, "SELECT has_table_privilege('anon', 'clustering.settings', 'SELECT')"));
        Assert.False(await SeedData.ScalarAsync<bool>(db, "SELECT has_function_privilege('anon', 'clustering.request_cluster(uuid)', 'EXECUTE')"));
    }
}
