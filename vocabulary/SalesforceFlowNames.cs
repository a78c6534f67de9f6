using System;
using System.Collections.Generic;
using SfOAuthGen.Runtime;

namespace SfOAuthGen.Vocabulary;

/// <summary>
/// Maps the runtime's public <see cref="SalesforceFlow"/> to the vocabulary's flows, by member name, so the enum keeps
/// no table of its own. Linked into the runtime and the tool (the generator has no runtime reference).
/// </summary>
internal static class SalesforceFlowNames
{
    private static readonly Dictionary<SalesforceFlow, ManifestFlow> ByFlow = Build();

    /// <summary>The vocabulary's flow for <paramref name="flow"/>; null only for a value outside the enum.</summary>
    public static ManifestFlow? Find(SalesforceFlow flow) => ByFlow.TryGetValue(flow, out var found) ? found : null;

    /// <summary>How the manifest writes the flow (<c>refresh_token</c>).</summary>
    public static string NameOf(SalesforceFlow flow) => Find(flow)?.Name ?? flow.ToString();

    /// <summary>The runtime flow a manifest flow stands for.</summary>
    public static SalesforceFlow ToSalesforceFlow(ManifestFlow flow) =>
        (SalesforceFlow)Enum.Parse(typeof(SalesforceFlow), flow.Member, ignoreCase: false);

    private static Dictionary<SalesforceFlow, ManifestFlow> Build()
    {
        var map = new Dictionary<SalesforceFlow, ManifestFlow>();
        foreach (var flow in ManifestVocabulary.Flows)
        {
            map.Add(ToSalesforceFlow(flow), flow);
        }

        return map;
    }
}
