using PolisClustering.Engine.Loading;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>Bad JSON input fails the whole load with a message naming file, line and property.</summary>
public sealed class JsonErrorTests
{
    [Fact]
    public void Load_MalformedJson_ReportsTheJsonExceptionLine()
    {
        var ex = LoadVotes("[\n  {\"pid\": 1, \"tid\": 2, \"vote\": 1, \"modified\": 5},\n  {\"pid\": 1, \"tid\": 3, \"vote\": 1 \"modified\": 6}\n]\n");

        Assert.StartsWith("votes.json line 3, field 'vote': malformed JSON: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Load_TruncatedJson_ReportsMalformed()
    {
        var ex = LoadVotes("[\n  {\"pid\": 1, \"tid\": 2, \"vote\": 1, \"modified\": 5},\n  {\"pid\": 1, \"tid\"");

        Assert.StartsWith("votes.json line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("malformed JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_VoteTwo_NamesLinePropertyAndElement()
    {
        var ex = LoadVotes("[\n  {\"pid\": 1, \"tid\": 2, \"vote\": 1, \"modified\": 5},\n  {\"pid\": 1,\n   \"tid\": 3,\n   \"vote\": 2, \"modified\": 6}\n]\n");

        Assert.Equal("votes.json line 5, field 'vote': '2' is not -1, 0 or 1 (array element 1)", ex.Message);
    }

    [Fact]
    public void Load_MissingVoteProperty_NamesElementLineAndProperty()
    {
        var ex = LoadVotes("[\n  {\"pid\": 1, \"tid\": 2, \"modified\": 5}\n]\n");

        Assert.Equal("votes.json line 2, field 'vote': required property is missing (array element 0)", ex.Message);
    }

    [Fact]
    public void Load_TimestampNotANumber_NamesLineAndProperty()
    {
        var ex = LoadVotes("[{\"participant_id\": 1, \"statement_id\": 2, \"vote\": 1, \"modified\": \"abc\"}]");

        Assert.Equal("votes.json line 1, field 'modified': 'abc' is not a timestamp (ms since epoch) (array element 0)", ex.Message);
    }

    [Fact]
    public void Load_EmptyId_NamesLineAndProperty()
    {
        var ex = LoadVotes("[{\"pid\": \"\", \"tid\": 2, \"vote\": 1, \"modified\": 5}]");

        Assert.Equal("votes.json line 1, field 'pid': id is empty (array element 0)", ex.Message);
    }

    [Fact]
    public void Load_NotAnArray_SaysWhatWasExpected()
    {
        var ex = LoadVotes("{\"votes\": []}");

        Assert.Equal("votes.json line 1: expected a JSON array of objects", ex.Message);
    }

    [Theory]
    [InlineData("\"maybe\"", "'maybe'")]
    [InlineData("2", "'2'")]
    public void Load_BadIsMeta_NamesLineAndProperty(string value, string shown)
    {
        var ex = LoadComments($"[\n  {{\"tid\": 0, \"txt\": \"a\", \"mod\": 1, \"is_meta\": {value}}}\n]");

        Assert.Equal($"comments.json line 2, field 'is_meta': {shown} is not a boolean (true/false, 1/0, t/f or empty) (array element 0)", ex.Message);
    }

    [Fact]
    public void Load_UnknownModeration_NamesLineAndProperty()
    {
        var ex = LoadComments("[\n  {\"tid\": 0, \"txt\": \"a\", \"mod\": 1},\n  {\"tid\": 1, \"txt\": \"b\", \"mod\": 5}\n]");

        Assert.Equal("comments.json line 3, field 'mod': '5' is not a moderation value (-1 rejected, 0 unmoderated, 1 accepted) (array element 1)", ex.Message);
    }

    [Fact]
    public void Load_MalformedConversationJson_NamesFile()
    {
        using var temp = new TempFolder();
        temp.Write("votes.json", "[]");
        temp.Write("conversation.json", "{\n  \"strict_moderation\": tru\n}");

        var ex = Assert.Throws<ConversationLoadException>(() => ConversationLoader.Load(temp.Path));

        Assert.StartsWith("conversation.json line 2, field 'strict_moderation': malformed JSON", ex.Message, StringComparison.Ordinal);
    }

    private static ConversationLoadException LoadVotes(string votesJson)
    {
        using var temp = new TempFolder();
        temp.Write("votes.json", votesJson);
        return Assert.Throws<ConversationLoadException>(() => ConversationLoader.Load(temp.Path));
    }

    private static ConversationLoadException LoadComments(string commentsJson)
    {
        using var temp = new TempFolder();
        temp.Write("votes.json", "[{\"pid\": 0, \"tid\": 0, \"vote\": 1, \"modified\": 1}]");
        temp.Write("comments.json", commentsJson);
        return Assert.Throws<ConversationLoadException>(() => ConversationLoader.Load(temp.Path));
    }
}
