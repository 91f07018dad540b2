using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>The five compdemocracy openData exports, read in place.</summary>
public sealed class OpenDataLoadingTests
{
    [Theory]
    [InlineData("15-per-hour-seattle", 2_995, 339, 54)]
    [InlineData("brexit-consensus", 5_312, 204, 50)]
    [InlineData("london.youth.policing", 640, 26, 39)]
    [InlineData("scoop-hivemind.biodiversity", 29_802, 536, 316)]
    [InlineData("vtaiwan.uberx", 49_997, 1_921, 197)]
    public void Load_OpenDataExport_ReadsEveryVoteRowAndComment(string name, int voteRows, int participants, int comments)
    {
        var loaded = ConversationLoader.Load(SharedData.OpenData(name));

        Assert.Equal(voteRows, loaded.VoteRows);
        Assert.Equal(voteRows, loaded.Input.VoteEventCount);
        Assert.Equal(participants, loaded.Input.ParticipantIds.Count);
        Assert.Equal(comments, loaded.Input.Statements.Count);
        Assert.Null(loaded.StrictModeration);
    }

    [Fact]
    public void Load_Seattle_HasDistinctPairsAndLatestVoteOfConflictingPair()
    {
        var loaded = ConversationLoader.Load(SharedData.OpenData("15-per-hour-seattle"));
        var latest = Votes.Latest(loaded.Input);

        Assert.Equal(2_995, loaded.VoteRows);
        Assert.Equal(2_872, latest.Count);
        Assert.Equal(54, loaded.Input.VotedStatementIds.Count);

        // votes.csv lines 195-196: voter 6031 disagreed with comment 1, then agreed 71 s later.
        Assert.Equal(1, latest[("6031", "1")]);

        // Lines 61-64: voter 229 on comment 0: -1, -1, then +1 twice.
        Assert.Equal(1, latest[("229", "0")]);
    }

    [Fact]
    public void Load_Seattle_ReadsModerationTopicAndQuotedBodies()
    {
        var loaded = ConversationLoader.Load(SharedData.OpenData("15-per-hour-seattle"));
        var statements = loaded.Input.Statements;

        Assert.Equal("$15/hour", loaded.Topic);
        Assert.Equal(30, statements.Values.Count(s => s.Moderation == Moderation.Accepted));
        Assert.Equal(23, statements.Values.Count(s => s.Moderation == Moderation.Rejected));
        Assert.Equal(Moderation.Unmoderated, statements["53"].Moderation);
        Assert.All(statements.Values, s => Assert.False(s.IsMeta));
        Assert.StartsWith("Businesses, small or large, shouldn't be able", statements["48"].Text, StringComparison.Ordinal);

        // Comment 4's body is quoted and spans several lines.
        Assert.StartsWith("While the arguments for the raise", statements["4"].Text, StringComparison.Ordinal);
        Assert.Contains('\n', statements["4"].Text!);
    }

    [Fact]
    public void Load_SingleVotesCsv_ReadsVotesOnly()
    {
        var loaded = ConversationLoader.Load(Path.Combine(SharedData.OpenData("brexit-consensus"), "votes.csv"));

        Assert.Equal(5_312, loaded.VoteRows);
        Assert.Empty(loaded.Input.Statements);
        Assert.Null(loaded.Topic);
        Assert.Equal(VoteSign.AgreePositive, loaded.Sign);
    }
}
