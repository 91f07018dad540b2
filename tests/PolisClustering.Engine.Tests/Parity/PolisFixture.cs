using System.Globalization;
using System.Text.Json;

namespace PolisClustering.Engine.Tests.Parity;

/// <summary>Reads ids and numbers out of a Polis math blob (polis-math.md §4.2).</summary>
internal static class PolisFixture
{
    public static List<string> Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number
        ? e.GetDouble().ToString(CultureInfo.InvariantCulture)
        : e.GetString()!)];

    public static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];
}
