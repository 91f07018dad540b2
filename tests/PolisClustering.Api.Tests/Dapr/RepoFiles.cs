using Microsoft.Extensions.Configuration;
using PolisClustering.Api.Dapr;
using YamlDotNet.RepresentationModel;

namespace PolisClustering.Api.Tests.Dapr;

/// <summary>The repository's deployment files, parsed: YAML documents as dictionaries, lists and strings.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>The component names as the service is configured (appsettings.json over the option defaults).</summary>
    public static DaprComponentOptions Options() =>
        new ConfigurationBuilder().AddJsonFile(Path.Combine(Root, "src", "PolisClustering.Api", "appsettings.json")).Build()
            .GetSection(DaprComponentOptions.SectionName).Get<DaprComponentOptions>() ?? new DaprComponentOptions();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static List<Dictionary<string, object?>> Documents(params string[] parts)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(PathOf(parts)))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Where(d => d.RootNode is YamlMappingNode).Select(d => (Dictionary<string, object?>)Convert(d.RootNode)!)];
    }

    public static List<Dictionary<string, object?>> DocumentsIn(params string[] folder) =>
        [.. Directory.GetFiles(PathOf(folder), "*.yaml").Order(StringComparer.Ordinal).SelectMany(f => Documents(Path.GetRelativePath(Root, f)))];

    public static object? At(this object? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key),
                (List<object?> list, int index) => index < list.Count ? list[index] : null,
                _ => null,
            };
        }

        return node;
    }

    public static string? Text(this object? node, params object[] path) => node.At(path) as string;

    public static List<object?> List(this object? node, params object[] path) => node.At(path) as List<object?> ?? [];

    public static string? Name(this Dictionary<string, object?> doc) => doc.Text("metadata", "name");

    public static string? Kind(this Dictionary<string, object?> doc) => doc.Text("kind");

    /// <summary>A component's spec.metadata entry by name.</summary>
    public static Dictionary<string, object?>? Meta(this Dictionary<string, object?> component, string name) =>
        component.List("spec", "metadata").OfType<Dictionary<string, object?>>().FirstOrDefault(m => m.Text("name") == name);

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Convert(c.Value), StringComparer.Ordinal),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PolisClustering.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PolisClustering.sln not found above the test binaries");
    }
}
