namespace PolisClustering.Engine.Model;

/// <summary>
/// Orders ids the way Polis orders its integer pids and tids: numerically when both parse as integers, and ordinally
/// otherwise (integers first), so that string ids from other platforms still sort deterministically.
/// </summary>
public sealed class IdOrder : IComparer<string>
{
    public static readonly IdOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var xNum = long.TryParse(x, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var xv);
        var yNum = long.TryParse(y, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var yv);
        if (xNum && yNum)
        {
            var c = xv.CompareTo(yv);
            return c != 0 ? c : string.CompareOrdinal(x, y);
        }

        if (xNum != yNum)
        {
            return xNum ? -1 : 1;
        }

        return string.CompareOrdinal(x, y);
    }
}
