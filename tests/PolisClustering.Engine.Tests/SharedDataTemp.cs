namespace PolisClustering.Engine.Tests;

internal static class SharedDataTemp
{
    public static string Fixture(string name) => Path.Combine("/work/shared/data/polis-fixtures", name);
}
