using System.Globalization;
using System.Text.Json;
using PolisClustering.Api.Jobs;
using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Endpoints;

/// <summary>
/// POST /cluster's body. Ours is <c>{pollId, priority?, force?, wait?, votes?, statements?}</c>; the seed app's trigger
/// sends <c>{poll_id, force_recalculate, supabase_url, supabase_key}</c>, whose url and key are ignored and never logged.
/// </summary>
public sealed record ClusterRequest(string PollId, JobPriority Priority, bool Force, bool Wait, ConversationInput? Inline)
{
    /// <summary>Parses the body, or returns the field and the reason it is wrong.</summary>
    public static (ClusterRequest? Request, string? Field, string? Error) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, "body", "must be a JSON object");
        }

        var pollElement = Property(body, "pollId", "poll_id");
        string? pollId = pollElement?.ValueKind switch
        {
            JsonValueKind.String => pollElement.Value.GetString(),
            JsonValueKind.Number => pollElement.Value.GetRawText(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(pollId) || pollId.Length > 200)
        {
            return (null, "pollId", "is required: a non-empty string of at most 200 characters (poll_id is accepted too)");
        }

        var priority = JobPriority.Normal;
        if (Property(body, "priority") is { } p)
        {
            if (p.ValueKind != JsonValueKind.String || !Enum.TryParse(p.GetString(), ignoreCase: true, out priority)
                || !Enum.IsDefined(priority))
            {
                return (null, "priority", "must be \"high\", \"normal\" or \"low\"");
            }
        }

        if (!TryBool(body, out var force, "force", "force_recalculate"))
        {
            return (null, "force", "must be true or false");
        }

        if (!TryBool(body, out var wait, "wait"))
        {
            return (null, "wait", "must be true or false");
        }

        ConversationInput? inline = null;
        if (Property(body, "votes") is { } votes)
        {
            var (input, field, error) = ParseVotes(votes, Property(body, "statements"));
            if (input is null)
            {
                return (null, field, error);
            }

            inline = input;
        }
        else if (Property(body, "statements") is not null)
        {
            return (null, "statements", "is only accepted together with votes");
        }

        return (new ClusterRequest(pollId.Trim(), priority, force, wait, inline), null, null);
    }

    private static (ConversationInput? Input, string? Field, string? Error) ParseVotes(JsonElement votes, JsonElement? statements)
    {
        if (votes.ValueKind != JsonValueKind.Array)
        {
            return (null, "votes", "must be an array of {participantId, statementId, vote, timestamp?}");
        }

        var input = new ConversationInput();
        var i = 0;
        foreach (var v in votes.EnumerateArray())
        {
            var at = $"votes[{i}]";
            if (v.ValueKind != JsonValueKind.Object)
            {
                return (null, at, "must be an object");
            }

            var participant = Id(Property(v, "participantId", "participant_id", "pid"));
            if (participant is null)
            {
                return (null, $"{at}.participantId", "is required (a string or an integer)");
            }

            var statement = Id(Property(v, "statementId", "statement_id", "tid"));
            if (statement is null)
            {
                return (null, $"{at}.statementId", "is required (a string or an integer)");
            }

            if (Property(v, "vote") is not { ValueKind: JsonValueKind.Number } vote || !vote.TryGetInt32(out var value) || value is < -1 or > 1)
            {
                return (null, $"{at}.vote", "must be -1 (disagree), 0 (pass) or 1 (agree)");
            }

            long time = i;
            if (Property(v, "timestamp") is { } t && t.ValueKind != JsonValueKind.Null
                && (t.ValueKind != JsonValueKind.Number || !t.TryGetInt64(out time)))
            {
                return (null, $"{at}.timestamp", "must be an integer (milliseconds since the epoch)");
            }

            input.AddVote(participant, statement, value, time);
            i++;
        }

        if (statements is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return (null, "statements", "must be an array of {id, moderation?, isMeta?, text?}");
            }

            var j = 0;
            foreach (var s in list.EnumerateArray())
            {
                var at = $"statements[{j++}]";
                var id = s.ValueKind == JsonValueKind.Object ? Id(Property(s, "id", "statementId", "tid")) : null;
                if (id is null)
                {
                    return (null, $"{at}.id", "is required (a string or an integer)");
                }

                var moderation = Moderation.Accepted;
                if (Property(s, "moderation", "mod", "moderated") is { } m)
                {
                    if (m.ValueKind != JsonValueKind.Number || !m.TryGetInt32(out var mv) || mv is < -1 or > 1)
                    {
                        return (null, $"{at}.moderation", "must be -1 (rejected), 0 (unmoderated) or 1 (accepted)");
                    }

                    moderation = (Moderation)mv;
                }

                if (!TryBool(s, out var isMeta, "isMeta", "is_meta"))
                {
                    return (null, $"{at}.isMeta", "must be true or false");
                }

                var text = Property(s, "text", "txt") is { ValueKind: JsonValueKind.String } tx ? tx.GetString() : null;
                input.AddStatement(new Statement(id, moderation, isMeta, text));
            }
        }

        return (input, null, null);
    }

    private static JsonElement? Property(JsonElement obj, params string[] names)
    {
        foreach (var name in names)
        {
            if (obj.TryGetProperty(name, out var value))
            {
                return value;
            }
        }

        return null;
    }

    private static bool TryBool(JsonElement obj, out bool value, params string[] names)
    {
        value = false;
        switch (Property(obj, names)?.ValueKind)
        {
            case null or JsonValueKind.Null or JsonValueKind.False:
                return true;
            case JsonValueKind.True:
                value = true;
                return true;
            default:
                return false;
        }
    }

    private static string? Id(JsonElement? e) => e?.ValueKind switch
    {
        JsonValueKind.String when !string.IsNullOrWhiteSpace(e.Value.GetString()) => e.Value.GetString(),
        JsonValueKind.Number when e.Value.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
