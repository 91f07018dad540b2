using PolisClustering.Engine.Model;
using PolisClustering.Engine.State;

namespace PolisClustering.Engine.Matrix;

/// <summary>
/// The raw rating matrix R of polis-math.md §2.1 in compressed rows: the latest vote per (participant, statement), in
/// the internal sign (agree = -1), rows and columns in Polis order (§1.5). Never dense: memory is O(votes).
/// </summary>
internal sealed class VoteMatrix
{
    private VoteMatrix(string[] participants, string[] statements, int[] rowStart, int[] cols, sbyte[] values,
        bool[] modOut, long lastVoteTimestamp)
    {
        ParticipantIds = participants;
        StatementIds = statements;
        RowStart = rowStart;
        Cols = cols;
        Values = values;
        ModOut = modOut;
        LastVoteTimestamp = lastVoteTimestamp;
        ModOutCount = modOut.Count(m => m);
    }

    public string[] ParticipantIds { get; }
    public string[] StatementIds { get; }

    /// <summary>Row i's entries are [RowStart[i], RowStart[i+1]), columns ascending.</summary>
    public int[] RowStart { get; }
    public int[] Cols { get; }

    /// <summary>Internal sign: agree = -1, disagree = +1, pass = 0.</summary>
    public sbyte[] Values { get; }

    /// <summary>Columns whose statement is meta or rejected (§1.3).</summary>
    public bool[] ModOut { get; }
    public int ModOutCount { get; }
    public long LastVoteTimestamp { get; }

    public int RowCount => ParticipantIds.Length;
    public int ColumnCount => StatementIds.Length;
    public int VoteCount => Cols.Length;

    /// <summary>u_i: votes in row i of R, mod-out votes included (§2.1).</summary>
    public int VotesOf(int row) => RowStart[row + 1] - RowStart[row];

    public static VoteMatrix Build(ConversationInput input, ConversationState? previous)
    {
        var sIds = input.VotedStatementIds;
        var (rowOf, participants) = OrderParticipants(input, previous);
        var (colOf, statements) = OrderStatements(sIds, previous);

        // Latest vote wins (§1.4): bucket events by row, then keep the latest per column with a stamp array.
        // Equal timestamps fall back to the larger value so that the result never depends on arrival order.
        var events = input.VoteParticipants;
        var stmts = input.VoteStatements;
        var values = input.VoteValues;
        var times = input.VoteTimes;
        var n = participants.Length;
        var bucketStart = new int[n + 1];
        foreach (var p in events)
        {
            bucketStart[rowOf[p] + 1]++;
        }

        for (var i = 0; i < n; i++)
        {
            bucketStart[i + 1] += bucketStart[i];
        }

        var fill = (int[])bucketStart.Clone();
        var byRow = new int[events.Length];
        for (var e = 0; e < events.Length; e++)
        {
            byRow[fill[rowOf[events[e]]]++] = e;
        }

        var stampRow = new int[statements.Length];
        Array.Fill(stampRow, -1);
        var bestEvent = new int[statements.Length];
        var rowStart = new int[n + 1];
        var cols = new int[events.Length];
        var vals = new sbyte[events.Length];
        var rowCols = new int[statements.Length];
        long lastVote = 0;
        var nnz = 0;
        for (var r = 0; r < n; r++)
        {
            var count = 0;
            for (var k = bucketStart[r]; k < bucketStart[r + 1]; k++)
            {
                var e = byRow[k];
                var c = colOf[stmts[e]];
                if (stampRow[c] != r)
                {
                    stampRow[c] = r;
                    bestEvent[c] = e;
                    rowCols[count++] = c;
                }
                else
                {
                    var b = bestEvent[c];
                    if (times[e] > times[b] || (times[e] == times[b] && values[e] > values[b]))
                    {
                        bestEvent[c] = e;
                    }
                }
            }

            var row = rowCols.AsSpan(0, count);
            row.Sort();
            foreach (var c in row)
            {
                var e = bestEvent[c];
                cols[nnz] = c;
                vals[nnz++] = (sbyte)-values[e]; // export sign to internal sign (§1.2)
                lastVote = Math.Max(lastVote, times[e]);
            }

            rowStart[r + 1] = nnz;
        }

        Array.Resize(ref cols, nnz);
        Array.Resize(ref vals, nnz);

        var modOut = new bool[statements.Length];
        for (var c = 0; c < statements.Length; c++)
        {
            modOut[c] = input.StatementOrDefault(statements[c]).IsModeratedOut;
        }

        return new VoteMatrix(participants, statements, rowStart, cols, vals, modOut, lastVote);
    }

    /// <summary>
    /// Previous row order first; new participants by their first vote's time, then id. Polis appends rows as votes
    /// arrive (§1.5), so a live conversation's rows are in first-vote order; row order seeds k-means (§2.9).
    /// </summary>
    private static (int[] RowOf, string[] Ids) OrderParticipants(ConversationInput input, ConversationState? previous)
    {
        var ids = input.ParticipantIds;
        var index = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            index[ids[i]] = i;
        }

        var rowOf = new int[ids.Count];
        Array.Fill(rowOf, -1);
        var order = new List<int>(ids.Count);
        foreach (var id in previous?.ParticipantOrder ?? [])
        {
            if (index.TryGetValue(id, out var p) && rowOf[p] < 0)
            {
                rowOf[p] = order.Count;
                order.Add(p);
            }
        }

        var firstVote = new long[ids.Count];
        Array.Fill(firstVote, long.MaxValue);
        var ps = input.VoteParticipants;
        var ts = input.VoteTimes;
        for (var e = 0; e < ps.Length; e++)
        {
            firstVote[ps[e]] = Math.Min(firstVote[ps[e]], ts[e]);
        }

        var pidRank = IdRanks.Of(ids);
        var fresh = new List<int>();
        for (var p = 0; p < ids.Count; p++)
        {
            if (rowOf[p] < 0)
            {
                fresh.Add(p);
            }
        }

        fresh.Sort((a, b) =>
        {
            var c = firstVote[a].CompareTo(firstVote[b]);
            return c != 0 ? c : pidRank[a].CompareTo(pidRank[b]);
        });
        foreach (var p in fresh)
        {
            rowOf[p] = order.Count;
            order.Add(p);
        }

        return (rowOf, [.. order.Select(p => ids[p])]);
    }

    /// <summary>Previous column order first, then new statements ascending (§1.5).</summary>
    private static (int[] ColOf, string[] Ids) OrderStatements(IReadOnlyList<string> ids, ConversationState? previous)
    {
        var index = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
        {
            index[ids[i]] = i;
        }

        var colOf = new int[ids.Count];
        Array.Fill(colOf, -1);
        var order = new List<int>(ids.Count);
        foreach (var id in previous?.StatementOrder ?? [])
        {
            if (index.TryGetValue(id, out var s) && colOf[s] < 0)
            {
                colOf[s] = order.Count;
                order.Add(s);
            }
        }

        var rank = IdRanks.Of(ids);
        var fresh = Enumerable.Range(0, ids.Count).Where(s => colOf[s] < 0).OrderBy(s => rank[s]).ToList();
        foreach (var s in fresh)
        {
            colOf[s] = order.Count;
            order.Add(s);
        }

        return (colOf, [.. order.Select(s => ids[s])]);
    }
}
