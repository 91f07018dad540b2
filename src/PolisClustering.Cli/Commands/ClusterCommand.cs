using System.CommandLine;
using System.Text.Json;
using PolisClustering.Engine;
using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Output;
using PolisClustering.Engine.State;

namespace PolisClustering.Cli.Commands;

/// <summary>cluster &lt;input&gt;: load, run the engine, write the result (and optionally the next state).</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input")
        {
            Description = "A Polis export folder (votes.csv, comments.csv), a Polis API/fixture folder (votes.json, comments.json) or a votes file.",
        };
        var output = new Option<string?>("--out") { Description = "Write the result here instead of standard output." };
        var format = new Option<string>("--format") { Description = "polis (math-pca2 JSON) or summary (text).", DefaultValueFactory = _ => "polis" };
        format.AcceptOnlyFromAmong("polis", "summary");
        var algorithm = new Option<string>("--algorithm") { Description = "polis, kmeans or dbscan.", DefaultValueFactory = _ => "polis" };
        algorithm.AcceptOnlyFromAmong("polis", "kmeans", "dbscan");
        var fromState = new Option<string?>("--from-state") { Description = "Start from a state written by --state-out." };
        var fromPolisMath = new Option<string?>("--from-polis-math") { Description = "Start from a Polis math blob (math-pca2.json)." };
        var stateOut = new Option<string?>("--state-out") { Description = "Write the state for the next run here." };
        var voteSign = new Option<string>("--vote-sign") { Description = "auto, agree-positive (exports) or agree-negative (raw Polis API).", DefaultValueFactory = _ => "auto" };
        voteSign.AcceptOnlyFromAmong("auto", "agree-positive", "agree-negative");
        var quiet = new Option<bool>("--quiet") { Description = "No progress on standard error." };

        var command = new Command("cluster", "Cluster one conversation.")
        {
            input, output, format, algorithm, fromState, fromPolisMath, stateOut, voteSign, quiet,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(output) is { } o && r.GetValue(stateOut) is { } st && Path.GetFullPath(o) == Path.GetFullPath(st))
            {
                r.AddError("--out and --state-out must be different files.");
            }

            if (r.GetValue(fromState) is not null && r.GetValue(fromPolisMath) is not null)
            {
                r.AddError("--from-state and --from-polis-math cannot be combined.");
            }
        });
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            var log = parse.GetValue(quiet) ? null : new Action<string>(m => Console.Error.WriteLine($"[cluster] {m}"));
            var sign = parse.GetValue(voteSign) switch
            {
                "agree-positive" => VoteSign.AgreePositive,
                "agree-negative" => VoteSign.AgreeNegative,
                _ => VoteSign.Auto,
            };
            var path = parse.GetValue(input)!;
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                // The loader reports this as invalid input; a path that is not there is exit code 4.
                throw new FileNotFoundException($"{path}: no such file or folder", path);
            }

            var loaded = ConversationLoader.Load(path, sign);
            log?.Invoke($"loaded {loaded.Source}: {loaded.VoteRows} vote rows ({loaded.Sign})");
            var previous = ReadState(parse.GetValue(fromState), parse.GetValue(fromPolisMath));
            var options = new EngineOptions
            {
                Algorithm = Enum.Parse<Algorithm>(parse.GetValue(algorithm)!, ignoreCase: true),
            };
            var result = ClusteringEngine.Run(loaded.Input, options, previous, log);

            // Everything is computed before anything is written: a failure leaves no half-written output.
            using var buffer = new MemoryStream();
            if (parse.GetValue(format) == "summary")
            {
                buffer.Write(System.Text.Encoding.UTF8.GetBytes(ResultSummary.Format(result, loaded.Input)));
            }
            else
            {
                PolisMathJson.Write(result, buffer);
                buffer.WriteByte((byte)'\n');
            }

            // Both files are written to temporaries first and renamed last, so a failure leaves the old pair intact.
            var state = parse.GetValue(stateOut) is { } statePath
                ? Stage(statePath, System.Text.Encoding.UTF8.GetBytes(ConversationStateJson.Serialize(result.NextState)))
                : ((string, string)?)null;
            var staged = parse.GetValue(output) is { } outPath ? Stage(outPath, buffer.ToArray()) : ((string, string)?)null;
            if (staged is null)
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(buffer.ToArray());
            }

            Commit(state);
            Commit(staged);
            log?.Invoke(result.Outcome.HasGroups ? $"{result.Groups.Count} groups" : $"no groups: {result.Outcome.Reason}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static ConversationState? ReadState(string? statePath, string? polisMathPath)
    {
        if (statePath is not null)
        {
            return CliErrors.ParseFile(statePath, ConversationStateJson.Deserialize);
        }

        if (polisMathPath is not null)
        {
            return CliErrors.ParseFile(polisMathPath, json =>
            {
                using var doc = JsonDocument.Parse(json);
                return PolisMathBlob.ToState(doc.RootElement);
            });
        }

        return null;
    }

    private static (string Temp, string Final) Stage(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp";
        File.WriteAllBytes(temp, bytes);
        return (temp, full);
    }

    private static void Commit((string Temp, string Final)? staged)
    {
        if (staged is { } s)
        {
            File.Move(s.Temp, s.Final, overwrite: true);
        }
    }

}
