using System.Globalization;
using System.Threading;
using Scriban;
using Scriban.Runtime;

namespace SfOAuthGen.Generator;

/// <summary>
/// Renders a parsed template into a string with one <see cref="TemplateContext"/> reused from render to render.
/// A new context per org used to dominate the generator's allocation (its builtin functions object is copied per
/// context, and its output builder grows from empty each time): ~70 KB of the ~90 KB an org's rendering cost.
/// </summary>
internal static class TemplateRenderer
{
    // One idle context, taken by whoever renders. A second concurrent render (the compiler may run generators in parallel)
    // builds its own and one of the two is kept: no lock, and never two threads on one context.
    private static TemplateContext? s_idle;

    public static string Render(Template template, ScriptObject model)
    {
        var context = Interlocked.Exchange(ref s_idle, null) ?? CreateContext();
        context.PushCulture(CultureInfo.InvariantCulture);
        context.PushGlobal(model);

        // A render that throws may leave loop or local scopes behind, which Reset does not clear: that context is dropped.
        var text = template.Render(context);

        // Reset pops the model and the culture, so the idle context holds no manifest value, and empties the output
        // builder while keeping its capacity for the next file.
        context.Reset();
        Volatile.Write(ref s_idle, context);
        return text.IndexOf('\r') < 0 ? text : text.Replace("\r\n", "\n");
    }

    private static TemplateContext CreateContext() => new()
    {
        StrictVariables = true,
        LoopLimit = 0,
        MemberRenamer = static member => member.Name,
    };
}
