using System.Globalization;
using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Cli;

/// <summary>The hand-made sample in src/PolisClustering.Cli/samples/city-park is a consistent Polis export.</summary>
public sealed class CityParkSampleTests
{
    [Fact]
    public void Sample_CommentCounts_EqualTheAgreeAndDisagreeEventsOfVotesCsv()
    {
        var events = VoteRows();
        var comments = CommentRows();

        Assert.Equal(15, comments.Count);
        foreach (var (id, agrees, disagrees, _) in comments)
        {
            Assert.Equal(events.Count(e => e.Comment == id && e.Vote == 1), agrees);
            Assert.Equal(events.Count(e => e.Comment == id && e.Vote == -1), disagrees);
        }
    }

    [Fact]
    public void Sample_Votes_HaveFiftyOneVotersPassesAndReVotesWhoseLatestDiffers()
    {
        var events = VoteRows();

        Assert.Equal(646, events.Count);
        Assert.Equal(51, events.Select(e => e.Voter).Distinct().Count());
        Assert.Equal(58, events.Count(e => e.Vote == 0));
        var revotes = events.GroupBy(e => (e.Voter, e.Comment)).Where(g => g.Count() > 1).ToList();
        Assert.Equal([("0", "3"), ("29", "5"), ("3", "2")], revotes.Select(g => g.Key).Order());
        Assert.All(revotes, g => Assert.NotEqual(g.MinBy(e => e.Time).Vote, g.MaxBy(e => e.Time).Vote));
        Assert.All(events, e => Assert.InRange(e.Vote, -1, 1));
    }

    [Fact]
    public void Sample_Load_OneRejectedStatementAndAgreePositive()
    {
        var loaded = ConversationLoader.Load(RepoPaths.CityPark);

        Assert.Equal(VoteSign.AgreePositive, loaded.Sign);
        Assert.Equal(["14"], loaded.Input.Statements.Values.Where(s => s.Moderation == Moderation.Rejected).Select(s => s.Id));
        Assert.Equal(14, loaded.Input.Statements.Values.Count(s => s.Moderation == Moderation.Accepted));
        Assert.Equal(1, Loading.Votes.Latest(loaded.Input)[("0", "3")]); // disagreed first, agreed later
    }

    private static List<(long Time, string Comment, string Voter, int Vote)> VoteRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.CityPark, "votes.csv"));
        Assert.Equal("timestamp,datetime,comment-id,voter-id,vote", lines[0]);
        return [.. lines.Skip(1).Select(l => l.Split(','))
            .Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), f[2], f[3], int.Parse(f[4], CultureInfo.InvariantCulture)))];
    }

    /// <summary>comments.csv rows; the body is last and may hold quoted commas, so only the first seven fields are split.</summary>
    private static List<(string Id, int Agrees, int Disagrees, int Moderated)> CommentRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.CityPark, "comments.csv"));
        Assert.Equal("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body", lines[0]);
        return [.. lines.Skip(1).Select(l => l.Split(',', 8))
            .Select(f => (f[2], Int(f[4]), Int(f[5]), Int(f[6])))];
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
