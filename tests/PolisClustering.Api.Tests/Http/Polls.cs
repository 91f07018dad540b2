using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PolisClustering.Api.Tests.Http;

/// <summary>Inline poll bodies for POST /cluster.</summary>
internal static class Polls
{
    /// <summary>Two camps voting opposite on <paramref name="statements"/> statements.</summary>
    public static object TwoCamps(string pollId, int perCamp = 10, int statements = 8, object? extra = null)
    {
        var votes = new List<object>();
        for (var p = 0; p < 2 * perCamp; p++)
        {
            for (var s = 0; s < statements; s++)
            {
                var vote = (p < perCamp ? 1 : -1) * (s % 2 == 0 ? 1 : -1);
                votes.Add(new { participantId = $"p{p}", statementId = s.ToString(CultureInfo.InvariantCulture), vote, timestamp = 1000 + (p * statements) + s });
            }
        }

        return new { pollId, votes };
    }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static StringContent Raw(string body) => new(body, Encoding.UTF8, "application/json");
}
