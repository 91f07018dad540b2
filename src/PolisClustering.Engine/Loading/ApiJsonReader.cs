using System.Text;
using System.Text.Json;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Loading;

/// <summary>
/// Reads the JSON the Polis API serves (votes.json, comments.json, conversation.json). Both API spellings of the
/// ids are accepted (pid/tid and participant_id/statement_id), plus the export's voter-id/comment-id. A forward-only
/// Utf8JsonReader keeps big vote files cheap; errors name the file, the line and the property.
/// </summary>
internal static class ApiJsonReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static void ReadVotes(string path, ConversationInput input, int sign)
    {
        var file = new JsonFile(path);
        var reader = file.CreateReader();
        var participants = new IdIndex(input.InternParticipant);
        var statements = new IdIndex(input.InternStatement);
        try
        {
            file.ExpectArrayStart(ref reader);
            for (var element = 0; file.NextElement(ref reader); element++)
            {
                var start = reader.TokenStartIndex;
                int? participant = null, statement = null;
                int? vote = null;
                long? time = null;
                while (file.NextProperty(ref reader))
                {
                    if (reader.ValueTextEquals("pid"u8) || reader.ValueTextEquals("participant_id"u8) || reader.ValueTextEquals("voter-id"u8))
                    {
                        reader.Read();
                        participant = file.ReadId(ref reader, element, participants);
                    }
                    else if (reader.ValueTextEquals("tid"u8) || reader.ValueTextEquals("statement_id"u8) || reader.ValueTextEquals("comment-id"u8))
                    {
                        reader.Read();
                        statement = file.ReadId(ref reader, element, statements);
                    }
                    else if (reader.ValueTextEquals("vote"u8))
                    {
                        reader.Read();
                        vote = file.ReadVote(ref reader, element);
                    }
                    else if (reader.ValueTextEquals("modified"u8) || reader.ValueTextEquals("timestamp"u8))
                    {
                        reader.Read();
                        time = file.ReadTimestamp(ref reader, element);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                input.AddVote(
                    participant ?? throw file.Missing(start, element, "pid"),
                    statement ?? throw file.Missing(start, element, "tid"),
                    (vote ?? throw file.Missing(start, element, "vote")) * sign,
                    time ?? throw file.Missing(start, element, "modified"));
            }
        }
        catch (JsonException ex)
        {
            throw file.Malformed(ex);
        }
    }

    public static List<CommentRow> ReadComments(string path)
    {
        var file = new JsonFile(path);
        var reader = file.CreateReader();
        var idTexts = new List<string>();
        var ids = new IdIndex(text =>
        {
            idTexts.Add(text);
            return idTexts.Count - 1;
        });
        var comments = new List<CommentRow>();
        try
        {
            file.ExpectArrayStart(ref reader);
            for (var element = 0; file.NextElement(ref reader); element++)
            {
                var start = reader.TokenStartIndex;
                string? id = null, text = null;
                Moderation? moderation = null;
                var isMeta = false;
                int? agrees = null, disagrees = null;
                while (file.NextProperty(ref reader))
                {
                    // Note: comments also carry pid/participant_id, which is the author, not a voter; it is skipped.
                    if (reader.ValueTextEquals("tid"u8) || reader.ValueTextEquals("statement_id"u8) || reader.ValueTextEquals("comment-id"u8))
                    {
                        reader.Read();
                        id = idTexts[file.ReadId(ref reader, element, ids)];
                    }
                    else if (reader.ValueTextEquals("txt"u8))
                    {
                        reader.Read();
                        text = reader.TokenType == JsonTokenType.Null ? null : file.ReadString(ref reader, element);
                    }
                    else if (reader.ValueTextEquals("mod"u8) || reader.ValueTextEquals("moderated"u8))
                    {
                        reader.Read();
                        moderation = file.ReadModeration(ref reader, element);
                    }
                    else if (reader.ValueTextEquals("is_meta"u8))
                    {
                        reader.Read();
                        isMeta = file.ReadBoolean(ref reader, element);
                    }
                    else if (reader.ValueTextEquals("agree_count"u8))
                    {
                        reader.Read();
                        agrees = file.ReadCount(ref reader, element);
                    }
                    else if (reader.ValueTextEquals("disagree_count"u8))
                    {
                        reader.Read();
                        disagrees = file.ReadCount(ref reader, element);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                var statement = new Statement(
                    id ?? throw file.Missing(start, element, "tid"),
                    moderation ?? throw file.Missing(start, element, "mod"),
                    isMeta,
                    text);
                comments.Add(new CommentRow(statement, agrees, disagrees));
            }
        }
        catch (JsonException ex)
        {
            throw file.Malformed(ex);
        }

        return comments;
    }

    /// <summary>Reads strict_moderation and topic; everything else in conversation.json is ignored.</summary>
    public static (bool? StrictModeration, string? Topic) ReadConversation(string path)
    {
        var file = new JsonFile(path);
        var reader = file.CreateReader();
        bool? strict = null;
        string? topic = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ConversationLoadException(file.Name, 1, null, "expected a JSON object");
            }

            while (file.NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("strict_moderation"u8))
                {
                    reader.Read();
                    strict = reader.TokenType == JsonTokenType.Null ? null : file.ReadBoolean(ref reader, -1);
                }
                else if (reader.ValueTextEquals("topic"u8))
                {
                    reader.Read();
                    topic = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            throw file.Malformed(ex);
        }

        return (strict, topic);
    }

    /// <summary>One JSON file in memory, with the helpers that turn tokens into values or into located errors.</summary>
    private sealed class JsonFile
    {
        private long _propertyStart = -1; // the property being read, to name it if the JSON breaks there

        public JsonFile(string path)
        {
            Name = Path.GetFileName(path);
            var bytes = File.ReadAllBytes(path);
            Utf8 = bytes.AsMemory(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0);
        }

        public string Name { get; }

        public ReadOnlyMemory<byte> Utf8 { get; }

        public Utf8JsonReader CreateReader() => new(Utf8.Span, ReaderOptions);

        public void ExpectArrayStart(ref Utf8JsonReader reader)
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                throw new ConversationLoadException(Name, LineAt(reader.TokenStartIndex), null, "expected a JSON array of objects");
            }
        }

        /// <summary>Moves to the next array element's StartObject; false at the end of the array.</summary>
        public bool NextElement(ref Utf8JsonReader reader)
        {
            _propertyStart = -1;
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ConversationLoadException(Name, LineAt(reader.TokenStartIndex), null, $"array element is a {reader.TokenType}, expected an object");
            }

            return true;
        }

        /// <summary>Moves to the next property name of the current object; false at its end.</summary>
        public bool NextProperty(ref Utf8JsonReader reader)
        {
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                return false;
            }

            _propertyStart = reader.TokenStartIndex;
            return true;
        }

        public int ReadId(ref Utf8JsonReader reader, int element, IdIndex ids)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    if (reader.TryGetInt64(out var n) || (reader.TryGetDouble(out var d) && FieldText.TryIntegral(d, out n)))
                    {
                        return ids.Get(n); // 12 and 12.0 are both "12"
                    }

                    throw Invalid(ref reader, element, "is not an integer id");
                case JsonTokenType.String:
                    var text = ReadChars(in reader, stackalloc char[128]);
                    if (text.IsEmpty)
                    {
                        throw At(ref reader, element, FieldText.EmptyId);
                    }

                    return ids.Get(text);
                default:
                    throw Invalid(ref reader, element, "is not an id (number or string)");
            }
        }

        public int ReadVote(ref Utf8JsonReader reader, int element)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var d) && d is -1 or 0 or 1)
            {
                return (int)d;
            }

            if (reader.TokenType == JsonTokenType.String && FieldText.TryVote(ReadChars(in reader, stackalloc char[16]), out var v))
            {
                return v;
            }

            throw Invalid(ref reader, element, FieldText.NotAVote);
        }

        public long ReadTimestamp(ref Utf8JsonReader reader, int element)
        {
            if (reader.TokenType == JsonTokenType.Number
                && (reader.TryGetInt64(out var ms) || (reader.TryGetDouble(out var d) && FieldText.TryIntegral(d, out ms))))
            {
                return ms;
            }

            if (reader.TokenType == JsonTokenType.String && FieldText.TryTimestamp(ReadChars(in reader, stackalloc char[32]), out ms))
            {
                return ms; // below-100-ptpts stores "modified" as a numeric string
            }

            throw Invalid(ref reader, element, FieldText.NotATimestamp);
        }

        public Moderation ReadModeration(ref Utf8JsonReader reader, int element)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) && FieldText.TryModeration(n, out var m))
            {
                return m;
            }

            if (reader.TokenType == JsonTokenType.String && FieldText.TryModeration(ReadChars(in reader, stackalloc char[16]), out m))
            {
                return m;
            }

            throw Invalid(ref reader, element, FieldText.NotAModeration);
        }

        public bool ReadBoolean(ref Utf8JsonReader reader, int element)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.True:
                    return true;
                case JsonTokenType.False:
                case JsonTokenType.Null:
                    return false;
                case JsonTokenType.Number when reader.TryGetInt64(out var n) && n is 0 or 1:
                    return n == 1;
                case JsonTokenType.String when FieldText.TryIsMeta(ReadChars(in reader, stackalloc char[16]), out var b):
                    return b;
                default:
                    throw Invalid(ref reader, element, FieldText.NotAnIsMeta);
            }
        }

        public int? ReadCount(ref Utf8JsonReader reader, int element)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 0)
            {
                return n;
            }

            throw Invalid(ref reader, element, FieldText.NotACount);
        }

        public string ReadString(ref Utf8JsonReader reader, int element) =>
            reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Invalid(ref reader, element, "is not a string");

        public ConversationLoadException Missing(long elementStart, int element, string property) =>
            new(Name, LineAt(elementStart), property, $"required property is missing (array element {element})");

        public ConversationLoadException Malformed(JsonException ex)
        {
            // The reader's message ends with its own 0-based "LineNumber: n | BytePositionInLine: m."; we give the 1-based line.
            var message = ex.Message;
            var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = at > 0 ? message[..at] : message;
            return new(Name, ex.LineNumber is { } l ? (int)l + 1 : null, PropertyName(), $"malformed JSON: {message}", ex);
        }

        private void Read(ref Utf8JsonReader reader)
        {
            if (!reader.Read())
            {
                throw new ConversationLoadException(Name, LineAt(Utf8.Length), PropertyName(), "malformed JSON: unexpected end of data");
            }
        }

        /// <summary>The string token as chars; small unescaped values avoid allocating (ids are decoded per vote).</summary>
        private static ReadOnlySpan<char> ReadChars(in Utf8JsonReader reader, Span<char> buffer)
        {
            if (!reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.Length <= buffer.Length)
            {
                var n = Encoding.UTF8.GetChars(reader.ValueSpan, buffer);
                return buffer[..n];
            }

            return reader.GetString().AsSpan();
        }

        private ConversationLoadException Invalid(ref Utf8JsonReader reader, int element, string problem)
        {
            // Strings are shown by value (as in CSV messages); anything else by its JSON text.
            var shown = reader.TokenType == JsonTokenType.String ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan);
            return At(ref reader, element, $"{FieldText.Show(shown)} {problem}");
        }

        private ConversationLoadException At(ref Utf8JsonReader reader, int element, string detail) =>
            new(Name, LineAt(reader.TokenStartIndex), PropertyName(), element >= 0 ? $"{detail} (array element {element})" : detail);

        /// <summary>The name of the property last started, decoded from the file only when an error needs it.</summary>
        private string? PropertyName()
        {
            if (_propertyStart < 0)
            {
                return null;
            }

            var reader = new Utf8JsonReader(Utf8.Span[(int)_propertyStart..]);
            return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }

        /// <summary>Only computed on error, so normal reads need not track lines.</summary>
        private int LineAt(long offset) => Utf8.Span[..(int)Math.Min(offset, Utf8.Length)].Count((byte)'\n') + 1;
    }
}
