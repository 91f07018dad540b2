using System.Text.Json;
using PolisClustering.Engine.State;

namespace PolisClustering.Engine.Tests.Engine;

public sealed class StateJsonTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{\"n\": 35, \"tids\": [0, 1]}")]
    public void Deserialize_NoVersion_IsRefusedNotAColdStart(string json)
    {
        var error = Assert.Throws<JsonException>(() => ConversationStateJson.Deserialize(json));

        Assert.Contains("Version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_UnknownVersion_IsRefusedNamingIt()
    {
        var error = Assert.Throws<JsonException>(() => ConversationStateJson.Deserialize("{\"Version\": 7}"));

        Assert.Contains("version 7", error.Message, StringComparison.Ordinal);
    }
}
