using System.Diagnostics;
using System.Text;

namespace PolisClustering.Engine.Tests.Cli;

/// <summary>What one polis-cluster process did.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the built CLI as its own process, 'dotnet polis-cluster.dll ...', from the copy next to the test assembly
/// (the test project references the CLI project). A process of its own keeps standard output, standard error and
/// the exit code exactly as a script sees them, and lets tests run in parallel.
/// </summary>
internal static class PolisCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "polis-cluster.dll");

    public static CliRun Run(params string[] args)
    {
        Assert.True(File.Exists(Dll), $"{Dll} is missing: the test project must reference PolisClustering.Cli");
        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"polis-cluster {string.Join(' ', args)} did not finish within {Timeout.TotalMinutes} minutes");
        }

        process.WaitForExit(); // drains the redirected streams
        return new CliRun(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs and asserts exit code 0, showing standard error when it is not.</summary>
    public static CliRun Ok(params string[] args)
    {
        var run = Run(args);
        Assert.True(run.ExitCode == 0, $"polis-cluster {string.Join(' ', args)} exited {run.ExitCode}: {run.Stderr}");
        return run;
    }

    /// <summary>The dotnet host: the one running these tests when it is dotnet, else DOTNET_HOST_PATH, DOTNET_ROOT or PATH.</summary>
    private static string DotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && Path.GetFileName(self) == name)
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, name)))
        {
            return Path.Combine(root, name);
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return name;
    }
}
