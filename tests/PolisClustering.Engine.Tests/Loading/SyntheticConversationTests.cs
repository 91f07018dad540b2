using PolisClustering.Cli.Generate;
using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>The synthetic generator: reproducible, sized as asked, long-tailed, and loadable as an export.</summary>
public sealed class SyntheticConversationTests
{
    private static readonly SyntheticOptions Options = new() { Participants = 2_000, Statements = 120, Votes = 40_000, Groups = 3, Seed = 7 };

    [Fact]
    public void WriteExport_SameSeed_WritesIdenticalBytes()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();

        SyntheticConversation.Generate(Options).WriteExport(a.Path);
        SyntheticConversation.Generate(Options).WriteExport(b.Path);

        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, "votes.csv")), File.ReadAllBytes(Path.Combine(b.Path, "votes.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a.Path, "comments.csv")), File.ReadAllBytes(Path.Combine(b.Path, "comments.csv")));
    }

    [Fact]
    public void WriteExport_DifferentSeed_WritesDifferentVotes()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();

        SyntheticConversation.Generate(Options).WriteExport(a.Path);
        SyntheticConversation.Generate(Options with { Seed = 8 }).WriteExport(b.Path);

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a.Path, "votes.csv")), File.ReadAllBytes(Path.Combine(b.Path, "votes.csv")));
    }

    [Fact]
    public void Generate_Options_MatchesRequestedCounts()
    {
        var conversation = SyntheticConversation.Generate(Options);
        var input = conversation.ToConversationInput();
        var latest = Votes.Latest(input);

        Assert.Equal(2_000, input.ParticipantIds.Count);
        Assert.Equal(120, input.Statements.Count);
        Assert.Equal(40_000, conversation.UniqueVoteCount);
        Assert.Equal(40_000, latest.Count);
        Assert.Equal(conversation.VoteEventCount, input.VoteEventCount);
        Assert.InRange(conversation.VoteEventCount - 40_000, 200, 600); // ~1% re-votes
        Assert.Equal(2_000, conversation.PlantedGroups.Count);
        Assert.Equal([0, 1, 2], conversation.PlantedGroups.Distinct().Order());
    }

    [Fact]
    public void Generate_Participation_IsLongTailedWithinBounds()
    {
        var input = SyntheticConversation.Generate(Options).ToConversationInput();
        var perParticipant = Votes.Latest(input).Keys.GroupBy(k => k.Participant).Select(g => g.Count()).Order().ToArray();

        Assert.True(perParticipant[0] >= 1);
        Assert.True(perParticipant[^1] <= 120);
        var median = perParticipant[perParticipant.Length / 2];
        Assert.True(perParticipant[^1] >= 5 * median, $"max {perParticipant[^1]}, median {median}");
        Assert.True(median < 20, $"median {median} should sit below the mean of 20");
    }

    [Fact]
    public void Generate_Votes_FollowPlantedGroupStances()
    {
        var conversation = SyntheticConversation.Generate(Options);
        var latest = Votes.Latest(conversation.ToConversationInput());

        var withStance = latest.Count(kv => kv.Value == conversation.Stance(conversation.PlantedGroups[int.Parse(kv.Key.Participant, System.Globalization.CultureInfo.InvariantCulture)], int.Parse(kv.Key.Statement, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.InRange(withStance / (double)latest.Count, 0.77, 0.82); // 0.8, less the re-votes that changed
    }

    [Fact]
    public void Generate_Statements_RejectsAboutTwoPercent()
    {
        var large = SyntheticConversation.Generate(Options with { Statements = 2_000, Votes = 100_000 });

        Assert.InRange(large.Rejected.Count(r => r), 20, 60);
    }

    [Fact]
    public void WriteExport_LoadedBack_GivesSameVotesAsInMemory()
    {
        var conversation = SyntheticConversation.Generate(Options);
        using var temp = new TempFolder();
        conversation.WriteExport(temp.Path);

        var loaded = ConversationLoader.Load(temp.Path);
        var inMemory = conversation.ToConversationInput();

        Assert.Equal(conversation.VoteEventCount, loaded.VoteRows);
        Assert.Equal(VoteSign.AgreePositive, loaded.Sign);
        Assert.Equal(Votes.Events(inMemory), Votes.Events(loaded.Input));
        Assert.Equal(inMemory.Statements.Values.OrderBy(s => s.Id, IdOrder.Instance), loaded.Input.Statements.Values.OrderBy(s => s.Id, IdOrder.Instance));
    }

    [Fact]
    public void WriteExport_VotesCsv_UsesOpenDataLayout()
    {
        using var temp = new TempFolder();
        SyntheticConversation.Generate(Options).WriteExport(temp.Path);

        var votes = File.ReadLines(Path.Combine(temp.Path, "votes.csv")).Take(2).ToArray();
        var comments = File.ReadLines(Path.Combine(temp.Path, "comments.csv")).Take(2).ToArray();

        Assert.Equal("timestamp,datetime,comment-id,voter-id,vote", votes[0]);
        Assert.Matches(@"^1\d{12},[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC 20\d\d,0,\d+,(-1|0|1)$", votes[1]);
        Assert.Equal("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body", comments[0]);
        Assert.Matches(@"^1600000000000,Sun Sep 13 12:26:40 UTC 2020,0,\d+,\d+,\d+,(-1|1),Synthetic statement 0$", comments[1]);
    }
}
