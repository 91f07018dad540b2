using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Tests.Loading;

namespace PolisClustering.Engine.Tests.Engine;

/// <summary>Raw Polis API votes (agree = -1) and export votes (agree = +1) of one poll cluster the same.</summary>
public sealed class VoteSignGroupsTests
{
    public static TheoryData<string, int> Fixtures => new()
    {
        { "below-100-ptpts", 3 },
        { "150ptpt-3gp-no-strict-no-meta", 3 },
        { "50ptpt-3gp-strict-no-meta", 3 },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Run_NegatedFixtureVotes_SameGroupsAndGroupVotes(string name, int k)
    {
        var original = SharedData.Fixture(name);
        using var temp = new TempFolder();
        temp.WriteNegatedVotes(original, withComments: true);

        var export = ClusteringEngine.Run(ConversationLoader.Load(original, VoteSign.AgreePositive).Input);
        var forced = ClusteringEngine.Run(ConversationLoader.Load(temp.Path, VoteSign.AgreeNegative).Input);
        var detected = ClusteringEngine.Run(ConversationLoader.Load(temp.Path).Input);

        Assert.Equal(k, export.Groups.Count);
        foreach (var raw in new[] { forced, detected })
        {
            Assert.Equal(Groups(export), Groups(raw));
            Assert.Equal(export.GroupVotes.Agree, raw.GroupVotes.Agree);
            Assert.Equal(export.GroupVotes.Disagree, raw.GroupVotes.Disagree);
            Assert.Equal(export.GroupVotes.Seen, raw.GroupVotes.Seen);
            Assert.Equal(DeterminismTests.Json(export), DeterminismTests.Json(raw));
        }
    }

    [Fact]
    public void Run_NegatedVotesReadAsExport_FlipsTheGroupVotes()
    {
        // The control: negated votes taken at face value give agree and disagree swapped, so the test above is not vacuous.
        var original = SharedData.Fixture("150ptpt-3gp-no-strict-no-meta");
        using var temp = new TempFolder();
        temp.WriteNegatedVotes(original, withComments: false);

        var export = ClusteringEngine.Run(ConversationLoader.Load(original).Input);
        var wrong = ClusteringEngine.Run(ConversationLoader.Load(temp.Path, VoteSign.AgreePositive).Input);

        var agree = export.GroupVotes.Agree.Sum(g => g.Sum());
        var disagree = export.GroupVotes.Disagree.Sum(g => g.Sum());
        Assert.NotEqual(agree, disagree);
        Assert.Equal((disagree, agree), (wrong.GroupVotes.Agree.Sum(g => g.Sum()), wrong.GroupVotes.Disagree.Sum(g => g.Sum())));
    }

    private static List<(int Id, string Members)> Groups(ClusteringResult result) =>
        [.. result.Groups.Select(g => (g.Id, string.Join(',', g.Members)))];
}
