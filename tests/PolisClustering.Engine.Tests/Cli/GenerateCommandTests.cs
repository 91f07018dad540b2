using System.Globalization;
using System.Text.Json;
using PolisClustering.Cli.Generate;
using PolisClustering.Engine.Tests.Loading;

namespace PolisClustering.Engine.Tests.Cli;

/// <summary>'polis-cluster generate' and the alternative algorithms on what it writes.</summary>
public sealed class GenerateCommandTests
{
    /// <summary>600 participants, 40 statements, 20,000 votes, 3 planted groups.</summary>
    private static readonly SyntheticOptions Planted = new() { Participants = 600, Statements = 40, Groups = 3, Seed = 3 };

    [Fact]
    public void Generate_SameSeedTwice_WritesByteIdenticalFiles()
    {
        using var temp = new TempFolder();
        var a = Path.Combine(temp.Path, "a");
        var b = Path.Combine(temp.Path, "b");
        string[] options = ["--participants", "300", "--statements", "30", "--votes", "5000", "--seed", "11"];

        var first = PolisCli.Ok(["generate", a, .. options]);
        PolisCli.Ok(["generate", b, .. options]);

        Assert.Equal(["comments.csv", "votes.csv"], Directory.GetFiles(a).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "votes.csv")), File.ReadAllBytes(Path.Combine(b, "votes.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "comments.csv")), File.ReadAllBytes(Path.Combine(b, "comments.csv")));
        Assert.StartsWith("[generate] 300 participants, 30 statements, 5000 votes (", first.Stderr, StringComparison.Ordinal);
        Assert.Equal("", first.Stdout);
    }

    [Fact]
    public void Generate_OtherSeed_WritesOtherVotes()
    {
        using var temp = new TempFolder();
        var a = Path.Combine(temp.Path, "a");
        var b = Path.Combine(temp.Path, "b");

        PolisCli.Ok("generate", a, "--participants", "300", "--statements", "30", "--votes", "5000", "--seed", "11");
        PolisCli.Ok("generate", b, "--participants", "300", "--statements", "30", "--votes", "5000", "--seed", "12");

        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "votes.csv")), File.ReadAllBytes(Path.Combine(b, "votes.csv")));
    }

    [Fact]
    public void Generate_ZeroParticipants_ExitsThree()
    {
        using var temp = new TempFolder();

        var run = PolisCli.Run("generate", Path.Combine(temp.Path, "out"), "--participants", "0");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("error: --participants, --statements, --votes and --groups must be at least 1.\n", run.Stderr);
    }

    [Fact]
    public void Generate_SameOptions_MatchesTheInProcessGenerator()
    {
        using var temp = new TempFolder();
        var cli = Path.Combine(temp.Path, "cli");
        var library = Path.Combine(temp.Path, "library");

        PolisCli.Ok("generate", cli, "--participants", "600", "--statements", "40", "--groups", "3", "--seed", "3");
        SyntheticConversation.Generate(Planted).WriteExport(library);

        Assert.Equal(File.ReadAllBytes(Path.Combine(library, "votes.csv")), File.ReadAllBytes(Path.Combine(cli, "votes.csv")));
    }

    [Fact]
    public void Cluster_KMeansOnGenerated_RecoversThePlantedGroups()
    {
        var (stdout, truth) = ClusterGenerated("kmeans");

        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var groupOf = ResultJson.GroupOf(root);
        var inConv = ResultJson.Ids(root, "in-conv");
        Assert.Equal("kmeans", root.GetProperty("polis-clustering").GetProperty("algorithm").GetString());
        Assert.Equal(3, root.GetProperty("group-clusters").GetArrayLength());
        Assert.Equal(inConv.Order(StringComparer.Ordinal), groupOf.Keys.Order(StringComparer.Ordinal)); // k-means leaves nobody out
        Assert.Empty(root.GetProperty("polis-clustering").GetProperty("noise").EnumerateArray());
        var (ari, purity) = Score(groupOf, truth);
        Assert.True(ari >= 0.9, $"adjusted Rand {ari:0.000}");
        Assert.True(purity >= 0.95, $"purity {purity:0.000}");
    }

    [Fact]
    public void Cluster_DbscanOnGenerated_RecoversThePlantedGroupsAndListsNoise()
    {
        var (stdout, truth) = ClusterGenerated("dbscan");

        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var groupOf = ResultJson.GroupOf(root);
        var inConv = ResultJson.Ids(root, "in-conv");
        var noise = ResultJson.Ids(root.GetProperty("polis-clustering"), "noise");
        Assert.Equal("dbscan", root.GetProperty("polis-clustering").GetProperty("algorithm").GetString());
        Assert.NotEmpty(noise);
        Assert.Empty(noise.Intersect(groupOf.Keys));
        Assert.Equal(inConv.Order(StringComparer.Ordinal), noise.Concat(groupOf.Keys).Order(StringComparer.Ordinal));
        var (ari, purity) = Score(groupOf, truth);
        Assert.True(ari >= 0.9, $"adjusted Rand {ari:0.000} over {groupOf.Count} grouped participants");
        Assert.True(purity >= 0.95, $"purity {purity:0.000}");
    }

    /// <summary>Generates <see cref="Planted"/> with the CLI and clusters it with the given algorithm.</summary>
    private static (string Stdout, IReadOnlyList<int> Truth) ClusterGenerated(string algorithm)
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "conversation");
        PolisCli.Ok("generate", folder, "--participants", "600", "--statements", "40", "--groups", "3", "--seed", "3");

        var run = PolisCli.Ok("cluster", folder, "--algorithm", algorithm, "--quiet");

        return (run.Stdout, SyntheticConversation.Generate(Planted).PlantedGroups);
    }

    private static (double Ari, double Purity) Score(Dictionary<string, int> groupOf, IReadOnlyList<int> truth)
    {
        var pids = groupOf.Keys.Order(StringComparer.Ordinal).ToList();
        var planted = pids.Select(p => truth[int.Parse(p, CultureInfo.InvariantCulture)]).ToList();
        var found = pids.Select(p => groupOf[p]).ToList();
        return (Agreement.AdjustedRand(planted, found), Agreement.Purity(planted, found));
    }
}
