using System.Globalization;
using PolisClustering.Engine.Loading;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>Auto-detection of agree = +1 (exports, fixtures) versus agree = -1 (raw Polis API/DB).</summary>
public sealed class VoteSignDetectionTests
{
    [Theory]
    [InlineData("opendata", "15-per-hour-seattle")]
    [InlineData("opendata", "brexit-consensus")]
    [InlineData("opendata", "london.youth.policing")]
    [InlineData("opendata", "scoop-hivemind.biodiversity")]
    [InlineData("opendata", "vtaiwan.uberx")]
    [InlineData("polis-fixtures", "150ptpt-3gp-no-strict-no-meta")]
    [InlineData("polis-fixtures", "50ptpt-3gp-strict-no-meta")]
    [InlineData("polis-fixtures", "below-100-ptpts")]
    public void Load_AutoOnReferenceData_DetectsAgreePositive(string kind, string name)
    {
        var folder = kind == "opendata" ? SharedData.OpenData(name) : SharedData.Fixture(name);

        Assert.Equal(VoteSign.AgreePositive, ConversationLoader.Load(folder).Sign);
    }

    [Fact]
    public void Load_AutoOnNegatedFixtureVotes_DetectsAgreeNegativeAndYieldsIdenticalVotes()
    {
        var original = SharedData.Fixture("150ptpt-3gp-no-strict-no-meta");
        using var temp = new TempFolder();
        temp.WriteNegatedVotes(original, withComments: true);

        var expected = ConversationLoader.Load(original);
        var negated = ConversationLoader.Load(temp.Path);

        Assert.Equal(VoteSign.AgreeNegative, negated.Sign);
        Assert.Equal(4_785, negated.VoteRows);
        Assert.Equal(Votes.Events(expected.Input), Votes.Events(negated.Input));
        Assert.Equal(expected.Input.ParticipantIds, negated.Input.ParticipantIds);
    }

    [Fact]
    public void Load_AutoOnNegatedExportVotes_DetectsAgreeNegativeAndYieldsIdenticalVotes()
    {
        var original = SharedData.OpenData("15-per-hour-seattle");
        using var temp = new TempFolder();
        temp.Write("votes.csv", NegateLastColumn(File.ReadAllText(Path.Combine(original, "votes.csv"))));
        File.Copy(Path.Combine(original, "comments.csv"), Path.Combine(temp.Path, "comments.csv"));

        var expected = ConversationLoader.Load(original);
        var negated = ConversationLoader.Load(temp.Path);
        var forced = ConversationLoader.Load(temp.Path, VoteSign.AgreeNegative);

        Assert.Equal(VoteSign.AgreeNegative, negated.Sign);
        Assert.Equal(Votes.Events(expected.Input), Votes.Events(negated.Input));
        Assert.Equal(VoteSign.AgreeNegative, forced.Sign);
        Assert.Equal(Votes.Events(expected.Input), Votes.Events(forced.Input));
    }

    [Fact]
    public void Load_ExplicitAgreePositive_MatchesAuto()
    {
        var folder = SharedData.Fixture("below-100-ptpts");

        var auto = ConversationLoader.Load(folder);
        var explicitPositive = ConversationLoader.Load(folder, VoteSign.AgreePositive);

        Assert.Equal(Votes.Events(auto.Input), Votes.Events(explicitPositive.Input));
    }

    [Fact]
    public void Load_AutoWithoutCommentCounts_AssumesAgreePositive()
    {
        using var temp = new TempFolder();
        var file = temp.Write("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,-1\n2,x,0,1,-1\n");

        var loaded = ConversationLoader.Load(file);

        Assert.Equal(VoteSign.AgreePositive, loaded.Sign);
        Assert.Equal([-1, -1], Votes.Events(loaded.Input).Select(e => e.Vote));
    }

    private static string NegateLastColumn(string csv)
    {
        var lines = csv.Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var comma = lines[i].LastIndexOf(',');
            if (comma >= 0)
            {
                var vote = int.Parse(lines[i].AsSpan(comma + 1), CultureInfo.InvariantCulture);
                lines[i] = string.Concat(lines[i].AsSpan(0, comma + 1), (-vote).ToString(CultureInfo.InvariantCulture));
            }
        }

        return string.Join('\n', lines);
    }
}
