namespace PolisClustering.Api.Persistence;

/// <summary>
/// An order-independent fingerprint of a vote set: the wrapping sum of one FNV-1a hash per vote row. Stable across
/// processes (unlike HashCode), so a stored watermark still compares equal after a restart.
/// </summary>
public sealed class VoteFingerprint
{
    private ulong _sum;

    public long Rows { get; private set; }
    public long LatestMs { get; private set; } = long.MinValue;

    public void Add(string participant, string statement, int vote, long timeMs)
    {
        var h = 14695981039346656037UL;
        h = Mix(h, participant);
        h = Mix((h ^ 0x1f) * 1099511628211UL, statement);
        h = ((h ^ (ulong)(vote + 2)) * 1099511628211UL) ^ (ulong)timeMs;
        unchecked
        {
            _sum += h * 1099511628211UL;
        }

        Rows++;
        LatestMs = Math.Max(LatestMs, timeMs);
    }

    public VoteWatermark ToWatermark() => new(Rows,
        Rows == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(LatestMs), unchecked((long)_sum));

    private static ulong Mix(ulong h, string text)
    {
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }

        return h;
    }
}
