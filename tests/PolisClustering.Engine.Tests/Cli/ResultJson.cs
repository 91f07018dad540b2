using System.Globalization;
using System.Text.Json;

namespace PolisClustering.Engine.Tests.Cli;

/// <summary>Reads groups out of the math-pca2 JSON the CLI writes.</summary>
internal static class ResultJson
{
    public static string Id(JsonElement e) => e.ValueKind == JsonValueKind.Number
        ? e.GetInt64().ToString(CultureInfo.InvariantCulture)
        : e.GetString()!;

    /// <summary>Group id of every grouped participant: group-clusters' base ids expanded through base-clusters.</summary>
    public static Dictionary<string, int> GroupOf(JsonElement root)
    {
        var bases = root.GetProperty("base-clusters");
        var membersOfBase = new Dictionary<int, List<string>>();
        var ids = bases.GetProperty("id").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var members = bases.GetProperty("members").EnumerateArray().ToList();
        for (var b = 0; b < ids.Count; b++)
        {
            membersOfBase[ids[b]] = [.. members[b].EnumerateArray().Select(Id)];
        }

        var groupOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in root.GetProperty("group-clusters").EnumerateArray())
        {
            var gid = group.GetProperty("id").GetInt32();
            foreach (var b in group.GetProperty("members").EnumerateArray())
            {
                foreach (var pid in membersOfBase[b.GetInt32()])
                {
                    groupOf.Add(pid, gid);
                }
            }
        }

        return groupOf;
    }

    /// <summary>Groups as id → sorted member list, for comparing two runs.</summary>
    public static SortedDictionary<int, string> Groups(JsonElement root) => new(GroupOf(root)
        .GroupBy(kv => kv.Value)
        .ToDictionary(g => g.Key, g => string.Join(',', g.Select(kv => kv.Key).Order(StringComparer.Ordinal))));

    public static List<string> Ids(JsonElement root, string name) => [.. root.GetProperty(name).EnumerateArray().Select(Id)];
}
