using System.Globalization;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Loading;

/// <summary>Culture-invariant parsing of the field values shared by the CSV and JSON formats.</summary>
internal static class FieldText
{
    public const string NotAVote = "is not -1, 0 or 1";
    public const string NotATimestamp = "is not a timestamp (ms since epoch)";
    public const string NotAModeration = "is not a moderation value (-1 rejected, 0 unmoderated, 1 accepted)";
    public const string NotAnIsMeta = "is not a boolean (true/false, 1/0, t/f or empty)";
    public const string NotACount = "is not a non-negative integer";
    public const string EmptyId = "id is empty";

    /// <summary>Fast path for the only three valid spellings; this runs once per vote row.</summary>
    public static bool TryVote(ReadOnlySpan<char> s, out int vote)
    {
        if (s.Length == 1 && s[0] is '0' or '1')
        {
            vote = s[0] - '0';
            return true;
        }

        if (s.Length == 2 && s[0] == '-' && s[1] == '1')
        {
            vote = -1;
            return true;
        }

        vote = 0;
        return false;
    }

    /// <summary>Integer ms; an integral decimal such as "1594984322740.0" (as some tools write) is accepted too.</summary>
    public static bool TryTimestamp(ReadOnlySpan<char> s, out long ms)
    {
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ms))
        {
            return true;
        }

        if (double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d))
        {
            return TryIntegral(d, out ms);
        }

        return false;
    }

    public static bool TryIntegral(double d, out long value)
    {
        // ±2^53 is where doubles stop representing every integer; ms timestamps and ids are far below it.
        if (Math.Abs(d) <= 9_007_199_254_740_992d && Math.Floor(d) == d)
        {
            value = (long)d;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryModeration(long value, out Moderation moderation)
    {
        moderation = (Moderation)(int)value;
        return value is >= -1 and <= 1;
    }

    public static bool TryModeration(ReadOnlySpan<char> s, out Moderation moderation)
    {
        if (TryVote(s, out var v))
        {
            moderation = (Moderation)v;
            return true;
        }

        moderation = Moderation.Unmoderated;
        return false;
    }

    /// <summary>Exports and API versions spell booleans differently; empty means "not meta".</summary>
    public static bool TryIsMeta(ReadOnlySpan<char> s, out bool isMeta)
    {
        s = s.Trim();
        if (s.IsEmpty || s is "0" || s.Equals("false", StringComparison.OrdinalIgnoreCase) || s.Equals("f", StringComparison.OrdinalIgnoreCase))
        {
            isMeta = false;
            return true;
        }

        if (s is "1" || s.Equals("true", StringComparison.OrdinalIgnoreCase) || s.Equals("t", StringComparison.OrdinalIgnoreCase))
        {
            isMeta = true;
            return true;
        }

        isMeta = false;
        return false;
    }

    public static bool TryCount(ReadOnlySpan<char> s, out int count) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out count);

    /// <summary>A value quoted for an error message, cut short so a runaway field does not flood the message.</summary>
    public static string Show(ReadOnlySpan<char> s)
    {
        const int Max = 40;
        return s.Length <= Max ? $"'{s}'" : $"'{s[..Max]}...'";
    }
}
