namespace PolisClustering.Engine.Tests;

/// <summary>
/// The read-only reference data at ../shared/data next to the repository root (the folder holding
/// PolisClustering.sln). When it is missing a test is skipped, except on CI (CI=true), where it fails so that a
/// broken checkout cannot pass silently.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Found = new(Locate);

    /// <summary>The shared data folder; skips (or on CI fails) the calling test when it is missing.</summary>
    public static string Root => Found.Value ?? Missing("the shared data folder ../shared/data (next to the folder holding PolisClustering.sln)");

    /// <summary>A Polis API fixture folder, e.g. "below-100-ptpts".</summary>
    public static string Fixture(string name) => Existing(Path.Combine(Root, "polis-fixtures", name));

    /// <summary>An openData export folder, e.g. "15-per-hour-seattle".</summary>
    public static string OpenData(string name) => Existing(Path.Combine(Root, "opendata", name));

    private static string Existing(string folder) => Directory.Exists(folder) ? folder : Missing(folder);

    private static string Missing(string what)
    {
        var message = $"Reference data not found: {what}.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message + " It must be present on CI.");
        }

        Assert.Skip(message);
        return what; // not reached: Assert.Skip throws
    }

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PolisClustering.sln")))
            {
                var data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(data) ? data : null;
            }
        }

        return null;
    }
}
