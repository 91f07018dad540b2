using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>The three Polis API fixtures (votes.json, comments.json, conversation.json), read in place.</summary>
public sealed class FixtureLoadingTests
{
    [Theory]
    [InlineData("150ptpt-3gp-no-strict-no-meta", 4_785, 160, 118, false)]
    [InlineData("50ptpt-3gp-strict-no-meta", 941, 51, 29, true)]
    [InlineData("below-100-ptpts", 504, 35, 44, true)]
    public void Load_Fixture_ReadsVotesStatementsAndStrictModeration(string name, int votes, int participants, int statements, bool strict)
    {
        var loaded = ConversationLoader.Load(SharedData.Fixture(name));

        Assert.Equal(votes, loaded.VoteRows);
        Assert.Equal(votes, Votes.Latest(loaded.Input).Count); // the fixtures hold no re-votes
        Assert.Equal(participants, loaded.Input.ParticipantIds.Count);
        Assert.Equal(statements, loaded.Input.Statements.Count);
        Assert.Equal(strict, loaded.StrictModeration);
        Assert.All(loaded.Input.Statements.Values, s => Assert.False(s.IsMeta));
    }

    [Fact]
    public void Load_Below100_ReadsPidTidSpellingAndModeration()
    {
        var loaded = ConversationLoader.Load(SharedData.Fixture("below-100-ptpts"));
        var statements = loaded.Input.Statements;

        Assert.Equal("Improving the Polis Software", loaded.Topic);
        Assert.Equal(["11", "33"], statements.Values.Where(s => s.Moderation == Moderation.Rejected).Select(s => s.Id).Order(IdOrder.Instance));
        Assert.Equal(6, statements.Values.Count(s => s.Moderation == Moderation.Unmoderated));
        Assert.Equal("Polis is perfect just the way it is. No changes are necessary.", statements["0"].Text);

        // "modified" is a numeric string in this fixture: {"pid": 0, "tid": 0, "vote": 0, "modified": "1714782753431"}.
        Assert.Equal(("0", "0", 0, 1_714_782_753_431L), Votes.Events(loaded.Input)[0]);
    }

    [Fact]
    public void Load_50ptpt_ReadsStatementIdSpellingAndRejectedStatements()
    {
        var loaded = ConversationLoader.Load(SharedData.Fixture("50ptpt-3gp-strict-no-meta"));

        Assert.Equal(["13", "14", "16"], loaded.Input.Statements.Values.Where(s => s.Moderation == Moderation.Rejected).Select(s => s.Id).Order(IdOrder.Instance));

        // "modified" is a JSON float here (1665582343468.0); ids are JSON integers.
        Assert.Equal(("0", "0", -1, 1_665_582_343_468L), Votes.Events(loaded.Input)[0]);
    }
}
