using System.Globalization;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Matrix;

/// <summary>Ranks ids in <see cref="IdOrder"/> once, so hot paths compare ints instead of parsing strings.</summary>
internal static class IdRanks
{
    public static int[] Of(IReadOnlyList<string> ids)
    {
        var keys = new (bool IsNumber, long Number, string Text, int Index)[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            var isNumber = long.TryParse(ids[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n);
            keys[i] = (isNumber, n, ids[i], i);
        }

        Array.Sort(keys, static (a, b) =>
        {
            if (a.IsNumber != b.IsNumber)
            {
                return a.IsNumber ? -1 : 1;
            }

            var c = a.IsNumber ? a.Number.CompareTo(b.Number) : 0;
            return c != 0 ? c : string.CompareOrdinal(a.Text, b.Text);
        });

        var rank = new int[ids.Count];
        for (var r = 0; r < keys.Length; r++)
        {
            rank[keys[r].Index] = r;
        }

        return rank;
    }
}
