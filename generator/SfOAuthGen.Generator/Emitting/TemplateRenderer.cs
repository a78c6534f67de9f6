using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis.Text;
using Scriban;
using Scriban.Runtime;

namespace SfOAuthGen.Generator;

/// <summary>
/// Renders a parsed template into a file's text with one <see cref="TemplateContext"/> and one output buffer reused from
/// render to render. A new context per org used to dominate the generator's allocation (its builtin functions object is
/// copied per context, and its output builder grows from empty each time): ~70 KB of the ~90 KB an org's rendering cost.
/// </summary>
internal static class TemplateRenderer
{
    // One idle renderer, taken by whoever renders. A second concurrent render (the compiler may run generators in parallel)
    // builds its own and one of the two is kept: no lock, and never two threads on one context.
    private static Renderer? s_idle;

    public static SourceText Render(Template template, ScriptObject model)
    {
        var renderer = Interlocked.Exchange(ref s_idle, null) ?? new Renderer();
        var context = renderer.Context;
        context.PushCulture(CultureInfo.InvariantCulture);
        context.PushGlobal(model);
        context.PushOutput(renderer.Output);

        // What Template.Render does, minus its copy of the whole output into a string. A render that throws may leave loop
        // or local scopes behind, which Reset does not clear: that renderer is dropped.
        if (template.Page is { } page && context.Evaluate(page) is { } result)
        {
            context.Write(page.Span, result);
        }

        var text = renderer.Output.ToSourceText();

        // Reset pops the output, the model and the culture, so the idle context references no model. The idle output's
        // buffer still holds the last file's characters: generated code, which never holds a secret's value.
        context.Reset();
        renderer.Output.Clear();
        Volatile.Write(ref s_idle, renderer);
        return text;
    }

    private sealed class Renderer
    {
        public TemplateContext Context { get; } = new()
        {
            StrictVariables = true,
            LoopLimit = 0,
            MemberRenamer = static member => member.Name,

            // Generated files end their lines with \n on every OS (the templates are read with \n line ends too).
            NewLine = "\n",
        };

        public TemplateOutput Output { get; } = new();
    }
}
