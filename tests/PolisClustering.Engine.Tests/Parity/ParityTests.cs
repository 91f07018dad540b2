using System.Globalization;
using System.Text.Json;
using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Output;
using PolisClustering.Engine.State;

namespace PolisClustering.Engine.Tests.Parity;

/// <summary>
/// Parity with the Polis math server on every fixture (polis-math.md §4.4): our math-pca2 JSON against Polis's, given
/// the fixture's in-conv list and, above 100 participants, its base clusters.
/// </summary>
public sealed class ParityTests
{
    /// <summary>50ptpt lacks one participant's votes and has the all-49 priority bug (data README).</summary>
    private const string Broken = "50ptpt-3gp-strict-no-meta";

    public static TheoryData<string> Fixtures => ["below-100-ptpts", "150ptpt-3gp-no-strict-no-meta", Broken];

    public static TheoryData<string> HealthyFixtures => ["below-100-ptpts", "150ptpt-3gp-no-strict-no-meta"];

    [Theory]
    [MemberData(nameof(HealthyFixtures))]
    public void Pca_FixtureInConv_MatchesCenterComponentsAndCommentProjection(string name)
    {
        var (fixture, ours, signs) = Run(name);

        AssertClose(Doubles(fixture, "pca", "center"), Doubles(ours, "pca", "center"), 1e-6);
        for (var k = 0; k < 2; k++)
        {
            AssertClose(Row(fixture, "comps", k), Scale(Row(ours, "comps", k), signs[k]), 1e-6);
            AssertClose(Row(fixture, "comment-projection", k), Scale(Row(ours, "comment-projection", k), signs[k]), 1e-6);
        }

        AssertClose(Doubles(fixture, "pca", "comment-extremity"), Doubles(ours, "pca", "comment-extremity"), 1e-6);
    }

