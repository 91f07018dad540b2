using PolisClustering.Engine.Matrix;
using PolisClustering.Engine.State;

namespace PolisClustering.Engine.Clustering;

/// <summary>Who is clustered (polis-math.md §2.2): sticky, min(7, C) votes, topped up to 15 by vote count.</summary>
internal static class InConv
{
    public static bool[] Compute(VoteMatrix r, ConversationState? previous, EngineOptions options)
    {
        var inConv = new bool[r.RowCount];
        var sticky = new HashSet<string>(previous?.InConv ?? [], StringComparer.Ordinal);
        var threshold = Math.Min(options.InConvVoteThreshold, r.ColumnCount);
        var count = 0;
        for (var i = 0; i < r.RowCount; i++)
        {
            if (sticky.Contains(r.ParticipantIds[i]) || r.VotesOf(i) >= threshold)
            {
                inConv[i] = true;
                count++;
            }
        }

        if (count < options.InConvMinimum)
        {
            // Polis breaks ties in hash-map order; row order is the deterministic stand-in.
            var extra = Enumerable.Range(0, r.RowCount).Where(i => !inConv[i])
                .OrderByDescending(r.VotesOf).Take(options.InConvMinimum - count);
            foreach (var i in extra)
            {
                inConv[i] = true;
            }
        }

        return inConv;
    }
}
