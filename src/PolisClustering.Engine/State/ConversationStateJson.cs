using System.Text.Json;

namespace PolisClustering.Engine.State;

/// <summary>Reads and writes <see cref="ConversationState"/> as JSON, refusing versions it does not know.</summary>
public static class ConversationStateJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Serialize(ConversationState state) => JsonSerializer.Serialize(state, Options);

    public static void Write(ConversationState state, Stream stream) => JsonSerializer.Serialize(stream, state, Options);

    public static ConversationState Deserialize(string json)
    {
        var state = JsonSerializer.Deserialize<ConversationState>(json, Options)
            ?? throw new JsonException("The conversation state is null.");
        if (state.Version != ConversationState.CurrentVersion)
        {
            throw new JsonException(
                $"Conversation state version {state.Version} is not supported (expected {ConversationState.CurrentVersion}).");
        }

        return state;
    }
}
