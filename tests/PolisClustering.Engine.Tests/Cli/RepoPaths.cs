namespace PolisClustering.Engine.Tests.Cli;

/// <summary>Files committed in this repository, found from the test assembly by walking up to PolisClustering.sln.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> FoundRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PolisClustering.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no PolisClustering.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => FoundRoot.Value;

    /// <summary>The hand-made sample conversation shipped with the CLI (a Polis export folder).</summary>
    public static string CityPark => Path.Combine(Root, "src", "PolisClustering.Cli", "samples", "city-park");
}
