using System.CodeDom.Compiler;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Orleans.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Packaging;

/// <summary>
/// The provider's public surface is declared: the analyzer is wired to fail the build on an undeclared change, the declared
/// types are exactly the public ones, and none of them is of this product.
/// </summary>
[Trait("Category", "Unit")]
public sealed class PublicApiTests
{
    private static readonly string ProjectFolder = Path.Combine(RepositoryPaths.Root, "src", "Streaming.Kafka");
    private static readonly Assembly Provider = typeof(KafkaStreamOptions).Assembly;

    [Fact]
    public void The_public_api_analyzer_fails_the_build_on_an_undeclared_or_vanished_member()
    {
        var project = XDocument.Load(Path.Combine(ProjectFolder, "OrleansKafka.Streaming.csproj"));
        var analyzer = project.Descendants("PackageReference").Single(r => (string?)r.Attribute("Include") == "Microsoft.CodeAnalysis.PublicApiAnalyzers");
        Assert.Equal("all", (string?)analyzer.Attribute("PrivateAssets"));
        Assert.Equal(
            ["PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"],
            project.Descendants("AdditionalFiles").Select(f => (string?)f.Attribute("Include")).Order());
        var warningsAsErrors = string.Concat(project.Descendants("WarningsAsErrors").Select(e => e.Value));
        Assert.Contains("RS0016", warningsAsErrors);
        Assert.Contains("RS0017", warningsAsErrors);
        Assert.Contains("CS1591", warningsAsErrors);
        Assert.Equal("true", project.Descendants("GenerateDocumentationFile").Single().Value);

        var versions = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"));
        Assert.Single(versions.Descendants("PackageVersion"), v => (string?)v.Attribute("Include") == "Microsoft.CodeAnalysis.PublicApiAnalyzers");
    }

    [Fact]
    public void The_declared_types_are_exactly_the_public_types_of_the_assembly()
    {
        var declared = DeclaredLines()
            .Where(line => !line.Contains("->", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        // Orleans' code generator adds public serializers for the [GenerateSerializer] types; generated code is not declared.
        var exported = Provider.GetExportedTypes()
            .Where(t => t.GetCustomAttribute<GeneratedCodeAttribute>() is null)
            .Select(t => t.FullName!.Replace('+', '.'))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(exported, declared);
    }

    [Fact]
    public void Nothing_public_names_this_product_postgresql_or_its_schema()
    {
        Assert.All(Provider.GetExportedTypes(), t => Assert.DoesNotMatch("UserEvents|Postgres|Npgsql", t.Namespace));
        // The meter's name is the one exception, kept for the alert rules and dashboards that select by it.
        Assert.Equal(
            ["const OrleansKafka.Streaming.KafkaReceiverMetrics.MeterName = \"UserEvents.Orleans.Streaming.Kafka\" -> string!"],
            DeclaredLines().Where(line => line.Contains("UserEvents", StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(DeclaredLines(), line => line.Contains("Postgres", StringComparison.OrdinalIgnoreCase)
            || line.Contains("Npgsql", StringComparison.OrdinalIgnoreCase) || line.Contains("user_events", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Only_the_test_suite_sees_the_providers_internals()
    {
        var friends = Provider.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToArray();

        Assert.Equal(["UserEvents.Orleans.Tests"], friends);
    }

    private static IEnumerable<string> DeclaredLines() =>
        new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" }
            .SelectMany(file => File.ReadAllLines(Path.Combine(ProjectFolder, file)))
            .Where(line => line.Length > 0 && !line.StartsWith('#'));
}
