using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace PolisClustering.Api.Persistence;

/// <summary>
/// Applies the embedded Persistence/Sql/*.sql scripts in file-name order, once each, recorded in
/// clustering.schema_migrations. All pending scripts run in one transaction under a transaction-scoped advisory lock,
/// so concurrent instances wait for each other and the whole step works through a transaction pooler too. The scripts
/// are idempotent themselves (IF NOT EXISTS, guarded DO blocks), since they also meet the seed app's existing tables.
/// A released script is never edited: changes go in a new file.
/// </summary>
public static class Migrator
{
    // Any constant shared by all instances; "polisclu" in ASCII.
    private const long LockKey = 0x706F6C6973636C75;

    private const string Prefix = "PolisClustering.Api.Persistence.Sql.";

    /// <summary>The embedded scripts, in the order they apply: (file name, SQL).</summary>
    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = LoadScripts();

    /// <summary>Applies the scripts not applied yet; returns their names (empty when the schema was up to date).</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var setup = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(@key);
            CREATE SCHEMA IF NOT EXISTS clustering;
            CREATE TABLE IF NOT EXISTS clustering.schema_migrations (
              version text PRIMARY KEY,
              name text NOT NULL,
              checksum text NOT NULL,
              applied_at timestamptz NOT NULL DEFAULT now());
            """, connection, tx))
        {
            setup.Parameters.AddWithValue("key", LockKey);
            await setup.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var history = new NpgsqlCommand("SELECT version FROM clustering.schema_migrations", connection, tx))
        await using (var reader = await history.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }

        var ran = new List<string>();
        foreach (var (name, sql) in Scripts)
        {
            var version = VersionOf(name);
            if (applied.Contains(version))
            {
                continue;
            }

            await using (var script = new NpgsqlCommand(sql, connection, tx))
            {
                script.CommandTimeout = 0; // an index on a large votes table may take a while
                await script.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("""
                INSERT INTO clustering.schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)
                """, connection, tx))
            {
                record.Parameters.AddWithValue("version", version);
                record.Parameters.AddWithValue("name", name);
                record.Parameters.AddWithValue("checksum", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql))));
                await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            ran.Add(name);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return ran;
    }

    /// <summary>"0003_vote_trigger.sql" → "0003", the Supabase CLI's version part (<c>^([0-9]+)_(.*)\.sql$</c>).</summary>
    internal static string VersionOf(string name)
    {
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        return underscore > 0 ? name[..underscore] : Path.GetFileNameWithoutExtension(name);
    }

    private static List<(string Name, string Sql)> LoadScripts()
    {
        var assembly = typeof(Migrator).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith(Prefix, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(r => (r[Prefix.Length..], Read(assembly, r)))];
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration {resource} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
