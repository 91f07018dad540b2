using System.Globalization;
using nietras.SeparatedValues;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Loading;

/// <summary>
/// Reads the CSV files of a Polis export (compdemocracy openData layout). Columns are found by header name, in any
/// order, extra columns ignored. Sep parses; this class adds what Sep leaves to the caller: named-column checks,
/// short-row and unterminated-quote detection, and errors that name file, line and field.
/// </summary>
internal static class ExportCsvReader
{
    private static readonly SepReaderOptions Options = new(new Sep(','))
    {
        HasHeader = true,
        DisableColCountCheck = true, // we report short rows ourselves, with the missing column's name
        CultureInfo = CultureInfo.InvariantCulture,
    };

    /// <summary>Adds every vote row to <paramref name="input"/>, multiplying votes by <paramref name="sign"/> (+1 or -1).</summary>
    public static void ReadVotes(string path, ConversationInput input, int sign)
    {
        var file = Path.GetFileName(path);
        using var reader = Open(path, file);
        var columns = new Columns(file, reader.Header);
        var time = columns.Require("timestamp");
        var statement = columns.Require("comment-id");
        var participant = columns.Require("voter-id");
        var vote = columns.Require("vote");
        var participants = new IdIndex(input.InternParticipant);
        var statements = new IdIndex(input.InternStatement);

        foreach (var row in reader)
        {
            if (!columns.Check(row))
            {
                continue;
            }

            var line = row.LineNumberFrom;
            var voteText = row[vote].Span;
            if (!FieldText.TryVote(voteText, out var v))
            {
                throw new ConversationLoadException(file, line, "vote", $"{FieldText.Show(voteText)} {FieldText.NotAVote}");
            }

            var timeText = row[time].Span;
            if (!FieldText.TryTimestamp(timeText, out var ms))
            {
                throw new ConversationLoadException(file, line, "timestamp", $"{FieldText.Show(timeText)} {FieldText.NotATimestamp}");
            }

            input.AddVote(participants.Get(Id(row, participant, "voter-id", file)), statements.Get(Id(row, statement, "comment-id", file)), v * sign, ms);
        }
    }

    public static List<CommentRow> ReadComments(string path)
    {
        var file = Path.GetFileName(path);
        using var reader = Open(path, file);
        var columns = new Columns(file, reader.Header);
        var id = columns.Require("comment-id");
        var moderated = columns.Require("moderated");
        var body = columns.Optional("comment-body");
        var isMeta = columns.Optional("is-meta");
        var agrees = columns.Optional("agrees");
        var disagrees = columns.Optional("disagrees");
        var comments = new List<CommentRow>();

        foreach (var row in reader)
        {
            if (!columns.Check(row))
            {
                continue;
            }

            var line = row.LineNumberFrom;
            var statementId = Id(row, id, "comment-id", file).ToString();
            var modText = row[moderated].Span;
            if (!FieldText.TryModeration(modText, out var moderation))
            {
                throw new ConversationLoadException(file, line, "moderated", $"{FieldText.Show(modText)} {FieldText.NotAModeration}");
            }

            var meta = false;
            if (isMeta >= 0 && !FieldText.TryIsMeta(row[isMeta].Span, out meta))
            {
                throw new ConversationLoadException(file, line, "is-meta", $"{FieldText.Show(row[isMeta].Span)} {FieldText.NotAnIsMeta}");
            }

            var text = body >= 0 ? Unquote(row[body].Span) : null;
            comments.Add(new CommentRow(
                new Statement(statementId, moderation, meta, text),
                Count(row, agrees, "agrees", file),
                Count(row, disagrees, "disagrees", file)));
        }

        return comments;
    }

    /// <summary>summary.csv is "key,value" rows; only the topic is of interest.</summary>
    public static string? ReadTopic(string path)
    {
        var file = Path.GetFileName(path);
        using var reader = Open(path, file, hasHeader: false);
        foreach (var row in reader)
        {
            if (row.ColCount >= 2 && Unquote(row[0].Span) == "topic")
            {
                return Unquote(row[1].Span);
            }
        }

        return null;
    }

    private static SepReader Open(string path, string file, bool hasHeader = true)
    {
        try
        {
            return (Options with { HasHeader = hasHeader }).FromFile(path);
        }
        catch (ArgumentException ex)
        {
            // Sep rejects a header that names a column twice.
            throw new ConversationLoadException(file, 1, null, ex.Message, ex);
        }
    }

    private static ReadOnlySpan<char> Id(SepReader.Row row, int column, string name, string file)
    {
        var text = row[column].Span;
        if (text.IsEmpty)
        {
            throw new ConversationLoadException(file, row.LineNumberFrom, name, FieldText.EmptyId);
        }

        return text[0] == '"' ? Unquote(text) : text;
    }

    private static int? Count(SepReader.Row row, int column, string name, string file)
    {
        if (column < 0)
        {
            return null;
        }

        var text = row[column].Span;
        if (!FieldText.TryCount(text, out var count))
        {
            throw new ConversationLoadException(file, row.LineNumberFrom, name, $"{FieldText.Show(text)} {FieldText.NotACount}");
        }

        return count;
    }

    /// <summary>RFC 4180 unescaping; done here rather than by Sep so that the raw text stays available for the quote check.</summary>
    private static string Unquote(ReadOnlySpan<char> text) =>
        text.Length >= 2 && text[0] == '"' && text[^1] == '"'
            ? text[1..^1].ToString().Replace("\"\"", "\"", StringComparison.Ordinal)
            : text.ToString();

    /// <summary>Header column lookup and the per-row shape checks.</summary>
    private sealed class Columns
    {
        private readonly string _file;
        private readonly string[] _names;

        public Columns(string file, SepReaderHeader header)
        {
            _file = file;
            _names = [.. header.ColNames.Select(n => Unquote(n.AsSpan()).Trim())];
        }

        public int Require(string name)
        {
            var index = Optional(name);
            if (index < 0)
            {
                var found = _names.Length == 0 ? "the file is empty" : $"header is '{string.Join(',', _names)}'";
                throw new ConversationLoadException(_file, 1, name, $"required column is missing ({found})");
            }

            return index;
        }

        public int Optional(string name) => Array.FindIndex(_names, n => n.Equals(name, StringComparison.OrdinalIgnoreCase));

        /// <summary>False for a blank line (skipped); throws for an unterminated quote or a row of the wrong width.</summary>
        public bool Check(SepReader.Row row)
        {
            if (row.ColCount == 1 && row[0].Span.IsEmpty)
            {
                return false;
            }

            // Sep reads an unclosed quote to the end of the file; an odd number of quotes in a field gives it away.
            if (row.Span.Contains('"'))
            {
                for (var i = 0; i < row.ColCount; i++)
                {
                    if ((row[i].Span.Count('"') & 1) != 0)
                    {
                        throw new ConversationLoadException(_file, row.LineNumberFrom, NameOf(i), "unterminated quote (the field runs to the end of the file)");
                    }
                }
            }

            if (row.ColCount < _names.Length)
            {
                throw new ConversationLoadException(_file, row.LineNumberFrom, _names[row.ColCount], $"line has {row.ColCount} fields, header has {_names.Length} (truncated line?)");
            }

            if (row.ColCount > _names.Length)
            {
                throw new ConversationLoadException(_file, row.LineNumberFrom, NameOf(_names.Length), $"line has {row.ColCount} fields, header has {_names.Length}");
            }

            return true;
        }

        private string NameOf(int column) => column < _names.Length ? _names[column] : $"#{column + 1}";
    }
}
