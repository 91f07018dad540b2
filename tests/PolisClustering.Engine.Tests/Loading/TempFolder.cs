namespace PolisClustering.Engine.Tests.Loading;

/// <summary>A fresh folder under the temp directory, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "polis-loading-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes a file (UTF-8, no BOM, text as given) and returns its full path.</summary>
    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>
    /// Writes the fixture's votes.json with every vote negated (the raw Polis API sign), and its comments.json when
    /// <paramref name="withComments"/>, so the sign can be detected from the comments' counts.
    /// </summary>
    public void WriteNegatedVotes(string fixture, bool withComments)
    {
        var votes = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(fixture, "votes.json")))!.AsArray();
        foreach (var vote in votes)
        {
            vote!["vote"] = -(int)vote["vote"]!;
        }

        Write("votes.json", votes.ToJsonString());
        if (withComments)
        {
            File.Copy(System.IO.Path.Combine(fixture, "comments.json"), System.IO.Path.Combine(Path, "comments.json"));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