    [Theory]
    [MemberData(nameof(HealthyFixtures))]
    public void BaseClusters_FixtureInConv_SameMembersAndCentersWithinRelative1e5(string name)
    {
        var (fixture, ours, signs) = Run(name);

        var theirs = BaseClusters(fixture);
        var mine = BaseClusters(ours).ToDictionary(b => b.Key, b => b.Value);
        Assert.Equal(theirs.Count, mine.Count);
        foreach (var (members, (x, y)) in theirs)
        {
            Assert.True(mine.TryGetValue(members, out var m), $"no base cluster with members {members}");
            AssertRelative(x, signs[0] * m.X, 1e-5);
            AssertRelative(y, signs[1] * m.Y, 1e-5);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Groups_FixtureInConv_SameKAndPartition(string name)
    {
        var (fixture, ours, _) = Run(name);

        Assert.Equal(Partition(fixture), Partition(ours));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Repness_FixtureInConv_SameStatementsOrderAndFigures(string name)
    {
        var (fixture, ours, _) = Run(name);

        var ourGroupOf = GroupIdsByPartition(ours);
        foreach (var (members, theirId) in GroupIdsByPartition(fixture))
        {
            var theirList = fixture.GetProperty("repness").GetProperty(theirId).EnumerateArray().ToList();
            var ourList = ours.GetProperty("repness").GetProperty(ourGroupOf[members]).EnumerateArray().ToList();
            Assert.Equal(theirList.Select(r => r.GetProperty("tid").GetInt32()), ourList.Select(r => r.GetProperty("tid").GetInt32()));
            for (var i = 0; i < theirList.Count; i++)
            {
                AssertSameRecord(theirList[i], ourList[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Consensus_FixtureInConv_SameListsAndFigures(string name)
    {
        var (fixture, ours, _) = Run(name);

        foreach (var side in new[] { "agree", "disagree" })
        {
            var theirs = fixture.GetProperty("consensus").GetProperty(side).EnumerateArray().ToList();
            var mine = ours.GetProperty("consensus").GetProperty(side).EnumerateArray().ToList();
            Assert.Equal(theirs.Select(c => c.GetProperty("tid").GetInt32()), mine.Select(c => c.GetProperty("tid").GetInt32()));
            for (var i = 0; i < theirs.Count; i++)
            {
                AssertSameRecord(theirs[i], mine[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void GroupVotesAndGroupAwareConsensus_FixtureInConv_Equal(string name)
    {
        var (fixture, ours, _) = Run(name);

        var ourGroupOf = GroupIdsByPartition(ours);
        foreach (var (members, theirId) in GroupIdsByPartition(fixture))
        {
            var theirVotes = fixture.GetProperty("group-votes").GetProperty(theirId).GetProperty("votes");
            var ourVotes = ours.GetProperty("group-votes").GetProperty(ourGroupOf[members]).GetProperty("votes");
            foreach (var tally in theirVotes.EnumerateObject())
            {
                foreach (var key in new[] { "A", "D", "S" })
                {
                    Assert.Equal(tally.Value.GetProperty(key).GetInt32(), ourVotes.GetProperty(tally.Name).GetProperty(key).GetInt32());
                }
            }
        }

        foreach (var gac in fixture.GetProperty("group-aware-consensus").EnumerateObject())
        {
            AssertRelative(gac.Value.GetDouble(), ours.GetProperty("group-aware-consensus").GetProperty(gac.Name).GetDouble(), 1e-9);
        }
    }

    [Theory]
    [MemberData(nameof(HealthyFixtures))]
    public void CommentPriorities_FixtureInConv_EqualWithinRelative1e9(string name)
    {
        var (fixture, ours, _) = Run(name);

        var mine = ours.GetProperty("comment-priorities");
        foreach (var p in fixture.GetProperty("comment-priorities").EnumerateObject())
        {
            AssertRelative(p.Value.GetDouble(), mine.GetProperty(p.Name).GetDouble(), 1e-9);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CountsAndSets_FixtureInConv_Equal(string name)
    {
        var (fixture, ours, _) = Run(name);

        Assert.Equal(Ids(fixture, "tids"), Ids(ours, "tids"));
        Assert.Equal(Ids(fixture, "mod-out").Order(), Ids(ours, "mod-out").Order());
        Assert.Equal(Ids(fixture, "in-conv").Order(), Ids(ours, "in-conv").Order());
        Assert.Equal(fixture.GetProperty("n-cmts").GetInt32(), ours.GetProperty("n-cmts").GetInt32());
        if (name != Broken)
        {
            Assert.Equal(fixture.GetProperty("n").GetInt32(), ours.GetProperty("n").GetInt32());
            foreach (var u in fixture.GetProperty("user-vote-counts").EnumerateObject())
            {
                Assert.Equal(u.Value.GetInt32(), ours.GetProperty("user-vote-counts").GetProperty(u.Name).GetInt32());
            }
        }
    }

    [Theory]
    [MemberData(nameof(HealthyFixtures))]
    public void FromPolisMath_NoNewVotes_KeepsKPartitionRepnessAndConsensus(string name)
    {
        var dir = SharedData.Fixture(name);
        var fixture = Parse(dir);
        var state = PolisMathBlob.ToState(fixture);

        var ours = ToJson(ClusteringEngine.Run(ConversationLoader.Load(dir).Input, previous: state));

        Assert.Equal(Partition(fixture), Partition(ours));
        var ourGroupOf = GroupIdsByPartition(ours);
        foreach (var (members, theirId) in GroupIdsByPartition(fixture))
        {
            Assert.Equal(
                fixture.GetProperty("repness").GetProperty(theirId).EnumerateArray().Select(r => r.GetProperty("tid").GetInt32()),
                ours.GetProperty("repness").GetProperty(ourGroupOf[members]).EnumerateArray().Select(r => r.GetProperty("tid").GetInt32()));
        }

        foreach (var side in new[] { "agree", "disagree" })
        {
            Assert.Equal(
                fixture.GetProperty("consensus").GetProperty(side).EnumerateArray().Select(c => c.GetProperty("tid").GetInt32()),
                ours.GetProperty("consensus").GetProperty(side).EnumerateArray().Select(c => c.GetProperty("tid").GetInt32()));
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ColdRun_NoFixtureInput_InConvNeverMissesAQualifiedParticipant(string name)
    {
        var dir = SharedData.Fixture(name);
        var fixture = Parse(dir);

        var result = ClusteringEngine.Run(ConversationLoader.Load(dir).Input);

        var polisInConv = Ids(fixture, "in-conv").ToHashSet();
        Assert.Subset(polisInConv, result.InConv.ToHashSet());
        if (polisInConv.SetEquals(result.InConv))
        {
            Assert.Equal(Partition(fixture), Partition(ToJson(result)));
        }
    }

    private static (JsonElement Fixture, JsonElement Ours, double[] Signs) Run(string name)
    {
        var dir = SharedData.Fixture(name);
        var fixture = Parse(dir);
        var inConv = Ids(fixture, "in-conv");
        var options = new EngineOptions
        {
            FixedBaseClusters = fixture.GetProperty("n").GetInt32() > 100 ? PolisMathBlob.ToState(fixture).BaseClusters : null,
        };
        var ours = ToJson(ClusteringEngine.Run(ConversationLoader.Load(dir).Input, options, new ConversationState { InConv = inConv }));
        var signs = new double[2];
        for (var k = 0; k < 2; k++)
        {
            var dot = Row(fixture, "comps", k).Zip(Row(ours, "comps", k), (a, b) => a * b).Sum();
            signs[k] = dot >= 0 ? 1 : -1;
        }

        return (fixture, ours, signs);
    }

    private static JsonElement Parse(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "math-pca2.json"))).RootElement;

    private static JsonElement ToJson(ClusteringResult result)
    {
        using var stream = new MemoryStream();
        PolisMathJson.Write(result, stream);
        return JsonDocument.Parse(stream.ToArray()).RootElement;
    }

    private static List<string> Ids(JsonElement blob, string key) => PolisFixture.Ids(blob.GetProperty(key));

    private static double[] Doubles(JsonElement blob, string a, string b) => PolisFixture.Doubles(blob.GetProperty(a).GetProperty(b));

    private static double[] Row(JsonElement blob, string key, int k) =>
        PolisFixture.Doubles(blob.GetProperty("pca").GetProperty(key).EnumerateArray().ElementAt(k));

    private static double[] Scale(double[] v, double s) => [.. v.Select(x => x * s)];

    /// <summary>Base clusters keyed by their sorted member list.</summary>
    private static Dictionary<string, (double X, double Y)> BaseClusters(JsonElement blob)
    {
        var bc = blob.GetProperty("base-clusters");
        var members = bc.GetProperty("members").EnumerateArray().Select(m => string.Join(",", PolisFixture.Ids(m).Order(StringComparer.Ordinal))).ToList();
        var x = PolisFixture.Doubles(bc.GetProperty("x"));
        var y = PolisFixture.Doubles(bc.GetProperty("y"));
        return members.Select((m, i) => (m, (x[i], y[i]))).ToDictionary(t => t.m, t => t.Item2);
    }

    /// <summary>Group id by the group's sorted participant list (expanded through base clusters, §2.11).</summary>
    private static Dictionary<string, string> GroupIdsByPartition(JsonElement blob)
    {
        var bc = blob.GetProperty("base-clusters");
        var baseIds = bc.GetProperty("id").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var members = bc.GetProperty("members").EnumerateArray().Select(PolisFixture.Ids).ToList();
        var byBase = baseIds.Select((id, i) => (id, members[i])).ToDictionary(t => t.id, t => t.Item2);
        return blob.GetProperty("group-clusters").EnumerateArray().ToDictionary(
            g => string.Join(",", g.GetProperty("members").EnumerateArray().SelectMany(b => byBase[b.GetInt32()]).Order(StringComparer.Ordinal)),
            g => g.GetProperty("id").GetInt32().ToString(CultureInfo.InvariantCulture));
    }

    private static List<string> Partition(JsonElement blob) => [.. GroupIdsByPartition(blob).Keys.Order(StringComparer.Ordinal)];

    private static void AssertSameRecord(JsonElement theirs, JsonElement mine)
    {
        foreach (var p in theirs.EnumerateObject())
        {
            var m = mine.GetProperty(p.Name);
            switch (p.Value.ValueKind)
            {
                case JsonValueKind.Number:
                    AssertRelative(p.Value.GetDouble(), m.GetDouble(), p.Name == "repness-test" ? 1e-6 : 1e-9);
                    break;
                default:
                    Assert.Equal(p.Value.ToString(), m.ToString());
                    break;
            }
        }
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}] expected {expected[i]} got {actual[i]}");
        }
    }

    private static void AssertRelative(double expected, double actual, double relative)
    {
        var scale = Math.Max(Math.Abs(expected), 1e-12);
        Assert.True(Math.Abs(expected - actual) <= relative * scale, $"expected {expected} got {actual}");
    }
}
