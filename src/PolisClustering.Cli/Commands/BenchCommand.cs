using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using PolisClustering.Cli.Generate;
using PolisClustering.Engine;

namespace PolisClustering.Cli.Commands;

/// <summary>
/// bench: times the full Polis pipeline on a synthetic conversation, in process after warm-up (median of runs), or
/// as whole CLI processes (load, cluster, write JSON) with --whole-process.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "S, M or L.", DefaultValueFactory = _ => "S" };
        size.AcceptOnlyFromAmong("S", "M", "L", "s", "m", "l");
        var runs = new Option<int>("--runs") { Description = "Timed runs.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up runs.", DefaultValueFactory = _ => 2 };
        var wholeProcess = new Option<bool>("--whole-process") { Description = "Time 'polis-cluster cluster' processes on an export written to a temporary folder." };
        var stages = new Option<bool>("--stages") { Description = "Print the stage timings of the last in-process run." };
        var command = new Command("bench", "Benchmark the engine on a synthetic conversation.") { size, runs, warmup, wholeProcess, stages };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            if (parse.GetValue(runs) < 1 || parse.GetValue(warmup) < 0)
            {
                throw new InvalidInputException("--runs must be at least 1 and --warmup at least 0.");
            }

            var preset = SyntheticOptions.Preset(parse.GetValue(size)!)!;
            var conversation = SyntheticConversation.Generate(preset);
            var label = $"{parse.GetValue(size)!.ToUpperInvariant()} ({preset.Participants} participants, {preset.Statements} statements, {conversation.UniqueVoteCount} votes)";
            var times = parse.GetValue(wholeProcess)
                ? WholeProcess(conversation, parse.GetValue(runs), parse.GetValue(warmup))
                : InProcess(conversation, parse.GetValue(runs), parse.GetValue(warmup), parse.GetValue(stages));
            times.Sort();
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{label}: median {times[times.Count / 2]:0.0} ms, min {times[0]:0.0} ms, max {times[^1]:0.0} ms over {times.Count} runs ({(parse.GetValue(wholeProcess) ? "whole process" : "in process")}); peak working set {(parse.GetValue(wholeProcess) ? _childPeak : Process.GetCurrentProcess().PeakWorkingSet64) / (1024.0 * 1024):0} MiB{(parse.GetValue(wholeProcess) ? " (cluster process)" : "")}"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static List<double> InProcess(SyntheticConversation conversation, int runs, int warmup, bool stages)
    {
        var input = conversation.ToConversationInput();
        var times = new List<double>();
        for (var i = 0; i < warmup + runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var log = stages && i == warmup + runs - 1 ? new Action<string>(m => Console.Error.WriteLine($"[bench] {m}")) : null;
            var result = ClusteringEngine.Run(input, progress: log);
            watch.Stop();
            GC.KeepAlive(result);
            if (i >= warmup)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        return times;
    }

    /// <summary>The largest peak resident set (VmHWM) seen in a 'cluster' child process.</summary>
    private static long _childPeak;

    private static List<double> WholeProcess(SyntheticConversation conversation, int runs, int warmup)
    {
        var folder = Directory.CreateTempSubdirectory("polis-bench-").FullName;
        try
        {
            conversation.WriteExport(folder);
            var times = new List<double>();
            for (var i = 0; i < warmup + runs; i++)
            {
                var start = SelfStartInfo(["cluster", folder, "--out", Path.Combine(folder, "result.json"), "--quiet"]);
                var watch = Stopwatch.StartNew();
                using var process = Process.Start(start)!;
                while (!process.WaitForExit(10))
                {
                    _childPeak = Math.Max(_childPeak, PeakResidentBytes(process.Id));
                }

                watch.Stop();
                if (process.ExitCode != 0)
                {
                    throw new IOException($"cluster exited with {process.ExitCode}");
                }

                if (i >= warmup)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            return times;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>VmHWM of a running process in bytes, 0 once it is gone.</summary>
    private static long PeakResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // the process has just exited
        }

        return 0;
    }

    /// <summary>This CLI again, whether it runs as its own executable or through 'dotnet polis-cluster.dll'.</summary>
    private static ProcessStartInfo SelfStartInfo(string[] args)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }
}
