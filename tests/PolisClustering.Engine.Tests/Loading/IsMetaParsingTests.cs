using PolisClustering.Engine.Loading;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>The spellings of is_meta that exports and API versions use.</summary>
public sealed class IsMetaParsingTests
{
    [Fact]
    public void Load_JsonIsMetaVariants_OnlyTrueIsMeta()
    {
        using var temp = new TempFolder();
        temp.Write("votes.json", "[{\"pid\": 0, \"tid\": 0, \"vote\": 1, \"modified\": 1}]");
        temp.Write("comments.json", """
            [
              {"tid": 0, "txt": "a", "mod": 1, "is_meta": true},
              {"tid": 1, "txt": "b", "mod": 1, "is_meta": false},
              {"tid": 2, "txt": "c", "mod": 1, "is_meta": 0},
              {"tid": 3, "txt": "d", "mod": 1, "is_meta": "0"},
              {"tid": 4, "txt": "e", "mod": 1, "is_meta": "false"},
              {"tid": 5, "txt": "f", "mod": 1, "is_meta": null},
              {"tid": 6, "txt": "g", "mod": 1}
            ]
            """);

        var statements = ConversationLoader.Load(temp.Path).Input.Statements;

        Assert.Equal(7, statements.Count);
        Assert.Equal(["0"], statements.Values.Where(s => s.IsMeta).Select(s => s.Id));
    }

    [Fact]
    public void Load_JsonIsMetaTrueSpellings_AreMeta()
    {
        using var temp = new TempFolder();
        temp.Write("votes.json", "[]");
        temp.Write("comments.json", """
            [
              {"tid": 0, "mod": 1, "is_meta": 1},
              {"tid": 1, "mod": 1, "is_meta": "1"},
              {"tid": 2, "mod": 1, "is_meta": "true"},
              {"tid": 3, "mod": 1, "is_meta": "t"},
              {"tid": 4, "mod": 1, "is_meta": "f"}
            ]
            """);

        var statements = ConversationLoader.Load(temp.Path).Input.Statements;

        Assert.Equal(["0", "1", "2", "3"], statements.Values.Where(s => s.IsMeta).Select(s => s.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_CsvIsMetaColumn_ReadsEachSpelling()
    {
        using var temp = new TempFolder();
        temp.Write("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n");
        temp.Write("comments.csv", "comment-id,moderated,is-meta,comment-body\n0,1,true,a\n1,1,false,b\n2,1,1,c\n3,1,0,d\n4,1,t,e\n5,1,f,f\n6,1,,g\n");

        var statements = ConversationLoader.Load(temp.Path).Input.Statements;

        Assert.Equal(["0", "2", "4"], statements.Values.Where(s => s.IsMeta).Select(s => s.Id).Order(StringComparer.Ordinal));
        Assert.Equal(7, statements.Count);
    }
}
