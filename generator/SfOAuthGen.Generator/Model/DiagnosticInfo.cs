using System.Linq;
using Microsoft.CodeAnalysis;

namespace SfOAuthGen.Generator.Model;

/// <summary>A diagnostic as plain data, so it can travel through the pipeline and be compared for caching.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    private const int MaxArgumentLength = 120;

    /// <summary>Creates the diagnostic; arguments quoted from the manifest are shortened so a huge value cannot flood the build log.</summary>
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs) =>
        new(descriptor, location, messageArgs.Select(Shorten).ToEquatableArray());

    private static string Shorten(string value) =>
        value.Length <= MaxArgumentLength ? value : value.Substring(0, MaxArgumentLength - 1) + "\u2026";

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, MessageArgs.Cast<object>().ToArray());
}
