using System.Globalization;
using System.Text.Json;

namespace PolisClustering.Engine.State;

/// <summary>
/// Seeds a <see cref="ConversationState"/> from a Polis math blob (math-pca2.json), so a platform that moves from Polis
/// keeps its in-conv set, component signs, base clusters and groups (polis-math.md §2.0, §4.2).
/// </summary>
public static class PolisMathBlob
{
    public static ConversationState ToState(JsonElement blob)
    {
        var tids = Ids(blob.GetProperty("tids"));
        var pca = blob.GetProperty("pca");
        var bc = blob.GetProperty("base-clusters");
        var baseIds = bc.GetProperty("id").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var members = bc.GetProperty("members").EnumerateArray().Select(Ids).ToList();
        var bx = bc.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var by = bc.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToList();
        var bases = baseIds.Select((id, i) => new StoredCluster(id, members[i], bx[i], by[i])).ToList();
        var groups = blob.GetProperty("group-clusters").EnumerateArray().Select(g =>
        {
            var center = g.GetProperty("center").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            return new StoredCluster(g.GetProperty("id").GetInt32(), Ids(g.GetProperty("members")), center[0], center[1]);
        }).ToList();
        var tallies = new List<GroupVoteTally>();
        foreach (var group in blob.GetProperty("group-votes").EnumerateObject())
        {
            var gid = int.Parse(group.Name, CultureInfo.InvariantCulture);
            foreach (var vote in group.Value.GetProperty("votes").EnumerateObject())
            {
                tallies.Add(new GroupVoteTally(gid, vote.Name, vote.Value.GetProperty("A").GetInt32(),
                    vote.Value.GetProperty("D").GetInt32(), vote.Value.GetProperty("S").GetInt32()));
            }
        }

        var k = groups.Count;
        return new ConversationState
        {
            MathTick = blob.TryGetProperty("math_tick", out var tick) && tick.ValueKind == JsonValueKind.Number ? tick.GetInt32() : 0,
            StatementOrder = tids,
            InConv = Ids(blob.GetProperty("in-conv")),
            Components = [.. pca.GetProperty("comps").EnumerateArray()
                .Select(c => (IReadOnlyList<double>)[.. c.EnumerateArray().Select(e => e.GetDouble())])],
            BaseClusters = bases,
            GroupClusterings = k > 0
                ? new Dictionary<int, IReadOnlyList<StoredCluster>> { [k] = groups }
                : new Dictionary<int, IReadOnlyList<StoredCluster>>(),
            KSmoother = k > 0 ? new KSmoother(k, 1, k) : null,
            GroupVotes = tallies,
            LastVoteTimestamp = blob.TryGetProperty("lastVoteTimestamp", out var last) && last.ValueKind == JsonValueKind.Number
                ? (long)last.GetDouble() : 0,
        };
    }

    private static List<string> Ids(JsonElement array) => [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number
        ? e.GetDouble().ToString(CultureInfo.InvariantCulture)
        : e.GetString() ?? "")];
}
