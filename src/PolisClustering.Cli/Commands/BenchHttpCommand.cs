using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace PolisClustering.Cli.Commands;

/// <summary>
/// bench-http: open-loop load on a running service's POST /cluster at a fixed rate (requests are sent on schedule,
/// whether or not earlier ones have answered), then latency percentiles. Registers its polls inline first.
/// </summary>
internal static class BenchHttpCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The service, e.g. http://127.0.0.1:8080.", Required = true };
        var token = new Option<string>("--token") { Description = "The bearer token (CLUSTERING_TOKEN).", Required = true };
        var rate = new Option<int>("--rate") { Description = "Requests per second.", DefaultValueFactory = _ => 500 };
        var seconds = new Option<int>("--seconds") { Description = "Duration of the measured load.", DefaultValueFactory = _ => 10 };
        var polls = new Option<int>("--polls") { Description = "Distinct polls the requests cycle through.", DefaultValueFactory = _ => 200 };
        var command = new Command("bench-http", "Measure POST /cluster latency at a fixed request rate.") { url, token, rate, seconds, polls };
        command.SetAction(async (parse, ct) =>
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri(parse.GetValue(url)!),
            };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", parse.GetValue(token));
            var pollCount = Math.Max(1, parse.GetValue(polls));
            for (var p = 0; p < pollCount; p++)
            {
                var body = $$"""{"pollId":"bench-{{p}}","votes":[{"participantId":"a","statementId":"1","vote":1},{"participantId":"b","statementId":"1","vote":-1},{"participantId":"c","statementId":"2","vote":1},{"participantId":"d","statementId":"2","vote":-1}]}""";
                using var setup = await client.PostAsync("/cluster", Content(body), ct).ConfigureAwait(false);
            }

            var perSecond = Math.Max(1, parse.GetValue(rate));
            var total = perSecond * Math.Max(1, parse.GetValue(seconds));
            var latencies = new double[total];
            var statuses = new int[total];
            var clock = Stopwatch.StartNew();
            var inFlight = new List<Task>(total);
            for (var i = 0; i < total; i++)
            {
                var due = TimeSpan.FromSeconds(i / (double)perSecond);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct).ConfigureAwait(false);
                }

                var index = i;
                inFlight.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await client.PostAsync("/cluster", Content($$"""{"pollId":"bench-{{index % pollCount}}"}"""), ct).ConfigureAwait(false);
                    latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    statuses[index] = (int)response.StatusCode;
                }, ct));
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
            var achieved = total / clock.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(q * latencies.Length) - 1)];
            var codes = string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"POST /cluster: {total} requests at {perSecond}/s (achieved {achieved:0}/s); latency p50 {P(0.50):0.00} ms, p90 {P(0.90):0.00} ms, p99 {P(0.99):0.00} ms, max {latencies[^1]:0.00} ms; status {codes}"));
            // A run where requests were refused (wrong token, queue full) measured the refusals, not the service.
            return statuses.All(s => s is >= 200 and < 300) ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static StringContent Content(string json) => new(json, Encoding.UTF8, "application/json");
}
