using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Tests.Persistence;

[CollectionDefinition(Name)]
public sealed class PostgresTests : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}

/// <summary>
/// A throwaway PostgreSQL server for the persistence tests: initdb into a temp folder, pg_ctl start on a free port
/// bound to 127.0.0.1 (unix socket in the folder), stopped and deleted at the end. Each test gets its own database,
/// copied from a migrated template. Without server binaries the tests skip, or fail when CI=true. As root it runs
/// the server as the "postgres" user (initdb refuses root).
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string Package = "postgresql";
    private readonly SemaphoreSlim _templateLock = new(1, 1);
    private string? _bin;
    private string? _root;
    private string? _runAs;
    private bool _templateReady;
    private int _databases;
    private string? _startOptions;

    public int Port { get; private set; }

    /// <summary>Why the server is unavailable (binaries not installed), or null.</summary>
    public string? Unavailable { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _bin = FindBinaries();
        if (_bin is null)
        {
            Unavailable = $"PostgreSQL server binaries (initdb, pg_ctl) not found via pg_config --bindir or /usr/lib/postgresql/*/bin. Install the Debian package '{Package}' (apt-get install {Package}).";
            return;
        }

        if (Environment.IsPrivilegedProcess)
        {
            if ((await RunAsync("id", ["-u", "postgres"], check: false)).ExitCode != 0)
            {
                Unavailable = $"Running as root, but there is no 'postgres' user to run the server as (the Debian package '{Package}' creates it).";
                return;
            }

            _runAs = "postgres";
        }

        _root = Path.Combine(Path.GetTempPath(), "polis-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        if (_runAs is not null)
        {
            await RunAsync("chown", [$"{_runAs}:", _root]);
        }

        var data = Path.Combine(_root, "data");
        await RunServerToolAsync("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = string.Create(CultureInfo.InvariantCulture,
                $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
            _startOptions = options;
            var start = await RunServerToolAsync("pg_ctl",
                ["-D", data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "-o", options, "start"], check: attempt == 3);
            if (start.ExitCode == 0)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_root is not null && Port != 0)
        {
            await RunServerToolAsync("pg_ctl", ["-D", Path.Combine(_root, "data"), "-m", "immediate", "stop"], check: false);
        }

        if (_root is not null && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        _templateLock.Dispose();
    }

    /// <summary>Stops the server (fast shutdown), as an outage; <see cref="StartAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        Require();
        NpgsqlConnection.ClearAllPools();
        await RunServerToolAsync("pg_ctl", ["-D", Path.Combine(_root!, "data"), "-m", "fast", "-w", "stop"]);
    }

    public async Task StartAsync()
    {
        Require();
        await RunServerToolAsync("pg_ctl",
            ["-D", Path.Combine(_root!, "data"), "-l", Path.Combine(_root!, "server.log"), "-w", "-t", "60", "-o", _startOptions!, "start"]);
        NpgsqlConnection.ClearAllPools(); // pooled connections died with the old server process
    }

    /// <summary>Skips the calling test when the server is unavailable; fails it instead when CI=true.</summary>
    public void Require()
    {
        if (Unavailable is null)
        {
            return;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Unavailable);
        }

        Assert.Skip(Unavailable);
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>A new empty database (migrated = false) or a copy of the migrated template; the caller disposes it.</summary>
    public async Task<NpgsqlDataSource> CreateDatabaseAsync(bool migrated = true)
    {
        Require();
        var name = "test_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        if (migrated)
        {
            await EnsureTemplateAsync();
        }

        await AdminAsync($"CREATE DATABASE {name}" + (migrated ? " TEMPLATE migrated" : ""));
        return NpgsqlDataSource.Create(ConnectionString(name));
    }

    private async Task EnsureTemplateAsync()
    {
        await _templateLock.WaitAsync();
        try
        {
            if (_templateReady)
            {
                return;
            }

            await AdminAsync("CREATE DATABASE migrated");
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString("migrated")) { Pooling = false };
            await using (var source = NpgsqlDataSource.Create(builder.ConnectionString))
            {
                await Migrator.MigrateAsync(source, CancellationToken.None);
            }

            _templateReady = true;
        }
        finally
        {
            _templateLock.Release();
        }
    }

    private async Task AdminAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString("postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string? FindBinaries()
    {
        static bool HasServer(string? dir) => dir is not null && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
        try
        {
            using var pgConfig = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (pgConfig is not null)
            {
                var dir = pgConfig.StandardOutput.ReadToEnd().Trim();
                pgConfig.WaitForExit();
                if (HasServer(dir))
                {
                    return dir;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // no pg_config on the PATH
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(HasServer)
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<(int ExitCode, string Output)> RunServerToolAsync(string tool, string[] args, bool check = true)
    {
        var path = Path.Combine(_bin!, tool);
        return _runAs is null ? RunAsync(path, args, check) : RunAsync("runuser", ["-u", _runAs, "--", path, .. args], check);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, bool check = true)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {output}");
        }

        return (process.ExitCode, output);
    }
}
