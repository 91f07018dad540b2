using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Loading;

/// <summary>
/// Tells agree = +1 (exports) from agree = -1 (raw Polis API/DB) by comparing each comment's reported agree/disagree
/// counts with the +1 and -1 vote events actually present (both count superseded duplicates).
/// </summary>
internal static class VoteSignDetector
{
    /// <summary>
    /// Each comment with counts votes for the convention whose counts are closer (an exact match is distance 0, so
    /// a source whose counts were taken slightly before or after the votes still decides). Ties and sources without
    /// counts give <see cref="VoteSign.AgreePositive"/>.
    /// </summary>
    public static VoteSign Detect(ConversationInput input, IReadOnlyList<CommentRow> comments)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < input.VotedStatementIds.Count; i++)
        {
            index[input.VotedStatementIds[i]] = i;
        }

        var plus = new int[index.Count];
        var minus = new int[index.Count];
        var statements = input.VoteStatements;
        var values = input.VoteValues;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] > 0)
            {
                plus[statements[i]]++;
            }
            else if (values[i] < 0)
            {
                minus[statements[i]]++;
            }
        }

        int positive = 0, negative = 0;
        foreach (var c in comments)
        {
            if (c.Agrees is not { } agrees || c.Disagrees is not { } disagrees)
            {
                continue;
            }

            var (p, m) = index.TryGetValue(c.Statement.Id, out var s) ? (plus[s], minus[s]) : (0, 0);
            var asPositive = Math.Abs(agrees - p) + Math.Abs(disagrees - m);
            var asNegative = Math.Abs(agrees - m) + Math.Abs(disagrees - p);
            if (asPositive < asNegative)
            {
                positive++;
            }
            else if (asNegative < asPositive)
            {
                negative++;
            }
        }

        return negative > positive ? VoteSign.AgreeNegative : VoteSign.AgreePositive;
    }

    /// <summary>A copy with every vote negated, keeping event order and id indices.</summary>
    public static ConversationInput Negated(ConversationInput input)
    {
        var result = new ConversationInput();
        foreach (var id in input.ParticipantIds)
        {
            result.InternParticipant(id);
        }

        foreach (var id in input.VotedStatementIds)
        {
            result.InternStatement(id);
        }

        var participants = input.VoteParticipants;
        var statements = input.VoteStatements;
        var values = input.VoteValues;
        var times = input.VoteTimes;
        for (var i = 0; i < values.Length; i++)
        {
            result.AddVote(participants[i], statements[i], -values[i], times[i]);
        }

        return result;
    }
}
