using System.Globalization;
using System.Text.Json;
using PolisClustering.Engine.Model;

namespace PolisClustering.Engine.Tests.Parity;

internal static class FixtureTempReader
{
    public static ConversationInput Read(string dir)
    {
        var input = new ConversationInput();
        using var votes = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "votes.json")));
        foreach (var v in votes.RootElement.EnumerateArray())
        {
            var pid = Id(v.TryGetProperty("pid", out var p) ? p : v.GetProperty("participant_id"));
            var tid = Id(v.TryGetProperty("tid", out var t) ? t : v.GetProperty("statement_id"));
            var m = v.GetProperty("modified");
            var time = m.ValueKind == JsonValueKind.String ? (long)double.Parse(m.GetString()!, CultureInfo.InvariantCulture) : (long)m.GetDouble();
            input.AddVote(pid, tid, v.GetProperty("vote").GetInt32(), time);
        }

        using var comments = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "comments.json")));
        foreach (var c in comments.RootElement.EnumerateArray())
        {
            var tid = Id(c.TryGetProperty("tid", out var t) ? t : c.GetProperty("statement_id"));
            var mod = (c.TryGetProperty("mod", out var m) ? m : c.GetProperty("moderated")).GetInt32();
            var meta = c.GetProperty("is_meta").ValueKind == JsonValueKind.True;
            input.AddStatement(new Statement(tid, (Moderation)mod, meta, c.GetProperty("txt").GetString()));
        }

        return input;
    }

    private static string Id(JsonElement e) => e.ValueKind == JsonValueKind.Number
        ? e.GetDouble().ToString(CultureInfo.InvariantCulture)
        : e.GetString()!;
}
