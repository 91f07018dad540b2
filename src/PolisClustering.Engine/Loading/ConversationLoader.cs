using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Loading;

/// <summary>
/// Loads a conversation from (a) a Polis export folder (votes.csv, optional comments.csv and summary.csv), (b) a Polis
/// API folder (votes.json, optional comments.json and conversation.json) or (c) a single votes file (.csv or .json,
/// votes only). A folder holding both votes.csv and votes.json is read as an export. Loading is all-or-nothing: any
/// problem throws <see cref="ConversationLoadException"/> and nothing is returned.
/// </summary>
public static class ConversationLoader
{
    public static LoadedConversation Load(string path, VoteSign sign = VoteSign.Auto)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            if (Directory.Exists(path))
            {
                return LoadFolder(path, sign);
            }

            if (File.Exists(path))
            {
                return LoadVotesFile(path, sign);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConversationLoadException($"{path}: {ex.Message}", ex);
        }

        throw new ConversationLoadException($"{path}: no such file or folder");
    }

    private static LoadedConversation LoadFolder(string folder, VoteSign sign)
    {
        var votesCsv = Path.Combine(folder, "votes.csv");
        if (File.Exists(votesCsv))
        {
            var commentsCsv = Path.Combine(folder, "comments.csv");
            var summaryCsv = Path.Combine(folder, "summary.csv");
            var comments = File.Exists(commentsCsv) ? ExportCsvReader.ReadComments(commentsCsv) : [];
            var topic = File.Exists(summaryCsv) ? ExportCsvReader.ReadTopic(summaryCsv) : null;
            var source = $"Polis export {folder} (votes.csv{(File.Exists(commentsCsv) ? ", comments.csv" : "")})";
            return Build(source, sign, comments, null, topic, (input, s) => ExportCsvReader.ReadVotes(votesCsv, input, s));
        }

        var votesJson = Path.Combine(folder, "votes.json");
        if (File.Exists(votesJson))
        {
            var commentsJson = Path.Combine(folder, "comments.json");
            var conversationJson = Path.Combine(folder, "conversation.json");
            var comments = File.Exists(commentsJson) ? ApiJsonReader.ReadComments(commentsJson) : [];
            var (strict, topic) = File.Exists(conversationJson) ? ApiJsonReader.ReadConversation(conversationJson) : (null, null);
            var source = $"Polis API folder {folder} (votes.json{(File.Exists(commentsJson) ? ", comments.json" : "")})";
            return Build(source, sign, comments, strict, topic, (input, s) => ApiJsonReader.ReadVotes(votesJson, input, s));
        }

        throw new ConversationLoadException(
            $"{folder}: expected votes.csv (Polis export, with optional comments.csv) or votes.json (Polis API, with optional comments.json and conversation.json)");
    }

    private static LoadedConversation LoadVotesFile(string file, VoteSign sign)
    {
        var extension = Path.GetExtension(file);
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return Build($"votes file {file}", sign, [], null, null, (input, s) => ExportCsvReader.ReadVotes(file, input, s));
        }

        if (extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return Build($"votes file {file}", sign, [], null, null, (input, s) => ApiJsonReader.ReadVotes(file, input, s));
        }

        throw new ConversationLoadException(Path.GetFileName(file), null, null, "expected a .csv or .json votes file, or a folder");
    }

    private static LoadedConversation Build(
        string source,
        VoteSign sign,
        List<CommentRow> comments,
        bool? strictModeration,
        string? topic,
        Action<ConversationInput, int> readVotes)
    {
        var input = new ConversationInput();
        readVotes(input, sign == VoteSign.AgreeNegative ? -1 : 1);
        if (sign == VoteSign.Auto)
        {
            sign = VoteSignDetector.Detect(input, comments);
            if (sign == VoteSign.AgreeNegative)
            {
                input = VoteSignDetector.Negated(input);
            }
        }

        foreach (var comment in comments)
        {
            input.AddStatement(comment.Statement);
        }

        return new LoadedConversation(input, source, sign, input.VoteEventCount, strictModeration, topic);
    }
}
