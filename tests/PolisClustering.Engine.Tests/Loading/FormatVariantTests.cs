using PolisClustering.Engine.Loading;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>Layout freedoms the loaders allow: column order, extra columns, id spellings, line endings.</summary>
public sealed class FormatVariantTests
{
    [Fact]
    public void Load_CsvColumnsInAnyOrderWithExtras_FindsColumnsByName()
    {
        using var temp = new TempFolder();
        var file = temp.Write("votes.csv", "vote,extra,voter-id,timestamp,comment-id\r\n-1,zz,p7,1000,c1\r\n1,zz,p8,2000,c1\r\n\r\n");

        var loaded = ConversationLoader.Load(file);

        Assert.Equal([("p7", "c1", -1, 1000L), ("p8", "c1", 1, 2000L)], Votes.Events(loaded.Input));
    }

    [Fact]
    public void Load_JsonIdSpellings_KeepStringFormAndMergeEqualIds()
    {
        using var temp = new TempFolder();
        var file = temp.Write("votes.json", """
            [
              {"participant_id": 12.0, "statement_id": "007", "vote": 1, "modified": 1.0},
              {"participant_id": "12", "statement_id": 7, "vote": -1, "modified": "2"},
              {"voter-id": "ab", "comment-id": "007", "vote": "0", "modified": 3}
            ]
            """);

        var loaded = ConversationLoader.Load(file);

        Assert.Equal([("12", "007", 1, 1L), ("12", "7", -1, 2L), ("ab", "007", 0, 3L)], Votes.Events(loaded.Input));
        Assert.Equal(["12", "ab"], loaded.Input.ParticipantIds);
    }

    [Fact]
    public void Load_CsvQuotedBodyWithCommasQuotesAndNewlines_Unescapes()
    {
        using var temp = new TempFolder();
        temp.Write("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n");
        temp.Write("comments.csv", "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n5,x,0,0,1,0,-1,\"He said \"\"no\"\", then\nleft, twice\"\n");

        var statement = ConversationLoader.Load(temp.Path).Input.Statements["0"];

        Assert.Equal(new Statement("0", Moderation.Rejected, IsMeta: false, "He said \"no\", then\nleft, twice"), statement);
    }

    [Fact]
    public void Load_HeaderOnlyVotes_GivesEmptyConversation()
    {
        using var temp = new TempFolder();
        var file = temp.Write("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n");

        var loaded = ConversationLoader.Load(file);

        Assert.Equal(0, loaded.VoteRows);
        Assert.Empty(loaded.Input.ParticipantIds);
    }
}
