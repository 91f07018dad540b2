using System.CommandLine;
using PolisClustering.Cli.Commands;

// polis-cluster: clusters a Polis conversation on disk, generates synthetic ones, and benchmarks the engine.
var root = new RootCommand("PolisClustering: Polis opinion groups from votes on disk.")
{
    ClusterCommand.Create(),
    GenerateCommand.Create(),
    BenchCommand.Create(),
    BenchHttpCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"error: {error.Message}");
    }

    await Console.Error.WriteLineAsync("Run 'polis-cluster --help' for usage.");
    return ExitCodes.Usage;
}

return await parsed.InvokeAsync();
