using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Loading;

/// <summary>Views of a ConversationInput's vote events that tests compare and assert on.</summary>
internal static class Votes
{
    /// <summary>Every event as (participant, statement, vote, timestamp), in event order.</summary>
    public static List<(string Participant, string Statement, int Vote, long Time)> Events(ConversationInput input)
    {
        var list = new List<(string, string, int, long)>(input.VoteEventCount);
        for (var i = 0; i < input.VoteEventCount; i++)
        {
            list.Add((input.ParticipantIds[input.VoteParticipants[i]], input.VotedStatementIds[input.VoteStatements[i]], input.VoteValues[i], input.VoteTimes[i]));
        }

        return list;
    }

    /// <summary>The latest vote per (participant, statement); on equal timestamps the later event wins.</summary>
    public static Dictionary<(string Participant, string Statement), int> Latest(ConversationInput input)
    {
        var latest = new Dictionary<(string, string), (int Vote, long Time)>();
        foreach (var (p, s, v, t) in Events(input))
        {
            if (!latest.TryGetValue((p, s), out var seen) || t >= seen.Time)
            {
                latest[(p, s)] = (v, t);
            }
        }

        return latest.ToDictionary(kv => kv.Key, kv => kv.Value.Vote);
    }
}
