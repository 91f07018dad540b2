namespace PolisClustering.Engine.Loading;

/// <summary>
/// A conversation source could not be read. The message names the file, the 1-based line and the field, e.g.
/// <c>votes.csv line 17, field 'vote': '2' is not -1, 0 or 1</c>.
/// </summary>
public sealed class ConversationLoadException : Exception
{
    public ConversationLoadException()
    {
    }

    public ConversationLoadException(string message)
        : base(message)
    {
    }

    public ConversationLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConversationLoadException(string fileName, int? line, string? field, string detail, Exception? innerException = null)
        : base(Format(fileName, line, field, detail), innerException)
    {
        FileName = fileName;
        Line = line;
        Field = field;
    }

    /// <summary>File name (without folder) the error is in, when known.</summary>
    public string? FileName { get; }

    /// <summary>1-based line of the offending row or JSON token, when known.</summary>
    public int? Line { get; }

    /// <summary>Column or property name, when the error is about one field.</summary>
    public string? Field { get; }

    private static string Format(string fileName, int? line, string? field, string detail)
    {
        var where = fileName;
        if (line is { } l)
        {
            where += FormattableString.Invariant($" line {l}");
        }

        if (field is not null)
        {
            where += $", field '{field}'";
        }

        return $"{where}: {detail}";
    }
}
