namespace SfOAuthGen.Testing;

/// <summary>Reads and writes the cassette format. Writing is canonical so that load → save is byte-stable.</summary>
internal static partial class CassetteJson
{
    internal static string FaultName(FaultKind kind) => kind switch
    {
        FaultKind.Delay => "delay",
        FaultKind.SlowBody => "slowBody",
        FaultKind.TruncatedBody => "truncate",
        FaultKind.ResetMidBody => "reset",
        FaultKind.MaintenancePage => "maintenance",
        FaultKind.InvalidSession => "invalidSession",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
