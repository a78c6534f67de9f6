using System.Linq;
using Microsoft.CodeAnalysis;

namespace SfOAuthGen.Generator.Model
{
    /// <summary>A diagnostic as plain data, so it can travel through the pipeline and be compared for caching.</summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs) =>
            new(descriptor, location, messageArgs.ToEquatableArray());

        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, MessageArgs.Cast<object>().ToArray());
    }
}
