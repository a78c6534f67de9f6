using System.Collections.Generic;
using System.Threading;
using Scriban.Runtime;

namespace SfOAuthGen.Generator;

/// <summary>
/// The objects <c>Org.sbntxt</c> reads its values from, kept from one org to the next: building them afresh (dictionaries
/// growing entry by entry, one more per secret) cost ~6 KB per org. The emitter overwrites every key for each org.
/// </summary>
internal sealed class OrgTemplateValues
{
    // One idle instance, taken by whoever renders; a concurrent render builds its own (never two threads on one instance).
    private static OrgTemplateValues? s_idle;

    private readonly List<ScriptObject> _secretObjects = new();

    private OrgTemplateValues()
    {
    }

    /// <summary>The template's global object.</summary>
    public ScriptObject Root { get; } = new(8);

    /// <summary>The object the template reads as <c>settings</c>.</summary>
    public ScriptObject Settings { get; } = new(16);

    /// <summary>The array the template reads as <c>settings.secrets</c>; filled through <see cref="AddSecret"/>.</summary>
    public ScriptArray Secrets { get; } = new();

    public static OrgTemplateValues Take() => Interlocked.Exchange(ref s_idle, null) ?? new OrgTemplateValues();

    /// <summary>Appends a secret's object (a reused one, emptied) to <see cref="Secrets"/>.</summary>
    public ScriptObject AddSecret()
    {
        if (Secrets.Count == _secretObjects.Count)
        {
            _secretObjects.Add(new ScriptObject(8));
        }

        var secret = _secretObjects[Secrets.Count];
        Secrets.Add(secret);
        return secret;
    }

    /// <summary>Empties every object, so the idle instance references no manifest value, and makes this the idle instance.</summary>
    public void Return()
    {
        Root.Clear();
        Settings.Clear();
        Secrets.Clear();
        foreach (var secret in _secretObjects)
        {
            secret.Clear();
        }

        Volatile.Write(ref s_idle, this);
    }
}
