using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static PolisClustering.Api.Tests.Http.Polls;

namespace PolisClustering.Api.Tests.Http;

public sealed class ClusterEndpointTests : IDisposable
{
    private readonly ServiceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer wrong-token-0123456789abcdef")]
    [InlineData("Bearer test-token-0123456789abcdef-longer")]
    [InlineData("Bearer x")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    public async Task Cluster_WrongMissingOrEmptyToken_Is401WithChallenge(string? authorization)
    {
        using var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/cluster") { Content = Json(TwoCamps("p")) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cluster_InlineVotesWithWait_AnswersWithGroupsInSeedShape()
    {
        using var client = _factory.Authorized();

        using var response = await client.PostAsync("/cluster?wait=true", Json(TwoCamps("camps")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.True(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(2, body.RootElement.GetProperty("groups_created").GetInt32());
        Assert.Equal("succeeded", body.RootElement.GetProperty("status").GetString());
        var jobId = body.RootElement.GetProperty("job_id").GetGuid();
        var job = await client.GetFromJsonAsync<JsonElement>($"/jobs/{jobId}", TestContext.Current.CancellationToken);
        Assert.Equal(new[] { 10, 10 }, job.GetProperty("result").GetProperty("groupSizes").EnumerateArray().Select(e => e.GetInt32()));
        var result = await client.GetFromJsonAsync<JsonElement>("/polls/camps/result", TestContext.Current.CancellationToken);
        Assert.Equal(20, result.GetProperty("polis").GetProperty("n").GetInt32());
        Assert.Equal(2, result.GetProperty("polis").GetProperty("group-clusters").GetArrayLength());
    }

    [Fact]
    public async Task Cluster_SeedBody_AcceptedWithSeedFieldsAndUrlKeyIgnored()
    {
        using var client = _factory.Authorized();
        await client.PostAsync("/cluster?wait=true", Json(TwoCamps("seed-poll")), TestContext.Current.CancellationToken);

        using var response = await client.PostAsync("/cluster", Json(new
        {
            poll_id = "seed-poll",
            force_recalculate = true,
            supabase_url = "https://example.invalid",
            supabase_key = "service-role-secret",
        }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal(body.GetProperty("job_id").GetGuid(), body.GetProperty("jobId").GetGuid());
        Assert.Equal($"/jobs/{body.GetProperty("jobId").GetGuid()}", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("{not json", "body")]
    [InlineData("[]", "body")]
    [InlineData("{}", "pollId")]
    [InlineData("{\"pollId\":\"\"}", "pollId")]
    [InlineData("{\"pollId\":\"p\",\"priority\":\"urgent\"}", "priority")]
    [InlineData("{\"pollId\":\"p\",\"force\":\"yes\"}", "force")]
    [InlineData("{\"pollId\":\"p\",\"votes\":{}}", "votes")]
    [InlineData("{\"pollId\":\"p\",\"votes\":[{\"participantId\":\"a\",\"statementId\":\"1\",\"vote\":2}]}", "votes[0].vote")]
    [InlineData("{\"pollId\":\"p\",\"votes\":[{\"participantId\":\"a\",\"statementId\":\"1\",\"vote\":1},{\"statementId\":\"1\",\"vote\":1}]}", "votes[1].participantId")]
    [InlineData("{\"pollId\":\"p\",\"votes\":[{\"participantId\":\"a\",\"statementId\":\"1\",\"vote\":1,\"timestamp\":\"soon\"}]}", "votes[0].timestamp")]
    [InlineData("{\"pollId\":\"p\",\"votes\":[{\"participantId\":\"a\",\"statementId\":\"1\",\"vote\":\"1\"}]}", "votes[0].vote")]
    [InlineData("{\"pollId\":\"p\",\"votes\":[],\"statements\":[{\"id\":\"1\",\"moderation\":\"ok\"}]}", "statements[0].moderation")]
    [InlineData("{\"pollId\":\"p\",\"statements\":[]}", "statements")]
    public async Task Cluster_BadBody_Is400NamingTheField(string body, string field)
    {
        using var client = _factory.Authorized();

        using var response = await client.PostAsync("/cluster", Raw(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(field, problem.GetProperty("field").GetString());
        Assert.StartsWith(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_WaitQueryNotABoolean_Is400NamingWait()
    {
        using var client = _factory.Authorized();

        using var response = await client.PostAsync("/cluster?wait=yes", Json(TwoCamps("w")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("wait", problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Cluster_UnknownPoll_Is404NamingThePoll()
    {
        using var client = _factory.Authorized();

        using var response = await client.PostAsync("/cluster", Json(new { pollId = "never-seen" }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Contains("never-seen", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownJobAndResult_Are404()
    {
        using var client = _factory.Authorized();

        using var job = await client.GetAsync($"/jobs/{Guid.NewGuid()}", TestContext.Current.CancellationToken);
        using var result = await client.GetAsync("/polls/nothing/result", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, result.StatusCode);
    }

    [Fact]
    public async Task Health_NoToken_Is200WithTimestamp()
    {
        using var client = _factory.CreateClient();

        var health = await client.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(DateTimeOffset.TryParse(health.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
    }

    [Fact]
    public async Task QueueStatus_Preflight_AllowsAuthorizationFromAnyOrigin()
    {
        using var client = _factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/queue/status");
        request.Headers.Add("Origin", "https://admin.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }
}
