using Npgsql;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Hosting;

/// <summary>PostgreSQL mode: the data source, the store, migrations at start-up, and the NOTIFY listener.</summary>
public static class PostgresHosting
{
    /// <summary>
    /// The connection string from CLUSTERING_CONNECTION_STRING or Clustering:ConnectionString, if any. The URI form
    /// that Supabase's dashboard shows (postgres://user:password@host:port/db?sslmode=require) is accepted too.
    /// </summary>
    public static string? ConnectionString(IConfiguration config)
    {
        var cs = config["CLUSTERING_CONNECTION_STRING"] is { Length: > 0 } env ? env : config[$"{ClusteringOptions.SectionName}:ConnectionString"];
        return string.IsNullOrWhiteSpace(cs) ? null : FromUri(cs.Trim());
    }

    /// <summary>Converts a postgres:// or postgresql:// URI to Npgsql's key=value form; other strings pass through.</summary>
    public static string FromUri(string connectionString)
    {
        if (!connectionString.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !connectionString.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        var uri = new Uri(connectionString);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(user[0]);
        }

        if (user.Length > 1)
        {
            builder.Password = Uri.UnescapeDataString(user[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && kv[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                builder.SslMode = Enum.Parse<SslMode>(kv[1].Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
            }
        }

        return builder.ConnectionString;
    }

    public static IServiceCollection AddPostgresStore(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        services.AddSingleton<PostgresClusteringStore>();
        services.AddSingleton<IClusteringStore>(sp => sp.GetRequiredService<PostgresClusteringStore>());
        services.AddHostedService<MigrationService>(); // registered before the workers, so it starts first
        services.AddSingleton<PostgresNotificationListener>();
        services.AddHostedService<NotificationService>();
        return services;
    }

    /// <summary>`PolisClustering.Api migrate`: applies the migrations and exits (0 done, 1 failed).</summary>
    public static async Task<int> MigrateAsync(IConfiguration config)
    {
        if (ConnectionString(config) is not { } cs)
        {
            await Console.Error.WriteLineAsync("error: set CLUSTERING_CONNECTION_STRING to the database to migrate.").ConfigureAwait(false);
            return 1;
        }

        await using var dataSource = NpgsqlDataSource.Create(cs);
        try
        {
            var applied = await Migrator.MigrateAsync(dataSource, CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied: {string.Join(", ", applied)}");
            return 0;
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"error: migration failed: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Applies the migrations before anything else runs; the service does not start on an old schema.</summary>
    private sealed class MigrationService(NpgsqlDataSource dataSource) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Migrator.MigrateAsync(dataSource, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// Queues the polls the vote trigger NOTIFYs about; after every (re)connect it sweeps, since notifications sent
    /// while disconnected are lost.
    /// </summary>
    private sealed class NotificationService(PostgresNotificationListener listener, IJobQueue jobs, PollSweeper sweeper) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => listener.RunAsync(
            poll => jobs.RequestAsync(poll, JobPriority.Normal, force: false, stoppingToken),
            async ct => await sweeper.SweepOnceAsync(ct).ConfigureAwait(false),
            stoppingToken);
    }
}
