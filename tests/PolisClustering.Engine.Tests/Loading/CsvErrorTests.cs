using PolisClustering.Engine.Loading;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>Bad CSV input fails the whole load with a message naming file, line and field.</summary>
public sealed class CsvErrorTests
{
    private const string Header = "timestamp,datetime,comment-id,voter-id,vote\n";
    private const string CommentsHeader = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n";

    [Fact]
    public void Load_VoteTwo_NamesFileLineAndField()
    {
        var ex = LoadVotes(Header + "1,x,0,0,1\n2,x,0,1,2\n");

        Assert.Equal("votes.csv line 3, field 'vote': '2' is not -1, 0 or 1", ex.Message);
        Assert.Equal(("votes.csv", 3, "vote"), (ex.FileName, ex.Line, ex.Field));
    }

    [Fact]
    public void Load_VoteNotANumber_NamesFileLineAndField()
    {
        var ex = LoadVotes(Header + "1,x,0,0,1\n2,x,0,1,1\n3,x,1,0,x\n");

        Assert.Equal("votes.csv line 4, field 'vote': 'x' is not -1, 0 or 1", ex.Message);
    }

    [Fact]
    public void Load_MissingVoteColumn_NamesTheColumn()
    {
        var ex = LoadVotes("timestamp,datetime,comment-id,voter-id\n1,x,0,0\n");

        Assert.Equal("votes.csv line 1, field 'vote': required column is missing (header is 'timestamp,datetime,comment-id,voter-id')", ex.Message);
    }

    [Fact]
    public void Load_TimestampNotANumber_NamesFileLineAndField()
    {
        var ex = LoadVotes(Header + "abc,x,0,0,1\n");

        Assert.Equal("votes.csv line 2, field 'timestamp': 'abc' is not a timestamp (ms since epoch)", ex.Message);
    }

    [Fact]
    public void Load_TruncatedLine_NamesFirstMissingField()
    {
        var ex = LoadVotes(Header + "1,x,0,0,1\n2,x,0\n");

        Assert.Equal("votes.csv line 3, field 'voter-id': line has 3 fields, header has 5 (truncated line?)", ex.Message);
    }

    [Fact]
    public void Load_ExtraField_NamesTheExtraField()
    {
        var ex = LoadVotes(Header + "1,x,0,0,1,9\n");

        Assert.Equal("votes.csv line 2, field '#6': line has 6 fields, header has 5", ex.Message);
    }

    [Fact]
    public void Load_EmptyVoterId_NamesFileLineAndField()
    {
        var ex = LoadVotes(Header + "1,x,0,,1\n");

        Assert.Equal("votes.csv line 2, field 'voter-id': id is empty", ex.Message);
    }

    [Fact]
    public void Load_UnterminatedQuote_NamesLineWhereTheFieldStarts()
    {
        var ex = LoadExport(CommentsHeader + "1,x,0,0,0,0,1,\"fine, quoted\"\n2,x,1,0,0,0,1,\"never closed\n3,x,2,0,0,0,1,next\n");

        Assert.Equal("comments.csv line 3, field 'comment-body': unterminated quote (the field runs to the end of the file)", ex.Message);
    }

    [Fact]
    public void Load_UnknownModeration_NamesFileLineAndField()
    {
        var ex = LoadExport(CommentsHeader + "1,x,0,0,0,0,2,body\n");

        Assert.Equal("comments.csv line 2, field 'moderated': '2' is not a moderation value (-1 rejected, 0 unmoderated, 1 accepted)", ex.Message);
    }

    [Fact]
    public void Load_BadIsMeta_NamesFileLineAndField()
    {
        var ex = LoadExport("comment-id,moderated,is-meta,comment-body\n0,1,false,a\n1,1,maybe,b\n");

        Assert.Equal("comments.csv line 3, field 'is-meta': 'maybe' is not a boolean (true/false, 1/0, t/f or empty)", ex.Message);
    }

    [Fact]
    public void Load_BadAgreeCount_NamesFileLineAndField()
    {
        var ex = LoadExport(CommentsHeader + "1,x,0,0,-3,0,1,body\n");

        Assert.Equal("comments.csv line 2, field 'agrees': '-3' is not a non-negative integer", ex.Message);
    }

    [Fact]
    public void Load_MultilineBodyBeforeBadRow_CountsPhysicalLines()
    {
        var ex = LoadExport(CommentsHeader + "1,x,0,0,0,0,1,\"one\ntwo, \"\"three\"\"\nfour\"\n2,x,1,0,0,0,7,body\n");

        Assert.Equal(5, ex.Line);
        Assert.Equal("moderated", ex.Field);
    }

    [Fact]
    public void Load_FolderWithoutVotes_SaysWhatWasExpected()
    {
        using var temp = new TempFolder();
        temp.Write("comments.csv", CommentsHeader);

        var ex = Assert.Throws<ConversationLoadException>(() => ConversationLoader.Load(temp.Path));

        Assert.Equal($"{temp.Path}: expected votes.csv (Polis export, with optional comments.csv) or votes.json (Polis API, with optional comments.json and conversation.json)", ex.Message);
    }

    [Fact]
    public void Load_MissingPath_Throws()
    {
        var ex = Assert.Throws<ConversationLoadException>(() => ConversationLoader.Load("/nonexistent/polis/votes.csv"));

        Assert.Equal("/nonexistent/polis/votes.csv: no such file or folder", ex.Message);
    }

    private static ConversationLoadException LoadVotes(string votesCsv)
    {
        using var temp = new TempFolder();
        temp.Write("votes.csv", votesCsv);
        return Assert.Throws<ConversationLoadException>(() => ConversationLoader.Load(temp.Path));
    }

    /// <summary>Good votes with the given comments.csv: a bad comments file must fail the whole load.</summary>
    private static ConversationLoadException LoadExport(string commentsCsv)
    {
        using var temp = new TempFolder();
        temp.Write("votes.csv", Header + "1,x,0,0,1\n");
        temp.Write("comments.csv", commentsCsv);
        return Assert.Throws<ConversationLoadException>(() => ConversationLoader.Load(temp.Path));
    }
}
