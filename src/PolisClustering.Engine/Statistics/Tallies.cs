using PolisClustering.Engine.Matrix;

namespace PolisClustering.Engine.Statistics;

/// <summary>
/// Agree, disagree and seen counts per row group and column, on R (polis-math.md §3.1, §3.7). Agree counts the
/// internal -1, disagree +1, seen every present vote.
/// </summary>
internal sealed class Tallies
{
    public Tallies(int groups, int columns)
    {
        Agree = new int[groups][];
        Disagree = new int[groups][];
        Seen = new int[groups][];
        for (var g = 0; g < groups; g++)
        {
            Agree[g] = new int[columns];
            Disagree[g] = new int[columns];
            Seen[g] = new int[columns];
        }
    }

    public int[][] Agree { get; }
    public int[][] Disagree { get; }
    public int[][] Seen { get; }
    public int GroupCount => Agree.Length;

    /// <summary>Counts each row's votes into the group <paramref name="groupOfRow"/> names (-1: not counted).</summary>
    public static Tallies Count(VoteMatrix r, int[] groupOfRow, int groups)
    {
        var t = new Tallies(groups, r.ColumnCount);
        for (var i = 0; i < r.RowCount; i++)
        {
            var g = groupOfRow[i];
            if (g < 0)
            {
                continue;
            }

            for (var k = r.RowStart[i]; k < r.RowStart[i + 1]; k++)
            {
                var c = r.Cols[k];
                t.Seen[g][c]++;
                if (r.Values[k] < 0)
                {
                    t.Agree[g][c]++;
                }
                else if (r.Values[k] > 0)
                {
                    t.Disagree[g][c]++;
                }
            }
        }

        return t;
    }

    /// <summary>Sums groups of rows of this tally into coarser groups (base clusters into opinion groups).</summary>
    public Tallies SumInto(IReadOnlyList<IReadOnlyList<int>> parts)
    {
        var columns = Agree.Length > 0 ? Agree[0].Length : 0;
        var t = new Tallies(parts.Count, columns);
        for (var g = 0; g < parts.Count; g++)
        {
            foreach (var b in parts[g])
            {
                for (var c = 0; c < columns; c++)
                {
                    t.Agree[g][c] += Agree[b][c];
                    t.Disagree[g][c] += Disagree[b][c];
                    t.Seen[g][c] += Seen[b][c];
                }
            }
        }

        return t;
    }
}
